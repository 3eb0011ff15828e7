"""The only module of the package that reads environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/tx_agent_kit"


class EnvError(RuntimeError):
    """An environment variable is missing or malformed."""


@dataclass(frozen=True)
class DbSettings:
    """Connection settings for the database provider."""

    database_url: str
    pool_size: int = 10
    max_overflow: int = 10
    pool_timeout_s: float = 5.0
    connect_timeout_s: float = 5.0
    statement_timeout_ms: int = 0


def _int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise EnvError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise EnvError(f"{name} must be positive, got {value}")
    return value


def database_url() -> str:
    """Return DATABASE_URL; fail in production or staging when it is unset, else a local default."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    if os.environ.get("APP_ENV", os.environ.get("ENV", "")).strip().lower() in (
        "production",
        "staging",
    ):
        raise EnvError("DATABASE_URL must be set in production and staging environments")
    return DEFAULT_DATABASE_URL


def db_settings(url: str | None = None) -> DbSettings:
    """Return the provider settings: URL (given or from env) plus pool sizes and timeouts."""
    return DbSettings(
        database_url=url if url is not None else database_url(),
        pool_size=_int("DB_POOL_SIZE", 10, 1),
        max_overflow=_int("DB_POOL_MAX_OVERFLOW", 10, 0),
        pool_timeout_s=_float("DB_POOL_TIMEOUT_SECONDS", 5.0),
        connect_timeout_s=_float("DB_CONNECT_TIMEOUT_SECONDS", 5.0),
        statement_timeout_ms=_int("DB_STATEMENT_TIMEOUT_MS", 0, 0),
    )


def testing_database_url() -> str | None:
    """Return TXDB_TEST_DATABASE_URL when set (the server the test plugin should use)."""
    return os.environ.get("TXDB_TEST_DATABASE_URL", "").strip() or None
