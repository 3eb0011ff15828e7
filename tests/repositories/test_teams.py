"""teams_repository against a real PostgreSQL: listing, CRUD and team membership."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.client import Database
from db.errors import DbError
from db.factories import (
    create_organizations_factory,
    create_team_members_factory,
    create_teams_factory,
    create_users_factory,
)
from db.pagination import ListParams
from db.repositories.teams import teams_repository
from db.schema import organizations, team_members, teams, users
from db.testing import Persist
from tests.pagination.offline import offline


async def _org(persist: Persist) -> uuid.UUID:
    org_id: uuid.UUID = (await persist(organizations, create_organizations_factory()))["id"]
    return org_id


async def _user(persist: Persist) -> uuid.UUID:
    user_id: uuid.UUID = (await persist(users, create_users_factory()))["id"]
    return user_id


async def test_create_get_update_remove(database: Database, persist: Persist) -> None:
    org = await _org(persist)
    team = await teams_repository.create(str(org), "Platform")
    assert team["organization_id"] == org
    assert team["name"] == "Platform"
    assert team["website"] is None
    assert await teams_repository.get_by_id(team["id"]) == team
    renamed = await teams_repository.update(team["id"], name="Infra")
    assert renamed is not None
    assert renamed["name"] == "Infra"
    assert renamed["updated_at"] > team["updated_at"]
    assert await teams_repository.update(team["id"]) == renamed
    removed = await teams_repository.remove(str(team["id"]))
    assert removed == renamed
    assert await teams_repository.get_by_id(team["id"]) is None
    assert await teams_repository.remove(team["id"]) is None
    assert await teams_repository.update(team["id"], name="Nope") is None
    assert await teams_repository.update(team["id"]) is None


async def test_create_in_unknown_organization_is_a_foreign_key_violation(
    database: Database,
) -> None:
    with pytest.raises(DbError) as caught:
        await teams_repository.create(uuid.uuid4(), "Orphans")
    assert caught.value.code == "DB_FOREIGN_KEY_VIOLATION"
    assert caught.value.constraint == "teams_organization_id_fkey"


@pytest.mark.parametrize(
    "call",
    [
        lambda: teams_repository.create("nope", "Team"),
        lambda: teams_repository.create(uuid.uuid4(), ""),
        lambda: teams_repository.get_by_id("nope"),
        lambda: teams_repository.update("nope", name="x"),
        lambda: teams_repository.update(uuid.uuid4(), name=""),
        lambda: teams_repository.update(uuid.uuid4(), website="https://x"),  # type: ignore[call-arg]
        lambda: teams_repository.remove("nope"),
        lambda: teams_repository.add_member(uuid.uuid4(), "nope"),
        lambda: teams_repository.remove_member("nope", uuid.uuid4()),
        lambda: teams_repository.list_members("nope"),
        lambda: teams_repository.list_members(uuid.uuid4(), limit=0),
        lambda: teams_repository.list_members(uuid.uuid4(), limit=1001),
        lambda: teams_repository.list("nope"),
        lambda: teams_repository.list(uuid.uuid4(), ListParams(sort_by="website")),
        lambda: teams_repository.list(uuid.uuid4(), ListParams(filter={"name": "x"})),
    ],
)
async def test_bad_input_is_rejected_before_any_query(call: Any) -> None:
    with offline(), pytest.raises(DbError) as caught:
        await call()
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_list_pages_one_organizations_teams(database: Database, persist: Persist) -> None:
    org, other = await _org(persist), await _org(persist)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for i, name in enumerate(["delta", "alpha", "charlie", "bravo"]):
        await persist(
            teams,
            create_teams_factory(
                organization_id=org, name=name, created_at=base + timedelta(seconds=i)
            ),
        )
    await persist(teams, create_teams_factory(organization_id=other, name="aaa"))
    first = await teams_repository.list(org, ListParams(limit=3, sort_by="name", sort_order="asc"))
    assert [team["name"] for team in first.data] == ["alpha", "bravo", "charlie"]
    assert first.total == 4
    assert first.prev_cursor is None
    assert first.next_cursor is not None
    second = await teams_repository.list_for_organization(
        org, ListParams(limit=3, sort_by="name", sort_order="asc", cursor=first.next_cursor)
    )
    assert [team["name"] for team in second.data] == ["delta"]
    assert second.next_cursor is None
    newest = await teams_repository.list(org, ListParams(limit=1))
    assert [team["name"] for team in newest.data] == ["bravo"]
    with pytest.raises(DbError) as caught:
        await teams_repository.list(org, ListParams(limit=3, cursor=first.next_cursor))
    assert caught.value.code == "DB_INVALID_CURSOR"


async def test_add_member_twice_is_a_unique_violation(database: Database, persist: Persist) -> None:
    team = await teams_repository.create(await _org(persist), "Core")
    user = await _user(persist)
    member = await teams_repository.add_member(team["id"], str(user))
    assert (member["team_id"], member["user_id"], member["role_id"]) == (team["id"], user, None)
    with pytest.raises(DbError) as caught:
        await teams_repository.add_member(team["id"], user)
    assert caught.value.code == "DB_UNIQUE_VIOLATION"
    assert caught.value.constraint == "team_members_team_user_unique"
    assert await teams_repository.list_members(team["id"]) == [member]


async def test_concurrent_adds_of_one_member_have_one_winner(
    database: Database, persist: Persist
) -> None:
    team = await teams_repository.create(await _org(persist), "Race")
    user = await _user(persist)
    outcomes = await asyncio.gather(
        *(teams_repository.add_member(team["id"], user) for _ in range(6)), return_exceptions=True
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(e, DbError) and e.code == "DB_UNIQUE_VIOLATION" for e in losers)
    assert len(await teams_repository.list_members(team["id"])) == 1


async def test_add_member_to_unknown_team_or_user_is_a_foreign_key_violation(
    database: Database, persist: Persist
) -> None:
    team = await teams_repository.create(await _org(persist), "Core")
    for team_id, user_id in [(uuid.uuid4(), await _user(persist)), (team["id"], uuid.uuid4())]:
        with pytest.raises(DbError) as caught:
            await teams_repository.add_member(team_id, user_id)
        assert caught.value.code == "DB_FOREIGN_KEY_VIOLATION"


async def test_remove_member(database: Database, persist: Persist) -> None:
    team = await teams_repository.create(await _org(persist), "Core")
    user = await _user(persist)
    member = await teams_repository.add_member(team["id"], user)
    assert await teams_repository.remove_member(team["id"], user) == member
    assert await teams_repository.remove_member(team["id"], user) is None
    assert await teams_repository.list_members(team["id"]) == []


async def test_list_members_is_ordered_and_limited(database: Database, persist: Persist) -> None:
    team = await teams_repository.create(await _org(persist), "Ordered")
    other = await teams_repository.create(team["organization_id"], "Other")
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    stamps = [moment + timedelta(seconds=2), moment, moment, moment + timedelta(seconds=1)]
    stored = []
    for stamp in stamps:
        row = create_team_members_factory(
            team_id=team["id"], user_id=await _user(persist), created_at=stamp
        )
        stored.append(await persist(team_members, row))
    await persist(
        team_members, create_team_members_factory(team_id=other["id"], user_id=await _user(persist))
    )
    expected = sorted(stored, key=lambda row: (row["created_at"], row["id"]))
    listed = await teams_repository.list_members(team["id"])
    assert [row["id"] for row in listed] == [row["id"] for row in expected]
    limited = await teams_repository.list_members(team["id"], limit=2)
    assert [row["id"] for row in limited] == [row["id"] for row in expected[:2]]


async def test_removing_a_team_cascades_its_members(database: Database, persist: Persist) -> None:
    team = await teams_repository.create(await _org(persist), "Doomed")
    await teams_repository.add_member(team["id"], await _user(persist))
    await teams_repository.remove(team["id"])
    assert await teams_repository.list_members(team["id"]) == []
