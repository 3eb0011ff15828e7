"""password_reset_tokens_repository against a real PostgreSQL: issue, single use, revoke, prune."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.client import Database
from db.errors import DbError
from db.factories import create_password_reset_tokens_factory, create_users_factory
from db.repositories.password_reset_tokens import password_reset_tokens_repository
from db.schema import password_reset_tokens, users
from db.testing import Persist, race_in_transactions

T0 = datetime(2026, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)


@pytest.fixture
async def user(database: Database, persist: Persist) -> dict[str, Any]:
    return await persist(users, create_users_factory())


async def _hashes(database: Database) -> set[str]:
    async with database.connect() as conn:
        rows = (await conn.execute(password_reset_tokens.select())).all()
    return {row.token_hash for row in rows}


async def test_create_uses_the_30_minute_default_expiry(user: dict[str, Any]) -> None:
    token = await password_reset_tokens_repository.create(user_id=user["id"], token_hash="h-1")
    assert token["user_id"] == user["id"]
    assert token["used_at"] is None
    assert token["expires_at"] - token["created_at"] == timedelta(minutes=30)


async def test_create_errors(user: dict[str, Any]) -> None:
    await password_reset_tokens_repository.create(user_id=user["id"], token_hash="dup")
    with pytest.raises(DbError) as duplicate:
        await password_reset_tokens_repository.create(user_id=user["id"], token_hash="dup")
    assert duplicate.value.code == "DB_UNIQUE_VIOLATION"
    assert duplicate.value.constraint == "password_reset_tokens_token_hash_key"
    with pytest.raises(DbError) as orphan:
        await password_reset_tokens_repository.create(user_id=uuid.uuid4(), token_hash="x")
    assert orphan.value.code == "DB_FOREIGN_KEY_VIOLATION"
    with pytest.raises(DbError) as malformed:
        await password_reset_tokens_repository.create(user_id="user-1", token_hash="y")
    assert malformed.value.code == "DB_INVALID_INPUT"
    with pytest.raises(DbError) as missing:
        await password_reset_tokens_repository.create(
            user_id=user["id"],
            token_hash=None,  # type: ignore[arg-type]
        )
    assert missing.value.code == "DB_NOT_NULL_VIOLATION"


async def test_consume_is_single_use_and_skips_expired_and_unknown(
    user: dict[str, Any], persist: Persist
) -> None:
    await password_reset_tokens_repository.create(user_id=user["id"], token_hash="live")
    await persist(
        password_reset_tokens,
        create_password_reset_tokens_factory(
            user_id=user["id"], token_hash="stale", expires_at=datetime.now(UTC) - US
        ),
    )
    consumed = await password_reset_tokens_repository.consume_by_token_hash("live")
    assert consumed is not None
    assert consumed["user_id"] == user["id"]
    assert consumed["used_at"] is not None
    assert await password_reset_tokens_repository.consume_by_token_hash("live") is None
    assert await password_reset_tokens_repository.consume_by_token_hash("stale") is None
    assert await password_reset_tokens_repository.consume_by_token_hash("unknown") is None


async def test_concurrent_consumers_on_separate_connections_have_one_winner(
    database: Database, user: dict[str, Any]
) -> None:
    await password_reset_tokens_repository.create(user_id=user["id"], token_hash="race")
    results = await race_in_transactions(
        database, 8, lambda: password_reset_tokens_repository.consume_by_token_hash("race")
    )
    assert sum(result is not None for result in results) == 1


async def test_revoke_active_for_user_counts_only_active_tokens(
    user: dict[str, Any], persist: Persist
) -> None:
    other = await persist(users, create_users_factory())
    for hash_ in ("a", "b"):
        await password_reset_tokens_repository.create(user_id=user["id"], token_hash=hash_)
    await password_reset_tokens_repository.create(user_id=other["id"], token_hash="other")
    await persist(
        password_reset_tokens,
        create_password_reset_tokens_factory(
            user_id=user["id"], expires_at=datetime.now(UTC) - timedelta(minutes=1)
        ),
    )
    await password_reset_tokens_repository.consume_by_token_hash("a")
    assert await password_reset_tokens_repository.revoke_active_for_user(str(user["id"])) == 1
    assert await password_reset_tokens_repository.consume_by_token_hash("b") is None
    assert await password_reset_tokens_repository.consume_by_token_hash("other") is not None
    assert await password_reset_tokens_repository.revoke_active_for_user(uuid.uuid4()) == 0
    with pytest.raises(DbError) as caught:
        await password_reset_tokens_repository.revoke_active_for_user("bad")
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_prune_expired_boundaries_and_batches(
    database: Database, user: dict[str, Any], persist: Persist
) -> None:
    rows = {
        # expired strictly before the threshold: pruned
        "expired-before": {"expires_at": T0 - US, "created_at": T0 - timedelta(hours=1)},
        # expiring exactly at the threshold: kept (strict <)
        "expired-at": {"expires_at": T0, "created_at": T0 - timedelta(hours=1)},
        # used, created before the threshold: pruned even though not yet expired
        "used-before": {"used_at": T0, "created_at": T0 - US, "expires_at": T0 + US},
        # used, created exactly at the threshold: kept
        "used-at": {"used_at": T0, "created_at": T0, "expires_at": T0 + US},
        # unused, old but still valid: kept
        "unused-valid": {"created_at": T0 - timedelta(days=9), "expires_at": T0 + US},
    }
    for hash_, columns in rows.items():
        await persist(
            password_reset_tokens,
            create_password_reset_tokens_factory(user_id=user["id"], token_hash=hash_, **columns),
        )
    for i in range(5):
        await persist(
            password_reset_tokens,
            create_password_reset_tokens_factory(
                user_id=user["id"], token_hash=f"bulk-{i}", expires_at=T0 - timedelta(days=i + 1)
            ),
        )
    deleted = await password_reset_tokens_repository.prune_expired(T0, batch_size=2)
    assert deleted == 7
    assert await _hashes(database) == {"expired-at", "used-at", "unused-valid"}
    assert await password_reset_tokens_repository.prune_expired(T0) == 0
