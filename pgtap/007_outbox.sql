-- Transactional outbox: (aggregate_id, sequence_number) is unique, and append_domain_event()
-- numbers each aggregate's events 1, 2, 3, ... independently of other aggregates, with the
-- column defaults the relay relies on (pending, empty payload object).
BEGIN;
SELECT plan(14);

SELECT has_function(
    'public', 'append_domain_event', ARRAY['text', 'text', 'uuid', 'jsonb', 'uuid'],
    'append_domain_event(text, text, uuid, jsonb, uuid) exists'
);
SELECT function_returns(
    'public', 'append_domain_event', ARRAY['text', 'text', 'uuid', 'jsonb', 'uuid'], 'setof domain_events',
    'append_domain_event returns the inserted domain_events row'
);
SELECT volatility_is(
    'public', 'append_domain_event', ARRAY['text', 'text', 'uuid', 'jsonb', 'uuid'], 'volatile',
    'append_domain_event is volatile (each statement sees committed events)'
);
SELECT col_default_is('public', 'domain_events', 'status', 'pending'::domain_event_status, 'a new domain event is pending');
SELECT col_default_is('public', 'domain_events', 'payload', '{}'::jsonb, 'a domain event payload defaults to an empty object');

-- raw uniqueness -------------------------------------------------------------------------

INSERT INTO domain_events (event_type, aggregate_type, aggregate_id, sequence_number)
VALUES ('organization.created', 'organization', '00000000-0000-4000-8007-000000000001', 1);

SELECT throws_ok(
    $$INSERT INTO domain_events (event_type, aggregate_type, aggregate_id, sequence_number)
      VALUES ('organization.updated', 'organization', '00000000-0000-4000-8007-000000000001', 1)$$,
    '23505',
    'duplicate key value violates unique constraint "domain_events_aggregate_sequence_unique"',
    'a sequence number is used once per aggregate'
);
SELECT lives_ok(
    $$INSERT INTO domain_events (event_type, aggregate_type, aggregate_id, sequence_number)
      VALUES ('organization.created', 'organization', '00000000-0000-4000-8007-000000000002', 1)$$,
    'another aggregate may use the same sequence number'
);

-- append_domain_event --------------------------------------------------------------------

SELECT results_eq(
    $$
    SELECT e.sequence_number
      FROM generate_series(1, 3) AS g(i)
     CROSS JOIN LATERAL append_domain_event(
         'team.created', 'team', '00000000-0000-4000-8007-000000000003',
         jsonb_build_object('i', g.i), NULL
     ) AS e
     ORDER BY g.i
    $$,
    ARRAY[1, 2, 3],
    'append_domain_event numbers a new aggregate''s events 1, 2, 3'
);
SELECT results_eq(
    $$
    SELECT sequence_number, payload
      FROM domain_events
     WHERE aggregate_id = '00000000-0000-4000-8007-000000000003'
     ORDER BY sequence_number
    $$,
    $$ VALUES (1, '{"i": 1}'::jsonb), (2, '{"i": 2}'::jsonb), (3, '{"i": 3}'::jsonb) $$,
    'the appended events are stored in order with their payloads'
);
SELECT results_eq(
    $$
    SELECT sequence_number FROM append_domain_event(
        'organization.updated', 'organization', '00000000-0000-4000-8007-000000000001',
        '{}'::jsonb, NULL
    )
    $$,
    ARRAY[2],
    'append_domain_event continues after the highest existing sequence number'
);
SELECT results_eq(
    $$
    SELECT sequence_number FROM append_domain_event(
        'organization.updated', 'organization', '00000000-0000-4000-8007-000000000001',
        '{}'::jsonb, '00000000-0000-4000-8007-0000000000cc'
    )
    $$,
    ARRAY[3],
    'append_domain_event keeps numbering gapless on the next call'
);
SELECT results_eq(
    $$
    SELECT status::text, correlation_id, published_at IS NULL, processing_at IS NULL
      FROM domain_events
     WHERE aggregate_id = '00000000-0000-4000-8007-000000000001' AND sequence_number = 3
    $$,
    $$ VALUES ('pending', '00000000-0000-4000-8007-0000000000cc'::uuid, true, true) $$,
    'an appended event is pending, unpublished and carries its correlation id'
);
SELECT results_eq(
    $$
    SELECT sequence_number FROM append_domain_event(
        'user.created', 'user', '00000000-0000-4000-8007-000000000004', '{}'::jsonb, NULL
    )
    $$,
    ARRAY[1],
    'each aggregate has its own sequence'
);
SELECT is(
    (SELECT count(*)::int FROM domain_events WHERE aggregate_id::text LIKE '00000000-0000-4000-8007-%'),
    8,
    'every append inserted exactly one row'
);

SELECT * FROM finish();
ROLLBACK;
