"""The provider on a real PostgreSQL: URLs, transaction sharing, savepoints, error mapping."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select, text, update

from db.client import Database, close_default_database, normalize_url, provide_db, safe_url
from db.env import EnvError, db_settings
from db.errors import DbError, redact, to_db_error
from db.repositories.users import users_repository
from db.schema import users


def _email() -> str:
    return f"provider-{uuid.uuid4().hex}@example.com"


async def _count_users() -> int:
    async with provide_db() as conn:
        return int((await conn.execute(select(text("count(*)")).select_from(users))).scalar_one())


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:5432/app",
        "postgres://postgres@127.0.0.1:5432/app",
        "postgresql+psycopg://postgres@127.0.0.1:5432/app",
    ],
)
def test_plain_and_driver_qualified_urls_are_accepted(url: str) -> None:
    assert normalize_url(url).drivername == "postgresql+psycopg"
    assert normalize_url(url).database == "app"


@pytest.mark.parametrize("url", ["mysql://root@localhost/app", "not a url at all", "://"])
def test_unusable_urls_are_invalid_input(url: str) -> None:
    with pytest.raises(DbError) as caught:
        Database.from_url(url)
    assert caught.value.code == "DB_INVALID_INPUT"


def test_passwords_never_appear_in_safe_urls_or_messages() -> None:
    url = "postgresql://app:s3cret@db.internal:5432/app"
    assert "s3cret" not in safe_url(url)
    assert safe_url(url).startswith("postgresql://app:***@")
    assert "s3cret" not in redact(f"could not connect to {url} (password=s3cret)")
    assert "s3cret" not in repr(Database.from_url(url))


def test_pool_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_POOL_SIZE", "3")
    assert db_settings("postgresql://x@h/db").pool_size == 3
    monkeypatch.setenv("DB_POOL_SIZE", "many")
    with pytest.raises(EnvError, match="DB_POOL_SIZE"):
        db_settings("postgresql://x@h/db")


def test_production_without_database_url_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(EnvError, match="DATABASE_URL must be set"):
        db_settings()


async def test_outside_a_transaction_each_call_commits_on_its_own(database: Database) -> None:
    await users_repository.create(email=_email(), password_hash="h", name="first")
    with pytest.raises(DbError):
        await users_repository.create(email=_email(), password_hash="h", name=None)  # type: ignore[arg-type]
    assert await _count_users() == 1


async def test_calls_inside_a_transaction_share_it_and_roll_back_together(
    database: Database,
) -> None:
    async def sign_up_three() -> None:
        async with database.transaction() as trx:
            await users_repository.create(email=_email(), password_hash="h", name="a")
            async with provide_db() as conn:
                assert conn is trx
            await users_repository.create(email=_email(), password_hash="h", name="b")
            await users_repository.create(email=_email(), password_hash="h", name=None)  # type: ignore[arg-type]

    with pytest.raises(DbError) as caught:
        await sign_up_three()
    assert caught.value.code == "DB_NOT_NULL_VIOLATION"
    assert await _count_users() == 0


async def test_a_committed_transaction_keeps_every_call(database: Database) -> None:
    async with database.transaction():
        await users_repository.create(email=_email(), password_hash="h", name="a")
        await users_repository.create(email=_email(), password_hash="h", name="b")
    assert await _count_users() == 2


async def test_a_nested_transaction_is_a_savepoint(database: Database) -> None:
    async def inner_block_that_fails() -> None:
        async with database.transaction():
            await users_repository.create(email=_email(), password_hash="h", name="lost")
            raise DbError("DB_QUERY_FAILED", "abort the inner block")

    async with database.transaction():
        await users_repository.create(email=_email(), password_hash="h", name="kept")
        with pytest.raises(DbError):
            await inner_block_that_fails()
    assert await _count_users() == 1


async def test_errors_name_the_repository_operation(database: Database) -> None:
    email = _email()
    await users_repository.create(email=email, password_hash="h", name="a")
    with pytest.raises(DbError) as caught:
        await users_repository.create(email=email.upper(), password_hash="h", name="b")
    assert caught.value.code == "DB_USER_EMAIL_UNIQUE_VIOLATION"
    assert caught.value.message.startswith("Failed to create user")
    assert caught.value.constraint in ("users_email_key", "users_email_ci_unique")


async def test_a_deadlock_is_a_serialization_failure_and_the_other_side_commits(
    database: Database,
) -> None:
    first = await users_repository.create(email=_email(), password_hash="h", name="a")
    second = await users_repository.create(email=_email(), password_hash="h", name="b")
    both_locked_one = asyncio.Barrier(2)

    async def lock_in_order(a: uuid.UUID, b: uuid.UUID) -> None:
        async with database.connect() as conn:
            await conn.execute(update(users).where(users.c.id == a).values(name="x"))
            await both_locked_one.wait()
            await conn.execute(update(users).where(users.c.id == b).values(name="y"))

    async def mapped(a: uuid.UUID, b: uuid.UUID) -> str:
        try:
            await lock_in_order(a, b)
        except Exception as exc:  # the raw driver error, mapped below
            return to_db_error("swap names", exc).code
        return "committed"

    outcomes = await asyncio.gather(
        mapped(first["id"], second["id"]), mapped(second["id"], first["id"])
    )
    assert sorted(outcomes) == ["DB_SERIALIZATION_FAILURE", "committed"]


async def test_a_statement_timeout_is_db_timeout(
    clean_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_MS", "50")

    async def sleep_past_the_timeout(slow: Database) -> None:
        async with slow.connect() as conn:
            try:
                await conn.execute(text("SELECT pg_sleep(2)"))
            except Exception as exc:
                raise to_db_error("sleep", exc) from exc

    async with Database.from_url(clean_database_url) as slow:
        with pytest.raises(DbError) as caught:
            await sleep_past_the_timeout(slow)
        assert caught.value.code == "DB_TIMEOUT"


async def test_ping_reports_an_unreachable_server_without_the_password() -> None:
    unreachable = Database.from_url("postgresql://app:s3cret@127.0.0.1:1/app")
    with pytest.raises(DbError) as caught:
        await unreachable.ping()
    assert "s3cret" not in str(caught.value)
    assert "127.0.0.1:1" in caught.value.message
    await unreachable.dispose()


def test_non_driver_errors_are_query_failures_and_db_errors_pass_through() -> None:
    assert to_db_error("ctx", RuntimeError("boom")).code == "DB_QUERY_FAILED"
    original = DbError("DB_INVALID_CURSOR", "bad cursor")
    assert to_db_error("ctx", original) is original


async def test_without_an_active_database_the_process_default_comes_from_env(
    clean_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_database_url)
    await close_default_database()
    try:
        await users_repository.create(email=_email(), password_hash="h", name="default")
        assert await _count_users() == 1
    finally:
        await close_default_database()
