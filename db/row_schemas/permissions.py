"""The decoded row of `permissions`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT


@with_config(STRICT)
class PermissionsRowShape(TypedDict):
    """One row of `permissions`, keyed by column name."""

    id: UUID
    key: str
    created_at: datetime


PermissionsRowSchema: Final = TypeAdapter(PermissionsRowShape)
"""Strict decoder of one `permissions` row."""
