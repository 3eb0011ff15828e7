"""The decoded row of `system_settings`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT, JsonObject


@with_config(STRICT)
class SystemSettingsRowShape(TypedDict):
    """One row of `system_settings`, keyed by column name."""

    key: str
    value: JsonObject
    description: str | None
    updated_at: datetime


SystemSettingsRowSchema: Final = TypeAdapter(SystemSettingsRowShape)
"""Strict decoder of one `system_settings` row."""
