"""pgTAP suite runner: each suite in its own transaction, its TAP output judged strictly.

A suite passes only when it is wrapped in BEGIN ... ROLLBACK, every statement succeeds, it
plans its tests, runs exactly as many as it planned, numbered 1..N, none fails (a `# TODO`
failure is allowed, as in TAP), and it calls `finish()`. Unlike grepping psql output for
`not ok`, this catches plan mismatches, a missing plan or `finish()`, and SQL errors.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pglast
import psycopg
from pglast import ast, visitors
from pglast.enums import TransactionStmtKind
from psycopg.pq import TransactionStatus

from db.errors import redact
from db.migrate import ConnectionFailedError, connect

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2

_PLAN: Final = re.compile(r"^1\.\.(?P<count>\d+)(?:\s*#.*)?$")
_RESULT: Final = re.compile(r"^(?P<not>not )?ok\b(?:\s+(?P<number>\d+))?(?P<rest>.*)$", re.I)
_DIRECTIVE: Final = re.compile(r"(?:^|\s)#\s*(?P<directive>(?:TODO|SKIP)\b.*)$", re.I)
_BAIL_OUT: Final = re.compile(r"^Bail out!", re.IGNORECASE)
_OPENERS: Final = frozenset(
    {TransactionStmtKind.TRANS_STMT_BEGIN, TransactionStmtKind.TRANS_STMT_START}
)
_ENDERS: Final = frozenset(
    {
        TransactionStmtKind.TRANS_STMT_COMMIT,
        TransactionStmtKind.TRANS_STMT_ROLLBACK,
        TransactionStmtKind.TRANS_STMT_PREPARE,
        TransactionStmtKind.TRANS_STMT_COMMIT_PREPARED,
        TransactionStmtKind.TRANS_STMT_ROLLBACK_PREPARED,
    }
)


class PgTapError(RuntimeError):
    """The suites cannot run at all: no suites, or pgTAP cannot be installed."""


@dataclass(frozen=True)
class TapResult:
    """One `ok` / `not ok` line of a suite's output, with the diagnostics printed after it."""

    number: int | None
    ok: bool
    description: str
    directive: str = ""
    diagnostics: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """Whether the test counts as passed (`not ok ... # TODO` does, as in TAP)."""
        return self.ok or self.directive.upper().startswith("TODO")

    def line(self) -> str:
        """Return the test's TAP line."""
        status = "ok" if self.ok else "not ok"
        number = f" {self.number}" if self.number is not None else ""
        description = f" - {self.description}" if self.description else ""
        directive = f" # {self.directive}" if self.directive else ""
        return f"{status}{number}{description}{directive}"


@dataclass(frozen=True)
class SuiteResult:
    """What running one suite gave: its plan, its tests, and every reason it failed."""

    name: str
    planned: int | None
    tests: tuple[TapResult, ...]
    problems: tuple[str, ...]
    tap: tuple[str, ...] = ()
    elapsed_ms: int = 0

    @property
    def passed(self) -> bool:
        """Whether the suite passed."""
        return not self.problems

    @property
    def failed_tests(self) -> tuple[TapResult, ...]:
        """The tests that failed."""
        return tuple(test for test in self.tests if not test.passed)

    def summary(self, width: int = 0) -> str:
        """Return the suite's one-line TAP summary, the name padded with dots to WIDTH."""
        counts = f"{len(self.tests)} tests"
        if self.planned is not None and self.planned != len(self.tests):
            counts = f"{len(self.tests)} of {self.planned} planned tests"
        if self.failed_tests:
            counts += f", {len(self.failed_tests)} failed"
        verdict = "ok" if self.passed else "FAILED"
        dots = "." * max(2, width - len(self.name) + 2)
        return f"{self.name} {dots} {verdict} ({counts}, {self.elapsed_ms} ms)"


@dataclass(frozen=True)
class SuitesReport:
    """The results of every suite of a directory, in run order."""

    suites: tuple[SuiteResult, ...]
    elapsed_ms: int = 0

    @property
    def passed(self) -> bool:
        """Whether every suite passed."""
        return all(suite.passed for suite in self.suites)

    @property
    def tests(self) -> int:
        """How many tests ran in all."""
        return sum(len(suite.tests) for suite in self.suites)

    @property
    def failed(self) -> tuple[SuiteResult, ...]:
        """The suites that failed."""
        return tuple(suite for suite in self.suites if not suite.passed)


@dataclass(frozen=True)
class _Statement:
    line: int
    sql: str
    node: ast.Node | None


@dataclass
class _Output:
    """TAP lines collected from a suite and parsed as they arrive."""

    lines: list[str] = field(default_factory=list)
    plans: list[int] = field(default_factory=list)
    tests: list[TapResult] = field(default_factory=list)
    bail_out: str | None = None

    def feed(self, text: str) -> None:
        for line in text.splitlines():
            self.lines.append(line)
            self._parse(line)

    def _parse(self, line: str) -> None:
        stripped = line.strip()
        if plan := _PLAN.match(stripped):
            self.plans.append(int(plan.group("count")))
        elif (result := _RESULT.match(stripped)) is not None:
            number = result.group("number")
            rest = result.group("rest")
            directive = _DIRECTIVE.search(rest)
            if directive is not None:
                rest = rest[: directive.start()]
            self.tests.append(
                TapResult(
                    number=int(number) if number is not None else None,
                    ok=result.group("not") is None,
                    description=rest.strip().removeprefix("-").strip(),
                    directive=directive.group("directive").strip() if directive else "",
                )
            )
        elif stripped.startswith("#") and self.tests:
            last = self.tests[-1]
            self.tests[-1] = TapResult(
                last.number,
                last.ok,
                last.description,
                last.directive,
                (*last.diagnostics, stripped),
            )
        elif _BAIL_OUT.match(stripped) and self.bail_out is None:
            self.bail_out = stripped


class _FinishCall(visitors.Visitor):
    """Finds a call of pgTAP's `finish()` anywhere in a statement."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_FuncCall(self, _ancestors: object, node: ast.FuncCall) -> None:
        name = node.funcname[-1] if node.funcname else None
        if isinstance(name, ast.String) and name.sval == "finish":
            self.found = True


def _calls_finish(node: ast.Node | None) -> bool:
    if node is None:
        return False
    finder = _FinishCall()
    finder(node)
    return finder.found


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _statements(text: str) -> list[_Statement]:
    statements: list[_Statement] = []
    for raw in pglast.parse_sql(text):
        start = raw.stmt_location or 0
        end = start + raw.stmt_len if raw.stmt_len else len(text)
        statements.append(_Statement(_line_of(text, start), text[start:end], raw.stmt))
    return statements


def _transaction_kind(statement: _Statement) -> TransactionStmtKind | None:
    node = statement.node
    return node.kind if isinstance(node, ast.TransactionStmt) else None


def _structure_problems(statements: Sequence[_Statement]) -> list[str]:
    """Explain why a suite is not safely wrapped in BEGIN ... ROLLBACK (empty when it is)."""
    if not statements:
        return [
            "the suite is empty: write BEGIN; SELECT plan(N); ...; "
            "SELECT * FROM finish(); ROLLBACK;"
        ]
    problems: list[str] = []
    if _transaction_kind(statements[0]) not in _OPENERS:
        problems.append(
            f"the suite must start with BEGIN (line {statements[0].line} starts with "
            f"{_first_words(statements[0].sql)!r}): every suite runs in its own transaction"
        )
    if _transaction_kind(statements[-1]) != TransactionStmtKind.TRANS_STMT_ROLLBACK:
        problems.append(
            f"the suite must end with ROLLBACK (line {statements[-1].line} is "
            f"{_first_words(statements[-1].sql)!r}) so that it leaves nothing behind"
        )
    for statement in statements[1:-1]:
        kind = _transaction_kind(statement)
        if kind in _OPENERS or kind in _ENDERS:
            problems.append(
                f"line {statement.line}: {_first_words(statement.sql)!r} inside the suite; only "
                "the opening BEGIN and the closing ROLLBACK may control the transaction (use "
                "SAVEPOINT for partial rollbacks)"
            )
    return problems


def _first_words(sql: str, limit: int = 60) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _describe_sql_error(statement: _Statement, index: int, exc: psycopg.Error) -> str:
    diag = exc.diag
    line = statement.line
    position = diag.statement_position
    if position is not None and position.isdigit():
        line += statement.sql.count("\n", 0, max(int(position) - 1, 0))
    state = f" [{exc.sqlstate}]" if exc.sqlstate else ""
    message = (diag.message_primary or str(exc)).strip()
    extra = "".join(
        f"; {label}: {value.strip()}"
        for label, value in (("detail", diag.message_detail), ("hint", diag.message_hint))
        if value
    )
    return redact(
        f"SQL error at line {line} (statement {index}: {_first_words(statement.sql)!r})"
        f"{state}: {message}{extra}"
    )


def _row_text(rows: Iterable[Sequence[object]]) -> Iterable[str]:
    for row in rows:
        for value in row:
            if isinstance(value, str):
                yield value


def _tap_problems(output: _Output, finished: bool) -> list[str]:
    problems: list[str] = []
    ran = len(output.tests)
    if output.bail_out is not None:
        problems.append(f"the suite bailed out: {output.bail_out}")
    if not output.plans:
        problems.append(
            f"no plan: the suite ran {ran} test(s) without `SELECT plan(N);` (or no_plan())"
        )
    elif len(output.plans) > 1:
        problems.append(f"the suite printed {len(output.plans)} plans; call plan() once")
    elif output.plans[0] != ran:
        problems.append(
            f"plan mismatch: planned {output.plans[0]} tests but ran {ran}; make plan(N) "
            "match the number of assertions"
        )
    if not finished:
        problems.append(
            "finish() was never called: end the suite with `SELECT * FROM finish();` "
            "before ROLLBACK"
        )
    for expected, test in enumerate(output.tests, start=1):
        if test.number is not None and test.number != expected:
            problems.append(f"tests out of sequence: expected test {expected}, got {test.number}")
            break
    for test in output.tests:
        if not test.passed:
            problems.append("\n".join((test.line(), *test.diagnostics)))
    return problems


def run_suite(url: str, path: Path, name: str | None = None) -> SuiteResult:
    """Run the suite in PATH in its own transaction on its own connection and judge its TAP."""
    label = name or path.name
    started = time.monotonic()

    def result(planned: int | None, output: _Output, problems: Sequence[str]) -> SuiteResult:
        elapsed = round((time.monotonic() - started) * 1000)
        tests = tuple(output.tests)
        return SuiteResult(label, planned, tests, tuple(problems), tuple(output.lines), elapsed)

    output = _Output()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return result(None, output, [f"cannot read the suite: {exc}"])
    try:
        statements = _statements(text)
    except pglast.parser.ParseError as exc:
        where = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        line = f" at line {_line_of(text, where)}" if where is not None else ""
        return result(None, output, [f"syntax error{line}: {exc.args[0]}"])
    structure = _structure_problems(statements)
    if structure:
        return result(None, output, [*structure, "the suite was not run"])

    finished = False
    sql_error: str | None = None
    with connect(url) as conn:
        for index, statement in enumerate(statements, start=1):
            try:
                cursor = conn.execute(statement.sql.encode())
                if cursor.description is not None:
                    for chunk in _row_text(cursor.fetchall()):
                        output.feed(chunk)
            except psycopg.Error as exc:
                sql_error = _describe_sql_error(statement, index, exc)
                if not output.plans:
                    sql_error += "; no plan was set before it: call `SELECT plan(N);` first"
                if not conn.closed and conn.info.transaction_status != TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")
                break
            finished = finished or _calls_finish(statement.node)
        if not conn.closed and conn.info.transaction_status != TransactionStatus.IDLE:
            conn.execute("ROLLBACK")
    planned = output.plans[0] if output.plans else None
    if sql_error is not None:
        failed = [
            "\n".join((test.line(), *test.diagnostics)) for test in output.tests if not test.passed
        ]
        return result(planned, output, [sql_error, *failed])
    return result(planned, output, _tap_problems(output, finished))


def suite_paths(directory: Path) -> list[Path]:
    """Return the suites of DIRECTORY (`*.sql`, not recursive) in run order."""
    if not directory.is_dir():
        raise PgTapError(f"pgTAP directory {directory} does not exist (pass --pgtap-dir)")
    paths = sorted(p for p in directory.glob("*.sql") if p.is_file())
    if not paths:
        raise PgTapError(f"no pgTAP suites (*.sql) in {directory}")
    return paths


def ensure_pgtap(url: str) -> None:
    """Install the pgTAP extension in the database at URL unless it is there already."""
    with connect(url) as conn:
        installed = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pgtap'").fetchone()
        if installed is not None:
            return
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
        except psycopg.Error as exc:
            raced = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pgtap'").fetchone()
            if raced is not None:
                return
            reason = (exc.diag.message_primary or str(exc)).strip()
            raise PgTapError(
                redact(
                    f"cannot install pgTAP: {reason}. Install the server package "
                    "postgresql-<major>-pgtap (`make test` does) and connect as a role allowed "
                    "to CREATE EXTENSION"
                )
            ) from exc


def run_suites(url: str, directory: Path) -> SuitesReport:
    """Install pgTAP if missing, then run every suite of DIRECTORY and return the results."""
    paths = suite_paths(directory)
    started = time.monotonic()
    ensure_pgtap(url)
    suites = tuple(run_suite(url, path) for path in paths)
    return SuitesReport(suites, round((time.monotonic() - started) * 1000))


def format_report(report: SuitesReport) -> list[str]:
    """Return the report as lines: one summary per suite, its problems, then the totals."""
    width = max((len(suite.name) for suite in report.suites), default=0)
    lines: list[str] = []
    for suite in report.suites:
        lines.append(suite.summary(width))
        for problem in suite.problems:
            lines.extend(f"    {part}" for part in problem.splitlines())
    lines.append(
        f"Files={len(report.suites)}, Tests={report.tests}, {report.elapsed_ms} ms"
        + (f", failed suites: {len(report.failed)}" if report.failed else "")
    )
    lines.append("Result: PASS" if report.passed else "Result: FAIL")
    return lines


def run_cli(url: str, suites_dir: Path) -> int:
    """Run `txdb pgtap`: print a summary per suite and in total; 0 pass, 1 fail, 2 cannot run."""
    try:
        report = run_suites(url, suites_dir)
    except (ConnectionFailedError, PgTapError) as exc:
        print(f"txdb pgtap: error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    for line in format_report(report):
        print(line)
    return EXIT_OK if report.passed else EXIT_FAILED
