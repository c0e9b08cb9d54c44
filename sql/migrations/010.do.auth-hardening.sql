set local role loomline_owner;
-- Authentication the request roles cannot subvert (security review, issue 8,
-- findings 1 and 8). Replaces the sign-in, sign-up, refresh and API-key
-- functions of 007; the flows and their HTTP behaviour stay the same.
--
-- Any SQL a request runs (an injection included) runs as anonymous or
-- authenticated, and loomline_api can switch between them. So these
-- functions never hand out a password, token or key hash, and never accept
-- one as proof of anything:
--
--   * sign-in: app.auth_password_params(email) gives the salt and scrypt
--     parameters only (for an unknown email, or one without a password, a
--     salt derived from the email under a key only the owner reads, so both
--     look alike); the API runs scrypt and app.auth_sign_in(email, key, ...)
--     compares SHA-256 of that key with the stored verifier, in the
--     database, and issues the session;
--   * password_hash stores `scrypt$N$r$p$<salt>$sha256:<SHA-256 of the
--     scrypt key>` (src/auth/passwords.ts): what is stored is not what
--     proves. Hashes of the earlier form (`...$<salt>$<scrypt key>`) are
--     sealed into it below; one written later by an older tool still
--     verifies, and is sealed at its first sign-in;
--   * scrypt parameters are bounded where they are written (sign-up and a
--     rehash take exactly N=2^15, r=8, p=1) and where they are read (N 2^14
--     or 2^15, r=8, p=1, a 16-byte salt, a 32-byte key; anything else is
--     treated as no password);
--   * refresh tokens are drawn here (gen_random_bytes) and returned once:
--     nobody chooses a token, and rotation and sign-out take the token itself;
--   * app.auth_api_key takes the presented key and answers only when its
--     prefix and SHA-256 match.
--
-- Finding 8: a revocation is final. revoked_at of refresh_tokens and
-- api_keys, once set, cannot be cleared or moved, by anyone.

-- ------------------------------------------------ the functions of 007 replaced

-- Dropped first: two of the new ones keep their name and argument types.
drop function app.auth_credentials(text);
drop function app.auth_start_session(uuid, text, text, text, timestamptz, text, inet);
drop function app.auth_sign_up(text, text, text, text, app_role, text, timestamptz, text, inet);
drop function app.auth_rotate_refresh_token(text, text, timestamptz, text, inet);
drop function app.auth_revoke_refresh_token(text);
drop function app.auth_api_key(text);
drop function app_private.auth_issue_refresh_token(uuid, uuid, text, timestamptz, text, inet);

-- ------------------------------------------------------------ the secret

-- One random key per database, drawn here. Only the owner reads it (no
-- grant, RLS forced with no policy): it makes the stand-in salts of unknown
-- emails, and keys the comparison of a password's key with its verifier.
create table app_private.auth_secret (
  id boolean primary key default true constraint auth_secret_id_check check (id),
  hmac_key bytea not null constraint auth_secret_hmac_key_check check (octet_length(hmac_key) = 32),
  created_at timestamptz not null default now()
);
alter table app_private.auth_secret enable row level security;
alter table app_private.auth_secret force row level security;
revoke all on app_private.auth_secret from public;
insert into app_private.auth_secret (hmac_key) values (public.gen_random_bytes(32));

-- HMAC-SHA-256 under the secret. Comparing two HMACs instead of two secrets
-- makes the comparison's timing independent of where the secrets differ.
create function app_private.auth_hmac(message bytea) returns bytea
  language sql stable strict
  set search_path = pg_catalog, public, pg_temp
  return (select public.hmac(message, s.hmac_key, 'sha256') from app_private.auth_secret s);

-- ---------------------------------------------------------- password hashes

-- The parts of a stored password hash, or nulls when it is none of ours or
-- its parameters are outside the bound (src/auth/passwords.ts reads the
-- same): N 2^14 or 2^15, r 8, p 1, a 16-byte salt, a 32-byte key.
-- `verifier` is SHA-256 of the scrypt key, whichever form is stored;
-- `sealed` is false for the earlier form, which stores the key itself.
create function app_private.password_hash_parts(
  stored text,
  out n integer,
  out r integer,
  out p integer,
  out salt bytea,
  out verifier bytea,
  out sealed boolean
)
  language plpgsql immutable strict parallel safe
  set search_path = pg_catalog, public, pg_temp
as $fn$
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
$fn$;

-- What sign-up and a rehash may store: the sealed form with today's
-- parameters (SCRYPT_PARAMS of src/auth/passwords.ts), nothing else, so no
-- caller can make a later sign-in cost more than a normal one.
create function app_private.is_current_password_hash(candidate text) returns boolean
  language sql immutable parallel safe
  set search_path = pg_catalog, public, pg_temp
  return coalesce((
    select h.sealed and h.n = 32768 and h.r = 8 and h.p = 1
      from app_private.password_hash_parts(candidate) h), false);

-- The sealed form of a readable stored hash (itself when sealed already),
-- null otherwise.
create function app_private.sealed_password_hash(stored text) returns text
  language sql immutable strict parallel safe
  set search_path = pg_catalog, public, pg_temp
  return (
    select format('scrypt$%s$%s$%s$%s$sha256:%s', h.n, h.r, h.p, encode(h.salt, 'base64'), encode(h.verifier, 'base64'))
      from app_private.password_hash_parts(stored) h
     where h.verifier is not null);

-- Every stored hash of the earlier form is sealed now: from here on no
-- stored value signs anyone in.
update users u set password_hash = app_private.sealed_password_hash(u.password_hash)
 where not (app_private.password_hash_parts(u.password_hash)).sealed;

-- ---------------------------------------------------------- refresh tokens

-- A new refresh token: drawn here (32 random bytes, base64url: what
-- REFRESH_TOKEN_PATTERN accepts), stored as its SHA-256 (hex), returned
-- once. New sessions start a family; a rotation continues its family.
create function app_private.auth_issue_refresh_token(
  account uuid,
  family uuid,
  new_expires_at timestamptz,
  client_user_agent text,
  client_ip inet,
  out token_id uuid,
  out token text
)
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
as $fn$
begin
  token := translate(encode(public.gen_random_bytes(32), 'base64'), '+/=', '-_');
  insert into refresh_tokens (user_id, token_hash, family_id, expires_at, user_agent, ip)
  values (account, encode(public.digest(token, 'sha256'), 'hex'), family, new_expires_at,
          left(client_user_agent, 512), client_ip)
  returning id into token_id;
end;
$fn$;

-- ------------------------------------------------------------------ sign-in

-- Step 1: the salt and scrypt parameters to derive the key for `account_email`
-- with. Always one row: for an unknown email, or an account without a
-- (readable) password, a salt derived from the email (always the same one)
-- with today's parameters, so the answer does not tell whether the account
-- exists. Never the hash.
create function app.auth_password_params(account_email text)
  returns table (salt text, n integer, r integer, p integer)
  language plpgsql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
as $fn$
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
$fn$;

-- Step 2: the key the API derived with those parameters. When its SHA-256 is
-- the stored verifier (compared under the secret's HMAC), and the account is
-- active, a session starts: a refresh token in a new family, drawn here.
-- `new_password_hash` replaces a hash whose parameters are outdated (the
-- API's needsRehash), only after the key matched and only with today's
-- parameters; a hash of the earlier form is sealed here without one.
-- Result: {"status": "signed_in", "user": {...}, "refreshToken": "..."},
-- {"status": "disabled", "userId": ...} (right password, disabled account)
-- or {"status": "invalid"}.
create function app.auth_sign_in(
  account_email text,
  password_key bytea,
  new_password_hash text,
  refresh_expires_at timestamptz,
  client_user_agent text,
  client_ip inet
) returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $fn$
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
$fn$;

-- ------------------------------------------------------------------ sign-up

-- A buyer or supplier account (admins come only from npm run user:create or
-- user:grant), with its profile, preferences and first session. The hash
-- must have today's parameters (app_private.is_current_password_hash).
-- Result: {"user": {...}, "refreshToken": "..."}, or null when the email is
-- taken.
create function app.auth_sign_up(
  new_email text,
  new_password_hash text,
  new_full_name text,
  new_company_name text,
  new_role app_role,
  refresh_expires_at timestamptz,
  client_user_agent text,
  client_ip inet
) returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $fn$
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
$fn$;

-- ------------------------------------------------------------ refresh, out

-- Rotation: the presented token is replaced by a new one of the same family,
-- drawn here. A token that was already rotated (or revoked) coming back
-- means two parties hold the family: every token of it is revoked, the
-- newest too. The row lock serialises concurrent refreshes of one token, so
-- exactly one of them rotates and the others count as reuse.
-- Result: {"status": "rotated", "user": {...}, "refreshToken": "..."} or
-- {"status": "invalid" | "expired" | "reused" | "revoked" | "disabled"}.
create function app.auth_rotate_refresh_token(
  presented_token text,
  next_expires_at timestamptz,
  client_user_agent text,
  client_ip inet
) returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $fn$
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
$fn$;

-- Sign-out: ends the session the presented token belongs to (its whole
-- family). True when the token was known.
create function app.auth_revoke_refresh_token(presented_token text) returns boolean
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $fn$
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
$fn$;

-- ------------------------------------------------------------------ API keys

-- The usable key `presented_key` is (`ll_<prefix>_<secret>`: its prefix
-- finds the row, its SHA-256 must be the stored one; not revoked, not
-- expired, owner active), with the owner's roles. No row otherwise: a
-- prefix alone tells nothing. (A plain comparison: its timing could only
-- tell bytes of a SHA-256 of 32 random bytes, which prove nothing here.)
create function app.auth_api_key(presented_key text)
  returns table (id uuid, user_id uuid, scopes text[], roles app_role[], expires_at timestamptz)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select k.id, k.user_id, k.scopes,
         coalesce((select array_agg(r.role order by r.role) from user_roles r where r.user_id = k.user_id),
                  '{}'::app_role[]),
         k.expires_at
    from api_keys k
    join users u on u.id = k.user_id
   where k.prefix = substring(presented_key from '^ll_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$')
     and k.key_hash = encode(public.digest(presented_key, 'sha256'), 'hex')
     and k.revoked_at is null
     and (k.expires_at is null or k.expires_at > now())
     and u.disabled_at is null
     and u.deleted_at is null;
end;

-- ------------------------------------------------ revocation is final (8)

-- refresh_tokens and api_keys: revoked_at, once set, stays as it is. For
-- everyone (admins may revoke, through 008's update grant, never restore);
-- the auth functions only ever set it where it is null.
create function app_private.tg__revocation_is_final() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
as $fn$
begin
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception '%.revoked_at is final: a revocation cannot be undone or changed', tg_table_name
      using errcode = 'LLAPP';
  end if;
  return new;
end;
$fn$;

create trigger _010_revocation_is_final before update of revoked_at on refresh_tokens
  for each row when (old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at)
  execute function app_private.tg__revocation_is_final();
create trigger _010_revocation_is_final before update of revoked_at on api_keys
  for each row when (old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at)
  execute function app_private.tg__revocation_is_final();

-- ---------------------------------------------------------------- grants

revoke execute on function
  app_private.auth_hmac(bytea),
  app_private.password_hash_parts(text),
  app_private.is_current_password_hash(text),
  app_private.sealed_password_hash(text),
  app_private.auth_issue_refresh_token(uuid, uuid, timestamptz, text, inet),
  app.auth_password_params(text),
  app.auth_sign_in(text, bytea, text, timestamptz, text, inet),
  app.auth_sign_up(text, text, text, text, app_role, timestamptz, text, inet),
  app.auth_rotate_refresh_token(text, timestamptz, text, inet),
  app.auth_revoke_refresh_token(text),
  app.auth_api_key(text),
  app_private.tg__revocation_is_final()
  from public;

-- Signing in, up and out, and refreshing, happen before the caller is known
-- (or while a previous session's token is still sent).
grant execute on function
  app.auth_password_params(text),
  app.auth_sign_in(text, bytea, text, timestamptz, text, inet),
  app.auth_sign_up(text, text, text, text, app_role, timestamptz, text, inet),
  app.auth_rotate_refresh_token(text, timestamptz, text, inet),
  app.auth_revoke_refresh_token(text)
  to anonymous, authenticated;
-- An API key is checked before its owner is known.
grant execute on function app.auth_api_key(text) to anonymous;
