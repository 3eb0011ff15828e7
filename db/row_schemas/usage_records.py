"""The decoded row of `usage_records`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT, JsonObject
from db.literals import UsageCategory


@with_config(STRICT)
class UsageRecordsRowShape(TypedDict):
    """One row of `usage_records`, keyed by column name."""

    id: UUID
    organization_id: UUID
    category: UsageCategory
    quantity: int
    unit_cost_decimillicents: int
    total_cost_decimillicents: int
    reference_id: str | None
    stripe_usage_record_id: str | None
    metadata: JsonObject
    recorded_at: datetime
    created_at: datetime


UsageRecordsRowSchema: Final = TypeAdapter(UsageRecordsRowShape)
"""Strict decoder of one `usage_records` row."""
