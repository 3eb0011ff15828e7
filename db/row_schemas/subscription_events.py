"""The decoded row of `subscription_events`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT, JsonObject


@with_config(STRICT)
class SubscriptionEventsRowShape(TypedDict):
    """One row of `subscription_events`, keyed by column name."""

    id: UUID
    stripe_event_id: str
    event_type: str
    organization_id: UUID | None
    payload: JsonObject
    processed_at: datetime | None
    created_at: datetime


SubscriptionEventsRowSchema: Final = TypeAdapter(SubscriptionEventsRowShape)
"""Strict decoder of one `subscription_events` row."""
