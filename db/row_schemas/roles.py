"""The decoded row of `roles`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT


@with_config(STRICT)
class RolesRowShape(TypedDict):
    """One row of `roles`, keyed by column name."""

    id: UUID
    name: str
    created_at: datetime


RolesRowSchema: Final = TypeAdapter(RolesRowShape)
"""Strict decoder of one `roles` row."""
