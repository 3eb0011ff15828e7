"""Keyset (cursor) pagination: list parameters, cursors, the keyset predicate and the page.

This module never executes a query. A repository asks a `Keyset` for a `PagePlan`
(validating the sort, the filters and the cursor before any query), runs the plan's
`count_query` and `page_query` on one connection, and hands the decoded rows back to
`PagePlan.page`, which assembles the `Page` and its cursors.

Cursors are base64url (unpadded) JSON: `{"v", "sort_by", "sort_order", "dir", "value", "id"}`.
The sort value keeps full precision (timestamps as ISO 8601 with microseconds and offset).
Cursors are opaque positions, not credentials: every query stays scoped by the repository.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Generic, Literal, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    Uuid,
    func,
    literal,
    select,
    tuple_,
)

from db.decode import parse_input
from db.errors import DbError
from db.literals import SORT_ORDERS, SortOrder

T = TypeVar("T")
R = TypeVar("R", bound=Mapping[str, Any])

CURSOR_VERSION: Final = 1
DEFAULT_LIMIT: Final = 25
MAX_LIMIT: Final = 100
MAX_CURSOR_LENGTH: Final = 2048
_CURSOR_KEYS: Final = frozenset({"v", "sort_by", "sort_order", "dir", "value", "id"})

Direction = Literal["next", "prev"]


@dataclass(frozen=True)
class ListParams:
    """What a caller asks of a list: page size, sort, cursor and equality filters."""

    limit: int = DEFAULT_LIMIT
    sort_by: str = "created_at"
    sort_order: SortOrder = "desc"
    cursor: str | None = None
    filter: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        limit: object = self.limit
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise DbError("DB_INVALID_INPUT", f"limit must be an integer from 1 to {MAX_LIMIT}")
        if self.sort_order not in SORT_ORDERS:
            raise DbError("DB_INVALID_INPUT", f"sort_order must be one of {SORT_ORDERS}")
        if not isinstance(self.sort_by, str):
            raise DbError("DB_INVALID_INPUT", "sort_by must be a string")
        if self.cursor is not None and not isinstance(self.cursor, str):
            raise DbError("DB_INVALID_CURSOR", "cursor must be a string")
        filters: object = self.filter
        if not isinstance(filters, Mapping) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in filters.items()
        ):
            raise DbError("DB_INVALID_INPUT", "filter must map strings to strings")
        object.__setattr__(self, "filter", MappingProxyType(dict(filters)))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, the size of the whole filtered list and the cursors around it."""

    data: list[T]
    total: int
    next_cursor: str | None
    prev_cursor: str | None


@dataclass(frozen=True)
class Cursor:
    """A decoded cursor: a position (sort value and id) and the direction to read from it."""

    sort_by: str
    sort_order: SortOrder
    direction: Direction
    value: Any
    id: uuid.UUID


@dataclass(frozen=True)
class Filter:
    """An allowed equality filter: the column and the schema its value must satisfy."""

    column: Column[Any]
    schema: TypeAdapter[Any]


def _invalid_cursor(reason: str) -> DbError:
    return DbError("DB_INVALID_CURSOR", f"Invalid cursor: {reason}")


def _encode_value(column: Column[Any], value: object) -> str | int:
    if isinstance(column.type, DateTime):
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError(f"{column.name}: expected an aware datetime, got {value!r}")
        return value.isoformat(timespec="microseconds")
    if isinstance(column.type, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{column.name}: expected an int, got {value!r}")
        return value
    if not isinstance(value, str):
        raise TypeError(f"{column.name}: expected a str, got {value!r}")
    return value


def _decode_value(column: Column[Any], raw: object) -> object:
    if isinstance(column.type, DateTime):
        if not isinstance(raw, str):
            raise ValueError("timestamp sort value is not a string")
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            raise ValueError("timestamp sort value has no UTC offset")
        return value
    if isinstance(column.type, Integer):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError("integer sort value is not an integer")
        return raw
    if not isinstance(raw, str):
        raise ValueError("text sort value is not a string")
    return raw


@dataclass(frozen=True)
class Keyset:
    """The sortable columns of one list, its UUID tiebreaker and its allowed filters."""

    sortable: Mapping[str, Column[Any]]
    tiebreaker: Column[Any]
    filters: Mapping[str, Filter] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sortable:
            raise ValueError("a keyset needs at least one sortable column")
        if self.tiebreaker.nullable or not isinstance(self.tiebreaker.type, Uuid):
            raise ValueError("the tiebreaker must be a NOT NULL UUID column")
        for name, column in self.sortable.items():
            if column.nullable:
                raise ValueError(f"{name}: sort columns must be NOT NULL")
            if not isinstance(column.type, DateTime | Integer | String):
                raise ValueError(f"{name}: unsupported sort column type {column.type!r}")

    def plan(self, params: ListParams) -> PagePlan:
        """Validate PARAMS against this keyset and return the plan of the requested page."""
        column = self.sortable.get(params.sort_by)
        if column is None:
            allowed = ", ".join(sorted(self.sortable))
            raise DbError(
                "DB_INVALID_INPUT", f"cannot sort by {params.sort_by!r} (allowed: {allowed})"
            )
        predicates: list[ColumnElement[bool]] = []
        for key, raw in params.filter.items():
            spec = self.filters.get(key)
            if spec is None:
                allowed = ", ".join(sorted(self.filters)) or "none"
                raise DbError("DB_INVALID_INPUT", f"unknown filter {key!r} (allowed: {allowed})")
            predicates.append(spec.column == parse_input(spec.schema, raw, f"filter {key!r}"))
        cursor = (
            None
            if params.cursor is None
            else self.decode_cursor(params.cursor, params.sort_by, params.sort_order)
        )
        return PagePlan(
            keyset=self,
            sort_by=params.sort_by,
            sort_order=params.sort_order,
            limit=params.limit,
            cursor=cursor,
            predicates=tuple(predicates),
        )

    def encode_cursor(self, cursor: Cursor) -> str:
        """Return CURSOR as an opaque base64url token."""
        payload = {
            "v": CURSOR_VERSION,
            "sort_by": cursor.sort_by,
            "sort_order": cursor.sort_order,
            "dir": cursor.direction,
            "value": _encode_value(self.sortable[cursor.sort_by], cursor.value),
            "id": str(cursor.id),
        }
        raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def decode_cursor(self, token: str, sort_by: str, sort_order: SortOrder) -> Cursor:
        """Decode TOKEN for a list sorted by SORT_BY/SORT_ORDER, or raise `DB_INVALID_CURSOR`."""
        if not isinstance(token, str) or not token or len(token) > MAX_CURSOR_LENGTH:
            raise _invalid_cursor("empty or too long")
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
            payload = json.loads(raw.decode("utf-8"))
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise _invalid_cursor("not base64url JSON") from exc
        if not isinstance(payload, dict) or set(payload) != _CURSOR_KEYS:
            raise _invalid_cursor("unexpected shape")
        version = payload["v"]
        if isinstance(version, bool) or version != CURSOR_VERSION:
            raise _invalid_cursor(f"unsupported version {version!r}")
        if payload["sort_by"] != sort_by or payload["sort_order"] != sort_order:
            raise DbError(
                "DB_INVALID_CURSOR",
                f"Cursor does not match current sort: cursor is "
                f"{payload['sort_by']!r} {payload['sort_order']!r}, "
                f"request is {sort_by!r} {sort_order!r}",
            )
        direction = payload["dir"]
        if direction not in ("next", "prev"):
            raise _invalid_cursor(f"unknown direction {direction!r}")
        column = self.sortable.get(sort_by)
        if column is None:
            raise _invalid_cursor(f"unknown sort {sort_by!r}")
        try:
            value = _decode_value(column, payload["value"])
            if not isinstance(payload["id"], str):
                raise ValueError("id is not a string")
            ident = uuid.UUID(payload["id"])
        except ValueError as exc:
            raise _invalid_cursor(str(exc)) from exc
        return Cursor(sort_by, sort_order, "next" if direction == "next" else "prev", value, ident)


@dataclass(frozen=True)
class PagePlan:
    """A validated page request: builds its queries and assembles the page from its rows."""

    keyset: Keyset
    sort_by: str
    sort_order: SortOrder
    limit: int
    cursor: Cursor | None
    predicates: tuple[ColumnElement[bool], ...] = ()

    @property
    def _forward(self) -> bool:
        return self.cursor is None or self.cursor.direction == "next"

    def count_query(self, base: Select[Any]) -> Select[int]:
        """Return a query counting BASE's rows under the filters, ignoring the cursor."""
        filtered = base.where(*self.predicates).order_by(None).limit(None).offset(None)
        return select(func.count()).select_from(filtered.subquery())

    def page_query(self, base: Select[Any]) -> Select[Any]:
        """Return BASE filtered, positioned after the cursor, ordered and limited to a probe."""
        column = self.keyset.sortable[self.sort_by]
        ident = self.keyset.tiebreaker
        ascending = (self.sort_order == "asc") == self._forward
        query = base.where(*self.predicates)
        if self.cursor is not None:
            position = tuple_(column, ident)
            bound = tuple_(
                literal(self.cursor.value, column.type), literal(self.cursor.id, ident.type)
            )
            query = query.where(position > bound if ascending else position < bound)
        order = (column.asc(), ident.asc()) if ascending else (column.desc(), ident.desc())
        return query.order_by(None).order_by(*order).limit(self.limit + 1)

    def page(self, rows: Sequence[R], total: int) -> Page[R]:
        """Assemble the page from the decoded rows of `page_query` and the `count_query` total."""
        more = len(rows) > self.limit
        data = list(rows[: self.limit])
        if not self._forward:
            data.reverse()
        if not data:
            return Page(data=data, total=total, next_cursor=None, prev_cursor=None)
        has_next = more if self._forward else True
        has_prev = self.cursor is not None if self._forward else more
        return Page(
            data=data,
            total=total,
            next_cursor=self._cursor_at(data[-1], "next") if has_next else None,
            prev_cursor=self._cursor_at(data[0], "prev") if has_prev else None,
        )

    def _cursor_at(self, row: Mapping[str, Any], direction: Direction) -> str:
        column = self.keyset.sortable[self.sort_by]
        ident = row[self.keyset.tiebreaker.name]
        return self.keyset.encode_cursor(
            Cursor(self.sort_by, self.sort_order, direction, row[column.name], ident)
        )
