"""Factory of complete `teams` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, new_id, now, unique
from db.row_schemas.teams import TeamsRowShape


def create_teams_factory(*, organization_id: UUID, **overrides: Any) -> dict[str, Any]:
    """Return a `teams` row of ORGANIZATION_ID with a unique name."""
    defaults: TeamsRowShape = {
        "id": new_id(),
        "organization_id": organization_id,
        "name": unique("Team"),
        "website": None,
        "brand_settings": None,
        "created_at": now(),
        "updated_at": now(),
    }
    return build_row("teams", TeamsRowShape, defaults, overrides)
