"""Run a keyset `PagePlan` on one connection: the total and the page, decoded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import Select

from db.client import provide_db
from db.decode import decode_rows
from db.errors import translate_errors
from db.pagination import Page, PagePlan

T = TypeVar("T", bound=Mapping[str, Any])


async def fetch_page(
    plan: PagePlan, base: Select[Any], schema: TypeAdapter[T], *, what: str, context: str
) -> Page[T]:
    """Count BASE and fetch the planned page of it in one transaction, decoded with SCHEMA."""
    with translate_errors(context):
        async with provide_db() as conn:
            total = (await conn.execute(plan.count_query(base))).scalar_one()
            rows = (await conn.execute(plan.page_query(base))).mappings().all()
    return plan.page(decode_rows(schema, rows, what), total)
