"""Factory of complete `permissions` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, new_id, now, unique
from db.row_schemas.permissions import PermissionsRowShape


def create_permissions_factory(**overrides: Any) -> dict[str, Any]:
    """Return a `permissions` row with a unique key."""
    defaults: PermissionsRowShape = {
        "id": new_id(),
        "key": unique("permission"),
        "created_at": now(),
    }
    return build_row("permissions", PermissionsRowShape, defaults, overrides)
