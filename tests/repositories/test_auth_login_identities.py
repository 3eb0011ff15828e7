"""auth_login_identities_repository against a real PostgreSQL: link, look up, unlink."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from db.client import Database
from db.errors import DbError
from db.factories import create_users_factory
from db.repositories.auth_login_identities import auth_login_identities_repository
from db.schema import users
from db.testing import Persist


@pytest.fixture
async def user(database: Database, persist: Persist) -> dict[str, Any]:
    return await persist(users, create_users_factory())


async def test_create_and_find(user: dict[str, Any]) -> None:
    identity = await auth_login_identities_repository.create(
        user_id=user["id"],
        provider="google",
        provider_subject="sub-1",
        email="Alice@Example.com",
        email_verified=True,
    )
    assert identity["email_verified"] is True
    assert identity["email"] == "Alice@Example.com"
    assert (
        await auth_login_identities_repository.find_by_provider_subject("google", "sub-1")
        == identity
    )
    assert (
        await auth_login_identities_repository.find_by_user_provider(str(user["id"]), "google")
        == identity
    )
    assert await auth_login_identities_repository.find_by_provider_subject("google", "x") is None
    assert (
        await auth_login_identities_repository.find_by_provider_subject("password", "sub-1") is None
    )
    assert (
        await auth_login_identities_repository.find_by_user_provider(user["id"], "password") is None
    )
    with pytest.raises(DbError) as caught:
        await auth_login_identities_repository.find_by_user_provider("bad", "google")
    assert caught.value.code == "DB_INVALID_INPUT"


async def test_duplicates_are_identity_unique_violations(
    user: dict[str, Any], persist: Persist
) -> None:
    other = await persist(users, create_users_factory())
    await auth_login_identities_repository.create(
        user_id=user["id"], provider="google", provider_subject="sub", email="a@example.com"
    )
    with pytest.raises(DbError) as same_subject:
        await auth_login_identities_repository.create(
            user_id=other["id"], provider="google", provider_subject="sub", email="b@example.com"
        )
    assert same_subject.value.code == "DB_AUTH_LOGIN_IDENTITY_UNIQUE_VIOLATION"
    assert same_subject.value.constraint == "auth_login_identities_provider_subject_unique"
    with pytest.raises(DbError) as second_link:
        await auth_login_identities_repository.create(
            user_id=user["id"], provider="google", provider_subject="sub-2", email="a@example.com"
        )
    assert second_link.value.code == "DB_AUTH_LOGIN_IDENTITY_UNIQUE_VIOLATION"
    assert second_link.value.constraint == "auth_login_identities_user_provider_unique"


async def test_concurrent_links_of_one_subject_have_one_winner(
    database: Database, persist: Persist
) -> None:
    people = [await persist(users, create_users_factory()) for _ in range(4)]
    outcomes = await asyncio.gather(
        *(
            auth_login_identities_repository.create(
                user_id=person["id"], provider="google", provider_subject="s", email="e@example.com"
            )
            for person in people
        ),
        return_exceptions=True,
    )
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 3
    assert all(
        isinstance(f, DbError) and f.code == "DB_AUTH_LOGIN_IDENTITY_UNIQUE_VIOLATION"
        for f in failures
    )


async def test_create_errors(user: dict[str, Any]) -> None:
    with pytest.raises(DbError) as orphan:
        await auth_login_identities_repository.create(
            user_id=uuid.uuid4(), provider="google", provider_subject="o", email="o@example.com"
        )
    assert orphan.value.code == "DB_FOREIGN_KEY_VIOLATION"
    with pytest.raises(DbError) as malformed:
        await auth_login_identities_repository.create(
            user_id="u", provider="google", provider_subject="m", email="m@example.com"
        )
    assert malformed.value.code == "DB_INVALID_INPUT"
    with pytest.raises(DbError) as missing:
        await auth_login_identities_repository.create(
            user_id=user["id"],
            provider="google",
            provider_subject="n",
            email=None,  # type: ignore[arg-type]
        )
    assert missing.value.code == "DB_NOT_NULL_VIOLATION"


async def test_delete_by_user_provider(user: dict[str, Any]) -> None:
    created = await auth_login_identities_repository.create(
        user_id=user["id"], provider="google", provider_subject="gone", email="g@example.com"
    )
    assert (
        await auth_login_identities_repository.delete_by_user_provider(user["id"], "password")
        is None
    )
    deleted = await auth_login_identities_repository.delete_by_user_provider(user["id"], "google")
    assert deleted == created
    assert await auth_login_identities_repository.find_by_provider_subject("google", "gone") is None
    assert (
        await auth_login_identities_repository.delete_by_user_provider(user["id"], "google") is None
    )
    with pytest.raises(DbError) as caught:
        await auth_login_identities_repository.delete_by_user_provider("x", "google")
    assert caught.value.code == "DB_INVALID_INPUT"
