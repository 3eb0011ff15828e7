"""The migration runner against a real PostgreSQL: journal, lock, checksums, failures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from db.migrate import (
    JOURNAL_TABLE,
    MigrationError,
    apply_migrations,
    migration_status,
    read_migrations,
)
from db.schema import metadata
from tests.migrations.conftest import PROJECT_ROOT, TXDB, WriteMigrations


def _rows(url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return list(conn.execute(query.encode()).fetchall())


def _journal_names(url: str) -> list[str]:
    return [str(r[0]) for r in _rows(url, f"SELECT name FROM {JOURNAL_TABLE} ORDER BY name")]


def _tables(url: str) -> set[str]:
    rows = _rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {str(r[0]) for r in rows}


def test_fresh_migrate_builds_every_table_and_journals_the_baseline(
    empty_database_url: str,
) -> None:
    lines: list[str] = []
    run = apply_migrations(empty_database_url, PROJECT_ROOT / "migrations", out=lines.append)

    assert [m.name for m in run.applied] == ["0001_baseline.sql"]
    assert run.skipped == ()
    assert "apply 0001_baseline.sql" in lines
    assert _tables(empty_database_url) == set(metadata.tables) | {JOURNAL_TABLE}
    checksum, execution_ms = _rows(
        empty_database_url, f"SELECT checksum, execution_ms FROM {JOURNAL_TABLE}"
    )[0]
    expected = read_migrations(PROJECT_ROOT / "migrations")[0].checksum
    assert checksum == expected
    assert isinstance(execution_ms, int)
    assert execution_ms >= 0


def test_rerun_is_a_no_op(empty_database_url: str) -> None:
    apply_migrations(empty_database_url, PROJECT_ROOT / "migrations")
    before = _rows(empty_database_url, f"SELECT name, applied_at FROM {JOURNAL_TABLE}")

    run = apply_migrations(empty_database_url, PROJECT_ROOT / "migrations")

    assert run.applied == ()
    assert run.skipped == ("0001_baseline.sql",)
    assert _rows(empty_database_url, f"SELECT name, applied_at FROM {JOURNAL_TABLE}") == before


def test_four_concurrent_runners_apply_each_file_exactly_once(
    empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    # 0001 holds the run until the three other runners queue on the advisory lock (10 s at
    # most) and records how many were waiting: proof they were blocked, not merely late.
    waiting = (
        "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND objsubid = 1 AND database = (SELECT oid FROM pg_database"
        " WHERE datname = current_database()))"
    )
    directory = write_migrations(
        {
            "0001_create_log.sql": (
                "CREATE TABLE run_log (file text NOT NULL, backend integer NOT NULL,"
                " waiting bigint NOT NULL);\n"
                "DO $$ BEGIN FOR i IN 1..200 LOOP\n"
                f"  EXIT WHEN {waiting} >= 3; PERFORM pg_sleep(0.05);\n"
                "END LOOP; END $$;\n"
                f"INSERT INTO run_log VALUES ('0001', pg_backend_pid(), {waiting});\n"
            ),
            "0002_second.sql": (
                f"INSERT INTO run_log VALUES ('0002', pg_backend_pid(), {waiting});\n"
            ),
        }
    )
    processes = [
        subprocess.Popen(
            [str(TXDB), "migrate", "--url", empty_database_url, "--migrations-dir", str(directory)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in processes]

    assert [p.returncode for p in processes] == [0, 0, 0, 0], outputs
    stdout = [out for out, _err in outputs]
    assert sum("apply 0001_create_log.sql" in out for out in stdout) == 1
    assert sum("skip  0001_create_log.sql" in out for out in stdout) == 3
    assert _journal_names(empty_database_url) == ["0001_create_log.sql", "0002_second.sql"]
    log = _rows(empty_database_url, "SELECT file, backend, waiting FROM run_log ORDER BY file")
    assert [row[0] for row in log] == ["0001", "0002"]
    assert log[0][1] == log[1][1]  # both files ran in the one process that won the lock
    assert log[0][2] == 3  # while the three others waited on it


def test_edited_applied_file_is_refused(
    empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations({"0001_items.sql": "CREATE TABLE items (id integer);\n"})
    apply_migrations(empty_database_url, directory)
    (directory / "0001_items.sql").write_text("CREATE TABLE items (id bigint);\n")
    write_migrations({"0002_more.sql": "CREATE TABLE more_items (id integer);\n"})

    with pytest.raises(MigrationError, match=r"0001_items\.sql.*new migration"):
        apply_migrations(empty_database_url, directory)

    assert "more_items" not in _tables(empty_database_url)
    assert _journal_names(empty_database_url) == ["0001_items.sql"]


def test_failing_file_leaves_no_trace_and_stops_the_run(
    empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations(
        {
            "0001_broken.sql": (
                "CREATE TABLE half_done (id integer);\n"
                "INSERT INTO half_done VALUES (1);\n"
                "SELECT * FROM no_such_table;\n"
            ),
            "0002_after.sql": "CREATE TABLE after_broken (id integer);\n",
        }
    )

    with pytest.raises(MigrationError) as raised:
        apply_migrations(empty_database_url, directory)

    message = str(raised.value)
    assert "0001_broken.sql" in message
    assert "line 3" in message
    assert "no_such_table" in message
    assert _tables(empty_database_url) == {JOURNAL_TABLE}
    assert _journal_names(empty_database_url) == []


def test_file_with_its_own_commit_is_refused_before_running(
    empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations(
        {"0001_own_tx.sql": "BEGIN;\nCREATE TABLE own_tx (id integer);\nCOMMIT;\n"}
    )

    with pytest.raises(MigrationError, match=r"0001_own_tx\.sql contains BEGIN/COMMIT"):
        apply_migrations(empty_database_url, directory)

    assert "own_tx" not in _tables(empty_database_url)


def test_no_transaction_file_can_create_an_index_concurrently(
    empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations(
        {
            "0001_table.sql": "CREATE TABLE things (id integer, label text);\n",
            "0002_index.sql": (
                "-- txdb:no-transaction\n"
                "CREATE INDEX CONCURRENTLY things_label_idx ON things (label);\n"
                "CREATE INDEX CONCURRENTLY things_id_idx ON things (id);\n"
            ),
        }
    )

    run = apply_migrations(empty_database_url, directory)

    assert [m.name for m in run.applied] == ["0001_table.sql", "0002_index.sql"]
    indexes = _rows(
        empty_database_url,
        "SELECT indexname FROM pg_indexes WHERE tablename = 'things' ORDER BY indexname",
    )
    assert [r[0] for r in indexes] == ["things_id_idx", "things_label_idx"]
    assert _journal_names(empty_database_url) == ["0001_table.sql", "0002_index.sql"]


def test_concurrent_index_without_the_marker_fails_and_is_rolled_back(
    empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations(
        {
            "0001_table.sql": (
                "CREATE TABLE things (id integer);\n"
                "CREATE INDEX CONCURRENTLY things_id_idx ON things (id);\n"
            )
        }
    )

    with pytest.raises(MigrationError, match=r"0001_table\.sql failed.*CONCURRENTLY"):
        apply_migrations(empty_database_url, directory)

    assert "things" not in _tables(empty_database_url)


def test_failing_no_transaction_statement_names_its_position(
    empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations(
        {
            "0001_nt.sql": (
                "-- txdb:no-transaction\n"
                "CREATE TABLE kept (id integer);\n"
                "CREATE INDEX CONCURRENTLY broken_idx ON missing_table (id);\n"
            )
        }
    )

    with pytest.raises(MigrationError, match=r"0001_nt\.sql failed.*statement 2 of 2"):
        apply_migrations(empty_database_url, directory)

    assert "kept" in _tables(empty_database_url)
    assert _journal_names(empty_database_url) == []


@pytest.mark.parametrize(
    "name", ["1_short.sql", "0001-dashes.sql", "0001_CamelCase.sql", "0001_.sql", "00001_x.sql"]
)
def test_misnamed_file_is_rejected(write_migrations: WriteMigrations, name: str) -> None:
    directory = write_migrations({"0001_fine.sql": "SELECT 1;\n", name: "SELECT 1;\n"})

    with pytest.raises(MigrationError, match=r"NNNN_snake_case\.sql"):
        read_migrations(directory)


def test_duplicate_number_is_rejected(write_migrations: WriteMigrations) -> None:
    directory = write_migrations({"0001_a.sql": "SELECT 1;\n", "0001_b.sql": "SELECT 1;\n"})

    with pytest.raises(MigrationError, match="share the number 0001"):
        read_migrations(directory)


def test_status_reports_applied_pending_drifted_and_missing(
    empty_database_url: str, write_migrations: WriteMigrations
) -> None:
    directory = write_migrations(
        {
            "0001_a.sql": "CREATE TABLE a (id integer);\n",
            "0002_b.sql": "CREATE TABLE b (id integer);\n",
            "0003_c.sql": "CREATE TABLE c (id integer);\n",
        }
    )
    apply_migrations(empty_database_url, directory)
    (directory / "0002_b.sql").write_text("CREATE TABLE b (id bigint);\n")
    (directory / "0003_c.sql").unlink()
    write_migrations({"0004_d.sql": "CREATE TABLE d (id integer);\n"})

    states = {s.name: s.state for s in migration_status(empty_database_url, directory)}

    assert states == {
        "0001_a.sql": "applied",
        "0002_b.sql": "drifted",
        "0003_c.sql": "missing",
        "0004_d.sql": "pending",
    }


def test_status_on_an_empty_database_lists_everything_pending(empty_database_url: str) -> None:
    statuses = migration_status(empty_database_url, PROJECT_ROOT / "migrations")

    assert [(s.name, s.state) for s in statuses] == [("0001_baseline.sql", "pending")]
    assert _tables(empty_database_url) == set()


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="does not exist"):
        read_migrations(tmp_path / "nope")


def test_database_errors_outside_files_become_migration_errors(empty_database_url: str) -> None:
    with psycopg.connect(empty_database_url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {JOURNAL_TABLE} (name text PRIMARY KEY)".encode())

    with pytest.raises(MigrationError, match=r"database error: .*checksum"):
        apply_migrations(empty_database_url, PROJECT_ROOT / "migrations")
