"""The decoded row of `org_members`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT
from db.literals import MembershipRole, MembershipType


@with_config(STRICT)
class OrgMembersRowShape(TypedDict):
    """One row of `org_members`, keyed by column name."""

    id: UUID
    organization_id: UUID
    user_id: UUID
    role_id: UUID | None
    role: MembershipRole
    membership_type: MembershipType
    created_at: datetime
    updated_at: datetime


OrgMembersRowSchema: Final = TypeAdapter(OrgMembersRowShape)
"""Strict decoder of one `org_members` row."""
