set local role loomline_owner;
-- Authentication: the functions sign-up, sign-in, refresh, sign-out, API keys
-- and external identity providers need (src/auth, src/schema/auth).
--
-- The request roles cannot read users, refresh_tokens or api_keys past their
-- own rows (and anonymous callers not at all), yet signing in happens before
-- anyone is known. Each function below does one step of one flow as the
-- owner, takes the caller's identity from the request claims where there is
-- one (never from a parameter), and returns only what the flow needs.
-- Policies for these tables belong to the access matrix (008).

-- ---------------------------------------------------------------- helpers

-- UUID v5 (RFC 9562): the id of an external identity, from its issuer and
-- subject. src/auth/external-identity.ts computes the same.
create function app_private.uuid_v5(namespace uuid, name text) returns uuid
  language plpgsql immutable strict parallel safe
  set search_path = pg_catalog, pg_temp
as $$
declare
  hash bytea := substring(public.digest(uuid_send(namespace) || convert_to(name, 'UTF8'), 'sha1') from 1 for 16);
begin
  hash := set_byte(hash, 6, (get_byte(hash, 6) & 15) | 80);   -- version 5
  hash := set_byte(hash, 8, (get_byte(hash, 8) & 63) | 128);  -- RFC 4122 variant
  return encode(hash, 'hex')::uuid;
end;
$$;

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

-- What an access token is made of: the user's id, email and roles.
create function app_private.auth_user_summary(account uuid) returns jsonb
  language sql stable
  set search_path = pg_catalog, public, pg_temp
  return (
    select jsonb_build_object(
      'id', u.id,
      'email', u.email,
      'roles', coalesce((select jsonb_agg(r.role order by r.role) from user_roles r where r.user_id = u.id), '[]'::jsonb))
      from users u
     where u.id = account);

-- --------------------------------------------------- sign-in and sign-up

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

-- -------------------------------------------------------- refresh tokens

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

-- --------------------------------------------------------------- API keys

-- A key for the calling user (never another's). Returns its id.
create function app.auth_create_api_key(
  key_name text,
  key_prefix text,
  new_key_hash text,
  key_scopes text[],
  key_expires_at timestamptz
) returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

-- Revokes one of the calling user's keys. Returns its prefix (the API forgets
-- the key under it), or null when the caller has no such key.
create function app.auth_revoke_api_key(key_id uuid) returns text
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

-- last_used_at of the keys used since the API's previous batch.
create function app.auth_touch_api_keys(key_ids uuid[]) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  touched integer;
begin
  update api_keys k set last_used_at = now()
   where k.id = any (key_ids) and k.revoked_at is null;
  get diagnostics touched = row_count;
  return touched;
end;
$$;

-- Batched last-use stamps are not changes worth an audit entry; everything
-- else about a key is (the hash stays redacted).
drop trigger _900_audit on api_keys;
create trigger _900_audit after insert or delete on api_keys
  for each row execute function app_private.tg__audit('key_hash');
create trigger _900_audit_update after update on api_keys
  for each row when (
    (to_jsonb(old) - '{last_used_at,updated_at}'::text[]) is distinct from (to_jsonb(new) - '{last_used_at,updated_at}'::text[]))
  execute function app_private.tg__audit('key_hash');

-- ------------------------------------------------- external identities

-- The first request of an external provider's user creates the user, its
-- profile, its mapped roles (never admin) and preferences. Runs as that very
-- user: the id in the claims must be the one the issuer and subject give.
-- The email is used when the provider verified it and no other account has
-- it; otherwise a placeholder that can never receive mail.
-- Returns 'active' or 'disabled'.
create function app.auth_upsert_external_user(
  provider_issuer text,
  provider_subject text,
  verified_email text,
  display_name text,
  provider_roles app_role[]
) returns text
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

-- ---------------------------------------------------------------- grants

revoke execute on function
  app_private.uuid_v5(uuid, text),
  app_private.auth_user_summary(uuid),
  app_private.auth_issue_refresh_token(uuid, uuid, text, timestamptz, text, inet),
  app.auth_credentials(text),
  app.auth_start_session(uuid, text, text, text, timestamptz, text, inet),
  app.auth_sign_up(text, text, text, text, app_role, text, timestamptz, text, inet),
  app.auth_rotate_refresh_token(text, text, timestamptz, text, inet),
  app.auth_revoke_refresh_token(text),
  app.auth_create_api_key(text, text, text, text[], timestamptz),
  app.auth_revoke_api_key(uuid),
  app.auth_api_key(text),
  app.auth_touch_api_keys(uuid[]),
  app.auth_upsert_external_user(text, text, text, text, app_role[])
  from public;

-- Signing in, up and out, and refreshing, happen before the caller is known
-- (or while a previous session's token is still sent).
grant execute on function
  app.auth_credentials(text),
  app.auth_start_session(uuid, text, text, text, timestamptz, text, inet),
  app.auth_sign_up(text, text, text, text, app_role, text, timestamptz, text, inet),
  app.auth_rotate_refresh_token(text, text, timestamptz, text, inet),
  app.auth_revoke_refresh_token(text)
  to anonymous, authenticated;
-- An API key is checked, and its use recorded, before its owner is known.
grant execute on function app.auth_api_key(text), app.auth_touch_api_keys(uuid[]) to anonymous;
-- The signed-in user's own keys; an external user's first request.
grant execute on function
  app.auth_create_api_key(text, text, text, text[], timestamptz),
  app.auth_revoke_api_key(uuid),
  app.auth_upsert_external_user(text, text, text, text, app_role[])
  to authenticated;
