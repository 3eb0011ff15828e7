"""The decoded row of `domain_events`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT, JsonObject
from db.literals import DomainEventAggregateType, DomainEventStatus, DomainEventType


@with_config(STRICT)
class DomainEventsRowShape(TypedDict):
    """One row of `domain_events`, keyed by column name."""

    id: UUID
    event_type: DomainEventType
    aggregate_type: DomainEventAggregateType
    aggregate_id: UUID
    payload: JsonObject
    correlation_id: UUID | None
    sequence_number: int
    status: DomainEventStatus
    occurred_at: datetime
    processing_at: datetime | None
    published_at: datetime | None
    failed_at: datetime | None
    failure_reason: str | None
    created_at: datetime


DomainEventsRowSchema: Final = TypeAdapter(DomainEventsRowShape)
"""Strict decoder of one `domain_events` row."""
