"""Factory of complete `auth_login_oidc_states` rows for tests; it never touches the database."""

from __future__ import annotations

from typing import Any

from db.factories._build import build_row, from_now, new_id, now, unique
from db.row_schemas.auth_login_oidc_states import AuthLoginOidcStatesRowShape


def create_auth_login_oidc_states_factory(**overrides: Any) -> dict[str, Any]:
    """Return an unconsumed Google `auth_login_oidc_states` row expiring in 10 minutes."""
    defaults: AuthLoginOidcStatesRowShape = {
        "id": new_id(),
        "provider": "google",
        "state": unique("auth-login-oidc-state"),
        "nonce": unique("auth-login-oidc-nonce"),
        "code_verifier": unique("auth-login-oidc-code-verifier"),
        "redirect_uri": "http://localhost/callback",
        "requester_ip": None,
        "expires_at": from_now(minutes=10),
        "consumed_at": None,
        "created_at": now(),
    }
    return build_row("auth_login_oidc_states", AuthLoginOidcStatesRowShape, defaults, overrides)
