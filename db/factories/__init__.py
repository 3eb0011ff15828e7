"""One factory per table: complete rows built in memory, never persisted; overrides win."""

from db.factories.auth_login_audit_events import create_auth_login_audit_events_factory
from db.factories.auth_login_identities import create_auth_login_identities_factory
from db.factories.auth_login_oidc_states import create_auth_login_oidc_states_factory
from db.factories.auth_login_refresh_tokens import create_auth_login_refresh_tokens_factory
from db.factories.auth_login_sessions import create_auth_login_sessions_factory
from db.factories.credit_ledger import create_credit_ledger_factory
from db.factories.domain_events import create_domain_events_factory
from db.factories.invitations import create_invitations_factory
from db.factories.org_members import create_org_members_factory
from db.factories.organizations import create_organizations_factory
from db.factories.password_reset_tokens import create_password_reset_tokens_factory
from db.factories.permissions import create_permissions_factory
from db.factories.role_permissions import create_role_permissions_factory
from db.factories.roles import create_roles_factory
from db.factories.subscription_events import create_subscription_events_factory
from db.factories.system_settings import create_system_settings_factory
from db.factories.team_members import create_team_members_factory
from db.factories.teams import create_teams_factory
from db.factories.usage_records import create_usage_records_factory
from db.factories.users import create_users_factory

__all__ = [
    "create_auth_login_audit_events_factory",
    "create_auth_login_identities_factory",
    "create_auth_login_oidc_states_factory",
    "create_auth_login_refresh_tokens_factory",
    "create_auth_login_sessions_factory",
    "create_credit_ledger_factory",
    "create_domain_events_factory",
    "create_invitations_factory",
    "create_org_members_factory",
    "create_organizations_factory",
    "create_password_reset_tokens_factory",
    "create_permissions_factory",
    "create_role_permissions_factory",
    "create_roles_factory",
    "create_subscription_events_factory",
    "create_system_settings_factory",
    "create_team_members_factory",
    "create_teams_factory",
    "create_usage_records_factory",
    "create_users_factory",
]
