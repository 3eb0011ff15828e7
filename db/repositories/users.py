"""Users: sign-up, look-up by id or normalised email, password changes and deletion."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, insert, select, update

from db.client import provide_db
from db.decode import decode_optional, decode_row, parse_uuid
from db.errors import translate_errors
from db.row_schemas.users import UsersRowSchema, UsersRowShape
from db.schema import users


class UsersRepository:
    """Queries on `users`."""

    async def create(self, *, email: str, password_hash: str, name: str) -> UsersRowShape:
        """Insert a user (email stored trimmed and lower-cased) and return it."""
        statement = (
            insert(users)
            .values(email=email, password_hash=password_hash, name=name)
            .returning(users)
        )
        with translate_errors("Failed to create user"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_row(UsersRowSchema, result.mappings().one(), "user")

    async def find_by_email(self, email: str) -> UsersRowShape | None:
        """Return the user whose email matches EMAIL ignoring case and outer spaces."""
        statement = (
            select(users)
            .where(func.lower(func.trim(users.c.email)) == func.lower(func.trim(email)))
            .limit(1)
        )
        with translate_errors("Failed to find user by email"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(UsersRowSchema, result.mappings().first(), "user")

    async def find_by_id(self, user_id: uuid.UUID | str) -> UsersRowShape | None:
        """Return the user with this id, or `None`."""
        key = parse_uuid(user_id, "user_id")
        with translate_errors("Failed to find user by id"):
            async with provide_db() as conn:
                result = await conn.execute(select(users).where(users.c.id == key))
                return decode_optional(UsersRowSchema, result.mappings().first(), "user")

    async def update_password_hash(
        self, user_id: uuid.UUID | str, password_hash: str
    ) -> UsersRowShape | None:
        """Replace the user's password hash and stamp `password_changed_at`; `None` if absent."""
        key = parse_uuid(user_id, "user_id")
        statement = (
            update(users)
            .where(users.c.id == key)
            .values(password_hash=password_hash, password_changed_at=func.now())
            .returning(users)
        )
        with translate_errors("Failed to update user password"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(UsersRowSchema, result.mappings().first(), "user")

    async def delete_by_id(self, user_id: uuid.UUID | str) -> UsersRowShape | None:
        """Delete the user (cascading to sessions, tokens, identities) and return it, or `None`."""
        key = parse_uuid(user_id, "user_id")
        statement = delete(users).where(users.c.id == key).returning(users)
        with translate_errors("Failed to delete user"):
            async with provide_db() as conn:
                result = await conn.execute(statement)
                return decode_optional(UsersRowSchema, result.mappings().first(), "user")


users_repository = UsersRepository()
