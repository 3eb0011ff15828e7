"""RowSchemas decode real rows and reject what the database would accept but the app must not."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import update

import db.row_schemas
from db.client import provide_db
from db.decode import decode_row
from db.errors import DbError
from db.factories import (
    create_auth_login_audit_events_factory,
    create_org_members_factory,
    create_organizations_factory,
    create_teams_factory,
    create_usage_records_factory,
    create_users_factory,
)
from db.row_schemas import (
    AuthLoginAuditEventsRowSchema,
    OrganizationsRowSchema,
    OrgMembersRowSchema,
    TeamsRowSchema,
    UsageRecordsRowSchema,
    UsersRowSchema,
)
from db.schema import metadata, organizations
from db.testing import Persist

VALID_ONBOARDING: dict[str, Any] = {
    "version": 1,
    "status": "in_progress",
    "current_step": "goals",
    "completed_steps": ["organization_profile", "workspace_setup"],
    "organization_profile": {"display_name": "Acme"},
    "workspace_profile": {"team_name": "Core", "website": None},
    "goals": {"primary_goal": "automation", "team_size": "6-20"},
    "completed_at": None,
}


def decode_failure(schema: Any, row: dict[str, Any]) -> DbError:
    with pytest.raises(DbError) as caught:
        decode_row(schema, row, "test row")
    assert caught.value.code == "DB_DECODE_FAILED"
    return caught.value


def test_every_table_has_a_row_shape_and_schema_exported() -> None:
    for table in metadata.tables:
        pascal = "".join(part.capitalize() for part in table.split("_"))
        shape = getattr(db.row_schemas, f"{pascal}RowShape")
        assert set(shape.__annotations__) == set(metadata.tables[table].columns.keys())
        assert hasattr(db.row_schemas, f"{pascal}RowSchema")


def test_wrong_literal_is_rejected() -> None:
    row = create_org_members_factory(
        organization_id=uuid.uuid4(), user_id=uuid.uuid4(), role="superuser"
    )

    error = decode_failure(OrgMembersRowSchema, row)

    assert "role" in error.message


def test_application_closed_text_column_is_rejected_outside_its_set() -> None:
    row = create_usage_records_factory(organization_id=uuid.uuid4(), category="gpu_minutes")

    assert "category" in decode_failure(UsageRecordsRowSchema, row).message


@pytest.mark.parametrize(
    ("column", "value"),
    [("name", 42), ("id", "not-a-uuid-instance"), ("created_at", "2026-01-01T00:00:00Z")],
)
def test_wrong_type_is_rejected_strictly(column: str, value: object) -> None:
    row = create_users_factory(**{column: value})

    assert column in decode_failure(UsersRowSchema, row).message


def test_missing_column_is_rejected() -> None:
    row = create_users_factory()
    del row["password_hash"]

    assert "password_hash" in decode_failure(UsersRowSchema, row).message


def test_null_in_a_not_null_column_is_rejected() -> None:
    assert "name" in decode_failure(UsersRowSchema, create_users_factory(name=None)).message


def test_bool_is_not_accepted_as_a_bigint() -> None:
    row = create_organizations_factory(credits_balance=True)

    assert "credits_balance" in decode_failure(OrganizationsRowSchema, row).message


def test_flat_audit_metadata_is_accepted_and_nested_is_rejected() -> None:
    flat = create_auth_login_audit_events_factory(
        metadata={"ip": "1.2.3.4", "attempt": 2, "ratio": 0.5, "ok": True, "none": None}
    )
    nested = create_auth_login_audit_events_factory(metadata={"client": {"name": "web"}})

    assert AuthLoginAuditEventsRowSchema.validate_python(flat) == flat
    assert "metadata" in decode_failure(AuthLoginAuditEventsRowSchema, nested).message


def test_valid_onboarding_data_decodes() -> None:
    row = create_organizations_factory(onboarding_data=VALID_ONBOARDING)

    assert OrganizationsRowSchema.validate_python(row)["onboarding_data"] == VALID_ONBOARDING


def test_minimal_onboarding_data_decodes() -> None:
    minimal = {"version": 1, "status": "in_progress", "current_step": "organization_profile"}
    minimal["completed_steps"] = []

    row = create_organizations_factory(onboarding_data=minimal)

    assert OrganizationsRowSchema.validate_python(row)["onboarding_data"] == minimal


@pytest.mark.parametrize(
    "patch",
    [
        {"version": 2},
        {"status": "done"},
        {"current_step": "billing"},
        {"completed_steps": ["goals", "billing"]},
        {"organization_profile": {"display_name": "A"}},
        {"organization_profile": {"display_name": "x" * 65}},
        {"workspace_profile": {"team_name": "Core"}},
        {"goals": {"primary_goal": "automation", "team_size": "100"}},
        {"completed_at": 5},
    ],
)
def test_malformed_onboarding_data_is_rejected(patch: dict[str, Any]) -> None:
    row = create_organizations_factory(onboarding_data={**VALID_ONBOARDING, **patch})

    assert "onboarding_data" in decode_failure(OrganizationsRowSchema, row).message


def test_onboarding_data_without_required_key_is_rejected() -> None:
    data = {k: v for k, v in VALID_ONBOARDING.items() if k != "current_step"}

    row = create_organizations_factory(onboarding_data=data)

    assert "current_step" in decode_failure(OrganizationsRowSchema, row).message


def test_brand_settings_are_typed() -> None:
    org = uuid.uuid4()
    good = create_teams_factory(
        organization_id=org,
        brand_settings={"primary_color": "#fff", "logo_url": "x", "metadata": {"k": "v"}},
    )
    bad = create_teams_factory(organization_id=org, brand_settings={"metadata": {"k": 1}})

    assert TeamsRowSchema.validate_python(good) == good
    assert "brand_settings" in decode_failure(TeamsRowSchema, bad).message


async def test_a_row_the_database_accepts_can_still_fail_to_decode(persist: Persist) -> None:
    stored = await persist(organizations, create_organizations_factory())
    async with provide_db() as conn:
        result = await conn.execute(
            update(organizations)
            .where(organizations.c.id == stored["id"])
            .values(onboarding_data={"version": 1, "status": "nope"})
            .returning(organizations)
        )
        row = dict(result.mappings().one())

    decode_failure(OrganizationsRowSchema, row)
