"""Factory of complete `auth_login_sessions` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, from_now, new_id, now
from db.row_schemas.auth_login_sessions import AuthLoginSessionsRowShape


def create_auth_login_sessions_factory(*, user_id: UUID, **overrides: Any) -> dict[str, Any]:
    """Return an active password `auth_login_sessions` row expiring in 30 days."""
    defaults: AuthLoginSessionsRowShape = {
        "id": new_id(),
        "user_id": user_id,
        "provider": "password",
        "created_ip": None,
        "created_user_agent": None,
        "last_seen_at": now(),
        "expires_at": from_now(days=30),
        "revoked_at": None,
        "created_at": now(),
    }
    return build_row("auth_login_sessions", AuthLoginSessionsRowShape, defaults, overrides)
