"""The decoded row of `auth_login_oidc_states`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT
from db.literals import AuthLoginProvider


@with_config(STRICT)
class AuthLoginOidcStatesRowShape(TypedDict):
    """One row of `auth_login_oidc_states`, keyed by column name."""

    id: UUID
    provider: AuthLoginProvider
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    requester_ip: str | None
    expires_at: datetime
    consumed_at: datetime | None
    created_at: datetime


AuthLoginOidcStatesRowSchema: Final = TypeAdapter(AuthLoginOidcStatesRowShape)
"""Strict decoder of one `auth_login_oidc_states` row."""
