"""invitations_repository against a real PostgreSQL: create, list, accept, expire, prune."""

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
    create_invitations_factory,
    create_org_members_factory,
    create_organizations_factory,
    create_users_factory,
)
from db.pagination import ListParams
from db.repositories.invitations import invitations_repository
from db.schema import invitations, org_members, organizations, users
from db.testing import Persist
from tests.pagination.offline import offline

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


async def _setup(persist: Persist) -> tuple[uuid.UUID, dict[str, Any], uuid.UUID]:
    """An organization, an invitee user and the inviting user."""
    org = await persist(organizations, create_organizations_factory())
    invitee = await persist(users, create_users_factory())
    inviter = await persist(users, create_users_factory())
    return org["id"], invitee, inviter["id"]


async def _invite(
    persist: Persist, org: uuid.UUID, inviter: uuid.UUID, **overrides: Any
) -> dict[str, Any]:
    return await persist(
        invitations,
        create_invitations_factory(organization_id=org, invited_by_user_id=inviter, **overrides),
    )


async def _memberships(database: Database, org: uuid.UUID) -> list[dict[str, Any]]:
    async with database.connect() as conn:
        result = await conn.execute(select(org_members).where(org_members.c.organization_id == org))
        return [dict(row) for row in result.mappings().all()]


async def test_create_sets_token_and_db_computed_expiry(
    database: Database, persist: Persist
) -> None:
    org, invitee, inviter = await _setup(persist)
    created = await invitations_repository.create(
        str(org), invitee["id"], "  New.Person@Example.COM ", "admin", inviter
    )
    assert created["email"] == "new.person@example.com"
    assert created["invitee_user_id"] == invitee["id"]
    assert (created["role"], created["status"]) == ("admin", "pending")
    assert created["expires_at"] - created["created_at"] == timedelta(days=7)
    assert len(created["token"]) >= 40
    again = await invitations_repository.create(org, None, "other@example.com", "member", inviter)
    assert again["token"] != created["token"]
    assert await invitations_repository.get_by_id(created["id"]) == created


async def test_create_without_invitee_binds_the_user_with_that_email(
    database: Database, persist: Persist
) -> None:
    org, invitee, inviter = await _setup(persist)
    created = await invitations_repository.create(
        org, None, invitee["email"].upper(), "member", inviter
    )
    assert created["invitee_user_id"] == invitee["id"]


async def test_second_pending_invitation_for_an_email_is_a_unique_violation(
    database: Database, persist: Persist
) -> None:
    org, _, inviter = await _setup(persist)
    first = await invitations_repository.create(org, None, "dup@example.com", "member", inviter)
    with pytest.raises(DbError) as caught:
        await invitations_repository.create(org, None, " DUP@example.com", "admin", inviter)
    assert caught.value.code == "DB_UNIQUE_VIOLATION"
    assert caught.value.constraint == "invitations_org_email_pending_unique"
    await invitations_repository.update_by_id(first["id"], status="revoked")
    renewed = await invitations_repository.create(org, None, "dup@example.com", "admin", inviter)
    assert renewed["status"] == "pending"


async def test_create_with_unknown_organization_is_a_foreign_key_violation(
    database: Database, persist: Persist
) -> None:
    _, _, inviter = await _setup(persist)
    with pytest.raises(DbError) as caught:
        await invitations_repository.create(uuid.uuid4(), None, "x@example.com", "member", inviter)
    assert caught.value.code == "DB_FOREIGN_KEY_VIOLATION"


BAD_CALLS: list[Any] = [
    lambda: invitations_repository.create("bad", None, "a@b.c", "member", uuid.uuid4()),
    lambda: invitations_repository.create(uuid.uuid4(), "bad", "a@b.c", "member", uuid.uuid4()),
    lambda: invitations_repository.create(uuid.uuid4(), None, "a@b.c", "member", "bad"),
    lambda: invitations_repository.create(uuid.uuid4(), None, "no-at-sign", "member", uuid.uuid4()),
    lambda: invitations_repository.create(uuid.uuid4(), None, "a@b.c", "owner", uuid.uuid4()),  # type: ignore[arg-type]
    lambda: invitations_repository.get_by_id("bad"),
    lambda: invitations_repository.get_many_by_ids([uuid.uuid4(), "bad"]),
    lambda: invitations_repository.update_by_id("bad", status="revoked"),
    lambda: invitations_repository.update_by_id(uuid.uuid4(), status="lost"),  # type: ignore[arg-type]
    lambda: invitations_repository.update_by_id(uuid.uuid4(), role="owner"),  # type: ignore[arg-type]
    lambda: invitations_repository.update_by_id(uuid.uuid4(), token="mine"),  # type: ignore[call-arg]
    lambda: invitations_repository.accept_by_token("t", "bad"),
    lambda: invitations_repository.accept_by_token(None, uuid.uuid4()),  # type: ignore[arg-type]
    lambda: invitations_repository.expire_overdue(datetime(2026, 1, 1)),
    lambda: invitations_repository.prune_terminal(datetime(2026, 1, 1)),
    lambda: invitations_repository.prune_terminal("2026-01-01"),  # type: ignore[arg-type]
    lambda: invitations_repository.list_for_invitee_user_id("bad"),
    lambda: invitations_repository.list_for_invitee_user_id(
        uuid.uuid4(), ListParams(filter={"status": "lost"})
    ),
    lambda: invitations_repository.list_for_invitee_user_id(
        uuid.uuid4(), ListParams(filter={"role": "superuser"})
    ),
    lambda: invitations_repository.list_for_invitee_user_id(
        uuid.uuid4(), ListParams(filter={"email": "a@b.c"})
    ),
    lambda: invitations_repository.list_for_invitee_user_id(
        uuid.uuid4(), ListParams(sort_by="name")
    ),
]


@pytest.mark.parametrize("index", range(len(BAD_CALLS)))
async def test_bad_input_is_rejected_before_any_query(index: int) -> None:
    with offline(), pytest.raises(DbError) as caught:
        await BAD_CALLS[index]()
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_invalid_cursor_is_rejected_before_any_query() -> None:
    with offline(), pytest.raises(DbError) as caught:
        await invitations_repository.list_for_invitee_user_id(
            uuid.uuid4(), ListParams(cursor="bm90IGEgY3Vyc29y")
        )
    assert caught.value.code == "DB_INVALID_CURSOR"


async def test_get_many_by_ids(database: Database, persist: Persist) -> None:
    org, _, inviter = await _setup(persist)
    older = await _invite(persist, org, inviter, created_at=LONG_AGO)
    newer = await _invite(persist, org, inviter)
    found = await invitations_repository.get_many_by_ids(
        [str(newer["id"]), uuid.uuid4(), older["id"]]
    )
    assert [row["id"] for row in found] == [older["id"], newer["id"]]
    assert await invitations_repository.get_by_id(uuid.uuid4()) is None
    with offline():
        assert await invitations_repository.get_many_by_ids([]) == []


async def test_update_by_id(database: Database, persist: Persist) -> None:
    org, _, inviter = await _setup(persist)
    stored = await _invite(persist, org, inviter)
    promoted = await invitations_repository.update_by_id(stored["id"], role="admin")
    assert promoted is not None
    assert (promoted["role"], promoted["status"]) == ("admin", "pending")
    revoked = await invitations_repository.update_by_id(
        str(stored["id"]), status="revoked", role="member"
    )
    assert revoked is not None
    assert (revoked["role"], revoked["status"]) == ("member", "revoked")
    assert await invitations_repository.update_by_id(stored["id"]) == revoked
    assert await invitations_repository.update_by_id(uuid.uuid4(), status="revoked") is None
    assert await invitations_repository.update_by_id(uuid.uuid4()) is None


async def test_list_filters_and_sorts(database: Database, persist: Persist) -> None:
    org, invitee, inviter = await _setup(persist)
    soon = datetime.now(UTC) + timedelta(days=1)
    specs = [
        ("pending", "member", soon + timedelta(days=3)),
        ("pending", "admin", soon + timedelta(days=1)),
        ("revoked", "member", soon + timedelta(days=2)),
        ("accepted", "admin", soon),
    ]
    rows = [
        await _invite(
            persist, org, inviter, invitee_user_id=invitee["id"], status=s, role=r, expires_at=e
        )
        for s, r, e in specs
    ]
    await _invite(persist, org, inviter)  # someone else's invitation
    everything = await invitations_repository.list_for_invitee_user_id(
        invitee["id"], ListParams(sort_by="expires_at", sort_order="asc")
    )
    assert [row["id"] for row in everything.data] == [rows[i]["id"] for i in (3, 1, 2, 0)]
    assert everything.total == 4
    pending = await invitations_repository.list_for_invitee_user_id(
        invitee["id"], ListParams(filter={"status": "pending"}, sort_by="expires_at", limit=1)
    )
    assert [row["id"] for row in pending.data] == [rows[0]["id"]]
    assert pending.total == 2
    assert pending.next_cursor is not None
    rest = await invitations_repository.list_for_invitee_user_id(
        invitee["id"],
        ListParams(
            filter={"status": "pending"}, sort_by="expires_at", limit=1, cursor=pending.next_cursor
        ),
    )
    assert [row["id"] for row in rest.data] == [rows[1]["id"]]
    assert rest.next_cursor is None
    admins = await invitations_repository.list_for_invitee_user_id(
        str(invitee["id"]), ListParams(filter={"role": "admin", "status": "accepted"})
    )
    assert [row["id"] for row in admins.data] == [rows[3]["id"]]
    assert admins.total == 1


async def test_accept_by_token_adds_the_membership_once(
    database: Database, persist: Persist
) -> None:
    org, invitee, inviter = await _setup(persist)
    invite = await _invite(persist, org, inviter, invitee_user_id=invitee["id"], role="admin")
    accepted = await invitations_repository.accept_by_token(invite["token"], str(invitee["id"]))
    assert accepted is not None
    assert accepted["id"] == invite["id"]
    assert accepted["status"] == "accepted"
    members = await _memberships(database, org)
    assert [(m["user_id"], m["role"]) for m in members] == [(invitee["id"], "admin")]
    assert await invitations_repository.accept_by_token(invite["token"], invitee["id"]) is None
    assert len(await _memberships(database, org)) == 1


async def test_accept_keeps_an_existing_membership(database: Database, persist: Persist) -> None:
    org, invitee, inviter = await _setup(persist)
    await persist(
        org_members,
        create_org_members_factory(organization_id=org, user_id=invitee["id"], role="owner"),
    )
    invite = await _invite(persist, org, inviter, invitee_user_id=invitee["id"], role="member")
    accepted = await invitations_repository.accept_by_token(invite["token"], invitee["id"])
    assert accepted is not None
    assert [m["role"] for m in await _memberships(database, org)] == ["owner"]


async def test_accept_refuses_other_users_expired_revoked_and_unknown_tokens(
    database: Database, persist: Persist
) -> None:
    org, invitee, inviter = await _setup(persist)
    mine = {"invitee_user_id": invitee["id"]}
    valid = await _invite(persist, org, inviter, **mine)
    expired = await _invite(
        persist, org, inviter, **mine, expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    revoked = await _invite(persist, org, inviter, **mine, status="revoked")
    assert await invitations_repository.accept_by_token(valid["token"], inviter) is None
    assert await invitations_repository.accept_by_token(expired["token"], invitee["id"]) is None
    assert await invitations_repository.accept_by_token(revoked["token"], invitee["id"]) is None
    assert await invitations_repository.accept_by_token("no-such-token", invitee["id"]) is None
    assert await _memberships(database, org) == []
    untouched = await invitations_repository.get_by_id(valid["id"])
    assert untouched is not None
    assert untouched["status"] == "pending"


async def test_concurrent_acceptances_have_one_winner_and_one_membership(
    database: Database, persist: Persist
) -> None:
    org, invitee, inviter = await _setup(persist)
    invite = await _invite(persist, org, inviter, invitee_user_id=invitee["id"])
    outcomes = await asyncio.gather(
        *(invitations_repository.accept_by_token(invite["token"], invitee["id"]) for _ in range(8))
    )
    winners = [outcome for outcome in outcomes if outcome is not None]
    assert len(winners) == 1
    assert winners[0]["status"] == "accepted"
    assert len(await _memberships(database, org)) == 1


async def test_acceptance_rolls_back_with_an_enclosing_transaction(
    database: Database, persist: Persist
) -> None:
    org, invitee, inviter = await _setup(persist)
    invite = await _invite(persist, org, inviter, invitee_user_id=invitee["id"])

    async def accept_then_abort() -> None:
        async with database.transaction():
            assert await invitations_repository.accept_by_token(invite["token"], invitee["id"])
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError, match="abort"):
        await accept_then_abort()
    stored = await invitations_repository.get_by_id(invite["id"])
    assert stored is not None
    assert stored["status"] == "pending"
    assert await _memberships(database, org) == []


async def test_expire_overdue_marks_only_overdue_pending_invitations(
    database: Database, persist: Persist
) -> None:
    org, invitee, inviter = await _setup(persist)
    past = datetime.now(UTC) - timedelta(hours=1)
    overdue = await _invite(persist, org, inviter, invitee_user_id=invitee["id"], expires_at=past)
    current = await _invite(persist, org, inviter)
    accepted = await _invite(persist, org, inviter, status="accepted", expires_at=past)
    assert await invitations_repository.expire_overdue() == 1
    assert await invitations_repository.expire_overdue() == 0
    statuses = {
        row["id"]: row["status"]
        for row in await invitations_repository.get_many_by_ids(
            [overdue["id"], current["id"], accepted["id"]]
        )
    }
    assert statuses == {
        overdue["id"]: "expired",
        current["id"]: "pending",
        accepted["id"]: "accepted",
    }
    assert await invitations_repository.accept_by_token(overdue["token"], invitee["id"]) is None
    later = datetime.now(UTC) + timedelta(days=8)
    assert await invitations_repository.expire_overdue(now=later) == 1
    refreshed = await invitations_repository.get_by_id(current["id"])
    assert refreshed is not None
    assert refreshed["status"] == "expired"


async def test_expired_email_can_be_invited_again(database: Database, persist: Persist) -> None:
    org, _, inviter = await _setup(persist)
    past = datetime.now(UTC) - timedelta(hours=1)
    await _invite(persist, org, inviter, email="back@example.com", expires_at=past)
    with pytest.raises(DbError):
        await invitations_repository.create(org, None, "back@example.com", "member", inviter)
    await invitations_repository.expire_overdue()
    again = await invitations_repository.create(org, None, "back@example.com", "member", inviter)
    assert again["status"] == "pending"


async def test_prune_terminal_deletes_old_terminal_invitations_only(
    database: Database, persist: Persist
) -> None:
    org, _, inviter = await _setup(persist)
    threshold = datetime(2025, 1, 1, tzinfo=UTC)
    old = threshold - timedelta(days=1)
    doomed = [
        await _invite(persist, org, inviter, status=status, created_at=old)
        for status in ("accepted", "revoked", "expired")
    ]
    kept = [
        await _invite(persist, org, inviter, status="pending", created_at=old),
        await _invite(persist, org, inviter, status="accepted", created_at=threshold),
        await _invite(persist, org, inviter, status="revoked"),
    ]
    assert await invitations_repository.prune_terminal(threshold) == 3
    assert await invitations_repository.prune_terminal(threshold) == 0
    remaining = await invitations_repository.get_many_by_ids([row["id"] for row in doomed + kept])
    assert {row["id"] for row in remaining} == {row["id"] for row in kept}
    async with database.connect() as conn:
        total = (await conn.execute(select(func.count()).select_from(invitations))).scalar_one()
    assert total == 3
