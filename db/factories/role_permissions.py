"""Factory of complete `role_permissions` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, new_id, now
from db.row_schemas.role_permissions import RolePermissionsRowShape


def create_role_permissions_factory(
    *, role_id: UUID, permission_id: UUID, **overrides: Any
) -> dict[str, Any]:
    """Return a `role_permissions` row granting PERMISSION_ID to ROLE_ID."""
    defaults: RolePermissionsRowShape = {
        "id": new_id(),
        "role_id": role_id,
        "permission_id": permission_id,
        "created_at": now(),
    }
    return build_row("role_permissions", RolePermissionsRowShape, defaults, overrides)
