"""The decoded row of `role_permissions`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT


@with_config(STRICT)
class RolePermissionsRowShape(TypedDict):
    """One row of `role_permissions`, keyed by column name."""

    id: UUID
    role_id: UUID
    permission_id: UUID
    created_at: datetime


RolePermissionsRowSchema: Final = TypeAdapter(RolePermissionsRowShape)
"""Strict decoder of one `role_permissions` row."""
