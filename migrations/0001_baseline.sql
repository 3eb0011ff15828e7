-- Baseline: the final schema of the data layer in one file (enums, tables, indexes,
-- constraints, trigger functions and triggers). Seed data that is desired state (roles,
-- permissions, role permissions, retention settings) lives in schemas/, not here.

CREATE TYPE membership_role AS ENUM ('owner', 'admin', 'member');
CREATE TYPE invitation_status AS ENUM ('pending', 'accepted', 'revoked', 'expired');
CREATE TYPE membership_type AS ENUM ('team', 'client');
CREATE TYPE subscription_status AS ENUM ('active', 'inactive', 'trialing', 'past_due', 'canceled', 'paused', 'unpaid');
CREATE TYPE auth_login_provider AS ENUM ('password', 'google');
CREATE TYPE auth_login_audit_status AS ENUM ('success', 'failure');
CREATE TYPE auth_login_audit_event_type AS ENUM ('login_success', 'login_failure', 'password_reset_requested', 'password_changed', 'oauth_linked', 'oauth_unlinked', 'session_refreshed', 'session_revoked', 'account_deleted');
CREATE TYPE domain_event_status AS ENUM ('pending', 'processing', 'published', 'failed');

CREATE TABLE auth_login_oidc_states (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    provider auth_login_provider DEFAULT 'google' NOT NULL,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    requester_ip TEXT,
    expires_at TIMESTAMP WITH TIME ZONE DEFAULT (now() + '00:10:00'::interval) NOT NULL,
    consumed_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT auth_login_oidc_states_state_key UNIQUE (state)
);
CREATE INDEX auth_login_oidc_states_expires_at_active_idx ON auth_login_oidc_states (expires_at) WHERE consumed_at IS NULL;
CREATE INDEX auth_login_oidc_states_expires_at_idx ON auth_login_oidc_states (expires_at);
CREATE INDEX auth_login_oidc_states_provider_expires_at_idx ON auth_login_oidc_states (provider, expires_at);

CREATE TABLE domain_events (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    event_type TEXT NOT NULL,
    aggregate_type TEXT NOT NULL,
    aggregate_id UUID NOT NULL,
    payload JSONB DEFAULT '{}'::jsonb NOT NULL,
    correlation_id UUID,
    sequence_number INTEGER DEFAULT 1 NOT NULL,
    status domain_event_status DEFAULT 'pending' NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    processing_at TIMESTAMP WITH TIME ZONE,
    published_at TIMESTAMP WITH TIME ZONE,
    failed_at TIMESTAMP WITH TIME ZONE,
    failure_reason TEXT,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT domain_events_aggregate_sequence_unique UNIQUE (aggregate_id, sequence_number)
);
CREATE INDEX domain_events_aggregate_stream_idx ON domain_events (aggregate_type, aggregate_id);
CREATE INDEX domain_events_pending_poller_idx ON domain_events (occurred_at, id) WHERE status = 'pending'::domain_event_status;
CREATE INDEX domain_events_prune_failed_idx ON domain_events (failed_at) WHERE status = 'failed'::domain_event_status;
CREATE INDEX domain_events_prune_published_idx ON domain_events (published_at) WHERE status = 'published'::domain_event_status;
CREATE INDEX domain_events_stuck_processing_idx ON domain_events (processing_at) WHERE status = 'processing'::domain_event_status;

CREATE TABLE organizations (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    name TEXT NOT NULL,
    billing_email TEXT,
    onboarding_data JSONB,
    stripe_customer_id TEXT,
    stripe_subscription_id TEXT,
    stripe_payment_method_id TEXT,
    stripe_metered_subscription_item_id TEXT,
    credits_balance BIGINT DEFAULT 0 NOT NULL,
    reserved_credits BIGINT DEFAULT 0 NOT NULL,
    auto_recharge_enabled BOOLEAN DEFAULT false NOT NULL,
    auto_recharge_threshold BIGINT,
    auto_recharge_amount BIGINT,
    is_subscribed BOOLEAN DEFAULT false NOT NULL,
    subscription_status subscription_status DEFAULT 'inactive' NOT NULL,
    subscription_plan TEXT,
    subscription_started_at TIMESTAMP WITH TIME ZONE,
    subscription_ends_at TIMESTAMP WITH TIME ZONE,
    subscription_current_period_end TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX organizations_name_id_idx ON organizations (name, id);
CREATE UNIQUE INDEX organizations_stripe_customer_id_unique ON organizations (stripe_customer_id) WHERE stripe_customer_id IS NOT NULL;
CREATE UNIQUE INDEX organizations_stripe_subscription_id_unique ON organizations (stripe_subscription_id) WHERE stripe_subscription_id IS NOT NULL;

CREATE TABLE permissions (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    key TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT permissions_key_key UNIQUE (key)
);

CREATE TABLE roles (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT roles_name_key UNIQUE (name)
);

CREATE TABLE system_settings (
    key TEXT NOT NULL,
    value JSONB NOT NULL,
    description TEXT,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (key)
);

CREATE TABLE users (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    password_changed_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE UNIQUE INDEX users_email_ci_unique ON users (lower(trim(email)));

CREATE TABLE auth_login_audit_events (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    user_id UUID,
    event_type auth_login_audit_event_type NOT NULL,
    status auth_login_audit_status NOT NULL,
    identifier TEXT,
    ip_address TEXT,
    metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX auth_login_audit_events_created_at_idx ON auth_login_audit_events (created_at);
CREATE INDEX auth_login_audit_events_event_type_created_at_idx ON auth_login_audit_events (event_type, created_at);
CREATE INDEX auth_login_audit_events_user_created_at_idx ON auth_login_audit_events (user_id, created_at);

CREATE TABLE auth_login_identities (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    user_id UUID NOT NULL,
    provider auth_login_provider DEFAULT 'google' NOT NULL,
    provider_subject TEXT NOT NULL,
    email TEXT NOT NULL,
    email_verified BOOLEAN DEFAULT false NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT auth_login_identities_provider_subject_unique UNIQUE (provider, provider_subject),
    CONSTRAINT auth_login_identities_user_provider_unique UNIQUE (user_id, provider),
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX auth_login_identities_email_ci_idx ON auth_login_identities (lower(trim(email)));

CREATE TABLE auth_login_sessions (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    user_id UUID NOT NULL,
    provider auth_login_provider DEFAULT 'password' NOT NULL,
    created_ip TEXT,
    created_user_agent TEXT,
    last_seen_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE DEFAULT (now() + '30 days'::interval) NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX auth_login_sessions_expires_at_idx ON auth_login_sessions (expires_at);
CREATE INDEX auth_login_sessions_revoked_at_idx ON auth_login_sessions (revoked_at);
CREATE INDEX auth_login_sessions_user_created_at_idx ON auth_login_sessions (user_id, created_at);
CREATE INDEX auth_login_sessions_user_expires_at_active_idx ON auth_login_sessions (user_id, expires_at) WHERE revoked_at IS NULL;
CREATE INDEX auth_login_sessions_user_expires_at_idx ON auth_login_sessions (user_id, expires_at);

CREATE TABLE credit_ledger (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    organization_id UUID NOT NULL,
    amount BIGINT NOT NULL,
    entry_type TEXT DEFAULT 'adjustment' NOT NULL,
    reason TEXT NOT NULL,
    reference_id TEXT,
    balance_after BIGINT DEFAULT 0 NOT NULL,
    metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX credit_ledger_org_created_at_idx ON credit_ledger (organization_id, created_at);
CREATE INDEX credit_ledger_reference_id_idx ON credit_ledger (reference_id);

CREATE TABLE invitations (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    organization_id UUID NOT NULL,
    invitee_user_id UUID,
    email TEXT NOT NULL,
    role membership_role DEFAULT 'member' NOT NULL,
    status invitation_status DEFAULT 'pending' NOT NULL,
    invited_by_user_id UUID NOT NULL,
    token TEXT NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT invitations_token_key UNIQUE (token),
    FOREIGN KEY(organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    FOREIGN KEY(invitee_user_id) REFERENCES users (id) ON DELETE SET NULL,
    FOREIGN KEY(invited_by_user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX invitations_invited_by_user_id_idx ON invitations (invited_by_user_id);
CREATE INDEX invitations_invitee_user_created_at_id_idx ON invitations (invitee_user_id, created_at, id);
CREATE INDEX invitations_invitee_user_expires_at_id_idx ON invitations (invitee_user_id, expires_at, id);
CREATE UNIQUE INDEX invitations_org_email_pending_unique ON invitations (organization_id, email) WHERE status = 'pending'::invitation_status;
CREATE INDEX invitations_organization_id_idx ON invitations (organization_id);
CREATE INDEX invitations_pending_expires_at_idx ON invitations (expires_at) WHERE status = 'pending'::invitation_status;
CREATE INDEX invitations_status_created_at_idx ON invitations (status, created_at);

CREATE TABLE org_members (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    organization_id UUID NOT NULL,
    user_id UUID NOT NULL,
    role_id UUID,
    role membership_role DEFAULT 'member' NOT NULL,
    membership_type membership_type DEFAULT 'team' NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT org_members_org_user_unique UNIQUE (organization_id, user_id),
    FOREIGN KEY(organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY(role_id) REFERENCES roles (id)
);
CREATE INDEX org_members_org_id_idx ON org_members (organization_id);
CREATE INDEX org_members_role_id_idx ON org_members (role_id);
CREATE INDEX org_members_user_created_at_idx ON org_members (user_id, created_at);
CREATE INDEX org_members_user_id_idx ON org_members (user_id);

CREATE TABLE password_reset_tokens (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    user_id UUID NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE DEFAULT (now() + '00:30:00'::interval) NOT NULL,
    used_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT password_reset_tokens_token_hash_key UNIQUE (token_hash),
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX password_reset_tokens_created_at_idx ON password_reset_tokens (created_at);
CREATE INDEX password_reset_tokens_expires_at_idx ON password_reset_tokens (expires_at);
CREATE INDEX password_reset_tokens_user_created_at_idx ON password_reset_tokens (user_id, created_at);
CREATE INDEX password_reset_tokens_user_expires_at_active_idx ON password_reset_tokens (user_id, expires_at) WHERE used_at IS NULL;

CREATE TABLE role_permissions (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    role_id UUID NOT NULL,
    permission_id UUID NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT role_permissions_role_permission_unique UNIQUE (role_id, permission_id),
    FOREIGN KEY(role_id) REFERENCES roles (id) ON DELETE CASCADE,
    FOREIGN KEY(permission_id) REFERENCES permissions (id) ON DELETE CASCADE
);

CREATE TABLE subscription_events (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    stripe_event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    organization_id UUID,
    payload JSONB NOT NULL,
    processed_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT subscription_events_stripe_event_id_key UNIQUE (stripe_event_id),
    FOREIGN KEY(organization_id) REFERENCES organizations (id) ON DELETE SET NULL
);
CREATE INDEX subscription_events_event_type_created_at_idx ON subscription_events (event_type, created_at);
CREATE INDEX subscription_events_org_created_at_idx ON subscription_events (organization_id, created_at);
CREATE INDEX subscription_events_processed_at_idx ON subscription_events (processed_at) WHERE processed_at IS NOT NULL;
CREATE INDEX subscription_events_unprocessed_idx ON subscription_events (created_at) WHERE processed_at IS NULL;

CREATE TABLE teams (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    organization_id UUID NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    brand_settings JSONB,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX teams_name_id_idx ON teams (name, id);
CREATE INDEX teams_org_id_idx ON teams (organization_id);

CREATE TABLE usage_records (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    organization_id UUID NOT NULL,
    category TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_cost_decimillicents BIGINT NOT NULL,
    total_cost_decimillicents BIGINT NOT NULL,
    reference_id TEXT,
    stripe_usage_record_id TEXT,
    metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
    recorded_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX usage_records_org_category_recorded_at_idx ON usage_records (organization_id, category, recorded_at);
CREATE INDEX usage_records_org_recorded_at_idx ON usage_records (organization_id, recorded_at);
CREATE UNIQUE INDEX usage_records_org_reference_id_unique_idx ON usage_records (organization_id, reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX usage_records_reference_id_idx ON usage_records (reference_id);

CREATE TABLE auth_login_refresh_tokens (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    session_id UUID NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE DEFAULT (now() + '30 days'::interval) NOT NULL,
    used_at TIMESTAMP WITH TIME ZONE,
    revoked_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT auth_login_refresh_tokens_token_hash_key UNIQUE (token_hash),
    FOREIGN KEY(session_id) REFERENCES auth_login_sessions (id) ON DELETE CASCADE
);
CREATE INDEX auth_login_refresh_tokens_expires_at_idx ON auth_login_refresh_tokens (expires_at);
CREATE INDEX auth_login_refresh_tokens_session_created_at_idx ON auth_login_refresh_tokens (session_id, created_at);
CREATE INDEX auth_login_refresh_tokens_session_expires_at_active_idx ON auth_login_refresh_tokens (session_id, expires_at) WHERE used_at IS NULL AND revoked_at IS NULL;

CREATE TABLE team_members (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    team_id UUID NOT NULL,
    user_id UUID NOT NULL,
    role_id UUID,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT team_members_team_user_unique UNIQUE (team_id, user_id),
    FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE CASCADE,
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY(role_id) REFERENCES roles (id)
);
CREATE INDEX team_members_role_id_idx ON team_members (role_id);
CREATE INDEX team_members_team_id_idx ON team_members (team_id);
CREATE INDEX team_members_user_id_idx ON team_members (user_id);

-- updated_at maintenance -------------------------------------------------------------

CREATE FUNCTION update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := CURRENT_TIMESTAMP;
    RETURN NEW;
END;
$$;

CREATE TRIGGER update_organizations_updated_at BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_org_members_updated_at BEFORE UPDATE ON org_members
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_teams_updated_at BEFORE UPDATE ON teams
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_team_members_updated_at BEFORE UPDATE ON team_members
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- user email normalisation -----------------------------------------------------------

CREATE FUNCTION normalize_user_email_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.email := lower(trim(NEW.email));
    RETURN NEW;
END;
$$;

CREATE TRIGGER normalize_user_email BEFORE INSERT OR UPDATE OF email ON users
    FOR EACH ROW EXECUTE FUNCTION normalize_user_email_fn();

-- invitation email normalisation and invitee binding ---------------------------------
-- On INSERT an explicit invitee is kept; otherwise the user whose normalised email
-- matches is bound. On UPDATE the invitee is re-bound only when the normalised email
-- actually changed and the same statement did not set the invitee explicitly.

CREATE FUNCTION normalize_invitation_identity_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.email := lower(trim(NEW.email));
    IF TG_OP = 'INSERT' THEN
        IF NEW.invitee_user_id IS NOT NULL THEN
            RETURN NEW;
        END IF;
    ELSIF NEW.email = lower(trim(OLD.email))
        OR NEW.invitee_user_id IS DISTINCT FROM OLD.invitee_user_id THEN
        RETURN NEW;
    END IF;
    NEW.invitee_user_id := (
        SELECT u.id FROM users AS u
        WHERE lower(trim(u.email)) = NEW.email
        ORDER BY u.created_at, u.id
        LIMIT 1
    );
    RETURN NEW;
END;
$$;

CREATE TRIGGER normalize_invitation_identity BEFORE INSERT OR UPDATE OF email ON invitations
    FOR EACH ROW EXECUTE FUNCTION normalize_invitation_identity_fn();

-- outbox append ----------------------------------------------------------------------
-- Appends one event with the next gapless per-aggregate sequence number. A transaction-
-- scoped advisory lock on the aggregate serialises concurrent appenders, and each
-- statement of a plpgsql function takes a fresh snapshot, so the MAX below sees every
-- committed event of the aggregate: concurrent writers all succeed and get 1..N.

CREATE FUNCTION append_domain_event(
    p_event_type text,
    p_aggregate_type text,
    p_aggregate_id uuid,
    p_payload jsonb,
    p_correlation_id uuid
) RETURNS SETOF domain_events
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1954051437, hashtext(p_aggregate_id::text));
    RETURN QUERY
    INSERT INTO domain_events (
        event_type, aggregate_type, aggregate_id, payload, correlation_id, sequence_number
    )
    VALUES (
        p_event_type,
        p_aggregate_type,
        p_aggregate_id,
        p_payload,
        p_correlation_id,
        (SELECT COALESCE(MAX(d.sequence_number), 0) + 1
           FROM domain_events AS d
          WHERE d.aggregate_id = p_aggregate_id)
    )
    RETURNING *;
END;
$$;
