"""usage_records_repository against a real PostgreSQL: idempotent recording, listing, totals."""

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
from db.factories import create_organizations_factory, create_usage_records_factory
from db.repositories.usage_records import usage_records_repository
from db.schema import organizations, usage_records
from db.testing import Persist

T = TypeVar("T")
T0 = datetime(2026, 6, 1, 12, 0, 0, 500_000, tzinfo=UTC)
US = timedelta(microseconds=1)


@pytest.fixture
async def org(database: Database, persist: Persist) -> dict[str, Any]:
    return await persist(organizations, create_organizations_factory())


async def fails_with(code: str, call: Awaitable[T]) -> DbError:
    with pytest.raises(DbError) as caught:
        await call
    assert caught.value.code == code, caught.value
    return caught.value


async def count_rows(database: Database) -> int:
    async with database.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(usage_records)) or 0)


def usage(**overrides: Any) -> dict[str, Any]:
    call: dict[str, Any] = {
        "category": "api_call",
        "quantity": 3,
        "unit_cost_decimillicents": 10,
        "total_cost_decimillicents": 30,
    }
    return {**call, **overrides}


# record -------------------------------------------------------------------------------


async def test_record_stores_a_row_with_defaults(database: Database, org: dict[str, Any]) -> None:
    before = datetime.now(UTC)

    row = await usage_records_repository.record(str(org["id"]), **usage())

    assert row["organization_id"] == org["id"]
    assert (row["category"], row["quantity"], row["total_cost_decimillicents"]) == (
        "api_call",
        3,
        30,
    )
    assert (row["reference_id"], row["stripe_usage_record_id"], row["metadata"]) == (None, None, {})
    assert row["recorded_at"] >= before - timedelta(seconds=5)
    assert await count_rows(database) == 1


async def test_record_keeps_explicit_values(org: dict[str, Any]) -> None:
    row = await usage_records_repository.record(
        org["id"],
        **usage(
            reference_id="run-1",
            stripe_usage_record_id="mbur_1",
            metadata={"model": "gpt", "tokens": [1, 2]},
            recorded_at=T0,
        ),
    )

    assert row["recorded_at"] == T0
    assert row["metadata"] == {"model": "gpt", "tokens": [1, 2]}
    assert (row["reference_id"], row["stripe_usage_record_id"]) == ("run-1", "mbur_1")


async def test_record_is_idempotent_by_reference_id(
    database: Database, org: dict[str, Any]
) -> None:
    first = await usage_records_repository.record(org["id"], **usage(reference_id="run-1"))
    again = await usage_records_repository.record(
        org["id"], **usage(reference_id="run-1", quantity=99, total_cost_decimillicents=990)
    )

    assert again == first
    assert await count_rows(database) == 1


async def test_same_reference_in_two_organizations_records_twice(
    database: Database, persist: Persist, org: dict[str, Any]
) -> None:
    other = await persist(organizations, create_organizations_factory())

    mine = await usage_records_repository.record(org["id"], **usage(reference_id="run-1"))
    theirs = await usage_records_repository.record(other["id"], **usage(reference_id="run-1"))

    assert mine["id"] != theirs["id"]
    assert await count_rows(database) == 2


async def test_records_without_reference_are_never_merged(
    database: Database, org: dict[str, Any]
) -> None:
    await usage_records_repository.record(org["id"], **usage())
    await usage_records_repository.record(org["id"], **usage())

    assert await count_rows(database) == 2


async def test_concurrent_records_with_one_reference_store_one_row(
    database: Database, org: dict[str, Any]
) -> None:
    rows = await asyncio.gather(
        *(
            usage_records_repository.record(org["id"], **usage(reference_id="run-x"))
            for _ in range(8)
        )
    )

    assert len({row["id"] for row in rows}) == 1
    assert all(row == rows[0] for row in rows)
    assert await count_rows(database) == 1


async def test_record_for_a_missing_organization_is_a_foreign_key_violation(
    database: Database,
) -> None:
    await fails_with(
        "DB_FOREIGN_KEY_VIOLATION", usage_records_repository.record(uuid.uuid4(), **usage())
    )

    assert await count_rows(database) == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": "gpu_minutes"},
        {"quantity": "3"},
        {"quantity": True},
        {"metadata": ["not", "an", "object"]},
        {"recorded_at": datetime(2026, 1, 1)},
    ],
)
async def test_record_rejects_bad_input_before_any_query(overrides: dict[str, Any]) -> None:
    call = usage_records_repository.record(uuid.uuid4(), **usage(**overrides))

    await fails_with("DB_INVALID_INPUT", call)


async def test_record_rejects_a_bad_uuid() -> None:
    await fails_with("DB_INVALID_INPUT", usage_records_repository.record("nope", **usage()))


async def test_record_out_of_bigint_range_is_invalid_input(
    database: Database, org: dict[str, Any]
) -> None:
    call = usage_records_repository.record(org["id"], **usage(quantity=2**63))

    await fails_with("DB_INVALID_INPUT", call)
    assert await count_rows(database) == 0


# update_stripe_usage_record_id / find_by_reference_id ---------------------------------


async def test_update_stripe_usage_record_id(org: dict[str, Any]) -> None:
    row = await usage_records_repository.record(org["id"], **usage())

    updated = await usage_records_repository.update_stripe_usage_record_id(row["id"], "mbur_9")

    assert updated == {**row, "stripe_usage_record_id": "mbur_9"}
    assert await usage_records_repository.update_stripe_usage_record_id(uuid.uuid4(), "x") is None


async def test_find_by_reference_id_is_scoped_to_the_organization(
    persist: Persist, org: dict[str, Any]
) -> None:
    other = await persist(organizations, create_organizations_factory())
    row = await usage_records_repository.record(org["id"], **usage(reference_id="run-1"))

    assert await usage_records_repository.find_by_reference_id(org["id"], "run-1") == row
    assert await usage_records_repository.find_by_reference_id(org["id"], "run-2") is None
    assert await usage_records_repository.find_by_reference_id(other["id"], "run-1") is None


async def test_a_stored_row_outside_the_closed_category_set_fails_to_decode(
    persist: Persist, org: dict[str, Any]
) -> None:
    await persist(
        usage_records,
        create_usage_records_factory(
            organization_id=org["id"], category="legacy", reference_id="old"
        ),
    )

    await fails_with(
        "DB_DECODE_FAILED", usage_records_repository.find_by_reference_id(org["id"], "old")
    )


# list_for_organization ----------------------------------------------------------------


async def _seed(persist: Persist, organization_id: uuid.UUID) -> list[dict[str, Any]]:
    """Five records: two share T0 (tie broken by id), one is a workflow execution."""
    plan = [
        ("api_call", T0 - timedelta(hours=2)),
        ("api_call", T0),
        ("api_call", T0),
        ("workflow_execution", T0 + timedelta(hours=1)),
        ("api_call", T0 + timedelta(hours=2)),
    ]
    return [
        await persist(
            usage_records,
            create_usage_records_factory(
                organization_id=organization_id, category=category, recorded_at=at
            ),
        )
        for category, at in plan
    ]


def newest_first(rows: list[dict[str, Any]]) -> list[uuid.UUID]:
    return [r["id"] for r in sorted(rows, key=lambda r: (r["recorded_at"], r["id"]), reverse=True)]


async def test_list_orders_newest_first_with_id_tiebreak(
    persist: Persist, org: dict[str, Any]
) -> None:
    seeded = await _seed(persist, org["id"])
    other = await persist(organizations, create_organizations_factory())
    await _seed(persist, other["id"])

    listed = await usage_records_repository.list_for_organization(org["id"])

    assert [r["id"] for r in listed] == newest_first(seeded)


async def test_list_filters_by_category_and_inclusive_bounds(
    persist: Persist, org: dict[str, Any]
) -> None:
    seeded = await _seed(persist, org["id"])

    api_calls = await usage_records_repository.list_for_organization(org["id"], category="api_call")
    window = await usage_records_repository.list_for_organization(
        org["id"], recorded_after=T0, recorded_before=T0 + timedelta(hours=1)
    )
    just_outside = await usage_records_repository.list_for_organization(
        org["id"], recorded_after=T0 + US, recorded_before=T0 + timedelta(hours=1) - US
    )

    assert [r["id"] for r in api_calls] == newest_first(
        [r for r in seeded if r["category"] == "api_call"]
    )
    assert [r["id"] for r in window] == newest_first(seeded[1:4])
    assert just_outside == []


async def test_list_honours_the_limit(persist: Persist, org: dict[str, Any]) -> None:
    seeded = await _seed(persist, org["id"])

    listed = await usage_records_repository.list_for_organization(org["id"], limit=2)

    assert [r["id"] for r in listed] == newest_first(seeded)[:2]


@pytest.mark.parametrize("limit", [0, -1, 1_001, True])
async def test_list_rejects_a_bad_limit(limit: int) -> None:
    call = usage_records_repository.list_for_organization(uuid.uuid4(), limit=limit)

    await fails_with("DB_INVALID_INPUT", call)


async def test_list_rejects_a_naive_bound() -> None:
    call = usage_records_repository.list_for_organization(
        uuid.uuid4(), recorded_after=datetime(2026, 1, 1)
    )

    await fails_with("DB_INVALID_INPUT", call)


# summarize_for_period -----------------------------------------------------------------


async def test_summarize_sums_one_category_within_inclusive_bounds(
    persist: Persist, org: dict[str, Any]
) -> None:
    for quantity, at in [(2, T0 - US), (3, T0), (5, T0 + timedelta(hours=1)), (7, T0 + US * 3)]:
        await persist(
            usage_records,
            create_usage_records_factory(
                organization_id=org["id"], quantity=quantity, recorded_at=at
            ),
        )
    await persist(
        usage_records,
        create_usage_records_factory(
            organization_id=org["id"], category="workflow_execution", recorded_at=T0
        ),
    )

    summary = await usage_records_repository.summarize_for_period(
        org["id"], category="api_call", period_start=T0, period_end=T0 + timedelta(hours=1)
    )

    assert summary == {"total_quantity": 15, "total_cost_decimillicents": 1_500_000}


async def test_summarize_an_empty_period_is_zero(org: dict[str, Any]) -> None:
    summary = await usage_records_repository.summarize_for_period(
        org["id"], category="openrouter_inference", period_start=T0, period_end=T0
    )

    assert summary == {"total_quantity": 0, "total_cost_decimillicents": 0}


async def test_summarize_rejects_an_inverted_period() -> None:
    call = usage_records_repository.summarize_for_period(
        uuid.uuid4(), category="api_call", period_start=T0, period_end=T0 - US
    )

    await fails_with("DB_INVALID_INPUT", call)
