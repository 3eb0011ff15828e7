"""The pgTAP runner passes the project's suites and fails, clearly, on every planted defect."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from db.migrate import connect
from db.pgtap import SuiteResult, format_report, run_cli, run_suites

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SUITES_DIR = PROJECT_ROOT / "pgtap"


def _write(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def _only_suite(url: str, directory: Path) -> SuiteResult:
    report = run_suites(url, directory)
    assert len(report.suites) == 1
    return report.suites[0]


def _relation_exists(url: str, name: str) -> bool:
    with connect(url) as conn:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(row and row[0])


def test_project_suites_pass_on_a_migrated_database(clean_database_url: str) -> None:
    report = run_suites(clean_database_url, SUITES_DIR)

    assert [s.problems for s in report.suites if not s.passed] == []
    assert [s.name for s in report.suites] == sorted(p.name for p in SUITES_DIR.glob("*.sql"))
    assert all(s.planned == len(s.tests) for s in report.suites)
    assert report.tests >= 40

    lines = format_report(report)
    assert len(lines) == len(report.suites) + 2
    for line, suite in zip(lines, report.suites, strict=False):
        assert line.startswith(f"{suite.name} ..")
        assert f" ok ({suite.planned} tests, " in line
    assert lines[-2].startswith(f"Files={len(report.suites)}, Tests={report.tests}, ")
    assert lines[-1] == "Result: PASS"


def test_not_ok_fails_the_suite_and_names_the_test(
    txdb_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        tmp_path,
        "001_planted.sql",
        """
        BEGIN;
        SELECT plan(2);
        SELECT pass('fine');
        SELECT is(1 + 1, 3, 'planted arithmetic failure');
        SELECT * FROM finish();
        ROLLBACK;
        """,
    )
    suite = _only_suite(txdb_url, tmp_path)

    assert not suite.passed
    assert [t.number for t in suite.failed_tests] == [2]
    assert any("not ok 2 - planted arithmetic failure" in p for p in suite.problems)
    assert any("want: 3" in p for p in suite.problems)

    assert run_cli(txdb_url, tmp_path) == 1
    out = capsys.readouterr().out
    assert "001_planted.sql .. FAILED (2 tests, 1 failed" in out
    assert "not ok 2 - planted arithmetic failure" in out
    assert out.rstrip().endswith("Result: FAIL")


@pytest.mark.parametrize(
    ("planned", "assertions", "message"),
    [
        (3, 2, "plan mismatch: planned 3 tests but ran 2"),
        (1, 2, "plan mismatch: planned 1 tests but ran 2"),
    ],
)
def test_plan_mismatch_fails_even_when_every_test_passes(
    txdb_url: str, tmp_path: Path, planned: int, assertions: int, message: str
) -> None:
    passes = "\n".join(f"SELECT pass('p{i}');" for i in range(assertions))
    _write(
        tmp_path,
        "001_plan.sql",
        f"BEGIN;\nSELECT plan({planned});\n{passes}\nSELECT * FROM finish();\nROLLBACK;\n",
    )
    suite = _only_suite(txdb_url, tmp_path)

    assert suite.failed_tests == ()
    assert suite.planned == planned
    assert message in suite.problems[0]


def test_missing_finish_fails(txdb_url: str, tmp_path: Path) -> None:
    _write(
        tmp_path,
        "001_no_finish.sql",
        """
        BEGIN;
        SELECT plan(1);
        SELECT pass('fine');
        ROLLBACK;
        """,
    )
    suite = _only_suite(txdb_url, tmp_path)

    assert not suite.passed
    assert suite.failed_tests == ()
    assert suite.problems == (
        "finish() was never called: end the suite with `SELECT * FROM finish();` before ROLLBACK",
    )


def test_missing_plan_fails(txdb_url: str, tmp_path: Path) -> None:
    _write(tmp_path, "001_no_tests.sql", "BEGIN;\nSELECT 1;\nROLLBACK;\n")
    _write(tmp_path, "002_finish_only.sql", "BEGIN;\nSELECT * FROM finish();\nROLLBACK;\n")
    _write(
        tmp_path,
        "003_tests_without_plan.sql",
        "BEGIN;\nSELECT pass('unplanned');\nSELECT * FROM finish();\nROLLBACK;\n",
    )
    no_tests, finish_only, unplanned = run_suites(txdb_url, tmp_path).suites

    assert no_tests.problems[0].startswith("no plan: the suite ran 0 test(s)")
    assert finish_only.problems[0].startswith("SQL error at line 2")
    assert unplanned.problems[0].startswith("SQL error at line 2")
    for suite in (finish_only, unplanned):
        assert suite.problems[0].endswith("no plan was set before it: call `SELECT plan(N);` first")


def test_sql_error_fails_rolls_back_and_the_next_suite_still_runs(
    txdb_url: str, tmp_path: Path
) -> None:
    _write(
        tmp_path,
        "001_sql_error.sql",
        """
        BEGIN;
        SELECT plan(2);
        CREATE TABLE planted_leftover (id int);
        SELECT pass('before the error');
        SELECT * FROM planted_no_such_table;
        SELECT pass('never reached');
        SELECT * FROM finish();
        ROLLBACK;
        """,
    )
    _write(
        tmp_path,
        "002_after.sql",
        "BEGIN;\nSELECT plan(1);\nSELECT pass('runs');\nSELECT * FROM finish();\nROLLBACK;\n",
    )
    failed, after = run_suites(txdb_url, tmp_path).suites

    assert not failed.passed
    assert len(failed.tests) == 1
    assert failed.problems[0].startswith("SQL error at line 5 (statement 5:")
    assert '[42P01]: relation "planted_no_such_table" does not exist' in failed.problems[0]
    assert not _relation_exists(txdb_url, "planted_leftover")
    assert after.passed


def test_suite_that_would_commit_is_refused_unrun(txdb_url: str, tmp_path: Path) -> None:
    _write(
        tmp_path,
        "001_commits.sql",
        """
        BEGIN;
        SELECT plan(1);
        CREATE TABLE planted_committed (id int);
        SELECT pass('fine');
        SELECT * FROM finish();
        COMMIT;
        """,
    )
    _write(
        tmp_path,
        "002_no_begin.sql",
        "SELECT plan(1);\nSELECT pass('x');\nSELECT * FROM finish();\nROLLBACK;\n",
    )
    commits, no_begin = run_suites(txdb_url, tmp_path).suites

    assert "must end with ROLLBACK (line 6 is 'COMMIT')" in commits.problems[0]
    assert commits.problems[-1] == "the suite was not run"
    assert commits.tests == ()
    assert not _relation_exists(txdb_url, "planted_committed")
    assert "must start with BEGIN (line 1 starts with 'SELECT plan(1)')" in no_begin.problems[0]


def test_syntax_error_is_reported_with_its_line(txdb_url: str, tmp_path: Path) -> None:
    _write(tmp_path, "001_syntax.sql", "BEGIN;\nSELECT plan(1);\nSELEC pass();\nROLLBACK;\n")
    suite = _only_suite(txdb_url, tmp_path)

    assert suite.problems == ('syntax error at line 3: syntax error at or near "SELEC"',)


def test_todo_failures_and_skips_do_not_fail_the_suite(txdb_url: str, tmp_path: Path) -> None:
    _write(
        tmp_path,
        "001_todo.sql",
        """
        BEGIN;
        SELECT plan(4);
        SELECT * FROM todo('not built yet', 2);
        SELECT fail('known gap');
        SELECT fail();
        SELECT skip('not on this server', 1);
        SELECT pass('fine');
        SELECT * FROM finish();
        ROLLBACK;
        """,
    )
    suite = _only_suite(txdb_url, tmp_path)

    assert suite.passed, suite.problems
    assert [(t.ok, t.directive) for t in suite.tests] == [
        (False, "TODO not built yet"),
        (False, "TODO not built yet"),
        (True, "SKIP not on this server"),
        (True, ""),
    ]
    assert suite.tests[0].description == "known gap"


def test_installs_pgtap_when_missing(
    empty_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        tmp_path,
        "001_ok.sql",
        "BEGIN;\nSELECT plan(1);\nSELECT pass('x');\nSELECT * FROM finish();\nROLLBACK;\n",
    )
    assert run_cli(empty_database_url, tmp_path) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("001_ok.sql .. ok (1 tests, ")
    assert lines[1].startswith("Files=1, Tests=1, ")
    assert lines[2] == "Result: PASS"
    with connect(empty_database_url) as conn:
        assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pgtap'").fetchone()


def test_connection_error_exits_2_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "001_x.sql", "BEGIN;\nSELECT plan(0);\nROLLBACK;\n")
    code = run_cli("postgresql://postgres:s3cr3t-pw@127.0.0.1:1/nowhere", tmp_path)

    captured = capsys.readouterr()
    assert code == 2
    assert "cannot connect" in captured.err
    assert "s3cr3t-pw" not in captured.err + captured.out


@pytest.mark.parametrize("make_dir", [True, False])
def test_no_suites_exits_2(
    txdb_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_dir: bool
) -> None:
    directory = tmp_path / "suites"
    if make_dir:
        directory.mkdir()
    assert run_cli(txdb_url, directory) == 2
    err = capsys.readouterr().err
    assert ("no pgTAP suites" if make_dir else "does not exist") in err


def test_report_lists_every_problem_under_its_suite(txdb_url: str, tmp_path: Path) -> None:
    _write(
        tmp_path,
        "001_two_problems.sql",
        "BEGIN;\nSELECT plan(2);\nSELECT fail('planted');\nROLLBACK;\n",
    )
    lines = format_report(run_suites(txdb_url, tmp_path))

    assert lines[0].startswith("001_two_problems.sql .. FAILED (1 of 2 planned tests, 1 failed")
    assert "    plan mismatch: planned 2 tests but ran 1; make plan(N) match" in "\n".join(lines)
    assert any(line.startswith("    finish() was never called") for line in lines)
    assert any(line == "    not ok 1 - planted" for line in lines)
    assert lines[-1] == "Result: FAIL"
