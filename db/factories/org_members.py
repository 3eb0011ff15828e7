"""Factory of complete `org_members` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, new_id, now
from db.row_schemas.org_members import OrgMembersRowShape


def create_org_members_factory(
    *, organization_id: UUID, user_id: UUID, **overrides: Any
) -> dict[str, Any]:
    """Return an `org_members` row: USER_ID as a team member of ORGANIZATION_ID."""
    defaults: OrgMembersRowShape = {
        "id": new_id(),
        "organization_id": organization_id,
        "user_id": user_id,
        "role_id": None,
        "role": "member",
        "membership_type": "team",
        "created_at": now(),
        "updated_at": now(),
    }
    return build_row("org_members", OrgMembersRowShape, defaults, overrides)
