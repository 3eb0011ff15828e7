"""The decoded row of `users`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT


@with_config(STRICT)
class UsersRowShape(TypedDict):
    """One row of `users`, keyed by column name."""

    id: UUID
    email: str
    password_hash: str
    name: str
    password_changed_at: datetime
    created_at: datetime


UsersRowSchema: Final = TypeAdapter(UsersRowShape)
"""Strict decoder of one `users` row."""
