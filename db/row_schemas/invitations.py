"""The decoded row of `invitations`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT
from db.literals import InvitationStatus, MembershipRole


@with_config(STRICT)
class InvitationsRowShape(TypedDict):
    """One row of `invitations`, keyed by column name."""

    id: UUID
    organization_id: UUID
    invitee_user_id: UUID | None
    email: str
    role: MembershipRole
    status: InvitationStatus
    invited_by_user_id: UUID
    token: str
    expires_at: datetime
    created_at: datetime


InvitationsRowSchema: Final = TypeAdapter(InvitationsRowShape)
"""Strict decoder of one `invitations` row."""
