"""The `txdb` command as users run it: exit codes, messages, secrets kept out of output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.migrations.conftest import PROJECT_ROOT, RunTxdb, WriteMigrations


def test_connection_error_exits_2_without_the_password(run_txdb: RunTxdb) -> None:
    result = run_txdb("--url", "postgresql://postgres:secret@127.0.0.1:1/x", "migrate")

    assert result.returncode == 2
    assert "secret" not in result.stdout + result.stderr
    assert "cannot connect to" in result.stderr
    assert "--url or DATABASE_URL" in result.stderr


@pytest.mark.parametrize("command", [["status"], ["check-drift"], ["schemas", "apply"]])
def test_every_database_command_reports_connection_errors_the_same_way(
    run_txdb: RunTxdb, command: list[str]
) -> None:
    result = run_txdb(*command, "--url", "postgres://app:hunter2@127.0.0.1:1/x")

    assert result.returncode == 2
    assert "hunter2" not in result.stdout + result.stderr
    assert "cannot connect to" in result.stderr


@pytest.mark.parametrize("command", [["migrate"], ["check-drift"]])
def test_unsupported_url_scheme_exits_2(run_txdb: RunTxdb, command: list[str]) -> None:
    result = run_txdb(*command, "--url", "mysql://root:pw@localhost/x")

    assert result.returncode == 2
    assert "pw@" not in result.stderr
    assert "postgresql://" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [[], ["bogus"], ["schemas"], ["schemas", "push"], ["trigger", "new", "--table", "users"]],
)
def test_usage_errors_exit_2(run_txdb: RunTxdb, argv: list[str]) -> None:
    result = run_txdb(*argv)

    assert result.returncode == 2
    assert "usage: txdb" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["migrate"],
        ["status"],
        ["schemas", "apply"],
        ["schemas", "generate"],
        ["schemas", "check"],
        ["check-drift"],
        ["pgtap"],
        ["trigger", "new"],
        ["retention", "run"],
    ],
)
def test_help_is_available_everywhere(run_txdb: RunTxdb, argv: list[str]) -> None:
    result = run_txdb(*argv, "--help")

    assert result.returncode == 0
    assert "usage: txdb" in result.stdout
    if argv:
        assert "--url" in result.stdout


def test_migrate_status_and_check_drift_on_a_fresh_database(
    run_txdb: RunTxdb, empty_database_url: str
) -> None:
    pending = run_txdb("status", "--url", empty_database_url)
    first = run_txdb("migrate", "--url", empty_database_url)
    second = run_txdb("--url", empty_database_url, "migrate")
    status = run_txdb("status", "--url", empty_database_url)
    drift = run_txdb("check-drift", "--url", empty_database_url)

    assert pending.returncode == 0
    assert pending.stdout.split() == ["pending", "0001_baseline.sql"]
    assert first.returncode == 0, first.stderr
    assert "apply 0001_baseline.sql" in first.stdout
    assert "1 applied, 0 already applied" in first.stdout
    assert second.returncode == 0
    assert "0 applied, 1 already applied" in second.stdout
    assert status.stdout.startswith("applied  0001_baseline.sql 20")
    assert drift.returncode == 0, drift.stderr


def test_failing_migration_exits_1_naming_the_file(
    run_txdb: RunTxdb, empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations({"0001_bad.sql": "CREATE TABLE t (id integer);\nSELECT 1/0;\n"})

    result = run_txdb("migrate", "--url", empty_database_url, "--migrations-dir", str(directory))

    assert result.returncode == 1
    assert "0001_bad.sql failed at line 2" in result.stderr
    assert "division by zero" in result.stderr


def test_status_exits_1_when_an_applied_file_drifted(
    run_txdb: RunTxdb, empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations({"0001_a.sql": "CREATE TABLE a (id integer);\n"})
    run_txdb("migrate", "--url", empty_database_url, "--migrations-dir", str(directory))
    (directory / "0001_a.sql").write_text("CREATE TABLE a (id bigint);\n")

    status = run_txdb("status", "--url", empty_database_url, "--migrations-dir", str(directory))
    migrate = run_txdb("migrate", "--url", empty_database_url, "--migrations-dir", str(directory))

    assert status.returncode == 1
    assert status.stdout.startswith("drifted  0001_a.sql")
    assert "new migration" in status.stderr
    assert migrate.returncode == 1
    assert "0001_a.sql" in migrate.stderr
    assert "immutable" in migrate.stderr


def test_trigger_new_scaffolds_a_migration_the_runner_applies(
    run_txdb: RunTxdb, empty_database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "pgtap").mkdir()
    shutil.copy(PROJECT_ROOT / "migrations" / "0001_baseline.sql", tmp_path / "migrations")

    scaffold = run_txdb(
        "trigger", "new", "--name", "audit email", "--table", "users", "--root", str(tmp_path)
    )
    migrate = run_txdb(
        "migrate", "--url", empty_database_url, "--migrations-dir", str(tmp_path / "migrations")
    )

    assert scaffold.returncode == 0, scaffold.stderr
    assert sorted(p.name for p in (tmp_path / "migrations").iterdir()) == [
        "0001_baseline.sql",
        "0002_audit_email.sql",
    ]
    assert migrate.returncode == 0, migrate.stderr
    assert "apply 0002_audit_email.sql" in migrate.stdout


def test_pgtap_and_retention_are_delegated_with_the_url(
    run_txdb: RunTxdb, migrated_url: str
) -> None:
    pgtap = run_txdb("pgtap", "--url", migrated_url)
    retention = run_txdb("retention", "run", "--dry-run", "--url", migrated_url)

    assert pgtap.returncode == 0, pgtap.stdout + pgtap.stderr
    assert "PASS" in pgtap.stdout
    assert retention.returncode == 0, retention.stdout + retention.stderr
