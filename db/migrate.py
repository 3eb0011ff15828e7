"""Migration runner (journal, advisory lock, checksums) and desired-state applier."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

import pglast
import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from db.client import normalize_url, safe_url
from db.errors import DbError, redact

JOURNAL_TABLE: Final = "__tx_agent_migrations"
NO_TRANSACTION_MARKER: Final = "-- txdb:no-transaction"
MIGRATION_NAME: Final = re.compile(r"^(?P<number>[0-9]{4})_[a-z0-9]+(?:_[a-z0-9]+)*\.sql$")
# Arbitrary but fixed keys: every runner of every process contends on the same lock.
MIGRATION_LOCK_KEY: Final = 7_461_202_601
DESIRED_STATE_LOCK_KEY: Final = 7_461_202_602
CONNECT_TIMEOUT_S: Final = 5

MigrationState = Literal["applied", "pending", "drifted", "missing"]

_CREATE_JOURNAL: Final = sql.SQL(
    "CREATE TABLE IF NOT EXISTS {} ("
    " name text PRIMARY KEY,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now(),"
    " execution_ms integer NOT NULL)"
).format(sql.Identifier(JOURNAL_TABLE))
_INSERT_JOURNAL: Final = sql.SQL(
    "INSERT INTO {} (name, checksum, execution_ms) VALUES (%s, %s, %s)"
).format(sql.Identifier(JOURNAL_TABLE))
_SELECT_JOURNAL: Final = sql.SQL("SELECT name, checksum, applied_at FROM {} ORDER BY name").format(
    sql.Identifier(JOURNAL_TABLE)
)


class MigrationError(RuntimeError):
    """A migration or desired-state run failed; the message says which file and what to do."""


class ConnectionFailedError(MigrationError):
    """The database could not be reached (the message never contains the password)."""


@dataclass(frozen=True)
class MigrationFile:
    """One file of the migrations directory."""

    name: str
    path: Path
    text: str
    checksum: str

    @property
    def no_transaction(self) -> bool:
        """Whether the file asks to run outside a transaction, statement by statement."""
        first_line = self.text.lstrip("\ufeff").split("\n", 1)[0]
        return first_line.strip() == NO_TRANSACTION_MARKER


@dataclass(frozen=True)
class AppliedMigration:
    """A file applied by this run and how long it took."""

    name: str
    execution_ms: int


@dataclass(frozen=True)
class MigrationRun:
    """What one `apply_migrations` call did."""

    applied: tuple[AppliedMigration, ...]
    skipped: tuple[str, ...]
    missing: tuple[str, ...]
    lock_wait_ms: int


@dataclass(frozen=True)
class MigrationStatus:
    """The state of one migration: on disk and/or in the journal."""

    name: str
    state: MigrationState
    applied_at: datetime | None


@dataclass(frozen=True)
class _JournalRow:
    name: str
    checksum: str
    applied_at: datetime


def checked_url(url: str) -> URL:
    """Return URL normalised for SQLAlchemy; a malformed URL raises `ConnectionFailedError`."""
    try:
        return normalize_url(url)
    except DbError as exc:
        raise ConnectionFailedError(exc.message) from exc


def libpq_url(url: str) -> str:
    """Return URL in the plain `postgresql://` form libpq understands."""
    return checked_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return redact(lines[0] if lines else type(exc).__name__)


def connection_failed(url: str, exc: BaseException) -> ConnectionFailedError:
    """Return the error for a failed connection to URL: what failed and what to do, no password."""
    return ConnectionFailedError(
        f"cannot connect to {safe_url(url)}: {_first_line(exc)}\n"
        "Check that PostgreSQL is running and that --url or DATABASE_URL points at it."
    )


@contextmanager
def connect(url: str) -> Iterator[psycopg.Connection]:
    """Open an autocommit connection to URL; on failure raise a password-free error."""
    try:
        conn = psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.Error as exc:
        raise connection_failed(url, exc) from exc
    with conn:
        try:
            yield conn
        except psycopg.Error as exc:
            raise MigrationError(f"database error: {_first_line(exc)}") from exc


def checksum_of(data: bytes) -> str:
    """Return the checksum recorded in the journal for a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def read_migrations(directory: Path) -> list[MigrationFile]:
    """Return the `.sql` files of DIRECTORY in apply order; reject bad names and duplicates."""
    if not directory.is_dir():
        raise MigrationError(f"migrations directory {directory} does not exist")
    files: list[MigrationFile] = []
    numbers: dict[str, str] = {}
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".sql") or not path.is_file():
            continue
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise MigrationError(
                f"migration file {path.name!r} is misnamed: rename it to NNNN_snake_case.sql "
                "(four digits, an underscore, lowercase words joined by underscores)"
            )
        number = match.group("number")
        if number in numbers:
            raise MigrationError(
                f"migrations {numbers[number]!r} and {path.name!r} share the number {number}: "
                "give the newer one the next free number"
            )
        numbers[number] = path.name
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MigrationError(f"migration {path.name} is not valid UTF-8: {exc}") from exc
        files.append(MigrationFile(path.name, path, text, checksum_of(data)))
    return files


def _journal(conn: psycopg.Connection) -> dict[str, _JournalRow]:
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (JOURNAL_TABLE,)).fetchone()
    if exists is None or not exists[0]:
        return {}
    rows = conn.execute(_SELECT_JOURNAL).fetchall()
    return {row[0]: _JournalRow(row[0], row[1], row[2]) for row in rows}


def _check_not_drifted(files: list[MigrationFile], journal: dict[str, _JournalRow]) -> None:
    drifted = [
        f.name for f in files if f.name in journal and journal[f.name].checksum != f.checksum
    ]
    if drifted:
        names = ", ".join(drifted)
        raise MigrationError(
            f"applied migration(s) changed on disk: {names}. Applied migrations are immutable: "
            "restore the original content and put the change in a new migration file"
        )


_Statement = tuple[int, str]


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, max(position - 1, 0)) + 1


def _describe_failure(
    migration: MigrationFile, exc: psycopg.Error, statements: list[_Statement], index: int
) -> str:
    diag = exc.diag
    offset, _sql = statements[index]
    position = diag.statement_position
    if position is not None and position.isdigit():
        where = f" at line {_line_of(migration.text, offset + int(position))}"
    else:
        where = f" at line {_line_of(migration.text, offset + 1)}"
    if len(statements) > 1:
        where += f" (statement {index + 1} of {len(statements)})"
    detail = (diag.message_primary or str(exc)).strip()
    state = f" [{exc.sqlstate}]" if exc.sqlstate else ""
    return redact(f"migration {migration.name} failed{where}{state}: {detail}")


def _split(migration: MigrationFile) -> tuple[list[_Statement], bool]:
    """Return the file's statements with their offsets, and whether it has BEGIN/COMMIT."""
    try:
        slices = pglast.split(migration.text, with_parser=True, only_slices=True)
        parsed = pglast.parse_sql(migration.text)
    except pglast.parser.ParseError:
        # Let the server report the syntax error (with its position) on the whole file.
        return [(0, migration.text)], False
    own_transaction = any(isinstance(raw.stmt, pglast.ast.TransactionStmt) for raw in parsed)
    return [(s.start or 0, migration.text[s]) for s in slices], own_transaction


def _run_statements(
    conn: psycopg.Connection, migration: MigrationFile, statements: list[_Statement], note: str
) -> None:
    for index, (_offset, statement) in enumerate(statements):
        try:
            conn.execute(statement.encode())
        except psycopg.Error as exc:
            suffix = note.format(done=index)
            raise MigrationError(
                _describe_failure(migration, exc, statements, index) + suffix
            ) from exc


def _apply_in_transaction(conn: psycopg.Connection, migration: MigrationFile) -> int:
    statements, own_transaction = _split(migration)
    if own_transaction:
        raise MigrationError(
            f"migration {migration.name} contains BEGIN/COMMIT/ROLLBACK: remove them (the runner "
            f"wraps each file in a transaction) or start the file with `{NO_TRANSACTION_MARKER}`"
        )
    started = time.monotonic()
    try:
        with conn.transaction():
            _run_statements(
                conn, migration, statements, "; the file was rolled back and nothing after it ran"
            )
            elapsed = round((time.monotonic() - started) * 1000)
            conn.execute(_INSERT_JOURNAL, (migration.name, migration.checksum, elapsed))
    except psycopg.Error as exc:
        raise MigrationError(
            f"migration {migration.name}: journal row failed, file rolled back: {_first_line(exc)}"
        ) from exc
    return elapsed


def _apply_without_transaction(conn: psycopg.Connection, migration: MigrationFile) -> int:
    statements, _own_transaction = _split(migration)
    started = time.monotonic()
    _run_statements(
        conn,
        migration,
        statements,
        "; the file runs without a transaction, so its first {done} statement(s) stay applied "
        "and it is not journaled: make it safe to re-run (e.g. IF NOT EXISTS), then run again",
    )
    elapsed = round((time.monotonic() - started) * 1000)
    try:
        conn.execute(_INSERT_JOURNAL, (migration.name, migration.checksum, elapsed))
    except psycopg.Error as exc:
        raise MigrationError(
            f"migration {migration.name} ran but its journal row failed: {_first_line(exc)}"
        ) from exc
    return elapsed


@contextmanager
def _session_lock(conn: psycopg.Connection, key: int) -> Iterator[int]:
    started = time.monotonic()
    conn.execute("SELECT pg_advisory_lock(%s)", (key,))
    try:
        yield round((time.monotonic() - started) * 1000)
    finally:
        if not conn.closed:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


def apply_migrations(
    url: str, directory: Path, *, out: Callable[[str], None] | None = None
) -> MigrationRun:
    """Apply the pending migrations of DIRECTORY to the database at URL, each exactly once."""
    say = out or (lambda _line: None)
    files = read_migrations(directory)
    applied: list[AppliedMigration] = []
    skipped: list[str] = []
    with connect(url) as conn, _session_lock(conn, MIGRATION_LOCK_KEY) as lock_wait_ms:
        conn.execute(_CREATE_JOURNAL)
        journal = _journal(conn)
        _check_not_drifted(files, journal)
        for migration in files:
            if migration.name in journal:
                skipped.append(migration.name)
                say(f"skip  {migration.name}")
                continue
            say(f"apply {migration.name}")
            if migration.no_transaction:
                elapsed = _apply_without_transaction(conn, migration)
            else:
                elapsed = _apply_in_transaction(conn, migration)
            applied.append(AppliedMigration(migration.name, elapsed))
            say(f"      {migration.name} applied in {elapsed} ms")
        on_disk = {f.name for f in files}
        missing = tuple(name for name in journal if name not in on_disk)
        for name in missing:
            say(f"warning: {name} is in the journal but not on disk")
    return MigrationRun(tuple(applied), tuple(skipped), missing, lock_wait_ms)


def migration_status(url: str, directory: Path) -> list[MigrationStatus]:
    """Return each migration as applied, pending, drifted (checksum differs) or missing."""
    files = read_migrations(directory)
    with connect(url) as conn:
        journal = _journal(conn)
    result: list[MigrationStatus] = []
    for migration in files:
        row = journal.get(migration.name)
        if row is None:
            result.append(MigrationStatus(migration.name, "pending", None))
        elif row.checksum != migration.checksum:
            result.append(MigrationStatus(migration.name, "drifted", row.applied_at))
        else:
            result.append(MigrationStatus(migration.name, "applied", row.applied_at))
    on_disk = {f.name for f in files}
    for name, row in journal.items():
        if name not in on_disk:
            result.append(MigrationStatus(name, "missing", row.applied_at))
    return sorted(result, key=lambda status: status.name)


def desired_state_files(directory: Path) -> list[Path]:
    """Return every `.sql` file under DIRECTORY, sorted by project-relative path."""
    if not directory.is_dir():
        raise MigrationError(
            f"desired-state directory {directory} does not exist (run `txdb schemas generate`)"
        )
    return sorted(
        (p for p in directory.rglob("*.sql") if p.is_file()),
        key=lambda p: p.relative_to(directory).as_posix(),
    )


def apply_desired_state(url: str, directory: Path) -> list[Path]:
    """Apply every desired-state file under DIRECTORY in one transaction; return the files."""
    paths = desired_state_files(directory)
    with connect(url) as conn:
        current: Path | None = None
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (DESIRED_STATE_LOCK_KEY,))
                for current in paths:
                    conn.execute(current.read_bytes())
        except psycopg.Error as exc:
            name = current.relative_to(directory).as_posix() if current else "?"
            detail = (exc.diag.message_primary or str(exc)).strip()
            raise MigrationError(
                redact(f"desired-state file {name} failed: {detail}; nothing was applied")
            ) from exc
    return paths
