-- Desired state after `txdb schemas apply`: the three membership roles with exactly their
-- permissions (owner all, admin all but manage_organization, member the four read/execute
-- keys) and the retention settings the pruning job reads. Keys are compared in byte order
-- (COLLATE "C") so the result does not depend on the server's locale.
BEGIN;
SELECT plan(7);

SELECT results_eq(
    $$SELECT name FROM roles ORDER BY name COLLATE "C"$$,
    ARRAY['admin', 'member', 'owner'],
    'the roles are exactly owner, admin and member'
);

SELECT results_eq(
    $$SELECT key FROM permissions ORDER BY key COLLATE "C"$$,
    ARRAY[
        'assign_roles',
        'create_teams',
        'create_workflows',
        'delete_teams',
        'delete_workflows',
        'edit_workflows',
        'execute_workflows',
        'export_analytics',
        'manage_api_keys',
        'manage_billing',
        'manage_integrations',
        'manage_organization',
        'manage_organization_members',
        'manage_team_members',
        'view_analytics',
        'view_organization',
        'view_workflows'
    ],
    'the permissions are exactly the 17 keys of db.literals.PERMISSIONS'
);

SELECT results_eq(
    $$
    SELECT p.key
      FROM role_permissions AS rp
      JOIN roles AS r ON r.id = rp.role_id
      JOIN permissions AS p ON p.id = rp.permission_id
     WHERE r.name = 'owner'
     ORDER BY p.key COLLATE "C"
    $$,
    ARRAY[
        'assign_roles',
        'create_teams',
        'create_workflows',
        'delete_teams',
        'delete_workflows',
        'edit_workflows',
        'execute_workflows',
        'export_analytics',
        'manage_api_keys',
        'manage_billing',
        'manage_integrations',
        'manage_organization',
        'manage_organization_members',
        'manage_team_members',
        'view_analytics',
        'view_organization',
        'view_workflows'
    ],
    'owner has exactly its 17 permissions'
);

SELECT results_eq(
    $$
    SELECT p.key
      FROM role_permissions AS rp
      JOIN roles AS r ON r.id = rp.role_id
      JOIN permissions AS p ON p.id = rp.permission_id
     WHERE r.name = 'admin'
     ORDER BY p.key COLLATE "C"
    $$,
    ARRAY[
        'assign_roles',
        'create_teams',
        'create_workflows',
        'delete_teams',
        'delete_workflows',
        'edit_workflows',
        'execute_workflows',
        'export_analytics',
        'manage_api_keys',
        'manage_billing',
        'manage_integrations',
        'manage_organization_members',
        'manage_team_members',
        'view_analytics',
        'view_organization',
        'view_workflows'
    ],
    'admin has exactly its 16 permissions'
);

SELECT results_eq(
    $$
    SELECT p.key
      FROM role_permissions AS rp
      JOIN roles AS r ON r.id = rp.role_id
      JOIN permissions AS p ON p.id = rp.permission_id
     WHERE r.name = 'member'
     ORDER BY p.key COLLATE "C"
    $$,
    ARRAY[
        'execute_workflows',
        'view_analytics',
        'view_organization',
        'view_workflows'
    ],
    'member has exactly its 4 permissions'
);
SELECT results_eq(
    $$SELECT value FROM system_settings WHERE key = 'retention_settings'$$,
    $$
    VALUES ('{
        "audit_events": {"enabled": true, "retention_days": 90},
        "invitations": {"enabled": true, "retention_days": 180},
        "domain_events": {"enabled": true, "retention_days": 30},
        "auth_login_sessions": {"enabled": true, "retention_days": 90},
        "auth_login_refresh_tokens": {"enabled": true, "retention_days": 90},
        "auth_login_oidc_states": {"enabled": true, "retention_days": 7},
        "password_reset_tokens": {"enabled": true, "retention_days": 30},
        "subscription_events": {"enabled": true, "retention_days": 90}
    }'::jsonb)
    $$,
    'retention_settings holds the default retention of every prunable table'
);

SELECT is(
    (SELECT count(*)::int FROM system_settings
      WHERE key = 'retention_settings'
        AND value ?| ARRAY['usage_records', 'credit_ledger']),
    0,
    'the financial audit trails (usage_records, credit_ledger) are never pruned'
);

SELECT * FROM finish();
ROLLBACK;
