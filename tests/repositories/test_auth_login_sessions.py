"""auth_login_sessions_repository against a real PostgreSQL: lifecycle, throttle, revoke, prune."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.client import Database
from db.errors import DbError
from db.factories import (
    create_auth_login_audit_events_factory,
    create_auth_login_refresh_tokens_factory,
    create_auth_login_sessions_factory,
    create_users_factory,
)
from db.repositories.auth_login_sessions import auth_login_sessions_repository
from db.schema import auth_login_audit_events, auth_login_refresh_tokens, auth_login_sessions, users
from db.testing import Persist

T0 = datetime(2026, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)


@pytest.fixture
async def user(database: Database, persist: Persist) -> dict[str, Any]:
    return await persist(users, create_users_factory())


async def _set_last_seen(database: Database, session_id: uuid.UUID, ago: timedelta) -> None:
    async with database.connect() as conn:
        await conn.execute(
            auth_login_sessions.update()
            .where(auth_login_sessions.c.id == session_id)
            .values(last_seen_at=datetime.now(UTC) - ago)
        )


async def test_create_defaults_and_explicit_values(user: dict[str, Any]) -> None:
    default = await auth_login_sessions_repository.create(user_id=user["id"])
    assert default["provider"] == "password"
    assert default["revoked_at"] is None
    assert default["expires_at"] - default["created_at"] == timedelta(days=30)
    expires = datetime.now(UTC) + timedelta(hours=2)
    explicit = await auth_login_sessions_repository.create(
        user_id=str(user["id"]),
        provider="google",
        created_ip="203.0.113.9",
        created_user_agent="pytest",
        expires_at=expires,
    )
    assert explicit["provider"] == "google"
    assert explicit["created_ip"] == "203.0.113.9"
    assert explicit["created_user_agent"] == "pytest"
    assert explicit["expires_at"] == expires


async def test_create_errors(user: dict[str, Any]) -> None:
    with pytest.raises(DbError) as orphan:
        await auth_login_sessions_repository.create(user_id=uuid.uuid4())
    assert orphan.value.code == "DB_FOREIGN_KEY_VIOLATION"
    with pytest.raises(DbError) as malformed:
        await auth_login_sessions_repository.create(user_id="x")
    assert malformed.value.code == "DB_INVALID_INPUT"
    with pytest.raises(DbError) as bad_enum:
        await auth_login_sessions_repository.create(
            user_id=user["id"],
            provider="github",  # type: ignore[arg-type]
        )
    assert bad_enum.value.code == "DB_INVALID_INPUT"


async def test_find_active_by_id_hides_revoked_and_expired(
    user: dict[str, Any], persist: Persist
) -> None:
    live = await auth_login_sessions_repository.create(user_id=user["id"])
    expired = await persist(
        auth_login_sessions,
        create_auth_login_sessions_factory(user_id=user["id"], expires_at=datetime.now(UTC) - US),
    )
    found = await auth_login_sessions_repository.find_active_by_id(live["id"])
    assert found == live
    assert await auth_login_sessions_repository.find_active_by_id(expired["id"]) is None
    assert await auth_login_sessions_repository.revoke_by_id(live["id"]) == 1
    assert await auth_login_sessions_repository.find_active_by_id(live["id"]) is None
    assert await auth_login_sessions_repository.find_active_by_id(uuid.uuid4()) is None
    with pytest.raises(DbError) as caught:
        await auth_login_sessions_repository.find_active_by_id("nope")
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_touch_is_throttled_to_once_a_minute(
    database: Database, user: dict[str, Any]
) -> None:
    session = await auth_login_sessions_repository.create(user_id=user["id"])
    assert await auth_login_sessions_repository.touch_by_id(session["id"]) is False
    await _set_last_seen(database, session["id"], timedelta(seconds=59))
    assert await auth_login_sessions_repository.touch_by_id(session["id"]) is False
    await _set_last_seen(database, session["id"], timedelta(seconds=61))
    assert await auth_login_sessions_repository.touch_by_id(str(session["id"])) is True
    assert await auth_login_sessions_repository.touch_by_id(session["id"]) is False
    assert await auth_login_sessions_repository.touch_by_id(uuid.uuid4()) is False


async def test_concurrent_touches_write_once(database: Database, user: dict[str, Any]) -> None:
    session = await auth_login_sessions_repository.create(user_id=user["id"])
    await _set_last_seen(database, session["id"], timedelta(minutes=5))
    touched = await asyncio.gather(
        *(auth_login_sessions_repository.touch_by_id(session["id"]) for _ in range(6))
    )
    assert touched.count(True) == 1


async def test_revoke_by_id_and_all_for_user(user: dict[str, Any], persist: Persist) -> None:
    other = await persist(users, create_users_factory())
    first = await auth_login_sessions_repository.create(user_id=user["id"])
    await auth_login_sessions_repository.create(user_id=user["id"])
    await auth_login_sessions_repository.create(user_id=user["id"])
    others = await auth_login_sessions_repository.create(user_id=other["id"])
    assert await auth_login_sessions_repository.revoke_by_id(first["id"]) == 1
    assert await auth_login_sessions_repository.revoke_by_id(first["id"]) == 0
    assert await auth_login_sessions_repository.revoke_by_id(uuid.uuid4()) == 0
    assert await auth_login_sessions_repository.revoke_all_for_user(str(user["id"])) == 2
    assert await auth_login_sessions_repository.revoke_all_for_user(user["id"]) == 0
    assert await auth_login_sessions_repository.find_active_by_id(others["id"]) is not None
    with pytest.raises(DbError) as caught:
        await auth_login_sessions_repository.revoke_all_for_user("nope")
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_prune_expired_boundaries_cascade_and_batches(
    database: Database, user: dict[str, Any], persist: Persist
) -> None:
    rows = {
        "expired-before": {"expires_at": T0 - US},
        "expired-at": {"expires_at": T0},
        "revoked-before": {"revoked_at": T0 - US, "expires_at": T0 + timedelta(days=9)},
        "revoked-at": {"revoked_at": T0, "expires_at": T0 - timedelta(days=9)},
        "live": {"expires_at": T0 + timedelta(days=9)},
    }
    ids = {}
    for label, columns in rows.items():
        stored = await persist(
            auth_login_sessions,
            create_auth_login_sessions_factory(user_id=user["id"], created_ip=label, **columns),
        )
        ids[label] = stored["id"]
    await persist(
        auth_login_refresh_tokens,
        create_auth_login_refresh_tokens_factory(session_id=ids["expired-before"]),
    )
    for _ in range(4):
        await persist(
            auth_login_sessions,
            create_auth_login_sessions_factory(
                user_id=user["id"], expires_at=T0 - timedelta(days=1)
            ),
        )
    assert await auth_login_sessions_repository.prune_expired(T0, batch_size=2) == 6
    async with database.connect() as conn:
        left = {row.created_ip for row in (await conn.execute(auth_login_sessions.select())).all()}
        tokens = (await conn.execute(auth_login_refresh_tokens.select())).all()
    assert left == {"expired-at", "revoked-at", "live"}
    assert tokens == []


async def test_prune_audit_events_is_strict_and_batched(
    database: Database, user: dict[str, Any], persist: Persist
) -> None:
    for offset in (-US, timedelta(0), US, -timedelta(days=1), -timedelta(days=2)):
        await persist(
            auth_login_audit_events,
            create_auth_login_audit_events_factory(user_id=user["id"], created_at=T0 + offset),
        )
    assert await auth_login_sessions_repository.prune_audit_events(T0, batch_size=1) == 3
    async with database.connect() as conn:
        rows = (await conn.execute(auth_login_audit_events.select())).all()
    left = sorted(row.created_at for row in rows)
    assert left == [T0, T0 + US]


async def test_naive_datetimes_are_invalid_input_before_any_query(database: Database) -> None:
    naive = datetime(2020, 1, 1)
    with pytest.raises(DbError) as prune_error:
        await auth_login_sessions_repository.prune_audit_events(naive)
    assert prune_error.value.code == "DB_INVALID_INPUT"
    assert "older_than" in prune_error.value.message
    with pytest.raises(DbError) as create_error:
        await auth_login_sessions_repository.create(user_id=uuid.uuid4(), expires_at=naive)
    assert create_error.value.code == "DB_INVALID_INPUT"
