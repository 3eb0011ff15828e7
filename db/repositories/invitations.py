"""Invitations to organizations: creation, listing, acceptance, expiry and pruning."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated, Final, Unpack

from pydantic import ConfigDict, StringConstraints, TypeAdapter, with_config
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from typing_extensions import TypedDict

from db.client import provide_db
from db.decode import (
    decode_optional,
    decode_row,
    decode_rows,
    parse_input,
    parse_moment,
    parse_uuid,
    parse_uuids,
)
from db.errors import translate_errors
from db.literals import (
    TERMINAL_INVITATION_STATUSES,
    InvitationRole,
    InvitationStatus,
    MembershipRole,
)
from db.pagination import Filter, Keyset, ListParams, Page
from db.repositories.batched_delete import delete_in_batches
from db.repositories.keyset_page import fetch_page
from db.row_schemas.invitations import InvitationsRowSchema, InvitationsRowShape
from db.schema import invitations, org_members

INVITATION_TTL: Final = timedelta(days=7)
"""How long a new invitation stays acceptable (added to the database's `now()`)."""

InvitationEmail = Annotated[
    str, StringConstraints(min_length=3, max_length=320, pattern=r"^\s*[^@\s]+@[^@\s]+\s*$")
]


@with_config(ConfigDict(strict=True, extra="forbid"))
class InvitationPatch(TypedDict, total=False):
    """The fields `update_by_id` may change; an omitted key keeps the stored value."""

    role: InvitationRole
    status: InvitationStatus


_STRICT: Final = ConfigDict(strict=True)
_EMAIL: Final = TypeAdapter(InvitationEmail, config=_STRICT)
_ROLE: Final = TypeAdapter(InvitationRole, config=_STRICT)
_TOKEN: Final = TypeAdapter(Annotated[str, StringConstraints(max_length=512)], config=_STRICT)
_PATCH: Final = TypeAdapter(InvitationPatch)

INVITATIONS_KEYSET: Final = Keyset(
    sortable={"created_at": invitations.c.created_at, "expires_at": invitations.c.expires_at},
    tiebreaker=invitations.c.id,
    filters={
        "status": Filter(invitations.c.status, TypeAdapter(InvitationStatus, config=_STRICT)),
        "role": Filter(invitations.c.role, TypeAdapter(MembershipRole, config=_STRICT)),
    },
)
"""Sorts and filters allowed when listing a user's invitations."""


class InvitationsRepository:
    """Queries on `invitations` (and the membership an acceptance creates)."""

    async def list_for_invitee_user_id(
        self, invitee_user_id: uuid.UUID | str, params: ListParams | None = None
    ) -> Page[InvitationsRowShape]:
        """Return one page of the invitations addressed to INVITEE_USER_ID."""
        key = parse_uuid(invitee_user_id, "invitee_user_id")
        plan = INVITATIONS_KEYSET.plan(params or ListParams())
        base = select(invitations).where(invitations.c.invitee_user_id == key)
        return await fetch_page(
            plan,
            base,
            InvitationsRowSchema,
            what="invitation",
            context="Failed to list invitations",
        )

    async def get_by_id(self, invitation_id: uuid.UUID | str) -> InvitationsRowShape | None:
        """Return the invitation with this id, or `None`."""
        key = parse_uuid(invitation_id, "invitation_id")
        with translate_errors("Failed to get invitation"):
            async with provide_db() as conn:
                result = await conn.execute(select(invitations).where(invitations.c.id == key))
                return decode_optional(
                    InvitationsRowSchema, result.mappings().first(), "invitation"
                )

    async def get_many_by_ids(
        self, invitation_ids: Sequence[uuid.UUID | str]
    ) -> list[InvitationsRowShape]:
        """Return the invitations among INVITATION_IDS that exist, oldest first."""
        keys = parse_uuids(invitation_ids, "invitation_ids")
        if not keys:
            return []
        statement = (
            select(invitations)
            .where(invitations.c.id.in_(keys))
            .order_by(invitations.c.created_at, invitations.c.id)
        )
        with translate_errors("Failed to get invitations"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_rows(InvitationsRowSchema, result.mappings().all(), "invitation")

    async def create(
        self,
        organization_id: uuid.UUID | str,
        invitee_user_id: uuid.UUID | str | None,
        email: str,
        role: InvitationRole,
        invited_by_user_id: uuid.UUID | str,
    ) -> InvitationsRowShape:
        """Create a pending invitation with a random token, acceptable for 7 days."""
        values = {
            "organization_id": parse_uuid(organization_id, "organization_id"),
            "invitee_user_id": (
                None if invitee_user_id is None else parse_uuid(invitee_user_id, "invitee_user_id")
            ),
            "email": parse_input(_EMAIL, email, "invitation email"),
            "role": parse_input(_ROLE, role, "invitation role"),
            "invited_by_user_id": parse_uuid(invited_by_user_id, "invited_by_user_id"),
            "token": secrets.token_urlsafe(32),
            "expires_at": func.now() + INVITATION_TTL,
        }
        statement = insert(invitations).values(values).returning(invitations)
        with translate_errors("Failed to create invitation"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(InvitationsRowSchema, result.mappings().one(), "invitation")

    async def update_by_id(
        self, invitation_id: uuid.UUID | str, **patch: Unpack[InvitationPatch]
    ) -> InvitationsRowShape | None:
        """Change the given fields of the invitation; `None` if absent."""
        key = parse_uuid(invitation_id, "invitation_id")
        changes = parse_input(_PATCH, patch, "invitation update")
        statement = (
            update(invitations)
            .where(invitations.c.id == key)
            .values(dict(changes))
            .returning(invitations)
            if changes
            else select(invitations).where(invitations.c.id == key)
        )
        with translate_errors("Failed to update invitation"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    InvitationsRowSchema, result.mappings().first(), "invitation"
                )

    async def accept_by_token(
        self, token: str, user_id: uuid.UUID | str
    ) -> InvitationsRowShape | None:
        """Accept USER_ID's pending, unexpired invitation TOKEN and join the org; else `None`."""
        # The UPDATE row-locks the invitation: concurrent callers wait, re-check `pending`
        # and get no row, so exactly one wins. The explicit conflict target keeps an existing
        # membership (and its role) instead of failing or duplicating it.
        valid_token = parse_input(_TOKEN, token, "invitation token")
        key = parse_uuid(user_id, "user_id")
        claim = (
            update(invitations)
            .where(
                invitations.c.token == valid_token,
                invitations.c.invitee_user_id == key,
                invitations.c.status == "pending",
                invitations.c.expires_at >= func.now(),
            )
            .values(status="accepted")
            .returning(invitations)
        )
        with translate_errors("Failed to accept invitation"):
            async with provide_db() as conn:
                result = await conn.execute(claim)
                accepted = decode_optional(
                    InvitationsRowSchema, result.mappings().first(), "invitation"
                )
                if accepted is None:
                    return None
                membership = (
                    pg_insert(org_members)
                    .values(
                        organization_id=accepted["organization_id"],
                        user_id=key,
                        role=accepted["role"],
                    )
                    .on_conflict_do_nothing(
                        index_elements=[org_members.c.organization_id, org_members.c.user_id]
                    )
                )
                await conn.execute(membership)
                return accepted

    async def expire_overdue(self, now: datetime | None = None) -> int:
        """Mark pending invitations whose `expires_at` is before NOW (default: the DB's) expired."""
        cutoff = func.now() if now is None else parse_moment(now, "now")
        statement = (
            update(invitations)
            .where(invitations.c.status == "pending", invitations.c.expires_at < cutoff)
            .values(status="expired")
        )
        with translate_errors("Failed to expire invitations"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount

    async def prune_terminal(self, older_than: datetime) -> int:
        """Delete accepted, revoked and expired invitations created before OLDER_THAN."""
        threshold = parse_moment(older_than, "older_than")
        total = 0
        # One pass per status, so each walks invitations_status_created_at_idx in order.
        for status in TERMINAL_INVITATION_STATUSES:
            total += await delete_in_batches(
                invitations,
                and_(invitations.c.status == status, invitations.c.created_at < threshold),
                context="Failed to prune invitations",
                order_by=invitations.c.created_at,
            )
        return total


invitations_repository = InvitationsRepository()
