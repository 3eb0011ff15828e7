"""auth_login_oidc_states_repository against a real PostgreSQL: create, consume once, prune."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.client import Database
from db.errors import DbError
from db.factories import create_auth_login_oidc_states_factory
from db.repositories.auth_login_oidc_states import auth_login_oidc_states_repository
from db.schema import auth_login_oidc_states
from db.testing import Persist

T0 = datetime(2026, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)

PKCE: dict[str, Any] = {
    "nonce": "n-1",
    "code_verifier": "v-1",
    "redirect_uri": "https://app.example.com/callback",
}


async def test_create_defaults_and_explicit_expiry(database: Database) -> None:
    state = await auth_login_oidc_states_repository.create(provider="google", state="s1", **PKCE)
    assert state["provider"] == "google"
    assert state["consumed_at"] is None
    assert state["requester_ip"] is None
    assert state["expires_at"] - state["created_at"] == timedelta(minutes=10)
    expires = datetime.now(UTC) + timedelta(minutes=3)
    explicit = await auth_login_oidc_states_repository.create(
        provider="google", state="s2", requester_ip="198.51.100.7", expires_at=expires, **PKCE
    )
    assert explicit["expires_at"] == expires
    assert explicit["requester_ip"] == "198.51.100.7"


async def test_create_errors(database: Database) -> None:
    await auth_login_oidc_states_repository.create(provider="google", state="dup", **PKCE)
    with pytest.raises(DbError) as duplicate:
        await auth_login_oidc_states_repository.create(provider="google", state="dup", **PKCE)
    assert duplicate.value.code == "DB_UNIQUE_VIOLATION"
    assert duplicate.value.constraint == "auth_login_oidc_states_state_key"
    with pytest.raises(DbError) as bad_provider:
        await auth_login_oidc_states_repository.create(
            provider="okta",  # type: ignore[arg-type]
            state="x",
            **PKCE,
        )
    assert bad_provider.value.code == "DB_INVALID_INPUT"
    with pytest.raises(DbError) as missing:
        await auth_login_oidc_states_repository.create(
            provider="google",
            state="y",
            nonce=None,  # type: ignore[arg-type]
            code_verifier="v",
            redirect_uri="r",
        )
    assert missing.value.code == "DB_NOT_NULL_VIOLATION"


async def test_consume_checks_provider_expiry_and_single_use(
    database: Database, persist: Persist
) -> None:
    await auth_login_oidc_states_repository.create(provider="google", state="live", **PKCE)
    await persist(
        auth_login_oidc_states,
        create_auth_login_oidc_states_factory(state="stale", expires_at=datetime.now(UTC) - US),
    )
    consume = auth_login_oidc_states_repository.consume_active_by_provider_and_state
    assert await consume("password", "live") is None
    won = await consume("google", "live")
    assert won is not None
    assert won["consumed_at"] is not None
    assert won["code_verifier"] == PKCE["code_verifier"]
    assert await consume("google", "live") is None
    assert await consume("google", "stale") is None
    assert await consume("google", "unknown") is None


async def test_concurrent_consumers_have_one_winner(database: Database) -> None:
    await auth_login_oidc_states_repository.create(provider="google", state="race", **PKCE)
    results = await asyncio.gather(
        *(
            auth_login_oidc_states_repository.consume_active_by_provider_and_state("google", "race")
            for _ in range(8)
        )
    )
    assert sum(result is not None for result in results) == 1


async def test_prune_expired_boundaries_and_batches(database: Database, persist: Persist) -> None:
    later = T0 + timedelta(days=1)
    rows: dict[str, dict[str, Any]] = {
        "expired-before": {"expires_at": T0 - US},
        "expired-at": {"expires_at": T0},
        "consumed-before": {"expires_at": later, "consumed_at": T0 - US},
        "consumed-at": {"expires_at": later, "consumed_at": T0},
        "pending": {"expires_at": later},
    }
    for state, columns in rows.items():
        await persist(
            auth_login_oidc_states, create_auth_login_oidc_states_factory(state=state, **columns)
        )
    for i in range(3):
        await persist(
            auth_login_oidc_states,
            create_auth_login_oidc_states_factory(expires_at=T0 - timedelta(hours=i + 1)),
        )
    assert await auth_login_oidc_states_repository.prune_expired(T0, batch_size=2) == 5
    async with database.connect() as conn:
        stored = (await conn.execute(auth_login_oidc_states.select())).all()
    left = {row.state for row in stored}
    assert left == {"expired-at", "consumed-at", "pending"}
