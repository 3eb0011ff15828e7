"""billing_repository against a real PostgreSQL: Stripe links, guarded updates, credits."""

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
from db.factories import create_organizations_factory
from db.repositories.billing import billing_repository
from db.schema import credit_ledger, organizations
from db.testing import Persist

T = TypeVar("T")
YESTERDAY = datetime.now(UTC) - timedelta(days=1)


@pytest.fixture
async def org(database: Database, persist: Persist) -> dict[str, Any]:
    return await persist(
        organizations,
        create_organizations_factory(
            credits_balance=1_000, created_at=YESTERDAY, updated_at=YESTERDAY
        ),
    )


async def fails_with(code: str, call: Awaitable[T]) -> DbError:
    with pytest.raises(DbError) as caught:
        await call
    assert caught.value.code == code, caught.value
    return caught.value


async def stored(database: Database, org_id: uuid.UUID) -> dict[str, Any]:
    async with database.connect() as conn:
        result = await conn.execute(select(organizations).where(organizations.c.id == org_id))
        return dict(result.mappings().one())


async def ledger_count(database: Database, org_id: uuid.UUID) -> int:
    async with database.connect() as conn:
        count = await conn.scalar(
            select(func.count()).where(credit_ledger.c.organization_id == org_id)
        )
        return int(count or 0)


# reads ------------------------------------------------------------------------------


async def test_get_subscription_fields_returns_the_decoded_organization(
    org: dict[str, Any],
) -> None:
    found = await billing_repository.get_subscription_fields(str(org["id"]))

    assert found == org


async def test_every_method_returns_none_for_a_missing_organization(
    database: Database,
) -> None:
    missing = uuid.uuid4()

    assert await billing_repository.get_subscription_fields(missing) is None
    assert await billing_repository.update_subscription_fields(missing) is None
    assert await billing_repository.update_subscription_fields(missing, is_subscribed=True) is None
    assert await billing_repository.update_billing_settings(missing) is None
    assert await billing_repository.update_billing_settings(missing, billing_email=None) is None
    assert await billing_repository.adjust_credits(missing, 10, "adjustment", "x") is None
    assert await billing_repository.adjust_credits(missing, -10, "charge", "x") is None
    assert await billing_repository.claim_stripe_customer_id(missing, "cus_x") is None


async def test_bad_uuid_is_invalid_input_before_any_query() -> None:
    error = await fails_with(
        "DB_INVALID_INPUT", billing_repository.get_subscription_fields("org-1")
    )

    assert "organization_id" in error.message


async def test_find_by_stripe_ids(database: Database, persist: Persist) -> None:
    linked = await persist(
        organizations,
        create_organizations_factory(
            stripe_customer_id="cus_linked", stripe_subscription_id="sub_linked"
        ),
    )
    await persist(organizations, create_organizations_factory())

    by_customer = await billing_repository.find_by_stripe_customer_id("cus_linked")
    by_subscription = await billing_repository.find_by_stripe_subscription_id("sub_linked")

    assert by_customer is not None
    assert by_customer["id"] == linked["id"]
    assert by_subscription is not None
    assert by_subscription["id"] == linked["id"]
    assert await billing_repository.find_by_stripe_customer_id("cus_other") is None
    assert await billing_repository.find_by_stripe_subscription_id("sub_other") is None


# update_subscription_fields -----------------------------------------------------------


async def test_update_subscription_fields_sets_only_given_fields_and_updated_at(
    database: Database, org: dict[str, Any]
) -> None:
    period_end = datetime(2027, 1, 31, 12, 0, 0, 123456, tzinfo=UTC)

    updated = await billing_repository.update_subscription_fields(
        org["id"],
        subscription_status="active",
        is_subscribed=True,
        subscription_current_period_end=period_end,
    )

    assert updated is not None
    assert updated["subscription_status"] == "active"
    assert updated["is_subscribed"] is True
    assert updated["subscription_current_period_end"] == period_end
    assert updated["updated_at"] > org["updated_at"]
    changed = {"subscription_status", "is_subscribed", "subscription_current_period_end"}
    changed.add("updated_at")
    assert {k: v for k, v in updated.items() if k not in changed} == {
        k: v for k, v in org.items() if k not in changed
    }
    assert await stored(database, org["id"]) == updated


async def test_update_subscription_fields_with_empty_patch_still_touches_updated_at(
    org: dict[str, Any],
) -> None:
    updated = await billing_repository.update_subscription_fields(org["id"])

    assert updated is not None
    assert updated["updated_at"] > org["updated_at"]


async def test_update_subscription_fields_clears_a_field_with_explicit_none(
    database: Database, persist: Persist
) -> None:
    org = await persist(organizations, create_organizations_factory(subscription_plan="pro"))

    updated = await billing_repository.update_subscription_fields(org["id"], subscription_plan=None)

    assert updated is not None
    assert updated["subscription_plan"] is None


async def test_status_guard_applies_the_update_only_from_allowed_statuses(
    database: Database, org: dict[str, Any]
) -> None:
    blocked = await billing_repository.update_subscription_fields(
        org["id"], only_if_status_in=["active", "trialing"], subscription_status="past_due"
    )
    allowed = await billing_repository.update_subscription_fields(
        org["id"], only_if_status_in=["inactive"], subscription_status="trialing"
    )

    assert blocked is None
    assert allowed is not None
    assert allowed["subscription_status"] == "trialing"
    assert (await stored(database, org["id"]))["subscription_status"] == "trialing"


async def test_empty_status_guard_is_rejected() -> None:
    error = await fails_with(
        "DB_INVALID_INPUT",
        billing_repository.update_subscription_fields(uuid.uuid4(), only_if_status_in=[]),
    )

    assert "only_if_status_in" in error.message


@pytest.mark.parametrize(
    "patch",
    [
        {"subscription_status": "gold"},
        {"is_subscribed": "yes"},
        {"subscription_ends_at": datetime(2027, 1, 1)},
        {"credits_balance": 5},
    ],
)
async def test_update_subscription_fields_rejects_bad_input_before_any_query(
    patch: dict[str, Any],
) -> None:
    await fails_with(
        "DB_INVALID_INPUT", billing_repository.update_subscription_fields(uuid.uuid4(), **patch)
    )


async def test_a_stripe_customer_linked_elsewhere_is_a_unique_violation(
    persist: Persist, org: dict[str, Any]
) -> None:
    await persist(organizations, create_organizations_factory(stripe_customer_id="cus_taken"))

    error = await fails_with(
        "DB_UNIQUE_VIOLATION",
        billing_repository.update_subscription_fields(org["id"], stripe_customer_id="cus_taken"),
    )

    assert error.constraint == "organizations_stripe_customer_id_unique"


# update_billing_settings --------------------------------------------------------------


async def test_update_billing_settings_sets_given_fields(org: dict[str, Any]) -> None:
    updated = await billing_repository.update_billing_settings(
        org["id"],
        billing_email="billing@example.com",
        auto_recharge_enabled=True,
        auto_recharge_threshold=500,
        auto_recharge_amount=2_000,
    )

    assert updated is not None
    assert updated["billing_email"] == "billing@example.com"
    assert updated["auto_recharge_enabled"] is True
    assert (updated["auto_recharge_threshold"], updated["auto_recharge_amount"]) == (500, 2_000)
    assert updated["updated_at"] > org["updated_at"]


async def test_update_billing_settings_with_empty_patch_only_reads(org: dict[str, Any]) -> None:
    assert await billing_repository.update_billing_settings(org["id"]) == org


async def test_update_billing_settings_rejects_negative_amounts() -> None:
    await fails_with(
        "DB_INVALID_INPUT",
        billing_repository.update_billing_settings(uuid.uuid4(), auto_recharge_amount=-1),
    )


# adjust_credits -----------------------------------------------------------------------


async def test_adjust_credits_moves_the_balance_and_writes_the_ledger(
    database: Database, org: dict[str, Any]
) -> None:
    credit = await billing_repository.adjust_credits(
        org["id"], 500, "recharge", "top-up", reference_id="pi_1", metadata={"source": "stripe"}
    )
    debit = await billing_repository.adjust_credits(org["id"], -1_200, "charge", "usage")

    assert credit is not None
    assert debit is not None
    assert (credit["amount"], credit["balance_after"]) == (500, 1_500)
    assert (credit["entry_type"], credit["reason"], credit["reference_id"]) == (
        "recharge",
        "top-up",
        "pi_1",
    )
    assert credit["metadata"] == {"source": "stripe"}
    assert (debit["amount"], debit["balance_after"], debit["metadata"]) == (-1_200, 300, {})
    assert debit["reference_id"] is None
    assert (await stored(database, org["id"]))["credits_balance"] == 300
    assert await ledger_count(database, org["id"]) == 2


async def test_a_debit_beyond_the_balance_changes_nothing(
    database: Database, org: dict[str, Any]
) -> None:
    assert await billing_repository.adjust_credits(org["id"], -1_001, "charge", "too much") is None

    assert await stored(database, org["id"]) == org
    assert await ledger_count(database, org["id"]) == 0


async def test_a_debit_to_exactly_zero_succeeds(org: dict[str, Any]) -> None:
    entry = await billing_repository.adjust_credits(org["id"], -1_000, "charge", "all of it")

    assert entry is not None
    assert entry["balance_after"] == 0


@pytest.mark.parametrize(
    ("amount", "entry_type", "reason", "metadata"),
    [
        (10, "bonus", "x", None),
        ("10", "charge", "x", None),
        (True, "charge", "x", None),
        (10, "charge", "", None),
        (10, "charge", "x", {"when": datetime(2027, 1, 1, tzinfo=UTC)}),
    ],
)
async def test_adjust_credits_rejects_bad_input_before_any_query(
    amount: Any, entry_type: Any, reason: str, metadata: Any
) -> None:
    await fails_with(
        "DB_INVALID_INPUT",
        billing_repository.adjust_credits(uuid.uuid4(), amount, entry_type, reason, None, metadata),
    )


async def test_adjust_credits_rolls_back_with_the_callers_transaction(
    database: Database, org: dict[str, Any]
) -> None:
    entries: list[Any] = []

    async def credit_then_fail() -> None:
        async with database.transaction():
            entries.append(await billing_repository.adjust_credits(org["id"], 50, "refund", "r"))
            raise RuntimeError("business rule failed after the credit")

    with pytest.raises(RuntimeError, match="business rule"):
        await credit_then_fail()

    assert entries[0]["balance_after"] == 1_050

    assert (await stored(database, org["id"]))["credits_balance"] == 1_000
    assert await ledger_count(database, org["id"]) == 0


async def test_concurrent_debits_never_take_the_balance_below_zero(
    database: Database, org: dict[str, Any]
) -> None:
    results = await asyncio.gather(
        *(
            billing_repository.adjust_credits(org["id"], -150, "charge", f"debit {n}")
            for n in range(16)
        )
    )

    succeeded = [entry for entry in results if entry is not None]
    assert len(succeeded) == 6
    assert sorted(entry["balance_after"] for entry in succeeded) == [100, 250, 400, 550, 700, 850]
    assert (await stored(database, org["id"]))["credits_balance"] == 100
    assert await ledger_count(database, org["id"]) == 6


# claim_stripe_customer_id -------------------------------------------------------------


async def test_claim_links_a_customer_once(database: Database, org: dict[str, Any]) -> None:
    first = await billing_repository.claim_stripe_customer_id(org["id"], "cus_first")
    second = await billing_repository.claim_stripe_customer_id(org["id"], "cus_second")

    assert (first, second) == ("cus_first", "cus_first")
    assert (await stored(database, org["id"]))["stripe_customer_id"] == "cus_first"


async def test_claim_of_a_customer_linked_elsewhere_is_a_unique_violation(
    persist: Persist, org: dict[str, Any]
) -> None:
    await persist(organizations, create_organizations_factory(stripe_customer_id="cus_taken"))

    await fails_with(
        "DB_UNIQUE_VIOLATION", billing_repository.claim_stripe_customer_id(org["id"], "cus_taken")
    )


async def test_claim_rejects_an_empty_customer_id() -> None:
    await fails_with(
        "DB_INVALID_INPUT", billing_repository.claim_stripe_customer_id(uuid.uuid4(), "")
    )


async def test_concurrent_claims_agree_on_one_winner(
    database: Database, org: dict[str, Any]
) -> None:
    claims = await asyncio.gather(
        *(billing_repository.claim_stripe_customer_id(org["id"], f"cus_{n}") for n in range(8))
    )

    winner = (await stored(database, org["id"]))["stripe_customer_id"]
    assert winner in {f"cus_{n}" for n in range(8)}
    assert claims == [winner] * 8
