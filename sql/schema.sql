-- sql/schema.sql: the schema that sql/migrations builds. GENERATED, never
-- edited by hand: change a migration, then regenerate with
--
--   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run db:dump-schema
--
-- (scripts/dump-schema.ts: a fresh database on that PostgreSQL 15 server,
-- migrated by src/db/migrator.ts, dumped by pg_dump 15 --schema-only).
-- CI fails when this file is not current (npm run db:dump-schema -- --check).
--
-- For reading, not for restoring: pg_dump's entries, unchanged (but for
-- trailing spaces), regrouped so that everything about a table follows its
-- CREATE TABLE (constraints, foreign keys, indexes, triggers, row level
-- security, policies, grants), and each function, sequence, type and schema
-- is followed by its grants. Build a database with the migrations (npm run
-- db:migrate). Roles are cluster-wide and not part of a database's dump: 001
-- creates them. The migration ledger (app_private.schema_migrations)
-- belongs to the role that ran the migrations (postgres here).

-- =============================================================================
-- Schemas and extensions
-- =============================================================================

--
-- Name: app; Type: SCHEMA; Schema: -; Owner: loomline_owner
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO loomline_owner;

--
-- Name: SCHEMA app; Type: ACL; Schema: -; Owner: loomline_owner
--

GRANT USAGE ON SCHEMA app TO anonymous;
GRANT USAGE ON SCHEMA app TO authenticated;

--
-- Name: app_private; Type: SCHEMA; Schema: -; Owner: loomline_owner
--

CREATE SCHEMA app_private;


ALTER SCHEMA app_private OWNER TO loomline_owner;

--
-- Name: SCHEMA app_private; Type: ACL; Schema: -; Owner: loomline_owner
--

GRANT USAGE ON SCHEMA app_private TO loomline_api;

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner:
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';

--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner:
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';

--
-- Name: public; Type: SCHEMA; Schema: -; Owner: loomline_owner
--

-- *not* creating schema, since initdb creates it


ALTER SCHEMA public OWNER TO loomline_owner;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: loomline_owner
--

REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO anonymous;
GRANT USAGE ON SCHEMA public TO authenticated;

-- =============================================================================
-- Types
-- =============================================================================

--
-- Name: acceptance_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.acceptance_status AS ENUM (
    'pending',
    'accepted',
    'rejected',
    'counter_offered'
);


ALTER TYPE public.acceptance_status OWNER TO loomline_owner;

--
-- Name: app_role; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.app_role AS ENUM (
    'admin',
    'buyer',
    'supplier'
);


ALTER TYPE public.app_role OWNER TO loomline_owner;

--
-- Name: complexity_level; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.complexity_level AS ENUM (
    'simple',
    'moderate',
    'complex'
);


ALTER TYPE public.complexity_level OWNER TO loomline_owner;

--
-- Name: event_topic; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.event_topic AS ENUM (
    'stage',
    'order_status',
    'notification',
    'message',
    'access'
);


ALTER TYPE public.event_topic OWNER TO loomline_owner;

--
-- Name: feedback_priority; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.feedback_priority AS ENUM (
    'low',
    'medium',
    'high',
    'urgent'
);


ALTER TYPE public.feedback_priority OWNER TO loomline_owner;

--
-- Name: feedback_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.feedback_status AS ENUM (
    'open',
    'in_progress',
    'resolved',
    'closed'
);


ALTER TYPE public.feedback_status OWNER TO loomline_owner;

--
-- Name: feedback_type; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.feedback_type AS ENUM (
    'bug',
    'feature',
    'general',
    'support'
);


ALTER TYPE public.feedback_type OWNER TO loomline_owner;

--
-- Name: lead_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.lead_status AS ENUM (
    'new',
    'contacted',
    'hot',
    'warm',
    'cold',
    'lost'
);


ALTER TYPE public.lead_status OWNER TO loomline_owner;

--
-- Name: listing_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.listing_status AS ENUM (
    'draft',
    'pending_approval',
    'approved',
    'rejected',
    'sold_out',
    'archived'
);


ALTER TYPE public.listing_status OWNER TO loomline_owner;

--
-- Name: notification_type; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.notification_type AS ENUM (
    'order_status',
    'stage_update',
    'message',
    'quote',
    'listing',
    'system'
);


ALTER TYPE public.notification_type OWNER TO loomline_owner;

--
-- Name: order_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.order_status AS ENUM (
    'draft',
    'submitted',
    'confirmed',
    'in_production',
    'quality_check',
    'shipped',
    'delivered',
    'cancelled'
);


ALTER TYPE public.order_status OWNER TO loomline_owner;

--
-- Name: payment_kind; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.payment_kind AS ENUM (
    'payment',
    'refund'
);


ALTER TYPE public.payment_kind OWNER TO loomline_owner;

--
-- Name: payment_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.payment_status AS ENUM (
    'unpaid',
    'partially_paid',
    'paid',
    'refunded'
);


ALTER TYPE public.payment_status OWNER TO loomline_owner;

--
-- Name: payment_transaction_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.payment_transaction_status AS ENUM (
    'pending',
    'succeeded',
    'failed',
    'refunded'
);


ALTER TYPE public.payment_transaction_status OWNER TO loomline_owner;

--
-- Name: production_route; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.production_route AS ENUM (
    'standard',
    'hybrid',
    'specialty_only'
);


ALTER TYPE public.production_route OWNER TO loomline_owner;

--
-- Name: quote_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.quote_status AS ENUM (
    'draft',
    'sent',
    'accepted',
    'rejected',
    'converted',
    'expired'
);


ALTER TYPE public.quote_status OWNER TO loomline_owner;

--
-- Name: reservation_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.reservation_status AS ENUM (
    'held',
    'committed',
    'released'
);


ALTER TYPE public.reservation_status OWNER TO loomline_owner;

--
-- Name: stage_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.stage_status AS ENUM (
    'pending',
    'in_progress',
    'completed',
    'delayed'
);


ALTER TYPE public.stage_status OWNER TO loomline_owner;

--
-- Name: supplier_order_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.supplier_order_status AS ENUM (
    'pending',
    'accepted',
    'rejected',
    'cancelled',
    'completed'
);


ALTER TYPE public.supplier_order_status OWNER TO loomline_owner;

--
-- Name: supplier_tier; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.supplier_tier AS ENUM (
    'standard',
    'silver',
    'gold',
    'platinum'
);


ALTER TYPE public.supplier_tier OWNER TO loomline_owner;

--
-- Name: verification_status; Type: TYPE; Schema: public; Owner: loomline_owner
--

CREATE TYPE public.verification_status AS ENUM (
    'pending',
    'verified',
    'rejected',
    'suspended'
);


ALTER TYPE public.verification_status OWNER TO loomline_owner;

-- =============================================================================
-- Sequences
-- =============================================================================

--
-- Name: order_number_seq; Type: SEQUENCE; Schema: app_private; Owner: loomline_owner
--

CREATE SEQUENCE app_private.order_number_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app_private.order_number_seq OWNER TO loomline_owner;

--
-- Name: supplier_order_number_seq; Type: SEQUENCE; Schema: app_private; Owner: loomline_owner
--

CREATE SEQUENCE app_private.supplier_order_number_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app_private.supplier_order_number_seq OWNER TO loomline_owner;

--
-- Name: events_id_seq; Type: SEQUENCE; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- =============================================================================
-- Functions, each with its grants
-- =============================================================================

--
-- Name: approved_listing_matches(tsquery); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.approved_listing_matches(search tsquery) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 5000
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT mp.id
    FROM public.marketplace_products mp
   WHERE ((mp.status = 'approved'::public.listing_status) AND (mp.search_vector @@ approved_listing_matches.search));
END;


ALTER FUNCTION app.approved_listing_matches(search tsquery) OWNER TO loomline_owner;

--
-- Name: FUNCTION approved_listing_matches(search tsquery); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.approved_listing_matches(search tsquery) FROM PUBLIC;
GRANT ALL ON FUNCTION app.approved_listing_matches(search tsquery) TO anonymous;
GRANT ALL ON FUNCTION app.approved_listing_matches(search tsquery) TO authenticated;

--
-- Name: auth_api_key(text); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_api_key(presented_key text) RETURNS TABLE(id uuid, user_id uuid, scopes text[], roles public.app_role[], expires_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT k.id,
     k.user_id,
     k.scopes,
     COALESCE(( SELECT array_agg(r.role ORDER BY r.role) AS array_agg
            FROM public.user_roles r
           WHERE (r.user_id = k.user_id)), '{}'::public.app_role[]) AS "coalesce",
     k.expires_at
    FROM (public.api_keys k
      JOIN public.users u ON ((u.id = k.user_id)))
   WHERE ((k.prefix = "substring"(auth_api_key.presented_key, '^ll_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$'::text)) AND (k.key_hash = encode(public.digest(auth_api_key.presented_key, 'sha256'::text), 'hex'::text)) AND (k.revoked_at IS NULL) AND ((k.expires_at IS NULL) OR (k.expires_at > now())) AND (u.disabled_at IS NULL) AND (u.deleted_at IS NULL));
END;


ALTER FUNCTION app.auth_api_key(presented_key text) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_api_key(presented_key text); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_api_key(presented_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_api_key(presented_key text) TO anonymous;

--
-- Name: auth_create_api_key(text, text, text, text[], timestamp with time zone); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_create_api_key(key_name text, key_prefix text, new_key_hash text, key_scopes text[], key_expires_at timestamp with time zone) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  owner uuid := app.current_user_id();
  created uuid;
begin
  if owner is null then
    raise exception 'sign in to create an API key' using errcode = '42501';
  end if;
  -- Serialises a user's concurrent creations, so the limit holds.
  perform from users u where u.id = owner for update;
  if (select count(*) from api_keys k
       where k.user_id = owner and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())) >= 25 then
    raise exception 'at most 25 active API keys per user: revoke one first' using errcode = 'LLRUL';
  end if;
  insert into api_keys (user_id, name, prefix, key_hash, scopes, expires_at)
  values (owner, key_name, key_prefix, new_key_hash, key_scopes, key_expires_at)
  returning id into created;
  return created;
end;
$$;


ALTER FUNCTION app.auth_create_api_key(key_name text, key_prefix text, new_key_hash text, key_scopes text[], key_expires_at timestamp with time zone) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_create_api_key(key_name text, key_prefix text, new_key_hash text, key_scopes text[], key_expires_at timestamp with time zone); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_create_api_key(key_name text, key_prefix text, new_key_hash text, key_scopes text[], key_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_create_api_key(key_name text, key_prefix text, new_key_hash text, key_scopes text[], key_expires_at timestamp with time zone) TO authenticated;

--
-- Name: auth_password_params(text); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_password_params(account_email text) RETURNS TABLE(salt text, n integer, r integer, p integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  stored record;
  stand_in bytea := substring(
    app_private.auth_hmac(convert_to('password salt ' || lower(coalesce(account_email, '')), 'UTF8'))
    from 1 for 16);
begin
  select h.salt, h.n, h.r, h.p into stored
    from users u, app_private.password_hash_parts(u.password_hash) h
   where u.email = account_email::citext;
  if stored.salt is null then
    return query select encode(stand_in, 'base64'), 32768, 8, 1;
  else
    return query select encode(stored.salt, 'base64'), stored.n, stored.r, stored.p;
  end if;
end;
$$;


ALTER FUNCTION app.auth_password_params(account_email text) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_password_params(account_email text); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_password_params(account_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_password_params(account_email text) TO anonymous;
GRANT ALL ON FUNCTION app.auth_password_params(account_email text) TO authenticated;

--
-- Name: auth_revoke_api_key(uuid); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_revoke_api_key(key_id uuid) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  key api_keys;
begin
  select * into key from api_keys k where k.id = key_id and k.user_id = app.current_user_id() for update;
  if not found then
    return null;
  end if;
  if key.revoked_at is null then
    update api_keys k set revoked_at = now() where k.id = key.id;
  end if;
  return key.prefix;
end;
$$;


ALTER FUNCTION app.auth_revoke_api_key(key_id uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_revoke_api_key(key_id uuid); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_revoke_api_key(key_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_revoke_api_key(key_id uuid) TO authenticated;

--
-- Name: auth_revoke_refresh_token(text); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_revoke_refresh_token(presented_token text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  family uuid;
begin
  select t.family_id into family from refresh_tokens t
   where t.token_hash = encode(public.digest(presented_token, 'sha256'), 'hex');
  if not found then
    return false;
  end if;
  update refresh_tokens t set revoked_at = now() where t.family_id = family and t.revoked_at is null;
  return true;
end;
$$;


ALTER FUNCTION app.auth_revoke_refresh_token(presented_token text) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_revoke_refresh_token(presented_token text); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_revoke_refresh_token(presented_token text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_revoke_refresh_token(presented_token text) TO anonymous;
GRANT ALL ON FUNCTION app.auth_revoke_refresh_token(presented_token text) TO authenticated;

--
-- Name: auth_rotate_refresh_token(text, timestamp with time zone, text, inet); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_rotate_refresh_token(presented_token text, next_expires_at timestamp with time zone, client_user_agent text, client_ip inet) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  presented refresh_tokens;
  account users;
  successor record;
begin
  select * into presented from refresh_tokens t
   where t.token_hash = encode(public.digest(presented_token, 'sha256'), 'hex')
     for update;
  if not found then
    return jsonb_build_object('status', 'invalid');
  end if;
  if presented.replaced_by is not null or presented.revoked_at is not null then
    update refresh_tokens t set revoked_at = now()
     where t.family_id = presented.family_id and t.revoked_at is null;
    return jsonb_build_object(
      'status', case when presented.replaced_by is not null then 'reused' else 'revoked' end,
      'userId', presented.user_id,
      'familyId', presented.family_id);
  end if;
  if presented.expires_at <= now() then
    return jsonb_build_object('status', 'expired');
  end if;
  select * into account from users u where u.id = presented.user_id;
  if account.disabled_at is not null or account.deleted_at is not null then
    update refresh_tokens t set revoked_at = now()
     where t.family_id = presented.family_id and t.revoked_at is null;
    return jsonb_build_object('status', 'disabled');
  end if;
  select * into successor
    from app_private.auth_issue_refresh_token(
      presented.user_id, presented.family_id, next_expires_at, client_user_agent, client_ip);
  update refresh_tokens t set replaced_by = successor.token_id, revoked_at = now() where t.id = presented.id;
  return jsonb_build_object(
    'status', 'rotated',
    'user', app_private.auth_user_summary(presented.user_id),
    'refreshToken', successor.token);
end;
$$;


ALTER FUNCTION app.auth_rotate_refresh_token(presented_token text, next_expires_at timestamp with time zone, client_user_agent text, client_ip inet) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_rotate_refresh_token(presented_token text, next_expires_at timestamp with time zone, client_user_agent text, client_ip inet); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_rotate_refresh_token(presented_token text, next_expires_at timestamp with time zone, client_user_agent text, client_ip inet) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_rotate_refresh_token(presented_token text, next_expires_at timestamp with time zone, client_user_agent text, client_ip inet) TO anonymous;
GRANT ALL ON FUNCTION app.auth_rotate_refresh_token(presented_token text, next_expires_at timestamp with time zone, client_user_agent text, client_ip inet) TO authenticated;

--
-- Name: auth_sign_in(text, bytea, text, timestamp with time zone, text, inet); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_sign_in(account_email text, password_key bytea, new_password_hash text, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $_$
declare
  account users;
  stored record;
  matches boolean;
  session record;
begin
  -- The lock serialises sign-ins of one account with each other and with a
  -- rehash, so a key is always checked against the hash it was derived for.
  select * into account from users u where u.email = account_email::citext for update;
  select * into stored from app_private.password_hash_parts(account.password_hash);
  -- The same work whether or not there is anything to compare with.
  matches := app_private.auth_hmac(public.digest(coalesce(password_key, ''::bytea), 'sha256'))
             = app_private.auth_hmac(coalesce(stored.verifier, ''::bytea));
  if not matches or stored.verifier is null or octet_length(password_key) is distinct from 32 then
    return jsonb_build_object('status', 'invalid');
  end if;
  if account.disabled_at is not null or account.deleted_at is not null then
    return jsonb_build_object('status', 'disabled', 'userId', account.id);
  end if;
  if new_password_hash is not null then
    if stored.n = 32768 and stored.r = 8 and stored.p = 1 then
      raise exception 'the password hash has today''s parameters: sign-in does not replace it'
        using errcode = '22023';
    end if;
    if not app_private.is_current_password_hash(new_password_hash) then
      raise exception 'a new password hash must be scrypt$32768$8$1$<salt>$sha256:<verifier>'
        using errcode = '22023';
    end if;
  elsif not stored.sealed then
    new_password_hash := app_private.sealed_password_hash(account.password_hash);
  end if;
  update users u
     set last_sign_in_at = now(),
         password_hash = coalesce(new_password_hash, u.password_hash)
   where u.id = account.id;
  select * into session
    from app_private.auth_issue_refresh_token(
      account.id, gen_random_uuid(), refresh_expires_at, client_user_agent, client_ip);
  return jsonb_build_object(
    'status', 'signed_in',
    'user', app_private.auth_user_summary(account.id),
    'refreshToken', session.token);
end;
$_$;


ALTER FUNCTION app.auth_sign_in(account_email text, password_key bytea, new_password_hash text, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_sign_in(account_email text, password_key bytea, new_password_hash text, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_sign_in(account_email text, password_key bytea, new_password_hash text, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_sign_in(account_email text, password_key bytea, new_password_hash text, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) TO anonymous;
GRANT ALL ON FUNCTION app.auth_sign_in(account_email text, password_key bytea, new_password_hash text, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) TO authenticated;

--
-- Name: auth_sign_up(text, text, text, text, public.app_role, timestamp with time zone, text, inet); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_sign_up(new_email text, new_password_hash text, new_full_name text, new_company_name text, new_role public.app_role, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $_$
declare
  account uuid;
  session record;
begin
  if new_role is distinct from 'buyer' and new_role is distinct from 'supplier' then
    raise exception 'sign-up is for buyers and suppliers' using errcode = 'LLRUL';
  end if;
  if not app_private.is_current_password_hash(new_password_hash) then
    raise exception 'a password hash must be scrypt$32768$8$1$<salt>$sha256:<verifier>'
      using errcode = '22023';
  end if;
  insert into users (email, password_hash, last_sign_in_at)
  values (lower(new_email), new_password_hash, now())
  on conflict (email) do nothing
  returning id into account;
  if account is null then
    return null;
  end if;
  insert into profiles (id, full_name, company_name) values (account, new_full_name, new_company_name);
  insert into user_roles (user_id, role) values (account, new_role);
  insert into user_preferences (user_id) values (account);
  select * into session
    from app_private.auth_issue_refresh_token(
      account, gen_random_uuid(), refresh_expires_at, client_user_agent, client_ip);
  return jsonb_build_object('user', app_private.auth_user_summary(account), 'refreshToken', session.token);
end;
$_$;


ALTER FUNCTION app.auth_sign_up(new_email text, new_password_hash text, new_full_name text, new_company_name text, new_role public.app_role, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_sign_up(new_email text, new_password_hash text, new_full_name text, new_company_name text, new_role public.app_role, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_sign_up(new_email text, new_password_hash text, new_full_name text, new_company_name text, new_role public.app_role, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_sign_up(new_email text, new_password_hash text, new_full_name text, new_company_name text, new_role public.app_role, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) TO anonymous;
GRANT ALL ON FUNCTION app.auth_sign_up(new_email text, new_password_hash text, new_full_name text, new_company_name text, new_role public.app_role, refresh_expires_at timestamp with time zone, client_user_agent text, client_ip inet) TO authenticated;

--
-- Name: auth_touch_api_keys(uuid[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_touch_api_keys(key_ids uuid[]) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  touched integer;
begin
  update api_keys k set last_used_at = now()
   where k.id = any (key_ids) and k.revoked_at is null;
  get diagnostics touched = row_count;
  return touched;
end;
$$;


ALTER FUNCTION app.auth_touch_api_keys(key_ids uuid[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_touch_api_keys(key_ids uuid[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_touch_api_keys(key_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_touch_api_keys(key_ids uuid[]) TO anonymous;

--
-- Name: auth_upsert_external_user(text, text, text, text, public.app_role[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.auth_upsert_external_user(provider_issuer text, provider_subject text, verified_email text, display_name text, provider_roles public.app_role[]) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  identity text := provider_issuer || ' ' || provider_subject;
  account uuid := app_private.uuid_v5('1fe4173b-8d31-4c19-9d01-0bb73d73a379', identity);
  placeholder text := left(encode(public.digest(identity, 'sha256'), 'hex'), 32) || '@external.invalid';
  existing users;
begin
  if account is distinct from app.current_user_id() then
    raise exception 'the claims do not name this external identity' using errcode = '42501';
  end if;
  select * into existing from users u where u.id = account;
  if found then
    return case when existing.disabled_at is null and existing.deleted_at is null then 'active' else 'disabled' end;
  end if;
  begin
    insert into users (id, email, email_verified_at, last_sign_in_at)
    values (account, coalesce(lower(verified_email), placeholder),
            case when verified_email is not null then now() end, now());
  exception when unique_violation then
    -- A concurrent first request created it, or another account has the email.
    select * into existing from users u where u.id = account;
    if found then
      return case when existing.disabled_at is null and existing.deleted_at is null then 'active' else 'disabled' end;
    end if;
    insert into users (id, email, last_sign_in_at) values (account, placeholder, now());
  end;
  insert into profiles (id, full_name) values (account, left(display_name, 200));
  insert into user_roles (user_id, role)
  select account, r from unnest(provider_roles) as r where r is distinct from 'admin'
  on conflict (user_id, role) do nothing;
  insert into user_preferences (user_id) values (account);
  return 'active';
end;
$$;


ALTER FUNCTION app.auth_upsert_external_user(provider_issuer text, provider_subject text, verified_email text, display_name text, provider_roles public.app_role[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_upsert_external_user(provider_issuer text, provider_subject text, verified_email text, display_name text, provider_roles public.app_role[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.auth_upsert_external_user(provider_issuer text, provider_subject text, verified_email text, display_name text, provider_roles public.app_role[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.auth_upsert_external_user(provider_issuer text, provider_subject text, verified_email text, display_name text, provider_roles public.app_role[]) TO authenticated;

--
-- Name: can_write_payments(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.can_write_payments() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN COALESCE((SELECT (app.is_admin() OR (((claims.c -> 'scopes'::text) ? 'payments:write'::text) AND ((claims.c -> 'roles'::text) ? 'admin'::text))) FROM (SELECT app.current_claims() AS current_claims) claims(c)), false);


ALTER FUNCTION app.can_write_payments() OWNER TO loomline_owner;

--
-- Name: FUNCTION can_write_payments(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.can_write_payments() FROM PUBLIC;
GRANT ALL ON FUNCTION app.can_write_payments() TO authenticated;

--
-- Name: contact_supplier_ids(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.contact_supplier_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT app.current_supplier_id() AS current_supplier_id
   WHERE (app.current_supplier_id() IS NOT NULL)
 UNION
  SELECT so.supplier_id
    FROM (public.supplier_orders so
      JOIN public.orders o ON ((o.id = so.buyer_order_id)))
   WHERE ((o.buyer_id = app.current_user_id()) AND (so.acceptance_status = 'accepted'::public.acceptance_status))
 UNION
  SELECT o.supplier_id
    FROM public.orders o
   WHERE ((o.buyer_id = app.current_user_id()) AND (o.supplier_id IS NOT NULL) AND (o.status <> ALL (ARRAY['draft'::public.order_status, 'submitted'::public.order_status, 'cancelled'::public.order_status])));
END;


ALTER FUNCTION app.contact_supplier_ids() OWNER TO loomline_owner;

--
-- Name: FUNCTION contact_supplier_ids(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.contact_supplier_ids() FROM PUBLIC;
GRANT ALL ON FUNCTION app.contact_supplier_ids() TO anonymous;
GRANT ALL ON FUNCTION app.contact_supplier_ids() TO authenticated;

--
-- Name: convert_quote_to_order(uuid, uuid); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.convert_quote_to_order(quote_id uuid, buyer_id uuid) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  q quotes;
  buyer uuid;
  unit numeric(12, 2);
  order_id uuid;
begin
  if not app.is_admin() then
    raise exception 'only an administrator may convert a quote' using errcode = '42501';
  end if;
  select * into q from quotes where id = convert_quote_to_order.quote_id for update;
  if not found then
    raise exception 'no such quote' using errcode = 'LLRUL';
  end if;
  if q.converted_to_order_id is not null or q.status = 'converted' then
    raise exception 'quote was already converted to an order' using errcode = 'LLTRN';
  end if;
  if not 'converted' = any (app.quote_status_next(q.status)) then
    raise exception 'quote is %: only a draft, sent or accepted quote can be converted', q.status
      using errcode = 'LLTRN';
  end if;
  buyer := coalesce(convert_quote_to_order.buyer_id, q.requested_by);
  if buyer is null then
    raise exception 'this quote was requested anonymously: name the buyer' using errcode = 'LLRUL';
  end if;
  if not exists (select from user_roles r where r.user_id = buyer and r.role = 'buyer') then
    raise exception 'the order''s buyer must hold the buyer role' using errcode = 'LLRUL';
  end if;
  if q.total_price is null then
    raise exception 'the quote has no estimate' using errcode = 'LLRUL';
  end if;
  unit := round(q.total_price / q.quantity, 2);

  insert into orders (buyer_id, quote_id, product_type, quantity, status, total_amount, notes)
  values (buyer, q.id, q.product_type, q.quantity, 'submitted', unit * q.quantity,
          q.additional_requirements)
  returning id into order_id;
  insert into order_items (order_id, description, quantity, unit_price, customization)
  values (order_id, format('%s (quote)', q.product_type), q.quantity, unit,
          jsonb_build_object('quoteId', q.id, 'complexityLevel', q.complexity_level,
                             'fabricType', q.fabric_type, 'productionRoute', q.production_route));
  update quotes set status = 'converted', converted_to_order_id = order_id where id = q.id;
  return order_id;
end;
$$;


ALTER FUNCTION app.convert_quote_to_order(quote_id uuid, buyer_id uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION convert_quote_to_order(quote_id uuid, buyer_id uuid); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.convert_quote_to_order(quote_id uuid, buyer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.convert_quote_to_order(quote_id uuid, buyer_id uuid) TO authenticated;

--
-- Name: correspondent_user_ids(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.correspondent_user_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT DISTINCT m.sender_id
    FROM public.messages m
   WHERE ((m.recipient_id = app.current_user_id()) AND (m.sender_id IS NOT NULL));
END;


ALTER FUNCTION app.correspondent_user_ids() OWNER TO loomline_owner;

--
-- Name: FUNCTION correspondent_user_ids(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.correspondent_user_ids() FROM PUBLIC;
GRANT ALL ON FUNCTION app.correspondent_user_ids() TO anonymous;
GRANT ALL ON FUNCTION app.correspondent_user_ids() TO authenticated;

--
-- Name: counterparty_user_ids(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.counterparty_user_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 50
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT s.user_id
    FROM public.suppliers s
   WHERE ((s.id IN ( SELECT app.suppliers_of_my_orders() AS suppliers_of_my_orders)) AND (s.user_id IS NOT NULL))
 UNION
  SELECT o.buyer_id
    FROM public.orders o
   WHERE ((o.id IN ( SELECT app.orders_as_supplier() AS orders_as_supplier)) AND (o.buyer_id IS NOT NULL));
END;


ALTER FUNCTION app.counterparty_user_ids() OWNER TO loomline_owner;

--
-- Name: FUNCTION counterparty_user_ids(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.counterparty_user_ids() FROM PUBLIC;
GRANT ALL ON FUNCTION app.counterparty_user_ids() TO anonymous;
GRANT ALL ON FUNCTION app.counterparty_user_ids() TO authenticated;

--
-- Name: current_claims(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.current_claims() RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  claims text := nullif(current_setting('request.jwt.claims', true), '');
  signature text := nullif(current_setting('request.jwt.claims_hmac', true), '');
  verified jsonb;
begin
  if signature is null then
    return case when app_private.is_trusted_session() then claims::jsonb end;
  end if;
  if encode(hmac(convert_to(claims, 'UTF8'), (select k.key from app_private.claims_key k where k.id), 'sha256'), 'hex')
     is distinct from signature then
    return null;
  end if;
  verified := claims::jsonb;
  return case when (verified ->> 'exp')::numeric > extract(epoch from now()) then verified end;
end;
$$;


ALTER FUNCTION app.current_claims() OWNER TO loomline_owner;

--
-- Name: FUNCTION current_claims(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.current_claims() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_claims() TO anonymous;
GRANT ALL ON FUNCTION app.current_claims() TO authenticated;

--
-- Name: current_listing_supplier_id(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.current_listing_supplier_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN (SELECT s.id FROM public.suppliers s WHERE ((s.user_id = app.current_user_id()) AND app.has_role('supplier'::public.app_role) AND s.can_list_products AND (s.verification_status = 'verified'::public.verification_status)));


ALTER FUNCTION app.current_listing_supplier_id() OWNER TO loomline_owner;

--
-- Name: FUNCTION current_listing_supplier_id(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.current_listing_supplier_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_listing_supplier_id() TO anonymous;
GRANT ALL ON FUNCTION app.current_listing_supplier_id() TO authenticated;

--
-- Name: current_supplier_id(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.current_supplier_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN (SELECT s.id FROM public.suppliers s WHERE ((s.user_id = app.current_user_id()) AND app.has_role('supplier'::public.app_role)));


ALTER FUNCTION app.current_supplier_id() OWNER TO loomline_owner;

--
-- Name: FUNCTION current_supplier_id(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.current_supplier_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_supplier_id() TO anonymous;
GRANT ALL ON FUNCTION app.current_supplier_id() TO authenticated;

--
-- Name: current_user_id(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (NULLIF((app.current_claims() ->> 'sub'::text), ''::text))::uuid;


ALTER FUNCTION app.current_user_id() OWNER TO loomline_owner;

--
-- Name: FUNCTION current_user_id(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.current_user_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_user_id() TO anonymous;
GRANT ALL ON FUNCTION app.current_user_id() TO authenticated;

--
-- Name: has_accepted_order_with(uuid); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.has_accepted_order_with(target_supplier uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN (target_supplier IN (SELECT app.contact_supplier_ids() AS contact_supplier_ids));


ALTER FUNCTION app.has_accepted_order_with(target_supplier uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION has_accepted_order_with(target_supplier uuid); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.has_accepted_order_with(target_supplier uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.has_accepted_order_with(target_supplier uuid) TO authenticated;

--
-- Name: has_role(public.app_role); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.has_role(role public.app_role) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN COALESCE(((app.current_claims() -> 'roles'::text) ? (role)::text), false);


ALTER FUNCTION app.has_role(role public.app_role) OWNER TO loomline_owner;

--
-- Name: FUNCTION has_role(role public.app_role); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.has_role(role public.app_role) FROM PUBLIC;
GRANT ALL ON FUNCTION app.has_role(role public.app_role) TO anonymous;
GRANT ALL ON FUNCTION app.has_role(role public.app_role) TO authenticated;

--
-- Name: is_admin(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.is_admin() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN COALESCE((SELECT (((claims.c -> 'roles'::text) ? 'admin'::text) AND (NOT (claims.c ? 'scopes'::text)) AND ((claims.c ->> 'auth_method'::text) IS DISTINCT FROM 'api_key'::text)) FROM (SELECT app.current_claims() AS current_claims) claims(c)), false);


ALTER FUNCTION app.is_admin() OWNER TO loomline_owner;

--
-- Name: FUNCTION is_admin(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.is_admin() FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_admin() TO anonymous;
GRANT ALL ON FUNCTION app.is_admin() TO authenticated;

--
-- Name: is_buyer_of(uuid); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.is_buyer_of(target_order uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN (EXISTS (SELECT FROM public.orders o WHERE ((o.id = is_buyer_of.target_order) AND (o.buyer_id = app.current_user_id()))));


ALTER FUNCTION app.is_buyer_of(target_order uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION is_buyer_of(target_order uuid); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.is_buyer_of(target_order uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_buyer_of(target_order uuid) TO authenticated;

--
-- Name: is_order_party(uuid); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.is_order_party(target_order uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN (app.is_admin() OR app.is_buyer_of(target_order) OR app.is_supplier_of(target_order));


ALTER FUNCTION app.is_order_party(target_order uuid) OWNER TO loomline_owner;

--
-- Name: is_order_party(uuid, uuid); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.is_order_party(target_order uuid, candidate uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN ((EXISTS (SELECT FROM public.orders o WHERE ((o.id = is_order_party.target_order) AND (o.buyer_id = is_order_party.candidate)))) OR (EXISTS (SELECT FROM (public.orders o JOIN public.suppliers s ON ((s.id = o.supplier_id))) WHERE ((o.id = is_order_party.target_order) AND (s.user_id = is_order_party.candidate)))) OR (EXISTS (SELECT FROM (public.supplier_orders so JOIN public.suppliers s ON ((s.id = so.supplier_id))) WHERE ((so.buyer_order_id = is_order_party.target_order) AND (s.user_id = is_order_party.candidate)))) OR (EXISTS (SELECT FROM public.user_roles r WHERE ((r.user_id = is_order_party.candidate) AND (r.role = 'admin'::public.app_role)))));


ALTER FUNCTION app.is_order_party(target_order uuid, candidate uuid) OWNER TO loomline_owner;

--
-- Name: is_supplier_of(uuid); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.is_supplier_of(target_order uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN ((EXISTS (SELECT FROM public.orders o WHERE ((o.id = is_supplier_of.target_order) AND (o.supplier_id = app.current_supplier_id())))) OR (EXISTS (SELECT FROM public.supplier_orders so WHERE ((so.buyer_order_id = is_supplier_of.target_order) AND (so.supplier_id = app.current_supplier_id())))));


ALTER FUNCTION app.is_supplier_of(target_order uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION is_supplier_of(target_order uuid); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.is_supplier_of(target_order uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_supplier_of(target_order uuid) TO authenticated;

--
-- Name: listing_matches_filter(public.marketplace_products, jsonb); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.listing_matches_filter(listing public.marketplace_products, filter jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN ((((filter ->> 'category'::text) IS NULL) OR ((listing).category = (filter ->> 'category'::text))) AND (((filter ->> 'minPrice'::text) IS NULL) OR ((listing).final_price >= ((filter ->> 'minPrice'::text))::numeric)) AND (((filter ->> 'maxPrice'::text) IS NULL) OR ((listing).final_price <= ((filter ->> 'maxPrice'::text))::numeric)) AND ((jsonb_typeof((filter -> 'colors'::text)) IS DISTINCT FROM 'array'::text) OR ((listing).colors && ARRAY(SELECT jsonb_array_elements_text((filter -> 'colors'::text)) AS jsonb_array_elements_text))) AND ((jsonb_typeof((filter -> 'sizes'::text)) IS DISTINCT FROM 'array'::text) OR ((listing).sizes && ARRAY(SELECT jsonb_array_elements_text((filter -> 'sizes'::text)) AS jsonb_array_elements_text))) AND (((filter ->> 'supplierId'::text) IS NULL) OR (((listing).supplier_id)::text = (filter ->> 'supplierId'::text))) AND (((filter ->> 'featured'::text) IS NULL) OR ((listing).is_featured = ((filter ->> 'featured'::text))::boolean)) AND ((COALESCE((filter ->> 'search'::text), ''::text) = ''::text) OR ((listing).search_vector @@ websearch_to_tsquery('english'::regconfig, (filter ->> 'search'::text)))));


ALTER FUNCTION app.listing_matches_filter(listing public.marketplace_products, filter jsonb) OWNER TO loomline_owner;

--
-- Name: FUNCTION listing_matches_filter(listing public.marketplace_products, filter jsonb); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.listing_matches_filter(listing public.marketplace_products, filter jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app.listing_matches_filter(listing public.marketplace_products, filter jsonb) TO anonymous;
GRANT ALL ON FUNCTION app.listing_matches_filter(listing public.marketplace_products, filter jsonb) TO authenticated;

--
-- Name: new_tracking_token(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.new_tracking_token() RETURNS text
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN translate(encode(public.gen_random_bytes(24), 'base64'::text), '+/'::text, '-_'::text);


ALTER FUNCTION app.new_tracking_token() OWNER TO loomline_owner;

--
-- Name: FUNCTION new_tracking_token(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.new_tracking_token() FROM PUBLIC;
GRANT ALL ON FUNCTION app.new_tracking_token() TO anonymous;
GRANT ALL ON FUNCTION app.new_tracking_token() TO authenticated;

--
-- Name: next_order_number(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.next_order_number() RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'app_private', 'pg_temp'
    RETURN ((('LL-'::text || to_char(now(), 'YYYY'::text)) || '-'::text) || lpad((nextval('app_private.order_number_seq'::regclass))::text, 6, '0'::text));


ALTER FUNCTION app.next_order_number() OWNER TO loomline_owner;

--
-- Name: FUNCTION next_order_number(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.next_order_number() FROM PUBLIC;
GRANT ALL ON FUNCTION app.next_order_number() TO anonymous;
GRANT ALL ON FUNCTION app.next_order_number() TO authenticated;

--
-- Name: next_supplier_order_number(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.next_supplier_order_number() RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'app_private', 'pg_temp'
    RETURN ((('SO-'::text || to_char(now(), 'YYYY'::text)) || '-'::text) || lpad((nextval('app_private.supplier_order_number_seq'::regclass))::text, 6, '0'::text));


ALTER FUNCTION app.next_supplier_order_number() OWNER TO loomline_owner;

--
-- Name: FUNCTION next_supplier_order_number(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.next_supplier_order_number() FROM PUBLIC;
GRANT ALL ON FUNCTION app.next_supplier_order_number() TO anonymous;
GRANT ALL ON FUNCTION app.next_supplier_order_number() TO authenticated;

--
-- Name: order_amounts(uuid[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.order_amounts(order_ids uuid[]) RETURNS TABLE(order_id uuid, total_amount numeric)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT o.id,
     o.total_amount
    FROM public.orders o
   WHERE ((o.id = ANY (order_amounts.order_ids)) AND (( SELECT app.is_admin() AS is_admin) OR (o.buyer_id = ( SELECT app.current_user_id() AS current_user_id))));
END;


ALTER FUNCTION app.order_amounts(order_ids uuid[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION order_amounts(order_ids uuid[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.order_amounts(order_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.order_amounts(order_ids uuid[]) TO authenticated;

--
-- Name: order_by_tracking_token(text); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.order_by_tracking_token(token text) RETURNS TABLE(order_number text, status public.order_status, current_stage integer, stages jsonb, target_date date, expected_delivery_date date, actual_delivery_date date, updated_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT o.order_number,
     o.status,
     o.current_stage,
     COALESCE(( SELECT jsonb_agg(jsonb_build_object('stageNumber', s.stage_number, 'stageName', s.stage_name, 'status', s.status, 'completionPercentage', s.completion) ORDER BY s.stage_number) AS jsonb_agg
            FROM ( SELECT ps.stage_number,
                     min(ps.stage_name) AS stage_name,
                     round(avg(ps.completion_percentage), 2) AS completion,
                         CASE
                             WHEN bool_and((ps.status = 'completed'::public.stage_status)) THEN 'completed'::text
                             WHEN bool_or((ps.status = 'delayed'::public.stage_status)) THEN 'delayed'::text
                             WHEN bool_or((ps.status = ANY (ARRAY['in_progress'::public.stage_status, 'completed'::public.stage_status]))) THEN 'in_progress'::text
                             ELSE 'pending'::text
                         END AS status
                    FROM (public.production_stages ps
                      JOIN public.supplier_orders so ON ((so.id = ps.supplier_order_id)))
                   WHERE ((so.buyer_order_id = o.id) AND (so.status <> ALL (ARRAY['rejected'::public.supplier_order_status, 'cancelled'::public.supplier_order_status])))
                   GROUP BY ps.stage_number) s), '[]'::jsonb) AS "coalesce",
     o.target_date,
     o.expected_delivery_date,
     o.actual_delivery_date,
     o.updated_at
    FROM public.orders o
   WHERE ((o.tracking_token = order_by_tracking_token.token) AND ((length(order_by_tracking_token.token) >= 16) AND (length(order_by_tracking_token.token) <= 128)));
END;


ALTER FUNCTION app.order_by_tracking_token(token text) OWNER TO loomline_owner;

--
-- Name: FUNCTION order_by_tracking_token(token text); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.order_by_tracking_token(token text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.order_by_tracking_token(token text) TO anonymous;
GRANT ALL ON FUNCTION app.order_by_tracking_token(token text) TO authenticated;

--
-- Name: order_status_transition_allowed(public.order_status, public.order_status); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.order_status_transition_allowed(from_status public.order_status, to_status public.order_status) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (to_status = ANY (CASE from_status WHEN 'draft'::public.order_status THEN ARRAY['submitted'::public.order_status, 'cancelled'::public.order_status] WHEN 'submitted'::public.order_status THEN ARRAY['confirmed'::public.order_status, 'cancelled'::public.order_status] WHEN 'confirmed'::public.order_status THEN ARRAY['in_production'::public.order_status, 'cancelled'::public.order_status] WHEN 'in_production'::public.order_status THEN ARRAY['quality_check'::public.order_status, 'shipped'::public.order_status, 'cancelled'::public.order_status] WHEN 'quality_check'::public.order_status THEN ARRAY['in_production'::public.order_status, 'shipped'::public.order_status, 'cancelled'::public.order_status] WHEN 'shipped'::public.order_status THEN ARRAY['delivered'::public.order_status] ELSE ARRAY[]::public.order_status[] END));


ALTER FUNCTION app.order_status_transition_allowed(from_status public.order_status, to_status public.order_status) OWNER TO loomline_owner;

--
-- Name: FUNCTION order_status_transition_allowed(from_status public.order_status, to_status public.order_status); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.order_status_transition_allowed(from_status public.order_status, to_status public.order_status) FROM PUBLIC;
GRANT ALL ON FUNCTION app.order_status_transition_allowed(from_status public.order_status, to_status public.order_status) TO anonymous;
GRANT ALL ON FUNCTION app.order_status_transition_allowed(from_status public.order_status, to_status public.order_status) TO authenticated;

--
-- Name: order_transitions(public.order_status, boolean); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.order_transitions(from_status public.order_status, by_admin boolean) RETURNS public.order_status[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN ARRAY(SELECT t.s FROM unnest('{draft,submitted,confirmed,in_production,quality_check,shipped,delivered,cancelled}'::public.order_status[]) WITH ORDINALITY t(s, n) WHERE (app.order_status_transition_allowed(order_transitions.from_status, t.s) AND (order_transitions.by_admin OR ((((((order_transitions.from_status = 'draft'::public.order_status) AND (t.s = 'submitted'::public.order_status)) OR ((order_transitions.from_status = 'draft'::public.order_status) AND (t.s = 'cancelled'::public.order_status))) OR ((order_transitions.from_status = 'submitted'::public.order_status) AND (t.s = 'cancelled'::public.order_status))) OR ((order_transitions.from_status = 'confirmed'::public.order_status) AND (t.s = 'cancelled'::public.order_status))) OR ((order_transitions.from_status = 'shipped'::public.order_status) AND (t.s = 'delivered'::public.order_status))))) ORDER BY t.n);


ALTER FUNCTION app.order_transitions(from_status public.order_status, by_admin boolean) OWNER TO loomline_owner;

--
-- Name: FUNCTION order_transitions(from_status public.order_status, by_admin boolean); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.order_transitions(from_status public.order_status, by_admin boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app.order_transitions(from_status public.order_status, by_admin boolean) TO anonymous;
GRANT ALL ON FUNCTION app.order_transitions(from_status public.order_status, by_admin boolean) TO authenticated;

--
-- Name: orders_as_buyer(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.orders_as_buyer() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 100
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT o.id
    FROM public.orders o
   WHERE (o.buyer_id = app.current_user_id());
END;


ALTER FUNCTION app.orders_as_buyer() OWNER TO loomline_owner;

--
-- Name: FUNCTION orders_as_buyer(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.orders_as_buyer() FROM PUBLIC;
GRANT ALL ON FUNCTION app.orders_as_buyer() TO anonymous;
GRANT ALL ON FUNCTION app.orders_as_buyer() TO authenticated;

--
-- Name: orders_as_supplier(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.orders_as_supplier() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 100
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT o.id
    FROM public.orders o
   WHERE (o.supplier_id = app.current_supplier_id())
 UNION
  SELECT so.buyer_order_id
    FROM public.supplier_orders so
   WHERE (so.supplier_id = app.current_supplier_id());
END;


ALTER FUNCTION app.orders_as_supplier() OWNER TO loomline_owner;

--
-- Name: FUNCTION orders_as_supplier(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.orders_as_supplier() FROM PUBLIC;
GRANT ALL ON FUNCTION app.orders_as_supplier() TO anonymous;
GRANT ALL ON FUNCTION app.orders_as_supplier() TO authenticated;

--
-- Name: profile_phones(uuid[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.profile_phones(profile_ids uuid[]) RETURNS TABLE(profile_id uuid, phone text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT p.id,
     p.phone
    FROM public.profiles p
   WHERE ((p.id = ANY (profile_phones.profile_ids)) AND (( SELECT app.is_admin() AS is_admin) OR (p.id = ( SELECT app.current_user_id() AS current_user_id))));
END;


ALTER FUNCTION app.profile_phones(profile_ids uuid[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION profile_phones(profile_ids uuid[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.profile_phones(profile_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.profile_phones(profile_ids uuid[]) TO authenticated;

--
-- Name: quote_contacts(uuid[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.quote_contacts(quote_ids uuid[]) RETURNS TABLE(quote_id uuid, customer_email text, phone_number text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT q.id,
     (q.customer_email)::text AS customer_email,
     q.phone_number
    FROM ( SELECT ( SELECT app.is_admin() AS is_admin) AS admin,
             ( SELECT app.current_user_id() AS current_user_id) AS user_id) c,
     public.quotes q
   WHERE ((q.id = ANY (quote_contacts.quote_ids)) AND (c.admin OR (q.requested_by = c.user_id)));
END;


ALTER FUNCTION app.quote_contacts(quote_ids uuid[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION quote_contacts(quote_ids uuid[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.quote_contacts(quote_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.quote_contacts(quote_ids uuid[]) TO authenticated;

--
-- Name: quote_estimate(text, integer, public.complexity_level, text, public.production_route, text); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.quote_estimate(product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, production_route public.production_route, country text) RETURNS TABLE(unit_price numeric, total_price numeric, base_cost numeric, specialty_cost numeric, logistics_cost numeric, estimated_delivery_days integer, quote_data jsonb)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 WITH f AS (
          SELECT
                 CASE lower(btrim(COALESCE(quote_estimate.product_type, ''::text)))
                     WHEN 'sweater'::text THEN 28.00
                     WHEN 'cardigan'::text THEN 34.00
                     WHEN 'hoodie'::text THEN 30.00
                     WHEN 'dress'::text THEN 42.00
                     WHEN 'vest'::text THEN 22.00
                     WHEN 'scarf'::text THEN 12.00
                     WHEN 'beanie'::text THEN 9.00
                     WHEN 'gloves'::text THEN 11.00
                     ELSE 25.00
                 END AS product_base,
                 CASE
                     WHEN (quote_estimate.quantity < 50) THEN 1.30
                     WHEN (quote_estimate.quantity < 100) THEN 1.15
                     WHEN (quote_estimate.quantity < 300) THEN 1.00
                     WHEN (quote_estimate.quantity < 1000) THEN 0.90
                     WHEN (quote_estimate.quantity < 5000) THEN 0.82
                     ELSE 0.75
                 END AS quantity_factor,
                 CASE quote_estimate.complexity_level
                     WHEN 'simple'::public.complexity_level THEN 0.90
                     WHEN 'complex'::public.complexity_level THEN 1.25
                     ELSE 1.00
                 END AS complexity_factor,
                 CASE lower(btrim(COALESCE(quote_estimate.fabric_type, ''::text)))
                     WHEN 'acrylic'::text THEN 0.85
                     WHEN 'cotton'::text THEN 1.00
                     WHEN 'blend'::text THEN 1.10
                     WHEN 'wool'::text THEN 1.35
                     WHEN 'merino'::text THEN 1.50
                     WHEN 'alpaca'::text THEN 1.80
                     WHEN 'cashmere'::text THEN 2.40
                     ELSE 1.00
                 END AS fabric_factor,
                 CASE quote_estimate.production_route
                     WHEN 'hybrid'::public.production_route THEN 0.12
                     WHEN 'specialty_only'::public.production_route THEN 0.30
                     ELSE 0.00
                 END AS route_surcharge,
                 CASE
                     WHEN (upper(quote_estimate.country) = ANY (ARRAY['CN'::text, 'VN'::text, 'BD'::text, 'IN'::text, 'TR'::text, 'PT'::text])) THEN 'near'::text
                     WHEN (upper(quote_estimate.country) = ANY (ARRAY['US'::text, 'CA'::text, 'MX'::text])) THEN 'north_america'::text
                     WHEN (upper(quote_estimate.country) = ANY (ARRAY['AT'::text, 'BE'::text, 'BG'::text, 'HR'::text, 'CY'::text, 'CZ'::text, 'DK'::text, 'EE'::text, 'FI'::text, 'FR'::text, 'DE'::text, 'GR'::text, 'HU'::text, 'IE'::text, 'IT'::text, 'LV'::text, 'LT'::text, 'LU'::text, 'MT'::text, 'NL'::text, 'PL'::text, 'RO'::text, 'SK'::text, 'SI'::text, 'ES'::text, 'SE'::text, 'GB'::text, 'CH'::text, 'NO'::text])) THEN 'europe'::text
                     ELSE 'rest_of_world'::text
                 END AS region,
                 CASE quote_estimate.complexity_level
                     WHEN 'simple'::public.complexity_level THEN 0
                     WHEN 'complex'::public.complexity_level THEN 14
                     ELSE 7
                 END AS complexity_days,
             LEAST(30, (3 * ((quote_estimate.quantity + 499) / 500))) AS volume_days,
                 CASE quote_estimate.production_route
                     WHEN 'hybrid'::public.production_route THEN 7
                     WHEN 'specialty_only'::public.production_route THEN 14
                     ELSE 0
                 END AS route_days
         ), r AS (
          SELECT f.product_base,
             f.quantity_factor,
             f.complexity_factor,
             f.fabric_factor,
             f.route_surcharge,
             f.region,
             f.complexity_days,
             f.volume_days,
             f.route_days,
                 CASE f.region
                     WHEN 'near'::text THEN 0.80
                     WHEN 'north_america'::text THEN 1.50
                     WHEN 'europe'::text THEN 1.20
                     ELSE 2.00
                 END AS logistics_unit,
                 CASE f.region
                     WHEN 'near'::text THEN 4
                     WHEN 'north_america'::text THEN 10
                     WHEN 'europe'::text THEN 8
                     ELSE 14
                 END AS transit_days,
             round((((f.product_base * f.quantity_factor) * f.complexity_factor) * f.fabric_factor), 2) AS base_unit
            FROM f
         ), u AS (
          SELECT r.product_base,
             r.quantity_factor,
             r.complexity_factor,
             r.fabric_factor,
             r.route_surcharge,
             r.region,
             r.complexity_days,
             r.volume_days,
             r.route_days,
             r.logistics_unit,
             r.transit_days,
             r.base_unit,
             round((r.base_unit * r.route_surcharge), 2) AS specialty_unit
            FROM r
         )
  SELECT ((u.base_unit + u.specialty_unit) + u.logistics_unit),
     (((u.base_unit + u.specialty_unit) + u.logistics_unit) * (quote_estimate.quantity)::numeric),
     (u.base_unit * (quote_estimate.quantity)::numeric),
     (u.specialty_unit * (quote_estimate.quantity)::numeric),
     (u.logistics_unit * (quote_estimate.quantity)::numeric),
     ((((21 + u.complexity_days) + u.volume_days) + u.route_days) + u.transit_days),
     jsonb_build_object('model', 'loomline-quantity-breaks-v1', 'unitPrice', ((u.base_unit + u.specialty_unit) + u.logistics_unit), 'lines', jsonb_build_array(jsonb_build_object('kind', 'production', 'unitPrice', u.base_unit, 'amount', (u.base_unit * (quote_estimate.quantity)::numeric)), jsonb_build_object('kind', 'specialty', 'unitPrice', u.specialty_unit, 'amount', (u.specialty_unit * (quote_estimate.quantity)::numeric)), jsonb_build_object('kind', 'logistics', 'unitPrice', u.logistics_unit, 'amount', (u.logistics_unit * (quote_estimate.quantity)::numeric))), 'factors', jsonb_build_object('productBase', u.product_base, 'quantityBreak', u.quantity_factor, 'complexity', u.complexity_factor, 'fabric', u.fabric_factor, 'routeSurcharge', u.route_surcharge, 'region', u.region)) AS jsonb_build_object
    FROM u
   WHERE ((quote_estimate.quantity >= 1) AND (quote_estimate.quantity <= 1000000));
END;


ALTER FUNCTION app.quote_estimate(product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, production_route public.production_route, country text) OWNER TO loomline_owner;

--
-- Name: FUNCTION quote_estimate(product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, production_route public.production_route, country text); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.quote_estimate(product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, production_route public.production_route, country text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.quote_estimate(product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, production_route public.production_route, country text) TO anonymous;
GRANT ALL ON FUNCTION app.quote_estimate(product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, production_route public.production_route, country text) TO authenticated;

--
-- Name: quote_leads(uuid[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.quote_leads(quote_ids uuid[]) RETURNS TABLE(quote_id uuid, lead_notes text, session_id text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT q.id,
     q.lead_notes,
     q.session_id
    FROM public.quotes q
   WHERE ((q.id = ANY (quote_leads.quote_ids)) AND ( SELECT app.is_admin() AS is_admin));
END;


ALTER FUNCTION app.quote_leads(quote_ids uuid[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION quote_leads(quote_ids uuid[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.quote_leads(quote_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.quote_leads(quote_ids uuid[]) TO authenticated;

--
-- Name: quote_pricing(uuid[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.quote_pricing(quote_ids uuid[]) RETURNS TABLE(quote_id uuid, total_price numeric, quote_data jsonb, alternative_options jsonb, base_cost numeric, specialty_cost numeric, admin_markup numeric)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT q.id,
         CASE
             WHEN (c.admin OR (q.requested_by = c.user_id)) THEN q.total_price
             ELSE NULL::numeric
         END AS "case",
         CASE
             WHEN (c.admin OR (q.requested_by = c.user_id)) THEN q.quote_data
             ELSE NULL::jsonb
         END AS "case",
         CASE
             WHEN (c.admin OR (q.requested_by = c.user_id)) THEN q.alternative_options
             ELSE NULL::jsonb
         END AS "case",
         CASE
             WHEN (c.admin OR (q.assigned_supplier_id = c.supplier_id)) THEN q.base_cost
             ELSE NULL::numeric
         END AS "case",
         CASE
             WHEN (c.admin OR (q.assigned_supplier_id = c.supplier_id)) THEN q.specialty_cost
             ELSE NULL::numeric
         END AS "case",
         CASE
             WHEN c.admin THEN q.admin_markup
             ELSE NULL::numeric
         END AS "case"
    FROM ( SELECT ( SELECT app.is_admin() AS is_admin) AS admin,
             ( SELECT app.current_user_id() AS current_user_id) AS user_id,
             ( SELECT app.current_supplier_id() AS current_supplier_id) AS supplier_id) c,
     public.quotes q
   WHERE ((q.id = ANY (quote_pricing.quote_ids)) AND (c.admin OR (q.requested_by = c.user_id) OR (q.assigned_supplier_id = c.supplier_id)));
END;


ALTER FUNCTION app.quote_pricing(quote_ids uuid[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION quote_pricing(quote_ids uuid[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.quote_pricing(quote_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.quote_pricing(quote_ids uuid[]) TO authenticated;

--
-- Name: quote_status_next(public.quote_status); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.quote_status_next(from_status public.quote_status) RETURNS public.quote_status[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN CASE from_status WHEN 'draft'::public.quote_status THEN ARRAY['sent'::public.quote_status, 'rejected'::public.quote_status, 'expired'::public.quote_status, 'converted'::public.quote_status] WHEN 'sent'::public.quote_status THEN ARRAY['accepted'::public.quote_status, 'rejected'::public.quote_status, 'expired'::public.quote_status, 'converted'::public.quote_status] WHEN 'accepted'::public.quote_status THEN ARRAY['converted'::public.quote_status, 'expired'::public.quote_status] ELSE ARRAY[]::public.quote_status[] END;


ALTER FUNCTION app.quote_status_next(from_status public.quote_status) OWNER TO loomline_owner;

--
-- Name: FUNCTION quote_status_next(from_status public.quote_status); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.quote_status_next(from_status public.quote_status) FROM PUBLIC;
GRANT ALL ON FUNCTION app.quote_status_next(from_status public.quote_status) TO anonymous;
GRANT ALL ON FUNCTION app.quote_status_next(from_status public.quote_status) TO authenticated;

--
-- Name: record_payment(uuid, numeric, text, text, text); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.record_payment(target_order uuid, payment_amount numeric, payment_currency text, payment_method text, key text) RETURNS TABLE(payment_id uuid, replayed boolean, order_payment_status public.payment_status)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  existing payments%rowtype;
  new_id uuid;
begin
  if not app.can_write_payments() then
    raise exception 'only admins (or an admin''s key with payments:write) may record payments'
      using errcode = '42501';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('payments.idempotency_key:' || key, 0));
  select * into existing from payments p where p.idempotency_key = key;
  if found then
    if existing.kind = 'payment' and existing.status <> 'pending'
       and (existing.order_id, existing.amount, existing.currency::text, existing.method)
           = (target_order, payment_amount, payment_currency, payment_method) then
      return query select existing.id, true, o.payment_status from orders o where o.id = existing.order_id;
      return;
    end if;
    raise exception 'this idempotency key was already used for a different payment'
      using errcode = '23505';
  end if;
  if not exists (select 1 from orders o where o.id = target_order) then
    return;
  end if;
  insert into payments (order_id, amount, currency, method, idempotency_key, status, recorded_by)
  values (target_order, payment_amount, payment_currency, payment_method, key, 'succeeded',
          app.current_user_id())
  returning id into new_id;
  return query select new_id, false, o.payment_status from orders o where o.id = target_order;
end;
$$;


ALTER FUNCTION app.record_payment(target_order uuid, payment_amount numeric, payment_currency text, payment_method text, key text) OWNER TO loomline_owner;

--
-- Name: FUNCTION record_payment(target_order uuid, payment_amount numeric, payment_currency text, payment_method text, key text); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.record_payment(target_order uuid, payment_amount numeric, payment_currency text, payment_method text, key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.record_payment(target_order uuid, payment_amount numeric, payment_currency text, payment_method text, key text) TO authenticated;

--
-- Name: refund_payment(uuid, numeric, text, text); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.refund_payment(target_payment uuid, refund_amount numeric, refund_reason text, key text) RETURNS TABLE(payment_id uuid, replayed boolean, order_payment_status public.payment_status)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  existing payments%rowtype;
  original payments%rowtype;
  already numeric;
  new_id uuid;
begin
  if not app.is_admin() then
    raise exception 'only admins may refund payments' using errcode = '42501';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('payments.idempotency_key:' || key, 0));
  select * into existing from payments p where p.idempotency_key = key;
  if found then
    if existing.kind = 'refund' and existing.refund_of = target_payment and existing.amount = refund_amount then
      return query select existing.id, true, o.payment_status from orders o where o.id = existing.order_id;
      return;
    end if;
    raise exception 'this idempotency key was already used for a different payment'
      using errcode = '23505';
  end if;
  select * into original from payments p where p.id = target_payment and p.kind = 'payment' for update;
  if not found then
    return;
  end if;
  if original.status <> 'succeeded' then
    raise exception 'only a succeeded payment can be refunded; this one is %', original.status
      using errcode = 'LLTRN';
  end if;
  select coalesce(sum(r.amount), 0) into already
    from payments r where r.refund_of = original.id and r.status = 'succeeded';
  if refund_amount > original.amount - already then
    raise exception 'a refund of % exceeds the % left to refund on this payment',
      refund_amount, original.amount - already
      using errcode = 'LLRUL';
  end if;
  insert into payments (order_id, amount, currency, method, idempotency_key, status, recorded_by,
                        kind, refund_of, reason)
  values (original.order_id, refund_amount, original.currency, original.method, key, 'succeeded',
          app.current_user_id(), 'refund', original.id, refund_reason)
  returning id into new_id;
  return query select new_id, false, o.payment_status from orders o where o.id = original.order_id;
end;
$$;


ALTER FUNCTION app.refund_payment(target_payment uuid, refund_amount numeric, refund_reason text, key text) OWNER TO loomline_owner;

--
-- Name: FUNCTION refund_payment(target_payment uuid, refund_amount numeric, refund_reason text, key text); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.refund_payment(target_payment uuid, refund_amount numeric, refund_reason text, key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.refund_payment(target_payment uuid, refund_amount numeric, refund_reason text, key text) TO authenticated;

--
-- Name: request_quote(uuid, text, text, text, text, text, text, integer, public.complexity_level, text, text); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.request_quote(quote_id uuid, customer_email text, customer_name text, phone_number text, country text, session_id text, product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, additional_requirements text) RETURNS TABLE(id uuid, status public.quote_status, total_price numeric, estimated_delivery_days integer, quote_data jsonb, created_at timestamp with time zone)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 INSERT INTO public.quotes AS q (id, customer_email, customer_name, phone_number, country, session_id, requested_by, product_type, quantity, complexity_level, fabric_type, additional_requirements)
   VALUES (request_quote.quote_id, request_quote.customer_email, request_quote.customer_name, request_quote.phone_number, request_quote.country, request_quote.session_id, app.current_user_id(), request_quote.product_type, request_quote.quantity, request_quote.complexity_level, request_quote.fabric_type, request_quote.additional_requirements)
   RETURNING q.id,
     q.status,
     q.total_price,
     q.estimated_delivery_days,
     q.quote_data,
     q.created_at;
END;


ALTER FUNCTION app.request_quote(quote_id uuid, customer_email text, customer_name text, phone_number text, country text, session_id text, product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, additional_requirements text) OWNER TO loomline_owner;

--
-- Name: FUNCTION request_quote(quote_id uuid, customer_email text, customer_name text, phone_number text, country text, session_id text, product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, additional_requirements text); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.request_quote(quote_id uuid, customer_email text, customer_name text, phone_number text, country text, session_id text, product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, additional_requirements text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.request_quote(quote_id uuid, customer_email text, customer_name text, phone_number text, country text, session_id text, product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, additional_requirements text) TO anonymous;
GRANT ALL ON FUNCTION app.request_quote(quote_id uuid, customer_email text, customer_name text, phone_number text, country text, session_id text, product_type text, quantity integer, complexity_level public.complexity_level, fabric_type text, additional_requirements text) TO authenticated;

--
-- Name: shares_order_with(uuid); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.shares_order_with(other_user uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    RETURN (other_user IN (SELECT app.counterparty_user_ids() AS counterparty_user_ids));


ALTER FUNCTION app.shares_order_with(other_user uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION shares_order_with(other_user uuid); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.shares_order_with(other_user uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.shares_order_with(other_user uuid) TO authenticated;

--
-- Name: supplier_contacts(uuid[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.supplier_contacts(supplier_ids uuid[]) RETURNS TABLE(supplier_id uuid, address text, contact_email text, contact_phone text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT s.id,
     s.address,
     s.contact_email,
     s.contact_phone
    FROM public.suppliers s
   WHERE ((s.id = ANY (supplier_contacts.supplier_ids)) AND (( SELECT app.is_admin() AS is_admin) OR (s.id IN ( SELECT app.contact_supplier_ids() AS contact_supplier_ids))));
END;


ALTER FUNCTION app.supplier_contacts(supplier_ids uuid[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION supplier_contacts(supplier_ids uuid[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.supplier_contacts(supplier_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.supplier_contacts(supplier_ids uuid[]) TO authenticated;

--
-- Name: supplier_order_prices(uuid[]); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.supplier_order_prices(supplier_order_ids uuid[]) RETURNS TABLE(supplier_order_id uuid, buyer_price numeric, supplier_price numeric, margin numeric, counter_offer_price numeric)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT so.id,
         CASE
             WHEN (c.admin OR (o.buyer_id = c.user_id)) THEN so.buyer_price
             ELSE NULL::numeric
         END AS "case",
         CASE
             WHEN (c.admin OR (so.supplier_id = c.supplier_id)) THEN so.supplier_price
             ELSE NULL::numeric
         END AS "case",
         CASE
             WHEN c.admin THEN so.margin
             ELSE NULL::numeric
         END AS "case",
         CASE
             WHEN (c.admin OR (so.supplier_id = c.supplier_id)) THEN so.counter_offer_price
             ELSE NULL::numeric
         END AS "case"
    FROM ( SELECT ( SELECT app.is_admin() AS is_admin) AS admin,
             ( SELECT app.current_user_id() AS current_user_id) AS user_id,
             ( SELECT app.current_supplier_id() AS current_supplier_id) AS supplier_id) c,
     (public.supplier_orders so
      JOIN public.orders o ON ((o.id = so.buyer_order_id)))
   WHERE ((so.id = ANY (supplier_order_prices.supplier_order_ids)) AND (c.admin OR (o.buyer_id = c.user_id) OR (so.supplier_id = c.supplier_id)));
END;


ALTER FUNCTION app.supplier_order_prices(supplier_order_ids uuid[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION supplier_order_prices(supplier_order_ids uuid[]); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.supplier_order_prices(supplier_order_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.supplier_order_prices(supplier_order_ids uuid[]) TO authenticated;

--
-- Name: supplier_orders_as_buyer(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.supplier_orders_as_buyer() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 100
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT so.id
    FROM (public.supplier_orders so
      JOIN public.orders o ON ((o.id = so.buyer_order_id)))
   WHERE (o.buyer_id = app.current_user_id());
END;


ALTER FUNCTION app.supplier_orders_as_buyer() OWNER TO loomline_owner;

--
-- Name: FUNCTION supplier_orders_as_buyer(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.supplier_orders_as_buyer() FROM PUBLIC;
GRANT ALL ON FUNCTION app.supplier_orders_as_buyer() TO anonymous;
GRANT ALL ON FUNCTION app.supplier_orders_as_buyer() TO authenticated;

--
-- Name: supplier_orders_as_supplier(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.supplier_orders_as_supplier() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 100
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT so.id
    FROM public.supplier_orders so
   WHERE (so.supplier_id = app.current_supplier_id());
END;


ALTER FUNCTION app.supplier_orders_as_supplier() OWNER TO loomline_owner;

--
-- Name: FUNCTION supplier_orders_as_supplier(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.supplier_orders_as_supplier() FROM PUBLIC;
GRANT ALL ON FUNCTION app.supplier_orders_as_supplier() TO anonymous;
GRANT ALL ON FUNCTION app.supplier_orders_as_supplier() TO authenticated;

--
-- Name: suppliers_of_my_orders(); Type: FUNCTION; Schema: app; Owner: loomline_owner
--

CREATE FUNCTION app.suppliers_of_my_orders() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    BEGIN ATOMIC
 SELECT o.supplier_id
    FROM public.orders o
   WHERE ((o.buyer_id = app.current_user_id()) AND (o.supplier_id IS NOT NULL))
 UNION
  SELECT so.supplier_id
    FROM (public.supplier_orders so
      JOIN public.orders o ON ((o.id = so.buyer_order_id)))
   WHERE (o.buyer_id = app.current_user_id());
END;


ALTER FUNCTION app.suppliers_of_my_orders() OWNER TO loomline_owner;

--
-- Name: FUNCTION suppliers_of_my_orders(); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.suppliers_of_my_orders() FROM PUBLIC;
GRANT ALL ON FUNCTION app.suppliers_of_my_orders() TO anonymous;
GRANT ALL ON FUNCTION app.suppliers_of_my_orders() TO authenticated;

--
-- Name: are_http_urls(text[]); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.are_http_urls(value text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN COALESCE((SELECT bool_and(app_private.is_http_url(u.u)) AS bool_and FROM unnest(are_http_urls.value) u(u)), true);


ALTER FUNCTION app_private.are_http_urls(value text[]) OWNER TO loomline_owner;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: FUNCTION are_http_urls(value text[]); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.are_http_urls(value text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.are_http_urls(value text[]) TO anonymous;
GRANT ALL ON FUNCTION app_private.are_http_urls(value text[]) TO authenticated;

--
-- Name: are_https_urls(text[]); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.are_https_urls(value text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN COALESCE((SELECT bool_and((u.u ~ '^https://[^\s/$.?#][^\s]*$'::text)) AS bool_and FROM unnest(are_https_urls.value) u(u)), true);


ALTER FUNCTION app_private.are_https_urls(value text[]) OWNER TO loomline_owner;

--
-- Name: FUNCTION are_https_urls(value text[]); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.are_https_urls(value text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.are_https_urls(value text[]) TO authenticated;

--
-- Name: auth_hmac(bytea); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.auth_hmac(message bytea) RETURNS bytea
    LANGUAGE sql STABLE STRICT
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN (SELECT public.hmac(auth_hmac.message, s.hmac_key, 'sha256'::text) AS hmac FROM app_private.auth_secret s);


ALTER FUNCTION app_private.auth_hmac(message bytea) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_hmac(message bytea); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.auth_hmac(message bytea) FROM PUBLIC;

--
-- Name: auth_issue_refresh_token(uuid, uuid, timestamp with time zone, text, inet); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.auth_issue_refresh_token(account uuid, family uuid, new_expires_at timestamp with time zone, client_user_agent text, client_ip inet, OUT token_id uuid, OUT token text) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  token := translate(encode(public.gen_random_bytes(32), 'base64'), '+/=', '-_');
  insert into refresh_tokens (user_id, token_hash, family_id, expires_at, user_agent, ip)
  values (account, encode(public.digest(token, 'sha256'), 'hex'), family, new_expires_at,
          left(client_user_agent, 512), client_ip)
  returning id into token_id;
end;
$$;


ALTER FUNCTION app_private.auth_issue_refresh_token(account uuid, family uuid, new_expires_at timestamp with time zone, client_user_agent text, client_ip inet, OUT token_id uuid, OUT token text) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_issue_refresh_token(account uuid, family uuid, new_expires_at timestamp with time zone, client_user_agent text, client_ip inet, OUT token_id uuid, OUT token text); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.auth_issue_refresh_token(account uuid, family uuid, new_expires_at timestamp with time zone, client_user_agent text, client_ip inet, OUT token_id uuid, OUT token text) FROM PUBLIC;

--
-- Name: auth_user_summary(uuid); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.auth_user_summary(account uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN (SELECT jsonb_build_object('id', u.id, 'email', u.email, 'roles', COALESCE((SELECT jsonb_agg(r.role ORDER BY r.role) AS jsonb_agg FROM public.user_roles r WHERE (r.user_id = u.id)), '[]'::jsonb)) AS jsonb_build_object FROM public.users u WHERE (u.id = auth_user_summary.account));


ALTER FUNCTION app_private.auth_user_summary(account uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION auth_user_summary(account uuid); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.auth_user_summary(account uuid) FROM PUBLIC;

--
-- Name: events_between(pg_snapshot, pg_snapshot, bigint, public.event_topic[], uuid, uuid, uuid, uuid, boolean, integer); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.events_between(since pg_snapshot, until pg_snapshot, after_id bigint, topics public.event_topic[], for_order uuid, for_supplier_order uuid, for_user uuid, for_supplier uuid, everything boolean, max_rows integer) RETURNS SETOF public.events
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    BEGIN ATOMIC
 SELECT e.id,
     e.xid,
     e.topic,
     e.kind,
     e.entity_id,
     e.order_id,
     e.supplier_order_id,
     e.buyer_id,
     e.supplier_ids,
     e.user_id,
     e.payload,
     e.created_at,
     e.updated_at
    FROM public.events e
   WHERE ((e.xid >= pg_snapshot_xmin(events_between.since)) AND pg_visible_in_snapshot(e.xid, events_between.until) AND (NOT pg_visible_in_snapshot(e.xid, events_between.since)) AND (e.id > events_between.after_id) AND (e.topic = ANY (events_between.topics)) AND ((events_between.for_order IS NULL) OR (e.order_id = events_between.for_order)) AND ((events_between.for_supplier_order IS NULL) OR (e.supplier_order_id = events_between.for_supplier_order)) AND (events_between.everything OR (e.user_id = events_between.for_user) OR (e.buyer_id = events_between.for_user) OR (e.supplier_ids @> ARRAY[events_between.for_supplier])))
   ORDER BY e.id
  LIMIT events_between.max_rows;
END;


ALTER FUNCTION app_private.events_between(since pg_snapshot, until pg_snapshot, after_id bigint, topics public.event_topic[], for_order uuid, for_supplier_order uuid, for_user uuid, for_supplier uuid, everything boolean, max_rows integer) OWNER TO loomline_owner;

--
-- Name: FUNCTION events_between(since pg_snapshot, until pg_snapshot, after_id bigint, topics public.event_topic[], for_order uuid, for_supplier_order uuid, for_user uuid, for_supplier uuid, everything boolean, max_rows integer); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.events_between(since pg_snapshot, until pg_snapshot, after_id bigint, topics public.event_topic[], for_order uuid, for_supplier_order uuid, for_user uuid, for_supplier uuid, everything boolean, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.events_between(since pg_snapshot, until pg_snapshot, after_id bigint, topics public.event_topic[], for_order uuid, for_supplier_order uuid, for_user uuid, for_supplier uuid, everything boolean, max_rows integer) TO loomline_api;

--
-- Name: events_poll(pg_snapshot, integer); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.events_poll(since pg_snapshot, max_rows integer DEFAULT 1000) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    BEGIN ATOMIC
 WITH now_snapshot AS (
          SELECT pg_current_snapshot() AS snapshot
         ), batch AS (
          SELECT e.id,
             e.xid,
             e.topic,
             e.kind,
             e.entity_id,
             e.order_id,
             e.supplier_order_id,
             e.buyer_id,
             e.supplier_ids,
             e.user_id,
             e.payload,
             e.created_at,
             e.updated_at
            FROM public.events e,
             now_snapshot n_1
           WHERE ((e.xid >= pg_snapshot_xmin(events_poll.since)) AND pg_visible_in_snapshot(e.xid, n_1.snapshot) AND (NOT pg_visible_in_snapshot(e.xid, events_poll.since)))
           ORDER BY e.id
          LIMIT (events_poll.max_rows + 1)
         )
  SELECT jsonb_build_object('snapshot', (n.snapshot)::text, 'events', COALESCE(( SELECT jsonb_agg(to_jsonb(b.*) ORDER BY b.id) AS jsonb_agg
            FROM batch b), '[]'::jsonb)) AS jsonb_build_object
    FROM now_snapshot n;
END;


ALTER FUNCTION app_private.events_poll(since pg_snapshot, max_rows integer) OWNER TO loomline_owner;

--
-- Name: FUNCTION events_poll(since pg_snapshot, max_rows integer); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.events_poll(since pg_snapshot, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.events_poll(since pg_snapshot, max_rows integer) TO loomline_api;

--
-- Name: events_prune(interval); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.events_prune(retention interval) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  removed bigint;
begin
  if retention < interval '24 hours' then
    raise exception 'event retention must be at least 24 hours, not %', retention using errcode = '22023';
  end if;
  delete from events where created_at < now() - retention;
  get diagnostics removed = row_count;
  return removed;
end;
$$;


ALTER FUNCTION app_private.events_prune(retention interval) OWNER TO loomline_owner;

--
-- Name: FUNCTION events_prune(retention interval); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.events_prune(retention interval) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.events_prune(retention interval) TO loomline_api;

--
-- Name: is_ciphertext(text); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.is_ciphertext(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (value ~ '^enc:v[12]:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$'::text);


ALTER FUNCTION app_private.is_ciphertext(value text) OWNER TO loomline_owner;

--
-- Name: FUNCTION is_ciphertext(value text); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.is_ciphertext(value text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.is_ciphertext(value text) TO anonymous;
GRANT ALL ON FUNCTION app_private.is_ciphertext(value text) TO authenticated;

--
-- Name: is_current_password_hash(text); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.is_current_password_hash(candidate text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN COALESCE((SELECT (h.sealed AND (h.n = 32768) AND (h.r = 8) AND (h.p = 1)) FROM app_private.password_hash_parts(is_current_password_hash.candidate) h(n, r, p, salt, verifier, sealed)), false);


ALTER FUNCTION app_private.is_current_password_hash(candidate text) OWNER TO loomline_owner;

--
-- Name: FUNCTION is_current_password_hash(candidate text); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.is_current_password_hash(candidate text) FROM PUBLIC;

--
-- Name: is_email(text); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.is_email(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((value ~* '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$'::text) AND (length(value) <= 254));


ALTER FUNCTION app_private.is_email(value text) OWNER TO loomline_owner;

--
-- Name: FUNCTION is_email(value text); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.is_email(value text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.is_email(value text) TO anonymous;
GRANT ALL ON FUNCTION app_private.is_email(value text) TO authenticated;

--
-- Name: is_http_url(text); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.is_http_url(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (value ~ '^https?://[^\s/$.?#][^\s]*$'::text);


ALTER FUNCTION app_private.is_http_url(value text) OWNER TO loomline_owner;

--
-- Name: FUNCTION is_http_url(value text); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.is_http_url(value text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.is_http_url(value text) TO anonymous;
GRANT ALL ON FUNCTION app_private.is_http_url(value text) TO authenticated;

--
-- Name: is_listing_filter(jsonb); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.is_listing_filter(filter jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((jsonb_typeof(filter) = 'object'::text) AND (COALESCE(jsonb_typeof((filter -> 'search'::text)), 'string'::text) = ANY (ARRAY['string'::text, 'null'::text])) AND (COALESCE(jsonb_typeof((filter -> 'category'::text)), 'string'::text) = ANY (ARRAY['string'::text, 'null'::text])) AND (COALESCE(jsonb_typeof((filter -> 'minPrice'::text)), 'number'::text) = ANY (ARRAY['number'::text, 'null'::text])) AND (COALESCE(jsonb_typeof((filter -> 'maxPrice'::text)), 'number'::text) = ANY (ARRAY['number'::text, 'null'::text])) AND (COALESCE(jsonb_typeof((filter -> 'colors'::text)), 'array'::text) = ANY (ARRAY['array'::text, 'null'::text])) AND (COALESCE(jsonb_typeof((filter -> 'sizes'::text)), 'array'::text) = ANY (ARRAY['array'::text, 'null'::text])) AND (COALESCE(jsonb_typeof((filter -> 'featured'::text)), 'boolean'::text) = ANY (ARRAY['boolean'::text, 'null'::text])) AND (COALESCE((filter ->> 'supplierId'::text), '00000000-0000-0000-0000-000000000000'::text) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'::text));


ALTER FUNCTION app_private.is_listing_filter(filter jsonb) OWNER TO loomline_owner;

--
-- Name: FUNCTION is_listing_filter(filter jsonb); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.is_listing_filter(filter jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.is_listing_filter(filter jsonb) TO anonymous;
GRANT ALL ON FUNCTION app_private.is_listing_filter(filter jsonb) TO authenticated;

--
-- Name: is_trusted_session(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.is_trusted_session() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN pg_has_role(SESSION_USER, 'loomline_owner'::name, 'MEMBER'::text);


ALTER FUNCTION app_private.is_trusted_session() OWNER TO loomline_owner;

--
-- Name: FUNCTION is_trusted_session(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.is_trusted_session() FROM PUBLIC;

--
-- Name: notify_user(uuid, public.notification_type, text, text, jsonb); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.notify_user(recipient uuid, kind public.notification_type, title text, body text, data jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    BEGIN ATOMIC
 INSERT INTO public.notifications (user_id, type, title, body, data)  SELECT notify_user.recipient AS recipient,
             notify_user.kind AS kind,
             notify_user.title AS title,
             notify_user.body AS body,
             notify_user.data AS data
           WHERE (notify_user.recipient IS NOT NULL);
END;


ALTER FUNCTION app_private.notify_user(recipient uuid, kind public.notification_type, title text, body text, data jsonb) OWNER TO loomline_owner;

--
-- Name: FUNCTION notify_user(recipient uuid, kind public.notification_type, title text, body text, data jsonb); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.notify_user(recipient uuid, kind public.notification_type, title text, body text, data jsonb) FROM PUBLIC;

--
-- Name: password_hash_parts(text); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.password_hash_parts(stored text, OUT n integer, OUT r integer, OUT p integer, OUT salt bytea, OUT verifier bytea, OUT sealed boolean) RETURNS record
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
declare
  parts text[] := regexp_match(
    stored, '^scrypt\$(16384|32768)\$(8)\$(1)\$([A-Za-z0-9+/]{22}==)\$(sha256:)?([A-Za-z0-9+/]{43}=)$');
begin
  if parts is null then
    return;
  end if;
  n := parts[1]::integer;
  r := parts[2]::integer;
  p := parts[3]::integer;
  salt := decode(parts[4], 'base64');
  sealed := parts[5] is not null;
  verifier := case when sealed then decode(parts[6], 'base64')
                   else public.digest(decode(parts[6], 'base64'), 'sha256') end;
end;
$_$;


ALTER FUNCTION app_private.password_hash_parts(stored text, OUT n integer, OUT r integer, OUT p integer, OUT salt bytea, OUT verifier bytea, OUT sealed boolean) OWNER TO loomline_owner;

--
-- Name: FUNCTION password_hash_parts(stored text, OUT n integer, OUT r integer, OUT p integer, OUT salt bytea, OUT verifier bytea, OUT sealed boolean); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.password_hash_parts(stored text, OUT n integer, OUT r integer, OUT p integer, OUT salt bytea, OUT verifier bytea, OUT sealed boolean) FROM PUBLIC;

--
-- Name: publish(text, uuid, jsonb); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.publish(kind text, id uuid, extra jsonb DEFAULT '{}'::jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  target_order uuid := nullif(extra ->> 'orderId', '')::uuid;
  target_supplier_order uuid := nullif(extra ->> 'supplierOrderId', '')::uuid;
  order_buyer uuid;
  order_suppliers uuid[] := '{}';
  event_kind text;
  event_payload jsonb := '{}';
  event_user uuid;
begin
  if target_order is not null and kind = 'stage' then
    -- A stage's own supplier only: another supplier of the same order does not read it.
    select o.buyer_id, array[so.supplier_id]
      into order_buyer, order_suppliers
      from supplier_orders so join orders o on o.id = so.buyer_order_id
     where so.id = target_supplier_order;
  elsif target_order is not null then
    select o.buyer_id,
           array(select distinct s from unnest(o.supplier_id || array(
                   select so.supplier_id from supplier_orders so where so.buyer_order_id = o.id)) s
                 where s is not null)
      into order_buyer, order_suppliers
      from orders o where o.id = target_order;
  end if;

  case kind
    when 'stage' then
      event_kind := lower(coalesce(extra ->> 'change', 'UPDATED'));
    when 'order_status' then
      event_kind := 'changed';
      select jsonb_build_object('fromStatus', h.from_status, 'toStatus', h.to_status)
        into event_payload from order_status_history h where h.id = publish.id;
    when 'notification' then
      event_kind := 'created';
      event_user := nullif(extra ->> 'userId', '')::uuid;
    when 'message' then
      event_kind := 'created';
      event_user := nullif(extra ->> 'recipientId', '')::uuid;
    when 'access' then
      event_kind := 'revoked';
      event_user := publish.id;
    else
      raise exception 'unknown event topic %', kind;
  end case;

  insert into events (topic, kind, entity_id, order_id, supplier_order_id, buyer_id, supplier_ids, user_id, payload)
  values (kind::event_topic, event_kind, publish.id, target_order, target_supplier_order, order_buyer,
          coalesce(order_suppliers, '{}'), event_user, coalesce(event_payload, '{}'));
  -- The wake-up, unless the database is set to let listeners poll instead.
  if coalesce(current_setting('loomline.realtime_notify', true), '') <> 'off' then
    perform pg_notify('loomline_events', pg_current_xact_id()::text);
  end if;
end;
$$;


ALTER FUNCTION app_private.publish(kind text, id uuid, extra jsonb) OWNER TO loomline_owner;

--
-- Name: FUNCTION publish(kind text, id uuid, extra jsonb); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.publish(kind text, id uuid, extra jsonb) FROM PUBLIC;

--
-- Name: refresh_order_progress(uuid); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.refresh_order_progress(target_order uuid) RETURNS public.orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app_private', 'pg_temp'
    AS $$
declare
  order_row orders;
  progress jsonb;
  lowest_open integer;
  quality_started boolean;
  all_shipped boolean;
  next_status order_status;
  previous_note text := current_setting('loomline.status_note', true);
begin
  -- Lock the order first: concurrent stage updates of one order serialise
  -- here, and the aggregate below (a new snapshot) sees every committed stage.
  select * into order_row from orders where id = target_order for update;
  if not found then
    return null;
  end if;

  select coalesce(jsonb_object_agg(s.stage_number::text, s.pct order by s.stage_number), '{}'),
         case when count(*) > 0 then coalesce(min(s.stage_number) filter (where not s.done), 8) end,
         coalesce(bool_or(s.stage_number = 6 and s.pct > 0), false),
         coalesce(bool_and(s.done) filter (where s.stage_number = 8), false)
    into progress, lowest_open, quality_started, all_shipped
    from (
      select ps.stage_number,
             round(avg(ps.completion_percentage), 2) as pct,
             bool_and(ps.status = 'completed') as done
        from production_stages ps
        join supplier_orders so on so.id = ps.supplier_order_id
       where so.buyer_order_id = target_order
         and so.status not in ('rejected', 'cancelled')
       group by ps.stage_number
    ) s;

  next_status := case
    when order_row.status in ('in_production', 'quality_check') and all_shipped then 'shipped'
    when order_row.status = 'in_production' and quality_started then 'quality_check'
    else order_row.status
  end;

  if next_status <> order_row.status then
    perform set_config('loomline.status_note',
      case next_status when 'shipped' then 'Shipment completed' else 'Quality inspection started' end, true);
  end if;

  update orders
     set stage_progress = progress,
         current_stage = lowest_open,
         status = next_status
   where id = target_order
     and (stage_progress, current_stage, status) is distinct from (progress, lowest_open, next_status)
  returning * into order_row;

  perform set_config('loomline.status_note', coalesce(previous_note, ''), true);
  return order_row;
end;
$$;


ALTER FUNCTION app_private.refresh_order_progress(target_order uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION refresh_order_progress(target_order uuid); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.refresh_order_progress(target_order uuid) FROM PUBLIC;

--
-- Name: refresh_payment_status(uuid); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.refresh_payment_status(target_order uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  order_total numeric(12, 2);
  paid numeric;
  refunded numeric;
  next_status payment_status;
begin
  select total_amount into order_total from orders where id = target_order for update;
  if not found then
    return;
  end if;
  select coalesce(sum(p.amount), 0),
         coalesce(sum(case when p.status = 'refunded' then p.amount
                           else (select coalesce(sum(r.amount), 0) from payments r
                                  where r.refund_of = p.id and r.status = 'succeeded') end), 0)
    into paid, refunded
    from payments p
   where p.order_id = target_order and p.kind = 'payment' and p.status in ('succeeded', 'refunded');
  next_status := case
    when paid > 0 and refunded >= paid then 'refunded'
    when paid - refunded = 0 then 'unpaid'
    when paid - refunded >= order_total then 'paid'
    else 'partially_paid'
  end;
  update orders set payment_status = next_status
   where id = target_order and payment_status is distinct from next_status;
end;
$$;


ALTER FUNCTION app_private.refresh_payment_status(target_order uuid) OWNER TO loomline_owner;

--
-- Name: FUNCTION refresh_payment_status(target_order uuid); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.refresh_payment_status(target_order uuid) FROM PUBLIC;

--
-- Name: release_expired_stock_reservations(integer); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.release_expired_stock_reservations(max_rows integer DEFAULT 1000) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  released integer;
begin
  with expired as (
    select id from stock_reservations
     where status = 'held' and expires_at <= now()
     order by expires_at
     limit max_rows
       for update skip locked
  )
  update stock_reservations r set status = 'released'
    from expired where r.id = expired.id;
  get diagnostics released = row_count;
  return released;
end;
$$;


ALTER FUNCTION app_private.release_expired_stock_reservations(max_rows integer) OWNER TO loomline_owner;

--
-- Name: FUNCTION release_expired_stock_reservations(max_rows integer); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.release_expired_stock_reservations(max_rows integer) FROM PUBLIC;

--
-- Name: request_setting(text); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.request_setting(name text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN NULLIF(current_setting(name, true), ''::text);


ALTER FUNCTION app_private.request_setting(name text) OWNER TO loomline_owner;

--
-- Name: FUNCTION request_setting(name text); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.request_setting(name text) FROM PUBLIC;

--
-- Name: sealed_password_hash(text); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.sealed_password_hash(stored text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN (SELECT format('scrypt$%s$%s$%s$%s$sha256:%s'::text, h.n, h.r, h.p, encode(h.salt, 'base64'::text), encode(h.verifier, 'base64'::text)) AS format FROM app_private.password_hash_parts(sealed_password_hash.stored) h(n, r, p, salt, verifier, sealed) WHERE (h.verifier IS NOT NULL));


ALTER FUNCTION app_private.sealed_password_hash(stored text) OWNER TO loomline_owner;

--
-- Name: FUNCTION sealed_password_hash(stored text); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.sealed_password_hash(stored text) FROM PUBLIC;

--
-- Name: stage_name(integer); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.stage_name(stage_number integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (ARRAY['Yarn sourcing'::text, 'Knitting'::text, 'Linking'::text, 'Washing'::text, 'Finishing and trims'::text, 'Quality inspection'::text, 'Packing'::text, 'Shipment'::text])[stage_number];


ALTER FUNCTION app_private.stage_name(stage_number integer) OWNER TO loomline_owner;

--
-- Name: FUNCTION stage_name(stage_number integer); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.stage_name(stage_number integer) FROM PUBLIC;

--
-- Name: tg__admin_only_columns(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg__admin_only_columns() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
begin
  if current_user in ('anonymous', 'authenticated') and not app.is_admin() then
    raise exception 'only an administrator may change % (columns: %)', tg_table_name, array_to_string(tg_argv, ', ')
      using errcode = '42501';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg__admin_only_columns() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg__admin_only_columns(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg__admin_only_columns() FROM PUBLIC;

--
-- Name: tg__append_only(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg__append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  before_row jsonb := to_jsonb(old);
  after_row jsonb := to_jsonb(new);
  nullable_fk text;
begin
  foreach nullable_fk in array coalesce(tg_argv, array[]::text[]) loop
    if after_row ->> nullable_fk is not null and after_row -> nullable_fk is distinct from before_row -> nullable_fk then
      raise exception '% is append-only', tg_table_name using errcode = 'LLAPP';
    end if;
    before_row := before_row - nullable_fk;
    after_row := after_row - nullable_fk;
  end loop;
  if before_row is distinct from after_row then
    raise exception '% is append-only: rows cannot be changed', tg_table_name using errcode = 'LLAPP';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg__append_only() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg__append_only(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg__append_only() FROM PUBLIC;

--
-- Name: tg__audit(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg__audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'app_private', 'pg_temp'
    AS $$
declare
  old_data jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  new_data jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  claims jsonb := app.current_claims();
  trusted boolean := app_private.is_trusted_session();
  secret text;
begin
  foreach secret in array coalesce(tg_argv, array[]::text[]) loop
    if old_data ? secret and old_data ->> secret is not null then
      old_data := jsonb_set(old_data, array[secret], '"[redacted]"');
    end if;
    if new_data ? secret and new_data ->> secret is not null then
      new_data := jsonb_set(new_data, array[secret], '"[redacted]"');
    end if;
  end loop;
  insert into audit_log (actor_id, actor_role, action, table_name, record_id, old_data, new_data, request_id, ip,
                         client_request_id, auth_method, api_key_id, actor_roles)
  values (
    nullif(claims ->> 'sub', '')::uuid,
    -- current_user is the definer here; the request's role is the setting.
    coalesce(claims ->> 'role', nullif(current_setting('role'), 'none'), session_user::text),
    lower(tg_op),
    tg_table_name,
    coalesce(new_data ->> 'id', old_data ->> 'id')::uuid,
    old_data,
    new_data,
    coalesce(claims ->> 'request_id', case when trusted then app_private.request_setting('request.id') end),
    coalesce((claims ->> 'client_ip')::inet,
             case when trusted then app_private.request_setting('request.ip')::inet end),
    claims ->> 'client_request_id',
    claims ->> 'auth_method',
    (claims ->> 'api_key_id')::uuid,
    case when jsonb_typeof(claims -> 'roles') = 'array'
      then array(select jsonb_array_elements_text(claims -> 'roles')) end
  );
  return null;
end;
$$;


ALTER FUNCTION app_private.tg__audit() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg__audit(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg__audit() FROM PUBLIC;

--
-- Name: tg__non_admin_transitions(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg__non_admin_transitions() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  target text := to_jsonb(new) ->> tg_argv[0];
begin
  if current_user in ('anonymous', 'authenticated') and not app.is_admin()
     and target is distinct from to_jsonb(old) ->> tg_argv[0]
     and not coalesce(target = any (tg_argv[1:]), false) then
    raise exception 'only an administrator may set %.% to %', tg_table_name, tg_argv[0], target
      using errcode = '42501';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg__non_admin_transitions() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg__non_admin_transitions(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg__non_admin_transitions() FROM PUBLIC;

--
-- Name: tg__request_insert_defaults(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg__request_insert_defaults() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $_$
declare
  column_name text;
  default_expression text;
  is_default boolean;
begin
  if current_user not in ('anonymous', 'authenticated') then
    return new;
  end if;
  new.created_at := now();
  new.updated_at := now();
  if tg_argv[0] = 'admin' and app.is_admin() then
    return new;
  end if;
  foreach column_name in array tg_argv[1:] loop
    select pg_get_expr(d.adbin, d.adrelid) into strict default_expression
      from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
     where d.adrelid = tg_relid and a.attname = column_name;
    execute format('select $1.%I is not distinct from (%s)', column_name, default_expression)
      into is_default using new;
    if not is_default then
      raise exception '% of a new % row is set by %', column_name, tg_table_name,
        case tg_argv[0] when 'admin' then 'an administrator' else 'the database' end
        using errcode = '42501';
    end if;
  end loop;
  return new;
end;
$_$;


ALTER FUNCTION app_private.tg__request_insert_defaults() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg__request_insert_defaults(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg__request_insert_defaults() FROM PUBLIC;

--
-- Name: tg__revocation_is_final(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg__revocation_is_final() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception '%.revoked_at is final: a revocation cannot be undone or changed', tg_table_name
      using errcode = 'LLAPP';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg__revocation_is_final() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg__revocation_is_final(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg__revocation_is_final() FROM PUBLIC;

--
-- Name: tg__set_updated_at(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg__set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- Strictly increasing even within one transaction (now() is frozen there),
  -- so updated_at can order changes.
  new.updated_at := greatest(now(), old.updated_at + interval '1 microsecond');
  return new;
end;
$$;


ALTER FUNCTION app_private.tg__set_updated_at() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg__set_updated_at(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg__set_updated_at() FROM PUBLIC;

--
-- Name: tg_audit_log__retention(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_audit_log__retention() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  if tg_op = 'TRUNCATE' or old.created_at > now() - interval '7 years' then
    raise exception 'audit_log is append-only: entries are kept for seven years' using errcode = 'LLAPP';
  end if;
  return old;
end;
$$;


ALTER FUNCTION app_private.tg_audit_log__retention() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_audit_log__retention(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_audit_log__retention() FROM PUBLIC;

--
-- Name: tg_marketplace_products__approval(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_marketplace_products__approval() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
begin
  -- A first approval (not a return from sold_out) stamps the review.
  if new.status in ('approved', 'sold_out') and (tg_op = 'INSERT' or old.status not in ('approved', 'sold_out')) then
    new.approval_date := coalesce(new.approval_date, now());
    new.approved_by := coalesce(new.approved_by, app.current_user_id());
    new.published_at := coalesce(new.published_at, new.approval_date);
    new.rejection_reason := null;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_marketplace_products__approval() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_marketplace_products__approval(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_marketplace_products__approval() FROM PUBLIC;

--
-- Name: tg_marketplace_products__published(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_marketplace_products__published() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'app_private', 'pg_temp'
    AS $$
declare
  owner uuid;
begin
  select user_id into owner from suppliers where id = new.supplier_id;
  if new.status = 'approved' and (tg_op = 'INSERT' or old.status not in ('approved', 'sold_out')) then
    perform app_private.notify_user(owner, 'listing', format('"%s" is live on the marketplace', new.title), null,
      jsonb_build_object('listingId', new.id, 'slug', new.slug, 'status', new.status));

    with matched as (
      update saved_searches s
         set last_notified_at = now()
       where s.is_active
         and s.user_id is distinct from owner
         and app.listing_matches_filter(new, s.filter)
      returning s.id, s.user_id, s.name
    )
    insert into notifications (user_id, type, title, body, data)
    select m.user_id, 'listing', format('New match for "%s"', m.name), new.title,
           jsonb_build_object('savedSearchId', m.id, 'listingId', new.id, 'slug', new.slug)
      from matched m;
  elsif tg_op = 'UPDATE' and new.status = 'rejected' and old.status <> 'rejected' then
    perform app_private.notify_user(owner, 'listing', format('"%s" was not approved', new.title),
      new.rejection_reason, jsonb_build_object('listingId', new.id, 'status', new.status));
  end if;
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_marketplace_products__published() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_marketplace_products__published(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_marketplace_products__published() FROM PUBLIC;

--
-- Name: tg_marketplace_products__sold_out(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_marketplace_products__sold_out() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  if new.status = 'approved' and new.stock_quantity - new.reserved_quantity = 0 then
    new.status := 'sold_out';
  elsif new.status = 'sold_out' and new.stock_quantity - new.reserved_quantity > 0 then
    new.status := 'approved';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_marketplace_products__sold_out() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_marketplace_products__sold_out(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_marketplace_products__sold_out() FROM PUBLIC;

--
-- Name: tg_messages__delivered(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_messages__delivered() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app_private', 'pg_temp'
    AS $$
begin
  perform app_private.notify_user(
    new.recipient_id, 'message', coalesce(new.subject, 'New message'), left(new.body, 200),
    jsonb_build_object('messageId', new.id, 'orderId', new.order_id, 'senderId', new.sender_id));
  perform app_private.publish('message', new.id,
    jsonb_build_object('recipientId', new.recipient_id, 'senderId', new.sender_id));
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_messages__delivered() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_messages__delivered(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_messages__delivered() FROM PUBLIC;

--
-- Name: tg_messages__rules(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_messages__rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
begin
  if tg_op = 'INSERT' then
    if new.order_id is not null then
      if current_user in ('anonymous', 'authenticated') then
        if new.sender_id = app.current_user_id() and not app.is_order_party(new.order_id) then
          raise exception 'the sender is not a party to this order' using errcode = 'LLRUL';
        end if;
      elsif not app.is_order_party(new.order_id, new.sender_id) then
        raise exception 'the sender is not a party to this order' using errcode = 'LLRUL';
      end if;
    end if;
    return new;
  end if;
  -- A message is immutable once sent; only its read receipt changes
  -- (and the sender or recipient may be erased).
  if (new.order_id, new.subject, new.body, new.attachments, new.created_at)
     is distinct from (old.order_id, old.subject, old.body, old.attachments, old.created_at)
     or (new.sender_id is not null and new.sender_id is distinct from old.sender_id)
     or (new.recipient_id is not null and new.recipient_id is distinct from old.recipient_id) then
    raise exception 'a sent message cannot be edited' using errcode = 'LLRUL';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_messages__rules() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_messages__rules(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_messages__rules() FROM PUBLIC;

--
-- Name: tg_notifications__publish(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_notifications__publish() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'app_private', 'pg_temp'
    AS $$
begin
  perform app_private.publish('notification', new.id, jsonb_build_object('userId', new.user_id));
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_notifications__publish() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_notifications__publish(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_notifications__publish() FROM PUBLIC;

--
-- Name: tg_order_items__order_total(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_order_items__order_total() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if current_setting('role') not in ('anonymous', 'authenticated') then
    return null;
  end if;
  if tg_op = 'INSERT' then
    update orders o set total_amount = coalesce((select sum(i.line_total) from order_items i where i.order_id = o.id), 0)
     where o.id in (select distinct order_id from new_rows);
  elsif tg_op = 'DELETE' then
    update orders o set total_amount = coalesce((select sum(i.line_total) from order_items i where i.order_id = o.id), 0)
     where o.id in (select distinct order_id from old_rows);
  else
    update orders o set total_amount = coalesce((select sum(i.line_total) from order_items i where i.order_id = o.id), 0)
     where o.id in (select order_id from new_rows union select order_id from old_rows);
  end if;
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_order_items__order_total() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_order_items__order_total(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_order_items__order_total() FROM PUBLIC;

--
-- Name: tg_order_items__price(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_order_items__price() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  listing_price numeric(12, 2);
begin
  if current_setting('role') not in ('anonymous', 'authenticated') then
    return new;
  end if;
  if tg_op = 'UPDATE' then
    -- (A deleted listing sets marketplace_product_id null: the price stays.)
    if old.marketplace_product_id is not null
       and (new.unit_price is distinct from old.unit_price
            or coalesce(new.marketplace_product_id <> old.marketplace_product_id, false)) then
      raise exception 'a listing line''s price is the listing''s price when it was ordered'
        using errcode = 'LLRUL';
    end if;
    return new;
  end if;
  if new.marketplace_product_id is not null then
    select mp.final_price into listing_price from marketplace_products mp where mp.id = new.marketplace_product_id;
    new.unit_price := listing_price;
  elsif not app.is_admin() then
    -- Custom work is priced by the platform (an admin), not by the buyer.
    new.unit_price := 0;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_order_items__price() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_order_items__price(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_order_items__price() FROM PUBLIC;

--
-- Name: tg_orders__cancel(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_orders__cancel() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  update stock_reservations set status = 'released'
   where order_id = new.id and status = 'held';
  update supplier_orders set status = 'cancelled'
   where buyer_order_id = new.id and status in ('pending', 'accepted');
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_orders__cancel() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_orders__cancel(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__cancel() FROM PUBLIC;

--
-- Name: tg_orders__commit_stock(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_orders__commit_stock() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  update stock_reservations set status = 'committed'
   where order_id = new.id and status = 'held';
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_orders__commit_stock() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_orders__commit_stock(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__commit_stock() FROM PUBLIC;

--
-- Name: tg_orders__payment_status(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_orders__payment_status() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app_private', 'pg_temp'
    AS $$
begin
  perform app_private.refresh_payment_status(new.id);
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_orders__payment_status() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_orders__payment_status(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__payment_status() FROM PUBLIC;

--
-- Name: tg_orders__status_by_role(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_orders__status_by_role() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
begin
  if current_user in ('anonymous', 'authenticated')
     and new.status is distinct from old.status
     and app.order_status_transition_allowed(old.status, new.status)
     and not new.status = any (app.order_transitions(old.status, app.is_admin())) then
    raise exception 'only an administrator may move order % from % to %', old.order_number, old.status, new.status
      using errcode = '42501';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_orders__status_by_role() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_orders__status_by_role(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__status_by_role() FROM PUBLIC;

--
-- Name: tg_orders__status_history(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_orders__status_history() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'app_private', 'pg_temp'
    AS $$
declare
  history_id uuid;
  supplier_owner uuid;
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status then
    return null;
  end if;
  insert into order_status_history (order_id, from_status, to_status, changed_by, note)
  values (
    new.id,
    case when tg_op = 'UPDATE' then old.status end,
    new.status,
    app.current_user_id(),
    app_private.request_setting('loomline.status_note')
  )
  returning id into history_id;
  perform app_private.publish('order_status', history_id, jsonb_build_object('orderId', new.id));

  if tg_op = 'UPDATE' then
    perform app_private.notify_user(
      new.buyer_id, 'order_status',
      format('Order %s is %s', new.order_number, replace(new.status::text, '_', ' ')),
      null,
      jsonb_build_object('orderId', new.id, 'fromStatus', old.status, 'toStatus', new.status));
    -- Every factory on the order: its supplier and those of its supplier orders.
    for supplier_owner in
      select distinct s.user_id from suppliers s
       where (s.id = new.supplier_id
              or s.id in (select so.supplier_id from supplier_orders so where so.buyer_order_id = new.id))
         and s.user_id is distinct from new.buyer_id
    loop
      perform app_private.notify_user(
        supplier_owner, 'order_status',
        format('Order %s is %s', new.order_number, replace(new.status::text, '_', ' ')),
        null,
        jsonb_build_object('orderId', new.id, 'fromStatus', old.status, 'toStatus', new.status));
    end loop;
  end if;
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_orders__status_history() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_orders__status_history(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__status_history() FROM PUBLIC;

--
-- Name: tg_orders__status_transition(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_orders__status_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
begin
  if new.status is distinct from old.status then
    if not app.order_status_transition_allowed(old.status, new.status) then
      raise exception 'order % cannot go from % to %', old.order_number, old.status, new.status
        using errcode = 'LLTRN';
    end if;
    if new.status = 'delivered' then
      new.actual_delivery_date := coalesce(new.actual_delivery_date, current_date);
    end if;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_orders__status_transition() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_orders__status_transition(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__status_transition() FROM PUBLIC;

--
-- Name: tg_orders__version(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_orders__version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- Writers name the version they read (set version = <expected>); any
  -- other value means someone else changed the order in between.
  if new.version <> old.version then
    raise exception 'order % was changed by someone else (expected version %, current version %)',
      old.order_number, new.version, old.version
      using errcode = 'LLCNF';
  end if;
  -- Progress maintained from production_stages is not an edit: a buyer
  -- changing the order while the factory reports progress must not conflict.
  if (to_jsonb(new) - '{stage_progress,current_stage,updated_at}'::text[])
     is distinct from (to_jsonb(old) - '{stage_progress,current_stage,updated_at}'::text[]) then
    new.version := old.version + 1;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_orders__version() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_orders__version(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_orders__version() FROM PUBLIC;

--
-- Name: tg_payments__order_payment_status(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_payments__order_payment_status() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app_private', 'pg_temp'
    AS $$
begin
  perform app_private.refresh_payment_status(coalesce(new.order_id, old.order_id));
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_payments__order_payment_status() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_payments__order_payment_status(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_payments__order_payment_status() FROM PUBLIC;

--
-- Name: tg_payments__rules(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_payments__rules() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  order_currency char(3);
begin
  if tg_op = 'INSERT' then
    select currency into order_currency from orders where id = new.order_id;
    if order_currency is distinct from new.currency then
      raise exception 'payment currency % does not match the order''s %', new.currency, order_currency
        using errcode = 'LLRUL';
    end if;
    return new;
  end if;
  if (new.order_id, new.amount, new.currency, new.idempotency_key, new.kind, new.refund_of)
     is distinct from (old.order_id, old.amount, old.currency, old.idempotency_key, old.kind, old.refund_of) then
    raise exception 'a recorded payment''s order, amount and key cannot change' using errcode = 'LLRUL';
  end if;
  if new.status is distinct from old.status and not (
    (old.status = 'pending' and new.status in ('succeeded', 'failed'))
    or (old.status = 'succeeded' and new.status = 'refunded' and new.kind = 'payment')
  ) then
    raise exception 'payment cannot go from % to %', old.status, new.status using errcode = 'LLTRN';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_payments__rules() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_payments__rules(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_payments__rules() FROM PUBLIC;

--
-- Name: tg_production_stages__order_progress(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_production_stages__order_progress() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'app_private', 'pg_temp'
    AS $$
declare
  stage production_stages;
  target_order uuid;
  order_row orders;
begin
  if tg_op = 'DELETE' then
    stage := old;
  else
    stage := new;
  end if;
  select buyer_order_id into target_order from supplier_orders where id = stage.supplier_order_id;
  if target_order is null then
    return null;
  end if;

  perform app_private.refresh_order_progress(target_order);
  if tg_op = 'DELETE' then
    return null;
  end if;

  if stage.stage_number = 8 and stage.status = 'completed' then
    update supplier_orders set status = 'completed' where id = stage.supplier_order_id and status = 'accepted';
  end if;

  perform app_private.publish('stage', stage.id,
    jsonb_build_object('orderId', target_order, 'supplierOrderId', stage.supplier_order_id,
                       'change', case when tg_op = 'INSERT' then 'CREATED' else 'UPDATED' end));

  if tg_op = 'UPDATE' and new.status is distinct from old.status then
    select * into order_row from orders where id = target_order;
    perform app_private.notify_user(
      order_row.buyer_id, 'stage_update',
      format('%s: %s is %s', order_row.order_number, new.stage_name, replace(new.status::text, '_', ' ')),
      null,
      jsonb_build_object('orderId', target_order, 'stageId', new.id, 'stageNumber', new.stage_number,
                         'status', new.status));
  end if;
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_production_stages__order_progress() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_production_stages__order_progress(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_production_stages__order_progress() FROM PUBLIC;

--
-- Name: tg_production_stages__rules(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_production_stages__rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  parent supplier_order_status;
begin
  if current_user not in ('anonymous', 'authenticated') then
    return new; -- the owner (seeds, jobs, an operator's correction)
  end if;
  if old.status = 'completed' and new.completion_percentage < 100 then
    raise exception 'stage % is completed: it does not go back', old.stage_number
      using errcode = 'LLTRN';
  end if;
  if not app.is_admin() then
    -- The policy admits only the supplier's own stages, whose parent it reads.
    select so.status into parent from supplier_orders so where so.id = new.supplier_order_id;
    if parent is distinct from 'accepted' then
      raise exception 'the supplier order is %: its stages no longer change', coalesce(parent::text, 'unknown')
        using errcode = 'LLTRN';
    end if;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_production_stages__rules() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_production_stages__rules(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_production_stages__rules() FROM PUBLIC;

--
-- Name: tg_production_stages__status(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_production_stages__status() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  requested boolean := tg_op = 'INSERT' or new.status is distinct from old.status;
  derived stage_status := case
    when new.completion_percentage >= 100 then 'completed'
    when new.completion_percentage > 0 then 'in_progress'
    else 'pending'
  end;
  overdue boolean := new.target_date is not null and new.target_date < current_date;
begin
  if new.status = 'delayed' and derived <> 'completed' and overdue then
    derived := 'delayed';
  elsif requested and new.status = 'delayed' then
    raise exception 'stage % can be marked delayed only after its target date (%) and before completion',
      new.stage_number, coalesce(new.target_date::text, 'none')
      using errcode = 'LLTRN';
  elsif requested and tg_op = 'UPDATE' and new.status <> derived then
    raise exception 'stage % cannot be % at % percent complete', new.stage_number, new.status, new.completion_percentage
      using errcode = 'LLTRN';
  end if;
  new.status := derived;

  if tg_op = 'UPDATE' and old.started_at is not null then
    new.started_at := old.started_at;
  elsif new.completion_percentage > 0 then
    new.started_at := coalesce(new.started_at, now());
  end if;

  if derived = 'completed' then
    new.completed_at := case when tg_op = 'UPDATE' and old.completed_at is not null then old.completed_at
                             else coalesce(new.completed_at, now()) end;
  else
    new.completed_at := null;
  end if;

  if tg_op = 'UPDATE' then
    new.updated_by := coalesce(app.current_user_id(), new.updated_by);
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_production_stages__status() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_production_stages__status(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_production_stages__status() FROM PUBLIC;

--
-- Name: tg_quotes__estimate(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_quotes__estimate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  e record;
begin
  if tg_op = 'INSERT' and current_user not in ('anonymous', 'authenticated')
     and new.total_price is not null then
    return new;
  end if;
  if new.quantity > 1000000 then
    raise exception 'a quote is for at most 1000000 pieces' using errcode = 'LLRUL';
  elsif new.quantity is null or new.quantity < 1 then
    return new; -- the CHECK on quantity refuses the row
  end if;
  select * into strict e from app.quote_estimate(
    new.product_type, new.quantity, new.complexity_level, new.fabric_type,
    new.production_route, new.country);
  new.base_cost := e.base_cost;
  new.specialty_cost := e.specialty_cost;
  new.quote_data := e.quote_data || jsonb_build_object('logisticsCost', e.logistics_cost);
  new.estimated_delivery_days := e.estimated_delivery_days;
  new.total_price := e.total_price + coalesce(new.admin_markup, 0);
  new.specialty_sourcing_required := new.production_route <> 'standard';
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_quotes__estimate() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_quotes__estimate(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_quotes__estimate() FROM PUBLIC;

--
-- Name: tg_quotes__replied(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_quotes__replied() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app_private', 'pg_temp'
    AS $$
begin
  perform app_private.notify_user(
    new.requested_by, 'quote', format('Your quote for %s %s is ready', new.quantity, new.product_type), null,
    jsonb_build_object('quoteId', new.id, 'status', new.status, 'totalPrice', new.total_price));
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_quotes__replied() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_quotes__replied(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_quotes__replied() FROM PUBLIC;

--
-- Name: tg_quotes__status_transition(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_quotes__status_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  allowed quote_status[];
begin
  if new.status is distinct from old.status then
    allowed := app.quote_status_next(old.status);
    if not new.status = any (allowed) then
      raise exception 'quote cannot go from % to %; allowed from %: %', old.status, new.status, old.status,
        coalesce(nullif(array_to_string(allowed, ', '), ''), 'none')
        using errcode = 'LLTRN';
    end if;
  end if;
  -- (Deleting the order sets it to null: allowed.)
  if old.converted_to_order_id is not null and new.converted_to_order_id is not null
     and new.converted_to_order_id <> old.converted_to_order_id then
    raise exception 'quote was already converted to an order' using errcode = 'LLTRN';
  end if;
  if new.status = 'converted' and old.status <> 'converted' and new.converted_to_order_id is null
     or new.status <> 'converted' and new.converted_to_order_id is not null then
    raise exception 'a converted quote names its order, and only a converted quote does'
      using errcode = 'LLRUL';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_quotes__status_transition() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_quotes__status_transition(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_quotes__status_transition() FROM PUBLIC;

--
-- Name: tg_stock_reservations__hold_rules(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_stock_reservations__hold_rules() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  order_status_now order_status;
  ordered bigint;
  holding bigint;
begin
  -- One hold at a time per listing (the reserve trigger takes the same row
  -- next): the sweep and the bound below see every earlier hold.
  perform 1 from marketplace_products where id = new.marketplace_product_id for no key update;
  update stock_reservations set status = 'released'
   where marketplace_product_id = new.marketplace_product_id
     and status = 'held' and expires_at <= now();

  -- Another buyer's order (or none): the policy refuses it, and nothing
  -- here may answer first about an order the caller cannot see.
  if current_setting('role') not in ('anonymous', 'authenticated') or new.order_id is null
     or not (app.is_admin() or new.order_id in (select app.orders_as_buyer())) then
    return new;
  end if;
  if new.expires_at is null or new.expires_at <= now() then
    raise exception 'a hold needs an expiry in the future' using errcode = 'LLRUL';
  end if;
  select o.status into order_status_now from orders o where o.id = new.order_id;
  if order_status_now is null or order_status_now not in ('draft', 'submitted') then
    raise exception 'stock can only be held for a draft or submitted order' using errcode = 'LLRUL';
  end if;
  select coalesce(sum(i.quantity), 0) into ordered
    from order_items i
   where i.order_id = new.order_id and i.marketplace_product_id = new.marketplace_product_id;
  select coalesce(sum(r.quantity), 0) into holding
    from stock_reservations r
   where r.order_id = new.order_id and r.marketplace_product_id = new.marketplace_product_id
     and r.status in ('held', 'committed');
  if holding + new.quantity > ordered then
    raise exception 'the order''s lines for this listing allow % more (ordered %, held %)',
      greatest(ordered - holding, 0), ordered, holding
      using errcode = 'LLRUL';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_stock_reservations__hold_rules() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_stock_reservations__hold_rules(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_stock_reservations__hold_rules() FROM PUBLIC;

--
-- Name: tg_stock_reservations__reserve(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_stock_reservations__reserve() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if new.status <> 'held' then
    raise exception 'a reservation starts as held' using errcode = 'LLTRN';
  end if;
  update marketplace_products
     set reserved_quantity = reserved_quantity + new.quantity
   where id = new.marketplace_product_id
     and status = 'approved'
     and stock_quantity - reserved_quantity >= new.quantity;
  if not found then
    raise exception 'not enough stock to reserve % of listing %', new.quantity, new.marketplace_product_id
      using errcode = 'LLSTK';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_stock_reservations__reserve() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_stock_reservations__reserve(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_stock_reservations__reserve() FROM PUBLIC;

--
-- Name: tg_stock_reservations__settle(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_stock_reservations__settle() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if tg_op = 'DELETE' then
    if old.status = 'held' then
      update marketplace_products set reserved_quantity = reserved_quantity - old.quantity
       where id = old.marketplace_product_id;
    end if;
    return old;
  end if;

  if new.quantity <> old.quantity or new.marketplace_product_id <> old.marketplace_product_id then
    raise exception 'a reservation''s listing and quantity cannot change' using errcode = 'LLRUL';
  end if;
  if new.status is distinct from old.status then
    if old.status <> 'held' then
      raise exception 'reservation is already %', old.status using errcode = 'LLTRN';
    end if;
    update marketplace_products
       set reserved_quantity = reserved_quantity - old.quantity,
           stock_quantity = stock_quantity - case when new.status = 'committed' then old.quantity else 0 end,
           sales = sales + case when new.status = 'committed' then old.quantity else 0 end
     where id = old.marketplace_product_id;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_stock_reservations__settle() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_stock_reservations__settle(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_stock_reservations__settle() FROM PUBLIC;

--
-- Name: tg_supplier_orders__accepted(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_supplier_orders__accepted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app_private', 'pg_temp'
    AS $$
declare
  span integer := greatest(coalesce(new.target_date - current_date, 56), 8);
begin
  insert into production_stages (supplier_order_id, stage_number, stage_name, target_date, updated_by)
  select new.id, n, app_private.stage_name(n), current_date + (span * n / 8), null
    from generate_series(1, 8) as n
  on conflict (supplier_order_id, stage_number) do nothing;

  update orders
     set status = case when status = 'confirmed' then 'in_production' else status end,
         supplier_id = coalesce(supplier_id, new.supplier_id)
   where id = new.buyer_order_id and (status = 'confirmed' or supplier_id is null);
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_supplier_orders__accepted() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_supplier_orders__accepted(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_supplier_orders__accepted() FROM PUBLIC;

--
-- Name: tg_supplier_orders__created_by(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_supplier_orders__created_by() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
begin
  if current_user in ('anonymous', 'authenticated') then
    new.created_by := app.current_user_id();
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_supplier_orders__created_by() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_supplier_orders__created_by(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_supplier_orders__created_by() FROM PUBLIC;

--
-- Name: tg_supplier_orders__order_progress(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_supplier_orders__order_progress() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'app_private', 'pg_temp'
    AS $$
begin
  perform app_private.refresh_order_progress(new.buyer_order_id);
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_supplier_orders__order_progress() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_supplier_orders__order_progress(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_supplier_orders__order_progress() FROM PUBLIC;

--
-- Name: tg_supplier_orders__quantities(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_supplier_orders__quantities() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
declare
  ordered integer;
  allocated integer;
begin
  if current_user not in ('anonymous', 'authenticated') or not app.is_admin() then
    return new; -- the owner's writes; non-admins are refused by the policy
  end if;
  -- Concurrent splits of one order queue here; the sum below (a statement
  -- of its own, so a fresh snapshot in READ COMMITTED) sees every
  -- committed supplier order of it.
  select o.quantity into ordered from orders o where o.id = new.buyer_order_id for no key update;
  if not found then
    return new; -- the foreign key refuses the row
  end if;
  select coalesce(sum(so.quantity), 0) into allocated
    from supplier_orders so
   where so.buyer_order_id = new.buyer_order_id
     and so.id <> new.id
     and so.status not in ('rejected', 'cancelled');
  if allocated + new.quantity > ordered then
    raise exception 'the order has % pieces and % are already with suppliers: at most % more',
      ordered, allocated, greatest(ordered - allocated, 0)
      using errcode = 'LLRUL';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_supplier_orders__quantities() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_supplier_orders__quantities(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_supplier_orders__quantities() FROM PUBLIC;

--
-- Name: tg_supplier_orders__response(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_supplier_orders__response() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'app', 'pg_temp'
    AS $$
begin
  if current_user not in ('anonymous', 'authenticated') or app.is_admin() then
    return new;
  end if;
  if new.acceptance_status is distinct from old.acceptance_status and old.acceptance_status <> 'pending' then
    raise exception 'supplier order % was answered already (%): only an administrator may resolve it',
      old.order_number, old.acceptance_status
      using errcode = 'LLTRN';
  end if;
  if new.counter_offer_price is distinct from old.counter_offer_price
     and not (old.acceptance_status = 'pending' and new.acceptance_status = 'counter_offered') then
    raise exception 'a counter-offer price is set only when counter-offering a pending supplier order'
      using errcode = 'LLTRN';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_supplier_orders__response() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_supplier_orders__response(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_supplier_orders__response() FROM PUBLIC;

--
-- Name: tg_supplier_orders__workflow(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_supplier_orders__workflow() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if new.acceptance_status is distinct from old.acceptance_status then
    if not (
      (old.acceptance_status = 'pending' and new.acceptance_status in ('accepted', 'rejected', 'counter_offered'))
      or (old.acceptance_status = 'counter_offered' and new.acceptance_status in ('pending', 'accepted', 'rejected'))
    ) then
      raise exception 'supplier order % cannot go from % to %',
        old.order_number, old.acceptance_status, new.acceptance_status
        using errcode = 'LLTRN';
    end if;
    if old.status <> 'pending' then
      raise exception 'supplier order % is %: it can no longer be answered', old.order_number, old.status
        using errcode = 'LLTRN';
    end if;
    case new.acceptance_status
      when 'accepted' then
        new.status := 'accepted';
        new.accepted_at := now();
      when 'rejected' then
        new.status := 'rejected';
        new.rejected_at := now();
      else
        null;
    end case;
  elsif new.status is distinct from old.status then
    if not (
      (old.status = 'pending' and new.status = 'cancelled')
      or (old.status = 'accepted' and new.status in ('completed', 'cancelled'))
    ) then
      raise exception 'supplier order % cannot go from % to %', old.order_number, old.status, new.status
        using errcode = 'LLTRN';
    end if;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app_private.tg_supplier_orders__workflow() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_supplier_orders__workflow(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_supplier_orders__workflow() FROM PUBLIC;

--
-- Name: tg_users__access_revoked(); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.tg_users__access_revoked() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'app_private', 'pg_temp'
    AS $$
begin
  if tg_table_name = 'users' then
    perform app_private.publish('access', new.id);
  else
    perform app_private.publish('access', old.user_id);
  end if;
  return null;
end;
$$;


ALTER FUNCTION app_private.tg_users__access_revoked() OWNER TO loomline_owner;

--
-- Name: FUNCTION tg_users__access_revoked(); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.tg_users__access_revoked() FROM PUBLIC;

--
-- Name: uuid_v5(uuid, text); Type: FUNCTION; Schema: app_private; Owner: loomline_owner
--

CREATE FUNCTION app_private.uuid_v5(namespace uuid, name text) RETURNS uuid
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  hash bytea := substring(public.digest(uuid_send(namespace) || convert_to(name, 'UTF8'), 'sha1') from 1 for 16);
begin
  hash := set_byte(hash, 6, (get_byte(hash, 6) & 15) | 80);   -- version 5
  hash := set_byte(hash, 8, (get_byte(hash, 8) & 63) | 128);  -- RFC 4122 variant
  return encode(hash, 'hex')::uuid;
end;
$$;


ALTER FUNCTION app_private.uuid_v5(namespace uuid, name text) OWNER TO loomline_owner;

--
-- Name: FUNCTION uuid_v5(namespace uuid, name text); Type: ACL; Schema: app_private; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app_private.uuid_v5(namespace uuid, name text) FROM PUBLIC;

-- =============================================================================
-- Tables: columns, constraints, foreign keys, indexes, triggers, row level security, policies, grants
-- =============================================================================

-- -----------------------------------------------------------------------------
-- table app_private.auth_secret

--
-- Name: auth_secret; Type: TABLE; Schema: app_private; Owner: loomline_owner
--

CREATE TABLE app_private.auth_secret (
    id boolean DEFAULT true NOT NULL,
    hmac_key bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT auth_secret_hmac_key_check CHECK ((octet_length(hmac_key) = 32)),
    CONSTRAINT auth_secret_id_check CHECK (id)
);

ALTER TABLE ONLY app_private.auth_secret FORCE ROW LEVEL SECURITY;


ALTER TABLE app_private.auth_secret OWNER TO loomline_owner;

--
-- Name: auth_secret auth_secret_pkey; Type: CONSTRAINT; Schema: app_private; Owner: loomline_owner
--

ALTER TABLE ONLY app_private.auth_secret
    ADD CONSTRAINT auth_secret_pkey PRIMARY KEY (id);

--
-- Name: auth_secret; Type: ROW SECURITY; Schema: app_private; Owner: loomline_owner
--

ALTER TABLE app_private.auth_secret ENABLE ROW LEVEL SECURITY;

-- -----------------------------------------------------------------------------
-- table app_private.claims_key

--
-- Name: claims_key; Type: TABLE; Schema: app_private; Owner: loomline_owner
--

CREATE TABLE app_private.claims_key (
    id boolean DEFAULT true NOT NULL,
    key bytea NOT NULL,
    CONSTRAINT claims_key_id_check CHECK (id),
    CONSTRAINT claims_key_key_check CHECK ((octet_length(key) >= 32))
);

ALTER TABLE ONLY app_private.claims_key FORCE ROW LEVEL SECURITY;


ALTER TABLE app_private.claims_key OWNER TO loomline_owner;

--
-- Name: claims_key claims_key_pkey; Type: CONSTRAINT; Schema: app_private; Owner: loomline_owner
--

ALTER TABLE ONLY app_private.claims_key
    ADD CONSTRAINT claims_key_pkey PRIMARY KEY (id);

--
-- Name: claims_key; Type: ROW SECURITY; Schema: app_private; Owner: loomline_owner
--

ALTER TABLE app_private.claims_key ENABLE ROW LEVEL SECURITY;

-- -----------------------------------------------------------------------------
-- table app_private.schema_migrations

--
-- Name: schema_migrations; Type: TABLE; Schema: app_private; Owner: postgres
--

CREATE TABLE app_private.schema_migrations (
    version bigint NOT NULL,
    name text,
    md5 text,
    run_at timestamp with time zone
);


ALTER TABLE app_private.schema_migrations OWNER TO postgres;

--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: app_private; Owner: postgres
--

ALTER TABLE ONLY app_private.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

--
-- Name: TABLE schema_migrations; Type: ACL; Schema: app_private; Owner: postgres
--

GRANT SELECT ON TABLE app_private.schema_migrations TO loomline_api;

-- -----------------------------------------------------------------------------
-- table public.api_keys

--
-- Name: api_keys; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.api_keys (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    name text NOT NULL,
    prefix text NOT NULL,
    key_hash text NOT NULL,
    scopes text[] DEFAULT '{}'::text[] NOT NULL,
    last_used_at timestamp with time zone,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT api_keys_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100)))
);

ALTER TABLE ONLY public.api_keys FORCE ROW LEVEL SECURITY;


ALTER TABLE public.api_keys OWNER TO loomline_owner;

--
-- Name: api_keys api_keys_key_hash_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash);

--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id);

--
-- Name: api_keys api_keys_prefix_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_prefix_key UNIQUE (prefix);

--
-- Name: api_keys api_keys_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: api_keys_user_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX api_keys_user_id_idx ON public.api_keys USING btree (user_id);

--
-- Name: api_keys _010_revocation_is_final; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_revocation_is_final BEFORE UPDATE OF revoked_at ON public.api_keys FOR EACH ROW WHEN (((old.revoked_at IS NOT NULL) AND (new.revoked_at IS DISTINCT FROM old.revoked_at))) EXECUTE FUNCTION app_private.tg__revocation_is_final();

--
-- Name: api_keys _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.api_keys FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: api_keys _900_audit; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE ON public.api_keys FOR EACH ROW EXECUTE FUNCTION app_private.tg__audit('key_hash');

--
-- Name: api_keys _900_audit_update; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit_update AFTER UPDATE ON public.api_keys FOR EACH ROW WHEN (((to_jsonb(old.*) - '{last_used_at,updated_at}'::text[]) IS DISTINCT FROM (to_jsonb(new.*) - '{last_used_at,updated_at}'::text[]))) EXECUTE FUNCTION app_private.tg__audit('key_hash');

--
-- Name: api_keys; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.api_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: api_keys select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.api_keys FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: api_keys select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.api_keys FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: api_keys update_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_admin ON public.api_keys FOR UPDATE TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: COLUMN api_keys.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(id) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.user_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(user_id) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.name; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(name) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.prefix; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(prefix) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.scopes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(scopes) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.last_used_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(last_used_at) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.expires_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(expires_at) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.revoked_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(revoked_at),UPDATE(revoked_at) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_at) ON TABLE public.api_keys TO authenticated;

--
-- Name: COLUMN api_keys.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(updated_at) ON TABLE public.api_keys TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.api_usage

--
-- Name: api_usage; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.api_usage (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    api_key_id uuid,
    user_id uuid,
    operation_name text,
    status text NOT NULL,
    duration_ms integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT api_usage_duration_ms_check CHECK ((duration_ms >= 0))
);

ALTER TABLE ONLY public.api_usage FORCE ROW LEVEL SECURITY;


ALTER TABLE public.api_usage OWNER TO loomline_owner;

--
-- Name: api_usage api_usage_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.api_usage
    ADD CONSTRAINT api_usage_pkey PRIMARY KEY (id);

--
-- Name: api_usage api_usage_api_key_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.api_usage
    ADD CONSTRAINT api_usage_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES public.api_keys(id) ON DELETE SET NULL;

--
-- Name: api_usage api_usage_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.api_usage
    ADD CONSTRAINT api_usage_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: api_usage_api_key_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX api_usage_api_key_id_idx ON public.api_usage USING btree (api_key_id);

--
-- Name: api_usage_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX api_usage_created_at_idx ON public.api_usage USING btree (created_at);

--
-- Name: api_usage_user_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX api_usage_user_id_idx ON public.api_usage USING btree (user_id);

--
-- Name: api_usage _010_append_only; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_append_only BEFORE UPDATE ON public.api_usage FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only('api_key_id', 'user_id');

--
-- Name: api_usage _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.api_usage FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: api_usage; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.api_usage ENABLE ROW LEVEL SECURITY;

--
-- Name: api_usage select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.api_usage FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: api_usage select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.api_usage FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE api_usage; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.api_usage TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.audit_log

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.audit_log (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    actor_id uuid,
    actor_role text,
    action text NOT NULL,
    table_name text NOT NULL,
    record_id uuid,
    old_data jsonb,
    new_data jsonb,
    request_id text,
    ip inet,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    client_request_id text,
    auth_method text,
    api_key_id uuid,
    actor_roles text[],
    CONSTRAINT audit_log_action_check CHECK ((action ~ '^[a-z][a-z_]*$'::text))
);

ALTER TABLE ONLY public.audit_log FORCE ROW LEVEL SECURITY;


ALTER TABLE public.audit_log OWNER TO loomline_owner;

--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

--
-- Name: audit_log_actor_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX audit_log_actor_id_idx ON public.audit_log USING btree (actor_id);

--
-- Name: audit_log_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX audit_log_created_at_idx ON public.audit_log USING btree (created_at);

--
-- Name: audit_log_table_name_record_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX audit_log_table_name_record_id_idx ON public.audit_log USING btree (table_name, record_id);

--
-- Name: audit_log _010_append_only; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_append_only BEFORE UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

--
-- Name: audit_log _010_no_truncate; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_audit_log__retention();

--
-- Name: audit_log _010_retention; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_retention BEFORE DELETE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION app_private.tg_audit_log__retention();

--
-- Name: audit_log _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: audit_log; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.audit_log ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_log select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.audit_log FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: TABLE audit_log; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.audit_log TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.capacity_utilization_logs

--
-- Name: capacity_utilization_logs; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.capacity_utilization_logs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    supplier_id uuid NOT NULL,
    date date NOT NULL,
    utilization_pct numeric(5,2) NOT NULL,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT capacity_utilization_logs_utilization_pct_check CHECK (((utilization_pct >= (0)::numeric) AND (utilization_pct <= (100)::numeric)))
);

ALTER TABLE ONLY public.capacity_utilization_logs FORCE ROW LEVEL SECURITY;


ALTER TABLE public.capacity_utilization_logs OWNER TO loomline_owner;

--
-- Name: capacity_utilization_logs capacity_utilization_logs_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.capacity_utilization_logs
    ADD CONSTRAINT capacity_utilization_logs_pkey PRIMARY KEY (id);

--
-- Name: capacity_utilization_logs capacity_utilization_logs_supplier_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.capacity_utilization_logs
    ADD CONSTRAINT capacity_utilization_logs_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES public.suppliers(id) ON DELETE CASCADE;

--
-- Name: capacity_utilization_logs_supplier_id_date_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX capacity_utilization_logs_supplier_id_date_idx ON public.capacity_utilization_logs USING btree (supplier_id, date);

--
-- Name: capacity_utilization_logs _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.capacity_utilization_logs FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: capacity_utilization_logs _010_append_only; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_append_only BEFORE UPDATE ON public.capacity_utilization_logs FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

--
-- Name: capacity_utilization_logs _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.capacity_utilization_logs FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: capacity_utilization_logs; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.capacity_utilization_logs ENABLE ROW LEVEL SECURITY;

--
-- Name: capacity_utilization_logs insert_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_admin ON public.capacity_utilization_logs FOR INSERT TO authenticated WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: capacity_utilization_logs insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.capacity_utilization_logs FOR INSERT TO authenticated WITH CHECK ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: capacity_utilization_logs select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.capacity_utilization_logs FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: capacity_utilization_logs select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.capacity_utilization_logs FOR SELECT TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: TABLE capacity_utilization_logs; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.capacity_utilization_logs TO authenticated;

--
-- Name: COLUMN capacity_utilization_logs.supplier_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(supplier_id) ON TABLE public.capacity_utilization_logs TO authenticated;

--
-- Name: COLUMN capacity_utilization_logs.date; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(date) ON TABLE public.capacity_utilization_logs TO authenticated;

--
-- Name: COLUMN capacity_utilization_logs.utilization_pct; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(utilization_pct) ON TABLE public.capacity_utilization_logs TO authenticated;

--
-- Name: COLUMN capacity_utilization_logs.note; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(note) ON TABLE public.capacity_utilization_logs TO authenticated;

--
-- Name: COLUMN capacity_utilization_logs.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.capacity_utilization_logs TO authenticated;

--
-- Name: COLUMN capacity_utilization_logs.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.capacity_utilization_logs TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.designs

--
-- Name: designs; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.designs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    owner_id uuid NOT NULL,
    title text NOT NULL,
    description text,
    customization jsonb DEFAULT '{}'::jsonb NOT NULL,
    image_urls text[] DEFAULT '{}'::text[] NOT NULL,
    is_public boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT designs_image_urls_check CHECK (app_private.are_http_urls(image_urls)),
    CONSTRAINT designs_title_check CHECK (((length(title) >= 1) AND (length(title) <= 200)))
);

ALTER TABLE ONLY public.designs FORCE ROW LEVEL SECURITY;


ALTER TABLE public.designs OWNER TO loomline_owner;

--
-- Name: designs designs_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.designs
    ADD CONSTRAINT designs_pkey PRIMARY KEY (id);

--
-- Name: designs designs_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.designs
    ADD CONSTRAINT designs_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: designs_is_public_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX designs_is_public_idx ON public.designs USING btree (is_public, created_at DESC) WHERE is_public;

--
-- Name: designs_owner_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX designs_owner_id_idx ON public.designs USING btree (owner_id);

--
-- Name: designs _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.designs FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: designs _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.designs FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: designs; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.designs ENABLE ROW LEVEL SECURITY;

--
-- Name: designs all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.designs TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: designs delete_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY delete_own ON public.designs FOR DELETE TO authenticated USING ((owner_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: designs insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.designs FOR INSERT TO authenticated WITH CHECK ((owner_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: designs select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.designs FOR SELECT TO authenticated USING ((owner_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: designs select_public; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_public ON public.designs FOR SELECT TO authenticated USING (is_public);

--
-- Name: designs update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.designs FOR UPDATE TO authenticated USING ((owner_id = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((owner_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE designs; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT,DELETE ON TABLE public.designs TO authenticated;

--
-- Name: COLUMN designs.owner_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(owner_id) ON TABLE public.designs TO authenticated;

--
-- Name: COLUMN designs.title; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(title),UPDATE(title) ON TABLE public.designs TO authenticated;

--
-- Name: COLUMN designs.description; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE public.designs TO authenticated;

--
-- Name: COLUMN designs.customization; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(customization),UPDATE(customization) ON TABLE public.designs TO authenticated;

--
-- Name: COLUMN designs.image_urls; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(image_urls),UPDATE(image_urls) ON TABLE public.designs TO authenticated;

--
-- Name: COLUMN designs.is_public; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(is_public),UPDATE(is_public) ON TABLE public.designs TO authenticated;

--
-- Name: COLUMN designs.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.designs TO authenticated;

--
-- Name: COLUMN designs.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.designs TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.events

--
-- Name: events; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.events (
    id bigint NOT NULL,
    xid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    topic public.event_topic NOT NULL,
    kind text NOT NULL,
    entity_id uuid NOT NULL,
    order_id uuid,
    supplier_order_id uuid,
    buyer_id uuid,
    supplier_ids uuid[] DEFAULT '{}'::uuid[] NOT NULL,
    user_id uuid,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.events FORCE ROW LEVEL SECURITY;


ALTER TABLE public.events OWNER TO loomline_owner;

--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);

--
-- Name: events_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX events_created_at_idx ON public.events USING brin (created_at);

--
-- Name: events_xid_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX events_xid_idx ON public.events USING btree (xid);

--
-- Name: events _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.events FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: events; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;

--
-- Name: TABLE events; Type: COMMENT; Schema: public; Owner: loomline_owner
--

COMMENT ON TABLE public.events IS 'Realtime event log: written by triggers in the writing transaction, read by snapshot interval (commit order); pruned after the retention period.';

-- -----------------------------------------------------------------------------
-- table public.factory_capacity

--
-- Name: factory_capacity; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.factory_capacity (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    supplier_id uuid NOT NULL,
    date date NOT NULL,
    capacity_units integer NOT NULL,
    booked_units integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT factory_capacity_booked_units_check CHECK ((booked_units >= 0)),
    CONSTRAINT factory_capacity_capacity_units_check CHECK ((capacity_units >= 0))
);

ALTER TABLE ONLY public.factory_capacity FORCE ROW LEVEL SECURITY;


ALTER TABLE public.factory_capacity OWNER TO loomline_owner;

--
-- Name: factory_capacity factory_capacity_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.factory_capacity
    ADD CONSTRAINT factory_capacity_pkey PRIMARY KEY (id);

--
-- Name: factory_capacity factory_capacity_supplier_id_date_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.factory_capacity
    ADD CONSTRAINT factory_capacity_supplier_id_date_key UNIQUE (supplier_id, date);

--
-- Name: factory_capacity factory_capacity_supplier_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.factory_capacity
    ADD CONSTRAINT factory_capacity_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES public.suppliers(id) ON DELETE CASCADE;

--
-- Name: factory_capacity _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.factory_capacity FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: factory_capacity _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.factory_capacity FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: factory_capacity; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.factory_capacity ENABLE ROW LEVEL SECURITY;

--
-- Name: factory_capacity all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.factory_capacity TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: factory_capacity delete_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY delete_own ON public.factory_capacity FOR DELETE TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: factory_capacity insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.factory_capacity FOR INSERT TO authenticated WITH CHECK ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: factory_capacity select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.factory_capacity FOR SELECT TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: factory_capacity update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.factory_capacity FOR UPDATE TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id))) WITH CHECK ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: TABLE factory_capacity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT,DELETE ON TABLE public.factory_capacity TO authenticated;

--
-- Name: COLUMN factory_capacity.supplier_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(supplier_id) ON TABLE public.factory_capacity TO authenticated;

--
-- Name: COLUMN factory_capacity.date; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(date) ON TABLE public.factory_capacity TO authenticated;

--
-- Name: COLUMN factory_capacity.capacity_units; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(capacity_units),UPDATE(capacity_units) ON TABLE public.factory_capacity TO authenticated;

--
-- Name: COLUMN factory_capacity.booked_units; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(booked_units),UPDATE(booked_units) ON TABLE public.factory_capacity TO authenticated;

--
-- Name: COLUMN factory_capacity.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.factory_capacity TO authenticated;

--
-- Name: COLUMN factory_capacity.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.factory_capacity TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.feedback

--
-- Name: feedback; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.feedback (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid,
    message text NOT NULL,
    feedback_type public.feedback_type DEFAULT 'general'::public.feedback_type NOT NULL,
    priority public.feedback_priority DEFAULT 'medium'::public.feedback_priority NOT NULL,
    status public.feedback_status DEFAULT 'open'::public.feedback_status NOT NULL,
    contact_email public.citext,
    admin_response text,
    responded_by uuid,
    responded_at timestamp with time zone,
    rating smallint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT feedback_contact_email_check CHECK (app_private.is_email((contact_email)::text)),
    CONSTRAINT feedback_message_check CHECK (((length(message) >= 1) AND (length(message) <= 10000))),
    CONSTRAINT feedback_rating_check CHECK (((rating >= 1) AND (rating <= 5)))
);

ALTER TABLE ONLY public.feedback FORCE ROW LEVEL SECURITY;


ALTER TABLE public.feedback OWNER TO loomline_owner;

--
-- Name: feedback feedback_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.feedback
    ADD CONSTRAINT feedback_pkey PRIMARY KEY (id);

--
-- Name: feedback feedback_responded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.feedback
    ADD CONSTRAINT feedback_responded_by_fkey FOREIGN KEY (responded_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: feedback feedback_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.feedback
    ADD CONSTRAINT feedback_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: feedback_responded_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX feedback_responded_by_idx ON public.feedback USING btree (responded_by);

--
-- Name: feedback_status_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX feedback_status_idx ON public.feedback USING btree (status);

--
-- Name: feedback_user_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX feedback_user_id_idx ON public.feedback USING btree (user_id);

--
-- Name: feedback _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.feedback FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: feedback _002_admin_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _002_admin_defaults BEFORE INSERT ON public.feedback FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('admin', 'priority', 'status');

--
-- Name: feedback _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.feedback FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: feedback; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.feedback ENABLE ROW LEVEL SECURITY;

--
-- Name: feedback all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.feedback TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: feedback insert_anonymous; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_anonymous ON public.feedback FOR INSERT TO anonymous WITH CHECK ((user_id IS NULL));

--
-- Name: feedback insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.feedback FOR INSERT TO authenticated WITH CHECK ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: feedback select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.feedback FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE feedback; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(id) ON TABLE public.feedback TO anonymous;
GRANT INSERT(id) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.user_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(user_id) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.message; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(message) ON TABLE public.feedback TO anonymous;
GRANT INSERT(message) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.feedback_type; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(feedback_type) ON TABLE public.feedback TO anonymous;
GRANT INSERT(feedback_type) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.priority; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(priority) ON TABLE public.feedback TO anonymous;
GRANT INSERT(priority),UPDATE(priority) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(status) ON TABLE public.feedback TO anonymous;
GRANT INSERT(status),UPDATE(status) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.contact_email; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(contact_email) ON TABLE public.feedback TO anonymous;
GRANT INSERT(contact_email) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.admin_response; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(admin_response) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.responded_by; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(responded_by) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.responded_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(responded_at) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.rating; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(rating) ON TABLE public.feedback TO anonymous;
GRANT INSERT(rating) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.feedback TO anonymous;
GRANT INSERT(created_at) ON TABLE public.feedback TO authenticated;

--
-- Name: COLUMN feedback.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.feedback TO anonymous;
GRANT INSERT(updated_at) ON TABLE public.feedback TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.marketplace_products

--
-- Name: marketplace_products; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.marketplace_products (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    supplier_id uuid NOT NULL,
    product_type text NOT NULL,
    title text NOT NULL,
    description text,
    category text NOT NULL,
    subcategory text,
    slug text NOT NULL,
    base_price numeric(12,2) NOT NULL,
    platform_fee_percentage numeric(5,2) DEFAULT 10.00 NOT NULL,
    stock_quantity integer DEFAULT 0 NOT NULL,
    reserved_quantity integer DEFAULT 0 NOT NULL,
    moq integer DEFAULT 1 NOT NULL,
    unit text DEFAULT 'pieces'::text NOT NULL,
    images text[] DEFAULT '{}'::text[] NOT NULL,
    primary_image text,
    video_url text,
    sizes text[] DEFAULT '{}'::text[] NOT NULL,
    colors text[] DEFAULT '{}'::text[] NOT NULL,
    material text,
    gsm integer,
    fabric_composition text,
    attributes jsonb DEFAULT '{}'::jsonb NOT NULL,
    lead_time_days integer,
    shipping_from text,
    shipping_weight_kg numeric(8,3),
    status public.listing_status DEFAULT 'draft'::public.listing_status NOT NULL,
    rejection_reason text,
    admin_feedback text,
    quality_score integer,
    approval_date timestamp with time zone,
    approved_by uuid,
    views integer DEFAULT 0 NOT NULL,
    inquiries integer DEFAULT 0 NOT NULL,
    sales integer DEFAULT 0 NOT NULL,
    rating numeric(3,2),
    meta_keywords text[] DEFAULT '{}'::text[] NOT NULL,
    meta_description text,
    is_featured boolean DEFAULT false NOT NULL,
    featured_until timestamp with time zone,
    published_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    platform_fee_amount numeric(12,2) GENERATED ALWAYS AS (round(((base_price * platform_fee_percentage) / (100)::numeric), 2)) STORED NOT NULL,
    final_price numeric(12,2) GENERATED ALWAYS AS ((base_price + round(((base_price * platform_fee_percentage) / (100)::numeric), 2))) STORED NOT NULL,
    available_quantity integer GENERATED ALWAYS AS ((stock_quantity - reserved_quantity)) STORED NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (((setweight(to_tsvector('english'::regconfig, COALESCE(title, ''::text)), 'A'::"char") || setweight(to_tsvector('english'::regconfig, ((COALESCE(category, ''::text) || ' '::text) || COALESCE(material, ''::text))), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, COALESCE(description, ''::text)), 'C'::"char"))) STORED,
    CONSTRAINT marketplace_products_attributes_check CHECK ((jsonb_typeof(attributes) = 'object'::text)),
    CONSTRAINT marketplace_products_base_price_check CHECK ((base_price > (0)::numeric)),
    CONSTRAINT marketplace_products_gsm_check CHECK ((gsm > 0)),
    CONSTRAINT marketplace_products_images_check CHECK (app_private.are_http_urls(images)),
    CONSTRAINT marketplace_products_inquiries_check CHECK ((inquiries >= 0)),
    CONSTRAINT marketplace_products_lead_time_days_check CHECK ((lead_time_days >= 0)),
    CONSTRAINT marketplace_products_moq_check CHECK ((moq >= 1)),
    CONSTRAINT marketplace_products_platform_fee_percentage_check CHECK (((platform_fee_percentage >= (0)::numeric) AND (platform_fee_percentage <= (100)::numeric))),
    CONSTRAINT marketplace_products_primary_image_check CHECK (app_private.is_http_url(primary_image)),
    CONSTRAINT marketplace_products_quality_score_check CHECK (((quality_score >= 0) AND (quality_score <= 100))),
    CONSTRAINT marketplace_products_rating_check CHECK (((rating >= (0)::numeric) AND (rating <= (5)::numeric))),
    CONSTRAINT marketplace_products_rejection_reason_check CHECK (((status <> 'rejected'::public.listing_status) OR (rejection_reason IS NOT NULL))),
    CONSTRAINT marketplace_products_reserved_quantity_check CHECK (((reserved_quantity >= 0) AND (reserved_quantity <= stock_quantity))),
    CONSTRAINT marketplace_products_sales_check CHECK ((sales >= 0)),
    CONSTRAINT marketplace_products_shipping_weight_kg_check CHECK ((shipping_weight_kg > (0)::numeric)),
    CONSTRAINT marketplace_products_slug_check CHECK (((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text) AND (length(slug) <= 160))),
    CONSTRAINT marketplace_products_stock_quantity_check CHECK ((stock_quantity >= 0)),
    CONSTRAINT marketplace_products_title_check CHECK (((length(title) >= 1) AND (length(title) <= 200))),
    CONSTRAINT marketplace_products_video_url_check CHECK (app_private.is_http_url(video_url)),
    CONSTRAINT marketplace_products_views_check CHECK ((views >= 0))
);

ALTER TABLE ONLY public.marketplace_products FORCE ROW LEVEL SECURITY;


ALTER TABLE public.marketplace_products OWNER TO loomline_owner;

--
-- Name: marketplace_products marketplace_products_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.marketplace_products
    ADD CONSTRAINT marketplace_products_pkey PRIMARY KEY (id);

--
-- Name: marketplace_products marketplace_products_slug_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.marketplace_products
    ADD CONSTRAINT marketplace_products_slug_key UNIQUE (slug);

--
-- Name: marketplace_products marketplace_products_approved_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.marketplace_products
    ADD CONSTRAINT marketplace_products_approved_by_fkey FOREIGN KEY (approved_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: marketplace_products marketplace_products_supplier_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.marketplace_products
    ADD CONSTRAINT marketplace_products_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES public.suppliers(id) ON DELETE CASCADE;

--
-- Name: marketplace_products_approved_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_approved_by_idx ON public.marketplace_products USING btree (approved_by);

--
-- Name: marketplace_products_approved_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_approved_idx ON public.marketplace_products USING btree (approval_date DESC, id) WHERE (status = 'approved'::public.listing_status);

--
-- Name: marketplace_products_attributes_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_attributes_idx ON public.marketplace_products USING gin (attributes);

--
-- Name: marketplace_products_category_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_category_idx ON public.marketplace_products USING btree (category);

--
-- Name: marketplace_products_colors_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_colors_idx ON public.marketplace_products USING gin (colors);

--
-- Name: marketplace_products_featured_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_featured_idx ON public.marketplace_products USING btree (featured_until) WHERE is_featured;

--
-- Name: marketplace_products_search_vector_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_search_vector_idx ON public.marketplace_products USING gin (search_vector);

--
-- Name: marketplace_products_sizes_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_sizes_idx ON public.marketplace_products USING gin (sizes);

--
-- Name: marketplace_products_status_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_status_idx ON public.marketplace_products USING btree (status);

--
-- Name: marketplace_products_supplier_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX marketplace_products_supplier_id_idx ON public.marketplace_products USING btree (supplier_id);

--
-- Name: marketplace_products _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.marketplace_products FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server', 'reserved_quantity', 'views', 'inquiries', 'sales');

--
-- Name: marketplace_products _002_admin_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _002_admin_defaults BEFORE INSERT ON public.marketplace_products FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('admin', 'platform_fee_percentage', 'is_featured');

--
-- Name: marketplace_products _005_admin_only_columns; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_admin_only_columns BEFORE UPDATE OF platform_fee_percentage, rejection_reason, admin_feedback, quality_score, is_featured, featured_until ON public.marketplace_products FOR EACH ROW EXECUTE FUNCTION app_private.tg__admin_only_columns('platform_fee_percentage', 'rejection_reason', 'admin_feedback', 'quality_score', 'is_featured', 'featured_until');

--
-- Name: marketplace_products _005_status_by_supplier; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_status_by_supplier BEFORE UPDATE OF status ON public.marketplace_products FOR EACH ROW EXECUTE FUNCTION app_private.tg__non_admin_transitions('status', 'draft', 'pending_approval', 'archived');

--
-- Name: marketplace_products _050_sold_out; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _050_sold_out BEFORE INSERT OR UPDATE OF status, stock_quantity, reserved_quantity ON public.marketplace_products FOR EACH ROW EXECUTE FUNCTION app_private.tg_marketplace_products__sold_out();

--
-- Name: marketplace_products _060_approval; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _060_approval BEFORE INSERT OR UPDATE OF status ON public.marketplace_products FOR EACH ROW EXECUTE FUNCTION app_private.tg_marketplace_products__approval();

--
-- Name: marketplace_products _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.marketplace_products FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: marketplace_products _600_published; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _600_published AFTER INSERT OR UPDATE OF status ON public.marketplace_products FOR EACH ROW EXECUTE FUNCTION app_private.tg_marketplace_products__published();

--
-- Name: marketplace_products _900_audit_status; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit_status AFTER UPDATE OF status ON public.marketplace_products FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION app_private.tg__audit('search_vector');

--
-- Name: marketplace_products; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.marketplace_products ENABLE ROW LEVEL SECURITY;

--
-- Name: marketplace_products all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.marketplace_products TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: marketplace_products delete_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY delete_own ON public.marketplace_products FOR DELETE TO authenticated USING (((supplier_id = ( SELECT app.current_listing_supplier_id() AS current_listing_supplier_id)) AND (status = ANY (ARRAY['draft'::public.listing_status, 'rejected'::public.listing_status]))));

--
-- Name: marketplace_products insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.marketplace_products FOR INSERT TO authenticated WITH CHECK (((supplier_id = ( SELECT app.current_listing_supplier_id() AS current_listing_supplier_id)) AND (status = ANY (ARRAY['draft'::public.listing_status, 'pending_approval'::public.listing_status]))));

--
-- Name: marketplace_products select_approved; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_approved ON public.marketplace_products FOR SELECT TO anonymous, authenticated USING ((status = 'approved'::public.listing_status));

--
-- Name: marketplace_products select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.marketplace_products FOR SELECT TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: marketplace_products update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.marketplace_products FOR UPDATE TO authenticated USING ((supplier_id = ( SELECT app.current_listing_supplier_id() AS current_listing_supplier_id))) WITH CHECK ((supplier_id = ( SELECT app.current_listing_supplier_id() AS current_listing_supplier_id)));

--
-- Name: TABLE marketplace_products; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.marketplace_products TO anonymous;
GRANT SELECT,DELETE ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.supplier_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(supplier_id),UPDATE(supplier_id) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.product_type; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(product_type),UPDATE(product_type) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.title; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(title),UPDATE(title) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.description; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.category; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(category),UPDATE(category) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.subcategory; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(subcategory),UPDATE(subcategory) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.slug; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(slug),UPDATE(slug) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.base_price; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(base_price),UPDATE(base_price) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.platform_fee_percentage; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(platform_fee_percentage),UPDATE(platform_fee_percentage) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.stock_quantity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(stock_quantity),UPDATE(stock_quantity) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.reserved_quantity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(reserved_quantity) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.moq; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(moq),UPDATE(moq) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.unit; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(unit),UPDATE(unit) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.images; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(images),UPDATE(images) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.primary_image; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(primary_image),UPDATE(primary_image) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.video_url; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(video_url),UPDATE(video_url) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.sizes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(sizes),UPDATE(sizes) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.colors; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(colors),UPDATE(colors) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.material; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(material),UPDATE(material) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.gsm; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(gsm),UPDATE(gsm) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.fabric_composition; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(fabric_composition),UPDATE(fabric_composition) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.attributes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(attributes),UPDATE(attributes) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.lead_time_days; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(lead_time_days),UPDATE(lead_time_days) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.shipping_from; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(shipping_from),UPDATE(shipping_from) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.shipping_weight_kg; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(shipping_weight_kg),UPDATE(shipping_weight_kg) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(status),UPDATE(status) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.rejection_reason; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(rejection_reason) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.admin_feedback; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(admin_feedback) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.quality_score; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(quality_score) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.views; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(views) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.inquiries; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(inquiries) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.sales; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(sales) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.meta_keywords; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(meta_keywords),UPDATE(meta_keywords) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.meta_description; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(meta_description),UPDATE(meta_description) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.is_featured; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(is_featured),UPDATE(is_featured) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.featured_until; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(featured_until) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.marketplace_products TO authenticated;

--
-- Name: COLUMN marketplace_products.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.marketplace_products TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.messages

--
-- Name: messages; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.messages (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    sender_id uuid,
    recipient_id uuid,
    order_id uuid,
    subject text,
    body text NOT NULL,
    attachments text[] DEFAULT '{}'::text[] NOT NULL,
    read_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT messages_attachments_check CHECK (app_private.are_http_urls(attachments)),
    CONSTRAINT messages_body_check CHECK (((length(body) >= 1) AND (length(body) <= 20000))),
    CONSTRAINT messages_subject_check CHECK ((length(subject) <= 200))
);

ALTER TABLE ONLY public.messages FORCE ROW LEVEL SECURITY;


ALTER TABLE public.messages OWNER TO loomline_owner;

--
-- Name: messages messages_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.messages
    ADD CONSTRAINT messages_pkey PRIMARY KEY (id);

--
-- Name: messages messages_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.messages
    ADD CONSTRAINT messages_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE CASCADE;

--
-- Name: messages messages_recipient_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.messages
    ADD CONSTRAINT messages_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: messages messages_sender_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.messages
    ADD CONSTRAINT messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: messages_order_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX messages_order_id_idx ON public.messages USING btree (order_id);

--
-- Name: messages_recipient_id_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX messages_recipient_id_created_at_idx ON public.messages USING btree (recipient_id, created_at);

--
-- Name: messages_sender_id_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX messages_sender_id_created_at_idx ON public.messages USING btree (sender_id, created_at);

--
-- Name: messages _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: messages _030_rules; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _030_rules BEFORE INSERT OR UPDATE ON public.messages FOR EACH ROW EXECUTE FUNCTION app_private.tg_messages__rules();

--
-- Name: messages _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.messages FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: messages _500_delivered; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _500_delivered AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION app_private.tg_messages__delivered();

--
-- Name: messages; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.messages ENABLE ROW LEVEL SECURITY;

--
-- Name: messages insert_sender; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_sender ON public.messages FOR INSERT TO authenticated WITH CHECK (((sender_id = ( SELECT app.current_user_id() AS current_user_id)) AND ((recipient_id IN ( SELECT app.counterparty_user_ids() AS counterparty_user_ids)) OR (recipient_id IN ( SELECT s.user_id
   FROM public.suppliers s)) OR (recipient_id IN ( SELECT app.correspondent_user_ids() AS correspondent_user_ids)) OR ( SELECT app.is_admin() AS is_admin))));

--
-- Name: messages select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.messages FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: messages select_party; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_party ON public.messages FOR SELECT TO authenticated USING (((sender_id = ( SELECT app.current_user_id() AS current_user_id)) OR (recipient_id = ( SELECT app.current_user_id() AS current_user_id))));

--
-- Name: messages update_recipient; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_recipient ON public.messages FOR UPDATE TO authenticated USING ((recipient_id = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((recipient_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE messages; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.sender_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(sender_id) ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.recipient_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(recipient_id) ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.order_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(order_id) ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.subject; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(subject) ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.body; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(body) ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.attachments; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(attachments) ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.read_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(read_at) ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.messages TO authenticated;

--
-- Name: COLUMN messages.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.messages TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.notifications

--
-- Name: notifications; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.notifications (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    type public.notification_type NOT NULL,
    title text NOT NULL,
    body text,
    data jsonb DEFAULT '{}'::jsonb NOT NULL,
    read_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.notifications FORCE ROW LEVEL SECURITY;


ALTER TABLE public.notifications OWNER TO loomline_owner;

--
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);

--
-- Name: notifications notifications_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: notifications_unread_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX notifications_unread_idx ON public.notifications USING btree (user_id, created_at DESC) WHERE (read_at IS NULL);

--
-- Name: notifications_user_id_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX notifications_user_id_created_at_idx ON public.notifications USING btree (user_id, created_at);

--
-- Name: notifications _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.notifications FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: notifications _500_publish; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _500_publish AFTER INSERT ON public.notifications FOR EACH ROW EXECUTE FUNCTION app_private.tg_notifications__publish();

--
-- Name: notifications; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;

--
-- Name: notifications select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.notifications FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: notifications select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.notifications FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: notifications update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.notifications FOR UPDATE TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE notifications; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.notifications TO authenticated;

--
-- Name: COLUMN notifications.read_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(read_at) ON TABLE public.notifications TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.order_items

--
-- Name: order_items; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.order_items (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    order_id uuid NOT NULL,
    marketplace_product_id uuid,
    design_id uuid,
    description text NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(12,2) NOT NULL,
    customization jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    line_total numeric(14,2) GENERATED ALWAYS AS (((quantity)::numeric * unit_price)) STORED NOT NULL,
    CONSTRAINT order_items_quantity_check CHECK ((quantity > 0)),
    CONSTRAINT order_items_unit_price_check CHECK ((unit_price >= (0)::numeric))
);

ALTER TABLE ONLY public.order_items FORCE ROW LEVEL SECURITY;


ALTER TABLE public.order_items OWNER TO loomline_owner;

--
-- Name: order_items order_items_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_pkey PRIMARY KEY (id);

--
-- Name: order_items order_items_design_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_design_id_fkey FOREIGN KEY (design_id) REFERENCES public.designs(id) ON DELETE SET NULL;

--
-- Name: order_items order_items_marketplace_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_marketplace_product_id_fkey FOREIGN KEY (marketplace_product_id) REFERENCES public.marketplace_products(id) ON DELETE SET NULL;

--
-- Name: order_items order_items_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE CASCADE;

--
-- Name: order_items_design_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX order_items_design_id_idx ON public.order_items USING btree (design_id);

--
-- Name: order_items_marketplace_product_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX order_items_marketplace_product_id_idx ON public.order_items USING btree (marketplace_product_id);

--
-- Name: order_items_order_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX order_items_order_id_idx ON public.order_items USING btree (order_id);

--
-- Name: order_items _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.order_items FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: order_items _010_price; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_price BEFORE INSERT OR UPDATE OF unit_price, marketplace_product_id ON public.order_items FOR EACH ROW EXECUTE FUNCTION app_private.tg_order_items__price();

--
-- Name: order_items _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.order_items FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: order_items _300_order_total_delete; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _300_order_total_delete AFTER DELETE ON public.order_items REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_order_items__order_total();

--
-- Name: order_items _300_order_total_insert; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _300_order_total_insert AFTER INSERT ON public.order_items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_order_items__order_total();

--
-- Name: order_items _300_order_total_update; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _300_order_total_update AFTER UPDATE ON public.order_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_order_items__order_total();

--
-- Name: order_items; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.order_items ENABLE ROW LEVEL SECURITY;

--
-- Name: order_items all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.order_items TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: order_items insert_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_buyer ON public.order_items FOR INSERT TO authenticated WITH CHECK (((order_id IN ( SELECT app.orders_as_buyer() AS orders_as_buyer)) AND (order_id IN ( SELECT o.id
   FROM public.orders o
  WHERE (o.status = ANY (ARRAY['draft'::public.order_status, 'submitted'::public.order_status])))) AND ((marketplace_product_id IS NULL) OR (marketplace_product_id IN ( SELECT mp.id
   FROM public.marketplace_products mp))) AND ((design_id IS NULL) OR (design_id IN ( SELECT d.id
   FROM public.designs d)))));

--
-- Name: order_items select_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_buyer ON public.order_items FOR SELECT TO authenticated USING ((order_id IN ( SELECT app.orders_as_buyer() AS orders_as_buyer)));

--
-- Name: TABLE order_items; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT,DELETE ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.order_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(order_id) ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.marketplace_product_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(marketplace_product_id) ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.design_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(design_id) ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.description; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.quantity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(quantity),UPDATE(quantity) ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.unit_price; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(unit_price),UPDATE(unit_price) ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.customization; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(customization),UPDATE(customization) ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.order_items TO authenticated;

--
-- Name: COLUMN order_items.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.order_items TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.order_status_history

--
-- Name: order_status_history; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.order_status_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    order_id uuid NOT NULL,
    from_status public.order_status,
    to_status public.order_status NOT NULL,
    changed_by uuid,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.order_status_history FORCE ROW LEVEL SECURITY;


ALTER TABLE public.order_status_history OWNER TO loomline_owner;

--
-- Name: order_status_history order_status_history_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.order_status_history
    ADD CONSTRAINT order_status_history_pkey PRIMARY KEY (id);

--
-- Name: order_status_history order_status_history_changed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.order_status_history
    ADD CONSTRAINT order_status_history_changed_by_fkey FOREIGN KEY (changed_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: order_status_history order_status_history_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.order_status_history
    ADD CONSTRAINT order_status_history_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE CASCADE;

--
-- Name: order_status_history_changed_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX order_status_history_changed_by_idx ON public.order_status_history USING btree (changed_by);

--
-- Name: order_status_history_order_id_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX order_status_history_order_id_created_at_idx ON public.order_status_history USING btree (order_id, created_at);

--
-- Name: order_status_history _010_append_only; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_append_only BEFORE UPDATE ON public.order_status_history FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only('changed_by');

--
-- Name: order_status_history _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.order_status_history FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: order_status_history; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.order_status_history ENABLE ROW LEVEL SECURITY;

--
-- Name: order_status_history select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.order_status_history FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: order_status_history select_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_buyer ON public.order_status_history FOR SELECT TO authenticated USING ((order_id IN ( SELECT app.orders_as_buyer() AS orders_as_buyer)));

--
-- Name: order_status_history select_supplier; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_supplier ON public.order_status_history FOR SELECT TO authenticated USING ((order_id IN ( SELECT app.orders_as_supplier() AS orders_as_supplier)));

--
-- Name: TABLE order_status_history; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.order_status_history TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.orders

--
-- Name: orders; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.orders (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    order_number text DEFAULT app.next_order_number() NOT NULL,
    buyer_id uuid,
    supplier_id uuid,
    quote_id uuid,
    product_type text NOT NULL,
    quantity integer NOT NULL,
    status public.order_status DEFAULT 'draft'::public.order_status NOT NULL,
    payment_status public.payment_status DEFAULT 'unpaid'::public.payment_status NOT NULL,
    target_date date,
    expected_delivery_date date,
    actual_delivery_date date,
    notes text,
    cancellation_reason text,
    current_stage integer,
    stage_progress jsonb DEFAULT '{}'::jsonb NOT NULL,
    tracking_token text DEFAULT app.new_tracking_token() NOT NULL,
    total_amount numeric(12,2) DEFAULT 0 NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT orders_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT orders_current_stage_check CHECK (((current_stage >= 1) AND (current_stage <= 8))),
    CONSTRAINT orders_quantity_check CHECK ((quantity > 0)),
    CONSTRAINT orders_stage_progress_check CHECK ((jsonb_typeof(stage_progress) = 'object'::text)),
    CONSTRAINT orders_target_date_check CHECK ((target_date <= expected_delivery_date)),
    CONSTRAINT orders_total_amount_check CHECK ((total_amount >= (0)::numeric)),
    CONSTRAINT orders_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY public.orders FORCE ROW LEVEL SECURITY;


ALTER TABLE public.orders OWNER TO loomline_owner;

--
-- Name: orders orders_order_number_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_order_number_key UNIQUE (order_number);

--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);

--
-- Name: orders orders_tracking_token_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_tracking_token_key UNIQUE (tracking_token);

--
-- Name: orders orders_buyer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_buyer_id_fkey FOREIGN KEY (buyer_id) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: orders orders_quote_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_quote_id_fkey FOREIGN KEY (quote_id) REFERENCES public.quotes(id) ON DELETE SET NULL;

--
-- Name: orders orders_supplier_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES public.suppliers(id) ON DELETE SET NULL;

--
-- Name: orders_buyer_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX orders_buyer_id_idx ON public.orders USING btree (buyer_id);

--
-- Name: orders_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX orders_created_at_idx ON public.orders USING btree (created_at);

--
-- Name: orders_quote_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX orders_quote_id_idx ON public.orders USING btree (quote_id);

--
-- Name: orders_status_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX orders_status_idx ON public.orders USING btree (status);

--
-- Name: orders_supplier_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX orders_supplier_id_idx ON public.orders USING btree (supplier_id);

--
-- Name: orders _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server', 'payment_status', 'stage_progress', 'version', 'total_amount');

--
-- Name: orders _005_admin_only_columns; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_admin_only_columns BEFORE UPDATE OF supplier_id, expected_delivery_date, actual_delivery_date, total_amount ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__admin_only_columns('supplier_id', 'expected_delivery_date', 'actual_delivery_date', 'total_amount');

--
-- Name: orders _005_status_by_buyer; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_status_by_buyer BEFORE UPDATE OF status ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__non_admin_transitions('status', 'submitted', 'cancelled', 'delivered');

--
-- Name: orders _006_status_by_role; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _006_status_by_role BEFORE UPDATE OF status ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_orders__status_by_role();

--
-- Name: orders _020_version; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _020_version BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_orders__version();

--
-- Name: orders _030_status_transition; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _030_status_transition BEFORE UPDATE OF status ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_orders__status_transition();

--
-- Name: orders _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: orders _200_status_history; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _200_status_history AFTER INSERT OR UPDATE OF status ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_orders__status_history();

--
-- Name: orders _300_cancel; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _300_cancel AFTER UPDATE OF status ON public.orders FOR EACH ROW WHEN (((new.status = 'cancelled'::public.order_status) AND (old.status <> 'cancelled'::public.order_status))) EXECUTE FUNCTION app_private.tg_orders__cancel();

--
-- Name: orders _310_payment_status; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _310_payment_status AFTER UPDATE OF total_amount ON public.orders FOR EACH ROW WHEN ((old.total_amount IS DISTINCT FROM new.total_amount)) EXECUTE FUNCTION app_private.tg_orders__payment_status();

--
-- Name: orders _320_commit_stock; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _320_commit_stock AFTER UPDATE OF status ON public.orders FOR EACH ROW WHEN (((new.status = 'confirmed'::public.order_status) AND (old.status <> 'confirmed'::public.order_status))) EXECUTE FUNCTION app_private.tg_orders__commit_stock();

--
-- Name: orders _900_audit; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE ON public.orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__audit('tracking_token');

--
-- Name: orders _900_audit_update; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit_update AFTER UPDATE ON public.orders FOR EACH ROW WHEN (((to_jsonb(old.*) - '{stage_progress,current_stage,version,updated_at}'::text[]) IS DISTINCT FROM (to_jsonb(new.*) - '{stage_progress,current_stage,version,updated_at}'::text[]))) EXECUTE FUNCTION app_private.tg__audit('tracking_token');

--
-- Name: orders; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;

--
-- Name: orders all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.orders TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: orders insert_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_buyer ON public.orders FOR INSERT TO authenticated WITH CHECK (((buyer_id = ( SELECT app.current_user_id() AS current_user_id)) AND ( SELECT app.has_role('buyer'::public.app_role) AS has_role) AND (status = ANY (ARRAY['draft'::public.order_status, 'submitted'::public.order_status])) AND ((quote_id IS NULL) OR (quote_id IN ( SELECT q.id
   FROM public.quotes q
  WHERE (q.requested_by = ( SELECT app.current_user_id() AS current_user_id)))))));

--
-- Name: orders select_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_buyer ON public.orders FOR SELECT TO authenticated USING ((buyer_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: orders select_supplier; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_supplier ON public.orders FOR SELECT TO authenticated USING ((id IN ( SELECT app.orders_as_supplier() AS orders_as_supplier)));

--
-- Name: orders update_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_buyer ON public.orders FOR UPDATE TO authenticated USING ((buyer_id = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((buyer_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: COLUMN orders.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(id) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.order_number; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(order_number) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.buyer_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(buyer_id),INSERT(buyer_id) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.supplier_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(supplier_id),UPDATE(supplier_id) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.quote_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(quote_id),INSERT(quote_id) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.product_type; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(product_type),INSERT(product_type) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.quantity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(quantity),INSERT(quantity) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(status),INSERT(status),UPDATE(status) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.payment_status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(payment_status),INSERT(payment_status) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.target_date; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(target_date),INSERT(target_date),UPDATE(target_date) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.expected_delivery_date; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(expected_delivery_date),UPDATE(expected_delivery_date) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.actual_delivery_date; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(actual_delivery_date),UPDATE(actual_delivery_date) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.notes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(notes),INSERT(notes),UPDATE(notes) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.cancellation_reason; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(cancellation_reason),UPDATE(cancellation_reason) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.current_stage; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(current_stage) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.stage_progress; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(stage_progress),INSERT(stage_progress) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.tracking_token; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(tracking_token) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.total_amount; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(total_amount) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.currency; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(currency),INSERT(currency) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.version; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(version),INSERT(version),UPDATE(version) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_at),INSERT(created_at) ON TABLE public.orders TO authenticated;

--
-- Name: COLUMN orders.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(updated_at),INSERT(updated_at) ON TABLE public.orders TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.payments

--
-- Name: payments; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.payments (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    order_id uuid NOT NULL,
    amount numeric(12,2) NOT NULL,
    currency character(3) DEFAULT 'USD'::bpchar NOT NULL,
    method text NOT NULL,
    provider_reference text,
    idempotency_key text NOT NULL,
    status public.payment_transaction_status DEFAULT 'pending'::public.payment_transaction_status NOT NULL,
    recorded_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    kind public.payment_kind DEFAULT 'payment'::public.payment_kind NOT NULL,
    refund_of uuid,
    reason text,
    CONSTRAINT payments_amount_check CHECK ((amount > (0)::numeric)),
    CONSTRAINT payments_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT payments_idempotency_key_check CHECK (((length(idempotency_key) >= 8) AND (length(idempotency_key) <= 200))),
    CONSTRAINT payments_reason_check CHECK (((reason IS NULL) OR (length(reason) <= 2000))),
    CONSTRAINT payments_refund_of_check CHECK (((kind = 'refund'::public.payment_kind) = (refund_of IS NOT NULL)))
);

ALTER TABLE ONLY public.payments FORCE ROW LEVEL SECURITY;


ALTER TABLE public.payments OWNER TO loomline_owner;

--
-- Name: payments payments_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_idempotency_key_key UNIQUE (idempotency_key);

--
-- Name: payments payments_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);

--
-- Name: payments payments_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE CASCADE;

--
-- Name: payments payments_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: payments payments_refund_of_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_refund_of_fkey FOREIGN KEY (refund_of) REFERENCES public.payments(id) ON DELETE CASCADE;

--
-- Name: payments_order_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX payments_order_id_idx ON public.payments USING btree (order_id);

--
-- Name: payments_recorded_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX payments_recorded_by_idx ON public.payments USING btree (recorded_by);

--
-- Name: payments_refund_of_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX payments_refund_of_idx ON public.payments USING btree (refund_of);

--
-- Name: payments _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.payments FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: payments _030_rules; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _030_rules BEFORE INSERT OR UPDATE ON public.payments FOR EACH ROW EXECUTE FUNCTION app_private.tg_payments__rules();

--
-- Name: payments _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.payments FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: payments _300_order_payment_status; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _300_order_payment_status AFTER INSERT OR DELETE OR UPDATE OF status ON public.payments FOR EACH ROW EXECUTE FUNCTION app_private.tg_payments__order_payment_status();

--
-- Name: payments _900_audit; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON public.payments FOR EACH ROW EXECUTE FUNCTION app_private.tg__audit();

--
-- Name: payments; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.payments ENABLE ROW LEVEL SECURITY;

--
-- Name: payments insert_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_admin ON public.payments FOR INSERT TO authenticated WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: payments insert_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_buyer ON public.payments FOR INSERT TO authenticated WITH CHECK (((order_id IN ( SELECT app.orders_as_buyer() AS orders_as_buyer)) AND (status = 'pending'::public.payment_transaction_status) AND (recorded_by = ( SELECT app.current_user_id() AS current_user_id))));

--
-- Name: payments select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.payments FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: payments select_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_buyer ON public.payments FOR SELECT TO authenticated USING ((order_id IN ( SELECT app.orders_as_buyer() AS orders_as_buyer)));

--
-- Name: payments update_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_admin ON public.payments FOR UPDATE TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: TABLE payments; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.order_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(order_id) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.amount; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(amount) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.currency; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(currency) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.method; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(method) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.provider_reference; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(provider_reference),UPDATE(provider_reference) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.idempotency_key; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(idempotency_key) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(status),UPDATE(status) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.recorded_by; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(recorded_by) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.payments TO authenticated;

--
-- Name: COLUMN payments.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.payments TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.production_stages

--
-- Name: production_stages; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.production_stages (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    supplier_order_id uuid NOT NULL,
    stage_number smallint NOT NULL,
    stage_name text NOT NULL,
    description text,
    target_date date,
    completion_percentage numeric(5,2) DEFAULT 0 NOT NULL,
    status public.stage_status DEFAULT 'pending'::public.stage_status NOT NULL,
    photos text[] DEFAULT '{}'::text[] NOT NULL,
    notes text,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    updated_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT production_stages_completion_percentage_check CHECK (((completion_percentage >= (0)::numeric) AND (completion_percentage <= (100)::numeric))),
    CONSTRAINT production_stages_photos_check CHECK (((cardinality(photos) <= 20) AND app_private.are_https_urls(photos))),
    CONSTRAINT production_stages_stage_number_check CHECK (((stage_number >= 1) AND (stage_number <= 8)))
);

ALTER TABLE ONLY public.production_stages FORCE ROW LEVEL SECURITY;


ALTER TABLE public.production_stages OWNER TO loomline_owner;

--
-- Name: production_stages production_stages_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.production_stages
    ADD CONSTRAINT production_stages_pkey PRIMARY KEY (id);

--
-- Name: production_stages production_stages_supplier_order_id_stage_number_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.production_stages
    ADD CONSTRAINT production_stages_supplier_order_id_stage_number_key UNIQUE (supplier_order_id, stage_number);

--
-- Name: production_stages production_stages_supplier_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.production_stages
    ADD CONSTRAINT production_stages_supplier_order_id_fkey FOREIGN KEY (supplier_order_id) REFERENCES public.supplier_orders(id) ON DELETE CASCADE;

--
-- Name: production_stages production_stages_updated_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.production_stages
    ADD CONSTRAINT production_stages_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: production_stages_delayed_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX production_stages_delayed_idx ON public.production_stages USING btree (supplier_order_id) WHERE (status = 'delayed'::public.stage_status);

--
-- Name: production_stages_updated_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX production_stages_updated_by_idx ON public.production_stages USING btree (updated_by);

--
-- Name: production_stages _005_admin_only_columns; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_admin_only_columns BEFORE UPDATE OF target_date, description ON public.production_stages FOR EACH ROW EXECUTE FUNCTION app_private.tg__admin_only_columns('target_date', 'description');

--
-- Name: production_stages _030_rules; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _030_rules BEFORE UPDATE ON public.production_stages FOR EACH ROW EXECUTE FUNCTION app_private.tg_production_stages__rules();

--
-- Name: production_stages _040_status; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _040_status BEFORE INSERT OR UPDATE ON public.production_stages FOR EACH ROW EXECUTE FUNCTION app_private.tg_production_stages__status();

--
-- Name: production_stages _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.production_stages FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: production_stages _500_order_progress; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _500_order_progress AFTER INSERT OR DELETE OR UPDATE ON public.production_stages FOR EACH ROW EXECUTE FUNCTION app_private.tg_production_stages__order_progress();

--
-- Name: production_stages; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.production_stages ENABLE ROW LEVEL SECURITY;

--
-- Name: production_stages select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.production_stages FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: production_stages select_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_buyer ON public.production_stages FOR SELECT TO authenticated USING ((supplier_order_id IN ( SELECT app.supplier_orders_as_buyer() AS supplier_orders_as_buyer)));

--
-- Name: production_stages select_supplier; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_supplier ON public.production_stages FOR SELECT TO authenticated USING ((supplier_order_id IN ( SELECT app.supplier_orders_as_supplier() AS supplier_orders_as_supplier)));

--
-- Name: production_stages update_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_admin ON public.production_stages FOR UPDATE TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: production_stages update_supplier; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_supplier ON public.production_stages FOR UPDATE TO authenticated USING ((supplier_order_id IN ( SELECT app.supplier_orders_as_supplier() AS supplier_orders_as_supplier))) WITH CHECK ((supplier_order_id IN ( SELECT app.supplier_orders_as_supplier() AS supplier_orders_as_supplier)));

--
-- Name: TABLE production_stages; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.production_stages TO authenticated;

--
-- Name: COLUMN production_stages.description; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(description) ON TABLE public.production_stages TO authenticated;

--
-- Name: COLUMN production_stages.target_date; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(target_date) ON TABLE public.production_stages TO authenticated;

--
-- Name: COLUMN production_stages.completion_percentage; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(completion_percentage) ON TABLE public.production_stages TO authenticated;

--
-- Name: COLUMN production_stages.status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(status) ON TABLE public.production_stages TO authenticated;

--
-- Name: COLUMN production_stages.photos; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(photos) ON TABLE public.production_stages TO authenticated;

--
-- Name: COLUMN production_stages.notes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(notes) ON TABLE public.production_stages TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.products

--
-- Name: products; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.products (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    supplier_id uuid NOT NULL,
    name text NOT NULL,
    category text NOT NULL,
    description text,
    base_price numeric(12,2) NOT NULL,
    featured boolean DEFAULT false NOT NULL,
    minimum_order integer DEFAULT 1 NOT NULL,
    available_colors text[] DEFAULT '{}'::text[] NOT NULL,
    available_sizes text[] DEFAULT '{}'::text[] NOT NULL,
    lead_time_days integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT products_base_price_check CHECK ((base_price > (0)::numeric)),
    CONSTRAINT products_lead_time_days_check CHECK ((lead_time_days >= 0)),
    CONSTRAINT products_minimum_order_check CHECK ((minimum_order >= 1))
);

ALTER TABLE ONLY public.products FORCE ROW LEVEL SECURITY;


ALTER TABLE public.products OWNER TO loomline_owner;

--
-- Name: products products_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (id);

--
-- Name: products products_supplier_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES public.suppliers(id) ON DELETE CASCADE;

--
-- Name: products_supplier_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX products_supplier_id_idx ON public.products USING btree (supplier_id);

--
-- Name: products _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.products FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: products _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.products FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: products; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.products ENABLE ROW LEVEL SECURITY;

--
-- Name: products all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.products TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: products delete_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY delete_own ON public.products FOR DELETE TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: products insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.products FOR INSERT TO authenticated WITH CHECK ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: products select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.products FOR SELECT TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: products update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.products FOR UPDATE TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id))) WITH CHECK ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: TABLE products; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT,DELETE ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.supplier_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(supplier_id) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.name; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.category; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(category),UPDATE(category) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.description; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.base_price; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(base_price),UPDATE(base_price) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.featured; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(featured),UPDATE(featured) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.minimum_order; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(minimum_order),UPDATE(minimum_order) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.available_colors; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(available_colors),UPDATE(available_colors) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.available_sizes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(available_sizes),UPDATE(available_sizes) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.lead_time_days; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(lead_time_days),UPDATE(lead_time_days) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.products TO authenticated;

--
-- Name: COLUMN products.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.products TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.profiles

--
-- Name: profiles; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.profiles (
    id uuid NOT NULL,
    full_name text,
    company_name text,
    phone text,
    avatar_url text,
    timezone text DEFAULT 'UTC'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT profiles_avatar_url_check CHECK (app_private.is_http_url(avatar_url)),
    CONSTRAINT profiles_company_name_check CHECK ((length(company_name) <= 200)),
    CONSTRAINT profiles_full_name_check CHECK ((length(full_name) <= 200)),
    CONSTRAINT profiles_phone_check CHECK ((phone ~ '^\+?[0-9 ()./-]{5,32}$'::text))
);

ALTER TABLE ONLY public.profiles FORCE ROW LEVEL SECURITY;


ALTER TABLE public.profiles OWNER TO loomline_owner;

--
-- Name: profiles profiles_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.profiles
    ADD CONSTRAINT profiles_pkey PRIMARY KEY (id);

--
-- Name: profiles profiles_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.profiles
    ADD CONSTRAINT profiles_id_fkey FOREIGN KEY (id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: profiles _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: profiles; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;

--
-- Name: profiles all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.profiles TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: profiles select_counterparty; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_counterparty ON public.profiles FOR SELECT TO authenticated USING ((id IN ( SELECT app.counterparty_user_ids() AS counterparty_user_ids)));

--
-- Name: profiles select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.profiles FOR SELECT TO authenticated USING ((id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: profiles update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.profiles FOR UPDATE TO authenticated USING ((id = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: COLUMN profiles.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(id) ON TABLE public.profiles TO authenticated;

--
-- Name: COLUMN profiles.full_name; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(full_name),UPDATE(full_name) ON TABLE public.profiles TO authenticated;

--
-- Name: COLUMN profiles.company_name; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(company_name),UPDATE(company_name) ON TABLE public.profiles TO authenticated;

--
-- Name: COLUMN profiles.phone; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(phone) ON TABLE public.profiles TO authenticated;

--
-- Name: COLUMN profiles.avatar_url; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(avatar_url),UPDATE(avatar_url) ON TABLE public.profiles TO authenticated;

--
-- Name: COLUMN profiles.timezone; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(timezone),UPDATE(timezone) ON TABLE public.profiles TO authenticated;

--
-- Name: COLUMN profiles.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_at) ON TABLE public.profiles TO authenticated;

--
-- Name: COLUMN profiles.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(updated_at) ON TABLE public.profiles TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.quotes

--
-- Name: quotes; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.quotes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_email public.citext NOT NULL,
    customer_name text,
    phone_number text,
    country character(2),
    session_id text,
    requested_by uuid,
    design_id uuid,
    product_type text NOT NULL,
    quantity integer NOT NULL,
    complexity_level public.complexity_level DEFAULT 'moderate'::public.complexity_level NOT NULL,
    fabric_type text,
    additional_requirements text,
    quote_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    total_price numeric(12,2),
    estimated_delivery_days integer,
    suggestions text,
    alternative_options jsonb DEFAULT '[]'::jsonb NOT NULL,
    status public.quote_status DEFAULT 'draft'::public.quote_status NOT NULL,
    lead_status public.lead_status DEFAULT 'new'::public.lead_status NOT NULL,
    lead_notes text,
    specialty_sourcing_required boolean DEFAULT false NOT NULL,
    production_route public.production_route DEFAULT 'standard'::public.production_route NOT NULL,
    specialty_notes text,
    base_cost numeric(12,2),
    specialty_cost numeric(12,2),
    admin_markup numeric(12,2),
    assigned_supplier_id uuid,
    assigned_at timestamp with time zone,
    assigned_by uuid,
    converted_to_order_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT quotes_base_cost_check CHECK ((base_cost >= (0)::numeric)),
    CONSTRAINT quotes_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT quotes_customer_email_check CHECK (app_private.is_email((customer_email)::text)),
    CONSTRAINT quotes_estimated_delivery_days_check CHECK ((estimated_delivery_days >= 0)),
    CONSTRAINT quotes_quantity_check CHECK ((quantity > 0)),
    CONSTRAINT quotes_specialty_cost_check CHECK ((specialty_cost >= (0)::numeric)),
    CONSTRAINT quotes_total_price_check CHECK ((total_price >= (0)::numeric))
);

ALTER TABLE ONLY public.quotes FORCE ROW LEVEL SECURITY;


ALTER TABLE public.quotes OWNER TO loomline_owner;

--
-- Name: quotes quotes_converted_to_order_id_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.quotes
    ADD CONSTRAINT quotes_converted_to_order_id_key UNIQUE (converted_to_order_id);

--
-- Name: quotes quotes_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.quotes
    ADD CONSTRAINT quotes_pkey PRIMARY KEY (id);

--
-- Name: quotes quotes_assigned_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.quotes
    ADD CONSTRAINT quotes_assigned_by_fkey FOREIGN KEY (assigned_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: quotes quotes_assigned_supplier_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.quotes
    ADD CONSTRAINT quotes_assigned_supplier_id_fkey FOREIGN KEY (assigned_supplier_id) REFERENCES public.suppliers(id) ON DELETE SET NULL;

--
-- Name: quotes quotes_converted_to_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.quotes
    ADD CONSTRAINT quotes_converted_to_order_id_fkey FOREIGN KEY (converted_to_order_id) REFERENCES public.orders(id) ON DELETE SET NULL;

--
-- Name: quotes quotes_design_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.quotes
    ADD CONSTRAINT quotes_design_id_fkey FOREIGN KEY (design_id) REFERENCES public.designs(id) ON DELETE SET NULL;

--
-- Name: quotes quotes_requested_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.quotes
    ADD CONSTRAINT quotes_requested_by_fkey FOREIGN KEY (requested_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: quotes_assigned_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX quotes_assigned_by_idx ON public.quotes USING btree (assigned_by);

--
-- Name: quotes_assigned_supplier_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX quotes_assigned_supplier_id_idx ON public.quotes USING btree (assigned_supplier_id);

--
-- Name: quotes_created_at_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX quotes_created_at_idx ON public.quotes USING btree (created_at);

--
-- Name: quotes_design_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX quotes_design_id_idx ON public.quotes USING btree (design_id);

--
-- Name: quotes_requested_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX quotes_requested_by_idx ON public.quotes USING btree (requested_by);

--
-- Name: quotes_status_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX quotes_status_idx ON public.quotes USING btree (status);

--
-- Name: quotes _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.quotes FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: quotes _002_admin_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _002_admin_defaults BEFORE INSERT ON public.quotes FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('admin', 'lead_status');

--
-- Name: quotes _005_admin_only_columns; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_admin_only_columns BEFORE UPDATE OF lead_status, lead_notes, admin_markup, total_price, quote_data, suggestions, alternative_options, estimated_delivery_days, base_cost, specialty_cost, specialty_notes, production_route, specialty_sourcing_required, assigned_supplier_id, assigned_at, assigned_by, converted_to_order_id ON public.quotes FOR EACH ROW EXECUTE FUNCTION app_private.tg__admin_only_columns('lead_status', 'lead_notes', 'admin_markup', 'total_price', 'quote_data', 'suggestions', 'alternative_options', 'estimated_delivery_days', 'base_cost', 'specialty_cost', 'specialty_notes', 'production_route', 'specialty_sourcing_required', 'assigned_supplier_id', 'assigned_at', 'assigned_by', 'converted_to_order_id');

--
-- Name: quotes _005_status_by_requester; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_status_by_requester BEFORE UPDATE OF status ON public.quotes FOR EACH ROW EXECUTE FUNCTION app_private.tg__non_admin_transitions('status', 'accepted', 'rejected');

--
-- Name: quotes _010_estimate; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_estimate BEFORE INSERT ON public.quotes FOR EACH ROW EXECUTE FUNCTION app_private.tg_quotes__estimate();

--
-- Name: quotes _010_estimate_update; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_estimate_update BEFORE UPDATE OF product_type, quantity, complexity_level, fabric_type, production_route, country, admin_markup ON public.quotes FOR EACH ROW EXECUTE FUNCTION app_private.tg_quotes__estimate();

--
-- Name: quotes _010_status_transition; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_status_transition BEFORE UPDATE OF status, converted_to_order_id ON public.quotes FOR EACH ROW EXECUTE FUNCTION app_private.tg_quotes__status_transition();

--
-- Name: quotes _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.quotes FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: quotes _500_replied; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _500_replied AFTER UPDATE OF status ON public.quotes FOR EACH ROW WHEN (((new.status = 'sent'::public.quote_status) AND (old.status IS DISTINCT FROM 'sent'::public.quote_status))) EXECUTE FUNCTION app_private.tg_quotes__replied();

--
-- Name: quotes; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.quotes ENABLE ROW LEVEL SECURITY;

--
-- Name: quotes all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.quotes TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: quotes insert_anonymous; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_anonymous ON public.quotes FOR INSERT TO anonymous WITH CHECK (((requested_by IS NULL) AND (status = ANY (ARRAY['draft'::public.quote_status, 'sent'::public.quote_status]))));

--
-- Name: quotes insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.quotes FOR INSERT TO authenticated WITH CHECK (((requested_by = ( SELECT app.current_user_id() AS current_user_id)) AND (status = ANY (ARRAY['draft'::public.quote_status, 'sent'::public.quote_status])) AND ((design_id IS NULL) OR (design_id IN ( SELECT d.id
   FROM public.designs d)))));

--
-- Name: quotes select_assigned; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_assigned ON public.quotes FOR SELECT TO authenticated USING ((assigned_supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: quotes select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.quotes FOR SELECT TO authenticated USING ((requested_by = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: quotes update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.quotes FOR UPDATE TO authenticated USING ((requested_by = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((requested_by = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: COLUMN quotes.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(id),INSERT(id) ON TABLE public.quotes TO authenticated;
GRANT INSERT(id) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.customer_email; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(customer_email) ON TABLE public.quotes TO authenticated;
GRANT INSERT(customer_email) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.customer_name; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(customer_name),INSERT(customer_name) ON TABLE public.quotes TO authenticated;
GRANT INSERT(customer_name) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.phone_number; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(phone_number) ON TABLE public.quotes TO authenticated;
GRANT INSERT(phone_number) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.country; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(country),INSERT(country) ON TABLE public.quotes TO authenticated;
GRANT INSERT(country) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.session_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(session_id) ON TABLE public.quotes TO authenticated;
GRANT INSERT(session_id) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.requested_by; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(requested_by),INSERT(requested_by) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.design_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(design_id),INSERT(design_id) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.product_type; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(product_type),INSERT(product_type) ON TABLE public.quotes TO authenticated;
GRANT INSERT(product_type) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.quantity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(quantity),INSERT(quantity) ON TABLE public.quotes TO authenticated;
GRANT INSERT(quantity) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.complexity_level; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(complexity_level),INSERT(complexity_level) ON TABLE public.quotes TO authenticated;
GRANT INSERT(complexity_level) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.fabric_type; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(fabric_type),INSERT(fabric_type) ON TABLE public.quotes TO authenticated;
GRANT INSERT(fabric_type) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.additional_requirements; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(additional_requirements),INSERT(additional_requirements) ON TABLE public.quotes TO authenticated;
GRANT INSERT(additional_requirements) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.estimated_delivery_days; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(estimated_delivery_days) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.suggestions; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(suggestions),UPDATE(suggestions) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(status),UPDATE(status) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.lead_status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(lead_status),UPDATE(lead_status) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.lead_notes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(lead_notes) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.specialty_sourcing_required; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(specialty_sourcing_required) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.production_route; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(production_route),UPDATE(production_route) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.specialty_notes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(specialty_notes),UPDATE(specialty_notes) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.admin_markup; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(admin_markup) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.assigned_supplier_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(assigned_supplier_id),UPDATE(assigned_supplier_id) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.assigned_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(assigned_at),UPDATE(assigned_at) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.assigned_by; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(assigned_by),UPDATE(assigned_by) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.converted_to_order_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(converted_to_order_id),UPDATE(converted_to_order_id) ON TABLE public.quotes TO authenticated;

--
-- Name: COLUMN quotes.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_at),INSERT(created_at) ON TABLE public.quotes TO authenticated;
GRANT INSERT(created_at) ON TABLE public.quotes TO anonymous;

--
-- Name: COLUMN quotes.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(updated_at),INSERT(updated_at) ON TABLE public.quotes TO authenticated;
GRANT INSERT(updated_at) ON TABLE public.quotes TO anonymous;

-- -----------------------------------------------------------------------------
-- table public.refresh_tokens

--
-- Name: refresh_tokens; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.refresh_tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    token_hash text NOT NULL,
    family_id uuid NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    replaced_by uuid,
    user_agent text,
    ip inet,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.refresh_tokens FORCE ROW LEVEL SECURITY;


ALTER TABLE public.refresh_tokens OWNER TO loomline_owner;

--
-- Name: refresh_tokens refresh_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.refresh_tokens
    ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id);

--
-- Name: refresh_tokens refresh_tokens_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.refresh_tokens
    ADD CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash);

--
-- Name: refresh_tokens refresh_tokens_replaced_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.refresh_tokens
    ADD CONSTRAINT refresh_tokens_replaced_by_fkey FOREIGN KEY (replaced_by) REFERENCES public.refresh_tokens(id) ON DELETE SET NULL;

--
-- Name: refresh_tokens refresh_tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.refresh_tokens
    ADD CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: refresh_tokens_active_family_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX refresh_tokens_active_family_idx ON public.refresh_tokens USING btree (family_id) WHERE (revoked_at IS NULL);

--
-- Name: refresh_tokens_family_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX refresh_tokens_family_id_idx ON public.refresh_tokens USING btree (family_id);

--
-- Name: refresh_tokens_replaced_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX refresh_tokens_replaced_by_idx ON public.refresh_tokens USING btree (replaced_by);

--
-- Name: refresh_tokens_user_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX refresh_tokens_user_id_idx ON public.refresh_tokens USING btree (user_id);

--
-- Name: refresh_tokens _010_revocation_is_final; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_revocation_is_final BEFORE UPDATE OF revoked_at ON public.refresh_tokens FOR EACH ROW WHEN (((old.revoked_at IS NOT NULL) AND (new.revoked_at IS DISTINCT FROM old.revoked_at))) EXECUTE FUNCTION app_private.tg__revocation_is_final();

--
-- Name: refresh_tokens _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.refresh_tokens FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: refresh_tokens; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.refresh_tokens ENABLE ROW LEVEL SECURITY;

--
-- Name: refresh_tokens select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.refresh_tokens FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: refresh_tokens select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.refresh_tokens FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: refresh_tokens update_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_admin ON public.refresh_tokens FOR UPDATE TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: COLUMN refresh_tokens.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(id) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.user_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(user_id) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.family_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(family_id) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.expires_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(expires_at) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.revoked_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(revoked_at),UPDATE(revoked_at) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.replaced_by; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(replaced_by) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.user_agent; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(user_agent) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.ip; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(ip) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_at) ON TABLE public.refresh_tokens TO authenticated;

--
-- Name: COLUMN refresh_tokens.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(updated_at) ON TABLE public.refresh_tokens TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.saved_searches

--
-- Name: saved_searches; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.saved_searches (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    name text NOT NULL,
    filter jsonb DEFAULT '{}'::jsonb NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    last_notified_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT saved_searches_filter_check CHECK (app_private.is_listing_filter(filter)),
    CONSTRAINT saved_searches_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100)))
);

ALTER TABLE ONLY public.saved_searches FORCE ROW LEVEL SECURITY;


ALTER TABLE public.saved_searches OWNER TO loomline_owner;

--
-- Name: saved_searches saved_searches_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.saved_searches
    ADD CONSTRAINT saved_searches_pkey PRIMARY KEY (id);

--
-- Name: saved_searches saved_searches_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.saved_searches
    ADD CONSTRAINT saved_searches_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: saved_searches_active_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX saved_searches_active_idx ON public.saved_searches USING btree (user_id) WHERE is_active;

--
-- Name: saved_searches_user_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX saved_searches_user_id_idx ON public.saved_searches USING btree (user_id);

--
-- Name: saved_searches _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.saved_searches FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: saved_searches _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.saved_searches FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: saved_searches; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.saved_searches ENABLE ROW LEVEL SECURITY;

--
-- Name: saved_searches delete_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY delete_own ON public.saved_searches FOR DELETE TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: saved_searches insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.saved_searches FOR INSERT TO authenticated WITH CHECK ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: saved_searches select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.saved_searches FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: saved_searches select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.saved_searches FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: saved_searches update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.saved_searches FOR UPDATE TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE saved_searches; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT,DELETE ON TABLE public.saved_searches TO authenticated;

--
-- Name: COLUMN saved_searches.user_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(user_id) ON TABLE public.saved_searches TO authenticated;

--
-- Name: COLUMN saved_searches.name; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE public.saved_searches TO authenticated;

--
-- Name: COLUMN saved_searches.filter; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(filter),UPDATE(filter) ON TABLE public.saved_searches TO authenticated;

--
-- Name: COLUMN saved_searches.is_active; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE public.saved_searches TO authenticated;

--
-- Name: COLUMN saved_searches.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.saved_searches TO authenticated;

--
-- Name: COLUMN saved_searches.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.saved_searches TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.stock_reservations

--
-- Name: stock_reservations; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.stock_reservations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    marketplace_product_id uuid NOT NULL,
    order_id uuid,
    reserved_by uuid,
    quantity integer NOT NULL,
    status public.reservation_status DEFAULT 'held'::public.reservation_status NOT NULL,
    expires_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT stock_reservations_quantity_check CHECK ((quantity > 0))
);

ALTER TABLE ONLY public.stock_reservations FORCE ROW LEVEL SECURITY;


ALTER TABLE public.stock_reservations OWNER TO loomline_owner;

--
-- Name: stock_reservations stock_reservations_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.stock_reservations
    ADD CONSTRAINT stock_reservations_pkey PRIMARY KEY (id);

--
-- Name: stock_reservations stock_reservations_marketplace_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.stock_reservations
    ADD CONSTRAINT stock_reservations_marketplace_product_id_fkey FOREIGN KEY (marketplace_product_id) REFERENCES public.marketplace_products(id) ON DELETE CASCADE;

--
-- Name: stock_reservations stock_reservations_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.stock_reservations
    ADD CONSTRAINT stock_reservations_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE CASCADE;

--
-- Name: stock_reservations stock_reservations_reserved_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.stock_reservations
    ADD CONSTRAINT stock_reservations_reserved_by_fkey FOREIGN KEY (reserved_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: stock_reservations_held_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX stock_reservations_held_idx ON public.stock_reservations USING btree (expires_at) WHERE (status = 'held'::public.reservation_status);

--
-- Name: stock_reservations_marketplace_product_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX stock_reservations_marketplace_product_id_idx ON public.stock_reservations USING btree (marketplace_product_id);

--
-- Name: stock_reservations_order_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX stock_reservations_order_id_idx ON public.stock_reservations USING btree (order_id);

--
-- Name: stock_reservations_reserved_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX stock_reservations_reserved_by_idx ON public.stock_reservations USING btree (reserved_by);

--
-- Name: stock_reservations _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.stock_reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: stock_reservations _005_status_by_buyer; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_status_by_buyer BEFORE UPDATE OF status ON public.stock_reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg__non_admin_transitions('status', 'released');

--
-- Name: stock_reservations _060_hold_rules; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _060_hold_rules BEFORE INSERT ON public.stock_reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg_stock_reservations__hold_rules();

--
-- Name: stock_reservations _070_reserve; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _070_reserve BEFORE INSERT ON public.stock_reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg_stock_reservations__reserve();

--
-- Name: stock_reservations _070_settle; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _070_settle BEFORE DELETE OR UPDATE ON public.stock_reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg_stock_reservations__settle();

--
-- Name: stock_reservations _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.stock_reservations FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: stock_reservations; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.stock_reservations ENABLE ROW LEVEL SECURITY;

--
-- Name: stock_reservations all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.stock_reservations TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: stock_reservations insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.stock_reservations FOR INSERT TO authenticated WITH CHECK (((reserved_by = ( SELECT app.current_user_id() AS current_user_id)) AND (order_id IN ( SELECT app.orders_as_buyer() AS orders_as_buyer)) AND (expires_at <= (now() + '1 day'::interval))));

--
-- Name: stock_reservations select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.stock_reservations FOR SELECT TO authenticated USING (((reserved_by = ( SELECT app.current_user_id() AS current_user_id)) OR (order_id IN ( SELECT app.orders_as_buyer() AS orders_as_buyer))));

--
-- Name: stock_reservations select_supplier; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_supplier ON public.stock_reservations FOR SELECT TO authenticated USING ((marketplace_product_id IN ( SELECT mp.id
   FROM public.marketplace_products mp
  WHERE (mp.supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)))));

--
-- Name: stock_reservations update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.stock_reservations FOR UPDATE TO authenticated USING ((reserved_by = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((reserved_by = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE stock_reservations; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.stock_reservations TO authenticated;

--
-- Name: COLUMN stock_reservations.marketplace_product_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(marketplace_product_id) ON TABLE public.stock_reservations TO authenticated;

--
-- Name: COLUMN stock_reservations.order_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(order_id) ON TABLE public.stock_reservations TO authenticated;

--
-- Name: COLUMN stock_reservations.reserved_by; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(reserved_by) ON TABLE public.stock_reservations TO authenticated;

--
-- Name: COLUMN stock_reservations.quantity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(quantity) ON TABLE public.stock_reservations TO authenticated;

--
-- Name: COLUMN stock_reservations.status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(status),UPDATE(status) ON TABLE public.stock_reservations TO authenticated;

--
-- Name: COLUMN stock_reservations.expires_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(expires_at) ON TABLE public.stock_reservations TO authenticated;

--
-- Name: COLUMN stock_reservations.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.stock_reservations TO authenticated;

--
-- Name: COLUMN stock_reservations.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.stock_reservations TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.supplier_orders

--
-- Name: supplier_orders; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.supplier_orders (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    order_number text DEFAULT app.next_supplier_order_number() NOT NULL,
    supplier_id uuid NOT NULL,
    buyer_order_id uuid NOT NULL,
    product_type text NOT NULL,
    quantity integer NOT NULL,
    buyer_price numeric(12,2) NOT NULL,
    supplier_price numeric(12,2) NOT NULL,
    target_date date,
    status public.supplier_order_status DEFAULT 'pending'::public.supplier_order_status NOT NULL,
    acceptance_status public.acceptance_status DEFAULT 'pending'::public.acceptance_status NOT NULL,
    accepted_at timestamp with time zone,
    rejected_at timestamp with time zone,
    rejection_reason text,
    counter_offer_price numeric(12,2),
    counter_offer_notes text,
    tech_pack_urls text[] DEFAULT '{}'::text[] NOT NULL,
    reference_images text[] DEFAULT '{}'::text[] NOT NULL,
    special_instructions text,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    margin numeric(12,2) GENERATED ALWAYS AS ((buyer_price - supplier_price)) STORED NOT NULL,
    CONSTRAINT supplier_orders_buyer_price_check CHECK ((buyer_price >= (0)::numeric)),
    CONSTRAINT supplier_orders_counter_offer_check CHECK (((acceptance_status <> 'counter_offered'::public.acceptance_status) OR (counter_offer_price IS NOT NULL))),
    CONSTRAINT supplier_orders_counter_offer_price_check CHECK ((counter_offer_price > (0)::numeric)),
    CONSTRAINT supplier_orders_quantity_check CHECK ((quantity > 0)),
    CONSTRAINT supplier_orders_reference_images_check CHECK (app_private.are_http_urls(reference_images)),
    CONSTRAINT supplier_orders_supplier_price_check CHECK ((supplier_price >= (0)::numeric)),
    CONSTRAINT supplier_orders_tech_pack_urls_check CHECK (app_private.are_http_urls(tech_pack_urls))
);

ALTER TABLE ONLY public.supplier_orders FORCE ROW LEVEL SECURITY;


ALTER TABLE public.supplier_orders OWNER TO loomline_owner;

--
-- Name: supplier_orders supplier_orders_order_number_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.supplier_orders
    ADD CONSTRAINT supplier_orders_order_number_key UNIQUE (order_number);

--
-- Name: supplier_orders supplier_orders_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.supplier_orders
    ADD CONSTRAINT supplier_orders_pkey PRIMARY KEY (id);

--
-- Name: supplier_orders supplier_orders_buyer_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.supplier_orders
    ADD CONSTRAINT supplier_orders_buyer_order_id_fkey FOREIGN KEY (buyer_order_id) REFERENCES public.orders(id) ON DELETE CASCADE;

--
-- Name: supplier_orders supplier_orders_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.supplier_orders
    ADD CONSTRAINT supplier_orders_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: supplier_orders supplier_orders_supplier_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.supplier_orders
    ADD CONSTRAINT supplier_orders_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES public.suppliers(id) ON DELETE RESTRICT;

--
-- Name: supplier_orders_buyer_order_id_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX supplier_orders_buyer_order_id_idx ON public.supplier_orders USING btree (buyer_order_id);

--
-- Name: supplier_orders_created_by_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX supplier_orders_created_by_idx ON public.supplier_orders USING btree (created_by);

--
-- Name: supplier_orders_supplier_id_status_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX supplier_orders_supplier_id_status_idx ON public.supplier_orders USING btree (supplier_id, status);

--
-- Name: supplier_orders _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server', 'status', 'acceptance_status');

--
-- Name: supplier_orders _003_created_by; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _003_created_by BEFORE INSERT ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_supplier_orders__created_by();

--
-- Name: supplier_orders _005_acceptance_by_supplier; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_acceptance_by_supplier BEFORE UPDATE OF acceptance_status ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__non_admin_transitions('acceptance_status', 'accepted', 'rejected', 'counter_offered');

--
-- Name: supplier_orders _005_admin_only_columns; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_admin_only_columns BEFORE UPDATE OF status, target_date, buyer_price, supplier_price, tech_pack_urls, reference_images, special_instructions ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__admin_only_columns('status', 'target_date', 'buyer_price', 'supplier_price', 'tech_pack_urls', 'reference_images', 'special_instructions');

--
-- Name: supplier_orders _006_supplier_response; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _006_supplier_response BEFORE UPDATE OF acceptance_status, counter_offer_price ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_supplier_orders__response();

--
-- Name: supplier_orders _010_quantities; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _010_quantities BEFORE INSERT OR UPDATE OF quantity, buyer_order_id ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_supplier_orders__quantities();

--
-- Name: supplier_orders _030_workflow; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _030_workflow BEFORE UPDATE OF status, acceptance_status ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg_supplier_orders__workflow();

--
-- Name: supplier_orders _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: supplier_orders _400_accepted; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _400_accepted AFTER UPDATE OF acceptance_status ON public.supplier_orders FOR EACH ROW WHEN (((new.acceptance_status = 'accepted'::public.acceptance_status) AND (old.acceptance_status <> 'accepted'::public.acceptance_status))) EXECUTE FUNCTION app_private.tg_supplier_orders__accepted();

--
-- Name: supplier_orders _500_order_progress; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _500_order_progress AFTER UPDATE OF status ON public.supplier_orders FOR EACH ROW WHEN (((old.status IS DISTINCT FROM new.status) AND (new.status = ANY (ARRAY['cancelled'::public.supplier_order_status, 'rejected'::public.supplier_order_status])))) EXECUTE FUNCTION app_private.tg_supplier_orders__order_progress();

--
-- Name: supplier_orders _900_audit; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON public.supplier_orders FOR EACH ROW EXECUTE FUNCTION app_private.tg__audit();

--
-- Name: supplier_orders; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.supplier_orders ENABLE ROW LEVEL SECURITY;

--
-- Name: supplier_orders all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.supplier_orders TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: supplier_orders select_buyer; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_buyer ON public.supplier_orders FOR SELECT TO authenticated USING ((buyer_order_id IN ( SELECT app.orders_as_buyer() AS orders_as_buyer)));

--
-- Name: supplier_orders select_supplier; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_supplier ON public.supplier_orders FOR SELECT TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: supplier_orders update_supplier; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_supplier ON public.supplier_orders FOR UPDATE TO authenticated USING ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id))) WITH CHECK ((supplier_id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: COLUMN supplier_orders.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(id) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.order_number; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(order_number) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.supplier_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(supplier_id),INSERT(supplier_id) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.buyer_order_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(buyer_order_id),INSERT(buyer_order_id) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.product_type; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(product_type),INSERT(product_type) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.quantity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(quantity),INSERT(quantity) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.buyer_price; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(buyer_price),UPDATE(buyer_price) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.supplier_price; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(supplier_price),UPDATE(supplier_price) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.target_date; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(target_date),INSERT(target_date),UPDATE(target_date) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(status),INSERT(status),UPDATE(status) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.acceptance_status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(acceptance_status),INSERT(acceptance_status),UPDATE(acceptance_status) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.accepted_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(accepted_at) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.rejected_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(rejected_at) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.rejection_reason; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(rejection_reason),UPDATE(rejection_reason) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.counter_offer_price; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(counter_offer_price) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.counter_offer_notes; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(counter_offer_notes),UPDATE(counter_offer_notes) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.tech_pack_urls; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(tech_pack_urls),INSERT(tech_pack_urls),UPDATE(tech_pack_urls) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.reference_images; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(reference_images),INSERT(reference_images),UPDATE(reference_images) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.special_instructions; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(special_instructions),INSERT(special_instructions),UPDATE(special_instructions) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.created_by; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_by) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_at),INSERT(created_at) ON TABLE public.supplier_orders TO authenticated;

--
-- Name: COLUMN supplier_orders.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(updated_at),INSERT(updated_at) ON TABLE public.supplier_orders TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.suppliers

--
-- Name: suppliers; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.suppliers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid,
    company_name text NOT NULL,
    business_type text,
    country character(2) NOT NULL,
    city text,
    address text,
    contact_email text,
    contact_phone text,
    production_capacity_monthly integer,
    minimum_order_quantity integer DEFAULT 1 NOT NULL,
    lead_time_days integer DEFAULT 30 NOT NULL,
    specializations text[] DEFAULT '{}'::text[] NOT NULL,
    verification_status public.verification_status DEFAULT 'pending'::public.verification_status NOT NULL,
    tier public.supplier_tier DEFAULT 'standard'::public.supplier_tier NOT NULL,
    rating numeric(3,2) DEFAULT 0 NOT NULL,
    total_orders integer DEFAULT 0 NOT NULL,
    on_time_delivery_rate numeric(5,2) DEFAULT 0 NOT NULL,
    can_list_products boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT suppliers_address_check CHECK (app_private.is_ciphertext(address)),
    CONSTRAINT suppliers_company_name_check CHECK (((length(company_name) >= 1) AND (length(company_name) <= 200))),
    CONSTRAINT suppliers_contact_email_check CHECK (app_private.is_ciphertext(contact_email)),
    CONSTRAINT suppliers_contact_phone_check CHECK (app_private.is_ciphertext(contact_phone)),
    CONSTRAINT suppliers_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT suppliers_lead_time_days_check CHECK ((lead_time_days >= 0)),
    CONSTRAINT suppliers_minimum_order_quantity_check CHECK ((minimum_order_quantity >= 1)),
    CONSTRAINT suppliers_on_time_delivery_rate_check CHECK (((on_time_delivery_rate >= (0)::numeric) AND (on_time_delivery_rate <= (100)::numeric))),
    CONSTRAINT suppliers_production_capacity_monthly_check CHECK ((production_capacity_monthly > 0)),
    CONSTRAINT suppliers_rating_check CHECK (((rating >= (0)::numeric) AND (rating <= (5)::numeric))),
    CONSTRAINT suppliers_total_orders_check CHECK ((total_orders >= 0))
);

ALTER TABLE ONLY public.suppliers FORCE ROW LEVEL SECURITY;


ALTER TABLE public.suppliers OWNER TO loomline_owner;

--
-- Name: suppliers suppliers_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.suppliers
    ADD CONSTRAINT suppliers_pkey PRIMARY KEY (id);

--
-- Name: suppliers suppliers_user_id_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.suppliers
    ADD CONSTRAINT suppliers_user_id_key UNIQUE (user_id);

--
-- Name: suppliers suppliers_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.suppliers
    ADD CONSTRAINT suppliers_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL;

--
-- Name: suppliers_country_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX suppliers_country_idx ON public.suppliers USING btree (country);

--
-- Name: suppliers_specializations_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX suppliers_specializations_idx ON public.suppliers USING gin (specializations);

--
-- Name: suppliers_verification_status_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX suppliers_verification_status_idx ON public.suppliers USING btree (verification_status);

--
-- Name: suppliers _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.suppliers FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server', 'rating', 'total_orders', 'on_time_delivery_rate');

--
-- Name: suppliers _002_admin_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _002_admin_defaults BEFORE INSERT ON public.suppliers FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('admin', 'verification_status', 'tier', 'can_list_products');

--
-- Name: suppliers _005_admin_only_columns; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _005_admin_only_columns BEFORE UPDATE OF verification_status, tier, can_list_products ON public.suppliers FOR EACH ROW EXECUTE FUNCTION app_private.tg__admin_only_columns('verification_status', 'tier', 'can_list_products');

--
-- Name: suppliers _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.suppliers FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: suppliers _900_audit; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON public.suppliers FOR EACH ROW EXECUTE FUNCTION app_private.tg__audit('address', 'contact_email', 'contact_phone');

--
-- Name: suppliers; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.suppliers ENABLE ROW LEVEL SECURITY;

--
-- Name: suppliers all_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY all_admin ON public.suppliers TO authenticated USING (( SELECT app.is_admin() AS is_admin)) WITH CHECK (( SELECT app.is_admin() AS is_admin));

--
-- Name: suppliers insert_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_own ON public.suppliers FOR INSERT TO authenticated WITH CHECK (((user_id = ( SELECT app.current_user_id() AS current_user_id)) AND ( SELECT app.has_role('supplier'::public.app_role) AS has_role)));

--
-- Name: suppliers select_of_my_orders; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_of_my_orders ON public.suppliers FOR SELECT TO authenticated USING ((id IN ( SELECT app.suppliers_of_my_orders() AS suppliers_of_my_orders)));

--
-- Name: suppliers select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.suppliers FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: suppliers select_verified; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_verified ON public.suppliers FOR SELECT TO anonymous, authenticated USING ((verification_status = 'verified'::public.verification_status));

--
-- Name: suppliers update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.suppliers FOR UPDATE TO authenticated USING ((id = ( SELECT app.current_supplier_id() AS current_supplier_id))) WITH CHECK ((id = ( SELECT app.current_supplier_id() AS current_supplier_id)));

--
-- Name: COLUMN suppliers.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(id) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(id) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.user_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(user_id) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(user_id),INSERT(user_id) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.company_name; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(company_name) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(company_name),INSERT(company_name),UPDATE(company_name) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.business_type; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(business_type) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(business_type),INSERT(business_type),UPDATE(business_type) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.country; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(country) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(country),INSERT(country),UPDATE(country) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.city; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(city) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(city),INSERT(city),UPDATE(city) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.address; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(address),UPDATE(address) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.contact_email; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(contact_email),UPDATE(contact_email) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.contact_phone; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(contact_phone),UPDATE(contact_phone) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.production_capacity_monthly; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(production_capacity_monthly) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(production_capacity_monthly),INSERT(production_capacity_monthly),UPDATE(production_capacity_monthly) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.minimum_order_quantity; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(minimum_order_quantity) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(minimum_order_quantity),INSERT(minimum_order_quantity),UPDATE(minimum_order_quantity) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.lead_time_days; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(lead_time_days) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(lead_time_days),INSERT(lead_time_days),UPDATE(lead_time_days) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.specializations; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(specializations) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(specializations),INSERT(specializations),UPDATE(specializations) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.verification_status; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(verification_status) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(verification_status),INSERT(verification_status),UPDATE(verification_status) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.tier; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(tier) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(tier),INSERT(tier),UPDATE(tier) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.rating; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(rating) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(rating),INSERT(rating) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.total_orders; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(total_orders) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(total_orders),INSERT(total_orders) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.on_time_delivery_rate; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(on_time_delivery_rate) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(on_time_delivery_rate),INSERT(on_time_delivery_rate) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.can_list_products; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(can_list_products) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(can_list_products),INSERT(can_list_products),UPDATE(can_list_products) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_at) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(created_at),INSERT(created_at) ON TABLE public.suppliers TO authenticated;

--
-- Name: COLUMN suppliers.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(updated_at) ON TABLE public.suppliers TO anonymous;
GRANT SELECT(updated_at),INSERT(updated_at) ON TABLE public.suppliers TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.user_preferences

--
-- Name: user_preferences; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.user_preferences (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    locale text DEFAULT 'en'::text NOT NULL,
    notification_settings jsonb DEFAULT '{"email": ["order_status", "message"], "inApp": ["order_status", "stage_update", "message", "quote", "listing", "system"]}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT user_preferences_locale_check CHECK ((locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'::text)),
    CONSTRAINT user_preferences_notification_settings_check CHECK ((jsonb_typeof(notification_settings) = 'object'::text))
);

ALTER TABLE ONLY public.user_preferences FORCE ROW LEVEL SECURITY;


ALTER TABLE public.user_preferences OWNER TO loomline_owner;

--
-- Name: user_preferences user_preferences_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.user_preferences
    ADD CONSTRAINT user_preferences_pkey PRIMARY KEY (id);

--
-- Name: user_preferences user_preferences_user_id_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.user_preferences
    ADD CONSTRAINT user_preferences_user_id_key UNIQUE (user_id);

--
-- Name: user_preferences user_preferences_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.user_preferences
    ADD CONSTRAINT user_preferences_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: user_preferences _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.user_preferences FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: user_preferences; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.user_preferences ENABLE ROW LEVEL SECURITY;

--
-- Name: user_preferences select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.user_preferences FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: user_preferences select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.user_preferences FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: user_preferences update_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY update_own ON public.user_preferences FOR UPDATE TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id))) WITH CHECK ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE user_preferences; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT ON TABLE public.user_preferences TO authenticated;

--
-- Name: COLUMN user_preferences.locale; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(locale) ON TABLE public.user_preferences TO authenticated;

--
-- Name: COLUMN user_preferences.notification_settings; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT UPDATE(notification_settings) ON TABLE public.user_preferences TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.user_roles

--
-- Name: user_roles; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.user_roles (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    role public.app_role NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.user_roles FORCE ROW LEVEL SECURITY;


ALTER TABLE public.user_roles OWNER TO loomline_owner;

--
-- Name: user_roles user_roles_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_pkey PRIMARY KEY (id);

--
-- Name: user_roles user_roles_user_id_role_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_user_id_role_key UNIQUE (user_id, role);

--
-- Name: user_roles user_roles_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: user_roles_role_idx; Type: INDEX; Schema: public; Owner: loomline_owner
--

CREATE INDEX user_roles_role_idx ON public.user_roles USING btree (role, user_id);

--
-- Name: user_roles _001_server_defaults; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _001_server_defaults BEFORE INSERT ON public.user_roles FOR EACH ROW EXECUTE FUNCTION app_private.tg__request_insert_defaults('server');

--
-- Name: user_roles _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.user_roles FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: user_roles _600_access_revoked; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _600_access_revoked AFTER DELETE ON public.user_roles FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__access_revoked();

--
-- Name: user_roles _900_audit; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _900_audit AFTER INSERT OR DELETE OR UPDATE ON public.user_roles FOR EACH ROW EXECUTE FUNCTION app_private.tg__audit();

--
-- Name: user_roles; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.user_roles ENABLE ROW LEVEL SECURITY;

--
-- Name: user_roles delete_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY delete_admin ON public.user_roles FOR DELETE TO authenticated USING ((( SELECT app.is_admin() AS is_admin) AND (role <> 'admin'::public.app_role)));

--
-- Name: user_roles insert_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY insert_admin ON public.user_roles FOR INSERT TO authenticated WITH CHECK ((( SELECT app.is_admin() AS is_admin) AND (role <> 'admin'::public.app_role)));

--
-- Name: user_roles select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.user_roles FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: user_roles select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.user_roles FOR SELECT TO authenticated USING ((user_id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: TABLE user_roles; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT,DELETE ON TABLE public.user_roles TO authenticated;

--
-- Name: COLUMN user_roles.user_id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(user_id) ON TABLE public.user_roles TO authenticated;

--
-- Name: COLUMN user_roles.role; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(role) ON TABLE public.user_roles TO authenticated;

--
-- Name: COLUMN user_roles.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(created_at) ON TABLE public.user_roles TO authenticated;

--
-- Name: COLUMN user_roles.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT INSERT(updated_at) ON TABLE public.user_roles TO authenticated;

-- -----------------------------------------------------------------------------
-- table public.users

--
-- Name: users; Type: TABLE; Schema: public; Owner: loomline_owner
--

CREATE TABLE public.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email public.citext NOT NULL,
    password_hash text,
    email_verified_at timestamp with time zone,
    last_sign_in_at timestamp with time zone,
    disabled_at timestamp with time zone,
    deleted_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_email_check CHECK (app_private.is_email((email)::text))
);

ALTER TABLE ONLY public.users FORCE ROW LEVEL SECURITY;


ALTER TABLE public.users OWNER TO loomline_owner;

--
-- Name: users users_email_key; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_key UNIQUE (email);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: loomline_owner
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- Name: users _100_set_updated_at; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _100_set_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg__set_updated_at();

--
-- Name: users _600_access_revoked; Type: TRIGGER; Schema: public; Owner: loomline_owner
--

CREATE TRIGGER _600_access_revoked AFTER UPDATE OF disabled_at, deleted_at ON public.users FOR EACH ROW WHEN ((((new.disabled_at IS NOT NULL) AND (old.disabled_at IS NULL)) OR ((new.deleted_at IS NOT NULL) AND (old.deleted_at IS NULL)))) EXECUTE FUNCTION app_private.tg_users__access_revoked();

--
-- Name: users; Type: ROW SECURITY; Schema: public; Owner: loomline_owner
--

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

--
-- Name: users select_admin; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_admin ON public.users FOR SELECT TO authenticated USING (( SELECT app.is_admin() AS is_admin));

--
-- Name: users select_own; Type: POLICY; Schema: public; Owner: loomline_owner
--

CREATE POLICY select_own ON public.users FOR SELECT TO authenticated USING ((id = ( SELECT app.current_user_id() AS current_user_id)));

--
-- Name: COLUMN users.id; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(id) ON TABLE public.users TO authenticated;

--
-- Name: COLUMN users.email; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(email) ON TABLE public.users TO authenticated;

--
-- Name: COLUMN users.email_verified_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(email_verified_at) ON TABLE public.users TO authenticated;

--
-- Name: COLUMN users.last_sign_in_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(last_sign_in_at) ON TABLE public.users TO authenticated;

--
-- Name: COLUMN users.disabled_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(disabled_at) ON TABLE public.users TO authenticated;

--
-- Name: COLUMN users.deleted_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(deleted_at) ON TABLE public.users TO authenticated;

--
-- Name: COLUMN users.created_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(created_at) ON TABLE public.users TO authenticated;

--
-- Name: COLUMN users.updated_at; Type: ACL; Schema: public; Owner: loomline_owner
--

GRANT SELECT(updated_at) ON TABLE public.users TO authenticated;

-- =============================================================================
-- Default privileges and anything else
-- =============================================================================

--
-- Name: FUNCTION is_order_party(target_order uuid); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.is_order_party(target_order uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_order_party(target_order uuid) TO authenticated;

--
-- Name: FUNCTION is_order_party(target_order uuid, candidate uuid); Type: ACL; Schema: app; Owner: loomline_owner
--

REVOKE ALL ON FUNCTION app.is_order_party(target_order uuid, candidate uuid) FROM PUBLIC;

--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: -; Owner: loomline_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE loomline_owner REVOKE ALL ON FUNCTIONS  FROM PUBLIC;
