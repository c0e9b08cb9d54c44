set local role loomline_owner;
-- The access matrix of DOMAIN.md ("Access rules"), enforced by Postgres for
-- the request roles: identity helpers, row policies for every table and
-- every operation the API performs, column grants, the column rules (money
-- and contact columns read through narrowed functions), the anonymous
-- tracking lookup, guards for admin-only columns, and the indexes the
-- policies filter on. sql/CONVENTIONS.md ("Access control") explains the
-- design; test/sql/rls-matrix.test.ts and policy-lint.test.ts hold it there.
--
-- Shapes used throughout, for the reasons TRAPS.md gives:
--   * identity helpers are called as `(select app.f())`: an InitPlan that runs
--     once per statement, not once per row;
--   * "rows of orders I am a party to" is `col in (select app.srf())`: one
--     security-definer set-returning function per statement, hashed. The
--     functions read past RLS, which also keeps policies from querying each
--     other's tables (orders <-> supplier_orders would otherwise recurse);
--   * every INSERT/UPDATE policy has an explicit WITH CHECK;
--   * policies come before the grants of their table; INSERT/UPDATE grants
--     list columns, so generated, derived and identity columns stay unwritable.
--
-- Admins, buyers and suppliers are all the `authenticated` database role
-- (their roles come from the signed claims), so what differs between them is
-- decided per row by policies and, for columns that differ per caller, by the
-- narrowed functions below; column grants only hold what no caller may do.

-- ======================================================= identity helpers

create function app.is_admin() returns boolean
  language sql stable parallel safe
  return app.has_role('admin');

-- The caller's supplier (suppliers.user_id), only while the claims carry the
-- supplier role: revoking the role revokes the supplier's access with the
-- next token. Security definer: policies on suppliers call it, and an
-- invoker function reading suppliers there would recurse into them.
create function app.current_supplier_id() returns uuid
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
  return (
    select s.id from public.suppliers s
     where s.user_id = app.current_user_id() and app.has_role('supplier')
  );

-- The caller's supplier when it may write marketplace listings: verified
-- and allowed by an admin (can_list_products). Null otherwise.
create function app.current_listing_supplier_id() returns uuid
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
  return (
    select s.id from public.suppliers s
     where s.user_id = app.current_user_id() and app.has_role('supplier')
       and s.can_list_products and s.verification_status = 'verified'
  );

-- ------------------------------------------- sets for `col in (select ...)`

-- Orders the caller bought.
create function app.orders_as_buyer() returns setof uuid
  language sql stable security definer rows 100
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select o.id from public.orders o where o.buyer_id = app.current_user_id();
end;

-- Orders the caller's supplier works on: assigned (orders.supplier_id) or
-- holding one of its supplier orders (pending ones included: a factory must
-- see an order to answer for it).
create function app.orders_as_supplier() returns setof uuid
  language sql stable security definer rows 100
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select o.id from public.orders o where o.supplier_id = app.current_supplier_id()
  union
  select so.buyer_order_id from public.supplier_orders so where so.supplier_id = app.current_supplier_id();
end;

-- Supplier orders of the orders the caller bought.
create function app.supplier_orders_as_buyer() returns setof uuid
  language sql stable security definer rows 100
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select so.id from public.supplier_orders so
    join public.orders o on o.id = so.buyer_order_id
   where o.buyer_id = app.current_user_id();
end;

-- Supplier orders of the caller's supplier.
create function app.supplier_orders_as_supplier() returns setof uuid
  language sql stable security definer rows 100
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select so.id from public.supplier_orders so where so.supplier_id = app.current_supplier_id();
end;

-- Suppliers on the orders the caller bought (assigned or with a supplier order).
create function app.suppliers_of_my_orders() returns setof uuid
  language sql stable security definer rows 20
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select o.supplier_id from public.orders o
   where o.buyer_id = app.current_user_id() and o.supplier_id is not null
  union
  select so.supplier_id from public.supplier_orders so
    join public.orders o on o.id = so.buyer_order_id
   where o.buyer_id = app.current_user_id();
end;

-- People the caller shares an order with, on the other side of it: the
-- owners of the suppliers on the caller's orders, and the buyers of the
-- orders the caller's supplier works on.
create function app.counterparty_user_ids() returns setof uuid
  language sql stable security definer rows 50
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select s.user_id from public.suppliers s
   where s.id in (select app.suppliers_of_my_orders()) and s.user_id is not null
  union
  select o.buyer_id from public.orders o
   where o.id in (select app.orders_as_supplier()) and o.buyer_id is not null;
end;

-- People who wrote to the caller (so the caller may answer). Definer: a
-- policy on messages cannot query messages under its own policies.
create function app.correspondent_user_ids() returns setof uuid
  language sql stable security definer rows 20
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select distinct m.sender_id from public.messages m
   where m.recipient_id = app.current_user_id() and m.sender_id is not null;
end;

-- Suppliers whose contact fields the caller may read (DOMAIN.md): its own,
-- and those of the caller's orders that accepted them — a supplier order
-- accepted, or an order assigned to the supplier that the platform went
-- ahead with (past submitted and not cancelled).
create function app.contact_supplier_ids() returns setof uuid
  language sql stable security definer rows 20
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select app.current_supplier_id() where app.current_supplier_id() is not null
  union
  select so.supplier_id from public.supplier_orders so
    join public.orders o on o.id = so.buyer_order_id
   where o.buyer_id = app.current_user_id() and so.acceptance_status = 'accepted'
  union
  select o.supplier_id from public.orders o
   where o.buyer_id = app.current_user_id() and o.supplier_id is not null
     and o.status not in ('draft', 'submitted', 'cancelled');
end;

-- ---------------------------------------- yes/no questions, for the API

-- The GraphQL layer refuses early with these (one row argument each); policies
-- use the sets above instead, which run once per statement, not per row.
create function app.is_buyer_of(target_order uuid) returns boolean
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
  return exists (select from public.orders o where o.id = target_order and o.buyer_id = app.current_user_id());

create function app.is_supplier_of(target_order uuid) returns boolean
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
  return exists (
    select from public.orders o
     where o.id = target_order and o.supplier_id = app.current_supplier_id())
    or exists (
    select from public.supplier_orders so
     where so.buyer_order_id = target_order and so.supplier_id = app.current_supplier_id());

create function app.shares_order_with(other_user uuid) returns boolean
  language sql stable
  set search_path = pg_catalog, public, app, pg_temp
  return other_user in (select app.counterparty_user_ids());

create function app.has_accepted_order_with(target_supplier uuid) returns boolean
  language sql stable
  set search_path = pg_catalog, public, app, pg_temp
  return target_supplier in (select app.contact_supplier_ids());

-- ============================================== column rules: narrowed reads
--
-- Postgres column privileges are per role, and admins, buyers and suppliers
-- share the `authenticated` role. So the columns whose visibility depends on
-- who asks are not selectable by the request roles at all; these functions
-- return them for a batch of ids (one statement per page, for a DataLoader),
-- with a row only where the caller may read the row, and with the columns the
-- caller may not see set to null. Security definer (they read past the
-- column grants), so each repeats its row check explicitly.

-- supplier_orders: a supplier never sees buyer_price or margin, a buyer never
-- sees supplier_price, margin or the supplier's counter-offer price (the
-- supplier side of the deal); admins see all.
create function app.supplier_order_prices(supplier_order_ids uuid[])
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
    from (select app.is_admin() as admin, app.current_user_id() as user_id,
                 app.current_supplier_id() as supplier_id) c,
         public.supplier_orders so
    join public.orders o on o.id = so.buyer_order_id
   where so.id = any (supplier_order_ids)
     and (c.admin or o.buyer_id = c.user_id or so.supplier_id = c.supplier_id);
end;

-- orders.total_amount is the buyer's price: the order's buyer and admins.
-- (A supplier who saw it would know buyer_price, and its margin.)
create function app.order_amounts(order_ids uuid[])
  returns table (order_id uuid, total_amount numeric)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select o.id, o.total_amount
    from public.orders o
   where o.id = any (order_ids)
     and (app.is_admin() or o.buyer_id = app.current_user_id());
end;

-- quotes: the estimate the buyer sees (total_price, quote_data,
-- alternative_options) goes to its requester and admins; the cost side
-- (base_cost, specialty_cost) to the assigned supplier and admins; the
-- platform's markup to admins only — the supplier_orders rule, for quotes.
create function app.quote_pricing(quote_ids uuid[])
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
    from (select app.is_admin() as admin, app.current_user_id() as user_id,
                 app.current_supplier_id() as supplier_id) c,
         public.quotes q
   where q.id = any (quote_ids)
     and (c.admin or q.requested_by = c.user_id or q.assigned_supplier_id = c.supplier_id);
end;

-- suppliers' encrypted contact fields (ciphertext; the application decrypts):
-- the supplier itself, admins, buyers with an accepted order with it.
create function app.supplier_contacts(supplier_ids uuid[])
  returns table (supplier_id uuid, address text, contact_email text, contact_phone text)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select s.id, s.address, s.contact_email, s.contact_phone
    from public.suppliers s
   where s.id = any (supplier_ids)
     and (app.is_admin() or s.id in (select app.contact_supplier_ids()));
end;

-- profiles.phone: counterparties see names only; the phone is the person's
-- own and admins'.
create function app.profile_phones(profile_ids uuid[])
  returns table (profile_id uuid, phone text)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select p.id, p.phone
    from public.profiles p
   where p.id = any (profile_ids)
     and (app.is_admin() or p.id = app.current_user_id());
end;

-- ==================================================== public order tracking

-- The public tracking link (orders.tracking_token): anyone holding the token
-- sees the narrow view — no ids of people, no prices, no notes. Per stage
-- number, across the order's live supplier orders: completion averaged (as
-- orders.stage_progress) and one status (completed when every supplier
-- order completed it, delayed when any is delayed, in progress when any has
-- started). A wrong or malformed token returns no row, like an unknown one.
create function app.order_by_tracking_token(token text)
  returns table (
    order_number text, status order_status, current_stage integer, stages jsonb,
    target_date date, expected_delivery_date date, actual_delivery_date date, updated_at timestamptz)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select o.order_number, o.status, o.current_stage,
         coalesce((
           select jsonb_agg(jsonb_build_object(
                    'stageNumber', s.stage_number,
                    'stageName', s.stage_name,
                    'status', s.status,
                    'completionPercentage', s.completion) order by s.stage_number)
             from (
               select ps.stage_number,
                      min(ps.stage_name) as stage_name,
                      round(avg(ps.completion_percentage), 2) as completion,
                      case
                        when bool_and(ps.status = 'completed') then 'completed'
                        when bool_or(ps.status = 'delayed') then 'delayed'
                        when bool_or(ps.status in ('in_progress', 'completed')) then 'in_progress'
                        else 'pending'
                      end as status
                 from public.production_stages ps
                 join public.supplier_orders so on so.id = ps.supplier_order_id
                where so.buyer_order_id = o.id and so.status not in ('rejected', 'cancelled')
                group by ps.stage_number) s), '[]'::jsonb),
         o.target_date, o.expected_delivery_date, o.actual_delivery_date, o.updated_at
    from public.orders o
   where o.tracking_token = token
     and length(token) between 16 and 128;
end;

-- ======================================================= guard triggers
--
-- Column grants are per role, and admins share `authenticated` with buyers
-- and suppliers: a column an admin may change is granted to all of them.
-- These BEFORE triggers narrow it back for non-admin requests. They fire on
-- `update of <columns>` — whenever the statement names the column, changed
-- or not — so a non-admin cannot even assign a column's current value (which
-- would otherwise confirm a guess of a value it cannot read, like
-- buyer_price). Named _005_ so they run before the workflow triggers and
-- see what the caller asked for.

-- current_user is the request role only in a request: inside the
-- security-definer triggers of 005 (which write derived columns on the
-- caller's behalf), in jobs and in seeds it is the owner, and nothing is guarded.
create function app_private.tg__admin_only_columns() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
begin
  if current_user in ('anonymous', 'authenticated') and not app.is_admin() then
    raise exception 'only an administrator may change % (columns: %)', tg_table_name, array_to_string(tg_argv, ', ')
      using errcode = '42501';
  end if;
  return new;
end;
$$;

-- A status-like column a non-admin may move only to the listed values
-- (argument 1: the column; the rest: the values). Workflow triggers of 005
-- still decide whether the transition itself is valid.
create function app_private.tg__non_admin_transitions() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

-- Every function of this file is revoked from PUBLIC explicitly (the default
-- privileges of 001 already do, but the grant list below must be the whole
-- truth), then granted to the request roles that need it.
revoke execute on function
  app.is_admin(),
  app.current_supplier_id(),
  app.current_listing_supplier_id(),
  app.orders_as_buyer(),
  app.orders_as_supplier(),
  app.supplier_orders_as_buyer(),
  app.supplier_orders_as_supplier(),
  app.suppliers_of_my_orders(),
  app.counterparty_user_ids(),
  app.correspondent_user_ids(),
  app.contact_supplier_ids(),
  app.is_buyer_of(uuid),
  app.is_supplier_of(uuid),
  app.shares_order_with(uuid),
  app.has_accepted_order_with(uuid),
  app.supplier_order_prices(uuid[]),
  app.order_amounts(uuid[]),
  app.quote_pricing(uuid[]),
  app.supplier_contacts(uuid[]),
  app.profile_phones(uuid[]),
  app.order_by_tracking_token(text),
  app_private.tg__admin_only_columns(),
  app_private.tg__non_admin_transitions()
  from public;

-- Helpers the policies and guard triggers evaluate for either request role.
grant execute on function
  app.is_admin(),
  app.current_supplier_id(),
  app.current_listing_supplier_id(),
  app.orders_as_buyer(),
  app.orders_as_supplier(),
  app.supplier_orders_as_buyer(),
  app.supplier_orders_as_supplier(),
  app.suppliers_of_my_orders(),
  app.counterparty_user_ids(),
  app.correspondent_user_ids(),
  app.contact_supplier_ids(),
  app.order_by_tracking_token(text)
  to anonymous, authenticated;
-- The CHECK constraints of 002 call these (immutable, pure) functions, and a
-- CHECK runs with the writer's privileges: without them no request could
-- write a URL, an email, a ciphertext or a saved-search filter.
grant execute on function
  app_private.is_http_url(text),
  app_private.are_http_urls(text[]),
  app_private.is_email(text),
  app_private.is_ciphertext(text),
  app_private.is_listing_filter(jsonb)
  to anonymous, authenticated;
-- Only a signed-in caller can be a party to anything.
grant execute on function
  app.is_buyer_of(uuid),
  app.is_supplier_of(uuid),
  app.shares_order_with(uuid),
  app.has_accepted_order_with(uuid),
  app.supplier_order_prices(uuid[]),
  app.order_amounts(uuid[]),
  app.quote_pricing(uuid[]),
  app.supplier_contacts(uuid[]),
  app.profile_phones(uuid[])
  to authenticated;

-- Prisma's create sends every column that has a default in the Prisma
-- schema (status, counters, version, timestamps, ...) with that default's
-- value, so those columns must be insertable. This BEFORE INSERT guard gives
-- the insert grants their meaning back: in a request, created_at/updated_at
-- are the server's clock, and each listed column must hold its column
-- default (read from the catalog, so the list never restates a default).
-- Argument 1: 'server' (derived columns: no request may set them) or
-- 'admin' (admin-only columns: admins may); the rest: the columns.
create function app_private.tg__request_insert_defaults() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
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
$$;

revoke execute on function app_private.tg__request_insert_defaults() from public;

-- ========================================================= policies, grants

-- ------------------------------------------------------------------ users
-- Sign-up, sign-in and erasure go through the security-definer functions of
-- the auth migration; requests only read. password_hash is never readable.
create policy select_own on users for select to authenticated
  using (id = (select app.current_user_id()));
create policy select_admin on users for select to authenticated
  using ((select app.is_admin()));
grant select (id, email, email_verified_at, last_sign_in_at, disabled_at, deleted_at, created_at, updated_at)
  on users to authenticated;

-- --------------------------------------------------------------- profiles
create policy select_own on profiles for select to authenticated
  using (id = (select app.current_user_id()));
-- Names of the people on the other side of the caller's orders.
create policy select_counterparty on profiles for select to authenticated
  using (id in (select app.counterparty_user_ids()));
create policy update_own on profiles for update to authenticated
  using (id = (select app.current_user_id()))
  with check (id = (select app.current_user_id()));
create policy all_admin on profiles for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
-- Created at sign-up (007). phone: through app.profile_phones().
grant select (id, full_name, company_name, avatar_url, timezone, created_at, updated_at) on profiles to authenticated;
grant update (full_name, company_name, phone, avatar_url, timezone) on profiles to authenticated;

-- ------------------------------------------------------------- user_roles
-- Granted at sign-up (007); admins grant and revoke buyer and supplier
-- (grantRole/revokeRole, audited by 005). The admin role itself only comes
-- from the CLI (user:grant): no request, not even an admin's, can make or
-- unmake an admin, so a stolen admin session cannot mint more.
create policy select_own on user_roles for select to authenticated
  using (user_id = (select app.current_user_id()));
create policy select_admin on user_roles for select to authenticated
  using ((select app.is_admin()));
create policy insert_admin on user_roles for insert to authenticated
  with check ((select app.is_admin()) and role <> 'admin');
create policy delete_admin on user_roles for delete to authenticated
  using ((select app.is_admin()) and role <> 'admin');
grant select on user_roles to authenticated;
grant insert (user_id, role, created_at, updated_at) on user_roles to authenticated;
grant delete on user_roles to authenticated;
create trigger _001_server_defaults before insert on user_roles
  for each row execute function app_private.tg__request_insert_defaults('server');

-- --------------------------------------------------------- refresh_tokens
-- Issued, rotated and revoked by the auth functions (007); a user lists their
-- own sessions, an admin may also end one. token_hash is never readable.
create policy select_own on refresh_tokens for select to authenticated
  using (user_id = (select app.current_user_id()));
create policy select_admin on refresh_tokens for select to authenticated
  using ((select app.is_admin()));
create policy update_admin on refresh_tokens for update to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select (id, user_id, family_id, expires_at, revoked_at, replaced_by, user_agent, ip, created_at, updated_at)
  on refresh_tokens to authenticated;
grant update (revoked_at) on refresh_tokens to authenticated;

-- --------------------------------------------------------------- api_keys
-- Created and revoked by the auth functions (007: they cap a user's active
-- keys); read here. key_hash is never readable. An admin may revoke any key.
create policy select_own on api_keys for select to authenticated
  using (user_id = (select app.current_user_id()));
create policy select_admin on api_keys for select to authenticated
  using ((select app.is_admin()));
create policy update_admin on api_keys for update to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select (id, user_id, name, prefix, scopes, last_used_at, expires_at, revoked_at, created_at, updated_at)
  on api_keys to authenticated;
grant update (revoked_at) on api_keys to authenticated;

-- -------------------------------------------------------------- api_usage
-- Append-only, written outside requests (the usage recorder); read here.
create policy select_own on api_usage for select to authenticated
  using (user_id = (select app.current_user_id()));
create policy select_admin on api_usage for select to authenticated
  using ((select app.is_admin()));
grant select on api_usage to authenticated;

-- ------------------------------------------------------- user_preferences
-- Created at sign-up (007).
create policy select_own on user_preferences for select to authenticated
  using (user_id = (select app.current_user_id()));
create policy update_own on user_preferences for update to authenticated
  using (user_id = (select app.current_user_id()))
  with check (user_id = (select app.current_user_id()));
create policy select_admin on user_preferences for select to authenticated
  using ((select app.is_admin()));
grant select on user_preferences to authenticated;
grant update (locale, notification_settings) on user_preferences to authenticated;

-- -------------------------------------------------------------- suppliers
-- select_verified (006) stays: verified suppliers' public fields, for all.
create policy select_own on suppliers for select to authenticated
  using (user_id = (select app.current_user_id()));
-- A buyer keeps seeing the suppliers of their orders, verified or not.
create policy select_of_my_orders on suppliers for select to authenticated
  using (id in (select app.suppliers_of_my_orders()));
-- Onboarding: a supplier registers its own company (unverified: _002_admin_defaults).
create policy insert_own on suppliers for insert to authenticated
  with check (user_id = (select app.current_user_id()) and (select app.has_role('supplier')));
create policy update_own on suppliers for update to authenticated
  using (id = (select app.current_supplier_id()))
  with check (id = (select app.current_supplier_id()));
create policy all_admin on suppliers for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
-- user_id is readable so a buyer can address a message to the supplier.
grant select (user_id) on suppliers to anonymous, authenticated;
-- address, contact_email, contact_phone: through app.supplier_contacts().
grant insert (
  user_id, company_name, business_type, country, city, address, contact_email, contact_phone,
  production_capacity_monthly, minimum_order_quantity, lead_time_days, specializations,
  verification_status, tier, can_list_products, rating, total_orders, on_time_delivery_rate, created_at, updated_at
) on suppliers to authenticated;
create trigger _001_server_defaults before insert on suppliers
  for each row execute function app_private.tg__request_insert_defaults(
    'server', 'rating', 'total_orders', 'on_time_delivery_rate');
-- A new supplier is unverified, standard, and cannot list until an admin says so.
create trigger _002_admin_defaults before insert on suppliers
  for each row execute function app_private.tg__request_insert_defaults(
    'admin', 'verification_status', 'tier', 'can_list_products');
-- rating, total_orders and on_time_delivery_rate are computed by jobs: not granted.
grant update (
  company_name, business_type, country, city, address, contact_email, contact_phone,
  production_capacity_monthly, minimum_order_quantity, lead_time_days, specializations,
  verification_status, tier, can_list_products
) on suppliers to authenticated;
create trigger _005_admin_only_columns before update of verification_status, tier, can_list_products on suppliers
  for each row execute function app_private.tg__admin_only_columns('verification_status', 'tier', 'can_list_products');

-- --------------------------------------------------------------- products
-- The supplier's internal catalog: its own and admins'.
create policy select_own on products for select to authenticated
  using (supplier_id = (select app.current_supplier_id()));
create policy insert_own on products for insert to authenticated
  with check (supplier_id = (select app.current_supplier_id()));
create policy update_own on products for update to authenticated
  using (supplier_id = (select app.current_supplier_id()))
  with check (supplier_id = (select app.current_supplier_id()));
create policy delete_own on products for delete to authenticated
  using (supplier_id = (select app.current_supplier_id()));
create policy all_admin on products for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select on products to authenticated;
grant insert (
  supplier_id, name, category, description, base_price, featured, minimum_order, available_colors,
  available_sizes, lead_time_days, created_at, updated_at
) on products to authenticated;
create trigger _001_server_defaults before insert on products
  for each row execute function app_private.tg__request_insert_defaults('server');
grant update (
  name, category, description, base_price, featured, minimum_order, available_colors, available_sizes,
  lead_time_days
) on products to authenticated;
grant delete on products to authenticated;

-- --------------------------------------------------- marketplace_products
-- select_approved (006) stays: approved listings, for all.
create policy select_own on marketplace_products for select to authenticated
  using (supplier_id = (select app.current_supplier_id()));
-- Writing needs a verified supplier allowed to list (can_list_products).
-- New listings start as drafts or go straight to review; approval is an admin's.
create policy insert_own on marketplace_products for insert to authenticated
  with check (
    supplier_id = (select app.current_listing_supplier_id())
    and status in ('draft', 'pending_approval'));
create policy update_own on marketplace_products for update to authenticated
  using (supplier_id = (select app.current_listing_supplier_id()))
  with check (supplier_id = (select app.current_listing_supplier_id()));
-- Only listings that were never public: order items and reservations may
-- refer to the others (archive them instead).
create policy delete_own on marketplace_products for delete to authenticated
  using (supplier_id = (select app.current_listing_supplier_id()) and status in ('draft', 'rejected'));
create policy all_admin on marketplace_products for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
-- Not writable by requests: the generated columns, reserved_quantity (stock
-- reservations), the review stamps (approval trigger), the counters
-- (insertable only as their defaults, for Prisma: _001_server_defaults).
grant insert (
  supplier_id, product_type, title, description, category, subcategory, slug, base_price, stock_quantity, moq,
  unit, images, primary_image, video_url, sizes, colors, material, gsm, fabric_composition, attributes,
  lead_time_days, shipping_from, shipping_weight_kg, status, meta_keywords, meta_description,
  platform_fee_percentage, is_featured, reserved_quantity, views, inquiries, sales, created_at, updated_at
) on marketplace_products to authenticated;
create trigger _001_server_defaults before insert on marketplace_products
  for each row execute function app_private.tg__request_insert_defaults(
    'server', 'reserved_quantity', 'views', 'inquiries', 'sales');
create trigger _002_admin_defaults before insert on marketplace_products
  for each row execute function app_private.tg__request_insert_defaults('admin', 'platform_fee_percentage', 'is_featured');
-- supplier_id is updatable so an admin can move a listing; update_own's WITH
-- CHECK keeps a supplier's listing its own.
grant update (
  supplier_id, product_type, title, description, category, subcategory, slug, base_price, stock_quantity, moq,
  unit, images, primary_image, video_url, sizes, colors, material, gsm, fabric_composition, attributes,
  lead_time_days, shipping_from, shipping_weight_kg, status, meta_keywords, meta_description,
  platform_fee_percentage, rejection_reason, admin_feedback, quality_score, is_featured, featured_until
) on marketplace_products to authenticated;
grant delete on marketplace_products to authenticated;
create trigger _005_admin_only_columns
  before update of platform_fee_percentage, rejection_reason, admin_feedback, quality_score, is_featured,
    featured_until on marketplace_products
  for each row execute function app_private.tg__admin_only_columns(
    'platform_fee_percentage', 'rejection_reason', 'admin_feedback', 'quality_score', 'is_featured', 'featured_until');
-- A supplier submits, withdraws and archives; approving and rejecting is review.
create trigger _005_status_by_supplier before update of status on marketplace_products
  for each row execute function app_private.tg__non_admin_transitions('status', 'draft', 'pending_approval', 'archived');

-- ----------------------------------------------------- stock_reservations
-- A buyer holds stock for one of their orders and may release it;
-- committing it is the platform's (payment / confirmation).
create policy select_own on stock_reservations for select to authenticated
  using (reserved_by = (select app.current_user_id()) or order_id in (select app.orders_as_buyer()));
-- The supplier sees the holds on its listings (its stock).
create policy select_supplier on stock_reservations for select to authenticated
  using (marketplace_product_id in (
    select mp.id from marketplace_products mp where mp.supplier_id = (select app.current_supplier_id())));
-- A hold must expire (within a day), or abandoned carts would lock stock.
create policy insert_own on stock_reservations for insert to authenticated
  with check (
    reserved_by = (select app.current_user_id())
    and order_id in (select app.orders_as_buyer())
    and expires_at <= now() + interval '1 day');
create policy update_own on stock_reservations for update to authenticated
  using (reserved_by = (select app.current_user_id()))
  with check (reserved_by = (select app.current_user_id()));
create policy all_admin on stock_reservations for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select on stock_reservations to authenticated;
-- status: a reservation starts held (005's reserve trigger insists).
grant insert (marketplace_product_id, order_id, reserved_by, quantity, expires_at, status, created_at, updated_at)
  on stock_reservations to authenticated;
create trigger _001_server_defaults before insert on stock_reservations
  for each row execute function app_private.tg__request_insert_defaults('server');
grant update (status) on stock_reservations to authenticated;
create trigger _005_status_by_buyer before update of status on stock_reservations
  for each row execute function app_private.tg__non_admin_transitions('status', 'released');

-- ------------------------------------------------------- factory_capacity
create policy select_own on factory_capacity for select to authenticated
  using (supplier_id = (select app.current_supplier_id()));
create policy insert_own on factory_capacity for insert to authenticated
  with check (supplier_id = (select app.current_supplier_id()));
create policy update_own on factory_capacity for update to authenticated
  using (supplier_id = (select app.current_supplier_id()))
  with check (supplier_id = (select app.current_supplier_id()));
create policy delete_own on factory_capacity for delete to authenticated
  using (supplier_id = (select app.current_supplier_id()));
create policy all_admin on factory_capacity for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select on factory_capacity to authenticated;
grant insert (supplier_id, date, capacity_units, booked_units, created_at, updated_at) on factory_capacity to authenticated;
create trigger _001_server_defaults before insert on factory_capacity
  for each row execute function app_private.tg__request_insert_defaults('server');
grant update (capacity_units, booked_units) on factory_capacity to authenticated;
grant delete on factory_capacity to authenticated;

-- ---------------------------------------------- capacity_utilization_logs
-- Append-only (005 refuses updates): read and append.
create policy select_own on capacity_utilization_logs for select to authenticated
  using (supplier_id = (select app.current_supplier_id()));
create policy insert_own on capacity_utilization_logs for insert to authenticated
  with check (supplier_id = (select app.current_supplier_id()));
create policy select_admin on capacity_utilization_logs for select to authenticated
  using ((select app.is_admin()));
create policy insert_admin on capacity_utilization_logs for insert to authenticated
  with check ((select app.is_admin()));
grant select on capacity_utilization_logs to authenticated;
grant insert (supplier_id, date, utilization_pct, note, created_at, updated_at) on capacity_utilization_logs to authenticated;
create trigger _001_server_defaults before insert on capacity_utilization_logs
  for each row execute function app_private.tg__request_insert_defaults('server');

-- ---------------------------------------------------------------- designs
create policy select_own on designs for select to authenticated
  using (owner_id = (select app.current_user_id()));
create policy select_public on designs for select to authenticated
  using (is_public);
create policy insert_own on designs for insert to authenticated
  with check (owner_id = (select app.current_user_id()));
create policy update_own on designs for update to authenticated
  using (owner_id = (select app.current_user_id()))
  with check (owner_id = (select app.current_user_id()));
create policy delete_own on designs for delete to authenticated
  using (owner_id = (select app.current_user_id()));
create policy all_admin on designs for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select on designs to authenticated;
grant insert (owner_id, title, description, customization, image_urls, is_public, created_at, updated_at)
  on designs to authenticated;
create trigger _001_server_defaults before insert on designs
  for each row execute function app_private.tg__request_insert_defaults('server');
grant update (title, description, customization, image_urls, is_public) on designs to authenticated;
grant delete on designs to authenticated;

-- ----------------------------------------------------------------- quotes
-- Anonymous visitors may only create (the API rate-limits it) and cannot
-- read back: the API returns the estimate it computed itself, and inserts
-- without RETURNING (Prisma createMany, or $executeRaw, with an id it made).
create policy insert_anonymous on quotes for insert to anonymous
  with check (requested_by is null and status in ('draft', 'sent'));
create policy select_own on quotes for select to authenticated
  using (requested_by = (select app.current_user_id()));
create policy select_assigned on quotes for select to authenticated
  using (assigned_supplier_id = (select app.current_supplier_id()));
-- A referenced design must be one the caller can read (own or public).
create policy insert_own on quotes for insert to authenticated
  with check (
    requested_by = (select app.current_user_id())
    and status in ('draft', 'sent')
    and (design_id is null or design_id in (select d.id from designs d)));
-- The requester answers a sent quote (accepted / rejected); nothing else.
create policy update_own on quotes for update to authenticated
  using (requested_by = (select app.current_user_id()))
  with check (requested_by = (select app.current_user_id()));
create policy all_admin on quotes for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
-- total_price, quote_data, alternative_options, base_cost, specialty_cost and
-- admin_markup: through app.quote_pricing().
grant select (
  id, customer_email, customer_name, phone_number, country, session_id, requested_by, design_id, product_type,
  quantity, complexity_level, fabric_type, additional_requirements, estimated_delivery_days, suggestions, status,
  lead_status, lead_notes, specialty_sourcing_required, production_route, specialty_notes, assigned_supplier_id,
  assigned_at, assigned_by, converted_to_order_id, created_at, updated_at
) on quotes to authenticated;
-- The estimate is computed by the API's pricing model and stored with the request.
grant insert (
  customer_email, customer_name, phone_number, country, session_id, product_type, quantity, complexity_level,
  fabric_type, additional_requirements, quote_data, total_price, estimated_delivery_days, suggestions,
  alternative_options, specialty_sourcing_required, production_route, specialty_notes, base_cost,
  specialty_cost, status, lead_status, id, created_at, updated_at
) on quotes to anonymous, authenticated;
grant insert (requested_by, design_id) on quotes to authenticated;
create trigger _001_server_defaults before insert on quotes
  for each row execute function app_private.tg__request_insert_defaults('server');
create trigger _002_admin_defaults before insert on quotes
  for each row execute function app_private.tg__request_insert_defaults('admin', 'lead_status');
grant update (
  status, lead_status, lead_notes, admin_markup, total_price, quote_data, suggestions, alternative_options,
  estimated_delivery_days, base_cost, specialty_cost, specialty_notes, production_route,
  specialty_sourcing_required, assigned_supplier_id, assigned_at, assigned_by, converted_to_order_id
) on quotes to authenticated;
create trigger _005_admin_only_columns
  before update of lead_status, lead_notes, admin_markup, total_price, quote_data, suggestions, alternative_options,
    estimated_delivery_days, base_cost, specialty_cost, specialty_notes, production_route,
    specialty_sourcing_required, assigned_supplier_id, assigned_at, assigned_by, converted_to_order_id on quotes
  for each row execute function app_private.tg__admin_only_columns(
    'lead_status', 'lead_notes', 'admin_markup', 'total_price', 'quote_data', 'suggestions', 'alternative_options',
    'estimated_delivery_days', 'base_cost', 'specialty_cost', 'specialty_notes', 'production_route',
    'specialty_sourcing_required', 'assigned_supplier_id', 'assigned_at', 'assigned_by', 'converted_to_order_id');
create trigger _005_status_by_requester before update of status on quotes
  for each row execute function app_private.tg__non_admin_transitions('status', 'accepted', 'rejected');

-- ----------------------------------------------------------------- orders
-- Anonymous visitors: app.order_by_tracking_token() only.
create policy select_buyer on orders for select to authenticated
  using (buyer_id = (select app.current_user_id()));
create policy select_supplier on orders for select to authenticated
  using (id in (select app.orders_as_supplier()));
-- A buyer places orders for themselves, unassigned; a quote named must be theirs.
create policy insert_buyer on orders for insert to authenticated
  with check (
    buyer_id = (select app.current_user_id())
    and (select app.has_role('buyer'))
    and status in ('draft', 'submitted')
    and (quote_id is null or quote_id in (
      select q.id from quotes q where q.requested_by = (select app.current_user_id()))));
-- The buyer submits, cancels, confirms delivery, edits notes and the target
-- date; everything else about an order is the platform's.
create policy update_buyer on orders for update to authenticated
  using (buyer_id = (select app.current_user_id()))
  with check (buyer_id = (select app.current_user_id()));
create policy all_admin on orders for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
-- total_amount: through app.order_amounts().
grant select (
  id, order_number, buyer_id, supplier_id, quote_id, product_type, quantity, status, payment_status, target_date,
  expected_delivery_date, actual_delivery_date, notes, cancellation_reason, current_stage, stage_progress,
  tracking_token, currency, version, created_at, updated_at
) on orders to authenticated;
-- Never written by requests: order_number, tracking_token (not granted),
-- payment_status, stage_progress and version (insertable only as their
-- defaults, for Prisma), current_stage (triggers).
grant insert (
  buyer_id, quote_id, product_type, quantity, status, target_date, notes, currency, total_amount,
  payment_status, stage_progress, version, created_at, updated_at
) on orders to authenticated;
create trigger _001_server_defaults before insert on orders
  for each row execute function app_private.tg__request_insert_defaults(
    'server', 'payment_status', 'stage_progress', 'version');
-- version is the optimistic lock: `set version = <the version read>` is a
-- compare, not a write — the 005 trigger refuses any other value (LLCNF) and
-- increments it itself.
grant update (
  notes, target_date, status, cancellation_reason, version,
  supplier_id, expected_delivery_date, actual_delivery_date, total_amount
) on orders to authenticated;
create trigger _005_admin_only_columns
  before update of supplier_id, expected_delivery_date, actual_delivery_date, total_amount on orders
  for each row execute function app_private.tg__admin_only_columns(
    'supplier_id', 'expected_delivery_date', 'actual_delivery_date', 'total_amount');
create trigger _005_status_by_buyer before update of status on orders
  for each row execute function app_private.tg__non_admin_transitions('status', 'submitted', 'cancelled', 'delivered');

-- ------------------------------------------------------------ order_items
-- The buyer's side of an order, with the buyer's prices: its buyer and
-- admins. A supplier's view of the work is its supplier order.
create policy select_buyer on order_items for select to authenticated
  using (order_id in (select app.orders_as_buyer()));
-- Items go on the buyer's own open orders, and name only listings and
-- designs the buyer can read.
create policy insert_buyer on order_items for insert to authenticated
  with check (
    order_id in (select app.orders_as_buyer())
    and order_id in (select o.id from orders o where o.status in ('draft', 'submitted'))
    and (marketplace_product_id is null or marketplace_product_id in (select mp.id from marketplace_products mp))
    and (design_id is null or design_id in (select d.id from designs d)));
create policy all_admin on order_items for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select on order_items to authenticated;
grant insert (
  order_id, marketplace_product_id, design_id, description, quantity, unit_price, customization, created_at, updated_at
) on order_items to authenticated;
create trigger _001_server_defaults before insert on order_items
  for each row execute function app_private.tg__request_insert_defaults('server');
grant update (description, quantity, unit_price, customization) on order_items to authenticated;
grant delete on order_items to authenticated;

-- --------------------------------------------------- order_status_history
-- Written only by the orders trigger; read by the order's parties.
create policy select_buyer on order_status_history for select to authenticated
  using (order_id in (select app.orders_as_buyer()));
create policy select_supplier on order_status_history for select to authenticated
  using (order_id in (select app.orders_as_supplier()));
create policy select_admin on order_status_history for select to authenticated
  using ((select app.is_admin()));
grant select on order_status_history to authenticated;

-- -------------------------------------------------------- supplier_orders
create policy select_buyer on supplier_orders for select to authenticated
  using (buyer_order_id in (select app.orders_as_buyer()));
create policy select_supplier on supplier_orders for select to authenticated
  using (supplier_id = (select app.current_supplier_id()));
-- The supplier answers (accept, reject, counter-offer); createSupplierOrder
-- and every other change are an admin's.
create policy update_supplier on supplier_orders for update to authenticated
  using (supplier_id = (select app.current_supplier_id()))
  with check (supplier_id = (select app.current_supplier_id()));
create policy all_admin on supplier_orders for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
-- buyer_price, supplier_price, margin, counter_offer_price: through
-- app.supplier_order_prices() (writable, never readable by requests).
grant select (
  id, order_number, supplier_id, buyer_order_id, product_type, quantity, target_date, status, acceptance_status,
  accepted_at, rejected_at, rejection_reason, counter_offer_notes, tech_pack_urls, reference_images,
  special_instructions, created_by, created_at, updated_at
) on supplier_orders to authenticated;
grant insert (
  supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price, target_date, tech_pack_urls,
  reference_images, special_instructions, created_by, status, acceptance_status, created_at, updated_at
) on supplier_orders to authenticated;
-- A supplier order starts pending: acceptance is the supplier's answer, and
-- only that answer creates the production stages (005).
create trigger _001_server_defaults before insert on supplier_orders
  for each row execute function app_private.tg__request_insert_defaults('server', 'status', 'acceptance_status');
grant update (
  acceptance_status, rejection_reason, counter_offer_price, counter_offer_notes,
  status, target_date, buyer_price, supplier_price, tech_pack_urls, reference_images, special_instructions
) on supplier_orders to authenticated;
create trigger _005_admin_only_columns
  before update of status, target_date, buyer_price, supplier_price, tech_pack_urls, reference_images,
    special_instructions on supplier_orders
  for each row execute function app_private.tg__admin_only_columns(
    'status', 'target_date', 'buyer_price', 'supplier_price', 'tech_pack_urls', 'reference_images',
    'special_instructions');
-- Back to pending (after a counter-offer) is the platform's answer.
create trigger _005_acceptance_by_supplier before update of acceptance_status on supplier_orders
  for each row execute function app_private.tg__non_admin_transitions(
    'acceptance_status', 'accepted', 'rejected', 'counter_offered');

-- ------------------------------------------------------ production_stages
-- Created by acceptance (005); the supplier reports progress.
create policy select_buyer on production_stages for select to authenticated
  using (supplier_order_id in (select app.supplier_orders_as_buyer()));
create policy select_supplier on production_stages for select to authenticated
  using (supplier_order_id in (select app.supplier_orders_as_supplier()));
create policy update_supplier on production_stages for update to authenticated
  using (supplier_order_id in (select app.supplier_orders_as_supplier()))
  with check (supplier_order_id in (select app.supplier_orders_as_supplier()));
create policy select_admin on production_stages for select to authenticated
  using ((select app.is_admin()));
create policy update_admin on production_stages for update to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select on production_stages to authenticated;
grant update (completion_percentage, status, photos, notes, target_date, description) on production_stages to authenticated;
create trigger _005_admin_only_columns before update of target_date, description on production_stages
  for each row execute function app_private.tg__admin_only_columns('target_date', 'description');

-- --------------------------------------------------------------- payments
-- Buyers and admins; suppliers never (they would learn the buyer's price).
create policy select_buyer on payments for select to authenticated
  using (order_id in (select app.orders_as_buyer()));
-- A buyer records a payment as pending; the provider's answer (an admin or
-- the payment webhook) settles it.
create policy insert_buyer on payments for insert to authenticated
  with check (
    order_id in (select app.orders_as_buyer())
    and status = 'pending'
    and recorded_by = (select app.current_user_id()));
create policy select_admin on payments for select to authenticated
  using ((select app.is_admin()));
create policy insert_admin on payments for insert to authenticated
  with check ((select app.is_admin()));
create policy update_admin on payments for update to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select on payments to authenticated;
grant insert (
  order_id, amount, currency, method, provider_reference, idempotency_key, status, recorded_by, created_at, updated_at
) on payments to authenticated;
create trigger _001_server_defaults before insert on payments
  for each row execute function app_private.tg__request_insert_defaults('server');
grant update (status, provider_reference) on payments to authenticated;

-- --------------------------------------------------------------- messages
create policy select_party on messages for select to authenticated
  using (sender_id = (select app.current_user_id()) or recipient_id = (select app.current_user_id()));
-- A message is sent as oneself, to someone one may address: the other side
-- of a shared order, the owner of a supplier one can see (an inquiry), or
-- whoever wrote to one first; admins write to anyone. (The RLS check runs
-- before the foreign key's: a made-up recipient id is refused like any
-- other stranger, not confirmed or denied as a user.)
create policy insert_sender on messages for insert to authenticated
  with check (
    sender_id = (select app.current_user_id())
    and (recipient_id in (select app.counterparty_user_ids())
         or recipient_id in (select s.user_id from suppliers s)
         or recipient_id in (select app.correspondent_user_ids())
         or (select app.is_admin())));
-- Only the recipient marks a message read (read_at is all it may change).
create policy update_recipient on messages for update to authenticated
  using (recipient_id = (select app.current_user_id()))
  with check (recipient_id = (select app.current_user_id()));
create policy select_admin on messages for select to authenticated
  using ((select app.is_admin()));
grant select on messages to authenticated;
grant insert (sender_id, recipient_id, order_id, subject, body, attachments, created_at, updated_at)
  on messages to authenticated;
create trigger _001_server_defaults before insert on messages
  for each row execute function app_private.tg__request_insert_defaults('server');
grant update (read_at) on messages to authenticated;

-- ---------------------------------------------------------- notifications
-- Created by triggers and the service's definer functions; read and marked read.
create policy select_own on notifications for select to authenticated
  using (user_id = (select app.current_user_id()));
create policy update_own on notifications for update to authenticated
  using (user_id = (select app.current_user_id()))
  with check (user_id = (select app.current_user_id()));
create policy select_admin on notifications for select to authenticated
  using ((select app.is_admin()));
grant select on notifications to authenticated;
grant update (read_at) on notifications to authenticated;

-- --------------------------------------------------------- saved_searches
create policy select_own on saved_searches for select to authenticated
  using (user_id = (select app.current_user_id()));
create policy insert_own on saved_searches for insert to authenticated
  with check (user_id = (select app.current_user_id()));
create policy update_own on saved_searches for update to authenticated
  using (user_id = (select app.current_user_id()))
  with check (user_id = (select app.current_user_id()));
create policy delete_own on saved_searches for delete to authenticated
  using (user_id = (select app.current_user_id()));
create policy select_admin on saved_searches for select to authenticated
  using ((select app.is_admin()));
grant select on saved_searches to authenticated;
grant insert (user_id, name, filter, is_active, created_at, updated_at) on saved_searches to authenticated;
create trigger _001_server_defaults before insert on saved_searches
  for each row execute function app_private.tg__request_insert_defaults('server');
grant update (name, filter, is_active) on saved_searches to authenticated;
grant delete on saved_searches to authenticated;

-- --------------------------------------------------------------- feedback
create policy insert_anonymous on feedback for insert to anonymous
  with check (user_id is null);
create policy select_own on feedback for select to authenticated
  using (user_id = (select app.current_user_id()));
create policy insert_own on feedback for insert to authenticated
  with check (user_id = (select app.current_user_id()));
create policy all_admin on feedback for all to authenticated
  using ((select app.is_admin())) with check ((select app.is_admin()));
grant select on feedback to authenticated;
-- Anonymous feedback has no user_id (not granted): it stays anonymous.
grant insert (id, message, feedback_type, contact_email, rating, priority, status, created_at, updated_at)
  on feedback to anonymous, authenticated;
grant insert (user_id) on feedback to authenticated;
create trigger _001_server_defaults before insert on feedback
  for each row execute function app_private.tg__request_insert_defaults('server');
-- Triage is an admin's.
create trigger _002_admin_defaults before insert on feedback
  for each row execute function app_private.tg__request_insert_defaults('admin', 'priority', 'status');
grant update (status, priority, admin_response, responded_by, responded_at) on feedback to authenticated;

-- -------------------------------------------------------------- audit_log
-- Admins read it; nobody writes it directly (the audit trigger does, as owner).
create policy select_admin on audit_log for select to authenticated
  using ((select app.is_admin()));
grant select on audit_log to authenticated;

-- ================================================================ indexes
-- Every column a policy filters on leads an index; all but these already did.
-- Public designs are few: a partial index finds them without touching the rest.
create index designs_is_public_idx on designs (is_public, created_at desc) where is_public;
-- delete_admin filters on role (unique (user_id, role) leads with user_id);
-- also the admin's "who holds this role" lookup.
create index user_roles_role_idx on user_roles (role, user_id);
