set local role loomline_owner;
-- supplier_orders and production_stages: the rules of the supplier-order
-- workflow and of production progress the database owns (issue 9, items 3,
-- 4 and 7), beside what 005 already enforces and this file does not repeat:
-- acceptance creates the eight stages and starts production
-- (tg_supplier_orders__accepted); acceptance_status moves only along
-- pending -> accepted|rejected|counter_offered, counter_offered ->
-- pending|accepted|rejected, and only while the supplier order is pending
-- (tg_supplier_orders__workflow); a non-admin may only set accepted,
-- rejected or counter_offered (_005_acceptance_by_supplier); prices, status
-- and target dates are admin-only columns; a counter-offer needs a price
-- (CHECK); completion 0..100 (CHECK) and a stage's status derived from it
-- (tg_production_stages__status), which also stamps updated_by; the order
-- moves to quality_check and shipped as stages progress
-- (refresh_order_progress).
--
-- Added here:
--   supplier_orders
--     _003_created_by       created_by is the requesting user, never a
--                           client's value (its INSERT grant is revoked).
--     _006_supplier_response a supplier answers only a pending supplier
--                           order: a counter-offer waits for the admin
--                           (005 let a supplier accept or reject its own
--                           counter-offer), and a counter-offer price is set
--                           only with the counter-offer itself.
--     _010_quantities       the supplier orders of an order (rejected and
--                           cancelled ones aside) never hold more pieces
--                           than the order; the order row is locked first,
--                           so concurrent splits of one order serialise.
--   production_stages
--     _030_rules            a completed stage does not go back (for every
--                           request, admins' too); a supplier reports
--                           progress only on an accepted (running)
--                           supplier order.
--     photos CHECK          https URLs only, at most 20.
--
-- Like every guard of 008, these bind requests only (current_user
-- anonymous/authenticated), admins' included where they say so: the
-- security-definer triggers of 005, seeds, jobs and an operator's
-- correction run as the owner.

-- ---------------------------------------------------------------- supplier_orders

create function app_private.tg_supplier_orders__created_by() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, public, app, pg_temp
as $$
begin
  if current_user in ('anonymous', 'authenticated') then
    new.created_by := app.current_user_id();
  end if;
  return new;
end;
$$;

create trigger _003_created_by
  before insert on public.supplier_orders
  for each row execute function app_private.tg_supplier_orders__created_by();

create function app_private.tg_supplier_orders__response() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

create trigger _006_supplier_response
  before update of acceptance_status, counter_offer_price on public.supplier_orders
  for each row execute function app_private.tg_supplier_orders__response();

-- Invoker rights: in a security-definer function current_user is the owner,
-- and the guard could not tell a request from the owner's own writes. Only
-- admins may insert supplier orders or change their quantity (policy
-- all_admin; no other request reaches the row), so the rule runs for them:
-- an admin reads and locks every order and supplier order.
create function app_private.tg_supplier_orders__quantities() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

create trigger _010_quantities
  before insert or update of quantity, buyer_order_id on public.supplier_orders
  for each row execute function app_private.tg_supplier_orders__quantities();

revoke insert (created_by) on public.supplier_orders from authenticated;

-- ---------------------------------------------------------------- production_stages

create function app_private.tg_production_stages__rules() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

create trigger _030_rules
  before update on public.production_stages
  for each row execute function app_private.tg_production_stages__rules();

create function app_private.are_https_urls(value text[]) returns boolean
  language sql immutable parallel safe
  return coalesce((select bool_and(u ~ '^https://[^\s/$.?#][^\s]*$') from unnest(value) as u), true);

-- A CHECK runs with the writer's privileges (008).
revoke all on function app_private.are_https_urls(text[]) from public;
grant execute on function app_private.are_https_urls(text[]) to authenticated;

alter table public.production_stages drop constraint production_stages_photos_check;
alter table public.production_stages add constraint production_stages_photos_check
  check (cardinality(photos) <= 20 and app_private.are_https_urls(photos));
