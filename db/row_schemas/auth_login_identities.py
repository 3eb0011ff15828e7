"""The decoded row of `auth_login_identities`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT
from db.literals import AuthLoginProvider


@with_config(STRICT)
class AuthLoginIdentitiesRowShape(TypedDict):
    """One row of `auth_login_identities`, keyed by column name."""

    id: UUID
    user_id: UUID
    provider: AuthLoginProvider
    provider_subject: str
    email: str
    email_verified: bool
    created_at: datetime


AuthLoginIdentitiesRowSchema: Final = TypeAdapter(AuthLoginIdentitiesRowShape)
"""Strict decoder of one `auth_login_identities` row."""
