"""auth_login_refresh_tokens_repository on a real PostgreSQL: rotation, replay, revoke, prune."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.client import Database
from db.errors import DbError
from db.factories import (
    create_auth_login_refresh_tokens_factory,
    create_auth_login_sessions_factory,
    create_users_factory,
)
from db.repositories.auth_login_refresh_tokens import auth_login_refresh_tokens_repository
from db.schema import auth_login_refresh_tokens, auth_login_sessions, users
from db.testing import Persist, race_in_transactions

T0 = datetime(2026, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)


@pytest.fixture
async def session(database: Database, persist: Persist) -> dict[str, Any]:
    user = await persist(users, create_users_factory())
    return await persist(
        auth_login_sessions, create_auth_login_sessions_factory(user_id=user["id"])
    )


async def test_create_and_find_by_token_hash(session: dict[str, Any]) -> None:
    created = await auth_login_refresh_tokens_repository.create(
        session_id=session["id"], token_hash="rt-1"
    )
    assert created["session_id"] == session["id"]
    assert created["used_at"] is None
    assert created["revoked_at"] is None
    assert created["expires_at"] - created["created_at"] == timedelta(days=30)
    assert await auth_login_refresh_tokens_repository.find_by_token_hash("rt-1") == created
    assert await auth_login_refresh_tokens_repository.find_by_token_hash("missing") is None
    expires = datetime.now(UTC) + timedelta(hours=1)
    explicit = await auth_login_refresh_tokens_repository.create(
        session_id=str(session["id"]), token_hash="rt-2", expires_at=expires
    )
    assert explicit["expires_at"] == expires


async def test_create_errors(session: dict[str, Any]) -> None:
    await auth_login_refresh_tokens_repository.create(session_id=session["id"], token_hash="d")
    with pytest.raises(DbError) as duplicate:
        await auth_login_refresh_tokens_repository.create(session_id=session["id"], token_hash="d")
    assert duplicate.value.code == "DB_UNIQUE_VIOLATION"
    assert duplicate.value.constraint == "auth_login_refresh_tokens_token_hash_key"
    with pytest.raises(DbError) as orphan:
        await auth_login_refresh_tokens_repository.create(session_id=uuid.uuid4(), token_hash="o")
    assert orphan.value.code == "DB_FOREIGN_KEY_VIOLATION"
    with pytest.raises(DbError) as malformed:
        await auth_login_refresh_tokens_repository.create(session_id="s", token_hash="m")
    assert malformed.value.code == "DB_INVALID_INPUT"


async def test_consume_is_single_use_and_replay_stays_findable(
    session: dict[str, Any], persist: Persist
) -> None:
    await auth_login_refresh_tokens_repository.create(session_id=session["id"], token_hash="r")
    first = await auth_login_refresh_tokens_repository.consume_active_by_token_hash("r")
    assert first is not None
    assert first["used_at"] is not None
    assert await auth_login_refresh_tokens_repository.consume_active_by_token_hash("r") is None
    replay = await auth_login_refresh_tokens_repository.find_by_token_hash("r")
    assert replay is not None
    assert replay["used_at"] == first["used_at"]
    for hash_, columns in {
        "expired": {"expires_at": datetime.now(UTC) - US},
        "revoked": {"revoked_at": datetime.now(UTC)},
    }.items():
        await persist(
            auth_login_refresh_tokens,
            create_auth_login_refresh_tokens_factory(
                session_id=session["id"], token_hash=hash_, **columns
            ),
        )
        assert (
            await auth_login_refresh_tokens_repository.consume_active_by_token_hash(hash_) is None
        )
    assert await auth_login_refresh_tokens_repository.consume_active_by_token_hash("nope") is None


async def test_eight_concurrent_consumers_have_exactly_one_winner(
    database: Database, session: dict[str, Any]
) -> None:
    await auth_login_refresh_tokens_repository.create(session_id=session["id"], token_hash="race")
    results = await race_in_transactions(
        database,
        8,
        lambda: auth_login_refresh_tokens_repository.consume_active_by_token_hash("race"),
    )
    assert sum(result is not None for result in results) == 1


async def test_revoke_active_for_session_and_for_user(
    database: Database, session: dict[str, Any], persist: Persist
) -> None:
    second = await persist(
        auth_login_sessions, create_auth_login_sessions_factory(user_id=session["user_id"])
    )
    stranger = await persist(users, create_users_factory())
    foreign = await persist(
        auth_login_sessions, create_auth_login_sessions_factory(user_id=stranger["id"])
    )
    for session_id, hash_ in (
        (session["id"], "s1-a"),
        (session["id"], "s1-b"),
        (second["id"], "s2-a"),
        (foreign["id"], "f-a"),
    ):
        await auth_login_refresh_tokens_repository.create(session_id=session_id, token_hash=hash_)
    await auth_login_refresh_tokens_repository.consume_active_by_token_hash("s1-b")
    assert await auth_login_refresh_tokens_repository.revoke_active_for_session(session["id"]) == 1
    assert await auth_login_refresh_tokens_repository.revoke_active_for_session(session["id"]) == 0
    assert (
        await auth_login_refresh_tokens_repository.revoke_all_active_for_user(
            str(session["user_id"])
        )
        == 1
    )
    assert await auth_login_refresh_tokens_repository.revoke_all_active_for_user(uuid.uuid4()) == 0
    foreign_token = await auth_login_refresh_tokens_repository.find_by_token_hash("f-a")
    assert foreign_token is not None
    assert foreign_token["revoked_at"] is None
    used = await auth_login_refresh_tokens_repository.find_by_token_hash("s1-b")
    assert used is not None
    assert used["revoked_at"] is None
    for bad in (
        auth_login_refresh_tokens_repository.revoke_active_for_session,
        auth_login_refresh_tokens_repository.revoke_all_active_for_user,
    ):
        with pytest.raises(DbError) as caught:
            await bad("not-a-uuid")
        assert caught.value.code == "DB_INVALID_INPUT"


async def test_prune_expired_boundaries_and_batches(
    database: Database, session: dict[str, Any], persist: Persist
) -> None:
    later = T0 + timedelta(days=9)
    rows: dict[str, dict[str, Any]] = {
        "expired-before": {"expires_at": T0 - US},
        "expired-at": {"expires_at": T0},
        "revoked-before": {"expires_at": later, "revoked_at": T0 - US},
        "revoked-at": {"expires_at": later, "revoked_at": T0},
        "used-before": {"expires_at": later, "used_at": T0 - US},
        "used-at": {"expires_at": later, "used_at": T0},
        "active": {"expires_at": later},
    }
    for hash_, columns in rows.items():
        await persist(
            auth_login_refresh_tokens,
            create_auth_login_refresh_tokens_factory(
                session_id=session["id"], token_hash=hash_, **columns
            ),
        )
    assert await auth_login_refresh_tokens_repository.prune_expired(T0, batch_size=2) == 3
    async with database.connect() as conn:
        stored = (await conn.execute(auth_login_refresh_tokens.select())).all()
    left = {row.token_hash for row in stored}
    assert left == {"expired-at", "revoked-at", "used-at", "active"}
