set local role loomline_owner;
-- orders, order_items, stock_reservations: the database owns the money and
-- the order workflow's rules (issue 9, items 2, 5 and 7).
--
-- The security review, as a buyer in SQL under its own identity: inserted an
-- order with total_amount 0.01 and a line for a 96.12 listing at unit_price
-- 0.01; one buyer's holds took every listing to sold_out; expired holds
-- were never released. After this migration:
--
-- * orders.total_amount is no request role's to write (a new order's is its
--   default, 0.00; no UPDATE grant): in a request it is the sum of the
--   order's line totals, kept by a statement trigger on order_items (one
--   update of the order per statement, so one version). Seeds and jobs (as
--   the owner) write totals as they are.
-- * A listing line's unit_price is the listing's final_price when the line
--   is inserted in a request (whatever the client sent; which listings may
--   be ordered is the policy's call, so nothing here tells a listing that
--   the caller cannot see from one that does not exist), and never changes
--   afterwards; a custom line from a non-admin starts at 0.00 (the platform
--   prices custom work: admins may update it, order_items has no other
--   UPDATE policy).
-- * Who may move an order where (app.order_transitions): admins every move
--   app.order_status_transition_allowed allows; a buyer submits a draft,
--   cancels before production (draft, submitted, confirmed) and confirms
--   delivery (shipped -> delivered); a supplier has no UPDATE policy on
--   orders. The status trigger of 005 still judges the move itself (LLTRN).
-- * A request's hold needs an order of the caller in draft or submitted, an
--   expiry in the future, and fits within that order's lines for the
--   listing (held and committed counted): LLRUL otherwise. Expired holds do
--   not count: the listing's are released before a new hold is judged, and
--   app_private.release_expired_stock_reservations() (for a job) sweeps
--   them all. Holds are committed when their order is confirmed.
--
-- "A request" is `current_setting('role')` in anonymous/authenticated: a
-- security-definer trigger runs as the owner (current_user), but the
-- request's role setting stays what the API set.

-- ------------------------------------------------------------------ orders

-- Prisma's create sends every default (sql/CONVENTIONS.md), so INSERT
-- stays granted and the server-defaults guard gains total_amount (a new
-- order's total is 0.00 until its lines arrive); UPDATE is nobody's.
revoke update (total_amount) on orders from authenticated;
drop trigger _001_server_defaults on orders;
create trigger _001_server_defaults before insert on orders
  for each row execute function app_private.tg__request_insert_defaults(
    'server', 'payment_status', 'stage_progress', 'version', 'total_amount');

-- The moves a caller may make from a status: an admin's are every allowed
-- one, a buyer's a subset. Used by the trigger below and by the API to name
-- the allowed moves in its errors.
create function app.order_transitions(from_status order_status, by_admin boolean)
  returns order_status[]
  language sql immutable parallel safe
  set search_path = pg_catalog, public, app, pg_temp
  return array(
    select s from unnest('{draft,submitted,confirmed,in_production,quality_check,shipped,delivered,cancelled}'::order_status[])
                  with ordinality as t(s, n)
     where app.order_status_transition_allowed(from_status, s)
       and (by_admin
            or (from_status, s) in (('draft'::order_status, 'submitted'::order_status),
                                    ('draft', 'cancelled'), ('submitted', 'cancelled'),
                                    ('confirmed', 'cancelled'), ('shipped', 'delivered')))
     order by n);

revoke all on function app.order_transitions(order_status, boolean) from public;
grant execute on function app.order_transitions(order_status, boolean) to anonymous, authenticated;

create function app_private.tg_orders__status_by_role() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

revoke all on function app_private.tg_orders__status_by_role() from public;

create trigger _006_status_by_role before update of status on orders
  for each row execute function app_private.tg_orders__status_by_role();

-- Confirming an order commits its holds (stock leaves the listing for good).
create function app_private.tg_orders__commit_stock() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
begin
  update stock_reservations set status = 'committed'
   where order_id = new.id and status = 'held';
  return null;
end;
$$;

revoke all on function app_private.tg_orders__commit_stock() from public;

create trigger _320_commit_stock after update of status on orders
  for each row when (new.status = 'confirmed' and old.status <> 'confirmed')
  execute function app_private.tg_orders__commit_stock();

-- ------------------------------------------------------------- order_items

create function app_private.tg_order_items__price() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

revoke all on function app_private.tg_order_items__price() from public;

create trigger _010_price before insert or update of unit_price, marketplace_product_id on order_items
  for each row execute function app_private.tg_order_items__price();

create function app_private.tg_order_items__order_total() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
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

revoke all on function app_private.tg_order_items__order_total() from public;

create trigger _300_order_total_insert after insert on order_items
  referencing new table as new_rows
  for each statement execute function app_private.tg_order_items__order_total();
create trigger _300_order_total_update after update on order_items
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.tg_order_items__order_total();
create trigger _300_order_total_delete after delete on order_items
  referencing old table as old_rows
  for each statement execute function app_private.tg_order_items__order_total();

-- ------------------------------------------------------- stock_reservations

create function app_private.tg_stock_reservations__hold_rules() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

revoke all on function app_private.tg_stock_reservations__hold_rules() from public;

create trigger _060_hold_rules before insert on stock_reservations
  for each row execute function app_private.tg_stock_reservations__hold_rules();

-- For a scheduled job (as the owner or the migrator): releases every
-- expired hold, oldest first, at most max_rows per call; returns how many.
create function app_private.release_expired_stock_reservations(max_rows integer default 1000) returns integer
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
as $$
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

revoke all on function app_private.release_expired_stock_reservations(integer) from public;
