"""Every table of the data layer as a SQLAlchemy Core `Table`, named exactly as in SQL."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ENUM, JSONB, UUID

from db.literals import (
    AUTH_LOGIN_AUDIT_EVENT_TYPES,
    AUTH_LOGIN_AUDIT_STATUSES,
    AUTH_LOGIN_PROVIDERS,
    DOMAIN_EVENT_STATUSES,
    INVITATION_STATUSES,
    MEMBERSHIP_ROLES,
    MEMBERSHIP_TYPES,
    SUBSCRIPTION_STATUSES,
)

metadata = MetaData()

membership_role = ENUM(*MEMBERSHIP_ROLES, name="membership_role", metadata=metadata)
invitation_status = ENUM(*INVITATION_STATUSES, name="invitation_status", metadata=metadata)
membership_type = ENUM(*MEMBERSHIP_TYPES, name="membership_type", metadata=metadata)
subscription_status = ENUM(*SUBSCRIPTION_STATUSES, name="subscription_status", metadata=metadata)
auth_login_provider = ENUM(*AUTH_LOGIN_PROVIDERS, name="auth_login_provider", metadata=metadata)
auth_login_audit_status = ENUM(
    *AUTH_LOGIN_AUDIT_STATUSES, name="auth_login_audit_status", metadata=metadata
)
auth_login_audit_event_type = ENUM(
    *AUTH_LOGIN_AUDIT_EVENT_TYPES, name="auth_login_audit_event_type", metadata=metadata
)
domain_event_status = ENUM(*DOMAIN_EVENT_STATUSES, name="domain_event_status", metadata=metadata)

users = Table(
    "users",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("email", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column(
        "password_changed_at", DateTime(timezone=True), nullable=False, server_default=text("now()")
    ),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("email", name="users_email_key"),
    Index("users_email_ci_unique", func.lower(func.trim(text("email"))), unique=True),
)

password_reset_tokens = Table(
    "password_reset_tokens",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("token_hash", Text, nullable=False),
    Column(
        "expires_at",
        DateTime(timezone=True),
        nullable=False,
        server_default=text("(now() + '00:30:00'::interval)"),
    ),
    Column("used_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("token_hash", name="password_reset_tokens_token_hash_key"),
    Index("password_reset_tokens_user_created_at_idx", "user_id", "created_at"),
    Index("password_reset_tokens_expires_at_idx", "expires_at"),
    Index(
        "password_reset_tokens_user_expires_at_active_idx",
        "user_id",
        "expires_at",
        postgresql_where=text("used_at IS NULL"),
    ),
    Index("password_reset_tokens_created_at_idx", "created_at"),
)

auth_login_sessions = Table(
    "auth_login_sessions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("provider", auth_login_provider, nullable=False, server_default=text("'password'")),
    Column("created_ip", Text),
    Column("created_user_agent", Text),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column(
        "expires_at",
        DateTime(timezone=True),
        nullable=False,
        server_default=text("(now() + '30 days'::interval)"),
    ),
    Column("revoked_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Index("auth_login_sessions_user_created_at_idx", "user_id", "created_at"),
    Index("auth_login_sessions_user_expires_at_idx", "user_id", "expires_at"),
    Index(
        "auth_login_sessions_user_expires_at_active_idx",
        "user_id",
        "expires_at",
        postgresql_where=text("revoked_at IS NULL"),
    ),
    Index("auth_login_sessions_expires_at_idx", "expires_at"),
    Index("auth_login_sessions_revoked_at_idx", "revoked_at"),
)

auth_login_refresh_tokens = Table(
    "auth_login_refresh_tokens",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "session_id",
        UUID(as_uuid=True),
        ForeignKey("auth_login_sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("token_hash", Text, nullable=False),
    Column(
        "expires_at",
        DateTime(timezone=True),
        nullable=False,
        server_default=text("(now() + '30 days'::interval)"),
    ),
    Column("used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("token_hash", name="auth_login_refresh_tokens_token_hash_key"),
    Index("auth_login_refresh_tokens_session_created_at_idx", "session_id", "created_at"),
    Index("auth_login_refresh_tokens_expires_at_idx", "expires_at"),
    Index(
        "auth_login_refresh_tokens_session_expires_at_active_idx",
        "session_id",
        "expires_at",
        postgresql_where=text("used_at IS NULL AND revoked_at IS NULL"),
    ),
)

auth_login_oidc_states = Table(
    "auth_login_oidc_states",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("provider", auth_login_provider, nullable=False, server_default=text("'google'")),
    Column("state", Text, nullable=False),
    Column("nonce", Text, nullable=False),
    Column("code_verifier", Text, nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("requester_ip", Text),
    Column(
        "expires_at",
        DateTime(timezone=True),
        nullable=False,
        server_default=text("(now() + '00:10:00'::interval)"),
    ),
    Column("consumed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("state", name="auth_login_oidc_states_state_key"),
    Index("auth_login_oidc_states_provider_expires_at_idx", "provider", "expires_at"),
    Index(
        "auth_login_oidc_states_expires_at_active_idx",
        "expires_at",
        postgresql_where=text("consumed_at IS NULL"),
    ),
    Index("auth_login_oidc_states_expires_at_idx", "expires_at"),
)

auth_login_identities = Table(
    "auth_login_identities",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("provider", auth_login_provider, nullable=False, server_default=text("'google'")),
    Column("provider_subject", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("email_verified", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint(
        "provider", "provider_subject", name="auth_login_identities_provider_subject_unique"
    ),
    UniqueConstraint("user_id", "provider", name="auth_login_identities_user_provider_unique"),
    Index("auth_login_identities_email_ci_idx", func.lower(func.trim(text("email")))),
)

auth_login_audit_events = Table(
    "auth_login_audit_events",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")),
    Column("event_type", auth_login_audit_event_type, nullable=False),
    Column("status", auth_login_audit_status, nullable=False),
    Column("identifier", Text),
    Column("ip_address", Text),
    Column("metadata", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Index("auth_login_audit_events_user_created_at_idx", "user_id", "created_at"),
    Index("auth_login_audit_events_event_type_created_at_idx", "event_type", "created_at"),
    Index("auth_login_audit_events_created_at_idx", "created_at"),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False),
    Column("billing_email", Text),
    Column("onboarding_data", JSONB),
    Column("stripe_customer_id", Text),
    Column("stripe_subscription_id", Text),
    Column("stripe_payment_method_id", Text),
    Column("stripe_metered_subscription_item_id", Text),
    Column("credits_balance", BigInteger, nullable=False, server_default=text("0")),
    Column("reserved_credits", BigInteger, nullable=False, server_default=text("0")),
    Column("auto_recharge_enabled", Boolean, nullable=False, server_default=text("false")),
    Column("auto_recharge_threshold", BigInteger),
    Column("auto_recharge_amount", BigInteger),
    Column("is_subscribed", Boolean, nullable=False, server_default=text("false")),
    Column(
        "subscription_status",
        subscription_status,
        nullable=False,
        server_default=text("'inactive'"),
    ),
    Column("subscription_plan", Text),
    Column("subscription_started_at", DateTime(timezone=True)),
    Column("subscription_ends_at", DateTime(timezone=True)),
    Column("subscription_current_period_end", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Index(
        "organizations_stripe_customer_id_unique",
        "stripe_customer_id",
        unique=True,
        postgresql_where=text("stripe_customer_id IS NOT NULL"),
    ),
    Index(
        "organizations_stripe_subscription_id_unique",
        "stripe_subscription_id",
        unique=True,
        postgresql_where=text("stripe_subscription_id IS NOT NULL"),
    ),
    Index("organizations_name_id_idx", "name", "id"),
)

roles = Table(
    "roles",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("name", name="roles_name_key"),
)

permissions = Table(
    "permissions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("key", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("key", name="permissions_key_key"),
)

role_permissions = Table(
    "role_permissions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "role_id", UUID(as_uuid=True), ForeignKey("roles.id", ondelete="CASCADE"), nullable=False
    ),
    Column(
        "permission_id",
        UUID(as_uuid=True),
        ForeignKey("permissions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("role_id", "permission_id", name="role_permissions_role_permission_unique"),
)

org_members = Table(
    "org_members",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("role_id", UUID(as_uuid=True), ForeignKey("roles.id")),
    Column("role", membership_role, nullable=False, server_default=text("'member'")),
    Column("membership_type", membership_type, nullable=False, server_default=text("'team'")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("organization_id", "user_id", name="org_members_org_user_unique"),
    Index("org_members_org_id_idx", "organization_id"),
    Index("org_members_user_id_idx", "user_id"),
    Index("org_members_role_id_idx", "role_id"),
    Index("org_members_user_created_at_idx", "user_id", "created_at"),
)

teams = Table(
    "teams",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", Text, nullable=False),
    Column("website", Text),
    Column("brand_settings", JSONB),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Index("teams_org_id_idx", "organization_id"),
    Index("teams_name_id_idx", "name", "id"),
)

team_members = Table(
    "team_members",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "team_id", UUID(as_uuid=True), ForeignKey("teams.id", ondelete="CASCADE"), nullable=False
    ),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("role_id", UUID(as_uuid=True), ForeignKey("roles.id")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("team_id", "user_id", name="team_members_team_user_unique"),
    Index("team_members_team_id_idx", "team_id"),
    Index("team_members_user_id_idx", "user_id"),
    Index("team_members_role_id_idx", "role_id"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("invitee_user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")),
    Column("email", Text, nullable=False),
    Column("role", membership_role, nullable=False, server_default=text("'member'")),
    Column("status", invitation_status, nullable=False, server_default=text("'pending'")),
    Column(
        "invited_by_user_id",
        UUID(as_uuid=True),
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("token", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("token", name="invitations_token_key"),
    Index(
        "invitations_org_email_pending_unique",
        "organization_id",
        "email",
        unique=True,
        postgresql_where=text("status = 'pending'::invitation_status"),
    ),
    Index("invitations_invitee_user_created_at_id_idx", "invitee_user_id", "created_at", "id"),
    Index("invitations_invitee_user_expires_at_id_idx", "invitee_user_id", "expires_at", "id"),
    Index("invitations_organization_id_idx", "organization_id"),
    Index("invitations_invited_by_user_id_idx", "invited_by_user_id"),
    Index(
        "invitations_pending_expires_at_idx",
        "expires_at",
        postgresql_where=text("status = 'pending'::invitation_status"),
    ),
    Index("invitations_status_created_at_idx", "status", "created_at"),
)

credit_ledger = Table(
    "credit_ledger",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("amount", BigInteger, nullable=False),
    Column("entry_type", Text, nullable=False, server_default=text("'adjustment'")),
    Column("reason", Text, nullable=False),
    Column("reference_id", Text),
    Column("balance_after", BigInteger, nullable=False, server_default=text("0")),
    Column("metadata", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Index("credit_ledger_org_created_at_idx", "organization_id", "created_at"),
    Index("credit_ledger_reference_id_idx", "reference_id"),
)

usage_records = Table(
    "usage_records",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "organization_id",
        UUID(as_uuid=True),
        ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("category", Text, nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("unit_cost_decimillicents", BigInteger, nullable=False),
    Column("total_cost_decimillicents", BigInteger, nullable=False),
    Column("reference_id", Text),
    Column("stripe_usage_record_id", Text),
    Column("metadata", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Index(
        "usage_records_org_category_recorded_at_idx",
        "organization_id",
        "category",
        "recorded_at",
    ),
    Index("usage_records_org_recorded_at_idx", "organization_id", "recorded_at"),
    Index(
        "usage_records_org_reference_id_unique_idx",
        "organization_id",
        "reference_id",
        unique=True,
        postgresql_where=text("reference_id IS NOT NULL"),
    ),
    Index("usage_records_reference_id_idx", "reference_id"),
)

subscription_events = Table(
    "subscription_events",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("stripe_event_id", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column(
        "organization_id", UUID(as_uuid=True), ForeignKey("organizations.id", ondelete="SET NULL")
    ),
    Column("payload", JSONB, nullable=False),
    Column("processed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("stripe_event_id", name="subscription_events_stripe_event_id_key"),
    Index("subscription_events_org_created_at_idx", "organization_id", "created_at"),
    Index("subscription_events_event_type_created_at_idx", "event_type", "created_at"),
    Index(
        "subscription_events_unprocessed_idx",
        "created_at",
        postgresql_where=text("processed_at IS NULL"),
    ),
    Index(
        "subscription_events_processed_at_idx",
        "processed_at",
        postgresql_where=text("processed_at IS NOT NULL"),
    ),
)

domain_events = Table(
    "domain_events",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("event_type", Text, nullable=False),
    Column("aggregate_type", Text, nullable=False),
    Column("aggregate_id", UUID(as_uuid=True), nullable=False),
    Column("payload", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("correlation_id", UUID(as_uuid=True)),
    Column("sequence_number", Integer, nullable=False, server_default=text("1")),
    Column("status", domain_event_status, nullable=False, server_default=text("'pending'")),
    Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("processing_at", DateTime(timezone=True)),
    Column("published_at", DateTime(timezone=True)),
    Column("failed_at", DateTime(timezone=True)),
    Column("failure_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint(
        "aggregate_id", "sequence_number", name="domain_events_aggregate_sequence_unique"
    ),
    Index(
        "domain_events_pending_poller_idx",
        "occurred_at",
        "id",
        postgresql_where=text("status = 'pending'::domain_event_status"),
    ),
    Index(
        "domain_events_stuck_processing_idx",
        "processing_at",
        postgresql_where=text("status = 'processing'::domain_event_status"),
    ),
    Index(
        "domain_events_prune_published_idx",
        "published_at",
        postgresql_where=text("status = 'published'::domain_event_status"),
    ),
    Index(
        "domain_events_prune_failed_idx",
        "failed_at",
        postgresql_where=text("status = 'failed'::domain_event_status"),
    ),
    Index("domain_events_aggregate_stream_idx", "aggregate_type", "aggregate_id"),
)

system_settings = Table(
    "system_settings",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", JSONB, nullable=False),
    Column("description", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
