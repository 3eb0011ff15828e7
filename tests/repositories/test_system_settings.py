"""system_settings_repository against a real PostgreSQL: get, upsert, retention settings."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from db.client import Database
from db.errors import DbError
from db.json_types import JsonObject
from db.repositories.system_settings import (
    RetentionSettingsError,
    parse_retention_settings,
    system_settings_repository,
)
from db.schema import system_settings
from db.system_settings_defaults import RETENTION_DEFAULTS, RETENTION_SETTINGS_KEY
from db.testing import Persist


async def _store_raw(database: Database, value: Any) -> None:
    async with database.connect() as conn:
        await conn.execute(
            system_settings.update()
            .where(system_settings.c.key == RETENTION_SETTINGS_KEY)
            .values(value=value)
        )


async def test_get_returns_decoded_row_or_none(database: Database) -> None:
    assert await system_settings_repository.get("absent") is None
    row = await system_settings_repository.get(RETENTION_SETTINGS_KEY)
    assert row is not None
    assert row["key"] == RETENTION_SETTINGS_KEY
    assert row["updated_at"].tzinfo is not None


async def test_get_of_a_non_object_value_is_a_decode_failure(
    database: Database, persist: Persist
) -> None:
    await persist(system_settings, {"key": "weird", "value": [1, 2]})
    with pytest.raises(DbError) as caught:
        await system_settings_repository.get("weird")
    assert caught.value.code == "DB_DECODE_FAILED"


async def test_upsert_inserts_then_updates_value(database: Database) -> None:
    created = await system_settings_repository.upsert("feature", {"on": True}, "Feature flag")
    assert created["value"] == {"on": True}
    assert created["description"] == "Feature flag"
    updated = await system_settings_repository.upsert("feature", {"on": False, "n": [1, {"x": 1}]})
    assert updated["value"] == {"on": False, "n": [1, {"x": 1}]}
    assert updated["updated_at"] >= created["updated_at"]
    assert await system_settings_repository.get("feature") == updated


async def test_omitted_description_keeps_it_and_none_clears_it(database: Database) -> None:
    await system_settings_repository.upsert("k", {"v": 1}, "kept")
    kept = await system_settings_repository.upsert("k", {"v": 2})
    assert kept["description"] == "kept"
    replaced = await system_settings_repository.upsert("k", {"v": 3}, description="new")
    assert replaced["description"] == "new"
    cleared = await system_settings_repository.upsert("k", {"v": 4}, description=None)
    assert cleared["description"] is None
    fresh = await system_settings_repository.upsert("fresh", {"v": 1})
    assert fresh["description"] is None


async def test_upsert_rejects_non_object_values(database: Database) -> None:
    for value in ([1, 2], "text", {"when": object()}, {1: "x"}):
        with pytest.raises(DbError) as caught:
            await system_settings_repository.upsert("bad", value)  # type: ignore[arg-type]
        assert caught.value.code == "DB_INVALID_INPUT", value
    assert await system_settings_repository.get("bad") is None


async def test_concurrent_upserts_of_one_key_all_succeed(database: Database) -> None:
    rows = await asyncio.gather(
        *(system_settings_repository.upsert("race", {"n": i}) for i in range(6))
    )
    stored = await system_settings_repository.get("race")
    assert stored is not None
    assert stored["value"] in [row["value"] for row in rows]


async def test_retention_settings_of_the_desired_state(database: Database) -> None:
    settings = await system_settings_repository.get_retention_settings()
    assert settings == {
        name: {"enabled": default.enabled, "retention_days": default.retention_days}
        for name, default in RETENTION_DEFAULTS.items()
    }
    assert await system_settings_repository.require_retention_settings() == settings


async def test_fractional_days_and_unknown_names_are_accepted(database: Database) -> None:
    value: JsonObject = {"custom": {"enabled": False, "retention_days": 0.5, "note": "extra"}}
    await system_settings_repository.upsert(RETENTION_SETTINGS_KEY, value)
    assert await system_settings_repository.get_retention_settings() == {
        "custom": {"enabled": False, "retention_days": 0.5}
    }


MALFORMED: list[Any] = [
    {},
    {"audit_events": {"enabled": "yes", "retention_days": 30}},
    {"audit_events": {"enabled": True, "retention_days": 0}},
    {"audit_events": {"enabled": True, "retention_days": -1}},
    {"audit_events": {"enabled": True, "retention_days": 1e9}},
    {"audit_events": {"enabled": True, "retention_days": "30"}},
    {"audit_events": {"enabled": True, "retention_days": True}},
    {"audit_events": {"enabled": True}},
    {"audit_events": None},
    {"audit_events": [True, 30]},
]


async def test_malformed_retention_value_gives_empty_settings_and_a_warning(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    for value in MALFORMED:
        await _store_raw(database, value)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="db.repositories.system_settings"):
            assert await system_settings_repository.get_retention_settings() == {}, value
        assert any(
            record.levelno == logging.WARNING and RETENTION_SETTINGS_KEY in record.getMessage()
            for record in caplog.records
        ), value
        with pytest.raises(RetentionSettingsError, match="malformed"):
            await system_settings_repository.require_retention_settings()


async def test_non_object_retention_value_is_malformed_too(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _store_raw(database, [1, 2, 3])
    with caplog.at_level(logging.WARNING):
        assert await system_settings_repository.get_retention_settings() == {}
    assert caplog.records
    with pytest.raises(RetentionSettingsError, match="malformed"):
        await system_settings_repository.require_retention_settings()


async def test_missing_retention_settings(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    async with database.connect() as conn:
        await conn.execute(
            system_settings.delete().where(system_settings.c.key == RETENTION_SETTINGS_KEY)
        )
    with caplog.at_level(logging.WARNING):
        assert await system_settings_repository.get_retention_settings() == {}
    assert any("missing" in record.getMessage() for record in caplog.records)
    with pytest.raises(RetentionSettingsError, match="missing"):
        await system_settings_repository.require_retention_settings()


def test_parse_retention_settings_names_the_offending_field() -> None:
    with pytest.raises(RetentionSettingsError, match=r"invitations\.retention_days"):
        parse_retention_settings({"invitations": {"enabled": True, "retention_days": float("inf")}})
