"""Login sessions: create, look up while active, touch, revoke; prune sessions and audit events."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import and_, func, insert, or_, select, update

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_moment, parse_uuid
from db.errors import translate_errors
from db.literals import AuthLoginProvider
from db.repositories.batched_delete import DEFAULT_BATCH_SIZE, delete_in_batches
from db.row_schemas.auth_login_sessions import (
    AuthLoginSessionsRowSchema,
    AuthLoginSessionsRowShape,
)
from db.schema import auth_login_audit_events, auth_login_sessions

TOUCH_THROTTLE: Final = timedelta(seconds=60)
"""`touch_by_id` writes `last_seen_at` at most once per this interval."""

_sessions = auth_login_sessions.c


class AuthLoginSessionsRepository:
    """Queries on `auth_login_sessions`, plus the retention prune of `auth_login_audit_events`."""

    async def create(
        self,
        *,
        user_id: uuid.UUID | str,
        provider: AuthLoginProvider = "password",
        created_ip: str | None = None,
        created_user_agent: str | None = None,
        expires_at: datetime | None = None,
    ) -> AuthLoginSessionsRowShape:
        """Open a session for the user; EXPIRES_AT defaults to the database's now + 30 days."""
        values: dict[str, Any] = {
            "user_id": parse_uuid(user_id, "user_id"),
            "provider": provider,
            "created_ip": created_ip,
            "created_user_agent": created_user_agent,
            "last_seen_at": func.now(),
        }
        if expires_at is not None:
            values["expires_at"] = parse_moment(expires_at, "expires_at")
        statement = insert(auth_login_sessions).values(values).returning(auth_login_sessions)
        with translate_errors("Failed to create login session"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(AuthLoginSessionsRowSchema, result.mappings().one(), "session")

    async def find_active_by_id(
        self, session_id: uuid.UUID | str
    ) -> AuthLoginSessionsRowShape | None:
        """Return the session if it exists, is not revoked and has not expired."""
        key = parse_uuid(session_id, "session_id")
        statement = select(auth_login_sessions).where(
            _sessions.id == key,
            _sessions.revoked_at.is_(None),
            _sessions.expires_at > func.now(),
        )
        with translate_errors("Failed to find active login session"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    AuthLoginSessionsRowSchema, result.mappings().first(), "session"
                )

    async def touch_by_id(self, session_id: uuid.UUID | str) -> bool:
        """Set `last_seen_at` to now unless it was set within the last 60 s; tell if it was."""
        key = parse_uuid(session_id, "session_id")
        statement = (
            update(auth_login_sessions)
            .where(_sessions.id == key, _sessions.last_seen_at < func.now() - TOUCH_THROTTLE)
            .values(last_seen_at=func.now())
        )
        with translate_errors("Failed to touch login session"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount > 0

    async def revoke_by_id(self, session_id: uuid.UUID | str) -> int:
        """Revoke the session if not yet revoked; return 1 if it was, else 0."""
        key = parse_uuid(session_id, "session_id")
        statement = (
            update(auth_login_sessions)
            .where(_sessions.id == key, _sessions.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )
        with translate_errors("Failed to revoke login session"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount

    async def revoke_all_for_user(self, user_id: uuid.UUID | str) -> int:
        """Revoke every unrevoked session of the user; return how many were revoked."""
        owner = parse_uuid(user_id, "user_id")
        statement = (
            update(auth_login_sessions)
            .where(_sessions.user_id == owner, _sessions.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )
        with translate_errors("Failed to revoke login sessions"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount

    async def prune_expired(
        self, older_than: datetime, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> int:
        """Delete sessions expired or revoked before OLDER_THAN (refresh tokens cascade)."""
        older_than = parse_moment(older_than, "older_than")
        predicate = or_(
            and_(_sessions.revoked_at.is_(None), _sessions.expires_at < older_than),
            _sessions.revoked_at < older_than,
        )
        return await delete_in_batches(
            auth_login_sessions,
            predicate,
            context="Failed to prune login sessions",
            batch_size=batch_size,
        )

    async def prune_audit_events(
        self, older_than: datetime, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> int:
        """Delete login audit events created before OLDER_THAN; return the count."""
        older_than = parse_moment(older_than, "older_than")
        return await delete_in_batches(
            auth_login_audit_events,
            auth_login_audit_events.c.created_at < older_than,
            context="Failed to prune login audit events",
            batch_size=batch_size,
            order_by=auth_login_audit_events.c.created_at,
        )


auth_login_sessions_repository = AuthLoginSessionsRepository()
