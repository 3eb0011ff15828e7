"""Metered usage: idempotent recording, Stripe reporting ids, listing and period totals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

from pydantic import ConfigDict, TypeAdapter, with_config
from sqlalchemy import BigInteger, ColumnElement, and_, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert
from typing_extensions import TypedDict

from db.client import provide_db
from db.decode import (
    decode_optional,
    decode_row,
    decode_rows,
    parse_input,
    parse_moment,
    parse_uuid,
)
from db.errors import DbError, translate_errors
from db.json_types import STRICT, JsonObject
from db.literals import UsageCategory
from db.row_schemas.usage_records import UsageRecordsRowSchema, UsageRecordsRowShape
from db.schema import usage_records

MAX_LIST_LIMIT: Final = 1_000


@with_config(ConfigDict(strict=True, extra="forbid"))
class UsageInput(TypedDict):
    """One validated usage record as the caller describes it."""

    category: UsageCategory
    quantity: int
    unit_cost_decimillicents: int
    total_cost_decimillicents: int
    reference_id: str | None
    stripe_usage_record_id: str | None
    metadata: JsonObject


@with_config(STRICT)
class UsageSummary(TypedDict):
    """Totals of one organization's usage in one category over a period."""

    total_quantity: int
    total_cost_decimillicents: int


_USAGE: Final = TypeAdapter(UsageInput)
UsageSummarySchema: Final = TypeAdapter(UsageSummary)
_CATEGORY: Final = TypeAdapter(UsageCategory, config=STRICT)


def _by_reference(organization_id: uuid.UUID, reference_id: str) -> ColumnElement[bool]:
    return and_(
        usage_records.c.organization_id == organization_id,
        usage_records.c.reference_id == reference_id,
    )


class UsageRecordsRepository:
    """Queries on `usage_records` (a financial audit trail: never pruned)."""

    async def record(
        self,
        organization_id: uuid.UUID | str,
        *,
        category: UsageCategory,
        quantity: int,
        unit_cost_decimillicents: int,
        total_cost_decimillicents: int,
        reference_id: str | None = None,
        stripe_usage_record_id: str | None = None,
        metadata: JsonObject | None = None,
        recorded_at: datetime | None = None,
    ) -> UsageRecordsRowShape:
        """Record usage once per (organization, REFERENCE_ID) and return the stored row.

        A repeated REFERENCE_ID, also from concurrent callers, returns the one existing row
        unchanged. Without a reference every call records a new row.
        """
        key = parse_uuid(organization_id, "organization_id")
        usage = parse_input(
            _USAGE,
            {
                "category": category,
                "quantity": quantity,
                "unit_cost_decimillicents": unit_cost_decimillicents,
                "total_cost_decimillicents": total_cost_decimillicents,
                "reference_id": reference_id,
                "stripe_usage_record_id": stripe_usage_record_id,
                "metadata": {} if metadata is None else metadata,
            },
            "usage record",
        )
        when = func.now() if recorded_at is None else parse_moment(recorded_at, "recorded_at")
        statement = insert(usage_records).values(organization_id=key, recorded_at=when, **usage)
        if reference_id is not None:
            statement = statement.on_conflict_do_nothing(
                index_elements=[usage_records.c.organization_id, usage_records.c.reference_id],
                index_where=usage_records.c.reference_id.isnot(None),
            )
        with translate_errors("Failed to record usage"):
            async with provide_db() as conn:
                inserted = (await conn.execute(statement.returning(usage_records))).mappings()
                row = inserted.first()
                if row is None and reference_id is not None:
                    existing = select(usage_records).where(_by_reference(key, reference_id))
                    row = (await conn.execute(existing)).mappings().first()
                if row is None:
                    raise DbError(
                        "DB_QUERY_FAILED",
                        "Failed to record usage: the conflicting record vanished; retry",
                    )
                return decode_row(UsageRecordsRowSchema, row, "usage record")

    async def update_stripe_usage_record_id(
        self, usage_record_id: uuid.UUID | str, stripe_usage_record_id: str
    ) -> UsageRecordsRowShape | None:
        """Store the Stripe usage-record id reported for this record; `None` if absent."""
        key = parse_uuid(usage_record_id, "usage_record_id")
        statement = (
            update(usage_records)
            .where(usage_records.c.id == key)
            .values(stripe_usage_record_id=stripe_usage_record_id)
            .returning(usage_records)
        )
        with translate_errors("Failed to update Stripe usage record id"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    UsageRecordsRowSchema, result.mappings().first(), "usage record"
                )

    async def find_by_reference_id(
        self, organization_id: uuid.UUID | str, reference_id: str
    ) -> UsageRecordsRowShape | None:
        """Return the organization's record with this reference id, or `None`."""
        key = parse_uuid(organization_id, "organization_id")
        statement = select(usage_records).where(_by_reference(key, reference_id))
        with translate_errors("Failed to find usage record by reference id"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    UsageRecordsRowSchema, result.mappings().first(), "usage record"
                )

    async def list_for_organization(
        self,
        organization_id: uuid.UUID | str,
        *,
        category: UsageCategory | None = None,
        recorded_after: datetime | None = None,
        recorded_before: datetime | None = None,
        limit: int = 200,
    ) -> list[UsageRecordsRowShape]:
        """Return the newest records first, optionally of one category within inclusive bounds."""
        key = parse_uuid(organization_id, "organization_id")
        if (
            isinstance(limit, bool)
            or not isinstance(limit, int)
            or not 1 <= limit <= MAX_LIST_LIMIT
        ):
            raise DbError(
                "DB_INVALID_INPUT", f"limit must be an integer from 1 to {MAX_LIST_LIMIT}"
            )
        statement = select(usage_records).where(usage_records.c.organization_id == key)
        if category is not None:
            statement = statement.where(
                usage_records.c.category == parse_input(_CATEGORY, category, "category")
            )
        if recorded_after is not None:
            after = parse_moment(recorded_after, "recorded_after")
            statement = statement.where(usage_records.c.recorded_at >= after)
        if recorded_before is not None:
            before = parse_moment(recorded_before, "recorded_before")
            statement = statement.where(usage_records.c.recorded_at <= before)
        statement = statement.order_by(
            usage_records.c.recorded_at.desc(), usage_records.c.id.desc()
        ).limit(limit)
        with translate_errors("Failed to list usage records"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_rows(UsageRecordsRowSchema, result.mappings(), "usage records")

    async def summarize_for_period(
        self,
        organization_id: uuid.UUID | str,
        *,
        category: UsageCategory,
        period_start: datetime,
        period_end: datetime,
    ) -> UsageSummary:
        """Sum quantity and cost of one category recorded within [PERIOD_START, PERIOD_END]."""
        key = parse_uuid(organization_id, "organization_id")
        wanted = parse_input(_CATEGORY, category, "category")
        start = parse_moment(period_start, "period_start")
        end = parse_moment(period_end, "period_end")
        if start > end:
            raise DbError("DB_INVALID_INPUT", "period_start must not be after period_end")
        statement = select(
            cast(func.coalesce(func.sum(usage_records.c.quantity), 0), BigInteger).label(
                "total_quantity"
            ),
            cast(
                func.coalesce(func.sum(usage_records.c.total_cost_decimillicents), 0), BigInteger
            ).label("total_cost_decimillicents"),
        ).where(
            usage_records.c.organization_id == key,
            usage_records.c.category == wanted,
            usage_records.c.recorded_at.between(start, end),
        )
        with translate_errors("Failed to summarize usage"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(UsageSummarySchema, result.mappings().one(), "usage summary")


usage_records_repository = UsageRecordsRepository()
