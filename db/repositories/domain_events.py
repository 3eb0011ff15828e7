"""The transactional outbox: append domain events inside a business transaction, relay them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Final, NotRequired, TypedDict

from pydantic import ValidationError
from sqlalchemy import ColumnElement, and_, bindparam, column, func, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import KeyedColumnElement
from sqlalchemy.types import Text

from db.client import provide_db
from db.decode import (
    decode_optional,
    decode_row,
    decode_rows,
    parse_moment,
    parse_uuid,
    parse_uuids,
)
from db.errors import DbError, translate_errors
from db.json_types import JsonObject, JsonObjectSchema
from db.literals import (
    DOMAIN_EVENT_AGGREGATE_TYPES,
    DOMAIN_EVENT_STATUSES,
    DOMAIN_EVENT_TYPES,
    DomainEventAggregateType,
    DomainEventStatus,
    DomainEventType,
)
from db.repositories.batched_delete import DEFAULT_BATCH_SIZE, delete_in_batches
from db.row_schemas.domain_events import DomainEventsRowSchema, DomainEventsRowShape
from db.schema import domain_events

_AUTOCOMMIT: Final = "AUTOCOMMIT"

# `append_domain_event` (migrations/0001_baseline.sql) takes a per-aggregate advisory lock and
# inserts with MAX+1 in a fresh snapshot, so concurrent appends to one aggregate get 1..N.
_APPENDED: Final = func.append_domain_event(
    bindparam("event_type", type_=Text()),
    bindparam("aggregate_type", type_=Text()),
    bindparam("aggregate_id", type_=PG_UUID(as_uuid=True)),
    bindparam("payload", type_=JSONB()),
    bindparam("correlation_id", type_=PG_UUID(as_uuid=True)),
).table_valued(*(column(c.name, c.type) for c in domain_events.c), name="appended")
_APPEND_STATEMENT: Final = select(_APPENDED)


class DomainEventInput(TypedDict):
    """One event to append to an aggregate's stream."""

    event_type: DomainEventType
    aggregate_type: DomainEventAggregateType
    aggregate_id: uuid.UUID
    payload: JsonObject
    correlation_id: NotRequired[uuid.UUID | None]


def _require_transaction(trx: AsyncConnection) -> None:
    sync = trx.sync_connection
    isolation = sync.get_execution_options().get("isolation_level") if sync else None
    if not trx.in_transaction() or _AUTOCOMMIT in (isolation, trx.default_isolation_level):
        raise DbError(
            "DB_INVALID_INPUT",
            "insert_domain_event_in_transaction needs a connection inside a transaction: "
            "pass the handle of `database.transaction()` or `provide_db()`",
        )


def _append_parameters(event: DomainEventInput) -> dict[str, object]:
    if event["event_type"] not in DOMAIN_EVENT_TYPES:
        raise DbError("DB_INVALID_INPUT", f"unknown domain event type {event['event_type']!r}")
    if event["aggregate_type"] not in DOMAIN_EVENT_AGGREGATE_TYPES:
        raise DbError("DB_INVALID_INPUT", f"unknown aggregate type {event['aggregate_type']!r}")
    try:
        payload = JsonObjectSchema.validate_python(event["payload"])
    except ValidationError as exc:
        raise DbError("DB_INVALID_INPUT", "domain event payload is not a JSON object") from exc
    correlation_id = event.get("correlation_id")
    return {
        "event_type": event["event_type"],
        "aggregate_type": event["aggregate_type"],
        "aggregate_id": parse_uuid(event["aggregate_id"], "aggregate_id"),
        "payload": payload,
        "correlation_id": (
            None if correlation_id is None else parse_uuid(correlation_id, "correlation_id")
        ),
    }


async def insert_domain_event_in_transaction(
    trx: AsyncConnection, event: DomainEventInput
) -> DomainEventsRowShape:
    """Append EVENT to its aggregate's stream inside the caller's transaction TRX.

    The sequence number is the aggregate's next one, gapless and unique even when many
    transactions append to the same aggregate at once (under READ COMMITTED, the default).
    """
    _require_transaction(trx)
    parameters = _append_parameters(event)
    context = "Failed to append domain event"
    with translate_errors(context):
        row = (await trx.execute(_APPEND_STATEMENT, parameters)).one()._asdict()
    return decode_row(DomainEventsRowSchema, row, context)


def _claim_order(row: DomainEventsRowShape) -> tuple[datetime, uuid.UUID]:
    return row["occurred_at"], row["id"]


class DomainEventsRepository:
    """Reads and status transitions of the outbox (pending → processing → published/failed)."""

    async def get_by_id(self, event_id: uuid.UUID | str) -> DomainEventsRowShape | None:
        """Return the event with EVENT_ID, or `None`."""
        event_uuid = parse_uuid(event_id, "event_id")
        context = "Failed to get domain event"
        with translate_errors(context):
            async with provide_db() as conn:
                result = await conn.execute(
                    select(domain_events).where(domain_events.c.id == event_uuid)
                )
                row = result.one_or_none()
        return decode_optional(DomainEventsRowSchema, row._asdict() if row else None, context)

    async def list_for_aggregate(self, aggregate_id: uuid.UUID | str) -> list[DomainEventsRowShape]:
        """Return the events of AGGREGATE_ID in sequence order."""
        aggregate_uuid = parse_uuid(aggregate_id, "aggregate_id")
        context = "Failed to list domain events of aggregate"
        with translate_errors(context):
            async with provide_db() as conn:
                result = await conn.execute(
                    select(domain_events)
                    .where(domain_events.c.aggregate_id == aggregate_uuid)
                    .order_by(domain_events.c.sequence_number)
                )
                rows = [row._asdict() for row in result]
        return decode_rows(DomainEventsRowSchema, rows, context)

    async def count_by_status(self) -> dict[DomainEventStatus, int]:
        """Return how many events are in each status (every status present, zero included)."""
        counts: dict[DomainEventStatus, int] = dict.fromkeys(DOMAIN_EVENT_STATUSES, 0)
        with translate_errors("Failed to count domain events by status"):
            async with provide_db() as conn:
                result = await conn.execute(
                    select(domain_events.c.status, func.count()).group_by(domain_events.c.status)
                )
                for status, count in result:
                    if status not in counts:
                        raise DbError("DB_DECODE_FAILED", f"unknown event status {status!r}")
                    counts[status] = int(count)
        return counts

    async def claim_pending(self, limit: int) -> list[DomainEventsRowShape]:
        """Move up to LIMIT oldest pending events to processing and return them, oldest first.

        Rows locked by another relay are skipped, so concurrent relays never claim one event twice.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise DbError("DB_INVALID_INPUT", f"limit: expected an integer >= 0, got {limit!r}")
        if limit == 0:
            return []
        pending = domain_events.c.status == "pending"
        claimable = (
            select(domain_events.c.id)
            .where(pending)
            .order_by(domain_events.c.occurred_at, domain_events.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(domain_events)
            .where(domain_events.c.id.in_(claimable.scalar_subquery()), pending)
            .values(status="processing", processing_at=func.now())
            .returning(*domain_events.c)
        )
        context = "Failed to claim pending domain events"
        with translate_errors(context):
            async with provide_db() as conn:
                rows = [row._asdict() for row in await conn.execute(statement)]
        return sorted(decode_rows(DomainEventsRowSchema, rows, context), key=_claim_order)

    async def mark_published(self, event_ids: Iterable[uuid.UUID | str]) -> int:
        """Mark the processing events among EVENT_IDS published; return how many changed."""
        ids = sorted(set(parse_uuids(event_ids, "event_ids")))
        if not ids:
            return 0
        statement = (
            update(domain_events)
            .where(domain_events.c.id.in_(ids), domain_events.c.status == "processing")
            .values(status="published", published_at=func.now())
        )
        with translate_errors("Failed to mark domain events published"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount

    async def mark_failed(self, event_id: uuid.UUID | str, reason: str) -> int:
        """Mark a processing event failed with REASON (dead letter); return how many changed."""
        event_uuid = parse_uuid(event_id, "event_id")
        statement = (
            update(domain_events)
            .where(domain_events.c.id == event_uuid, domain_events.c.status == "processing")
            .values(status="failed", failed_at=func.now(), failure_reason=reason)
        )
        with translate_errors("Failed to mark domain event failed"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount

    async def reset_stuck_processing(self, older_than: datetime) -> list[uuid.UUID]:
        """Return to pending the events claimed at or before OLDER_THAN; return their ids."""
        threshold = parse_moment(older_than, "older_than")
        statement = (
            update(domain_events)
            .where(
                domain_events.c.status == "processing",
                domain_events.c.processing_at <= threshold,
            )
            .values(status="pending", processing_at=None)
            .returning(domain_events.c.id)
        )
        with translate_errors("Failed to reset stuck domain events"):
            async with provide_db() as conn:
                return sorted((await conn.execute(statement)).scalars().all())

    async def prune_published(
        self, older_than: datetime, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> int:
        """Delete published and failed events finished before OLDER_THAN; return how many."""
        threshold = parse_moment(older_than, "older_than")
        total = 0
        for predicate, finished_at in _prunable(threshold):
            total += await delete_in_batches(
                domain_events,
                predicate,
                context="Failed to prune published domain events",
                batch_size=batch_size,
                order_by=finished_at,
            )
        return total


def _prunable(
    threshold: datetime,
) -> tuple[tuple[ColumnElement[bool], KeyedColumnElement[datetime]], ...]:
    """The prune predicates and their ordering column, one per terminal status (partial index)."""
    published_at, failed_at = domain_events.c.published_at, domain_events.c.failed_at
    return (
        (and_(domain_events.c.status == "published", published_at < threshold), published_at),
        (and_(domain_events.c.status == "failed", failed_at < threshold), failed_at),
    )


domain_events_repository: Final = DomainEventsRepository()
