"""Every table's RowShape (static row type) and RowSchema (strict runtime decoder)."""

from db.row_schemas.auth_login_audit_events import (
    AuthLoginAuditEventsRowSchema,
    AuthLoginAuditEventsRowShape,
)
from db.row_schemas.auth_login_identities import (
    AuthLoginIdentitiesRowSchema,
    AuthLoginIdentitiesRowShape,
)
from db.row_schemas.auth_login_oidc_states import (
    AuthLoginOidcStatesRowSchema,
    AuthLoginOidcStatesRowShape,
)
from db.row_schemas.auth_login_refresh_tokens import (
    AuthLoginRefreshTokensRowSchema,
    AuthLoginRefreshTokensRowShape,
)
from db.row_schemas.auth_login_sessions import AuthLoginSessionsRowSchema, AuthLoginSessionsRowShape
from db.row_schemas.credit_ledger import CreditLedgerRowSchema, CreditLedgerRowShape
from db.row_schemas.domain_events import DomainEventsRowSchema, DomainEventsRowShape
from db.row_schemas.invitations import InvitationsRowSchema, InvitationsRowShape
from db.row_schemas.org_members import OrgMembersRowSchema, OrgMembersRowShape
from db.row_schemas.organizations import (
    OnboardingData,
    OnboardingGoals,
    OrganizationProfile,
    OrganizationsRowSchema,
    OrganizationsRowShape,
    WorkspaceProfile,
)
from db.row_schemas.password_reset_tokens import (
    PasswordResetTokensRowSchema,
    PasswordResetTokensRowShape,
)
from db.row_schemas.permissions import PermissionsRowSchema, PermissionsRowShape
from db.row_schemas.role_permissions import RolePermissionsRowSchema, RolePermissionsRowShape
from db.row_schemas.roles import RolesRowSchema, RolesRowShape
from db.row_schemas.subscription_events import (
    SubscriptionEventsRowSchema,
    SubscriptionEventsRowShape,
)
from db.row_schemas.system_settings import SystemSettingsRowSchema, SystemSettingsRowShape
from db.row_schemas.team_members import TeamMembersRowSchema, TeamMembersRowShape
from db.row_schemas.teams import BrandSettings, TeamsRowSchema, TeamsRowShape
from db.row_schemas.usage_records import UsageRecordsRowSchema, UsageRecordsRowShape
from db.row_schemas.users import UsersRowSchema, UsersRowShape

__all__ = [
    "AuthLoginAuditEventsRowSchema",
    "AuthLoginAuditEventsRowShape",
    "AuthLoginIdentitiesRowSchema",
    "AuthLoginIdentitiesRowShape",
    "AuthLoginOidcStatesRowSchema",
    "AuthLoginOidcStatesRowShape",
    "AuthLoginRefreshTokensRowSchema",
    "AuthLoginRefreshTokensRowShape",
    "AuthLoginSessionsRowSchema",
    "AuthLoginSessionsRowShape",
    "BrandSettings",
    "CreditLedgerRowSchema",
    "CreditLedgerRowShape",
    "DomainEventsRowSchema",
    "DomainEventsRowShape",
    "InvitationsRowSchema",
    "InvitationsRowShape",
    "OnboardingData",
    "OnboardingGoals",
    "OrgMembersRowSchema",
    "OrgMembersRowShape",
    "OrganizationProfile",
    "OrganizationsRowSchema",
    "OrganizationsRowShape",
    "PasswordResetTokensRowSchema",
    "PasswordResetTokensRowShape",
    "PermissionsRowSchema",
    "PermissionsRowShape",
    "RolePermissionsRowSchema",
    "RolePermissionsRowShape",
    "RolesRowSchema",
    "RolesRowShape",
    "SubscriptionEventsRowSchema",
    "SubscriptionEventsRowShape",
    "SystemSettingsRowSchema",
    "SystemSettingsRowShape",
    "TeamMembersRowSchema",
    "TeamMembersRowShape",
    "TeamsRowSchema",
    "TeamsRowShape",
    "UsageRecordsRowSchema",
    "UsageRecordsRowShape",
    "UsersRowSchema",
    "UsersRowShape",
    "WorkspaceProfile",
]
