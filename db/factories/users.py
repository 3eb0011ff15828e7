"""Factory of complete `users` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, new_id, now, unique, unique_email
from db.row_schemas.users import UsersRowShape


def create_users_factory(**overrides: Any) -> dict[str, Any]:
    """Return a `users` row with a unique e-mail and name."""
    defaults: UsersRowShape = {
        "id": new_id(),
        "email": unique_email("user"),
        "password_hash": unique("password-hash"),
        "name": unique("User"),
        "password_changed_at": now(),
        "created_at": now(),
    }
    return build_row("users", UsersRowShape, defaults, overrides)
