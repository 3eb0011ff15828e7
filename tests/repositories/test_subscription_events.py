"""subscription_events_repository against a real PostgreSQL: idempotent intake, marks, pruning."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from db.client import Database
from db.errors import DbError
from db.factories import create_organizations_factory, create_subscription_events_factory
from db.repositories.subscription_events import subscription_events_repository
from db.schema import organizations, subscription_events
from db.testing import Persist

T = TypeVar("T")
NOW = datetime.now(UTC)


async def fails_with(code: str, call: Awaitable[T]) -> DbError:
    with pytest.raises(DbError) as caught:
        await call
    assert caught.value.code == code, caught.value
    return caught.value


async def stored_ids(database: Database) -> set[uuid.UUID]:
    async with database.connect() as conn:
        return set((await conn.execute(select(subscription_events.c.id))).scalars())


async def test_create_stores_a_new_event(database: Database, persist: Persist) -> None:
    org = await persist(organizations, create_organizations_factory())

    row, created = await subscription_events_repository.create(
        stripe_event_id="evt_1",
        event_type="invoice.paid",
        payload={"amount": 100, "lines": [{"id": "il_1"}]},
        organization_id=str(org["id"]),
    )

    assert created is True
    assert (row["stripe_event_id"], row["event_type"]) == ("evt_1", "invoice.paid")
    assert row["payload"] == {"amount": 100, "lines": [{"id": "il_1"}]}
    assert (row["organization_id"], row["processed_at"]) == (org["id"], None)
    assert await stored_ids(database) == {row["id"]}


async def test_a_redelivered_event_returns_the_stored_row_not_created(
    database: Database,
) -> None:
    first, _ = await subscription_events_repository.create(
        stripe_event_id="evt_1", event_type="invoice.paid", payload={"v": 1}
    )

    again = await subscription_events_repository.create(
        stripe_event_id="evt_1", event_type="invoice.paid", payload={"v": 2}
    )

    assert again.created is False
    assert again.row == first
    assert await stored_ids(database) == {first["id"]}


async def test_concurrent_deliveries_store_one_row_and_one_creator(database: Database) -> None:
    intakes = await asyncio.gather(
        *(
            subscription_events_repository.create(
                stripe_event_id="evt_race", event_type="customer.updated", payload={"n": n}
            )
            for n in range(8)
        )
    )

    assert sum(intake.created for intake in intakes) == 1
    assert len({intake.row["id"] for intake in intakes}) == 1
    assert len(await stored_ids(database)) == 1


async def test_create_for_a_missing_organization_is_a_foreign_key_violation(
    database: Database,
) -> None:
    call = subscription_events_repository.create(
        stripe_event_id="evt_1", event_type="x", payload={}, organization_id=uuid.uuid4()
    )

    await fails_with("DB_FOREIGN_KEY_VIOLATION", call)
    assert await stored_ids(database) == set()


@pytest.mark.parametrize(
    "arguments",
    [
        {"payload": ["not", "an", "object"]},
        {"payload": {"at": datetime(2026, 1, 1, tzinfo=UTC)}},
        {"stripe_event_id": 42},
        {"organization_id": "org-1"},
    ],
)
async def test_create_rejects_bad_input_before_any_query(arguments: dict[str, Any]) -> None:
    call = subscription_events_repository.create(
        **{"stripe_event_id": "evt_1", "event_type": "x", "payload": {}, **arguments}
    )

    await fails_with("DB_INVALID_INPUT", call)


async def test_find_by_stripe_event_id(database: Database, persist: Persist) -> None:
    stored = await persist(subscription_events, create_subscription_events_factory())

    assert (
        await subscription_events_repository.find_by_stripe_event_id(stored["stripe_event_id"])
        == stored
    )
    assert await subscription_events_repository.find_by_stripe_event_id("evt_missing") is None


async def test_mark_processed_stamps_once(database: Database, persist: Persist) -> None:
    stored = await persist(subscription_events, create_subscription_events_factory())

    marked = await subscription_events_repository.mark_processed(str(stored["id"]))
    again = await subscription_events_repository.mark_processed(stored["id"])

    assert marked is not None
    assert marked["processed_at"] is not None
    assert marked == {**stored, "processed_at": marked["processed_at"]}
    assert again is None
    assert await subscription_events_repository.mark_processed(uuid.uuid4()) is None


async def test_mark_processed_rejects_a_bad_uuid() -> None:
    await fails_with("DB_INVALID_INPUT", subscription_events_repository.mark_processed("evt_1"))


async def test_prune_deletes_only_events_processed_before_the_threshold(
    database: Database, persist: Persist
) -> None:
    old = [
        await persist(
            subscription_events,
            create_subscription_events_factory(processed_at=NOW - timedelta(days=100 + n)),
        )
        for n in range(5)
    ]
    recent = await persist(
        subscription_events,
        create_subscription_events_factory(processed_at=NOW - timedelta(days=1)),
    )
    unprocessed = await persist(
        subscription_events,
        create_subscription_events_factory(created_at=NOW - timedelta(days=400)),
    )

    deleted = await subscription_events_repository.prune_processed(
        NOW - timedelta(days=90), batch_size=2
    )

    assert deleted == len(old)
    assert await stored_ids(database) == {recent["id"], unprocessed["id"]}
    assert await subscription_events_repository.prune_processed(NOW - timedelta(days=90)) == 0


async def test_prune_rejects_a_naive_threshold() -> None:
    await fails_with(
        "DB_INVALID_INPUT", subscription_events_repository.prune_processed(datetime(2026, 1, 1))
    )


async def test_events_survive_their_organization(database: Database, persist: Persist) -> None:
    org = await persist(organizations, create_organizations_factory())
    intake = await subscription_events_repository.create(
        stripe_event_id="evt_1", event_type="x", payload={}, organization_id=org["id"]
    )
    async with database.connect() as conn:
        await conn.execute(organizations.delete().where(organizations.c.id == org["id"]))

    found = await subscription_events_repository.find_by_stripe_event_id("evt_1")

    assert found == {**intake.row, "organization_id": None}
    async with database.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(subscription_events)) == 1
