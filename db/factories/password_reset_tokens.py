"""Factory of complete `password_reset_tokens` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, from_now, new_id, now, unique
from db.row_schemas.password_reset_tokens import PasswordResetTokensRowShape


def create_password_reset_tokens_factory(*, user_id: UUID, **overrides: Any) -> dict[str, Any]:
    """Return a `password_reset_tokens` row: unused, expiring in 30 minutes."""
    defaults: PasswordResetTokensRowShape = {
        "id": new_id(),
        "user_id": user_id,
        "token_hash": unique("reset-token-hash"),
        "expires_at": from_now(minutes=30),
        "used_at": None,
        "created_at": now(),
    }
    return build_row("password_reset_tokens", PasswordResetTokensRowShape, defaults, overrides)
