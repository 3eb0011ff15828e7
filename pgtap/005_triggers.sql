-- Trigger catalogue: every trigger the baseline defines exists on its table, calls its
-- function, fires at the right time for the right events, and is the only trigger of its
-- table (upstream once ran two invitation triggers side by side).
-- Behaviour is asserted in 006_trigger_behaviour.sql.
BEGIN;
SELECT plan(26);

SELECT has_function('public', 'update_updated_at_column', ARRAY[]::name[], 'function update_updated_at_column() exists');
SELECT has_function('public', 'normalize_user_email_fn', ARRAY[]::name[], 'function normalize_user_email_fn() exists');
SELECT has_function('public', 'normalize_invitation_identity_fn', ARRAY[]::name[], 'function normalize_invitation_identity_fn() exists');
SELECT function_returns('public', 'update_updated_at_column', ARRAY[]::name[], 'trigger', 'update_updated_at_column() is a trigger function');
SELECT function_returns('public', 'normalize_user_email_fn', ARRAY[]::name[], 'trigger', 'normalize_user_email_fn() is a trigger function');
SELECT function_returns('public', 'normalize_invitation_identity_fn', ARRAY[]::name[], 'trigger', 'normalize_invitation_identity_fn() is a trigger function');

SELECT has_trigger('public', 'organizations', 'update_organizations_updated_at', 'trigger update_organizations_updated_at exists on organizations');
SELECT has_trigger('public', 'org_members', 'update_org_members_updated_at', 'trigger update_org_members_updated_at exists on org_members');
SELECT has_trigger('public', 'teams', 'update_teams_updated_at', 'trigger update_teams_updated_at exists on teams');
SELECT has_trigger('public', 'team_members', 'update_team_members_updated_at', 'trigger update_team_members_updated_at exists on team_members');
SELECT has_trigger('public', 'users', 'normalize_user_email', 'trigger normalize_user_email exists on users');
SELECT has_trigger('public', 'invitations', 'normalize_invitation_identity', 'trigger normalize_invitation_identity exists on invitations');

SELECT trigger_is('public', 'organizations', 'update_organizations_updated_at', 'public', 'update_updated_at_column', 'update_organizations_updated_at calls update_updated_at_column()');
SELECT trigger_is('public', 'org_members', 'update_org_members_updated_at', 'public', 'update_updated_at_column', 'update_org_members_updated_at calls update_updated_at_column()');
SELECT trigger_is('public', 'teams', 'update_teams_updated_at', 'public', 'update_updated_at_column', 'update_teams_updated_at calls update_updated_at_column()');
SELECT trigger_is('public', 'team_members', 'update_team_members_updated_at', 'public', 'update_updated_at_column', 'update_team_members_updated_at calls update_updated_at_column()');
SELECT trigger_is('public', 'users', 'normalize_user_email', 'public', 'normalize_user_email_fn', 'normalize_user_email calls normalize_user_email_fn()');
SELECT trigger_is('public', 'invitations', 'normalize_invitation_identity', 'public', 'normalize_invitation_identity_fn', 'normalize_invitation_identity calls normalize_invitation_identity_fn()');

SELECT triggers_are('public', 'users', ARRAY['normalize_user_email'], 'users has only the email trigger');
SELECT triggers_are('public', 'invitations', ARRAY['normalize_invitation_identity'], 'invitations has only the identity trigger');
SELECT triggers_are('public', 'organizations', ARRAY['update_organizations_updated_at'], 'organizations has only the updated_at trigger');
SELECT triggers_are('public', 'org_members', ARRAY['update_org_members_updated_at'], 'org_members has only the updated_at trigger');
SELECT triggers_are('public', 'teams', ARRAY['update_teams_updated_at'], 'teams has only the updated_at trigger');
SELECT triggers_are('public', 'team_members', ARRAY['update_team_members_updated_at'], 'team_members has only the updated_at trigger');

-- timing, events and level of each trigger (other triggers, such as scaffolded ones, are
-- asserted by their own suites)
SELECT results_eq(
    $$
    SELECT t.event_object_table::text COLLATE "default",
           t.trigger_name::text COLLATE "default",
           t.action_timing::text COLLATE "default",
           string_agg(t.event_manipulation::text, ',' ORDER BY t.event_manipulation) COLLATE "default",
           t.action_orientation::text COLLATE "default"
      FROM information_schema.triggers AS t
     WHERE t.trigger_schema = 'public'
       AND t.trigger_name IN (
           'normalize_invitation_identity', 'normalize_user_email',
           'update_org_members_updated_at', 'update_organizations_updated_at',
           'update_team_members_updated_at', 'update_teams_updated_at'
       )
     GROUP BY 1, 2, 3, 5
     ORDER BY 1, 2
    $$,
    $$
    VALUES
        ('invitations', 'normalize_invitation_identity', 'BEFORE', 'INSERT,UPDATE', 'ROW'),
        ('org_members', 'update_org_members_updated_at', 'BEFORE', 'UPDATE', 'ROW'),
        ('organizations', 'update_organizations_updated_at', 'BEFORE', 'UPDATE', 'ROW'),
        ('team_members', 'update_team_members_updated_at', 'BEFORE', 'UPDATE', 'ROW'),
        ('teams', 'update_teams_updated_at', 'BEFORE', 'UPDATE', 'ROW'),
        ('users', 'normalize_user_email', 'BEFORE', 'INSERT,UPDATE', 'ROW')
    $$,
    'each trigger fires BEFORE, per ROW, on exactly its events'
);

-- the email triggers fire on UPDATE only when the email column is targeted
SELECT results_eq(
    $$
    SELECT c.event_object_table::text COLLATE "default",
           c.trigger_name::text COLLATE "default",
           c.event_object_column::text COLLATE "default"
      FROM information_schema.triggered_update_columns AS c
     WHERE c.trigger_schema = 'public'
       AND c.trigger_name IN (
           'normalize_invitation_identity', 'normalize_user_email',
           'update_org_members_updated_at', 'update_organizations_updated_at',
           'update_team_members_updated_at', 'update_teams_updated_at'
       )
     ORDER BY 1, 2, 3
    $$,
    $$
    VALUES
        ('invitations', 'normalize_invitation_identity', 'email'),
        ('users', 'normalize_user_email', 'email')
    $$,
    'the email triggers fire on UPDATE OF email only; updated_at triggers on any UPDATE'
);

SELECT * FROM finish();
ROLLBACK;
