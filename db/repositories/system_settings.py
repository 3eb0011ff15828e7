"""System settings (key → JSON object) and the retention settings stored among them."""

from __future__ import annotations

import enum
import logging
from typing import Annotated, Final, Literal

from pydantic import Field, TypeAdapter, with_config
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from typing_extensions import TypedDict

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_input
from db.errors import DbError, translate_errors
from db.json_types import STRICT, JsonObject, JsonObjectSchema
from db.row_schemas.system_settings import SystemSettingsRowSchema, SystemSettingsRowShape
from db.schema import system_settings
from db.system_settings_defaults import RETENTION_SETTINGS_KEY

logger = logging.getLogger(__name__)


MAX_RETENTION_DAYS: Final = 36_500
"""A century: longer retentions are typos (and would overflow the threshold date)."""


class _Omitted(enum.Enum):
    OMITTED = enum.auto()


OMITTED: Final = _Omitted.OMITTED
"""Default of `upsert(description=...)`: keep the stored description."""


@with_config(STRICT)
class RetentionTableConfig(TypedDict):
    """How one logical table is pruned."""

    enabled: bool
    retention_days: Annotated[int | float, Field(gt=0, le=MAX_RETENTION_DAYS, allow_inf_nan=False)]


RetentionSettings = dict[str, RetentionTableConfig]
"""Retention configuration keyed by logical table name."""

RetentionSettingsSchema: Final = TypeAdapter(
    Annotated[RetentionSettings, Field(min_length=1)], config=STRICT
)


class RetentionSettingsError(Exception):
    """The stored retention settings are missing or malformed."""


def parse_retention_settings(value: object) -> RetentionSettings:
    """Validate a stored retention settings value or raise `RetentionSettingsError`."""
    try:
        return parse_input(RetentionSettingsSchema, value, RETENTION_SETTINGS_KEY)
    except DbError as exc:
        raise RetentionSettingsError(
            f"{RETENTION_SETTINGS_KEY!r} is malformed ({exc.message}); expected a non-empty "
            'object {"<table>": {"enabled": <bool>, "retention_days": <number in '
            f"(0, {MAX_RETENTION_DAYS}]>}}}}"
        ) from exc


class SystemSettingsRepository:
    """Queries on `system_settings`."""

    async def get(self, key: str) -> SystemSettingsRowShape | None:
        """Return the setting stored under KEY, or `None`."""
        statement = select(system_settings).where(system_settings.c.key == key)
        with translate_errors("Failed to get system setting"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(SystemSettingsRowSchema, result.mappings().first(), key)

    async def upsert(
        self,
        key: str,
        value: JsonObject,
        description: str | Literal[_Omitted.OMITTED] | None = OMITTED,
    ) -> SystemSettingsRowShape:
        """Store VALUE under KEY; an omitted DESCRIPTION keeps the stored one, `None` clears it."""
        document = parse_input(JsonObjectSchema, value, f"value of setting {key!r}")
        statement = insert(system_settings).values(
            key=key,
            value=document,
            description=None if description is OMITTED else description,
            updated_at=func.now(),
        )
        changes = {"value": statement.excluded.value, "updated_at": func.now()}
        if description is not OMITTED:
            changes["description"] = statement.excluded.description
        upsert = statement.on_conflict_do_update(
            index_elements=[system_settings.c.key], set_=changes
        ).returning(system_settings)
        with translate_errors("Failed to upsert system setting"):
            async with provide_db() as conn:
                result = await conn.execute(upsert)
                return decode_row(SystemSettingsRowSchema, result.mappings().one(), key)

    async def require_retention_settings(self) -> RetentionSettings:
        """Return the stored retention settings; raise `RetentionSettingsError` if absent or bad."""
        try:
            row = await self.get(RETENTION_SETTINGS_KEY)
        except DbError as exc:
            if exc.code != "DB_DECODE_FAILED":
                raise
            raise RetentionSettingsError(
                f"{RETENTION_SETTINGS_KEY!r} is malformed: {exc.message}"
            ) from exc
        if row is None:
            raise RetentionSettingsError(f"system setting {RETENTION_SETTINGS_KEY!r} is missing")
        return parse_retention_settings(row["value"])

    async def get_retention_settings(self) -> RetentionSettings:
        """Return the stored retention settings, or `{}` (with a warning) if missing or bad."""
        try:
            return await self.require_retention_settings()
        except RetentionSettingsError as exc:
            logger.warning("retention settings unavailable, using none: %s", exc)
            return {}


system_settings_repository = SystemSettingsRepository()
