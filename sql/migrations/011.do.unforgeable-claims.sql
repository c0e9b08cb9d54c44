set local role loomline_owner;
-- Claims a request cannot forge, admins that are sessions, order-party
-- questions about the caller only, and an audit trail that says who, how and
-- from where (security review, issue 8: findings 4, 2, 5 and 6).
--
-- Until now `request.jwt.claims` was whatever the transaction set: any SQL
-- run as a request role (one injection anywhere) could
-- `select set_config('request.jwt.claims', '{"roles":["admin"],…}', true)`,
-- and `reset role` works inside a request transaction too, so no role the
-- API login role can become may hold the answer. Here:
--
--   * the API signs the claims (HMAC-SHA256, src/db/identity.ts) with
--     DATABASE_CLAIMS_KEY, which the migrator stores in
--     app_private.claims_key, readable by the owner only;
--   * app.current_claims() (security definer, so it reads the key) returns
--     the claims only when `request.jwt.claims_hmac` is their HMAC and
--     `exp` (unix seconds) has not passed; otherwise null, i.e. nobody: no
--     user id, no role, default deny. Sessions that may act as the owner
--     (the migrator, a superuser: CLIs, seeds, jobs) could read the key and
--     sign anything, so their own claims need no signature;
--   * the signed claims also carry the request's provenance (the server's
--     request id, the client's address and own request id, the auth method
--     and API key id), which the audit trigger records from them: a request
--     role cannot rewrite it with set_config('request.id', …).
--
-- Every helper a policy calls goes through app.current_claims(), so the
-- policies are unchanged.

-- ------------------------------------------------------------- the key

-- One row. Starts as random bytes nobody knows (no claims verify) until the
-- migrator stores DATABASE_CLAIMS_KEY (src/db/migrator.ts, on every run).
-- No grant, and RLS forced with no policy: the request roles and the API
-- login role cannot read it; the owner (BYPASSRLS) and the migrator can.
create table app_private.claims_key (
  id boolean primary key default true constraint claims_key_id_check check (id),
  key bytea not null constraint claims_key_key_check check (octet_length(key) >= 32)
);
alter table app_private.claims_key enable row level security, force row level security;
revoke all on app_private.claims_key from public;
insert into app_private.claims_key (key) values (public.gen_random_bytes(32));

-- ------------------------------------------------------ verified claims

-- May this session act as the owner? Then it could read the key anyway.
-- session_user is the login role: no request can change it (SET SESSION
-- AUTHORIZATION needs a superuser's login).
create function app_private.is_trusted_session() returns boolean
  language sql stable parallel safe
  return pg_has_role(session_user, 'loomline_owner', 'MEMBER');

revoke all on function app_private.is_trusted_session() from public;

-- The claims of this transaction, if the API signed them and they have not
-- expired: request.jwt.claims, with request.jwt.claims_hmac the hex
-- HMAC-SHA256 of its text under the key. Null when unsigned (outside a
-- trusted session), badly signed or expired: nobody. PL/pgSQL: half the
-- time of the same in SQL (every call verifies; nothing a request role
-- could write can remember a verification). The hex comparison is a plain
-- text equality: what a matching prefix saves is nanoseconds under the
-- microseconds of one call, and comparing digests of both sides instead
-- cost a third more per call.
create or replace function app.current_claims() returns jsonb
  language plpgsql stable parallel safe security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

-- ------------------------------------------------- admins are sessions

-- An API key never acts as an admin, whoever owns it (src/graphql/auth-scopes.ts
-- refuses the `admin` scope to keys the same way): claims of a key carry
-- auth_method 'api_key' and its scopes, and either one is enough to say no.
create or replace function app.is_admin() returns boolean
  language sql stable parallel safe
  return coalesce(
    (select (c -> 'roles' ? 'admin') and not (c ? 'scopes') and (c ->> 'auth_method') is distinct from 'api_key'
       from (select app.current_claims()) as claims(c)),
    false);

-- ------------------------------------------------- identity once per call

-- Checking the signature makes each app.current_claims() call cost some
-- microseconds, so a helper called once per row is now felt. The narrowed
-- reads of 008 called them per row (order_amounts, supplier_contacts,
-- profile_phones in their WHERE; supplier_order_prices and quote_pricing
-- through a subquery the planner pulls up, once per reference and row:
-- some 200 calls for a buyer's page of 20 orders). Called as
-- `(select app.f())`, like in the policies, each is an InitPlan: once per
-- call of the function. Same rows, same columns.
create or replace function app.supplier_order_prices(supplier_order_ids uuid[])
  returns table (supplier_order_id uuid, buyer_price numeric, supplier_price numeric, margin numeric,
                 counter_offer_price numeric)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select so.id,
         case when c.admin or o.buyer_id = c.user_id then so.buyer_price end,
         case when c.admin or so.supplier_id = c.supplier_id then so.supplier_price end,
         case when c.admin then so.margin end,
         case when c.admin or so.supplier_id = c.supplier_id then so.counter_offer_price end
    from (select (select app.is_admin()) as admin, (select app.current_user_id()) as user_id,
                 (select app.current_supplier_id()) as supplier_id) c,
         public.supplier_orders so
    join public.orders o on o.id = so.buyer_order_id
   where so.id = any (supplier_order_ids)
     and (c.admin or o.buyer_id = c.user_id or so.supplier_id = c.supplier_id);
end;

create or replace function app.order_amounts(order_ids uuid[])
  returns table (order_id uuid, total_amount numeric)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select o.id, o.total_amount
    from public.orders o
   where o.id = any (order_ids)
     and ((select app.is_admin()) or o.buyer_id = (select app.current_user_id()));
end;

create or replace function app.quote_pricing(quote_ids uuid[])
  returns table (quote_id uuid, total_price numeric, quote_data jsonb, alternative_options jsonb,
                 base_cost numeric, specialty_cost numeric, admin_markup numeric)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select q.id,
         case when c.admin or q.requested_by = c.user_id then q.total_price end,
         case when c.admin or q.requested_by = c.user_id then q.quote_data end,
         case when c.admin or q.requested_by = c.user_id then q.alternative_options end,
         case when c.admin or q.assigned_supplier_id = c.supplier_id then q.base_cost end,
         case when c.admin or q.assigned_supplier_id = c.supplier_id then q.specialty_cost end,
         case when c.admin then q.admin_markup end
    from (select (select app.is_admin()) as admin, (select app.current_user_id()) as user_id,
                 (select app.current_supplier_id()) as supplier_id) c,
         public.quotes q
   where q.id = any (quote_ids)
     and (c.admin or q.requested_by = c.user_id or q.assigned_supplier_id = c.supplier_id);
end;

create or replace function app.supplier_contacts(supplier_ids uuid[])
  returns table (supplier_id uuid, address text, contact_email text, contact_phone text)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select s.id, s.address, s.contact_email, s.contact_phone
    from public.suppliers s
   where s.id = any (supplier_ids)
     and ((select app.is_admin()) or s.id in (select app.contact_supplier_ids()));
end;

create or replace function app.profile_phones(profile_ids uuid[])
  returns table (profile_id uuid, phone text)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select p.id, p.phone
    from public.profiles p
   where p.id = any (profile_ids)
     and ((select app.is_admin()) or p.id = (select app.current_user_id()));
end;

-- ------------------------------------------- order parties: the caller only

-- Is the caller a party to the order: its buyer, its supplier (assigned or
-- holding one of its supplier orders), or an admin? The same answers as
-- RLS (is_buyer_of, is_supplier_of, is_admin), never about someone else.
create function app.is_order_party(target_order uuid) returns boolean
  language sql stable
  set search_path = pg_catalog, public, app, pg_temp
  return app.is_admin() or app.is_buyer_of(target_order) or app.is_supplier_of(target_order);

revoke all on function app.is_order_party(uuid) from public;
grant execute on function app.is_order_party(uuid) to authenticated;

-- The two-argument form answered "is X an admin, or a party to Y?" for any
-- caller. It stays for the owner's sessions (scripts, seeds, the checks of
-- test/helpers/seed-invariants.ts); requests lose it.
revoke execute on function app.is_order_party(uuid, uuid) from authenticated;

-- A request sends as itself (insert_sender refuses any other sender, after
-- this trigger), so it is asked about the caller only: a sender other than
-- the caller is left to that policy, with the same 42501 whether or not
-- they are a party. Other writers (the owner's sessions) keep the check of
-- any sender.
create or replace function app_private.tg_messages__rules() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

-- ------------------------------------------------------ audit provenance

-- request_id is the server's id (the client's own x-request-id, when sane,
-- is client_request_id: correlation only); ip the client's address;
-- auth_method, api_key_id and actor_roles how the actor signed in and with
-- which roles. actor_role stays the database role of the writer.
alter table audit_log
  add column client_request_id text,
  add column auth_method text,
  add column api_key_id uuid,
  add column actor_roles text[];

-- Provenance comes from the verified claims. Only the owner's sessions (CLIs
-- such as npm run user:grant, which name their run in request.id) may name
-- it in plain settings, which a request role could set to anything.
create or replace function app_private.tg__audit() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, app_private, pg_temp
as $$
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
