"""Password reset tokens: issue, consume once, revoke, and prune."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, insert, or_, update

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_moment, parse_uuid
from db.errors import translate_errors
from db.repositories.batched_delete import DEFAULT_BATCH_SIZE, delete_in_batches
from db.row_schemas.password_reset_tokens import (
    PasswordResetTokensRowSchema,
    PasswordResetTokensRowShape,
)
from db.schema import password_reset_tokens

_tokens = password_reset_tokens.c


def _active() -> ColumnElement[bool]:
    """Tokens that can still be used: not used and not expired."""
    return and_(_tokens.used_at.is_(None), _tokens.expires_at > func.now())


class PasswordResetTokensRepository:
    """Queries on `password_reset_tokens` (the caller hashes tokens; only hashes are stored)."""

    async def create(
        self, *, user_id: uuid.UUID | str, token_hash: str
    ) -> PasswordResetTokensRowShape:
        """Store a new unused token for the user, expiring after the database default (30 min)."""
        owner = parse_uuid(user_id, "user_id")
        statement = (
            insert(password_reset_tokens)
            .values(user_id=owner, token_hash=token_hash)
            .returning(password_reset_tokens)
        )
        with translate_errors("Failed to create password reset token"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(
                    PasswordResetTokensRowSchema, result.mappings().one(), "password reset token"
                )

    async def consume_by_token_hash(self, token_hash: str) -> PasswordResetTokensRowShape | None:
        """Mark an active token used and return it; `None` if unknown, used or expired."""
        statement = (
            update(password_reset_tokens)
            .where(_tokens.token_hash == token_hash, _active())
            .values(used_at=func.now())
            .returning(password_reset_tokens)
        )
        with translate_errors("Failed to consume password reset token"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    PasswordResetTokensRowSchema, result.mappings().first(), "password reset token"
                )

    async def revoke_active_for_user(self, user_id: uuid.UUID | str) -> int:
        """Mark every active token of the user used; return how many were revoked."""
        owner = parse_uuid(user_id, "user_id")
        statement = (
            update(password_reset_tokens)
            .where(_tokens.user_id == owner, _active())
            .values(used_at=func.now())
        )
        with translate_errors("Failed to revoke password reset tokens"):
            async with provide_db() as conn:
                return (await conn.execute(statement)).rowcount

    async def prune_expired(
        self, older_than: datetime, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> int:
        """Delete tokens expired, or used and created, before OLDER_THAN; return the count."""
        older_than = parse_moment(older_than, "older_than")
        predicate = or_(
            and_(_tokens.used_at.is_not(None), _tokens.created_at < older_than),
            _tokens.expires_at < older_than,
        )
        return await delete_in_batches(
            password_reset_tokens,
            predicate,
            context="Failed to prune password reset tokens",
            batch_size=batch_size,
        )


password_reset_tokens_repository = PasswordResetTokensRepository()
