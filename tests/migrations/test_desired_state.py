"""Desired state: generated reconcile SQL, its provenance header, and applying it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import psycopg
import pytest

from db.desired_state import (
    GENERATED_SCHEMAS,
    GENERATOR_INPUTS,
    GeneratedSchema,
    generate,
    stale_files,
)
from db.literals import MEMBERSHIP_ROLES, PERMISSIONS, ROLE_PERMISSIONS
from db.migrate import MigrationError, apply_desired_state
from db.system_settings_defaults import (
    NEVER_PRUNED_TABLES,
    RETENTION_DEFAULTS,
    RETENTION_SETTINGS_KEY,
)
from tests.migrations.conftest import PROJECT_ROOT, RunTxdb

SCHEMAS = PROJECT_ROOT / "schemas"

_SNAPSHOT_QUERIES = (
    "SELECT id, name, created_at FROM roles ORDER BY name",
    "SELECT id, key, created_at FROM permissions ORDER BY key",
    "SELECT id, role_id, permission_id, created_at FROM role_permissions ORDER BY id",
    "SELECT key, value, description, updated_at FROM system_settings ORDER BY key",
)


def _snapshot(url: str) -> list[list[tuple[object, ...]]]:
    with psycopg.connect(url) as conn:
        return [list(conn.execute(q.encode()).fetchall()) for q in _SNAPSHOT_QUERIES]


def _grants(url: str) -> dict[str, set[str]]:
    query = (
        "SELECT r.name, p.key FROM role_permissions rp"
        " JOIN roles r ON r.id = rp.role_id JOIN permissions p ON p.id = rp.permission_id"
    )
    grants: dict[str, set[str]] = {}
    with psycopg.connect(url) as conn:
        for role, key in conn.execute(query).fetchall():
            grants.setdefault(role, set()).add(key)
    return grants


def test_applying_twice_gives_identical_rows(clean_database_url: str) -> None:
    first = _snapshot(clean_database_url)

    apply_desired_state(clean_database_url, SCHEMAS)

    assert _snapshot(clean_database_url) == first
    assert len(first[0]) == 3
    assert len(first[1]) == len(PERMISSIONS) == 17


def test_role_permissions_match_the_literals(clean_database_url: str) -> None:
    grants = _grants(clean_database_url)

    assert grants == {role: set(ROLE_PERMISSIONS[role]) for role in MEMBERSHIP_ROLES}
    assert len(grants["owner"]) == 17
    assert grants["admin"] == set(PERMISSIONS) - {"manage_organization"}
    assert len(grants["member"]) == 4


def test_stale_grants_and_unknown_permissions_are_removed_custom_roles_kept(
    clean_database_url: str,
) -> None:
    with psycopg.connect(clean_database_url) as conn:
        conn.execute(
            "INSERT INTO role_permissions (role_id, permission_id)"
            " SELECT r.id, p.id FROM roles r, permissions p"
            " WHERE r.name = 'member' AND p.key = 'manage_billing'"
        )
        conn.execute("INSERT INTO permissions (key) VALUES ('workspace.read')")
        conn.execute("INSERT INTO roles (name) VALUES ('auditor')")
        conn.execute(
            "INSERT INTO role_permissions (role_id, permission_id)"
            " SELECT r.id, p.id FROM roles r, permissions p"
            " WHERE (r.name = 'admin' AND p.key = 'workspace.read')"
            "    OR (r.name = 'auditor' AND p.key = 'view_analytics')"
        )
        conn.execute(
            "DELETE FROM role_permissions rp USING roles r"
            " WHERE r.id = rp.role_id AND r.name = 'owner'"
        )

    apply_desired_state(clean_database_url, SCHEMAS)

    grants = _grants(clean_database_url)
    assert grants["member"] == set(ROLE_PERMISSIONS["member"])
    assert grants["admin"] == set(ROLE_PERMISSIONS["admin"])
    assert grants["owner"] == set(PERMISSIONS)
    assert grants["auditor"] == {"view_analytics"}
    with psycopg.connect(clean_database_url) as conn:
        keys = {r[0] for r in conn.execute("SELECT key FROM permissions").fetchall()}
    assert keys == set(PERMISSIONS)


def test_retention_settings_are_restored_after_an_operator_edit(clean_database_url: str) -> None:
    with psycopg.connect(clean_database_url) as conn:
        conn.execute(
            'UPDATE system_settings SET value = \'{"invitations": {"enabled": false,'
            ' "retention_days": 1}}\', description = NULL WHERE key = %s',
            (RETENTION_SETTINGS_KEY,),
        )

    apply_desired_state(clean_database_url, SCHEMAS)

    with psycopg.connect(clean_database_url) as conn:
        row = conn.execute(
            "SELECT value, description FROM system_settings WHERE key = %s",
            (RETENTION_SETTINGS_KEY,),
        ).fetchone()
    assert row is not None
    value, description = row
    assert value == {
        name: {"enabled": d.enabled, "retention_days": d.retention_days}
        for name, d in RETENTION_DEFAULTS.items()
    }
    assert all(table in description for table in NEVER_PRUNED_TABLES)


def test_a_failing_file_rolls_back_every_file(clean_database_url: str, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "first.sql").write_text(
        "INSERT INTO system_settings (key, value) VALUES ('from_first', '{}');\n"
    )
    (tmp_path / "b.sql").write_text("INSERT INTO no_such_table VALUES (1);\n")

    with pytest.raises(MigrationError, match=r"desired-state file b\.sql failed"):
        apply_desired_state(clean_database_url, tmp_path)

    with psycopg.connect(clean_database_url) as conn:
        found = conn.execute("SELECT 1 FROM system_settings WHERE key = 'from_first'").fetchall()
    assert found == []


def test_files_are_applied_in_path_order(clean_database_url: str, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "a.sql").write_text("UPDATE system_settings SET description = 'b/a';\n")
    (tmp_path / "a.sql").write_text("UPDATE system_settings SET description = 'a';\n")
    (tmp_path / "c.sql").write_text(
        "UPDATE system_settings SET description = description || '+c';\n"
    )

    applied = apply_desired_state(clean_database_url, tmp_path)

    assert [p.relative_to(tmp_path).as_posix() for p in applied] == ["a.sql", "b/a.sql", "c.sql"]
    with psycopg.connect(clean_database_url) as conn:
        row = conn.execute("SELECT description FROM system_settings").fetchone()
    assert row == ("b/a+c",)


def test_committed_files_equal_a_fresh_render(tmp_path: Path) -> None:
    written = generate(tmp_path)

    assert len(written) == len(GENERATED_SCHEMAS) == 2
    for schema in GENERATED_SCHEMAS:
        committed = (SCHEMAS / schema.relative_path).read_bytes()
        assert (tmp_path / schema.relative_path).read_bytes() == committed
    assert stale_files(SCHEMAS) == []


@pytest.mark.parametrize("schema", GENERATED_SCHEMAS, ids=lambda s: s.relative_path)
def test_header_hashes_match_inputs_and_body(schema: GeneratedSchema) -> None:
    data = (SCHEMAS / schema.relative_path).read_bytes()
    banner, provenance, body = data.split(b"\n", 2)
    assert banner == b"-- Generated by txdb schemas generate; do not edit by hand."
    fields = dict(part.split("=", 1) for part in provenance.decode().split()[2:])
    assert provenance.startswith(b"-- txdb:generated ")
    assert fields["inputs"].split(",") == list(GENERATOR_INPUTS)
    inputs_digest = hashlib.sha256()
    for path in GENERATOR_INPUTS:
        inputs_digest.update(path.encode() + b"\0" + (PROJECT_ROOT / path).read_bytes() + b"\0")
    assert fields["inputs-sha256"] == inputs_digest.hexdigest()
    assert fields["body-sha256"] == hashlib.sha256(body).hexdigest()


def test_schemas_check_passes_on_committed_files(run_txdb: RunTxdb) -> None:
    result = run_txdb("schemas", "check")

    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_schemas_check_fails_on_a_hand_edited_copy(run_txdb: RunTxdb, tmp_path: Path) -> None:
    copy = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, copy)
    edited = copy / "system-settings" / "reconcile_retention_settings.sql"
    edited.write_text(edited.read_text().replace('"retention_days": 180', '"retention_days": 1'))

    result = run_txdb("schemas", "check", "--schemas-dir", str(copy))

    assert result.returncode == 1
    assert "system-settings/reconcile_retention_settings.sql" in result.stderr
    assert "permissions/reconcile_role_permissions.sql" not in result.stderr
    assert "txdb schemas generate" in result.stderr


def test_schemas_check_fails_when_a_file_is_missing(run_txdb: RunTxdb, tmp_path: Path) -> None:
    result = run_txdb("schemas", "check", "--schemas-dir", str(tmp_path))

    assert result.returncode == 1
    assert "permissions/reconcile_role_permissions.sql" in result.stderr


def test_schemas_generate_then_apply_through_the_cli(
    run_txdb: RunTxdb, clean_database_url: str, tmp_path: Path
) -> None:
    generated = run_txdb("schemas", "generate", "--schemas-dir", str(tmp_path))
    applied = run_txdb(
        "schemas", "apply", "--url", clean_database_url, "--schemas-dir", str(tmp_path)
    )

    assert generated.returncode == 0, generated.stderr
    assert "wrote permissions/reconcile_role_permissions.sql" in generated.stdout
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.splitlines() == [
        "applied permissions/reconcile_role_permissions.sql",
        "applied system-settings/reconcile_retention_settings.sql",
    ]


def test_missing_schemas_directory_is_a_clear_error(
    clean_database_url: str, tmp_path: Path
) -> None:
    with pytest.raises(MigrationError, match="txdb schemas generate"):
        apply_desired_state(clean_database_url, tmp_path / "absent")
