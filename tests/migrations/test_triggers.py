"""Trigger functions and `append_domain_event` of the baseline, on a migrated database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from db.migrate import libpq_url

Conn = psycopg.Connection[tuple[object, ...]]


@pytest.fixture
def conn(clean_database_url: str) -> Iterator[Conn]:
    """An autocommit connection to the clean session database (each statement commits)."""
    with psycopg.connect(libpq_url(clean_database_url), autocommit=True) as connection:
        yield connection


def _one(conn: Conn, query: str, params: tuple[object, ...] = ()) -> object:
    row = conn.execute(query.encode(), params).fetchone()
    assert row is not None
    return row[0]


def _user(conn: Conn, email: str) -> uuid.UUID:
    user_id = _one(
        conn,
        "INSERT INTO users (email, password_hash, name) VALUES (%s, 'x', 'n') RETURNING id",
        (email,),
    )
    assert isinstance(user_id, uuid.UUID)
    return user_id


def _org(conn: Conn) -> uuid.UUID:
    org_id = _one(conn, "INSERT INTO organizations (name) VALUES ('Acme') RETURNING id")
    assert isinstance(org_id, uuid.UUID)
    return org_id


def _invite(
    conn: Conn, org: uuid.UUID, inviter: uuid.UUID, email: str, **extra: object
) -> uuid.UUID:
    columns = ["organization_id", "invited_by_user_id", "email", "token", "expires_at", *extra]
    values = [org, inviter, email, uuid.uuid4().hex, "2999-01-01T00:00:00Z", *extra.values()]
    placeholders = ", ".join(["%s"] * len(values))
    invitation_id = _one(
        conn,
        f"INSERT INTO invitations ({', '.join(columns)}) VALUES ({placeholders}) RETURNING id",
        tuple(values),
    )
    assert isinstance(invitation_id, uuid.UUID)
    return invitation_id


def _invitee(conn: Conn, invitation: uuid.UUID) -> object:
    return _one(conn, "SELECT invitee_user_id FROM invitations WHERE id = %s", (invitation,))


@pytest.mark.parametrize("table", ["organizations", "org_members", "teams", "team_members"])
def test_updated_at_moves_on_update(conn: Conn, table: str) -> None:
    org = _org(conn)
    user = _user(conn, f"{table}@example.com")
    team = _one(
        conn, "INSERT INTO teams (organization_id, name) VALUES (%s, 't') RETURNING id", (org,)
    )
    rows = {
        "organizations": org,
        "org_members": _one(
            conn,
            "INSERT INTO org_members (organization_id, user_id) VALUES (%s, %s) RETURNING id",
            (org, user),
        ),
        "teams": team,
        "team_members": _one(
            conn,
            "INSERT INTO team_members (team_id, user_id) VALUES (%s, %s) RETURNING id",
            (team, user),
        ),
    }
    row_id = rows[table]
    with conn.transaction():  # age the row with triggers off (superuser-only switch)
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(
            f"UPDATE {table} SET updated_at = '2000-01-01T00:00:00Z' WHERE id = %s".encode(),
            (row_id,),
        )
    before = _one(conn, f"SELECT updated_at FROM {table} WHERE id = %s", (row_id,))

    with conn.transaction():
        conn.execute(
            f"UPDATE {table} SET created_at = created_at WHERE id = %s".encode(), (row_id,)
        )
        transaction_start = _one(conn, "SELECT now()")

    after = _one(conn, f"SELECT updated_at FROM {table} WHERE id = %s", (row_id,))
    assert str(before).startswith("2000-01-01")
    assert after == transaction_start


def test_user_email_is_normalised_on_insert_and_update(conn: Conn) -> None:
    user = _user(conn, "  Alice@Example.COM ")
    assert _one(conn, "SELECT email FROM users WHERE id = %s", (user,)) == "alice@example.com"

    conn.execute("UPDATE users SET email = ' BOB@example.com' WHERE id = %s", (user,))

    assert _one(conn, "SELECT email FROM users WHERE id = %s", (user,)) == "bob@example.com"


def test_case_duplicate_user_email_is_a_unique_violation(conn: Conn) -> None:
    _user(conn, "carol@example.com")

    with pytest.raises(psycopg.errors.UniqueViolation):
        _user(conn, " CAROL@example.com")


def test_invitation_email_normalised_and_invitee_bound_on_insert(conn: Conn) -> None:
    org = _org(conn)
    inviter = _user(conn, "owner@example.com")
    invitee = _user(conn, "dave@example.com")

    invitation = _invite(conn, org, inviter, "  DAVE@Example.com ")

    assert _one(conn, "SELECT email FROM invitations WHERE id = %s", (invitation,)) == (
        "dave@example.com"
    )
    assert _invitee(conn, invitation) == invitee


def test_invitation_without_matching_user_has_no_invitee(conn: Conn) -> None:
    invitation = _invite(conn, _org(conn), _user(conn, "o@example.com"), "nobody@example.com")

    assert _invitee(conn, invitation) is None


def test_explicit_invitee_is_kept_on_insert(conn: Conn) -> None:
    org = _org(conn)
    inviter = _user(conn, "owner@example.com")
    _user(conn, "erin@example.com")
    explicit = _user(conn, "someone-else@example.com")

    invitation = _invite(conn, org, inviter, "erin@example.com", invitee_user_id=explicit)

    assert _invitee(conn, invitation) == explicit


def test_invitee_rebinding_on_update_follows_only_real_email_changes(conn: Conn) -> None:
    org = _org(conn)
    inviter = _user(conn, "owner@example.com")
    frank = _user(conn, "frank@example.com")
    grace = _user(conn, "grace@example.com")
    explicit = _user(conn, "explicit@example.com")
    invitation = _invite(conn, org, inviter, "frank@example.com", invitee_user_id=explicit)

    conn.execute("UPDATE invitations SET email = ' FRANK@example.COM' WHERE id = %s", (invitation,))
    assert _invitee(conn, invitation) == explicit

    conn.execute("UPDATE invitations SET status = 'revoked' WHERE id = %s", (invitation,))
    assert _invitee(conn, invitation) == explicit

    conn.execute("UPDATE invitations SET email = 'Grace@example.com' WHERE id = %s", (invitation,))
    assert _invitee(conn, invitation) == grace
    assert _one(conn, "SELECT email FROM invitations WHERE id = %s", (invitation,)) == (
        "grace@example.com"
    )

    conn.execute(
        "UPDATE invitations SET email = 'frank@example.com', invitee_user_id = %s WHERE id = %s",
        (explicit, invitation),
    )
    assert _invitee(conn, invitation) == explicit
    assert frank != explicit


def test_append_domain_event_numbers_each_aggregate_from_one(conn: Conn) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    query = "SELECT sequence_number FROM append_domain_event('e.created', 'agg', %s, '{}', NULL)"

    numbers = [_one(conn, query, (aggregate,)) for aggregate in (first, first, second, first)]

    assert numbers == [1, 2, 1, 3]


async def test_concurrent_appends_to_one_aggregate_all_succeed_with_1_to_n(
    clean_database_url: str,
) -> None:
    aggregate = uuid.uuid4()
    writers = 6

    async def append() -> int:
        aconn = await psycopg.AsyncConnection.connect(libpq_url(clean_database_url))
        async with aconn, aconn.transaction():
            cursor = await aconn.execute(
                "SELECT sequence_number FROM append_domain_event("
                "'e.created', 'agg', %s, '{}', NULL)",
                (aggregate,),
            )
            row = await cursor.fetchone()
            await asyncio.sleep(0.05)  # hold the transaction so the others queue up
            assert row is not None
            return int(row[0])

    numbers = await asyncio.gather(*(append() for _ in range(writers)))

    assert sorted(numbers) == list(range(1, writers + 1))
