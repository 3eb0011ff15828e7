"""Organizations and their memberships: listing, creation with the owner, updates, roles."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Final, NotRequired, Unpack

from pydantic import ConfigDict, StringConstraints, TypeAdapter, with_config
from sqlalchemy import Select, delete, func, insert, null, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from typing_extensions import TypedDict

from db.client import provide_db
from db.decode import decode_optional, decode_row, decode_rows, parse_input, parse_uuid, parse_uuids
from db.errors import translate_errors
from db.json_types import JsonObject
from db.literals import DomainEventAggregateType, DomainEventType
from db.pagination import Keyset, ListParams, Page
from db.repositories.domain_events import insert_domain_event_in_transaction
from db.repositories.keyset_page import fetch_page
from db.row_schemas.org_members import OrgMembersRowSchema, OrgMembersRowShape
from db.row_schemas.organizations import (
    OnboardingData,
    OrganizationsRowSchema,
    OrganizationsRowShape,
)
from db.schema import org_members, organizations

OrganizationName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


@with_config(ConfigDict(strict=True, extra="forbid"))
class OrganizationPatch(TypedDict, total=False):
    """The fields `update` may change; an omitted key keeps the stored value."""

    name: OrganizationName
    onboarding_data: OnboardingData | None


class OrganizationEventInput(TypedDict):
    """The domain event written with a new organization (its aggregate id is the new org's)."""

    event_type: DomainEventType
    aggregate_type: DomainEventAggregateType
    payload: JsonObject
    correlation_id: NotRequired[uuid.UUID | None]


_NAME: Final = TypeAdapter(OrganizationName, config=ConfigDict(strict=True))
_PATCH: Final = TypeAdapter(OrganizationPatch)

ORGANIZATIONS_KEYSET: Final = Keyset(
    sortable={"created_at": organizations.c.created_at, "name": organizations.c.name},
    tiebreaker=organizations.c.id,
)
"""Sorts allowed when listing organizations; no filters."""


def _of_user(user_id: uuid.UUID) -> Select[Any]:
    return (
        select(organizations)
        .join(org_members, org_members.c.organization_id == organizations.c.id)
        .where(org_members.c.user_id == user_id)
    )


async def _insert_with_owner(
    conn: AsyncConnection, name: str, owner_user_id: uuid.UUID
) -> OrganizationsRowShape:
    result = await conn.execute(insert(organizations).values(name=name).returning(organizations))
    organization = decode_row(OrganizationsRowSchema, result.mappings().one(), "organization")
    await conn.execute(
        insert(org_members).values(
            organization_id=organization["id"], user_id=owner_user_id, role="owner"
        )
    )
    return organization


class OrganizationsRepository:
    """Queries on `organizations` and `org_members`."""

    async def list_for_user(
        self, user_id: uuid.UUID | str, params: ListParams | None = None
    ) -> Page[OrganizationsRowShape]:
        """Return one page of the organizations USER_ID is a member of."""
        key = parse_uuid(user_id, "user_id")
        plan = ORGANIZATIONS_KEYSET.plan(params or ListParams())
        base = _of_user(key)
        return await fetch_page(
            plan,
            base,
            OrganizationsRowSchema,
            what="organization",
            context="Failed to list organizations",
        )

    async def get_by_id(self, organization_id: uuid.UUID | str) -> OrganizationsRowShape | None:
        """Return the organization with this id, or `None`."""
        key = parse_uuid(organization_id, "organization_id")
        with translate_errors("Failed to get organization"):
            async with provide_db() as conn:
                result = await conn.execute(select(organizations).where(organizations.c.id == key))
                return decode_optional(
                    OrganizationsRowSchema, result.mappings().first(), "organization"
                )

    async def get_many_by_ids_for_user(
        self, user_id: uuid.UUID | str, organization_ids: Sequence[uuid.UUID | str]
    ) -> list[OrganizationsRowShape]:
        """Return those of ORGANIZATION_IDS that USER_ID belongs to, oldest first."""
        key = parse_uuid(user_id, "user_id")
        keys = parse_uuids(organization_ids, "organization_ids")
        if not keys:
            return []
        statement = (
            _of_user(key)
            .where(organizations.c.id.in_(keys))
            .order_by(organizations.c.created_at, organizations.c.id)
        )
        with translate_errors("Failed to get organizations for user"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_rows(OrganizationsRowSchema, result.mappings().all(), "organization")

    async def create(self, name: str, owner_user_id: uuid.UUID | str) -> OrganizationsRowShape:
        """Create an organization and its owner membership in one transaction."""
        owner = parse_uuid(owner_user_id, "owner_user_id")
        valid_name = parse_input(_NAME, name, "organization name")
        with translate_errors("Failed to create organization"):
            async with provide_db() as conn:
                return await _insert_with_owner(conn, valid_name, owner)

    async def create_with_event(
        self, name: str, owner_user_id: uuid.UUID | str, event: OrganizationEventInput
    ) -> OrganizationsRowShape:
        """Create an organization, its owner membership and EVENT about it: all or nothing."""
        owner = parse_uuid(owner_user_id, "owner_user_id")
        valid_name = parse_input(_NAME, name, "organization name")
        with translate_errors("Failed to create organization with event"):
            async with provide_db() as conn:
                organization = await _insert_with_owner(conn, valid_name, owner)
                await insert_domain_event_in_transaction(
                    conn, {**event, "aggregate_id": organization["id"]}
                )
                return organization

    async def update(
        self, organization_id: uuid.UUID | str, **patch: Unpack[OrganizationPatch]
    ) -> OrganizationsRowShape | None:
        """Change the given fields (`onboarding_data=None` clears it); `None` if absent."""
        key = parse_uuid(organization_id, "organization_id")
        valid = parse_input(_PATCH, patch, "organization update")
        changes: dict[str, object] = dict(valid)
        if "onboarding_data" in changes and changes["onboarding_data"] is None:
            changes["onboarding_data"] = null()
        statement = (
            update(organizations)
            .where(organizations.c.id == key)
            .values(changes)
            .returning(organizations)
            if changes
            else select(organizations).where(organizations.c.id == key)
        )
        with translate_errors("Failed to update organization"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    OrganizationsRowSchema, result.mappings().first(), "organization"
                )

    async def remove(self, organization_id: uuid.UUID | str) -> OrganizationsRowShape | None:
        """Delete the organization (cascading to members, teams, invitations) and return it."""
        key = parse_uuid(organization_id, "organization_id")
        statement = delete(organizations).where(organizations.c.id == key).returning(organizations)
        with translate_errors("Failed to remove organization"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    OrganizationsRowSchema, result.mappings().first(), "organization"
                )

    async def is_member(self, organization_id: uuid.UUID | str, user_id: uuid.UUID | str) -> bool:
        """Tell whether USER_ID belongs to ORGANIZATION_ID."""
        return await self.get_member_role(organization_id, user_id) is not None

    async def get_member_role(
        self, organization_id: uuid.UUID | str, user_id: uuid.UUID | str
    ) -> OrgMembersRowShape | None:
        """Return USER_ID's membership of ORGANIZATION_ID, or `None`."""
        org_key = parse_uuid(organization_id, "organization_id")
        user_key = parse_uuid(user_id, "user_id")
        statement = select(org_members).where(
            org_members.c.organization_id == org_key, org_members.c.user_id == user_key
        )
        with translate_errors("Failed to get member role"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(OrgMembersRowSchema, result.mappings().first(), "member")

    async def get_primary_membership_for_user(
        self, user_id: uuid.UUID | str
    ) -> OrgMembersRowShape | None:
        """Return USER_ID's most recent membership, or `None`."""
        key = parse_uuid(user_id, "user_id")
        statement = (
            select(org_members)
            .where(org_members.c.user_id == key)
            .order_by(org_members.c.created_at.desc(), org_members.c.id.desc())
            .limit(1)
        )
        with translate_errors("Failed to get primary membership"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(OrgMembersRowSchema, result.mappings().first(), "member")

    async def get_member_roles_for_user(
        self, user_id: uuid.UUID | str, organization_ids: Sequence[uuid.UUID | str]
    ) -> list[OrgMembersRowShape]:
        """Return USER_ID's memberships of those of ORGANIZATION_IDS it belongs to."""
        key = parse_uuid(user_id, "user_id")
        keys = parse_uuids(organization_ids, "organization_ids")
        if not keys:
            return []
        statement = (
            select(org_members)
            .where(org_members.c.user_id == key, org_members.c.organization_id.in_(keys))
            .order_by(org_members.c.created_at, org_members.c.id)
        )
        with translate_errors("Failed to get member roles"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_rows(OrgMembersRowSchema, result.mappings().all(), "member")

    async def count_owned_by_user(self, user_id: uuid.UUID | str) -> int:
        """Return how many organizations USER_ID owns."""
        key = parse_uuid(user_id, "user_id")
        statement = (
            select(func.count())
            .select_from(org_members)
            .where(org_members.c.user_id == key, org_members.c.role == "owner")
        )
        with translate_errors("Failed to count owned organizations"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).scalar_one()

    list = list_for_user


organizations_repository = OrganizationsRepository()
