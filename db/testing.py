"""pytest plugin: a real PostgreSQL for tests, migrated throwaway databases and row persistence.

Load it with `-p db.testing` (it is also registered as the `txdb` pytest11 entry point).
Server: TXDB_TEST_DATABASE_URL, else 127.0.0.1:5432 as `postgres`, else a throwaway cluster
started with initdb/pg_ctl in a temporary directory (as the `postgres` user when run as root)
and removed at the end of the session. Every database the plugin creates is dropped again.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Table, select
from sqlalchemy.engine import make_url

from db.client import Database
from db.env import testing_database_url
from db.schema import metadata

T = TypeVar("T")

LOCAL_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

Persist = Callable[[Table | str, Mapping[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class PostgresServer:
    """A reachable server: the URL of its maintenance database, and how to stop it if ours."""

    url: str
    cluster_dir: Path | None = None

    def database_url(self, name: str) -> str:
        """Return the URL of database NAME on this server."""
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        raise RuntimeError(f"no PostgreSQL server answers and `{name}` is not installed")
    return candidates[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


def start_throwaway_cluster() -> PostgresServer:
    """Start a private PostgreSQL cluster in a temporary directory on a free port."""
    base = Path(tempfile.mkdtemp(prefix="txdb-cluster-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres", group="postgres")
    port = _free_port()
    subprocess.run(
        _as_server_user(
            [_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_server_user(
            [
                _pg_bin("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "server.log"),
                "-w",
                "-o",
                f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    return PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", cluster_dir=base)


def stop_throwaway_cluster(server: PostgresServer) -> None:
    """Stop a cluster started by `start_throwaway_cluster` and delete its files."""
    if server.cluster_dir is None:
        return
    subprocess.run(
        _as_server_user(
            [_pg_bin("pg_ctl"), "-D", str(server.cluster_dir / "data"), "-m", "immediate", "stop"]
        ),
        check=False,
        capture_output=True,
    )
    shutil.rmtree(server.cluster_dir, ignore_errors=True)


def find_server() -> PostgresServer:
    """Return the configured server, the local one, or a freshly started throwaway cluster."""
    configured = testing_database_url()
    if configured:
        if not _answers(configured):
            raise RuntimeError("TXDB_TEST_DATABASE_URL is set but the server does not answer")
        return PostgresServer(configured)
    if _answers(LOCAL_SERVER_URL):
        return PostgresServer(LOCAL_SERVER_URL)
    return start_throwaway_cluster()


def create_database(server: PostgresServer, prefix: str = "txdb_test") -> str:
    """Create an empty database with a unique name and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    return server.database_url(name)


def drop_database(server: PostgresServer, url: str) -> None:
    """Drop the database at URL, disconnecting anyone still using it."""
    name = make_url(url).database or ""
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def migrate_database(url: str, root: Path) -> None:
    """Apply ROOT's migrations and desired state to the database at URL."""
    from db.migrate import apply_desired_state, apply_migrations

    apply_migrations(url, root / "migrations")
    apply_desired_state(url, root / "schemas")


def reset_database(url: str, root: Path) -> None:
    """Empty every table of the schema and re-apply the desired state, in one transaction."""
    from db.migrate import desired_state_files

    with psycopg.connect(url) as conn:
        # Test data is disposable: do not wait for the WAL flush at commit.
        conn.execute("SET synchronous_commit TO off")
        with conn.transaction():
            for table in reversed(metadata.sorted_tables):
                conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table.name)))
            for path in desired_state_files(root / "schemas"):
                conn.execute(path.read_bytes())


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the plugin's ini options."""
    parser.addini(
        "txdb_project_root",
        "directory holding migrations/ and schemas/ (default: the pytest rootdir)",
        default="",
    )


@pytest.fixture(scope="session")
def txdb_project_root(pytestconfig: pytest.Config) -> Path:
    """The directory whose migrations/ and schemas/ build the test databases."""
    configured = str(pytestconfig.getini("txdb_project_root") or "")
    return Path(configured) if configured else Path(pytestconfig.rootpath)


@pytest.fixture(scope="session")
def txdb_server() -> Iterator[PostgresServer]:
    """A reachable PostgreSQL server for the whole session."""
    server = find_server()
    try:
        yield server
    finally:
        stop_throwaway_cluster(server)


@pytest.fixture(scope="session")
def txdb_url(txdb_server: PostgresServer, txdb_project_root: Path) -> Iterator[str]:
    """URL of a migrated database (desired state applied) shared by the session."""
    url = create_database(txdb_server, "txdb_session")
    try:
        migrate_database(url, txdb_project_root)
        yield url
    finally:
        drop_database(txdb_server, url)


@pytest.fixture
def empty_database_url(txdb_server: PostgresServer) -> Iterator[str]:
    """URL of a brand-new empty database, dropped after the test."""
    url = create_database(txdb_server, "txdb_empty")
    try:
        yield url
    finally:
        drop_database(txdb_server, url)


@pytest.fixture
def clean_database_url(txdb_url: str, txdb_project_root: Path) -> str:
    """The session database, emptied and re-seeded with the desired state for this test."""
    reset_database(txdb_url, txdb_project_root)
    return txdb_url


@pytest.fixture
async def database(clean_database_url: str) -> AsyncIterator[Database]:
    """An open `Database` on the clean session database, active for `provide_db()`."""
    async with Database.from_url(clean_database_url) as db:
        yield db


@pytest.fixture
def persist(database: Database) -> Persist:
    """Insert a factory row into a table (object or name) and return the stored row."""

    async def _persist(table: Table | str, row: Mapping[str, Any]) -> dict[str, Any]:
        target = metadata.tables[table] if isinstance(table, str) else table
        async with database.connect() as conn:
            result = await conn.execute(target.insert().values(dict(row)).returning(target))
            return dict(result.mappings().one())

    return _persist


@contextlib.contextmanager
def server_for_cli() -> Iterator[PostgresServer]:
    """Yield a server for scripts (benchmarks), stopping a throwaway one afterwards."""
    server = find_server()
    try:
        yield server
    finally:
        stop_throwaway_cluster(server)


async def race_in_transactions(
    database: Database,
    racers: int,
    operation: Callable[[], Awaitable[T]],
    *,
    hold_s: float = 0.05,
) -> list[T]:
    """Run OPERATION in RACERS transactions that all start together and hold their locks a while."""
    start_together = asyncio.Barrier(racers)

    async def racer() -> T:
        async with database.transaction() as trx:
            await trx.execute(select(1))  # the transaction is really open before the race
            await start_together.wait()
            outcome = await operation()
            await asyncio.sleep(hold_s)  # keep row locks so the others must wait and re-check
            return outcome

    return list(await asyncio.gather(*(racer() for _ in range(racers))))
