"""The decoded row of `team_members`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT


@with_config(STRICT)
class TeamMembersRowShape(TypedDict):
    """One row of `team_members`, keyed by column name."""

    id: UUID
    team_id: UUID
    user_id: UUID
    role_id: UUID | None
    created_at: datetime
    updated_at: datetime


TeamMembersRowSchema: Final = TypeAdapter(TeamMembersRowShape)
"""Strict decoder of one `team_members` row."""
