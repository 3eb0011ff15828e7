"""Delete the rows matching a predicate in bounded batches, each batch its own transaction.

With `order_by` (an indexed timestamp column the predicate bounds, such as `created_at`), a
batch first reads the `batch_size`-th smallest value still matching (an index scan that starts
where the previous batch ended), then deletes every matching row up to that value with one
range `DELETE`, which the planner runs as an index range scan: about one pass over the doomed
rows in all, like a single `DELETE`, but in short transactions. Rows sharing the boundary value
go in the same batch, so a batch can exceed `batch_size` by the ties at its edge.

Without `order_by` (predicates that are a disjunction of several columns), a batch picks up to
`batch_size` matching rows and deletes them by physical row id (`ctid`) in the same statement.

Rows are not locked ahead of the delete: a row a concurrent pruner deletes first is skipped.
Called inside `Database.transaction()`, every batch runs in the caller's transaction (so a dry
run can roll the whole prune back).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Table, and_, column, delete, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnClause, KeyedColumnElement

from db.client import provide_db
from db.errors import translate_errors

DEFAULT_BATCH_SIZE: Final = 20_000


async def delete_in_batches(
    table: Table,
    predicate: ColumnElement[bool],
    *,
    context: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    order_by: KeyedColumnElement[datetime] | None = None,
) -> int:
    """Delete TABLE rows matching PREDICATE, BATCH_SIZE at a time; return how many were deleted."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total = 0
    floor: datetime | None = None
    while True:
        with translate_errors(context):
            async with provide_db() as conn:
                if order_by is None:
                    deleted, done = await _delete_by_row_id(conn, table, predicate, batch_size)
                else:
                    deleted, floor, done = await _delete_up_to_boundary(
                        conn, table, predicate, order_by, floor, batch_size
                    )
        total += deleted
        if done:
            return total


async def _delete_up_to_boundary(
    conn: AsyncConnection,
    table: Table,
    predicate: ColumnElement[bool],
    order_by: KeyedColumnElement[datetime],
    floor: datetime | None,
    batch_size: int,
) -> tuple[int, datetime | None, bool]:
    """One ordered batch: return (deleted, the next floor, whether nothing is left)."""
    bounded = predicate if floor is None else and_(predicate, order_by >= floor)
    boundary = await conn.scalar(
        select(order_by).where(bounded).order_by(order_by).offset(batch_size - 1).limit(1)
    )
    doomed = bounded if boundary is None else and_(bounded, order_by <= boundary)
    result = await conn.execute(delete(table).where(doomed))
    return result.rowcount, boundary, boundary is None


async def _delete_by_row_id(
    conn: AsyncConnection, table: Table, predicate: ColumnElement[bool], batch_size: int
) -> tuple[int, bool]:
    """One unordered batch: return (deleted, whether nothing is left)."""
    row_id: ColumnClause[Any] = column("ctid", _selectable=table)
    doomed = select(row_id.label("row_id")).where(predicate).limit(batch_size).cte("doomed")
    gone = delete(table).where(row_id == doomed.c.row_id).returning(literal(1)).cte("gone")
    counts = select(
        select(func.count()).select_from(doomed).scalar_subquery().label("picked"),
        select(func.count()).select_from(gone).scalar_subquery().label("deleted"),
    )
    row = (await conn.execute(counts)).one()
    deleted: int = row.deleted
    return deleted, row.picked < batch_size
