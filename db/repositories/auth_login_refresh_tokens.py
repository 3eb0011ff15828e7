"""Refresh tokens of login sessions: issue, consume once, look up, revoke, prune."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_moment, parse_uuid
from db.errors import translate_errors
from db.repositories.batched_delete import DEFAULT_BATCH_SIZE, delete_in_batches
from db.row_schemas.auth_login_refresh_tokens import (
    AuthLoginRefreshTokensRowSchema,
    AuthLoginRefreshTokensRowShape,
)
from db.schema import auth_login_refresh_tokens, auth_login_sessions

_tokens = auth_login_refresh_tokens.c


def _active() -> ColumnElement[bool]:
    """Tokens that can still be exchanged: unused, unrevoked and unexpired."""
    return and_(
        _tokens.used_at.is_(None),
        _tokens.revoked_at.is_(None),
        _tokens.expires_at > func.now(),
    )


class AuthLoginRefreshTokensRepository:
    """Queries on `auth_login_refresh_tokens` (the caller hashes tokens; only hashes are stored)."""

    async def create(
        self,
        *,
        session_id: uuid.UUID | str,
        token_hash: str,
        expires_at: datetime | None = None,
    ) -> AuthLoginRefreshTokensRowShape:
        """Store a new refresh token; EXPIRES_AT defaults to the database's now + 30 days."""
        values: dict[str, Any] = {
            "session_id": parse_uuid(session_id, "session_id"),
            "token_hash": token_hash,
        }
        if expires_at is not None:
            values["expires_at"] = parse_moment(expires_at, "expires_at")
        statement = (
            insert(auth_login_refresh_tokens).values(values).returning(auth_login_refresh_tokens)
        )
        with translate_errors("Failed to create refresh token"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(
                    AuthLoginRefreshTokensRowSchema, result.mappings().one(), "refresh token"
                )

    async def consume_active_by_token_hash(
        self, token_hash: str
    ) -> AuthLoginRefreshTokensRowShape | None:
        """Mark an active token used and return it; `None` if unknown, used, revoked or expired."""
        statement = (
            update(auth_login_refresh_tokens)
            .where(_tokens.token_hash == token_hash, _active())
            .values(used_at=func.now())
            .returning(auth_login_refresh_tokens)
        )
        with translate_errors("Failed to consume refresh token"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    AuthLoginRefreshTokensRowSchema, result.mappings().first(), "refresh token"
                )

    async def find_by_token_hash(self, token_hash: str) -> AuthLoginRefreshTokensRowShape | None:
        """Return the token with this hash in any state (used to detect replays), or `None`."""
        statement = select(auth_login_refresh_tokens).where(_tokens.token_hash == token_hash)
        with translate_errors("Failed to find refresh token"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    AuthLoginRefreshTokensRowSchema, result.mappings().first(), "refresh token"
                )

    async def revoke_active_for_session(self, session_id: uuid.UUID | str) -> int:
        """Revoke the session's active tokens; return how many were revoked."""
        key = parse_uuid(session_id, "session_id")
        statement = (
            update(auth_login_refresh_tokens)
            .where(_tokens.session_id == key, _active())
            .values(revoked_at=func.now())
        )
        with translate_errors("Failed to revoke refresh tokens of session"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount

    async def revoke_all_active_for_user(self, user_id: uuid.UUID | str) -> int:
        """Revoke the active tokens of every session of the user; return how many."""
        owner = parse_uuid(user_id, "user_id")
        sessions_of_user = select(auth_login_sessions.c.id).where(
            auth_login_sessions.c.user_id == owner
        )
        statement = (
            update(auth_login_refresh_tokens)
            .where(_tokens.session_id.in_(sessions_of_user), _active())
            .values(revoked_at=func.now())
        )
        with translate_errors("Failed to revoke refresh tokens of user"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount

    async def prune_expired(
        self, older_than: datetime, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> int:
        """Delete tokens expired, revoked or used before OLDER_THAN; return the count."""
        older_than = parse_moment(older_than, "older_than")
        predicate = or_(
            _tokens.expires_at < older_than,
            _tokens.revoked_at < older_than,
            _tokens.used_at < older_than,
        )
        return await delete_in_batches(
            auth_login_refresh_tokens,
            predicate,
            context="Failed to prune refresh tokens",
            batch_size=batch_size,
        )


auth_login_refresh_tokens_repository = AuthLoginRefreshTokensRepository()
