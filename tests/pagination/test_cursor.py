"""Unit tests of db.pagination: parameters, cursors and plans, without a database."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import ClauseElement, select
from sqlalchemy.dialects.postgresql.base import PGDialect

from db.errors import DbError
from db.literals import InvitationStatus
from db.pagination import Cursor, Filter, Keyset, ListParams, Page
from db.schema import invitations, teams

KEYSET = Keyset(
    sortable={"created_at": teams.c.created_at, "name": teams.c.name},
    tiebreaker=teams.c.id,
)
FILTERED = Keyset(
    sortable={"expires_at": invitations.c.expires_at},
    tiebreaker=invitations.c.id,
    filters={"status": Filter(invitations.c.status, TypeAdapter(InvitationStatus))},
)
MOMENT = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
ROW_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")


def _encode(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()


def _payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "v": 1,
        "sort_by": "created_at",
        "sort_order": "desc",
        "dir": "next",
        "value": MOMENT.isoformat(),
        "id": str(ROW_ID),
    }
    payload.update(changes)
    return payload


def _sql(statement: ClauseElement) -> str:
    return str(statement.compile(dialect=PGDialect()))  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("limit", [0, -1, 101, 10_000])
def test_limit_outside_1_to_100_is_invalid_input(limit: int) -> None:
    with pytest.raises(DbError) as caught:
        ListParams(limit=limit)
    assert caught.value.code == "DB_INVALID_INPUT"
    assert "limit" in caught.value.message


def test_bool_limit_and_unknown_sort_order_are_invalid_input() -> None:
    with pytest.raises(DbError, match="limit"):
        ListParams(limit=True)
    with pytest.raises(DbError, match="sort_order") as caught:
        ListParams(sort_order="sideways")  # type: ignore[arg-type]
    assert caught.value.code == "DB_INVALID_INPUT"


def test_defaults_and_filter_is_frozen_copy() -> None:
    source = {"status": "pending"}
    params = ListParams(filter=source)
    source["status"] = "accepted"
    assert params.limit == 25
    assert params.sort_by == "created_at"
    assert params.sort_order == "desc"
    assert params.filter == {"status": "pending"}
    with pytest.raises(TypeError):
        params.filter["status"] = "x"  # type: ignore[index]


def test_unknown_sort_by_is_invalid_input() -> None:
    with pytest.raises(DbError) as caught:
        KEYSET.plan(ListParams(sort_by="updated_at"))
    assert caught.value.code == "DB_INVALID_INPUT"
    assert "created_at, name" in caught.value.message


def test_cursor_round_trips_at_full_precision_in_any_offset() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 1, tzinfo=timezone(timedelta(hours=-5)))
    cursor = Cursor("created_at", "asc", "prev", moment, ROW_ID)
    token = KEYSET.encode_cursor(cursor)
    assert "=" not in token
    decoded = KEYSET.decode_cursor(token, "created_at", "asc")
    assert decoded == cursor
    assert decoded.value.microsecond == 1
    raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert raw["value"] == "2026-01-02T03:04:05.000001-05:00"


def test_whole_second_timestamps_still_carry_microseconds() -> None:
    token = KEYSET.encode_cursor(
        Cursor("created_at", "desc", "next", MOMENT.replace(microsecond=0), ROW_ID)
    )
    raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert raw["value"] == "2026-01-02T03:04:05.000000+00:00"


def test_text_cursor_round_trips() -> None:
    cursor = Cursor("name", "asc", "next", "Ünïcode name", ROW_ID)
    assert KEYSET.decode_cursor(KEYSET.encode_cursor(cursor), "name", "asc") == cursor


def _flip_middle_character(token: str) -> str:
    middle = len(token) // 2
    replacement = "A" if token[middle] != "A" else "B"
    return token[:middle] + replacement + token[middle + 1 :]


TAMPERED: dict[str, Callable[[], str]] = {
    "not base64": lambda: "%%%not-base64%%%",
    "empty": lambda: "",
    "too long": lambda: "A" * 5000,
    "not json": lambda: base64.urlsafe_b64encode(b"\xff\xfe garbage").decode(),
    "json list": lambda: _encode([1, 2]),  # type: ignore[arg-type]
    "missing id": lambda: _encode({k: v for k, v in _payload().items() if k != "id"}),
    "extra key": lambda: _encode(_payload(admin=True)),
    "version 2": lambda: _encode(_payload(v=2)),
    "version true": lambda: _encode(_payload(v=True)),
    "bad direction": lambda: _encode(_payload(dir="sideways")),
    "bad uuid": lambda: _encode(_payload(id="not-a-uuid")),
    "numeric id": lambda: _encode(_payload(id=7)),
    "bad timestamp": lambda: _encode(_payload(value="yesterday")),
    "naive timestamp": lambda: _encode(_payload(value="2026-01-02T03:04:05.123456")),
    "numeric timestamp": lambda: _encode(_payload(value=1700000000)),
    "flipped byte": lambda: _flip_middle_character(_encode(_payload())),
}


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_tampered_cursor_is_invalid_cursor(name: str) -> None:
    token = TAMPERED[name]()
    with pytest.raises(DbError) as caught:
        KEYSET.plan(ListParams(cursor=token))
    assert caught.value.code == "DB_INVALID_CURSOR"


def test_well_formed_payload_is_accepted() -> None:
    plan = KEYSET.plan(ListParams(cursor=_encode(_payload())))
    assert plan.cursor == Cursor("created_at", "desc", "next", MOMENT, ROW_ID)


@pytest.mark.parametrize(
    ("sort_by", "sort_order"), [("name", "desc"), ("created_at", "asc"), ("name", "asc")]
)
def test_cursor_of_another_sort_is_invalid_cursor(sort_by: str, sort_order: str) -> None:
    token = KEYSET.encode_cursor(Cursor("created_at", "desc", "next", MOMENT, ROW_ID))
    with pytest.raises(DbError) as caught:
        KEYSET.plan(ListParams(sort_by=sort_by, sort_order=sort_order, cursor=token))  # type: ignore[arg-type]
    assert caught.value.code == "DB_INVALID_CURSOR"
    assert "does not match current sort" in caught.value.message


def test_text_value_where_a_timestamp_is_expected_is_invalid_cursor() -> None:
    token = KEYSET.encode_cursor(Cursor("name", "desc", "next", "zed", ROW_ID))
    forged = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    forged["sort_by"] = "created_at"
    with pytest.raises(DbError) as caught:
        KEYSET.plan(ListParams(cursor=_encode(forged)))
    assert caught.value.code == "DB_INVALID_CURSOR"


@pytest.mark.parametrize(
    ("raw_filter", "fragment"),
    [({"status": "bogus"}, "filter 'status'"), ({"colour": "red"}, "unknown filter 'colour'")],
)
def test_bad_filters_are_invalid_input(raw_filter: dict[str, str], fragment: str) -> None:
    with pytest.raises(DbError) as caught:
        FILTERED.plan(ListParams(sort_by="expires_at", filter=raw_filter))
    assert caught.value.code == "DB_INVALID_INPUT"
    assert fragment in caught.value.message


def test_page_query_uses_row_value_comparison_in_sort_direction() -> None:
    base = select(teams)
    for order, direction, operator, sql_order in [
        ("asc", "next", ">", "ASC"),
        ("desc", "next", "<", "DESC"),
        ("asc", "prev", "<", "DESC"),
        ("desc", "prev", ">", "ASC"),
    ]:
        token = KEYSET.encode_cursor(Cursor("name", order, direction, "m", ROW_ID))  # type: ignore[arg-type]
        plan = KEYSET.plan(ListParams(sort_by="name", sort_order=order, cursor=token, limit=7))  # type: ignore[arg-type]
        sql = _sql(plan.page_query(base))
        assert f"(teams.name, teams.id) {operator} (" in sql
        assert f"ORDER BY teams.name {sql_order}, teams.id {sql_order}" in sql
        assert "LIMIT" in sql


def test_count_query_applies_filters_but_not_cursor() -> None:
    token = FILTERED.encode_cursor(Cursor("expires_at", "desc", "next", MOMENT, ROW_ID))
    plan = FILTERED.plan(
        ListParams(sort_by="expires_at", cursor=token, filter={"status": "pending"})
    )
    sql = _sql(plan.count_query(select(invitations)))
    assert "count(*)" in sql
    assert "invitations.status =" in sql
    assert "invitations.expires_at, invitations.id" not in sql


def _rows(count: int) -> list[dict[str, Any]]:
    return [
        {"id": uuid.UUID(int=i + 1), "name": f"n{i}", "created_at": MOMENT + timedelta(seconds=i)}
        for i in range(count)
    ]


def test_first_page_has_no_prev_and_a_next_only_when_the_probe_row_exists() -> None:
    plan = KEYSET.plan(ListParams(limit=2, sort_order="asc"))
    full = plan.page(_rows(3), total=3)
    assert [row["name"] for row in full.data] == ["n0", "n1"]
    assert full.prev_cursor is None
    assert full.next_cursor is not None
    after = KEYSET.decode_cursor(full.next_cursor, "created_at", "asc")
    assert (after.direction, after.id, after.value) == (
        "next",
        uuid.UUID(int=2),
        MOMENT + timedelta(seconds=1),
    )
    exact = plan.page(_rows(2), total=2)
    assert exact.next_cursor is None
    assert exact.total == 2


def test_prev_page_rows_are_re_reversed_and_point_both_ways() -> None:
    token = KEYSET.encode_cursor(Cursor("created_at", "asc", "prev", MOMENT, ROW_ID))
    plan = KEYSET.plan(ListParams(limit=2, sort_order="asc", cursor=token))
    scanned_backwards = list(reversed(_rows(3)))  # what page_query returns for a prev page
    page = plan.page(scanned_backwards, total=9)
    assert [row["name"] for row in page.data] == ["n1", "n2"]
    assert page.prev_cursor is not None
    assert page.next_cursor is not None
    assert KEYSET.decode_cursor(page.prev_cursor, "created_at", "asc").id == uuid.UUID(int=2)
    assert KEYSET.decode_cursor(page.next_cursor, "created_at", "asc").id == uuid.UUID(int=3)
    start = plan.page(list(reversed(_rows(2))), total=9)
    assert start.prev_cursor is None


def test_empty_page_has_no_cursors() -> None:
    page: Page[dict[str, Any]] = KEYSET.plan(ListParams()).page([], total=0)
    assert (page.data, page.total, page.next_cursor, page.prev_cursor) == ([], 0, None, None)


def test_keyset_rejects_nullable_sort_columns() -> None:
    with pytest.raises(ValueError, match="NOT NULL"):
        Keyset(sortable={"website": teams.c.website}, tiebreaker=teams.c.id)


def test_keyset_needs_a_uuid_tiebreaker() -> None:
    with pytest.raises(ValueError, match="UUID"):
        Keyset(sortable={"name": teams.c.name}, tiebreaker=teams.c.created_at)
