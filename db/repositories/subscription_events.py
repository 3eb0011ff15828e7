"""Stripe webhook events: idempotent intake, processing marks and retention pruning."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final, NamedTuple

from pydantic import ConfigDict, TypeAdapter, with_config
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from typing_extensions import TypedDict

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_input, parse_moment, parse_uuid
from db.errors import DbError, translate_errors
from db.json_types import JsonObject
from db.repositories.batched_delete import DEFAULT_BATCH_SIZE, delete_in_batches
from db.row_schemas.subscription_events import (
    SubscriptionEventsRowSchema,
    SubscriptionEventsRowShape,
)
from db.schema import subscription_events


@with_config(ConfigDict(strict=True, extra="forbid"))
class SubscriptionEventInput(TypedDict):
    """One validated Stripe event as received."""

    stripe_event_id: str
    event_type: str
    payload: JsonObject


class SubscriptionEventIntake(NamedTuple):
    """The stored event and whether this call created it (`False`: a duplicate delivery)."""

    row: SubscriptionEventsRowShape
    created: bool


_EVENT: Final = TypeAdapter(SubscriptionEventInput)


class SubscriptionEventsRepository:
    """Queries on `subscription_events`."""

    async def find_by_stripe_event_id(
        self, stripe_event_id: str
    ) -> SubscriptionEventsRowShape | None:
        """Return the event with this Stripe id, or `None`."""
        statement = select(subscription_events).where(
            subscription_events.c.stripe_event_id == stripe_event_id
        )
        with translate_errors("Failed to find subscription event"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    SubscriptionEventsRowSchema, result.mappings().first(), "subscription event"
                )

    async def create(
        self,
        *,
        stripe_event_id: str,
        event_type: str,
        payload: JsonObject,
        organization_id: uuid.UUID | str | None = None,
    ) -> SubscriptionEventIntake:
        """Store the event once per Stripe id; a repeated id returns the stored row, not created.

        Concurrent deliveries of one event store one row; exactly one caller sees `created`.
        """
        owner = None if organization_id is None else parse_uuid(organization_id, "organization_id")
        event = parse_input(
            _EVENT,
            {"stripe_event_id": stripe_event_id, "event_type": event_type, "payload": payload},
            "subscription event",
        )
        statement = (
            insert(subscription_events)
            .values(organization_id=owner, **event)
            .on_conflict_do_nothing(index_elements=[subscription_events.c.stripe_event_id])
            .returning(subscription_events)
        )
        existing = select(subscription_events).where(
            subscription_events.c.stripe_event_id == event["stripe_event_id"]
        )
        with translate_errors("Failed to create subscription event"):
            async with provide_db() as conn:
                row = (await conn.execute(statement)).mappings().first()
                created = row is not None
                if row is None:
                    row = (await conn.execute(existing)).mappings().first()
                if row is None:
                    raise DbError(
                        "DB_QUERY_FAILED",
                        "Failed to create subscription event: the duplicate vanished; retry",
                    )
                return SubscriptionEventIntake(
                    decode_row(SubscriptionEventsRowSchema, row, "subscription event"), created
                )

    async def mark_processed(
        self, subscription_event_id: uuid.UUID | str
    ) -> SubscriptionEventsRowShape | None:
        """Stamp `processed_at` once; `None` if absent or already processed."""
        key = parse_uuid(subscription_event_id, "subscription_event_id")
        statement = (
            update(subscription_events)
            .where(subscription_events.c.id == key, subscription_events.c.processed_at.is_(None))
            .values(processed_at=func.now())
            .returning(subscription_events)
        )
        with translate_errors("Failed to mark subscription event processed"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    SubscriptionEventsRowSchema, result.mappings().first(), "subscription event"
                )

    async def prune_processed(
        self, older_than: datetime, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> int:
        """Delete events processed before OLDER_THAN, in batches; return how many were deleted."""
        threshold = parse_moment(older_than, "older_than")
        return await delete_in_batches(
            subscription_events,
            subscription_events.c.processed_at < threshold,
            context="Failed to prune processed subscription events",
            batch_size=batch_size,
            order_by=subscription_events.c.processed_at,
        )


subscription_events_repository = SubscriptionEventsRepository()
