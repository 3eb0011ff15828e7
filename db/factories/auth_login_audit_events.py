"""Factory of complete `auth_login_audit_events` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, new_id, now
from db.row_schemas.auth_login_audit_events import AuthLoginAuditEventsRowShape


def create_auth_login_audit_events_factory(**overrides: Any) -> dict[str, Any]:
    """Return a successful-login `auth_login_audit_events` row without a user."""
    defaults: AuthLoginAuditEventsRowShape = {
        "id": new_id(),
        "user_id": None,
        "event_type": "login_success",
        "status": "success",
        "identifier": None,
        "ip_address": None,
        "metadata": {},
        "created_at": now(),
    }
    return build_row("auth_login_audit_events", AuthLoginAuditEventsRowShape, defaults, overrides)
