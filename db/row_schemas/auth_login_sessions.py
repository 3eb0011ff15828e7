"""The decoded row of `auth_login_sessions`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT
from db.literals import AuthLoginProvider


@with_config(STRICT)
class AuthLoginSessionsRowShape(TypedDict):
    """One row of `auth_login_sessions`, keyed by column name."""

    id: UUID
    user_id: UUID
    provider: AuthLoginProvider
    created_ip: str | None
    created_user_agent: str | None
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    created_at: datetime


AuthLoginSessionsRowSchema: Final = TypeAdapter(AuthLoginSessionsRowShape)
"""Strict decoder of one `auth_login_sessions` row."""
