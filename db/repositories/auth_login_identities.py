"""External login identities (e.g. Google subjects) linked to users."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, insert, select

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_uuid
from db.errors import translate_errors
from db.literals import AuthLoginProvider
from db.row_schemas.auth_login_identities import (
    AuthLoginIdentitiesRowSchema,
    AuthLoginIdentitiesRowShape,
)
from db.schema import auth_login_identities

_identities = auth_login_identities.c


class AuthLoginIdentitiesRepository:
    """Queries on `auth_login_identities`."""

    async def create(
        self,
        *,
        user_id: uuid.UUID | str,
        provider: AuthLoginProvider,
        provider_subject: str,
        email: str,
        email_verified: bool = False,
    ) -> AuthLoginIdentitiesRowShape:
        """Link an identity; a taken subject or a second link per provider is a unique violation."""
        statement = (
            insert(auth_login_identities)
            .values(
                user_id=parse_uuid(user_id, "user_id"),
                provider=provider,
                provider_subject=provider_subject,
                email=email,
                email_verified=email_verified,
            )
            .returning(auth_login_identities)
        )
        with translate_errors("Failed to create login identity"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(AuthLoginIdentitiesRowSchema, result.mappings().one(), "identity")

    async def find_by_provider_subject(
        self, provider: AuthLoginProvider, provider_subject: str
    ) -> AuthLoginIdentitiesRowShape | None:
        """Return the identity of this provider subject, or `None`."""
        statement = select(auth_login_identities).where(
            _identities.provider == provider, _identities.provider_subject == provider_subject
        )
        with translate_errors("Failed to find login identity by subject"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    AuthLoginIdentitiesRowSchema, result.mappings().first(), "identity"
                )

    async def find_by_user_provider(
        self, user_id: uuid.UUID | str, provider: AuthLoginProvider
    ) -> AuthLoginIdentitiesRowShape | None:
        """Return the user's identity at this provider, or `None`."""
        owner = parse_uuid(user_id, "user_id")
        statement = select(auth_login_identities).where(
            _identities.user_id == owner, _identities.provider == provider
        )
        with translate_errors("Failed to find login identity of user"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    AuthLoginIdentitiesRowSchema, result.mappings().first(), "identity"
                )

    async def delete_by_user_provider(
        self, user_id: uuid.UUID | str, provider: AuthLoginProvider
    ) -> AuthLoginIdentitiesRowShape | None:
        """Unlink the user's identity at this provider and return it, or `None`."""
        owner = parse_uuid(user_id, "user_id")
        statement = (
            delete(auth_login_identities)
            .where(_identities.user_id == owner, _identities.provider == provider)
            .returning(auth_login_identities)
        )
        with translate_errors("Failed to delete login identity"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(
                    AuthLoginIdentitiesRowSchema, result.mappings().first(), "identity"
                )


auth_login_identities_repository = AuthLoginIdentitiesRepository()
