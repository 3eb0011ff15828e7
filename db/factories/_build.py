"""Shared pieces of every factory: unique values, timestamps and the override merge."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any


def new_id() -> uuid.UUID:
    """Return a fresh random UUID."""
    return uuid.uuid4()


def unique(prefix: str, separator: str = "-") -> str:
    """Return PREFIX followed by a random suffix that no other process will repeat."""
    return f"{prefix}{separator}{uuid.uuid4().hex}"


def unique_email(prefix: str) -> str:
    """Return a unique, already normalised e-mail address starting with PREFIX."""
    return f"{unique(prefix, '.')}@example.com"


def now() -> datetime:
    """Return the current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def from_now(**delta: float) -> datetime:
    """Return the current time shifted by a `timedelta(**DELTA)`."""
    return now() + timedelta(**delta)


def build_row(
    table: str,
    shape: type[Mapping[str, Any]],
    defaults: Mapping[str, Any],
    overrides: Mapping[str, Any],
) -> dict[str, Any]:
    """Merge OVERRIDES over DEFAULTS; reject keys that are not columns of SHAPE."""
    factory = f"create_{table}_factory"
    columns = shape.__annotations__.keys()
    unknown = sorted(set(overrides) - set(columns))
    if unknown:
        raise TypeError(f"{factory}() got unknown column(s): {', '.join(unknown)}")
    missing = sorted(set(columns) - set(defaults) - set(overrides))
    if missing:
        raise TypeError(f"{factory}() has no default for column(s): {', '.join(missing)}")
    return {**defaults, **overrides}
