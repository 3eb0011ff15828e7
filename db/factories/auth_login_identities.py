"""Factory of complete `auth_login_identities` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from db.factories._build import build_row, new_id, now, unique, unique_email
from db.row_schemas.auth_login_identities import AuthLoginIdentitiesRowShape


def create_auth_login_identities_factory(*, user_id: UUID, **overrides: Any) -> dict[str, Any]:
    """Return an unverified Google `auth_login_identities` row with a unique subject."""
    defaults: AuthLoginIdentitiesRowShape = {
        "id": new_id(),
        "user_id": user_id,
        "provider": "google",
        "provider_subject": unique("auth-login-provider-subject"),
        "email": unique_email("auth-login-identity"),
        "email_verified": False,
        "created_at": now(),
    }
    return build_row("auth_login_identities", AuthLoginIdentitiesRowShape, defaults, overrides)
