"""Login audit trail: record events, read a user's recent events."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Final

from sqlalchemy import insert, select

from db.client import provide_db
from db.decode import decode_row, decode_rows, parse_input, parse_uuid
from db.errors import DbError, translate_errors
from db.json_types import FlatJsonObject, FlatJsonObjectSchema
from db.literals import AuthLoginAuditEventType, AuthLoginAuditStatus
from db.row_schemas.auth_login_audit_events import (
    AuthLoginAuditEventsRowSchema,
    AuthLoginAuditEventsRowShape,
)
from db.schema import auth_login_audit_events

MAX_LIST_LIMIT: Final = 500

_events = auth_login_audit_events.c


def _flat_metadata(metadata: Mapping[str, object] | None) -> FlatJsonObject:
    """Return METADATA as a flat JSON object, or raise `DB_INVALID_INPUT`."""
    if metadata is None:
        return {}
    return parse_input(
        FlatJsonObjectSchema,
        dict(metadata),
        "audit metadata (a flat object of strings, numbers, booleans or null)",
    )


class AuthLoginAuditEventsRepository:
    """Queries on `auth_login_audit_events` (pruned by `auth_login_sessions_repository`)."""

    async def create(
        self,
        *,
        event_type: AuthLoginAuditEventType,
        status: AuthLoginAuditStatus,
        user_id: uuid.UUID | str | None = None,
        identifier: str | None = None,
        ip_address: str | None = None,
        metadata: Mapping[str, object] | None = None,
    ) -> AuthLoginAuditEventsRowShape:
        """Record an audit event; METADATA must be flat (nested values are rejected)."""
        statement = (
            insert(auth_login_audit_events)
            .values(
                user_id=None if user_id is None else parse_uuid(user_id, "user_id"),
                event_type=event_type,
                status=status,
                identifier=identifier,
                ip_address=ip_address,
                metadata=_flat_metadata(metadata),
            )
            .returning(auth_login_audit_events)
        )
        with translate_errors("Failed to create login audit event"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(
                    AuthLoginAuditEventsRowSchema, result.mappings().one(), "audit event"
                )

    async def list_for_user(
        self, user_id: uuid.UUID | str, *, limit: int = 50
    ) -> list[AuthLoginAuditEventsRowShape]:
        """Return the user's most recent audit events, newest first, at most LIMIT."""
        owner = parse_uuid(user_id, "user_id")
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise DbError("DB_INVALID_INPUT", f"limit must be between 1 and {MAX_LIST_LIMIT}")
        statement = (
            select(auth_login_audit_events)
            .where(_events.user_id == owner)
            .order_by(_events.created_at.desc(), _events.id.desc())
            .limit(limit)
        )
        with translate_errors("Failed to list login audit events"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_rows(AuthLoginAuditEventsRowSchema, result.mappings(), "audit event")


auth_login_audit_events_repository = AuthLoginAuditEventsRepository()
