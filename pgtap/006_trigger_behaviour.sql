-- Trigger behaviour. updated_at is CURRENT_TIMESTAMP (the transaction start, which is now()
-- for this whole suite), so rows are inserted with an old updated_at and then updated.
-- Emails are normalised to lower(trim(email)); an invitation binds its invitee by email,
-- keeps an explicit invitee, and re-binds only when the normalised email actually changes.
BEGIN;
SELECT plan(24);

-- fixtures -------------------------------------------------------------------------------

INSERT INTO users (id, email, password_hash, name) VALUES
    ('00000000-0000-4000-8006-000000000001', 'pgtap-alice@example.test', 'x', 'Alice'),
    ('00000000-0000-4000-8006-000000000002', 'pgtap-bob@example.test', 'x', 'Bob'),
    ('00000000-0000-4000-8006-000000000003', 'pgtap-inviter@example.test', 'x', 'Inviter');
INSERT INTO organizations (id, name, created_at, updated_at)
VALUES ('00000000-0000-4000-8006-00000000000a', 'pgTAP behaviour',
        '1999-01-01 00:00:00+00', '2000-01-01 00:00:00+00');
INSERT INTO org_members (id, organization_id, user_id, role, updated_at)
VALUES ('00000000-0000-4000-8006-0000000000a1', '00000000-0000-4000-8006-00000000000a',
        '00000000-0000-4000-8006-000000000001', 'owner', '2000-01-01 00:00:00+00');
INSERT INTO teams (id, organization_id, name, updated_at)
VALUES ('00000000-0000-4000-8006-0000000000b1', '00000000-0000-4000-8006-00000000000a',
        'pgTAP team', '2000-01-01 00:00:00+00');
INSERT INTO team_members (id, team_id, user_id, updated_at)
VALUES ('00000000-0000-4000-8006-0000000000c1', '00000000-0000-4000-8006-0000000000b1',
        '00000000-0000-4000-8006-000000000001', '2000-01-01 00:00:00+00');

-- updated_at -----------------------------------------------------------------------------

SELECT is(
    (SELECT updated_at FROM organizations WHERE id = '00000000-0000-4000-8006-00000000000a'),
    '2000-01-01 00:00:00+00'::timestamptz,
    'INSERT keeps the given organizations.updated_at (the trigger is UPDATE only)'
);

UPDATE organizations SET name = 'pgTAP behaviour renamed' WHERE id = '00000000-0000-4000-8006-00000000000a';
SELECT is(
    (SELECT updated_at FROM organizations WHERE id = '00000000-0000-4000-8006-00000000000a'),
    now(),
    'UPDATE of organizations moves updated_at to CURRENT_TIMESTAMP'
);

UPDATE organizations SET updated_at = '2001-01-01 00:00:00+00' WHERE id = '00000000-0000-4000-8006-00000000000a';
SELECT is(
    (SELECT updated_at FROM organizations WHERE id = '00000000-0000-4000-8006-00000000000a'),
    now(),
    'an explicit organizations.updated_at in an UPDATE is overridden by the trigger'
);

UPDATE org_members SET role = 'admin' WHERE id = '00000000-0000-4000-8006-0000000000a1';
SELECT is(
    (SELECT updated_at FROM org_members WHERE id = '00000000-0000-4000-8006-0000000000a1'),
    now(),
    'UPDATE of org_members moves updated_at to CURRENT_TIMESTAMP'
);
SELECT is(
    (SELECT role::text FROM org_members WHERE id = '00000000-0000-4000-8006-0000000000a1'),
    'admin',
    'the updated_at trigger leaves the rest of the org_members row as updated'
);

UPDATE teams SET website = 'https://pgtap.example.test' WHERE id = '00000000-0000-4000-8006-0000000000b1';
SELECT is(
    (SELECT updated_at FROM teams WHERE id = '00000000-0000-4000-8006-0000000000b1'),
    now(),
    'UPDATE of teams moves updated_at to CURRENT_TIMESTAMP'
);

UPDATE team_members SET user_id = '00000000-0000-4000-8006-000000000002' WHERE id = '00000000-0000-4000-8006-0000000000c1';
SELECT is(
    (SELECT updated_at FROM team_members WHERE id = '00000000-0000-4000-8006-0000000000c1'),
    now(),
    'UPDATE of team_members moves updated_at to CURRENT_TIMESTAMP'
);

SELECT is(
    (SELECT created_at FROM organizations WHERE id = '00000000-0000-4000-8006-00000000000a'),
    '1999-01-01 00:00:00+00'::timestamptz,
    'the updated_at trigger does not touch created_at'
);

-- users.email ----------------------------------------------------------------------------

INSERT INTO users (id, email, password_hash, name)
VALUES ('00000000-0000-4000-8006-000000000004', '  PGTAP-Normalize@Example.TEST  ', 'x', 'Norm');
SELECT is(
    (SELECT email FROM users WHERE id = '00000000-0000-4000-8006-000000000004'),
    'pgtap-normalize@example.test',
    'a user email is lowercased and trimmed on INSERT'
);

UPDATE users SET email = E'\tPGTAP-Normalize-Updated@EXAMPLE.test ' WHERE id = '00000000-0000-4000-8006-000000000004';
SELECT is(
    (SELECT email FROM users WHERE id = '00000000-0000-4000-8006-000000000004'),
    E'\tpgtap-normalize-updated@example.test',
    'a user email is lowercased and trimmed of spaces on UPDATE (trim() strips spaces only)'
);

SELECT throws_ok(
    $$INSERT INTO users (email, password_hash, name) VALUES (' PGTAP-ALICE@example.TEST', 'x', 'Dup')$$,
    '23505',
    'duplicate key value violates unique constraint "users_email_key"',
    'a case or whitespace variant of an existing email is a duplicate'
);
SELECT throws_ok(
    $$UPDATE users SET email = 'PGTAP-BOB@EXAMPLE.TEST' WHERE id = '00000000-0000-4000-8006-000000000001'$$,
    '23505',
    'duplicate key value violates unique constraint "users_email_key"',
    'changing an email to a case variant of another user''s is a duplicate'
);

-- invitations: normalisation and invitee binding -----------------------------------------

INSERT INTO invitations (id, organization_id, email, invited_by_user_id, token, expires_at)
VALUES ('00000000-0000-4000-8006-0000000000d1', '00000000-0000-4000-8006-00000000000a',
        '  PGTAP-Alice@Example.TEST ', '00000000-0000-4000-8006-000000000003',
        'pgtap-behaviour-token-1', now() + interval '7 days');
SELECT is(
    (SELECT email FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d1'),
    'pgtap-alice@example.test',
    'an invitation email is lowercased and trimmed on INSERT'
);
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d1'),
    '00000000-0000-4000-8006-000000000001'::uuid,
    'an invitation without invitee is bound to the user with that email'
);

INSERT INTO invitations (id, organization_id, email, invited_by_user_id, token, expires_at)
VALUES ('00000000-0000-4000-8006-0000000000d2', '00000000-0000-4000-8006-00000000000a',
        'pgtap-nobody@example.test', '00000000-0000-4000-8006-000000000003',
        'pgtap-behaviour-token-2', now() + interval '7 days');
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d2'),
    NULL::uuid,
    'an invitation for an unknown email has no invitee'
);

INSERT INTO invitations (id, organization_id, email, invited_by_user_id, token, expires_at, status, invitee_user_id)
VALUES ('00000000-0000-4000-8006-0000000000d3', '00000000-0000-4000-8006-00000000000a',
        'pgtap-alice@example.test', '00000000-0000-4000-8006-000000000003',
        'pgtap-behaviour-token-3', now() + interval '7 days', 'revoked',
        '00000000-0000-4000-8006-000000000002');
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d3'),
    '00000000-0000-4000-8006-000000000002'::uuid,
    'an explicit invitee is kept on INSERT even when the email names another user'
);

UPDATE invitations SET email = ' PGTAP-ALICE@EXAMPLE.TEST' WHERE id = '00000000-0000-4000-8006-0000000000d3';
SELECT is(
    (SELECT email FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d3'),
    'pgtap-alice@example.test',
    'an invitation email is lowercased and trimmed on UPDATE'
);
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d3'),
    '00000000-0000-4000-8006-000000000002'::uuid,
    'an UPDATE that leaves the normalised email unchanged keeps the invitee'
);

UPDATE invitations SET email = 'PGTAP-Bob@example.test' WHERE id = '00000000-0000-4000-8006-0000000000d1';
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d1'),
    '00000000-0000-4000-8006-000000000002'::uuid,
    'changing the email re-binds the invitee to the user with the new email'
);

UPDATE invitations SET email = 'pgtap-alice@example.test' WHERE id = '00000000-0000-4000-8006-0000000000d2';
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d2'),
    '00000000-0000-4000-8006-000000000001'::uuid,
    'changing an unbound invitation to a known email binds its user'
);

UPDATE invitations SET email = 'pgtap-unknown@example.test' WHERE id = '00000000-0000-4000-8006-0000000000d1';
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d1'),
    NULL::uuid,
    'changing the email to an unknown address unbinds the previous invitee'
);

UPDATE invitations
   SET email = 'pgtap-bob@example.test', invitee_user_id = '00000000-0000-4000-8006-000000000003'
 WHERE id = '00000000-0000-4000-8006-0000000000d2';
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d2'),
    '00000000-0000-4000-8006-000000000003'::uuid,
    'an invitee set explicitly in the same UPDATE as the email is kept'
);

UPDATE invitations SET invitee_user_id = NULL, status = 'expired' WHERE id = '00000000-0000-4000-8006-0000000000d2';
SELECT is(
    (SELECT invitee_user_id FROM invitations WHERE id = '00000000-0000-4000-8006-0000000000d2'),
    NULL::uuid,
    'an UPDATE that does not touch the email never re-binds the invitee'
);

SELECT is(
    (SELECT count(*)::int FROM invitations WHERE organization_id = '00000000-0000-4000-8006-00000000000a'),
    3,
    'the triggers never add or drop invitations'
);

SELECT * FROM finish();
ROLLBACK;
