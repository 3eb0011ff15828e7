-- Tables, primary keys and foreign keys of the public schema: exactly the 20 tables of
-- db/schema.py (plus the migration journal), each keyed by its id, every reference in place
-- with the ON DELETE rule the repositories rely on (cascades, SET NULL on history rows).
BEGIN;
SELECT plan(102);

SELECT tables_are(
    'public',
    ARRAY[
        'auth_login_audit_events',
        'auth_login_identities',
        'auth_login_oidc_states',
        'auth_login_refresh_tokens',
        'auth_login_sessions',
        'credit_ledger',
        'domain_events',
        'invitations',
        'org_members',
        'organizations',
        'password_reset_tokens',
        'permissions',
        'role_permissions',
        'roles',
        'subscription_events',
        'system_settings',
        'team_members',
        'teams',
        'usage_records',
        'users',
        '__tx_agent_migrations'
    ],
    'public holds exactly the data-layer tables and the migration journal'
);

SELECT has_table('public', 'auth_login_audit_events', 'table auth_login_audit_events exists');
SELECT has_table('public', 'auth_login_identities', 'table auth_login_identities exists');
SELECT has_table('public', 'auth_login_oidc_states', 'table auth_login_oidc_states exists');
SELECT has_table('public', 'auth_login_refresh_tokens', 'table auth_login_refresh_tokens exists');
SELECT has_table('public', 'auth_login_sessions', 'table auth_login_sessions exists');
SELECT has_table('public', 'credit_ledger', 'table credit_ledger exists');
SELECT has_table('public', 'domain_events', 'table domain_events exists');
SELECT has_table('public', 'invitations', 'table invitations exists');
SELECT has_table('public', 'org_members', 'table org_members exists');
SELECT has_table('public', 'organizations', 'table organizations exists');
SELECT has_table('public', 'password_reset_tokens', 'table password_reset_tokens exists');
SELECT has_table('public', 'permissions', 'table permissions exists');
SELECT has_table('public', 'role_permissions', 'table role_permissions exists');
SELECT has_table('public', 'roles', 'table roles exists');
SELECT has_table('public', 'subscription_events', 'table subscription_events exists');
SELECT has_table('public', 'system_settings', 'table system_settings exists');
SELECT has_table('public', 'team_members', 'table team_members exists');
SELECT has_table('public', 'teams', 'table teams exists');
SELECT has_table('public', 'usage_records', 'table usage_records exists');
SELECT has_table('public', 'users', 'table users exists');

SELECT has_pk('public', 'auth_login_audit_events', 'auth_login_audit_events has a primary key');
SELECT has_pk('public', 'auth_login_identities', 'auth_login_identities has a primary key');
SELECT has_pk('public', 'auth_login_oidc_states', 'auth_login_oidc_states has a primary key');
SELECT has_pk('public', 'auth_login_refresh_tokens', 'auth_login_refresh_tokens has a primary key');
SELECT has_pk('public', 'auth_login_sessions', 'auth_login_sessions has a primary key');
SELECT has_pk('public', 'credit_ledger', 'credit_ledger has a primary key');
SELECT has_pk('public', 'domain_events', 'domain_events has a primary key');
SELECT has_pk('public', 'invitations', 'invitations has a primary key');
SELECT has_pk('public', 'org_members', 'org_members has a primary key');
SELECT has_pk('public', 'organizations', 'organizations has a primary key');
SELECT has_pk('public', 'password_reset_tokens', 'password_reset_tokens has a primary key');
SELECT has_pk('public', 'permissions', 'permissions has a primary key');
SELECT has_pk('public', 'role_permissions', 'role_permissions has a primary key');
SELECT has_pk('public', 'roles', 'roles has a primary key');
SELECT has_pk('public', 'subscription_events', 'subscription_events has a primary key');
SELECT has_pk('public', 'system_settings', 'system_settings has a primary key');
SELECT has_pk('public', 'team_members', 'team_members has a primary key');
SELECT has_pk('public', 'teams', 'teams has a primary key');
SELECT has_pk('public', 'usage_records', 'usage_records has a primary key');
SELECT has_pk('public', 'users', 'users has a primary key');

SELECT col_is_pk('public', 'auth_login_audit_events', 'id', 'auth_login_audit_events.id is the primary key');
SELECT col_is_pk('public', 'auth_login_identities', 'id', 'auth_login_identities.id is the primary key');
SELECT col_is_pk('public', 'auth_login_oidc_states', 'id', 'auth_login_oidc_states.id is the primary key');
SELECT col_is_pk('public', 'auth_login_refresh_tokens', 'id', 'auth_login_refresh_tokens.id is the primary key');
SELECT col_is_pk('public', 'auth_login_sessions', 'id', 'auth_login_sessions.id is the primary key');
SELECT col_is_pk('public', 'credit_ledger', 'id', 'credit_ledger.id is the primary key');
SELECT col_is_pk('public', 'domain_events', 'id', 'domain_events.id is the primary key');
SELECT col_is_pk('public', 'invitations', 'id', 'invitations.id is the primary key');
SELECT col_is_pk('public', 'org_members', 'id', 'org_members.id is the primary key');
SELECT col_is_pk('public', 'organizations', 'id', 'organizations.id is the primary key');
SELECT col_is_pk('public', 'password_reset_tokens', 'id', 'password_reset_tokens.id is the primary key');
SELECT col_is_pk('public', 'permissions', 'id', 'permissions.id is the primary key');
SELECT col_is_pk('public', 'role_permissions', 'id', 'role_permissions.id is the primary key');
SELECT col_is_pk('public', 'roles', 'id', 'roles.id is the primary key');
SELECT col_is_pk('public', 'subscription_events', 'id', 'subscription_events.id is the primary key');
SELECT col_is_pk('public', 'system_settings', 'key', 'system_settings.key is the primary key');
SELECT col_is_pk('public', 'team_members', 'id', 'team_members.id is the primary key');
SELECT col_is_pk('public', 'teams', 'id', 'teams.id is the primary key');
SELECT col_is_pk('public', 'usage_records', 'id', 'usage_records.id is the primary key');
SELECT col_is_pk('public', 'users', 'id', 'users.id is the primary key');

SELECT col_type_is('public', 'auth_login_audit_events', 'id', 'uuid', 'auth_login_audit_events primary key type');
SELECT col_type_is('public', 'auth_login_identities', 'id', 'uuid', 'auth_login_identities primary key type');
SELECT col_type_is('public', 'auth_login_oidc_states', 'id', 'uuid', 'auth_login_oidc_states primary key type');
SELECT col_type_is('public', 'auth_login_refresh_tokens', 'id', 'uuid', 'auth_login_refresh_tokens primary key type');
SELECT col_type_is('public', 'auth_login_sessions', 'id', 'uuid', 'auth_login_sessions primary key type');
SELECT col_type_is('public', 'credit_ledger', 'id', 'uuid', 'credit_ledger primary key type');
SELECT col_type_is('public', 'domain_events', 'id', 'uuid', 'domain_events primary key type');
SELECT col_type_is('public', 'invitations', 'id', 'uuid', 'invitations primary key type');
SELECT col_type_is('public', 'org_members', 'id', 'uuid', 'org_members primary key type');
SELECT col_type_is('public', 'organizations', 'id', 'uuid', 'organizations primary key type');
SELECT col_type_is('public', 'password_reset_tokens', 'id', 'uuid', 'password_reset_tokens primary key type');
SELECT col_type_is('public', 'permissions', 'id', 'uuid', 'permissions primary key type');
SELECT col_type_is('public', 'role_permissions', 'id', 'uuid', 'role_permissions primary key type');
SELECT col_type_is('public', 'roles', 'id', 'uuid', 'roles primary key type');
SELECT col_type_is('public', 'subscription_events', 'id', 'uuid', 'subscription_events primary key type');
SELECT col_type_is('public', 'system_settings', 'key', 'text', 'system_settings primary key type');
SELECT col_type_is('public', 'team_members', 'id', 'uuid', 'team_members primary key type');
SELECT col_type_is('public', 'teams', 'id', 'uuid', 'teams primary key type');
SELECT col_type_is('public', 'usage_records', 'id', 'uuid', 'usage_records primary key type');
SELECT col_type_is('public', 'users', 'id', 'uuid', 'users primary key type');

SELECT fk_ok('public', 'auth_login_audit_events', 'user_id', 'public', 'users', 'id', 'auth_login_audit_events.user_id references users.id');
SELECT fk_ok('public', 'auth_login_identities', 'user_id', 'public', 'users', 'id', 'auth_login_identities.user_id references users.id');
SELECT fk_ok('public', 'auth_login_refresh_tokens', 'session_id', 'public', 'auth_login_sessions', 'id', 'auth_login_refresh_tokens.session_id references auth_login_sessions.id');
SELECT fk_ok('public', 'auth_login_sessions', 'user_id', 'public', 'users', 'id', 'auth_login_sessions.user_id references users.id');
SELECT fk_ok('public', 'credit_ledger', 'organization_id', 'public', 'organizations', 'id', 'credit_ledger.organization_id references organizations.id');
SELECT fk_ok('public', 'invitations', 'invited_by_user_id', 'public', 'users', 'id', 'invitations.invited_by_user_id references users.id');
SELECT fk_ok('public', 'invitations', 'invitee_user_id', 'public', 'users', 'id', 'invitations.invitee_user_id references users.id');
SELECT fk_ok('public', 'invitations', 'organization_id', 'public', 'organizations', 'id', 'invitations.organization_id references organizations.id');
SELECT fk_ok('public', 'org_members', 'organization_id', 'public', 'organizations', 'id', 'org_members.organization_id references organizations.id');
SELECT fk_ok('public', 'org_members', 'role_id', 'public', 'roles', 'id', 'org_members.role_id references roles.id');
SELECT fk_ok('public', 'org_members', 'user_id', 'public', 'users', 'id', 'org_members.user_id references users.id');
SELECT fk_ok('public', 'password_reset_tokens', 'user_id', 'public', 'users', 'id', 'password_reset_tokens.user_id references users.id');
SELECT fk_ok('public', 'role_permissions', 'permission_id', 'public', 'permissions', 'id', 'role_permissions.permission_id references permissions.id');
SELECT fk_ok('public', 'role_permissions', 'role_id', 'public', 'roles', 'id', 'role_permissions.role_id references roles.id');
SELECT fk_ok('public', 'subscription_events', 'organization_id', 'public', 'organizations', 'id', 'subscription_events.organization_id references organizations.id');
SELECT fk_ok('public', 'team_members', 'role_id', 'public', 'roles', 'id', 'team_members.role_id references roles.id');
SELECT fk_ok('public', 'team_members', 'team_id', 'public', 'teams', 'id', 'team_members.team_id references teams.id');
SELECT fk_ok('public', 'team_members', 'user_id', 'public', 'users', 'id', 'team_members.user_id references users.id');
SELECT fk_ok('public', 'teams', 'organization_id', 'public', 'organizations', 'id', 'teams.organization_id references organizations.id');
SELECT fk_ok('public', 'usage_records', 'organization_id', 'public', 'organizations', 'id', 'usage_records.organization_id references organizations.id');

SELECT results_eq(
    $$
    SELECT c.conrelid::regclass::text,
           a.attname::text COLLATE "default",
           CASE c.confdeltype
               WHEN 'a' THEN 'NO ACTION'
               WHEN 'r' THEN 'RESTRICT'
               WHEN 'c' THEN 'CASCADE'
               WHEN 'n' THEN 'SET NULL'
               WHEN 'd' THEN 'SET DEFAULT'
           END
      FROM pg_catalog.pg_constraint AS c
      JOIN pg_catalog.pg_attribute AS a
        ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.contype = 'f'
       AND c.connamespace = 'public'::regnamespace
     ORDER BY 1, 2
    $$,
    $$
    VALUES
        ('auth_login_audit_events', 'user_id', 'SET NULL'),
        ('auth_login_identities', 'user_id', 'CASCADE'),
        ('auth_login_refresh_tokens', 'session_id', 'CASCADE'),
        ('auth_login_sessions', 'user_id', 'CASCADE'),
        ('credit_ledger', 'organization_id', 'CASCADE'),
        ('invitations', 'invited_by_user_id', 'CASCADE'),
        ('invitations', 'invitee_user_id', 'SET NULL'),
        ('invitations', 'organization_id', 'CASCADE'),
        ('org_members', 'organization_id', 'CASCADE'),
        ('org_members', 'role_id', 'NO ACTION'),
        ('org_members', 'user_id', 'CASCADE'),
        ('password_reset_tokens', 'user_id', 'CASCADE'),
        ('role_permissions', 'permission_id', 'CASCADE'),
        ('role_permissions', 'role_id', 'CASCADE'),
        ('subscription_events', 'organization_id', 'SET NULL'),
        ('team_members', 'role_id', 'NO ACTION'),
        ('team_members', 'team_id', 'CASCADE'),
        ('team_members', 'user_id', 'CASCADE'),
        ('teams', 'organization_id', 'CASCADE'),
        ('usage_records', 'organization_id', 'CASCADE')
    $$,
    'every foreign key, and only those, with its ON DELETE rule'
);

SELECT * FROM finish();
ROLLBACK;
