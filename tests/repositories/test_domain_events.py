"""The transactional outbox against a real PostgreSQL: appends, relays, status machine, pruning."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from db.client import Database, provide_db
from db.errors import DbError
from db.repositories.domain_events import (
    DomainEventInput,
    domain_events_repository,
    insert_domain_event_in_transaction,
)
from db.row_schemas.domain_events import DomainEventsRowShape
from db.schema import domain_events

repo = domain_events_repository


def event_for(aggregate_id: uuid.UUID, **extra: Any) -> DomainEventInput:
    """An `organization.created` event for AGGREGATE_ID."""
    event: DomainEventInput = {
        "event_type": "organization.created",
        "aggregate_type": "organization",
        "aggregate_id": aggregate_id,
        "payload": {"organizationName": "Acme", "ownerUserId": str(uuid.uuid4())},
    }
    event.update(extra)  # type: ignore[typeddict-item]
    return event


async def append(database: Database, aggregate_id: uuid.UUID) -> DomainEventsRowShape:
    """Append one event in its own committed transaction."""
    async with database.transaction() as trx:
        return await insert_domain_event_in_transaction(trx, event_for(aggregate_id))


async def append_many(database: Database, count: int) -> list[DomainEventsRowShape]:
    """Append COUNT events, each to a new aggregate, oldest first."""
    return [await append(database, uuid.uuid4()) for _ in range(count)]


async def force(database: Database, event_id: uuid.UUID, **values: Any) -> None:
    """Set columns of one event directly (back-dating, or putting it in a given status)."""
    async with database.connect() as conn:
        await conn.execute(
            update(domain_events).where(domain_events.c.id == event_id).values(**values)
        )


async def status_of(event_id: uuid.UUID) -> str:
    """The stored status of an event."""
    row = await repo.get_by_id(event_id)
    assert row is not None
    return row["status"]


def ago(**delta: float) -> datetime:
    """An aware UTC timestamp DELTA in the past."""
    return datetime.now(UTC) - timedelta(**delta)


# --- appending ------------------------------------------------------------------------------


async def test_append_returns_the_decoded_pending_row(database: Database) -> None:
    aggregate_id, correlation_id = uuid.uuid4(), uuid.uuid4()
    async with database.transaction() as trx:
        row = await insert_domain_event_in_transaction(
            trx, event_for(aggregate_id, correlation_id=correlation_id)
        )
    assert row["aggregate_id"] == aggregate_id
    assert row["correlation_id"] == correlation_id
    assert (row["event_type"], row["aggregate_type"]) == ("organization.created", "organization")
    assert row["payload"]["organizationName"] == "Acme"
    assert (row["status"], row["sequence_number"]) == ("pending", 1)
    assert row["processing_at"] is row["published_at"] is row["failed_at"] is None
    assert row["failure_reason"] is None
    assert row["occurred_at"].tzinfo is not None
    assert await repo.get_by_id(str(row["id"])) == row


async def test_sequence_counts_per_aggregate_and_aggregates_are_independent(
    database: Database,
) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    for aggregate_id in (first, second, first, first, second):
        await append(database, aggregate_id)
    assert [r["sequence_number"] for r in await repo.list_for_aggregate(first)] == [1, 2, 3]
    assert [r["sequence_number"] for r in await repo.list_for_aggregate(str(second))] == [1, 2]
    assert await repo.list_for_aggregate(uuid.uuid4()) == []


async def test_events_commit_and_roll_back_with_the_business_transaction(
    database: Database,
) -> None:
    aggregate_id = uuid.uuid4()
    await append(database, aggregate_id)
    appended: list[DomainEventsRowShape] = []

    async def failing_business_transaction() -> None:
        async with database.transaction() as trx:
            appended.append(await insert_domain_event_in_transaction(trx, event_for(aggregate_id)))
            raise RuntimeError("business failure")

    with pytest.raises(RuntimeError, match="business failure"):
        await failing_business_transaction()
    assert appended[0]["sequence_number"] == 2
    assert await repo.get_by_id(appended[0]["id"]) is None
    await append(database, aggregate_id)
    assert [r["sequence_number"] for r in await repo.list_for_aggregate(aggregate_id)] == [1, 2]


async def test_append_through_provide_db_and_a_rolled_back_savepoint(database: Database) -> None:
    aggregate_id = uuid.uuid4()
    async with provide_db() as conn:  # no transaction open: its own short one, committed
        await insert_domain_event_in_transaction(conn, event_for(aggregate_id))

    async def failing_step() -> None:
        async with database.transaction() as savepoint:
            await insert_domain_event_in_transaction(savepoint, event_for(aggregate_id))
            raise RuntimeError("step failed")

    async with database.transaction() as trx:
        with pytest.raises(RuntimeError, match="step failed"):
            await failing_step()
        kept = await insert_domain_event_in_transaction(trx, event_for(aggregate_id))
    assert kept["sequence_number"] == 2
    assert [r["sequence_number"] for r in await repo.list_for_aggregate(aggregate_id)] == [1, 2]


async def test_sixteen_overlapping_transactions_on_one_aggregate_get_one_to_sixteen(
    database: Database,
) -> None:
    aggregate_id = uuid.uuid4()
    writers = 16
    all_open = asyncio.Barrier(writers)
    backends: set[int] = set()

    async def writer() -> int:
        async with database.transaction() as trx:
            backends.add((await trx.execute(select(func.pg_backend_pid()))).scalar_one())
            await all_open.wait()  # every transaction is open before anyone appends
            row = await insert_domain_event_in_transaction(trx, event_for(aggregate_id))
            await asyncio.sleep(0.02)  # hold the transaction so the next writer must wait
            return row["sequence_number"]

    numbers = await asyncio.gather(*(writer() for _ in range(writers)))
    assert len(backends) == writers
    assert sorted(numbers) == list(range(1, writers + 1))
    stored = await repo.list_for_aggregate(aggregate_id)
    assert [r["sequence_number"] for r in stored] == list(range(1, writers + 1))


async def test_a_writer_that_rolls_back_under_contention_leaves_no_gap(
    database: Database,
) -> None:
    aggregate_id = uuid.uuid4()
    all_open = asyncio.Barrier(6)

    async def writer(fail: bool) -> None:
        async with database.transaction() as trx:
            await trx.execute(select(1))
            await all_open.wait()
            await insert_domain_event_in_transaction(trx, event_for(aggregate_id))
            await asyncio.sleep(0.01)
            if fail:
                raise RuntimeError("rolled back")

    results = await asyncio.gather(
        *(writer(fail=index % 2 == 0) for index in range(6)), return_exceptions=True
    )
    assert sum(isinstance(result, RuntimeError) for result in results) == 3
    stored = await repo.list_for_aggregate(aggregate_id)
    assert [r["sequence_number"] for r in stored] == [1, 2, 3]


async def test_append_refuses_a_connection_outside_a_transaction(database: Database) -> None:
    aggregate_id = uuid.uuid4()
    async with database.engine.connect() as conn:
        with pytest.raises(DbError) as not_begun:
            await insert_domain_event_in_transaction(conn, event_for(aggregate_id))  # noqa: TXD203
    autocommit_engine = database.engine.execution_options(isolation_level="AUTOCOMMIT")
    async with autocommit_engine.begin() as conn:
        with pytest.raises(DbError) as autocommit:
            await insert_domain_event_in_transaction(conn, event_for(aggregate_id))
    for error in (not_begun.value, autocommit.value):
        assert error.code == "DB_INVALID_INPUT"
        assert "transaction" in error.message
    assert await repo.list_for_aggregate(aggregate_id) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"event_type": "organization.renamed"},
        {"aggregate_type": "team"},
        {"aggregate_id": "not-a-uuid"},
        {"correlation_id": "nope"},
        {"payload": {"when": datetime(2020, 1, 1)}},
        {"payload": ["not", "an", "object"]},
    ],
)
async def test_append_rejects_invalid_input(database: Database, bad: dict[str, Any]) -> None:
    event: Any = {**event_for(uuid.uuid4()), **bad}
    async with database.transaction() as trx:
        with pytest.raises(DbError) as caught:
            await insert_domain_event_in_transaction(trx, event)
    assert caught.value.code == "DB_INVALID_INPUT"
    assert sum((await repo.count_by_status()).values()) == 0


# --- reads ----------------------------------------------------------------------------------


async def test_reads_get_by_id_and_count_by_status(database: Database) -> None:
    assert await repo.count_by_status() == {
        "pending": 0,
        "processing": 0,
        "published": 0,
        "failed": 0,
    }
    events = await append_many(database, 4)
    await force(database, events[0]["id"], status="failed", failed_at=func.now())
    await force(database, events[1]["id"], status="processing", processing_at=func.now())
    counts = await repo.count_by_status()
    assert counts == {"pending": 2, "processing": 1, "published": 0, "failed": 1}
    assert await repo.get_by_id(uuid.uuid4()) is None
    with pytest.raises(DbError) as caught:
        await repo.get_by_id("123")
    assert caught.value.code == "DB_INVALID_INPUT"


# --- claiming -------------------------------------------------------------------------------


async def test_claim_takes_the_oldest_pending_events_in_order(database: Database) -> None:
    events = await append_many(database, 5)
    # Reverse the occurred_at order so insertion order and claim order differ.
    for minutes, event in enumerate(events):
        await force(database, event["id"], occurred_at=ago(minutes=minutes + 1))
    await force(database, events[4]["id"], status="failed", failed_at=func.now())

    claimed = await repo.claim_pending(2)
    assert [r["id"] for r in claimed] == [events[3]["id"], events[2]["id"]]
    assert all(r["status"] == "processing" and r["processing_at"] for r in claimed)
    rest = await repo.claim_pending(10)
    assert [r["id"] for r in rest] == [events[1]["id"], events[0]["id"]]
    assert await repo.claim_pending(10) == []  # failed rows are never claimed
    assert await status_of(events[4]["id"]) == "failed"


async def test_claim_limit_zero_and_negative(database: Database) -> None:
    (event,) = await append_many(database, 1)
    assert await repo.claim_pending(0) == []
    assert await status_of(event["id"]) == "pending"
    with pytest.raises(DbError) as caught:
        await repo.claim_pending(-1)
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_a_claim_rolled_back_with_its_transaction_leaves_events_pending(
    database: Database,
) -> None:
    (event,) = await append_many(database, 1)
    claimed: list[DomainEventsRowShape] = []

    async def crashing_relay() -> None:
        async with database.transaction():
            claimed.extend(await repo.claim_pending(5))
            raise RuntimeError("relay crashed before publishing")

    with pytest.raises(RuntimeError, match="relay crashed"):
        await crashing_relay()
    assert [r["id"] for r in claimed] == [event["id"]]
    assert await status_of(event["id"]) == "pending"


async def test_a_claim_skips_rows_locked_by_another_relay_instead_of_waiting(
    database: Database,
) -> None:
    first, second = await append_many(database, 2)
    claimed, release = asyncio.Event(), asyncio.Event()

    async def slow_relay() -> list[DomainEventsRowShape]:
        async with database.transaction():
            held = await repo.claim_pending(1)
            claimed.set()
            await release.wait()  # keep the claim (and its row lock) uncommitted
        return held

    slow = asyncio.create_task(slow_relay())
    await claimed.wait()
    try:
        other = await asyncio.wait_for(repo.claim_pending(1), timeout=3)
    finally:
        release.set()
    held = await slow
    assert [r["id"] for r in held] == [first["id"]]
    assert [r["id"] for r in other] == [second["id"]]


async def test_four_concurrent_relays_never_claim_an_event_twice(database: Database) -> None:
    events = await append_many(database, 120)
    claims: list[uuid.UUID] = []

    async def relay() -> None:
        while True:
            async with database.transaction():
                batch = await repo.claim_pending(7)
                await asyncio.sleep(0.005)  # keep the claim open while the others claim
                published = await repo.mark_published([r["id"] for r in batch])
            assert published == len(batch)
            claims.extend(r["id"] for r in batch)
            if not batch:
                return

    await asyncio.gather(*(relay() for _ in range(4)))
    assert len(claims) == len(set(claims)) == len(events)
    assert set(claims) == {e["id"] for e in events}
    assert (await repo.count_by_status())["published"] == len(events)


# --- publishing, failing, resetting ---------------------------------------------------------


async def test_mark_published_only_moves_processing_rows(database: Database) -> None:
    pending, processing, failed = await append_many(database, 3)
    await force(database, processing["id"], status="processing", processing_at=func.now())
    await force(database, failed["id"], status="failed", failed_at=func.now())
    ids: list[uuid.UUID | str] = [pending["id"], str(processing["id"]), failed["id"]]

    assert await repo.mark_published([]) == 0
    assert await repo.mark_published(ids) == 1
    assert await repo.mark_published(ids) == 0  # idempotent
    row = await repo.get_by_id(processing["id"])
    assert row is not None
    assert row["status"] == "published"
    assert row["published_at"] is not None
    assert await status_of(pending["id"]) == "pending"
    assert await status_of(failed["id"]) == "failed"


async def test_mark_failed_keeps_the_first_reason(database: Database) -> None:
    pending, processing, published = await append_many(database, 3)
    await force(database, processing["id"], status="processing", processing_at=func.now())
    await force(database, published["id"], status="published", published_at=func.now())

    assert await repo.mark_failed(processing["id"], "unknown event type") == 1
    assert await repo.mark_failed(processing["id"], "second reason") == 0
    assert await repo.mark_failed(pending["id"], "x") == 0
    assert await repo.mark_failed(published["id"], "x") == 0
    row = await repo.get_by_id(processing["id"])
    assert row is not None
    assert (row["status"], row["failure_reason"]) == ("failed", "unknown event type")
    assert row["failed_at"] is not None
    assert await status_of(pending["id"]) == "pending"
    assert await status_of(published["id"]) == "published"


async def test_reset_stuck_processing_then_reclaim(database: Database) -> None:
    stuck, fresh, published, failed = await append_many(database, 4)
    assert len(await repo.claim_pending(2)) == 2
    await force(database, stuck["id"], processing_at=ago(minutes=10))
    await force(database, published["id"], status="published", published_at=ago(minutes=10))
    await force(database, failed["id"], status="failed", failed_at=ago(minutes=10))

    assert await repo.reset_stuck_processing(ago(minutes=5)) == [stuck["id"]]
    row = await repo.get_by_id(stuck["id"])
    assert row is not None
    assert (row["status"], row["processing_at"]) == ("pending", None)
    assert await status_of(fresh["id"]) == "processing"
    assert await repo.reset_stuck_processing(ago(minutes=5)) == []
    assert [r["id"] for r in await repo.claim_pending(10)] == [stuck["id"]]
    with pytest.raises(DbError) as caught:
        await repo.reset_stuck_processing(datetime.now())  # naive: ambiguous
    assert caught.value.code == "DB_INVALID_INPUT"


# --- pruning --------------------------------------------------------------------------------


async def test_prune_removes_only_old_terminal_events(database: Database) -> None:
    threshold = ago(hours=24)
    events = await append_many(database, 8)
    old_published, old_failed, pending, processing = events[:4]
    recent_published, recent_failed, at_threshold, old_event_pending = events[4:]
    await force(database, old_published["id"], status="published", published_at=ago(hours=48))
    await force(database, old_failed["id"], status="failed", failed_at=ago(hours=48))
    await force(database, pending["id"], occurred_at=ago(hours=72))
    await force(database, processing["id"], status="processing", processing_at=ago(hours=48))
    await force(database, recent_published["id"], status="published", published_at=ago(hours=1))
    await force(database, recent_failed["id"], status="failed", failed_at=ago(hours=1))
    await force(database, at_threshold["id"], status="published", published_at=threshold)
    await force(database, old_event_pending["id"], published_at=ago(hours=48))

    assert await repo.prune_published(threshold) == 2
    assert await repo.get_by_id(old_published["id"]) is None
    assert await repo.get_by_id(old_failed["id"]) is None
    for survivor in events[2:]:
        assert await repo.get_by_id(survivor["id"]) is not None
    assert await repo.prune_published(threshold) == 0
    with pytest.raises(DbError) as caught:
        await repo.prune_published(datetime(2020, 1, 1))
    assert caught.value.code == "DB_INVALID_INPUT"
