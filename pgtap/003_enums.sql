-- Enum types: exactly the closed value sets of db/literals.py, labels in declaration order
-- (the order is the sort order), and the columns that carry them.
BEGIN;
SELECT plan(28);

SELECT enums_are(
    'public',
    ARRAY[
        'auth_login_audit_event_type',
        'auth_login_audit_status',
        'auth_login_provider',
        'domain_event_status',
        'invitation_status',
        'membership_role',
        'membership_type',
        'subscription_status'
    ],
    'public holds exactly the data-layer enums'
);

SELECT has_enum('public', 'membership_role', 'enum membership_role exists');
SELECT has_enum('public', 'invitation_status', 'enum invitation_status exists');
SELECT has_enum('public', 'membership_type', 'enum membership_type exists');
SELECT has_enum('public', 'subscription_status', 'enum subscription_status exists');
SELECT has_enum('public', 'auth_login_provider', 'enum auth_login_provider exists');
SELECT has_enum('public', 'auth_login_audit_status', 'enum auth_login_audit_status exists');
SELECT has_enum('public', 'auth_login_audit_event_type', 'enum auth_login_audit_event_type exists');
SELECT has_enum('public', 'domain_event_status', 'enum domain_event_status exists');

SELECT enum_has_labels(
    'public', 'membership_role', ARRAY['owner', 'admin', 'member'],
    'membership_role labels'
);
SELECT enum_has_labels(
    'public', 'invitation_status', ARRAY['pending', 'accepted', 'revoked', 'expired'],
    'invitation_status labels'
);
SELECT enum_has_labels(
    'public', 'membership_type', ARRAY['team', 'client'],
    'membership_type labels'
);
SELECT enum_has_labels(
    'public', 'subscription_status',
    ARRAY['active', 'inactive', 'trialing', 'past_due', 'canceled', 'paused', 'unpaid'],
    'subscription_status labels'
);
SELECT enum_has_labels(
    'public', 'auth_login_provider', ARRAY['password', 'google'],
    'auth_login_provider labels'
);
SELECT enum_has_labels(
    'public', 'auth_login_audit_status', ARRAY['success', 'failure'],
    'auth_login_audit_status labels'
);
SELECT enum_has_labels(
    'public', 'auth_login_audit_event_type',
    ARRAY[
        'login_success', 'login_failure', 'password_reset_requested', 'password_changed',
        'oauth_linked', 'oauth_unlinked', 'session_refreshed', 'session_revoked',
        'account_deleted'
    ],
    'auth_login_audit_event_type labels'
);
SELECT enum_has_labels(
    'public', 'domain_event_status', ARRAY['pending', 'processing', 'published', 'failed'],
    'domain_event_status labels (processing sits between pending and published)'
);

SELECT col_type_is('public', 'auth_login_oidc_states', 'provider', 'auth_login_provider', 'auth_login_oidc_states.provider type');
SELECT col_type_is('public', 'auth_login_identities', 'provider', 'auth_login_provider', 'auth_login_identities.provider type');
SELECT col_type_is('public', 'auth_login_sessions', 'provider', 'auth_login_provider', 'auth_login_sessions.provider type');
SELECT col_type_is('public', 'auth_login_audit_events', 'event_type', 'auth_login_audit_event_type', 'auth_login_audit_events.event_type type');
SELECT col_type_is('public', 'auth_login_audit_events', 'status', 'auth_login_audit_status', 'auth_login_audit_events.status type');
SELECT col_type_is('public', 'domain_events', 'status', 'domain_event_status', 'domain_events.status type');
SELECT col_type_is('public', 'organizations', 'subscription_status', 'subscription_status', 'organizations.subscription_status type');
SELECT col_type_is('public', 'invitations', 'role', 'membership_role', 'invitations.role type');
SELECT col_type_is('public', 'invitations', 'status', 'invitation_status', 'invitations.status type');
SELECT col_type_is('public', 'org_members', 'role', 'membership_role', 'org_members.role type');
SELECT col_type_is('public', 'org_members', 'membership_type', 'membership_type', 'org_members.membership_type type');

SELECT * FROM finish();
ROLLBACK;
