"""The database provider: `Database` owns the async engine; `provide_db()` hands out connections."""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from types import TracebackType
from typing import Final

from sqlalchemy import select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from db.env import DbSettings, db_settings
from db.errors import DbError, redact, translate_errors

DRIVER: Final = "postgresql+psycopg"
_ACCEPTED_SCHEMES: Final = (
    "postgres",
    "postgresql",
    "postgresql+psycopg",
    "postgresql+psycopg_async",
)

_active_database: contextvars.ContextVar[Database | None] = contextvars.ContextVar(
    "txdb_active_database", default=None
)
_active_connection: contextvars.ContextVar[AsyncConnection | None] = contextvars.ContextVar(
    "txdb_active_connection", default=None
)
_default_database: Database | None = None


def normalize_url(url: str | URL) -> URL:
    """Return URL in SQLAlchemy's psycopg form; accept `postgres://` and `postgresql://` too."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError as exc:
        raise DbError("DB_INVALID_INPUT", f"invalid database URL {redact(str(url))!r}") from exc
    if parsed.drivername not in _ACCEPTED_SCHEMES:
        raise DbError(
            "DB_INVALID_INPUT",
            f"unsupported database URL scheme {parsed.drivername!r}: use postgresql://",
        )
    return parsed.set(drivername=DRIVER)


def safe_url(url: str | URL) -> str:
    """Return URL as text, in the scheme the user wrote, with its password hidden."""
    try:
        normalize_url(url)
        parsed = make_url(url) if isinstance(url, str) else url
        return parsed.render_as_string(hide_password=True)
    except (DbError, ArgumentError):
        return redact(str(url))


class Database:
    """An async engine and its pool, opened by `async with` and disposed on exit."""

    def __init__(self, settings: DbSettings) -> None:
        self.settings = settings
        self.url = normalize_url(settings.database_url)
        self._engine: AsyncEngine | None = None
        self._tokens: list[contextvars.Token[Database | None]] = []

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Build a provider for URL with pool settings from the environment."""
        return cls(db_settings(url))

    @classmethod
    def from_env(cls) -> Database:
        """Build a provider from DATABASE_URL and the pool settings in the environment."""
        return cls(db_settings())

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

    @property
    def engine(self) -> AsyncEngine:
        """The async engine, created on first use."""
        if self._engine is None:
            options = ["-c timezone=UTC"]
            if self.settings.statement_timeout_ms:
                options.append(f"-c statement_timeout={self.settings.statement_timeout_ms}")
            self._engine = create_async_engine(
                self.url,
                pool_size=self.settings.pool_size,
                max_overflow=self.settings.max_overflow,
                pool_timeout=self.settings.pool_timeout_s,
                connect_args={
                    "connect_timeout": max(1, round(self.settings.connect_timeout_s)),
                    "options": " ".join(options),
                },
            )
        return self._engine

    async def dispose(self) -> None:
        """Close every pooled connection; the engine is rebuilt on next use."""
        if self._engine is not None:
            engine, self._engine = self._engine, None
            await engine.dispose()

    async def __aenter__(self) -> Database:
        self._tokens.append(_active_database.set(self))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _active_database.reset(self._tokens.pop())
        await self.dispose()

    @contextmanager
    def use(self) -> Iterator[Database]:
        """Make this the database `provide_db()` uses inside the block."""
        token = _active_database.set(self)
        try:
            yield self
        finally:
            _active_database.reset(token)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """Run the block in one transaction (a savepoint when nested) and yield its handle."""
        outer = _active_connection.get()
        if outer is not None and outer.engine.url == self.engine.url:
            async with outer.begin_nested():
                yield outer
            return
        with translate_errors("transaction"), self.use():
            async with self.engine.begin() as conn:
                token = _active_connection.set(conn)
                try:
                    yield conn
                finally:
                    _active_connection.reset(token)

    async def ping(self) -> None:
        """Check that the server answers; raise `DbError` (password hidden) when it does not."""
        with translate_errors(f"cannot connect to {safe_url(self.settings.database_url)}"):
            async with self.engine.connect() as conn:
                await conn.execute(select(1))

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """Yield a connection in its own transaction: commit on success, roll back on error."""
        # Errors are not translated here: the caller's `translate_errors(context)` surrounds
        # this block and names what failed.
        async with self.engine.begin() as conn:
            yield conn


def active_database() -> Database:
    """Return the database set by `use()`/`async with`, else the process default from env."""
    global _default_database
    database = _active_database.get()
    if database is not None:
        return database
    if _default_database is None:
        _default_database = Database.from_env()
    return _default_database


async def close_default_database() -> None:
    """Dispose the process-default database, if one was created."""
    global _default_database
    if _default_database is not None:
        database, _default_database = _default_database, None
        await database.dispose()


@asynccontextmanager
async def provide_db() -> AsyncIterator[AsyncConnection]:
    """Yield the active transaction's connection, or one in its own short transaction."""
    outer = _active_connection.get()
    if outer is not None:
        yield outer
        return
    async with active_database().connect() as conn:
        yield conn
