"""Delete the rows matching a predicate in bounded batches, each batch its own transaction."""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, Table, delete, select

from db.client import provide_db
from db.errors import translate_errors

DEFAULT_BATCH_SIZE: Final = 5_000


async def delete_in_batches(
    table: Table,
    predicate: ColumnElement[bool],
    *,
    context: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> int:
    """Delete TABLE rows matching PREDICATE, BATCH_SIZE at a time; return how many were deleted."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    key = table.primary_key.columns.values()[0]
    doomed = select(key).where(predicate).limit(batch_size).with_for_update(skip_locked=True)
    statement = delete(table).where(key.in_(doomed.scalar_subquery()))
    total = 0
    while True:
        with translate_errors(context):
            async with provide_db() as conn:
                deleted = (await conn.execute(statement)).rowcount
        total += deleted
        if deleted < batch_size:
            return total
