"""The decoded row of `password_reset_tokens`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT


@with_config(STRICT)
class PasswordResetTokensRowShape(TypedDict):
    """One row of `password_reset_tokens`, keyed by column name."""

    id: UUID
    user_id: UUID
    token_hash: str
    expires_at: datetime
    used_at: datetime | None
    created_at: datetime


PasswordResetTokensRowSchema: Final = TypeAdapter(PasswordResetTokensRowShape)
"""Strict decoder of one `password_reset_tokens` row."""
