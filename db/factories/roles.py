"""Factory of complete `roles` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, new_id, now, unique
from db.row_schemas.roles import RolesRowShape


def create_roles_factory(**overrides: Any) -> dict[str, Any]:
    """Return a `roles` row with a unique name."""
    defaults: RolesRowShape = {
        "id": new_id(),
        "name": unique("role"),
        "created_at": now(),
    }
    return build_row("roles", RolesRowShape, defaults, overrides)
