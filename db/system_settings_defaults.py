"""Desired retention settings: the source of the generated `retention_settings` desired state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class RetentionDefault:
    """How long rows of TABLE are kept before the retention job prunes them."""

    table: str
    retention_days: int
    enabled: bool = True


RETENTION_DEFAULTS: Final[dict[str, RetentionDefault]] = {
    "audit_events": RetentionDefault(table="auth_login_audit_events", retention_days=90),
    "invitations": RetentionDefault(table="invitations", retention_days=180),
    "domain_events": RetentionDefault(table="domain_events", retention_days=30),
    "auth_login_sessions": RetentionDefault(table="auth_login_sessions", retention_days=90),
    "auth_login_refresh_tokens": RetentionDefault(
        table="auth_login_refresh_tokens", retention_days=90
    ),
    "auth_login_oidc_states": RetentionDefault(table="auth_login_oidc_states", retention_days=7),
    "password_reset_tokens": RetentionDefault(table="password_reset_tokens", retention_days=30),
    "subscription_events": RetentionDefault(table="subscription_events", retention_days=90),
}

NEVER_PRUNED_TABLES: Final = ("usage_records", "credit_ledger")

RETENTION_SETTINGS_KEY: Final = "retention_settings"

RETENTION_SETTINGS_DESCRIPTION: Final = (
    "Retention policies for automated data pruning. Tables not listed (usage_records, "
    "credit_ledger) are financial audit trails and must never be pruned."
)
