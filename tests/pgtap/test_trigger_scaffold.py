"""`txdb trigger new` writes a migration that applies and a suite that fails until written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.migrate import apply_desired_state, apply_migrations, connect
from db.pgtap import run_suites
from db.trigger_scaffold import ScaffoldError, render_migration, run_cli, scaffold_trigger
from db.trigger_scaffold import trigger_spec as spec_of

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A temporary copy of the project's migrations, desired state and pgTAP suites."""
    for name in ("migrations", "schemas", "pgtap"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    return tmp_path


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_scaffolded_trigger_applies_and_its_suite_fails_until_written(
    project: Path, empty_database_url: str
) -> None:
    row_migration, row_suite = scaffold_trigger(
        project,
        name="Ledger Audit",
        table="credit_ledger",
        events=("insert", "update", "delete"),
    )
    statement_migration, statement_suite = scaffold_trigger(
        project,
        name="usage_truncate",
        table="public.usage_records",
        timing="after",
        events=("TRUNCATE",),
        level="statement",
    )
    assert (row_migration.name, row_suite.name) == ("0002_ledger_audit.sql", "009_ledger_audit.sql")
    assert (statement_migration.name, statement_suite.name) == (
        "0003_usage_truncate.sql",
        "010_usage_truncate.sql",
    )

    apply_migrations(empty_database_url, project / "migrations")
    apply_desired_state(empty_database_url, project / "schemas")
    report = run_suites(empty_database_url, project / "pgtap")

    by_name = {suite.name: suite for suite in report.suites}
    existing = sorted(p.name for p in (PROJECT_ROOT / "pgtap").glob("*.sql"))
    assert [n for n in existing if not by_name[n].passed] == []
    for name, trigger in (
        ("009_ledger_audit.sql", "trg_ledger_audit"),
        ("010_usage_truncate.sql", "trg_usage_truncate"),
    ):
        suite = by_name[name]
        assert not suite.passed
        assert [t.ok for t in suite.tests] == [True, True, False]
        assert suite.failed_tests[0].description == (
            f"replace this placeholder with real assertions for {trigger}"
        )

    with connect(empty_database_url) as conn:
        org = conn.execute("INSERT INTO organizations (name) VALUES ('o') RETURNING id").fetchone()
        assert org is not None
        conn.execute(
            "INSERT INTO credit_ledger (organization_id, amount, reason) VALUES (%s, 5, 'r')",
            (org[0],),
        )
        conn.execute("DELETE FROM credit_ledger")
        count = conn.execute("SELECT count(*) FROM credit_ledger").fetchone()
        assert count == (0,), "the BEFORE ROW stub must let inserts and deletes through"


@pytest.mark.parametrize(
    ("timing", "events", "level", "expected"),
    [
        ("BEFORE", ("INSERT",), "ROW", "RETURN NEW;"),
        ("BEFORE", ("DELETE",), "ROW", "RETURN OLD;"),
        ("BEFORE", ("UPDATE", "DELETE"), "ROW", "IF TG_OP = 'DELETE' THEN"),
        ("AFTER", ("INSERT",), "ROW", "RETURN NULL;"),
        ("BEFORE", ("INSERT", "TRUNCATE"), "STATEMENT", "RETURN NULL;"),
    ],
)
def test_function_stub_returns_what_the_trigger_needs(
    timing: str, events: tuple[str, ...], level: str, expected: str
) -> None:
    spec = spec_of(name="t", table="users", timing=timing, events=events, level=level)
    sql = render_migration(spec)

    assert expected in sql
    assert f"CREATE TRIGGER trg_t {timing} {' OR '.join(events)} ON users\n" in sql
    assert f"FOR EACH {level} EXECUTE FUNCTION t_fn();" in sql


def test_numbers_follow_the_highest_existing_ones(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "pgtap").mkdir()
    for name in ("0001_a.sql", "0007_b.sql", "README.md"):
        (tmp_path / "migrations" / name).write_text("")
    for name in ("001_a.sql", "041_b.pgtap.sql", "notes.txt"):
        (tmp_path / "pgtap" / name).write_text("")

    migration, suite = scaffold_trigger(tmp_path, name="c", table="users")

    assert (migration.name, suite.name) == ("0008_c.sql", "042_c.sql")
    assert "SELECT has_trigger('users', 'trg_c'," in suite.read_text()
    assert "SELECT fail('replace this placeholder" in suite.read_text()


@pytest.mark.parametrize(
    "existing", ["migrations/0001_ledger_audit.sql", "pgtap/003_ledger_audit.sql"]
)
def test_refuses_a_name_already_used_and_writes_nothing(
    tmp_path: Path, existing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "pgtap").mkdir()
    (tmp_path / existing).write_text("-- taken\n")
    before = _files(tmp_path)

    code = run_cli(tmp_path, "ledger_audit", "credit_ledger", "BEFORE", "INSERT", "ROW")

    assert code == 2
    assert f"{existing} already exists: pick another trigger name" in capsys.readouterr().err
    assert _files(tmp_path) == before
    assert (tmp_path / existing).read_text() == "-- taken\n"


@pytest.mark.parametrize(
    ("name", "table", "timing", "events", "level", "message"),
    [
        ("", "users", "BEFORE", "INSERT", "ROW", "has no letters or digits"),
        ("1st", "users", "BEFORE", "INSERT", "ROW", "trigger name '1st' is not a valid"),
        ("x" * 60, "users", "BEFORE", "INSERT", "ROW", "at most 63"),
        ("a", "Users", "BEFORE", "INSERT", "ROW", "table 'Users' is not a valid identifier"),
        ("a", "a.b.c", "BEFORE", "INSERT", "ROW", "must be `table` or `schema.table`"),
        ("a", "public.", "BEFORE", "INSERT", "ROW", "must be `table` or `schema.table`"),
        ("a", "user", "BEFORE", "INSERT", "ROW", "'user' is a reserved SQL keyword"),
        ("a", "users", "DURING", "INSERT", "ROW", "timing 'DURING' is not one of BEFORE, AFTER"),
        ("a", "users", "BEFORE", "", "ROW", "at least one event"),
        ("a", "users", "BEFORE", "INSERT,SELECT", "ROW", "event 'SELECT' is not one of"),
        ("a", "users", "BEFORE", "insert,INSERT", "ROW", "event INSERT is listed twice"),
        ("a", "users", "BEFORE", "TRUNCATE", "ROW", "use level STATEMENT"),
        ("a", "users", "BEFORE", "INSERT", "EACH", "level 'EACH' is not one of ROW, STATEMENT"),
    ],
)
def test_invalid_input_exits_2_with_a_clear_message(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    table: str,
    timing: str,
    events: str,
    level: str,
    message: str,
) -> None:
    before = _files(project)

    assert run_cli(project, name, table, timing, events, level) == 2

    err = capsys.readouterr().err
    assert err.startswith("txdb trigger new: error: ")
    assert message in err
    assert _files(project) == before


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    with pytest.raises(ScaffoldError, match=r"pgTAP directory .*pgtap does not exist"):
        scaffold_trigger(tmp_path, name="a", table="users")
    assert _files(tmp_path) == set()


def test_cli_reports_the_created_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(project, "audit-org", "organizations", "after", "update,insert", "row") == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"created {project / 'migrations' / '0002_audit_org.sql'}"
    assert out[1] == f"created {project / 'pgtap' / '009_audit_org.sql'}"
    migration = (project / "migrations" / "0002_audit_org.sql").read_text()
    assert "CREATE TRIGGER trg_audit_org AFTER INSERT OR UPDATE ON organizations" in migration
