"""Billing on `organizations` and `credit_ledger`: Stripe links, subscription state, credits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Final, Unpack

from pydantic import (
    AwareDatetime,
    ConfigDict,
    NonNegativeInt,
    StringConstraints,
    TypeAdapter,
    with_config,
)
from sqlalchemy import Select, Update, func, insert, select, update
from typing_extensions import TypedDict

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_input, parse_uuid
from db.errors import DbError, translate_errors
from db.json_types import JsonObject
from db.literals import CreditEntryType, SubscriptionStatus
from db.row_schemas.credit_ledger import CreditLedgerRowSchema, CreditLedgerRowShape
from db.row_schemas.organizations import OrganizationsRowSchema, OrganizationsRowShape
from db.schema import credit_ledger, organizations

_STRICT_INPUT: Final = ConfigDict(strict=True, extra="forbid")
NonEmptyText = Annotated[str, StringConstraints(min_length=1)]


@with_config(_STRICT_INPUT)
class SubscriptionPatch(TypedDict, total=False):
    """Subscription fields `update_subscription_fields` may set; omitted keys keep their value."""

    billing_email: str | None
    stripe_customer_id: str | None
    stripe_subscription_id: str | None
    stripe_payment_method_id: str | None
    stripe_metered_subscription_item_id: str | None
    is_subscribed: bool
    subscription_status: SubscriptionStatus
    subscription_plan: str | None
    subscription_started_at: AwareDatetime | None
    subscription_ends_at: AwareDatetime | None
    subscription_current_period_end: AwareDatetime | None


@with_config(_STRICT_INPUT)
class BillingSettingsPatch(TypedDict, total=False):
    """Billing settings `update_billing_settings` may set; omitted keys keep their value."""

    billing_email: str | None
    auto_recharge_enabled: bool
    auto_recharge_threshold: NonNegativeInt | None
    auto_recharge_amount: NonNegativeInt | None


@with_config(_STRICT_INPUT)
class CreditAdjustment(TypedDict):
    """One validated credit movement, as written to the ledger."""

    amount: int
    entry_type: CreditEntryType
    reason: NonEmptyText
    reference_id: str | None
    metadata: JsonObject


_SUBSCRIPTION_PATCH: Final = TypeAdapter(SubscriptionPatch)
_SETTINGS_PATCH: Final = TypeAdapter(BillingSettingsPatch)
_ADJUSTMENT: Final = TypeAdapter(CreditAdjustment)
_STATUS_GUARD: Final = TypeAdapter(list[SubscriptionStatus], config=ConfigDict(strict=True))
_STRIPE_ID: Final = TypeAdapter(NonEmptyText, config=ConfigDict(strict=True))


async def _one_organization(
    statement: Select[tuple[object, ...]] | Update, context: str
) -> OrganizationsRowShape | None:
    """Run STATEMENT (returning whole organization rows) and decode its first row, if any."""
    with translate_errors(context):
        async with provide_db() as conn:
            result = await conn.execute(statement)
            return decode_optional(
                OrganizationsRowSchema, result.mappings().first(), "organization"
            )


def _updating(organization_id: uuid.UUID, changes: dict[str, object]) -> Update:
    """UPDATE of one organization setting CHANGES and `updated_at`, returning the row."""
    return (
        update(organizations)
        .where(organizations.c.id == organization_id)
        .values({**changes, "updated_at": func.now()})
        .returning(organizations)
    )


class BillingRepository:
    """Queries on the billing side of `organizations` and on `credit_ledger`."""

    async def get_subscription_fields(
        self, organization_id: uuid.UUID | str
    ) -> OrganizationsRowShape | None:
        """Return the organization (with its billing fields), or `None`."""
        key = parse_uuid(organization_id, "organization_id")
        statement = select(organizations).where(organizations.c.id == key)
        return await _one_organization(statement, "Failed to get subscription fields")

    async def find_by_stripe_customer_id(
        self, stripe_customer_id: str
    ) -> OrganizationsRowShape | None:
        """Return the organization linked to this Stripe customer, or `None`."""
        statement = (
            select(organizations)
            .where(organizations.c.stripe_customer_id == stripe_customer_id)
            .limit(1)
        )
        return await _one_organization(statement, "Failed to find organization by customer")

    async def find_by_stripe_subscription_id(
        self, stripe_subscription_id: str
    ) -> OrganizationsRowShape | None:
        """Return the organization linked to this Stripe subscription, or `None`."""
        statement = (
            select(organizations)
            .where(organizations.c.stripe_subscription_id == stripe_subscription_id)
            .limit(1)
        )
        return await _one_organization(statement, "Failed to find organization by subscription")

    async def update_subscription_fields(
        self,
        organization_id: uuid.UUID | str,
        *,
        only_if_status_in: Sequence[SubscriptionStatus] | None = None,
        **patch: Unpack[SubscriptionPatch],
    ) -> OrganizationsRowShape | None:
        """Set the given subscription fields (and `updated_at`); `None` if absent or guarded out.

        With ONLY_IF_STATUS_IN the update happens only while the stored status is one of
        those (an optimistic guard against out-of-order webhooks); it must not be empty.
        """
        key = parse_uuid(organization_id, "organization_id")
        changes = parse_input(_SUBSCRIPTION_PATCH, patch, "subscription fields")
        statement = _updating(key, dict(changes))
        if only_if_status_in is not None:
            statuses = parse_input(_STATUS_GUARD, list(only_if_status_in), "only_if_status_in")
            if not statuses:
                raise DbError(
                    "DB_INVALID_INPUT",
                    "only_if_status_in must name at least one status; pass None for no guard",
                )
            statement = statement.where(organizations.c.subscription_status.in_(statuses))
        return await _one_organization(statement, "Failed to update subscription fields")

    async def update_billing_settings(
        self, organization_id: uuid.UUID | str, **patch: Unpack[BillingSettingsPatch]
    ) -> OrganizationsRowShape | None:
        """Set the given billing settings (and `updated_at`); an empty patch just reads."""
        key = parse_uuid(organization_id, "organization_id")
        changes = parse_input(_SETTINGS_PATCH, patch, "billing settings")
        statement = (
            _updating(key, dict(changes))
            if changes
            else select(organizations).where(organizations.c.id == key)
        )
        return await _one_organization(statement, "Failed to update billing settings")

    async def adjust_credits(
        self,
        organization_id: uuid.UUID | str,
        amount_decimillicents: int,
        entry_type: CreditEntryType,
        reason: str,
        reference_id: str | None = None,
        metadata: JsonObject | None = None,
    ) -> CreditLedgerRowShape | None:
        """Move the balance by AMOUNT and write the ledger entry, atomically.

        Returns `None` (and changes nothing) when the organization does not exist or a debit
        would take the balance below zero. Concurrent adjustments serialise on the row lock,
        so the balance never goes negative and every entry's `balance_after` is exact.
        """
        key = parse_uuid(organization_id, "organization_id")
        entry = parse_input(
            _ADJUSTMENT,
            {
                "amount": amount_decimillicents,
                "entry_type": entry_type,
                "reason": reason,
                "reference_id": reference_id,
                "metadata": {} if metadata is None else metadata,
            },
            "credit adjustment",
        )
        amount = entry["amount"]
        new_balance = organizations.c.credits_balance + amount
        move = (
            update(organizations)
            .where(organizations.c.id == key)
            .values(credits_balance=new_balance, updated_at=func.now())
            .returning(organizations.c.credits_balance)
        )
        if amount < 0:
            move = move.where(new_balance >= 0)
        with translate_errors("Failed to adjust credits"):
            async with provide_db() as conn:
                balance = (await conn.execute(move)).scalar_one_or_none()
                if balance is None:
                    return None
                result = await conn.execute(
                    insert(credit_ledger)
                    .values(organization_id=key, balance_after=balance, **entry)
                    .returning(credit_ledger)
                )
                return decode_row(
                    CreditLedgerRowSchema, result.mappings().one(), "credit ledger entry"
                )

    async def claim_stripe_customer_id(
        self, organization_id: uuid.UUID | str, stripe_customer_id: str
    ) -> str | None:
        """Link the Stripe customer if none is linked yet; return the linked id, `None` if absent.

        Of concurrent claims exactly one wins; every caller gets the winner's id back.
        """
        key = parse_uuid(organization_id, "organization_id")
        wanted = parse_input(_STRIPE_ID, stripe_customer_id, "stripe_customer_id")
        claim = (
            update(organizations)
            .where(organizations.c.id == key, organizations.c.stripe_customer_id.is_(None))
            .values(stripe_customer_id=wanted, updated_at=func.now())
            .returning(organizations.c.stripe_customer_id)
        )
        current = select(organizations.c.stripe_customer_id).where(organizations.c.id == key)
        with translate_errors("Failed to claim Stripe customer id"):
            async with provide_db() as conn:
                claimed: str | None = (await conn.execute(claim)).scalar_one_or_none()
                if claimed is not None:
                    return claimed
                linked: str | None = (await conn.execute(current)).scalar_one_or_none()
                return linked


billing_repository = BillingRepository()
