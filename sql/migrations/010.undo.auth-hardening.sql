set local role loomline_owner;
-- Reverses 010.do.auth-hardening.sql: the sign-in, sign-up, refresh and
-- API-key functions of 007 as they were, without the secret, the hash
-- helpers and the revocation trigger.
--
-- Data stays: refresh tokens and API keys are unchanged, and password hashes
-- sealed by 010 (`...$sha256:<verifier>`, every one since 010) stay sealed:
-- a SHA-256 cannot be undone. The code of before 010 cannot verify them (it
-- reads `...$<scrypt key>` only), so roll 010 back only together with code
-- that reads the sealed form (src/auth/passwords.ts of 010), or every user
-- with a password needs a new one.

drop trigger _010_revocation_is_final on api_keys;
drop trigger _010_revocation_is_final on refresh_tokens;
drop function app_private.tg__revocation_is_final();

drop function app.auth_api_key(text);
drop function app.auth_revoke_refresh_token(text);
drop function app.auth_rotate_refresh_token(text, timestamptz, text, inet);
drop function app.auth_sign_up(text, text, text, text, app_role, timestamptz, text, inet);
drop function app.auth_sign_in(text, bytea, text, timestamptz, text, inet);
drop function app.auth_password_params(text);
drop function app_private.auth_issue_refresh_token(uuid, uuid, timestamptz, text, inet);
drop function app_private.is_current_password_hash(text);
drop function app_private.sealed_password_hash(text);
drop function app_private.password_hash_parts(text);
drop function app_private.auth_hmac(bytea);
drop table app_private.auth_secret;

-- ------------------------------------------------- 007's functions, as 007 made them

-- A refresh token row (the token itself is never stored, only its hash).
-- New sessions start a family; a rotation continues its family.
create function app_private.auth_issue_refresh_token(
  account uuid,
  family uuid,
  new_token_hash text,
  new_expires_at timestamptz,
  client_user_agent text,
  client_ip inet
) returns uuid
  language sql volatile
  set search_path = pg_catalog, public, pg_temp
begin atomic
  insert into refresh_tokens (user_id, token_hash, family_id, expires_at, user_agent, ip)
  values (account, new_token_hash, family, new_expires_at, left(client_user_agent, 512), client_ip)
  returning id;
end;

-- The stored password hash of an email, for the API to verify (scrypt runs
-- in the API, not here). No row when the email is unknown: the API then
-- verifies against a dummy hash, so both cases take the same time.
create function app.auth_credentials(account_email text)
  returns table (user_id uuid, password_hash text, disabled boolean)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select u.id, u.password_hash, (u.disabled_at is not null or u.deleted_at is not null)
    from users u
   where u.email = account_email::citext;
end;

-- A new session after a verified password: a refresh token in a new family.
-- `verified_password_hash` is the hash the API verified against; if the
-- password changed (or the account was disabled) since, nothing happens and
-- the result is null. `new_password_hash` replaces a hash made with older
-- parameters (needsRehash).
create function app.auth_start_session(
  account uuid,
  verified_password_hash text,
  new_password_hash text,
  refresh_token_hash text,
  refresh_expires_at timestamptz,
  client_user_agent text,
  client_ip inet
) returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
begin
  update users u
     set last_sign_in_at = now(),
         password_hash = coalesce(new_password_hash, u.password_hash)
   where u.id = account
     and u.password_hash = verified_password_hash
     and u.disabled_at is null
     and u.deleted_at is null;
  if not found then
    return null;
  end if;
  perform app_private.auth_issue_refresh_token(
    account, gen_random_uuid(), refresh_token_hash, refresh_expires_at, client_user_agent, client_ip);
  return app_private.auth_user_summary(account);
end;
$$;

-- A buyer or supplier account (admins come only from npm run user:create or
-- user:grant), with its profile, preferences and first session. Null when
-- the email is taken.
create function app.auth_sign_up(
  new_email text,
  new_password_hash text,
  new_full_name text,
  new_company_name text,
  new_role app_role,
  refresh_token_hash text,
  refresh_expires_at timestamptz,
  client_user_agent text,
  client_ip inet
) returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  account uuid;
begin
  if new_role is distinct from 'buyer' and new_role is distinct from 'supplier' then
    raise exception 'sign-up is for buyers and suppliers' using errcode = 'LLRUL';
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
  perform app_private.auth_issue_refresh_token(
    account, gen_random_uuid(), refresh_token_hash, refresh_expires_at, client_user_agent, client_ip);
  return app_private.auth_user_summary(account);
end;
$$;

-- Rotation: the presented token is replaced by a new one of the same family.
-- A token that was already rotated (or revoked) coming back means two
-- parties hold the family: every token of it is revoked, the newest too.
-- The row lock serialises concurrent refreshes of one token, so exactly one
-- of them rotates and the others count as reuse.
-- Result: {"status": "rotated", "user": {...}} or {"status": "invalid" |
-- "expired" | "reused" | "revoked" | "disabled"}.
create function app.auth_rotate_refresh_token(
  presented_hash text,
  next_hash text,
  next_expires_at timestamptz,
  client_user_agent text,
  client_ip inet
) returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  presented refresh_tokens;
  account users;
  successor uuid;
begin
  select * into presented from refresh_tokens t where t.token_hash = presented_hash for update;
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
  successor := app_private.auth_issue_refresh_token(
    presented.user_id, presented.family_id, next_hash, next_expires_at, client_user_agent, client_ip);
  update refresh_tokens t set replaced_by = successor, revoked_at = now() where t.id = presented.id;
  return jsonb_build_object('status', 'rotated', 'user', app_private.auth_user_summary(presented.user_id));
end;
$$;

-- Sign-out: ends the session the token belongs to (its whole family).
-- True when the token was known.
create function app.auth_revoke_refresh_token(presented_hash text) returns boolean
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  family uuid;
begin
  select t.family_id into family from refresh_tokens t where t.token_hash = presented_hash;
  if not found then
    return false;
  end if;
  update refresh_tokens t set revoked_at = now() where t.family_id = family and t.revoked_at is null;
  return true;
end;
$$;

-- The usable key with this prefix (not revoked, not expired, owner active),
-- with the owner's roles: the API compares the hash and acts as the owner.
create function app.auth_api_key(key_prefix text)
  returns table (id uuid, user_id uuid, key_hash text, scopes text[], roles app_role[], expires_at timestamptz)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select k.id, k.user_id, k.key_hash, k.scopes,
         coalesce((select array_agg(r.role order by r.role) from user_roles r where r.user_id = k.user_id),
                  '{}'::app_role[]),
         k.expires_at
    from api_keys k
    join users u on u.id = k.user_id
   where k.prefix = key_prefix
     and k.revoked_at is null
     and (k.expires_at is null or k.expires_at > now())
     and u.disabled_at is null
     and u.deleted_at is null;
end;

revoke execute on function
  app_private.auth_issue_refresh_token(uuid, uuid, text, timestamptz, text, inet),
  app.auth_credentials(text),
  app.auth_start_session(uuid, text, text, text, timestamptz, text, inet),
  app.auth_sign_up(text, text, text, text, app_role, text, timestamptz, text, inet),
  app.auth_rotate_refresh_token(text, text, timestamptz, text, inet),
  app.auth_revoke_refresh_token(text),
  app.auth_api_key(text)
  from public;
grant execute on function
  app.auth_credentials(text),
  app.auth_start_session(uuid, text, text, text, timestamptz, text, inet),
  app.auth_sign_up(text, text, text, text, app_role, text, timestamptz, text, inet),
  app.auth_rotate_refresh_token(text, text, timestamptz, text, inet),
  app.auth_revoke_refresh_token(text)
  to anonymous, authenticated;
grant execute on function app.auth_api_key(text) to anonymous;
