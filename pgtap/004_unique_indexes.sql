-- Unique indexes the repositories' conflict handling relies on (ON CONFLICT targets, error
-- codes mapped from constraint names), including the partial ones and their predicates, and
-- the behaviour they must give: duplicates rejected with 23505, rows outside the predicate
-- free to repeat, and ON CONFLICT able to infer the partial usage_records index.
BEGIN;
SELECT plan(58);

-- existence, columns and uniqueness ------------------------------------------------------

SELECT has_index('public', 'users', 'users_email_key', ARRAY['email'], 'users_email_key on (email)');
SELECT has_index('public', 'users', 'users_email_ci_unique', 'users_email_ci_unique exists');
SELECT has_index('public', 'auth_login_identities', 'auth_login_identities_provider_subject_unique', ARRAY['provider', 'provider_subject'], 'auth_login_identities_provider_subject_unique on (provider, provider_subject)');
SELECT has_index('public', 'auth_login_identities', 'auth_login_identities_user_provider_unique', ARRAY['user_id', 'provider'], 'auth_login_identities_user_provider_unique on (user_id, provider)');
SELECT has_index('public', 'auth_login_oidc_states', 'auth_login_oidc_states_state_key', ARRAY['state'], 'auth_login_oidc_states_state_key on (state)');
SELECT has_index('public', 'auth_login_refresh_tokens', 'auth_login_refresh_tokens_token_hash_key', ARRAY['token_hash'], 'auth_login_refresh_tokens_token_hash_key on (token_hash)');
SELECT has_index('public', 'password_reset_tokens', 'password_reset_tokens_token_hash_key', ARRAY['token_hash'], 'password_reset_tokens_token_hash_key on (token_hash)');
SELECT has_index('public', 'domain_events', 'domain_events_aggregate_sequence_unique', ARRAY['aggregate_id', 'sequence_number'], 'domain_events_aggregate_sequence_unique on (aggregate_id, sequence_number)');
SELECT has_index('public', 'organizations', 'organizations_stripe_customer_id_unique', ARRAY['stripe_customer_id'], 'organizations_stripe_customer_id_unique on (stripe_customer_id)');
SELECT has_index('public', 'organizations', 'organizations_stripe_subscription_id_unique', ARRAY['stripe_subscription_id'], 'organizations_stripe_subscription_id_unique on (stripe_subscription_id)');
SELECT has_index('public', 'invitations', 'invitations_org_email_pending_unique', ARRAY['organization_id', 'email'], 'invitations_org_email_pending_unique on (organization_id, email)');
SELECT has_index('public', 'invitations', 'invitations_token_key', ARRAY['token'], 'invitations_token_key on (token)');
SELECT has_index('public', 'org_members', 'org_members_org_user_unique', ARRAY['organization_id', 'user_id'], 'org_members_org_user_unique on (organization_id, user_id)');
SELECT has_index('public', 'team_members', 'team_members_team_user_unique', ARRAY['team_id', 'user_id'], 'team_members_team_user_unique on (team_id, user_id)');
SELECT has_index('public', 'role_permissions', 'role_permissions_role_permission_unique', ARRAY['role_id', 'permission_id'], 'role_permissions_role_permission_unique on (role_id, permission_id)');
SELECT has_index('public', 'permissions', 'permissions_key_key', ARRAY['key'], 'permissions_key_key on (key)');
SELECT has_index('public', 'roles', 'roles_name_key', ARRAY['name'], 'roles_name_key on (name)');
SELECT has_index('public', 'subscription_events', 'subscription_events_stripe_event_id_key', ARRAY['stripe_event_id'], 'subscription_events_stripe_event_id_key on (stripe_event_id)');
SELECT has_index('public', 'usage_records', 'usage_records_org_reference_id_unique_idx', ARRAY['organization_id', 'reference_id'], 'usage_records_org_reference_id_unique_idx on (organization_id, reference_id)');

SELECT index_is_unique('public', 'users', 'users_email_key', 'users_email_key is unique');
SELECT index_is_unique('public', 'users', 'users_email_ci_unique', 'users_email_ci_unique is unique');
SELECT index_is_unique('public', 'auth_login_identities', 'auth_login_identities_provider_subject_unique', 'auth_login_identities_provider_subject_unique is unique');
SELECT index_is_unique('public', 'auth_login_identities', 'auth_login_identities_user_provider_unique', 'auth_login_identities_user_provider_unique is unique');
SELECT index_is_unique('public', 'auth_login_oidc_states', 'auth_login_oidc_states_state_key', 'auth_login_oidc_states_state_key is unique');
SELECT index_is_unique('public', 'auth_login_refresh_tokens', 'auth_login_refresh_tokens_token_hash_key', 'auth_login_refresh_tokens_token_hash_key is unique');
SELECT index_is_unique('public', 'password_reset_tokens', 'password_reset_tokens_token_hash_key', 'password_reset_tokens_token_hash_key is unique');
SELECT index_is_unique('public', 'domain_events', 'domain_events_aggregate_sequence_unique', 'domain_events_aggregate_sequence_unique is unique');
SELECT index_is_unique('public', 'organizations', 'organizations_stripe_customer_id_unique', 'organizations_stripe_customer_id_unique is unique');
SELECT index_is_unique('public', 'organizations', 'organizations_stripe_subscription_id_unique', 'organizations_stripe_subscription_id_unique is unique');
SELECT index_is_unique('public', 'invitations', 'invitations_org_email_pending_unique', 'invitations_org_email_pending_unique is unique');
SELECT index_is_unique('public', 'invitations', 'invitations_token_key', 'invitations_token_key is unique');
SELECT index_is_unique('public', 'org_members', 'org_members_org_user_unique', 'org_members_org_user_unique is unique');
SELECT index_is_unique('public', 'team_members', 'team_members_team_user_unique', 'team_members_team_user_unique is unique');
SELECT index_is_unique('public', 'role_permissions', 'role_permissions_role_permission_unique', 'role_permissions_role_permission_unique is unique');
SELECT index_is_unique('public', 'permissions', 'permissions_key_key', 'permissions_key_key is unique');
SELECT index_is_unique('public', 'roles', 'roles_name_key', 'roles_name_key is unique');
SELECT index_is_unique('public', 'subscription_events', 'subscription_events_stripe_event_id_key', 'subscription_events_stripe_event_id_key is unique');
SELECT index_is_unique('public', 'usage_records', 'usage_records_org_reference_id_unique_idx', 'usage_records_org_reference_id_unique_idx is unique');

-- partial predicates and the case-insensitive email expression ---------------------------

SELECT is(
    (SELECT pg_get_indexdef('public.users_email_ci_unique'::regclass)),
    'CREATE UNIQUE INDEX users_email_ci_unique ON public.users USING btree (lower(TRIM(BOTH FROM email)))',
    'users_email_ci_unique indexes lower(trim(email))'
);
SELECT is(
    (SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'public.organizations_stripe_customer_id_unique'::regclass),
    '(stripe_customer_id IS NOT NULL)',
    'organizations_stripe_customer_id_unique covers only rows with a customer id'
);
SELECT is(
    (SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'public.organizations_stripe_subscription_id_unique'::regclass),
    '(stripe_subscription_id IS NOT NULL)',
    'organizations_stripe_subscription_id_unique covers only rows with a subscription id'
);
SELECT is(
    (SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'public.invitations_org_email_pending_unique'::regclass),
    '(status = ''pending''::invitation_status)',
    'invitations_org_email_pending_unique covers only pending invitations'
);
SELECT is(
    (SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'public.usage_records_org_reference_id_unique_idx'::regclass),
    '(reference_id IS NOT NULL)',
    'usage_records_org_reference_id_unique_idx covers only rows with a reference id'
);

-- behaviour ------------------------------------------------------------------------------

INSERT INTO users (id, email, password_hash, name) VALUES
    ('00000000-0000-4000-8004-000000000001', 'pgtap-unique-owner@example.test', 'x', 'Owner'),
    ('00000000-0000-4000-8004-000000000002', 'pgtap-unique-other@example.test', 'x', 'Other');
INSERT INTO organizations (id, name, stripe_customer_id) VALUES
    ('00000000-0000-4000-8004-00000000000a', 'pgTAP unique A', 'cus_pgtap_a'),
    ('00000000-0000-4000-8004-00000000000b', 'pgTAP unique B', NULL),
    ('00000000-0000-4000-8004-00000000000c', 'pgTAP unique C', NULL);

SELECT throws_ok(
    $$INSERT INTO organizations (name, stripe_customer_id) VALUES ('dup', 'cus_pgtap_a')$$,
    '23505',
    'duplicate key value violates unique constraint "organizations_stripe_customer_id_unique"',
    'a Stripe customer id belongs to one organization'
);
SELECT is(
    (SELECT count(*)::int FROM organizations WHERE stripe_customer_id IS NULL AND name LIKE 'pgTAP unique %'),
    2,
    'many organizations may have no Stripe customer id'
);

SELECT lives_ok(
    $$INSERT INTO usage_records (organization_id, category, quantity, unit_cost_decimillicents, total_cost_decimillicents, reference_id)
      VALUES ('00000000-0000-4000-8004-00000000000a', 'api_call', 1, 10, 10, 'ref-1')
      ON CONFLICT (organization_id, reference_id) WHERE reference_id IS NOT NULL DO NOTHING$$,
    'ON CONFLICT infers the partial usage reference index (first insert)'
);
SELECT lives_ok(
    $$INSERT INTO usage_records (organization_id, category, quantity, unit_cost_decimillicents, total_cost_decimillicents, reference_id)
      VALUES ('00000000-0000-4000-8004-00000000000a', 'api_call', 5, 10, 50, 'ref-1')
      ON CONFLICT (organization_id, reference_id) WHERE reference_id IS NOT NULL DO NOTHING$$,
    'ON CONFLICT infers the partial usage reference index (replay)'
);
SELECT results_eq(
    $$SELECT quantity FROM usage_records WHERE organization_id = '00000000-0000-4000-8004-00000000000a' AND reference_id = 'ref-1'$$,
    ARRAY[1::bigint],
    'a replayed usage reference keeps the first record only'
);
SELECT throws_ok(
    $$INSERT INTO usage_records (organization_id, category, quantity, unit_cost_decimillicents, total_cost_decimillicents, reference_id)
      VALUES ('00000000-0000-4000-8004-00000000000a', 'api_call', 1, 10, 10, 'ref-1')$$,
    '23505',
    'duplicate key value violates unique constraint "usage_records_org_reference_id_unique_idx"',
    'a usage reference is unique per organization'
);
SELECT lives_ok(
    $$INSERT INTO usage_records (organization_id, category, quantity, unit_cost_decimillicents, total_cost_decimillicents, reference_id)
      VALUES ('00000000-0000-4000-8004-00000000000b', 'api_call', 1, 10, 10, 'ref-1')$$,
    'the same usage reference may appear in another organization'
);
SELECT lives_ok(
    $$INSERT INTO usage_records (organization_id, category, quantity, unit_cost_decimillicents, total_cost_decimillicents, reference_id)
      VALUES ('00000000-0000-4000-8004-00000000000a', 'api_call', 1, 10, 10, NULL),
             ('00000000-0000-4000-8004-00000000000a', 'api_call', 1, 10, 10, NULL)$$,
    'usage records without a reference never conflict'
);

INSERT INTO invitations (organization_id, email, invited_by_user_id, token, expires_at, status)
VALUES ('00000000-0000-4000-8004-00000000000a', 'pgtap-unique-invitee@example.test',
        '00000000-0000-4000-8004-000000000001', 'pgtap-unique-token-1', now() + interval '7 days', 'pending');

SELECT throws_ok(
    $$INSERT INTO invitations (organization_id, email, invited_by_user_id, token, expires_at, status)
      VALUES ('00000000-0000-4000-8004-00000000000a', 'pgtap-unique-invitee@example.test',
              '00000000-0000-4000-8004-000000000001', 'pgtap-unique-token-2', now() + interval '7 days', 'pending')$$,
    '23505',
    'duplicate key value violates unique constraint "invitations_org_email_pending_unique"',
    'one pending invitation per organization and email'
);
SELECT throws_ok(
    $$INSERT INTO invitations (organization_id, email, invited_by_user_id, token, expires_at, status)
      VALUES ('00000000-0000-4000-8004-00000000000a', '  PGTAP-UNIQUE-INVITEE@example.test ',
              '00000000-0000-4000-8004-000000000001', 'pgtap-unique-token-3', now() + interval '7 days', 'pending')$$,
    '23505',
    'duplicate key value violates unique constraint "invitations_org_email_pending_unique"',
    'the pending-invitation uniqueness sees through case and whitespace (normalised by trigger)'
);
SELECT lives_ok(
    $$INSERT INTO invitations (organization_id, email, invited_by_user_id, token, expires_at, status)
      VALUES ('00000000-0000-4000-8004-00000000000a', 'pgtap-unique-invitee@example.test',
              '00000000-0000-4000-8004-000000000001', 'pgtap-unique-token-4', now() - interval '1 day', 'expired'),
             ('00000000-0000-4000-8004-00000000000a', 'pgtap-unique-invitee@example.test',
              '00000000-0000-4000-8004-000000000001', 'pgtap-unique-token-5', now() - interval '1 day', 'revoked')$$,
    'terminal invitations may repeat an email that has a pending invitation'
);
SELECT throws_ok(
    $$INSERT INTO invitations (organization_id, email, invited_by_user_id, token, expires_at, status)
      VALUES ('00000000-0000-4000-8004-00000000000b', 'pgtap-unique-elsewhere@example.test',
              '00000000-0000-4000-8004-000000000001', 'pgtap-unique-token-1', now() + interval '7 days', 'pending')$$,
    '23505',
    'duplicate key value violates unique constraint "invitations_token_key"',
    'an invitation token is globally unique'
);

INSERT INTO org_members (organization_id, user_id, role)
VALUES ('00000000-0000-4000-8004-00000000000a', '00000000-0000-4000-8004-000000000001', 'owner');
SELECT throws_ok(
    $$INSERT INTO org_members (organization_id, user_id, role)
      VALUES ('00000000-0000-4000-8004-00000000000a', '00000000-0000-4000-8004-000000000001', 'member')$$,
    '23505',
    'duplicate key value violates unique constraint "org_members_org_user_unique"',
    'a user is a member of an organization once'
);

INSERT INTO auth_login_identities (user_id, provider, provider_subject, email)
VALUES ('00000000-0000-4000-8004-000000000001', 'google', 'pgtap-subject-1', 'pgtap-unique-owner@example.test');
SELECT throws_ok(
    $$INSERT INTO auth_login_identities (user_id, provider, provider_subject, email)
      VALUES ('00000000-0000-4000-8004-000000000002', 'google', 'pgtap-subject-1', 'pgtap-unique-other@example.test')$$,
    '23505',
    'duplicate key value violates unique constraint "auth_login_identities_provider_subject_unique"',
    'a provider subject links to one user'
);
SELECT throws_ok(
    $$INSERT INTO auth_login_identities (user_id, provider, provider_subject, email)
      VALUES ('00000000-0000-4000-8004-000000000001', 'google', 'pgtap-subject-2', 'pgtap-unique-owner@example.test')$$,
    '23505',
    'duplicate key value violates unique constraint "auth_login_identities_user_provider_unique"',
    'a user links one identity per provider'
);

SELECT * FROM finish();
ROLLBACK;
