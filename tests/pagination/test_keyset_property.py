"""Property: paging forwards then backwards sees every row exactly once, in order, despite ties.

Data is generated with many ties (a handful of created_at / expires_at values one microsecond
apart, and a three-name alphabet), inserted under a fresh user and organization per example,
and paged through the real repositories on the real database.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.client import Database
from db.factories import (
    create_invitations_factory,
    create_org_members_factory,
    create_organizations_factory,
    create_teams_factory,
    create_users_factory,
)
from db.literals import SortOrder
from db.pagination import ListParams, Page
from db.repositories.invitations import invitations_repository
from db.repositories.organizations import organizations_repository
from db.repositories.teams import teams_repository
from db.schema import invitations, org_members, organizations, teams, users

BASE = datetime(2026, 3, 1, 12, 0, 0, 500_000, tzinfo=UTC)
# Microsecond neighbours (upstream's millisecond cursors lose them) and a later millisecond.
MOMENTS = [BASE, BASE + timedelta(microseconds=1), BASE + timedelta(microseconds=2)]
MOMENTS.append(BASE + timedelta(milliseconds=1))
NAMES = ["a", "ab", "b"]

ROWS = st.lists(st.tuples(st.sampled_from(MOMENTS), st.sampled_from(NAMES)), max_size=12)

Lister = Callable[[uuid.UUID, ListParams], Awaitable[Page[Any]]]


async def _insert(database: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        async with database.connect() as conn:
            await conn.execute(table.insert(), rows)


async def _seed_organizations(database: Database, rows: list[tuple[datetime, str]]) -> uuid.UUID:
    user = create_users_factory()
    orgs = [create_organizations_factory(created_at=at, name=name) for at, name in rows]
    await _insert(database, users, [user])
    await _insert(database, organizations, orgs)
    members = [
        create_org_members_factory(organization_id=o["id"], user_id=user["id"]) for o in orgs
    ]
    await _insert(database, org_members, members)
    scope: uuid.UUID = user["id"]
    return scope


async def _seed_teams(database: Database, rows: list[tuple[datetime, str]]) -> uuid.UUID:
    org = create_organizations_factory()
    await _insert(database, organizations, [org])
    await _insert(
        database,
        teams,
        [create_teams_factory(organization_id=org["id"], created_at=at, name=n) for at, n in rows],
    )
    scope: uuid.UUID = org["id"]
    return scope


async def _seed_invitations(database: Database, rows: list[tuple[datetime, str]]) -> uuid.UUID:
    invitee, inviter = create_users_factory(), create_users_factory()
    org = create_organizations_factory()
    await _insert(database, users, [invitee, inviter])
    await _insert(database, organizations, [org])
    invites = [
        create_invitations_factory(
            organization_id=org["id"],
            invited_by_user_id=inviter["id"],
            invitee_user_id=invitee["id"],
            expires_at=at,
            created_at=MOMENTS[len(name) % len(MOMENTS)],
        )
        for at, name in rows
    ]
    await _insert(database, invitations, invites)
    scope: uuid.UUID = invitee["id"]
    return scope


Seeder = Callable[[Database, list[tuple[datetime, str]]], Awaitable[uuid.UUID]]

CASES: list[tuple[str, Seeder, Lister, str, SortOrder]] = [
    ("orgs", _seed_organizations, organizations_repository.list, key, order)
    for key in ("created_at", "name")
    for order in ("asc", "desc")
]
CASES += [
    ("teams", _seed_teams, teams_repository.list, "name", "desc"),
    ("teams", _seed_teams, teams_repository.list, "created_at", "asc"),
]
CASES += [
    ("invitations", _seed_invitations, invitations_repository.list_for_invitee_user_id, key, order)
    for key in ("expires_at", "created_at")
    for order in ("asc", "desc")
]


def _expected(rows: list[Mapping[str, Any]], key: str, order: SortOrder) -> list[uuid.UUID]:
    ordered = sorted(rows, key=lambda row: (row[key], row["id"]), reverse=order == "desc")
    return [row["id"] for row in ordered]


@pytest.mark.parametrize(
    ("kind", "seed", "lister", "sort_by", "sort_order"),
    CASES,
    ids=[f"{kind}-{key}-{order}" for kind, _, _, key, order in CASES],
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=ROWS, limit=st.integers(min_value=1, max_value=5))
async def test_paging_forwards_then_backwards_sees_every_row_once_in_order(
    database: Database,
    kind: str,
    seed: Seeder,
    lister: Lister,
    sort_by: str,
    sort_order: SortOrder,
    rows: list[tuple[datetime, str]],
    limit: int,
) -> None:
    scope = await seed(database, rows)

    forward: list[Page[Any]] = []
    cursor: str | None = None
    while True:
        params = ListParams(limit=limit, sort_by=sort_by, sort_order=sort_order, cursor=cursor)
        page = await lister(scope, params)
        assert page.total == len(rows)
        assert len(page.data) <= limit
        forward.append(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        assert len(forward) <= len(rows) + 1, "paging does not terminate"

    seen = [row for page in forward for row in page.data]
    assert [row["id"] for row in seen] == _expected(seen, sort_by, sort_order)
    assert len({row["id"] for row in seen}) == len(rows)
    assert forward[0].prev_cursor is None
    assert all(page.data for page in forward[1:])

    backward = [forward[-1]]
    while backward[-1].prev_cursor is not None:
        params = ListParams(
            limit=limit, sort_by=sort_by, sort_order=sort_order, cursor=backward[-1].prev_cursor
        )
        backward.append(await lister(scope, params))
        assert len(backward) <= len(forward), "backward paging overshoots the first page"
    assert [page.data for page in reversed(backward)] == [page.data for page in forward]
    assert backward[-1].prev_cursor is None
