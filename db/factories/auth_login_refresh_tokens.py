"""Factory of complete `auth_login_refresh_tokens` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, from_now, new_id, now, unique
from db.row_schemas.auth_login_refresh_tokens import AuthLoginRefreshTokensRowShape


def create_auth_login_refresh_tokens_factory(
    *, session_id: UUID, **overrides: Any
) -> dict[str, Any]:
    """Return an active `auth_login_refresh_tokens` row expiring in 30 days."""
    defaults: AuthLoginRefreshTokensRowShape = {
        "id": new_id(),
        "session_id": session_id,
        "token_hash": unique("auth-login-refresh-token-hash"),
        "expires_at": from_now(days=30),
        "used_at": None,
        "revoked_at": None,
        "created_at": now(),
    }
    return build_row(
        "auth_login_refresh_tokens", AuthLoginRefreshTokensRowShape, defaults, overrides
    )
