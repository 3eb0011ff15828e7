"""OIDC login states (state, nonce, PKCE verifier): create, consume once, prune."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, update

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_moment
from db.errors import translate_errors
from db.literals import AuthLoginProvider
from db.repositories.batched_delete import DEFAULT_BATCH_SIZE, delete_in_batches
from db.row_schemas.auth_login_oidc_states import (
    AuthLoginOidcStatesRowSchema,
    AuthLoginOidcStatesRowShape,
)
from db.schema import auth_login_oidc_states

_states = auth_login_oidc_states.c


class AuthLoginOidcStatesRepository:
    """Queries on `auth_login_oidc_states`."""

    async def create(
        self,
        *,
        provider: AuthLoginProvider,
        state: str,
        nonce: str,
        code_verifier: str,
        redirect_uri: str,
        requester_ip: str | None = None,
        expires_at: datetime | None = None,
    ) -> AuthLoginOidcStatesRowShape:
        """Store a pending OIDC state; EXPIRES_AT defaults to the database's now + 10 minutes."""
        values: dict[str, Any] = {
            "provider": provider,
            "state": state,
            "nonce": nonce,
            "code_verifier": code_verifier,
            "redirect_uri": redirect_uri,
            "requester_ip": requester_ip,
        }
        if expires_at is not None:
            values["expires_at"] = parse_moment(expires_at, "expires_at")
        statement = insert(auth_login_oidc_states).values(values).returning(auth_login_oidc_states)
        with translate_errors("Failed to create OIDC state"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(AuthLoginOidcStatesRowSchema, result.mappings().one(), "state")

    async def consume_active_by_provider_and_state(
        self, provider: AuthLoginProvider, state: str
    ) -> AuthLoginOidcStatesRowShape | None:
        """Mark an unconsumed, unexpired state consumed and return it; else `None`."""
        statement = (
            update(auth_login_oidc_states)
            .where(
                _states.provider == provider,
                _states.state == state,
                _states.consumed_at.is_(None),
                _states.expires_at > func.now(),
            )
            .values(consumed_at=func.now())
            .returning(auth_login_oidc_states)
        )
        with translate_errors("Failed to consume OIDC state"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    AuthLoginOidcStatesRowSchema, result.mappings().first(), "state"
                )

    async def prune_expired(
        self, older_than: datetime, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> int:
        """Delete states expired or consumed before OLDER_THAN; return the count."""
        older_than = parse_moment(older_than, "older_than")
        return await delete_in_batches(
            auth_login_oidc_states,
            or_(_states.expires_at < older_than, _states.consumed_at < older_than),
            context="Failed to prune OIDC states",
            batch_size=batch_size,
        )


auth_login_oidc_states_repository = AuthLoginOidcStatesRepository()
