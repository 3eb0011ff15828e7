-- Column nullability: every column the repositories read as always present is NOT NULL,
-- and the optional ones stay nullable (the row schemas decode them as `X | None`).
BEGIN;
SELECT plan(180);

SELECT columns_are('public', 'auth_login_audit_events', ARRAY['id', 'user_id', 'event_type', 'status', 'identifier', 'ip_address', 'metadata', 'created_at'], 'auth_login_audit_events has exactly its declared columns');
SELECT columns_are('public', 'auth_login_identities', ARRAY['id', 'user_id', 'provider', 'provider_subject', 'email', 'email_verified', 'created_at'], 'auth_login_identities has exactly its declared columns');
SELECT columns_are('public', 'auth_login_oidc_states', ARRAY['id', 'provider', 'state', 'nonce', 'code_verifier', 'redirect_uri', 'requester_ip', 'expires_at', 'consumed_at', 'created_at'], 'auth_login_oidc_states has exactly its declared columns');
SELECT columns_are('public', 'auth_login_refresh_tokens', ARRAY['id', 'session_id', 'token_hash', 'expires_at', 'used_at', 'revoked_at', 'created_at'], 'auth_login_refresh_tokens has exactly its declared columns');
SELECT columns_are('public', 'auth_login_sessions', ARRAY['id', 'user_id', 'provider', 'created_ip', 'created_user_agent', 'last_seen_at', 'expires_at', 'revoked_at', 'created_at'], 'auth_login_sessions has exactly its declared columns');
SELECT columns_are('public', 'credit_ledger', ARRAY['id', 'organization_id', 'amount', 'entry_type', 'reason', 'reference_id', 'balance_after', 'metadata', 'created_at'], 'credit_ledger has exactly its declared columns');
SELECT columns_are('public', 'domain_events', ARRAY['id', 'event_type', 'aggregate_type', 'aggregate_id', 'payload', 'correlation_id', 'sequence_number', 'status', 'occurred_at', 'processing_at', 'published_at', 'failed_at', 'failure_reason', 'created_at'], 'domain_events has exactly its declared columns');
SELECT columns_are('public', 'invitations', ARRAY['id', 'organization_id', 'invitee_user_id', 'email', 'role', 'status', 'invited_by_user_id', 'token', 'expires_at', 'created_at'], 'invitations has exactly its declared columns');
SELECT columns_are('public', 'org_members', ARRAY['id', 'organization_id', 'user_id', 'role_id', 'role', 'membership_type', 'created_at', 'updated_at'], 'org_members has exactly its declared columns');
SELECT columns_are('public', 'organizations', ARRAY['id', 'name', 'billing_email', 'onboarding_data', 'stripe_customer_id', 'stripe_subscription_id', 'stripe_payment_method_id', 'stripe_metered_subscription_item_id', 'credits_balance', 'reserved_credits', 'auto_recharge_enabled', 'auto_recharge_threshold', 'auto_recharge_amount', 'is_subscribed', 'subscription_status', 'subscription_plan', 'subscription_started_at', 'subscription_ends_at', 'subscription_current_period_end', 'created_at', 'updated_at'], 'organizations has exactly its declared columns');
SELECT columns_are('public', 'password_reset_tokens', ARRAY['id', 'user_id', 'token_hash', 'expires_at', 'used_at', 'created_at'], 'password_reset_tokens has exactly its declared columns');
SELECT columns_are('public', 'permissions', ARRAY['id', 'key', 'created_at'], 'permissions has exactly its declared columns');
SELECT columns_are('public', 'role_permissions', ARRAY['id', 'role_id', 'permission_id', 'created_at'], 'role_permissions has exactly its declared columns');
SELECT columns_are('public', 'roles', ARRAY['id', 'name', 'created_at'], 'roles has exactly its declared columns');
SELECT columns_are('public', 'subscription_events', ARRAY['id', 'stripe_event_id', 'event_type', 'organization_id', 'payload', 'processed_at', 'created_at'], 'subscription_events has exactly its declared columns');
SELECT columns_are('public', 'system_settings', ARRAY['key', 'value', 'description', 'updated_at'], 'system_settings has exactly its declared columns');
SELECT columns_are('public', 'team_members', ARRAY['id', 'team_id', 'user_id', 'role_id', 'created_at', 'updated_at'], 'team_members has exactly its declared columns');
SELECT columns_are('public', 'teams', ARRAY['id', 'organization_id', 'name', 'website', 'brand_settings', 'created_at', 'updated_at'], 'teams has exactly its declared columns');
SELECT columns_are('public', 'usage_records', ARRAY['id', 'organization_id', 'category', 'quantity', 'unit_cost_decimillicents', 'total_cost_decimillicents', 'reference_id', 'stripe_usage_record_id', 'metadata', 'recorded_at', 'created_at'], 'usage_records has exactly its declared columns');
SELECT columns_are('public', 'users', ARRAY['id', 'email', 'password_hash', 'name', 'password_changed_at', 'created_at'], 'users has exactly its declared columns');

SELECT col_not_null('public', 'auth_login_audit_events', 'id', 'auth_login_audit_events.id is NOT NULL');
SELECT col_not_null('public', 'auth_login_audit_events', 'event_type', 'auth_login_audit_events.event_type is NOT NULL');
SELECT col_not_null('public', 'auth_login_audit_events', 'status', 'auth_login_audit_events.status is NOT NULL');
SELECT col_not_null('public', 'auth_login_audit_events', 'metadata', 'auth_login_audit_events.metadata is NOT NULL');
SELECT col_not_null('public', 'auth_login_audit_events', 'created_at', 'auth_login_audit_events.created_at is NOT NULL');

SELECT col_not_null('public', 'auth_login_identities', 'id', 'auth_login_identities.id is NOT NULL');
SELECT col_not_null('public', 'auth_login_identities', 'user_id', 'auth_login_identities.user_id is NOT NULL');
SELECT col_not_null('public', 'auth_login_identities', 'provider', 'auth_login_identities.provider is NOT NULL');
SELECT col_not_null('public', 'auth_login_identities', 'provider_subject', 'auth_login_identities.provider_subject is NOT NULL');
SELECT col_not_null('public', 'auth_login_identities', 'email', 'auth_login_identities.email is NOT NULL');
SELECT col_not_null('public', 'auth_login_identities', 'email_verified', 'auth_login_identities.email_verified is NOT NULL');
SELECT col_not_null('public', 'auth_login_identities', 'created_at', 'auth_login_identities.created_at is NOT NULL');

SELECT col_not_null('public', 'auth_login_oidc_states', 'id', 'auth_login_oidc_states.id is NOT NULL');
SELECT col_not_null('public', 'auth_login_oidc_states', 'provider', 'auth_login_oidc_states.provider is NOT NULL');
SELECT col_not_null('public', 'auth_login_oidc_states', 'state', 'auth_login_oidc_states.state is NOT NULL');
SELECT col_not_null('public', 'auth_login_oidc_states', 'nonce', 'auth_login_oidc_states.nonce is NOT NULL');
SELECT col_not_null('public', 'auth_login_oidc_states', 'code_verifier', 'auth_login_oidc_states.code_verifier is NOT NULL');
SELECT col_not_null('public', 'auth_login_oidc_states', 'redirect_uri', 'auth_login_oidc_states.redirect_uri is NOT NULL');
SELECT col_not_null('public', 'auth_login_oidc_states', 'expires_at', 'auth_login_oidc_states.expires_at is NOT NULL');
SELECT col_not_null('public', 'auth_login_oidc_states', 'created_at', 'auth_login_oidc_states.created_at is NOT NULL');

SELECT col_not_null('public', 'auth_login_refresh_tokens', 'id', 'auth_login_refresh_tokens.id is NOT NULL');
SELECT col_not_null('public', 'auth_login_refresh_tokens', 'session_id', 'auth_login_refresh_tokens.session_id is NOT NULL');
SELECT col_not_null('public', 'auth_login_refresh_tokens', 'token_hash', 'auth_login_refresh_tokens.token_hash is NOT NULL');
SELECT col_not_null('public', 'auth_login_refresh_tokens', 'expires_at', 'auth_login_refresh_tokens.expires_at is NOT NULL');
SELECT col_not_null('public', 'auth_login_refresh_tokens', 'created_at', 'auth_login_refresh_tokens.created_at is NOT NULL');

SELECT col_not_null('public', 'auth_login_sessions', 'id', 'auth_login_sessions.id is NOT NULL');
SELECT col_not_null('public', 'auth_login_sessions', 'user_id', 'auth_login_sessions.user_id is NOT NULL');
SELECT col_not_null('public', 'auth_login_sessions', 'provider', 'auth_login_sessions.provider is NOT NULL');
SELECT col_not_null('public', 'auth_login_sessions', 'last_seen_at', 'auth_login_sessions.last_seen_at is NOT NULL');
SELECT col_not_null('public', 'auth_login_sessions', 'expires_at', 'auth_login_sessions.expires_at is NOT NULL');
SELECT col_not_null('public', 'auth_login_sessions', 'created_at', 'auth_login_sessions.created_at is NOT NULL');

SELECT col_not_null('public', 'credit_ledger', 'id', 'credit_ledger.id is NOT NULL');
SELECT col_not_null('public', 'credit_ledger', 'organization_id', 'credit_ledger.organization_id is NOT NULL');
SELECT col_not_null('public', 'credit_ledger', 'amount', 'credit_ledger.amount is NOT NULL');
SELECT col_not_null('public', 'credit_ledger', 'entry_type', 'credit_ledger.entry_type is NOT NULL');
SELECT col_not_null('public', 'credit_ledger', 'reason', 'credit_ledger.reason is NOT NULL');
SELECT col_not_null('public', 'credit_ledger', 'balance_after', 'credit_ledger.balance_after is NOT NULL');
SELECT col_not_null('public', 'credit_ledger', 'metadata', 'credit_ledger.metadata is NOT NULL');
SELECT col_not_null('public', 'credit_ledger', 'created_at', 'credit_ledger.created_at is NOT NULL');

SELECT col_not_null('public', 'domain_events', 'id', 'domain_events.id is NOT NULL');
SELECT col_not_null('public', 'domain_events', 'event_type', 'domain_events.event_type is NOT NULL');
SELECT col_not_null('public', 'domain_events', 'aggregate_type', 'domain_events.aggregate_type is NOT NULL');
SELECT col_not_null('public', 'domain_events', 'aggregate_id', 'domain_events.aggregate_id is NOT NULL');
SELECT col_not_null('public', 'domain_events', 'payload', 'domain_events.payload is NOT NULL');
SELECT col_not_null('public', 'domain_events', 'sequence_number', 'domain_events.sequence_number is NOT NULL');
SELECT col_not_null('public', 'domain_events', 'status', 'domain_events.status is NOT NULL');
SELECT col_not_null('public', 'domain_events', 'occurred_at', 'domain_events.occurred_at is NOT NULL');
SELECT col_not_null('public', 'domain_events', 'created_at', 'domain_events.created_at is NOT NULL');

SELECT col_not_null('public', 'invitations', 'id', 'invitations.id is NOT NULL');
SELECT col_not_null('public', 'invitations', 'organization_id', 'invitations.organization_id is NOT NULL');
SELECT col_not_null('public', 'invitations', 'email', 'invitations.email is NOT NULL');
SELECT col_not_null('public', 'invitations', 'role', 'invitations.role is NOT NULL');
SELECT col_not_null('public', 'invitations', 'status', 'invitations.status is NOT NULL');
SELECT col_not_null('public', 'invitations', 'invited_by_user_id', 'invitations.invited_by_user_id is NOT NULL');
SELECT col_not_null('public', 'invitations', 'token', 'invitations.token is NOT NULL');
SELECT col_not_null('public', 'invitations', 'expires_at', 'invitations.expires_at is NOT NULL');
SELECT col_not_null('public', 'invitations', 'created_at', 'invitations.created_at is NOT NULL');

SELECT col_not_null('public', 'org_members', 'id', 'org_members.id is NOT NULL');
SELECT col_not_null('public', 'org_members', 'organization_id', 'org_members.organization_id is NOT NULL');
SELECT col_not_null('public', 'org_members', 'user_id', 'org_members.user_id is NOT NULL');
SELECT col_not_null('public', 'org_members', 'role', 'org_members.role is NOT NULL');
SELECT col_not_null('public', 'org_members', 'membership_type', 'org_members.membership_type is NOT NULL');
SELECT col_not_null('public', 'org_members', 'created_at', 'org_members.created_at is NOT NULL');
SELECT col_not_null('public', 'org_members', 'updated_at', 'org_members.updated_at is NOT NULL');

SELECT col_not_null('public', 'organizations', 'id', 'organizations.id is NOT NULL');
SELECT col_not_null('public', 'organizations', 'name', 'organizations.name is NOT NULL');
SELECT col_not_null('public', 'organizations', 'credits_balance', 'organizations.credits_balance is NOT NULL');
SELECT col_not_null('public', 'organizations', 'reserved_credits', 'organizations.reserved_credits is NOT NULL');
SELECT col_not_null('public', 'organizations', 'auto_recharge_enabled', 'organizations.auto_recharge_enabled is NOT NULL');
SELECT col_not_null('public', 'organizations', 'is_subscribed', 'organizations.is_subscribed is NOT NULL');
SELECT col_not_null('public', 'organizations', 'subscription_status', 'organizations.subscription_status is NOT NULL');
SELECT col_not_null('public', 'organizations', 'created_at', 'organizations.created_at is NOT NULL');
SELECT col_not_null('public', 'organizations', 'updated_at', 'organizations.updated_at is NOT NULL');

SELECT col_not_null('public', 'password_reset_tokens', 'id', 'password_reset_tokens.id is NOT NULL');
SELECT col_not_null('public', 'password_reset_tokens', 'user_id', 'password_reset_tokens.user_id is NOT NULL');
SELECT col_not_null('public', 'password_reset_tokens', 'token_hash', 'password_reset_tokens.token_hash is NOT NULL');
SELECT col_not_null('public', 'password_reset_tokens', 'expires_at', 'password_reset_tokens.expires_at is NOT NULL');
SELECT col_not_null('public', 'password_reset_tokens', 'created_at', 'password_reset_tokens.created_at is NOT NULL');

SELECT col_not_null('public', 'permissions', 'id', 'permissions.id is NOT NULL');
SELECT col_not_null('public', 'permissions', 'key', 'permissions.key is NOT NULL');
SELECT col_not_null('public', 'permissions', 'created_at', 'permissions.created_at is NOT NULL');

SELECT col_not_null('public', 'role_permissions', 'id', 'role_permissions.id is NOT NULL');
SELECT col_not_null('public', 'role_permissions', 'role_id', 'role_permissions.role_id is NOT NULL');
SELECT col_not_null('public', 'role_permissions', 'permission_id', 'role_permissions.permission_id is NOT NULL');
SELECT col_not_null('public', 'role_permissions', 'created_at', 'role_permissions.created_at is NOT NULL');

SELECT col_not_null('public', 'roles', 'id', 'roles.id is NOT NULL');
SELECT col_not_null('public', 'roles', 'name', 'roles.name is NOT NULL');
SELECT col_not_null('public', 'roles', 'created_at', 'roles.created_at is NOT NULL');

SELECT col_not_null('public', 'subscription_events', 'id', 'subscription_events.id is NOT NULL');
SELECT col_not_null('public', 'subscription_events', 'stripe_event_id', 'subscription_events.stripe_event_id is NOT NULL');
SELECT col_not_null('public', 'subscription_events', 'event_type', 'subscription_events.event_type is NOT NULL');
SELECT col_not_null('public', 'subscription_events', 'payload', 'subscription_events.payload is NOT NULL');
SELECT col_not_null('public', 'subscription_events', 'created_at', 'subscription_events.created_at is NOT NULL');

SELECT col_not_null('public', 'system_settings', 'key', 'system_settings.key is NOT NULL');
SELECT col_not_null('public', 'system_settings', 'value', 'system_settings.value is NOT NULL');
SELECT col_not_null('public', 'system_settings', 'updated_at', 'system_settings.updated_at is NOT NULL');

SELECT col_not_null('public', 'team_members', 'id', 'team_members.id is NOT NULL');
SELECT col_not_null('public', 'team_members', 'team_id', 'team_members.team_id is NOT NULL');
SELECT col_not_null('public', 'team_members', 'user_id', 'team_members.user_id is NOT NULL');
SELECT col_not_null('public', 'team_members', 'created_at', 'team_members.created_at is NOT NULL');
SELECT col_not_null('public', 'team_members', 'updated_at', 'team_members.updated_at is NOT NULL');

SELECT col_not_null('public', 'teams', 'id', 'teams.id is NOT NULL');
SELECT col_not_null('public', 'teams', 'organization_id', 'teams.organization_id is NOT NULL');
SELECT col_not_null('public', 'teams', 'name', 'teams.name is NOT NULL');
SELECT col_not_null('public', 'teams', 'created_at', 'teams.created_at is NOT NULL');
SELECT col_not_null('public', 'teams', 'updated_at', 'teams.updated_at is NOT NULL');

SELECT col_not_null('public', 'usage_records', 'id', 'usage_records.id is NOT NULL');
SELECT col_not_null('public', 'usage_records', 'organization_id', 'usage_records.organization_id is NOT NULL');
SELECT col_not_null('public', 'usage_records', 'category', 'usage_records.category is NOT NULL');
SELECT col_not_null('public', 'usage_records', 'quantity', 'usage_records.quantity is NOT NULL');
SELECT col_not_null('public', 'usage_records', 'unit_cost_decimillicents', 'usage_records.unit_cost_decimillicents is NOT NULL');
SELECT col_not_null('public', 'usage_records', 'total_cost_decimillicents', 'usage_records.total_cost_decimillicents is NOT NULL');
SELECT col_not_null('public', 'usage_records', 'metadata', 'usage_records.metadata is NOT NULL');
SELECT col_not_null('public', 'usage_records', 'recorded_at', 'usage_records.recorded_at is NOT NULL');
SELECT col_not_null('public', 'usage_records', 'created_at', 'usage_records.created_at is NOT NULL');

SELECT col_not_null('public', 'users', 'id', 'users.id is NOT NULL');
SELECT col_not_null('public', 'users', 'email', 'users.email is NOT NULL');
SELECT col_not_null('public', 'users', 'password_hash', 'users.password_hash is NOT NULL');
SELECT col_not_null('public', 'users', 'name', 'users.name is NOT NULL');
SELECT col_not_null('public', 'users', 'password_changed_at', 'users.password_changed_at is NOT NULL');
SELECT col_not_null('public', 'users', 'created_at', 'users.created_at is NOT NULL');

SELECT col_is_null('public', 'auth_login_audit_events', 'user_id', 'auth_login_audit_events.user_id is nullable');
SELECT col_is_null('public', 'auth_login_audit_events', 'identifier', 'auth_login_audit_events.identifier is nullable');
SELECT col_is_null('public', 'auth_login_audit_events', 'ip_address', 'auth_login_audit_events.ip_address is nullable');

SELECT col_is_null('public', 'auth_login_oidc_states', 'requester_ip', 'auth_login_oidc_states.requester_ip is nullable');
SELECT col_is_null('public', 'auth_login_oidc_states', 'consumed_at', 'auth_login_oidc_states.consumed_at is nullable');

SELECT col_is_null('public', 'auth_login_refresh_tokens', 'used_at', 'auth_login_refresh_tokens.used_at is nullable');
SELECT col_is_null('public', 'auth_login_refresh_tokens', 'revoked_at', 'auth_login_refresh_tokens.revoked_at is nullable');

SELECT col_is_null('public', 'auth_login_sessions', 'created_ip', 'auth_login_sessions.created_ip is nullable');
SELECT col_is_null('public', 'auth_login_sessions', 'created_user_agent', 'auth_login_sessions.created_user_agent is nullable');
SELECT col_is_null('public', 'auth_login_sessions', 'revoked_at', 'auth_login_sessions.revoked_at is nullable');

SELECT col_is_null('public', 'credit_ledger', 'reference_id', 'credit_ledger.reference_id is nullable');

SELECT col_is_null('public', 'domain_events', 'correlation_id', 'domain_events.correlation_id is nullable');
SELECT col_is_null('public', 'domain_events', 'processing_at', 'domain_events.processing_at is nullable');
SELECT col_is_null('public', 'domain_events', 'published_at', 'domain_events.published_at is nullable');
SELECT col_is_null('public', 'domain_events', 'failed_at', 'domain_events.failed_at is nullable');
SELECT col_is_null('public', 'domain_events', 'failure_reason', 'domain_events.failure_reason is nullable');

SELECT col_is_null('public', 'invitations', 'invitee_user_id', 'invitations.invitee_user_id is nullable');

SELECT col_is_null('public', 'org_members', 'role_id', 'org_members.role_id is nullable');

SELECT col_is_null('public', 'organizations', 'billing_email', 'organizations.billing_email is nullable');
SELECT col_is_null('public', 'organizations', 'onboarding_data', 'organizations.onboarding_data is nullable');
SELECT col_is_null('public', 'organizations', 'stripe_customer_id', 'organizations.stripe_customer_id is nullable');
SELECT col_is_null('public', 'organizations', 'stripe_subscription_id', 'organizations.stripe_subscription_id is nullable');
SELECT col_is_null('public', 'organizations', 'stripe_payment_method_id', 'organizations.stripe_payment_method_id is nullable');
SELECT col_is_null('public', 'organizations', 'stripe_metered_subscription_item_id', 'organizations.stripe_metered_subscription_item_id is nullable');
SELECT col_is_null('public', 'organizations', 'auto_recharge_threshold', 'organizations.auto_recharge_threshold is nullable');
SELECT col_is_null('public', 'organizations', 'auto_recharge_amount', 'organizations.auto_recharge_amount is nullable');
SELECT col_is_null('public', 'organizations', 'subscription_plan', 'organizations.subscription_plan is nullable');
SELECT col_is_null('public', 'organizations', 'subscription_started_at', 'organizations.subscription_started_at is nullable');
SELECT col_is_null('public', 'organizations', 'subscription_ends_at', 'organizations.subscription_ends_at is nullable');
SELECT col_is_null('public', 'organizations', 'subscription_current_period_end', 'organizations.subscription_current_period_end is nullable');

SELECT col_is_null('public', 'password_reset_tokens', 'used_at', 'password_reset_tokens.used_at is nullable');

SELECT col_is_null('public', 'subscription_events', 'organization_id', 'subscription_events.organization_id is nullable');
SELECT col_is_null('public', 'subscription_events', 'processed_at', 'subscription_events.processed_at is nullable');

SELECT col_is_null('public', 'system_settings', 'description', 'system_settings.description is nullable');

SELECT col_is_null('public', 'team_members', 'role_id', 'team_members.role_id is nullable');

SELECT col_is_null('public', 'teams', 'website', 'teams.website is nullable');
SELECT col_is_null('public', 'teams', 'brand_settings', 'teams.brand_settings is nullable');

SELECT col_is_null('public', 'usage_records', 'reference_id', 'usage_records.reference_id is nullable');
SELECT col_is_null('public', 'usage_records', 'stripe_usage_record_id', 'usage_records.stripe_usage_record_id is nullable');

SELECT * FROM finish();
ROLLBACK;
