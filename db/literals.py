"""Every closed value set of the data layer: a tuple of values and its `Literal` type."""

from __future__ import annotations

from typing import Final, Literal

MEMBERSHIP_ROLES: Final = ("owner", "admin", "member")
MembershipRole = Literal["owner", "admin", "member"]

INVITATION_ROLES: Final = ("admin", "member")
InvitationRole = Literal["admin", "member"]

INVITATION_STATUSES: Final = ("pending", "accepted", "revoked", "expired")
InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]
TERMINAL_INVITATION_STATUSES: Final = ("accepted", "revoked", "expired")

MEMBERSHIP_TYPES: Final = ("team", "client")
MembershipType = Literal["team", "client"]

SUBSCRIPTION_STATUSES: Final = (
    "active",
    "inactive",
    "trialing",
    "past_due",
    "canceled",
    "paused",
    "unpaid",
)
SubscriptionStatus = Literal[
    "active", "inactive", "trialing", "past_due", "canceled", "paused", "unpaid"
]

AUTH_LOGIN_PROVIDERS: Final = ("password", "google")
AuthLoginProvider = Literal["password", "google"]

AUTH_LOGIN_AUDIT_STATUSES: Final = ("success", "failure")
AuthLoginAuditStatus = Literal["success", "failure"]

AUTH_LOGIN_AUDIT_EVENT_TYPES: Final = (
    "login_success",
    "login_failure",
    "password_reset_requested",
    "password_changed",
    "oauth_linked",
    "oauth_unlinked",
    "session_refreshed",
    "session_revoked",
    "account_deleted",
)
AuthLoginAuditEventType = Literal[
    "login_success",
    "login_failure",
    "password_reset_requested",
    "password_changed",
    "oauth_linked",
    "oauth_unlinked",
    "session_refreshed",
    "session_revoked",
    "account_deleted",
]

DOMAIN_EVENT_STATUSES: Final = ("pending", "processing", "published", "failed")
DomainEventStatus = Literal["pending", "processing", "published", "failed"]

DOMAIN_EVENT_TYPES: Final = ("organization.created",)
DomainEventType = Literal["organization.created"]

DOMAIN_EVENT_AGGREGATE_TYPES: Final = ("organization",)
DomainEventAggregateType = Literal["organization"]

USAGE_CATEGORIES: Final = ("openrouter_inference", "workflow_execution", "api_call")
UsageCategory = Literal["openrouter_inference", "workflow_execution", "api_call"]

CREDIT_ENTRY_TYPES: Final = ("adjustment", "charge", "refund", "recharge", "initial_grant")
CreditEntryType = Literal["adjustment", "charge", "refund", "recharge", "initial_grant"]

PERMISSIONS: Final = (
    "view_organization",
    "manage_organization",
    "manage_organization_members",
    "manage_billing",
    "manage_team_members",
    "assign_roles",
    "create_teams",
    "delete_teams",
    "view_workflows",
    "create_workflows",
    "edit_workflows",
    "delete_workflows",
    "execute_workflows",
    "view_analytics",
    "export_analytics",
    "manage_integrations",
    "manage_api_keys",
)
Permission = Literal[
    "view_organization",
    "manage_organization",
    "manage_organization_members",
    "manage_billing",
    "manage_team_members",
    "assign_roles",
    "create_teams",
    "delete_teams",
    "view_workflows",
    "create_workflows",
    "edit_workflows",
    "delete_workflows",
    "execute_workflows",
    "view_analytics",
    "export_analytics",
    "manage_integrations",
    "manage_api_keys",
]

ROLE_PERMISSIONS: Final[dict[MembershipRole, tuple[Permission, ...]]] = {
    "owner": PERMISSIONS,
    "admin": tuple(p for p in PERMISSIONS if p != "manage_organization"),
    "member": ("view_organization", "view_workflows", "execute_workflows", "view_analytics"),
}

SORT_ORDERS: Final = ("asc", "desc")
SortOrder = Literal["asc", "desc"]
