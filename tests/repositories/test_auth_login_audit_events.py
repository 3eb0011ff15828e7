"""auth_login_audit_events_repository against a real PostgreSQL: record and read the audit trail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db.client import Database
from db.errors import DbError
from db.factories import create_auth_login_audit_events_factory, create_users_factory
from db.repositories.auth_login_audit_events import auth_login_audit_events_repository
from db.schema import auth_login_audit_events, users
from db.testing import Persist


@pytest.fixture
async def user(database: Database, persist: Persist) -> dict[str, Any]:
    return await persist(users, create_users_factory())


async def test_create_with_flat_metadata(user: dict[str, Any]) -> None:
    event = await auth_login_audit_events_repository.create(
        event_type="login_success",
        status="success",
        user_id=str(user["id"]),
        identifier="alice@example.com",
        ip_address="192.0.2.1",
        metadata={"method": "password", "attempt": 2, "score": 0.5, "mfa": False, "note": None},
    )
    assert event["user_id"] == user["id"]
    assert event["metadata"] == {
        "method": "password",
        "attempt": 2,
        "score": 0.5,
        "mfa": False,
        "note": None,
    }
    anonymous = await auth_login_audit_events_repository.create(
        event_type="login_failure", status="failure", identifier="who@example.com"
    )
    assert anonymous["user_id"] is None
    assert anonymous["metadata"] == {}


async def test_nested_or_non_json_metadata_is_rejected_before_the_query(
    database: Database,
) -> None:
    bad: list[dict[Any, Any]] = [
        {"nested": {"a": 1}},
        {"list": [1, 2]},
        {"when": datetime(2026, 1, 1, tzinfo=UTC)},
        {1: "x"},
    ]
    for metadata in bad:
        with pytest.raises(DbError) as caught:
            await auth_login_audit_events_repository.create(
                event_type="login_success",
                status="success",
                user_id=uuid.uuid4(),  # would be a FK violation if the query ran
                metadata=metadata,
            )
        assert caught.value.code == "DB_INVALID_INPUT", metadata
        assert "flat" in caught.value.message


async def test_create_errors(database: Database) -> None:
    with pytest.raises(DbError) as orphan:
        await auth_login_audit_events_repository.create(
            event_type="login_success", status="success", user_id=uuid.uuid4()
        )
    assert orphan.value.code == "DB_FOREIGN_KEY_VIOLATION"
    with pytest.raises(DbError) as malformed:
        await auth_login_audit_events_repository.create(
            event_type="login_success", status="success", user_id="me"
        )
    assert malformed.value.code == "DB_INVALID_INPUT"
    with pytest.raises(DbError) as bad_type:
        await auth_login_audit_events_repository.create(
            event_type="logged_in",  # type: ignore[arg-type]
            status="success",
        )
    assert bad_type.value.code == "DB_INVALID_INPUT"
    with pytest.raises(DbError) as missing:
        await auth_login_audit_events_repository.create(
            event_type="login_success",
            status=None,  # type: ignore[arg-type]
        )
    assert missing.value.code == "DB_NOT_NULL_VIOLATION"


async def test_list_for_user_newest_first_with_limit(
    user: dict[str, Any], persist: Persist
) -> None:
    other = await persist(users, create_users_factory())
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for minutes in (0, 2, 1):
        await persist(
            auth_login_audit_events,
            create_auth_login_audit_events_factory(
                user_id=user["id"],
                created_at=start + timedelta(minutes=minutes),
                metadata={"minute": minutes},
            ),
        )
    await persist(
        auth_login_audit_events, create_auth_login_audit_events_factory(user_id=other["id"])
    )
    listed = await auth_login_audit_events_repository.list_for_user(user["id"])
    assert [event["metadata"]["minute"] for event in listed] == [2, 1, 0]
    top = await auth_login_audit_events_repository.list_for_user(str(user["id"]), limit=1)
    assert [event["metadata"]["minute"] for event in top] == [2]
    assert await auth_login_audit_events_repository.list_for_user(uuid.uuid4()) == []
    for limit in (0, 501):
        with pytest.raises(DbError) as caught:
            await auth_login_audit_events_repository.list_for_user(user["id"], limit=limit)
        assert caught.value.code == "DB_INVALID_INPUT"
