"""Turn driver rows into typed rows through a RowSchema, and caller input into typed values."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final, TypeVar

from pydantic import AwareDatetime, ConfigDict, TypeAdapter, ValidationError

from db.errors import DbError

T = TypeVar("T")

_MOMENT: Final = TypeAdapter(AwareDatetime, config=ConfigDict(strict=True))


def _summary(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(part) for part in error["loc"]) or "row"
        parts.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def decode_row(schema: TypeAdapter[T], row: Mapping[Any, Any], context: str) -> T:
    """Decode one row with SCHEMA or raise `DB_DECODE_FAILED`."""
    try:
        return schema.validate_python(dict(row))
    except ValidationError as exc:
        raise DbError("DB_DECODE_FAILED", f"{context}: row decode failed: {_summary(exc)}") from exc


def decode_optional(
    schema: TypeAdapter[T], row: Mapping[Any, Any] | None, context: str
) -> T | None:
    """Decode ROW with SCHEMA, or return `None` when there is no row."""
    return None if row is None else decode_row(schema, row, context)


def decode_rows(schema: TypeAdapter[T], rows: Iterable[Mapping[Any, Any]], context: str) -> list[T]:
    """Decode every row with SCHEMA or raise `DB_DECODE_FAILED`."""
    return [decode_row(schema, row, context) for row in rows]


def parse_uuid(value: uuid.UUID | str, field: str) -> uuid.UUID:
    """Return VALUE as a UUID, or raise `DB_INVALID_INPUT` naming FIELD."""
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise DbError("DB_INVALID_INPUT", f"{field}: not a valid UUID: {value!r:.80}")


def parse_uuids(values: Iterable[uuid.UUID | str], field: str) -> list[uuid.UUID]:
    """Return every value as a UUID, or raise `DB_INVALID_INPUT` naming FIELD."""
    return [parse_uuid(value, field) for value in values]


def parse_input(schema: TypeAdapter[T], value: object, what: str) -> T:
    """Validate caller input VALUE with SCHEMA, or raise `DB_INVALID_INPUT` naming WHAT."""
    try:
        return schema.validate_python(value)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or what}: {error['msg']}"
            for error in exc.errors()[:3]
        )
        raise DbError("DB_INVALID_INPUT", f"invalid {what}: {problems}") from exc


def parse_moment(value: datetime, field: str) -> datetime:
    """Return VALUE if it is a timezone-aware datetime, else raise `DB_INVALID_INPUT`."""
    return parse_input(_MOMENT, value, field)
