"""Teams of an organization and their members."""

from __future__ import annotations

import uuid
from typing import Annotated, Final, Unpack

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, with_config
from sqlalchemy import delete, insert, select, update
from typing_extensions import TypedDict

from db.client import provide_db
from db.decode import decode_optional, decode_row, decode_rows, parse_input, parse_uuid
from db.errors import translate_errors
from db.pagination import Keyset, ListParams, Page
from db.repositories.keyset_page import fetch_page
from db.row_schemas.team_members import TeamMembersRowSchema, TeamMembersRowShape
from db.row_schemas.teams import TeamsRowSchema, TeamsRowShape
from db.schema import team_members, teams

TeamName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
DEFAULT_MEMBERS_LIMIT: Final = 500
MAX_MEMBERS_LIMIT: Final = 1000


@with_config(ConfigDict(strict=True, extra="forbid"))
class TeamPatch(TypedDict, total=False):
    """The fields `update` may change; an omitted key keeps the stored value."""

    name: TeamName


_NAME: Final = TypeAdapter(TeamName, config=ConfigDict(strict=True))
_PATCH: Final = TypeAdapter(TeamPatch)
_MEMBERS_LIMIT: Final = TypeAdapter(
    Annotated[int, Field(ge=1, le=MAX_MEMBERS_LIMIT)], config=ConfigDict(strict=True)
)

TEAMS_KEYSET: Final = Keyset(
    sortable={"created_at": teams.c.created_at, "name": teams.c.name},
    tiebreaker=teams.c.id,
)
"""Sorts allowed when listing teams; no filters."""


class TeamsRepository:
    """Queries on `teams` and `team_members`."""

    async def list_for_organization(
        self, organization_id: uuid.UUID | str, params: ListParams | None = None
    ) -> Page[TeamsRowShape]:
        """Return one page of ORGANIZATION_ID's teams."""
        key = parse_uuid(organization_id, "organization_id")
        plan = TEAMS_KEYSET.plan(params or ListParams())
        base = select(teams).where(teams.c.organization_id == key)
        return await fetch_page(
            plan, base, TeamsRowSchema, what="team", context="Failed to list teams"
        )

    async def get_by_id(self, team_id: uuid.UUID | str) -> TeamsRowShape | None:
        """Return the team with this id, or `None`."""
        key = parse_uuid(team_id, "team_id")
        with translate_errors("Failed to get team"):
            async with provide_db() as conn:
                result = await conn.execute(select(teams).where(teams.c.id == key))
                return decode_optional(TeamsRowSchema, result.mappings().first(), "team")

    async def create(self, organization_id: uuid.UUID | str, name: str) -> TeamsRowShape:
        """Create a team in ORGANIZATION_ID and return it."""
        key = parse_uuid(organization_id, "organization_id")
        valid_name = parse_input(_NAME, name, "team name")
        statement = insert(teams).values(organization_id=key, name=valid_name).returning(teams)
        with translate_errors("Failed to create team"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(TeamsRowSchema, result.mappings().one(), "team")

    async def update(
        self, team_id: uuid.UUID | str, **patch: Unpack[TeamPatch]
    ) -> TeamsRowShape | None:
        """Change the given fields of the team; `None` if absent."""
        key = parse_uuid(team_id, "team_id")
        changes = parse_input(_PATCH, patch, "team update")
        statement = (
            update(teams).where(teams.c.id == key).values(dict(changes)).returning(teams)
            if changes
            else select(teams).where(teams.c.id == key)
        )
        with translate_errors("Failed to update team"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(TeamsRowSchema, result.mappings().first(), "team")

    async def remove(self, team_id: uuid.UUID | str) -> TeamsRowShape | None:
        """Delete the team (cascading to its members) and return it, or `None`."""
        key = parse_uuid(team_id, "team_id")
        statement = delete(teams).where(teams.c.id == key).returning(teams)
        with translate_errors("Failed to remove team"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(TeamsRowSchema, result.mappings().first(), "team")

    async def add_member(
        self, team_id: uuid.UUID | str, user_id: uuid.UUID | str
    ) -> TeamMembersRowShape:
        """Add USER_ID to TEAM_ID; a second add raises `DB_UNIQUE_VIOLATION`."""
        team_key = parse_uuid(team_id, "team_id")
        user_key = parse_uuid(user_id, "user_id")
        statement = (
            insert(team_members).values(team_id=team_key, user_id=user_key).returning(team_members)
        )
        with translate_errors("Failed to add team member"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(TeamMembersRowSchema, result.mappings().one(), "team member")

    async def remove_member(
        self, team_id: uuid.UUID | str, user_id: uuid.UUID | str
    ) -> TeamMembersRowShape | None:
        """Remove USER_ID from TEAM_ID and return the membership, or `None`."""
        team_key = parse_uuid(team_id, "team_id")
        user_key = parse_uuid(user_id, "user_id")
        statement = (
            delete(team_members)
            .where(team_members.c.team_id == team_key, team_members.c.user_id == user_key)
            .returning(team_members)
        )
        with translate_errors("Failed to remove team member"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    TeamMembersRowSchema, result.mappings().first(), "team member"
                )

    async def list_members(
        self, team_id: uuid.UUID | str, limit: int = DEFAULT_MEMBERS_LIMIT
    ) -> list[TeamMembersRowShape]:
        """Return up to LIMIT members of TEAM_ID, earliest first."""
        key = parse_uuid(team_id, "team_id")
        valid_limit = parse_input(_MEMBERS_LIMIT, limit, "members limit")
        statement = (
            select(team_members)
            .where(team_members.c.team_id == key)
            .order_by(team_members.c.created_at, team_members.c.id)
            .limit(valid_limit)
        )
        with translate_errors("Failed to list team members"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_rows(TeamMembersRowSchema, result.mappings().all(), "team member")

    list = list_for_organization


teams_repository = TeamsRepository()
