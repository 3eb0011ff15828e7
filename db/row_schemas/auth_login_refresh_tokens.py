"""The decoded row of `auth_login_refresh_tokens`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT


@with_config(STRICT)
class AuthLoginRefreshTokensRowShape(TypedDict):
    """One row of `auth_login_refresh_tokens`, keyed by column name."""

    id: UUID
    session_id: UUID
    token_hash: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


AuthLoginRefreshTokensRowSchema: Final = TypeAdapter(AuthLoginRefreshTokensRowShape)
"""Strict decoder of one `auth_login_refresh_tokens` row."""
