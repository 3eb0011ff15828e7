"""Factory of complete `invitations` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, from_now, new_id, now, unique, unique_email
from db.row_schemas.invitations import InvitationsRowShape


def create_invitations_factory(
    *, organization_id: UUID, invited_by_user_id: UUID, **overrides: Any
) -> dict[str, Any]:
    """Return a pending member `invitations` row expiring in 7 days."""
    defaults: InvitationsRowShape = {
        "id": new_id(),
        "organization_id": organization_id,
        "invitee_user_id": None,
        "email": unique_email("invite"),
        "role": "member",
        "status": "pending",
        "invited_by_user_id": invited_by_user_id,
        "token": unique("invite", "_"),
        "expires_at": from_now(days=7),
        "created_at": now(),
    }
    return build_row("invitations", InvitationsRowShape, defaults, overrides)
