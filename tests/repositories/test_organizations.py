"""organizations_repository against a real PostgreSQL: listing, creation, updates, memberships."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from db.client import Database
from db.errors import DbError
from db.factories import (
    create_org_members_factory,
    create_organizations_factory,
    create_users_factory,
)
from db.pagination import ListParams
from db.repositories.organizations import OrganizationEventInput, organizations_repository
from db.row_schemas.organizations import OnboardingData
from db.schema import domain_events, org_members, organizations, users
from db.testing import Persist
from tests.pagination.offline import offline

ONBOARDING: OnboardingData = {
    "version": 1,
    "status": "in_progress",
    "current_step": "workspace_setup",
    "completed_steps": ["organization_profile"],
    "organization_profile": {"display_name": "Acme"},
}
EVENT: OrganizationEventInput = {
    "event_type": "organization.created",
    "aggregate_type": "organization",
    "payload": {"organization_name": "Acme", "nested": {"ok": [1, 2]}},
}


async def _user(persist: Persist) -> uuid.UUID:
    row = await persist(users, create_users_factory())
    user_id: uuid.UUID = row["id"]
    return user_id


async def _count(database: Database, table: Any, *where: Any) -> int:
    async with database.connect() as conn:
        count: int = (
            await conn.execute(select(func.count()).select_from(table).where(*where))
        ).scalar_one()
        return count


async def test_create_inserts_organization_and_owner_membership(
    database: Database, persist: Persist
) -> None:
    owner = await _user(persist)
    org = await organizations_repository.create("Acme", str(owner))
    assert org["name"] == "Acme"
    assert org["subscription_status"] == "inactive"
    assert org["created_at"].tzinfo is not None
    membership = await organizations_repository.get_member_role(org["id"], owner)
    assert membership is not None
    assert membership["role"] == "owner"
    assert await organizations_repository.is_member(org["id"], owner)
    assert await organizations_repository.count_owned_by_user(owner) == 1
    assert await organizations_repository.get_by_id(org["id"]) == org


async def test_create_for_unknown_owner_rolls_back_the_organization(database: Database) -> None:
    with pytest.raises(DbError) as caught:
        await organizations_repository.create("Ghost Inc", uuid.uuid4())
    assert caught.value.code == "DB_FOREIGN_KEY_VIOLATION"
    assert await _count(database, organizations) == 0


@pytest.mark.parametrize(
    ("name", "owner"), [("", "00000000-0000-4000-8000-000000000000"), ("Acme", "not-a-uuid")]
)
async def test_create_rejects_bad_input_before_any_query(name: str, owner: str) -> None:
    with offline(), pytest.raises(DbError) as caught:
        await organizations_repository.create(name, owner)
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_create_with_event_writes_organization_membership_and_event(
    database: Database, persist: Persist
) -> None:
    owner = await _user(persist)
    correlation = uuid.uuid4()
    org = await organizations_repository.create_with_event(
        "Acme", owner, {**EVENT, "correlation_id": correlation}
    )
    assert await organizations_repository.is_member(org["id"], owner)
    async with database.connect() as conn:
        events = (await conn.execute(select(domain_events))).mappings().all()
    assert len(events) == 1
    event = events[0]
    assert event["aggregate_id"] == org["id"]
    assert event["event_type"] == "organization.created"
    assert event["sequence_number"] == 1
    assert event["status"] == "pending"
    assert event["payload"] == EVENT["payload"]
    assert event["correlation_id"] == correlation


async def test_create_with_event_rolls_back_everything_when_the_event_fails(
    database: Database, persist: Persist
) -> None:
    owner = await _user(persist)
    bad_event: Any = {**EVENT, "event_type": "organization.exploded"}
    with pytest.raises(DbError) as caught:
        await organizations_repository.create_with_event("Doomed", owner, bad_event)
    assert caught.value.code == "DB_INVALID_INPUT"
    assert await _count(database, organizations) == 0
    assert await _count(database, org_members) == 0
    assert await _count(database, domain_events) == 0


async def test_create_with_event_for_unknown_owner_writes_nothing(database: Database) -> None:
    with pytest.raises(DbError) as caught:
        await organizations_repository.create_with_event("Ghost", uuid.uuid4(), EVENT)
    assert caught.value.code == "DB_FOREIGN_KEY_VIOLATION"
    assert await _count(database, organizations) == 0
    assert await _count(database, domain_events) == 0


async def test_create_with_event_joins_an_enclosing_transaction(
    database: Database, persist: Persist
) -> None:
    owner = await _user(persist)

    async def create_then_abort() -> None:
        async with database.transaction():
            await organizations_repository.create_with_event("Inner", owner, EVENT)
            assert await organizations_repository.count_owned_by_user(owner) == 1
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError, match="abort"):
        await create_then_abort()
    assert await organizations_repository.count_owned_by_user(owner) == 0
    assert await _count(database, domain_events) == 0


async def test_concurrent_creations_each_get_their_own_event(
    database: Database, persist: Persist
) -> None:
    owner = await _user(persist)
    created = await asyncio.gather(
        *(organizations_repository.create_with_event(f"Org {i}", owner, EVENT) for i in range(8))
    )
    assert len({org["id"] for org in created}) == 8
    assert await organizations_repository.count_owned_by_user(owner) == 8
    async with database.connect() as conn:
        rows = (await conn.execute(select(domain_events))).mappings().all()
    assert sorted(row["aggregate_id"] for row in rows) == sorted(org["id"] for org in created)
    assert {row["sequence_number"] for row in rows} == {1}


async def test_get_by_id_unknown_and_malformed(database: Database) -> None:
    assert await organizations_repository.get_by_id(uuid.uuid4()) is None
    with pytest.raises(DbError) as caught:
        await organizations_repository.get_by_id("nope")
    assert caught.value.code == "DB_INVALID_INPUT"


async def _org_of(persist: Persist, user_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    org = await persist(organizations, create_organizations_factory(**overrides))
    await persist(
        org_members, create_org_members_factory(organization_id=org["id"], user_id=user_id)
    )
    return org


async def test_list_returns_only_the_users_organizations_with_total(
    database: Database, persist: Persist
) -> None:
    me, other = await _user(persist), await _user(persist)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    mine = [await _org_of(persist, me, created_at=base + timedelta(days=i)) for i in range(3)]
    await _org_of(persist, other)
    page = await organizations_repository.list(me, ListParams(limit=2))
    assert page.total == 3
    assert [org["id"] for org in page.data] == [mine[2]["id"], mine[1]["id"]]
    assert page.prev_cursor is None
    assert page.next_cursor is not None
    rest = await organizations_repository.list_for_user(
        me, ListParams(limit=2, cursor=page.next_cursor)
    )
    assert [org["id"] for org in rest.data] == [mine[0]["id"]]
    assert rest.total == 3
    assert rest.next_cursor is None
    assert rest.prev_cursor is not None
    back = await organizations_repository.list(me, ListParams(limit=2, cursor=rest.prev_cursor))
    assert back.data == page.data
    empty = await organizations_repository.list(uuid.uuid4())
    assert (empty.data, empty.total, empty.next_cursor) == ([], 0, None)


async def test_list_by_name_ascending(database: Database, persist: Persist) -> None:
    me = await _user(persist)
    for name in ("beta", "alpha", "gamma"):
        await _org_of(persist, me, name=name)
    page = await organizations_repository.list(me, ListParams(sort_by="name", sort_order="asc"))
    assert [org["name"] for org in page.data] == ["alpha", "beta", "gamma"]


async def test_list_rejects_bad_cursor_sort_filter_and_user_before_any_query() -> None:
    token = "eyJ2IjoxfQ"  # {"v":1}
    cases: list[tuple[Any, ListParams | None, str]] = [
        (uuid.uuid4(), ListParams(cursor=token), "DB_INVALID_CURSOR"),
        (uuid.uuid4(), ListParams(cursor="!!"), "DB_INVALID_CURSOR"),
        (uuid.uuid4(), ListParams(sort_by="updated_at"), "DB_INVALID_INPUT"),
        (uuid.uuid4(), ListParams(filter={"status": "x"}), "DB_INVALID_INPUT"),
        ("not-a-uuid", None, "DB_INVALID_INPUT"),
    ]
    with offline():
        for user_id, params, code in cases:
            with pytest.raises(DbError) as caught:
                await organizations_repository.list(user_id, params)
            assert caught.value.code == code


async def test_list_rejects_a_cursor_from_another_sort(
    database: Database, persist: Persist
) -> None:
    me = await _user(persist)
    for _ in range(3):
        await _org_of(persist, me)
    page = await organizations_repository.list(me, ListParams(limit=1, sort_by="name"))
    assert page.next_cursor is not None
    with pytest.raises(DbError) as caught:
        await organizations_repository.list(me, ListParams(limit=1, cursor=page.next_cursor))
    assert caught.value.code == "DB_INVALID_CURSOR"


async def test_get_many_by_ids_for_user(database: Database, persist: Persist) -> None:
    me, other = await _user(persist), await _user(persist)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    first = await _org_of(persist, me, created_at=base)
    second = await _org_of(persist, me, created_at=base + timedelta(hours=1))
    foreign = await _org_of(persist, other)
    found = await organizations_repository.get_many_by_ids_for_user(
        me, [str(second["id"]), foreign["id"], first["id"], uuid.uuid4()]
    )
    assert [org["id"] for org in found] == [first["id"], second["id"]]
    with pytest.raises(DbError) as caught:
        await organizations_repository.get_many_by_ids_for_user(me, [first["id"], "bad"])
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_empty_id_lists_answer_without_a_query() -> None:
    with offline():
        assert await organizations_repository.get_many_by_ids_for_user(uuid.uuid4(), []) == []
        assert await organizations_repository.get_member_roles_for_user(uuid.uuid4(), []) == []


async def test_update_name_and_onboarding_then_clear(database: Database, persist: Persist) -> None:
    me = await _user(persist)
    org = await organizations_repository.create("Before", me)
    renamed = await organizations_repository.update(org["id"], name="After")
    assert renamed is not None
    assert renamed["name"] == "After"
    assert renamed["onboarding_data"] is None
    assert renamed["updated_at"] > org["updated_at"]
    onboarded = await organizations_repository.update(str(org["id"]), onboarding_data=ONBOARDING)
    assert onboarded is not None
    assert onboarded["onboarding_data"] == ONBOARDING
    assert onboarded["name"] == "After"
    cleared = await organizations_repository.update(org["id"], onboarding_data=None)
    assert cleared is not None
    assert cleared["onboarding_data"] is None
    assert cleared["name"] == "After"
    assert await _count(database, organizations, organizations.c.onboarding_data.is_(None)) == 1


async def test_empty_update_is_a_plain_read(database: Database, persist: Persist) -> None:
    me = await _user(persist)
    org = await organizations_repository.create("Same", me)
    assert await organizations_repository.update(org["id"]) == org
    assert await organizations_repository.update(uuid.uuid4()) is None
    assert await organizations_repository.update(uuid.uuid4(), name="x") is None


@pytest.mark.parametrize(
    "patch",
    [
        {"name": ""},
        {"name": 7},
        {"onboarding_data": {"version": 2}},
        {"onboarding_data": {**ONBOARDING, "organization_profile": {"display_name": "A"}}},
        {"credits_balance": 10**6},
    ],
)
async def test_update_rejects_invalid_patches_before_any_query(patch: dict[str, Any]) -> None:
    with offline(), pytest.raises(DbError) as caught:
        await organizations_repository.update(uuid.uuid4(), **patch)
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_remove_cascades_memberships(database: Database, persist: Persist) -> None:
    me = await _user(persist)
    org = await organizations_repository.create("Gone", me)
    removed = await organizations_repository.remove(org["id"])
    assert removed is not None
    assert removed["id"] == org["id"]
    assert await organizations_repository.get_by_id(org["id"]) is None
    assert not await organizations_repository.is_member(org["id"], me)
    assert await _count(database, org_members) == 0
    assert await organizations_repository.remove(org["id"]) is None
    with pytest.raises(DbError) as caught:
        await organizations_repository.remove("x")
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_membership_queries(database: Database, persist: Persist) -> None:
    me, other = await _user(persist), await _user(persist)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    orgs = [await persist(organizations, create_organizations_factory()) for _ in range(3)]
    for i, (org, role) in enumerate(zip(orgs, ("owner", "admin", "member"), strict=True)):
        await persist(
            org_members,
            create_org_members_factory(
                organization_id=org["id"],
                user_id=me,
                role=role,
                created_at=base + timedelta(minutes=i),
            ),
        )
    assert await organizations_repository.is_member(orgs[1]["id"], me)
    assert not await organizations_repository.is_member(orgs[1]["id"], other)
    assert await organizations_repository.get_member_role(orgs[0]["id"], other) is None
    admin = await organizations_repository.get_member_role(orgs[1]["id"], me)
    assert admin is not None
    assert admin["role"] == "admin"
    primary = await organizations_repository.get_primary_membership_for_user(me)
    assert primary is not None
    assert primary["organization_id"] == orgs[2]["id"]
    assert await organizations_repository.get_primary_membership_for_user(other) is None
    roles = await organizations_repository.get_member_roles_for_user(
        me, [orgs[2]["id"], orgs[0]["id"], uuid.uuid4()]
    )
    assert [(r["organization_id"], r["role"]) for r in roles] == [
        (orgs[0]["id"], "owner"),
        (orgs[2]["id"], "member"),
    ]
    assert await organizations_repository.count_owned_by_user(me) == 1
    assert await organizations_repository.count_owned_by_user(other) == 0
    for call in (
        organizations_repository.is_member(orgs[0]["id"], "bad"),
        organizations_repository.get_primary_membership_for_user("bad"),
        organizations_repository.count_owned_by_user("bad"),
    ):
        with pytest.raises(DbError) as caught:
            await call
        assert caught.value.code == "DB_INVALID_INPUT"


async def test_primary_membership_breaks_created_at_ties_by_id(
    database: Database, persist: Persist
) -> None:
    me = await _user(persist)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    members = []
    for _ in range(3):
        org = await persist(organizations, create_organizations_factory())
        members.append(
            await persist(
                org_members,
                create_org_members_factory(
                    organization_id=org["id"], user_id=me, created_at=moment
                ),
            )
        )
    primary = await organizations_repository.get_primary_membership_for_user(me)
    assert primary is not None
    assert primary["id"] == max(member["id"] for member in members)


async def test_list_inside_a_transaction_sees_its_uncommitted_rows(
    database: Database, persist: Persist
) -> None:
    me = await _user(persist)

    async def create_list_abort() -> None:
        async with database.transaction():
            created = await organizations_repository.create("Draft", me)
            page = await organizations_repository.list(me)
            assert (page.total, [org["id"] for org in page.data]) == (1, [created["id"]])
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError, match="abort"):
        await create_list_abort()
    assert (await organizations_repository.list(me)).total == 0
