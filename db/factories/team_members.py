"""Factory of complete `team_members` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, new_id, now
from db.row_schemas.team_members import TeamMembersRowShape


def create_team_members_factory(
    *, team_id: UUID, user_id: UUID, **overrides: Any
) -> dict[str, Any]:
    """Return a `team_members` row: USER_ID in TEAM_ID without a role."""
    defaults: TeamMembersRowShape = {
        "id": new_id(),
        "team_id": team_id,
        "user_id": user_id,
        "role_id": None,
        "created_at": now(),
        "updated_at": now(),
    }
    return build_row("team_members", TeamMembersRowShape, defaults, overrides)
