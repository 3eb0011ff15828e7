"""The decoded row of `auth_login_audit_events`: static shape and strict runtime decoder."""

from datetime import datetime
from typing import Final
from uuid import UUID

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from db.json_types import STRICT, FlatJsonObject
from db.literals import AuthLoginAuditEventType, AuthLoginAuditStatus


@with_config(STRICT)
class AuthLoginAuditEventsRowShape(TypedDict):
    """One row of `auth_login_audit_events`, keyed by column name."""

    id: UUID
    user_id: UUID | None
    event_type: AuthLoginAuditEventType
    status: AuthLoginAuditStatus
    identifier: str | None
    ip_address: str | None
    metadata: FlatJsonObject
    created_at: datetime


AuthLoginAuditEventsRowSchema: Final = TypeAdapter(AuthLoginAuditEventsRowShape)
"""Strict decoder of one `auth_login_audit_events` row."""
