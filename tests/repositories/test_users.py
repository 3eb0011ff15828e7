"""users_repository against a real PostgreSQL: sign-up, look-ups, password change, deletion."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from db.client import Database
from db.errors import DbError
from db.factories import (
    create_auth_login_audit_events_factory,
    create_auth_login_sessions_factory,
    create_users_factory,
)
from db.repositories.users import users_repository
from db.schema import auth_login_audit_events, auth_login_sessions, users
from db.testing import Persist


async def test_create_normalises_email_and_returns_decoded_row(database: Database) -> None:
    user = await users_repository.create(
        email="  Alice@Example.COM ", password_hash="hash-1", name="Alice"
    )
    assert user["email"] == "alice@example.com"
    assert isinstance(user["id"], uuid.UUID)
    assert user["password_changed_at"].tzinfo is not None
    assert await users_repository.find_by_id(user["id"]) == user


async def test_duplicate_email_in_any_case_or_spacing_is_rejected(database: Database) -> None:
    await users_repository.create(email="bob@example.com", password_hash="h", name="Bob")
    for variant in ("bob@example.com", "BOB@example.com", "  Bob@Example.com  "):
        with pytest.raises(DbError) as caught:
            await users_repository.create(email=variant, password_hash="h", name="Bob 2")
        assert caught.value.code == "DB_USER_EMAIL_UNIQUE_VIOLATION", variant
        assert caught.value.constraint in ("users_email_key", "users_email_ci_unique")
    assert await users_repository.create(email="bob2@example.com", password_hash="h", name="B")


async def test_concurrent_sign_up_with_one_email_has_exactly_one_winner(
    database: Database,
) -> None:
    variants = ["carol@example.com", "CAROL@example.com", " carol@example.com", "Carol@Example.com"]
    outcomes = await asyncio.gather(
        *(
            users_repository.create(email=variants[i % 4], password_hash="h", name=f"c{i}")
            for i in range(8)
        ),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1
    assert len(losers) == 7
    assert all(
        isinstance(e, DbError) and e.code == "DB_USER_EMAIL_UNIQUE_VIOLATION" for e in losers
    )
    found = await users_repository.find_by_email("carol@example.com")
    assert found is not None
    assert found["id"] == winners[0]["id"]


async def test_missing_not_null_column_is_reported(database: Database) -> None:
    with pytest.raises(DbError) as caught:
        await users_repository.create(
            email="dave@example.com",
            password_hash=None,  # type: ignore[arg-type]
            name="Dave",
        )
    assert caught.value.code == "DB_NOT_NULL_VIOLATION"


async def test_find_by_email_ignores_case_and_outer_spaces(
    database: Database, persist: Persist
) -> None:
    stored = await persist(users, create_users_factory(email="erin@example.com"))
    found = await users_repository.find_by_email("  ERIN@Example.com ")
    assert found is not None
    assert found["id"] == stored["id"]
    assert await users_repository.find_by_email("nobody@example.com") is None


async def test_find_by_id_unknown_and_malformed(database: Database) -> None:
    assert await users_repository.find_by_id(uuid.uuid4()) is None
    assert await users_repository.find_by_id(str(uuid.uuid4())) is None
    with pytest.raises(DbError) as caught:
        await users_repository.find_by_id("not-a-uuid")
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_update_password_hash_stamps_password_changed_at(
    database: Database, persist: Persist
) -> None:
    stored = await persist(users, create_users_factory())
    updated = await users_repository.update_password_hash(str(stored["id"]), "new-hash")
    assert updated is not None
    assert updated["password_hash"] == "new-hash"
    assert updated["password_changed_at"] > stored["password_changed_at"]
    assert await users_repository.update_password_hash(uuid.uuid4(), "x") is None
    with pytest.raises(DbError) as caught:
        await users_repository.update_password_hash("nope", "x")
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_delete_by_id_cascades_sessions_and_keeps_audit_events(
    database: Database, persist: Persist
) -> None:
    user = await persist(users, create_users_factory())
    await persist(auth_login_sessions, create_auth_login_sessions_factory(user_id=user["id"]))
    audit = await persist(
        auth_login_audit_events, create_auth_login_audit_events_factory(user_id=user["id"])
    )
    deleted = await users_repository.delete_by_id(user["id"])
    assert deleted is not None
    assert deleted["id"] == user["id"]
    assert await users_repository.find_by_id(user["id"]) is None
    async with database.connect() as conn:
        sessions = (await conn.execute(auth_login_sessions.select())).all()
        audit_user = (
            await conn.execute(
                auth_login_audit_events.select().where(auth_login_audit_events.c.id == audit["id"])
            )
        ).one()
    assert sessions == []
    assert audit_user.user_id is None
    assert await users_repository.delete_by_id(user["id"]) is None
    with pytest.raises(DbError) as caught:
        await users_repository.delete_by_id("123")
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_calls_inside_one_transaction_roll_back_together(database: Database) -> None:
    async def sign_up_twice() -> None:
        async with database.transaction():
            await users_repository.create(email="frank@example.com", password_hash="h", name="F")
            await users_repository.create(email="FRANK@example.com", password_hash="h", name="F")

    with pytest.raises(DbError) as caught:
        await sign_up_twice()
    assert caught.value.code == "DB_USER_EMAIL_UNIQUE_VIOLATION"
    assert await users_repository.find_by_email("frank@example.com") is None
