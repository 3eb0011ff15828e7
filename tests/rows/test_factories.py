"""Every table has a factory whose rows validate, persist parents first and decode back equal."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Table

import db.factories
import db.row_schemas
from db.decode import decode_row
from db.schema import metadata
from db.testing import Persist

Factory = Callable[..., dict[str, Any]]
TABLES = sorted(metadata.tables)


def pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def factory_for(table: str) -> Factory:
    factory: Factory = getattr(db.factories, f"create_{table}_factory")
    return factory


def schema_for(table: str) -> TypeAdapter[Any]:
    schema: TypeAdapter[Any] = getattr(db.row_schemas, f"{pascal(table)}RowSchema")
    return schema


def required_keywords(table: str) -> list[str]:
    parameters = inspect.signature(factory_for(table)).parameters.values()
    return [p.name for p in parameters if p.kind is p.KEYWORD_ONLY]


def fake_parents(table: str) -> dict[str, uuid.UUID]:
    return {name: uuid.uuid4() for name in required_keywords(table)}


async def persisted_parents(table: Table, persist: Persist) -> dict[str, Any]:
    """Persist a fresh parent row for every foreign key of TABLE; return the key values."""
    parents: dict[str, Any] = {}
    for column in table.columns:
        for fk in column.foreign_keys:
            parent = fk.column.table
            stored = await persist(
                parent, factory_for(parent.name)(**await persisted_parents(parent, persist))
            )
            parents[column.name] = stored[fk.column.name]
    return parents


@pytest.mark.parametrize("table", TABLES)
def test_factory_row_has_every_column_and_validates(table: str) -> None:
    row = factory_for(table)(**fake_parents(table))

    assert set(row) == set(metadata.tables[table].columns.keys())
    assert schema_for(table).validate_python(row) == row


@pytest.mark.parametrize("table", TABLES)
def test_foreign_keys_are_required_keywords(table: str) -> None:
    required = {c.name for c in metadata.tables[table].columns if c.foreign_keys and not c.nullable}

    assert set(required_keywords(table)) == required
    if required:
        with pytest.raises(TypeError):
            factory_for(table)()


@pytest.mark.parametrize("table", TABLES)
async def test_factory_row_persists_and_decodes_back_equal(table: str, persist: Persist) -> None:
    target = metadata.tables[table]
    row = factory_for(table)(**await persisted_parents(target, persist))

    stored = await persist(target, row)

    assert decode_row(schema_for(table), stored, table) == row


@pytest.mark.parametrize("table", TABLES)
def test_unique_values_differ_between_calls(table: str) -> None:
    parents = fake_parents(table)
    first, second = factory_for(table)(**parents), factory_for(table)(**parents)
    key = metadata.tables[table].primary_key.columns.values()[0].name

    assert first[key] != second[key]


@pytest.mark.parametrize("table", TABLES)
def test_primary_key_can_be_overridden(table: str) -> None:
    key = metadata.tables[table].primary_key.columns.values()[0].name
    wanted = "chosen-key" if key == "key" else uuid.uuid4()

    assert factory_for(table)(**fake_parents(table), **{key: wanted})[key] == wanted


def test_overrides_win_and_explicit_none_is_kept() -> None:
    user = db.factories.create_users_factory(email="a@example.com")
    session = db.factories.create_auth_login_sessions_factory(
        user_id=uuid.uuid4(), created_ip="10.0.0.1", expires_at=None
    )

    assert user["email"] == "a@example.com"
    assert session["created_ip"] == "10.0.0.1"
    assert "expires_at" in session
    assert session["expires_at"] is None


def test_unknown_override_raises_type_error_naming_the_key() -> None:
    with pytest.raises(
        TypeError, match=r"create_teams_factory\(\) got unknown column\(s\): colour"
    ):
        db.factories.create_teams_factory(organization_id=uuid.uuid4(), colour="red")


def test_usage_record_total_follows_quantity_unless_given() -> None:
    org = uuid.uuid4()

    computed = db.factories.create_usage_records_factory(organization_id=org, quantity=3)
    given = db.factories.create_usage_records_factory(
        organization_id=org, quantity=3, total_cost_decimillicents=7
    )

    assert computed["total_cost_decimillicents"] == 300_000
    assert given["total_cost_decimillicents"] == 7


def test_system_settings_factory_returns_a_full_row() -> None:
    row = db.factories.create_system_settings_factory()

    assert row["key"].startswith("test-setting-")
    assert row["value"] == {"enabled": True}
    assert row["description"] is None
    assert row["updated_at"].tzinfo is not None
