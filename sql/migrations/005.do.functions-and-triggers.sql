-- Functions and triggers: the rules of DOMAIN.md that hold no matter which
-- process writes (the API, a SQL script, a job).
--
-- Errors raised here carry Loomline's own SQLSTATEs, mapped to GraphQL codes
-- in one place (src/db/errors.ts):
--   LLCNF  optimistic-lock conflict (a stale orders.version)
--   LLTRN  invalid workflow transition
--   LLSTK  not enough stock to reserve
--   LLRUL  a business rule refused the write
--   LLAPP  append-only table: the row cannot be changed
set local role loomline_owner;

-- ------------------------------------------------------- request identity

-- The API sets these per transaction: set_config('request.jwt.claims', ..., true).
-- A setting read after its transaction ended is '', not NULL: nullif() it.
create function app.current_claims() returns jsonb
  language sql stable parallel safe
  return nullif(current_setting('request.jwt.claims', true), '')::jsonb;

create function app.current_user_id() returns uuid
  language sql stable parallel safe
  return nullif(app.current_claims() ->> 'sub', '')::uuid;

create function app.has_role(role app_role) returns boolean
  language sql stable parallel safe
  return coalesce(app.current_claims() -> 'roles' ? role::text, false);

create function app_private.request_setting(name text) returns text
  language sql stable parallel safe
  return nullif(current_setting(name, true), '');

-- ------------------------------------------------------------ every table

create function app_private.tg__set_updated_at() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
as $$
begin
  -- Strictly increasing even within one transaction (now() is frozen there),
  -- so updated_at can order changes.
  new.updated_at := greatest(now(), old.updated_at + interval '1 microsecond');
  return new;
end;
$$;

do $$
declare
  t text;
begin
  foreach t in array array[
    'users', 'profiles', 'user_roles', 'refresh_tokens', 'api_keys', 'api_usage', 'user_preferences',
    'suppliers', 'products', 'marketplace_products', 'stock_reservations', 'factory_capacity',
    'capacity_utilization_logs', 'designs', 'quotes', 'orders', 'order_items', 'order_status_history',
    'supplier_orders', 'production_stages', 'payments', 'messages', 'notifications', 'saved_searches',
    'feedback', 'audit_log'
  ] loop
    execute format(
      'create trigger _100_set_updated_at before update on %I for each row execute function app_private.tg__set_updated_at()', t);
  end loop;
end
$$;

-- Append-only tables refuse every UPDATE except the ON DELETE SET NULL of the
-- foreign keys named as trigger arguments (a person erased from the system).
create function app_private.tg__append_only() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
as $$
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

create trigger _010_append_only before update on audit_log
  for each row execute function app_private.tg__append_only();
create trigger _010_append_only before update on order_status_history
  for each row execute function app_private.tg__append_only('changed_by');
create trigger _010_append_only before update on capacity_utilization_logs
  for each row execute function app_private.tg__append_only();
create trigger _010_append_only before update on api_usage
  for each row execute function app_private.tg__append_only('api_key_id', 'user_id');

-- The audit trail is kept seven years; nothing younger may be deleted, by anyone.
create function app_private.tg_audit_log__retention() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'TRUNCATE' or old.created_at > now() - interval '7 years' then
    raise exception 'audit_log is append-only: entries are kept for seven years' using errcode = 'LLAPP';
  end if;
  return old;
end;
$$;

create trigger _010_retention before delete on audit_log
  for each row execute function app_private.tg_audit_log__retention();
create trigger _010_no_truncate before truncate on audit_log
  for each statement execute function app_private.tg_audit_log__retention();

-- ------------------------------------------------------------------ audit

-- Generic audit trigger; arguments name columns whose values are redacted.
create function app_private.tg__audit() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app, app_private, pg_temp
as $$
declare
  old_data jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  new_data jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
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
  insert into audit_log (actor_id, actor_role, action, table_name, record_id, old_data, new_data, request_id, ip)
  values (
    app.current_user_id(),
    -- current_user is the definer here; the request's role is the setting.
    coalesce(app.current_claims() ->> 'role', nullif(current_setting('role'), 'none'), session_user::text),
    lower(tg_op),
    tg_table_name,
    coalesce(new_data ->> 'id', old_data ->> 'id')::uuid,
    old_data,
    new_data,
    app_private.request_setting('request.id'),
    app_private.request_setting('request.ip')::inet
  );
  return null;
end;
$$;

create trigger _900_audit after insert or delete on orders
  for each row execute function app_private.tg__audit('tracking_token');
-- stage_progress and current_stage are derived from production_stages (whose
-- every tick would otherwise log a whole order): audit the rest.
create trigger _900_audit_update after update on orders
  for each row when (
    (to_jsonb(old) - '{stage_progress,current_stage,version,updated_at}'::text[])
    is distinct from (to_jsonb(new) - '{stage_progress,current_stage,version,updated_at}'::text[]))
  execute function app_private.tg__audit('tracking_token');
create trigger _900_audit after insert or update or delete on supplier_orders
  for each row execute function app_private.tg__audit();
create trigger _900_audit after insert or update or delete on payments
  for each row execute function app_private.tg__audit();
create trigger _900_audit after insert or update or delete on user_roles
  for each row execute function app_private.tg__audit();
create trigger _900_audit after insert or update or delete on suppliers
  for each row execute function app_private.tg__audit('address', 'contact_email', 'contact_phone');
create trigger _900_audit after insert or update or delete on api_keys
  for each row execute function app_private.tg__audit('key_hash');
create trigger _900_audit_status after update of status on marketplace_products
  for each row when (old.status is distinct from new.status)
  execute function app_private.tg__audit('search_vector');

-- ---------------------------------------------------------- notifications

-- Realtime: ids only (NOTIFY payloads are small and visible to every
-- listener); subscribers load the row under their own identity.
create function app_private.publish(kind text, id uuid, extra jsonb default '{}') returns void
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
as $$
begin
  perform pg_notify('loomline_events', (jsonb_build_object('kind', kind, 'id', id) || extra)::text);
end;
$$;

create function app_private.notify_user(
  recipient uuid, kind notification_type, title text, body text, data jsonb
) returns void
  language sql volatile security definer
  set search_path = pg_catalog, public, pg_temp
begin atomic
  insert into notifications (user_id, type, title, body, data)
  select recipient, kind, title, body, data
  where recipient is not null;
end;

create function app_private.tg_notifications__publish() returns trigger
  language plpgsql
  set search_path = pg_catalog, app_private, pg_temp
as $$
begin
  perform app_private.publish('notification', new.id, jsonb_build_object('userId', new.user_id));
  return null;
end;
$$;

create trigger _500_publish after insert on notifications
  for each row execute function app_private.tg_notifications__publish();

-- ------------------------------------------------------------------ orders

create function app_private.tg_orders__version() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
as $$
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

create trigger _020_version before update on orders
  for each row execute function app_private.tg_orders__version();

create function app.order_status_transition_allowed(from_status order_status, to_status order_status)
  returns boolean
  language sql immutable parallel safe
  return to_status = any (case from_status
    when 'draft' then array['submitted', 'cancelled']::order_status[]
    when 'submitted' then array['confirmed', 'cancelled']::order_status[]
    when 'confirmed' then array['in_production', 'cancelled']::order_status[]
    when 'in_production' then array['quality_check', 'shipped', 'cancelled']::order_status[]
    when 'quality_check' then array['in_production', 'shipped', 'cancelled']::order_status[]
    when 'shipped' then array['delivered']::order_status[]
    else array[]::order_status[]
  end);

create function app_private.tg_orders__status_transition() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

create trigger _030_status_transition before update of status on orders
  for each row execute function app_private.tg_orders__status_transition();

create function app_private.tg_orders__status_history() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app, app_private, pg_temp
as $$
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

create trigger _200_status_history after insert or update of status on orders
  for each row execute function app_private.tg_orders__status_history();

-- Cancelling an order releases its held stock and cancels its open supplier orders.
create function app_private.tg_orders__cancel() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
begin
  update stock_reservations set status = 'released'
   where order_id = new.id and status = 'held';
  update supplier_orders set status = 'cancelled'
   where buyer_order_id = new.id and status in ('pending', 'accepted');
  return null;
end;
$$;

create trigger _300_cancel after update of status on orders
  for each row when (new.status = 'cancelled' and old.status <> 'cancelled')
  execute function app_private.tg_orders__cancel();

-- --------------------------------------------------------- supplier orders

create function app_private.tg_supplier_orders__workflow() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, pg_temp
as $$
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

create trigger _030_workflow before update of status, acceptance_status on supplier_orders
  for each row execute function app_private.tg_supplier_orders__workflow();

create function app_private.stage_name(stage_number integer) returns text
  language sql immutable parallel safe
  return (array[
    'Yarn sourcing', 'Knitting', 'Linking', 'Washing',
    'Finishing and trims', 'Quality inspection', 'Packing', 'Shipment'
  ])[stage_number];

-- Acceptance creates the eight production stages (target dates spread evenly
-- up to the supplier order's target date) and starts production.
create function app_private.tg_supplier_orders__accepted() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app_private, pg_temp
as $$
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

-- A supplier order that is cancelled or rejected no longer counts towards
-- its order's progress.
create function app_private.tg_supplier_orders__order_progress() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app_private, pg_temp
as $$
begin
  perform app_private.refresh_order_progress(new.buyer_order_id);
  return null;
end;
$$;

create trigger _500_order_progress after update of status on supplier_orders
  for each row when (old.status is distinct from new.status and new.status in ('cancelled', 'rejected'))
  execute function app_private.tg_supplier_orders__order_progress();

create trigger _400_accepted after update of acceptance_status on supplier_orders
  for each row when (new.acceptance_status = 'accepted' and old.acceptance_status <> 'accepted')
  execute function app_private.tg_supplier_orders__accepted();

-- ------------------------------------------------------- production stages

-- completion 0 -> pending, 1..99 -> in_progress (started_at set once),
-- 100 -> completed (completed_at set); delayed only past target_date and
-- not completed, and it stays delayed until completed.
create function app_private.tg_production_stages__status() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, pg_temp
as $$
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

create trigger _040_status before insert or update on production_stages
  for each row execute function app_private.tg_production_stages__status();

-- Brings an order in step with the stages of its live supplier orders:
-- current_stage (lowest stage not completed), stage_progress (per-stage
-- completion averaged over supplier orders), and the workflow moves
-- in_production -> quality_check (stage 6 under way) -> shipped (stage 8 done).
-- Called by the stage trigger and when a supplier order leaves or rejoins.
create function app_private.refresh_order_progress(target_order uuid) returns orders
  language plpgsql security definer
  set search_path = pg_catalog, public, app_private, pg_temp
as $$
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

-- Every stage change updates its order, completes the supplier order at
-- stage 8, publishes a realtime event and tells the buyer of status changes.
create function app_private.tg_production_stages__order_progress() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app, app_private, pg_temp
as $$
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

create trigger _500_order_progress after insert or update or delete on production_stages
  for each row execute function app_private.tg_production_stages__order_progress();

-- --------------------------------------------------------- marketplace

-- An approved listing with nothing available becomes sold_out, and back.
-- (Generated columns are not yet computed in BEFORE triggers: use the inputs.)
create function app_private.tg_marketplace_products__sold_out() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
as $$
begin
  if new.status = 'approved' and new.stock_quantity - new.reserved_quantity = 0 then
    new.status := 'sold_out';
  elsif new.status = 'sold_out' and new.stock_quantity - new.reserved_quantity > 0 then
    new.status := 'approved';
  end if;
  return new;
end;
$$;

create trigger _050_sold_out before insert or update of status, stock_quantity, reserved_quantity on marketplace_products
  for each row execute function app_private.tg_marketplace_products__sold_out();

create function app_private.tg_marketplace_products__approval() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
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

create trigger _060_approval before insert or update of status on marketplace_products
  for each row execute function app_private.tg_marketplace_products__approval();

-- Does a listing match a saved search? The filter has the shape of the
-- marketplaceProducts filter: search, category, minPrice, maxPrice, colors,
-- sizes, supplierId (uuid), featured.
create function app.listing_matches_filter(listing marketplace_products, filter jsonb) returns boolean
  language sql stable parallel safe
  set search_path = pg_catalog, public, pg_temp
  return (filter ->> 'category' is null or listing.category = filter ->> 'category')
    and (filter ->> 'minPrice' is null or listing.final_price >= (filter ->> 'minPrice')::numeric)
    and (filter ->> 'maxPrice' is null or listing.final_price <= (filter ->> 'maxPrice')::numeric)
    and (jsonb_typeof(filter -> 'colors') is distinct from 'array'
         or listing.colors && array(select jsonb_array_elements_text(filter -> 'colors')))
    and (jsonb_typeof(filter -> 'sizes') is distinct from 'array'
         or listing.sizes && array(select jsonb_array_elements_text(filter -> 'sizes')))
    and (filter ->> 'supplierId' is null or listing.supplier_id::text = filter ->> 'supplierId')
    and (filter ->> 'featured' is null or listing.is_featured = (filter ->> 'featured')::boolean)
    and (coalesce(filter ->> 'search', '') = ''
         or listing.search_vector @@ websearch_to_tsquery('english', filter ->> 'search'));

-- Listing reviews notify the supplier; a newly approved listing notifies
-- the owners of matching saved searches.
create function app_private.tg_marketplace_products__published() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app, app_private, pg_temp
as $$
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

create trigger _600_published after insert or update of status on marketplace_products
  for each row execute function app_private.tg_marketplace_products__published();

-- ------------------------------------------------------ stock reservations

-- Reserving moves stock_quantity - reserved_quantity atomically: the
-- conditional UPDATE locks the listing row, so concurrent reservations queue
-- there and none can oversell.
create function app_private.tg_stock_reservations__reserve() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
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

create trigger _070_reserve before insert on stock_reservations
  for each row execute function app_private.tg_stock_reservations__reserve();

create function app_private.tg_stock_reservations__settle() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
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

create trigger _070_settle before update or delete on stock_reservations
  for each row execute function app_private.tg_stock_reservations__settle();

-- ------------------------------------------------------------------ payments

create function app_private.tg_payments__rules() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
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
  if (new.order_id, new.amount, new.currency, new.idempotency_key)
     is distinct from (old.order_id, old.amount, old.currency, old.idempotency_key) then
    raise exception 'a recorded payment''s order, amount and key cannot change' using errcode = 'LLRUL';
  end if;
  if new.status is distinct from old.status and not (
    (old.status = 'pending' and new.status in ('succeeded', 'failed'))
    or (old.status = 'succeeded' and new.status = 'refunded')
  ) then
    raise exception 'payment cannot go from % to %', old.status, new.status using errcode = 'LLTRN';
  end if;
  return new;
end;
$$;

create trigger _030_rules before insert or update on payments
  for each row execute function app_private.tg_payments__rules();

-- The order's payment_status follows its payments and its total, in the
-- same transaction.
create function app_private.refresh_payment_status(target_order uuid) returns void
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
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
  select coalesce(sum(amount) filter (where status = 'succeeded'), 0),
         coalesce(sum(amount) filter (where status = 'refunded'), 0)
    into paid, refunded
    from payments where order_id = target_order;
  next_status := case
    when paid = 0 and refunded > 0 then 'refunded'
    when paid = 0 then 'unpaid'
    when paid >= order_total then 'paid'
    else 'partially_paid'
  end;
  update orders set payment_status = next_status
   where id = target_order and payment_status is distinct from next_status;
end;
$$;

create function app_private.tg_payments__order_payment_status() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app_private, pg_temp
as $$
begin
  perform app_private.refresh_payment_status(coalesce(new.order_id, old.order_id));
  return null;
end;
$$;

create function app_private.tg_orders__payment_status() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app_private, pg_temp
as $$
begin
  perform app_private.refresh_payment_status(new.id);
  return null;
end;
$$;

create trigger _310_payment_status after update of total_amount on orders
  for each row when (old.total_amount is distinct from new.total_amount)
  execute function app_private.tg_orders__payment_status();

create trigger _300_order_payment_status after insert or update of status or delete on payments
  for each row execute function app_private.tg_payments__order_payment_status();

-- ------------------------------------------------------------------ messages

-- Is the user a party to the order: its buyer, the owner of its supplier or
-- of one of its supplier orders' suppliers, or an admin?
create function app.is_order_party(target_order uuid, candidate uuid) returns boolean
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
  return exists (select from orders o where o.id = target_order and o.buyer_id = candidate)
    or exists (select from orders o join suppliers s on s.id = o.supplier_id
                where o.id = target_order and s.user_id = candidate)
    or exists (select from supplier_orders so join suppliers s on s.id = so.supplier_id
                where so.buyer_order_id = target_order and s.user_id = candidate)
    or exists (select from user_roles r where r.user_id = candidate and r.role = 'admin');

create function app_private.tg_messages__rules() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
begin
  if tg_op = 'INSERT' then
    if new.order_id is not null and not app.is_order_party(new.order_id, new.sender_id) then
      raise exception 'the sender is not a party to this order' using errcode = 'LLRUL';
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

create trigger _030_rules before insert or update on messages
  for each row execute function app_private.tg_messages__rules();

create function app_private.tg_messages__delivered() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app_private, pg_temp
as $$
begin
  perform app_private.notify_user(
    new.recipient_id, 'message', coalesce(new.subject, 'New message'), left(new.body, 200),
    jsonb_build_object('messageId', new.id, 'orderId', new.order_id, 'senderId', new.sender_id));
  perform app_private.publish('message', new.id,
    jsonb_build_object('recipientId', new.recipient_id, 'senderId', new.sender_id));
  return null;
end;
$$;

create trigger _500_delivered after insert on messages
  for each row execute function app_private.tg_messages__delivered();

-- ------------------------------------------------------------------ quotes

create function app_private.tg_quotes__replied() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app_private, pg_temp
as $$
begin
  perform app_private.notify_user(
    new.requested_by, 'quote', format('Your quote for %s %s is ready', new.quantity, new.product_type), null,
    jsonb_build_object('quoteId', new.id, 'status', new.status, 'totalPrice', new.total_price));
  return null;
end;
$$;

create trigger _500_replied after update of status on quotes
  for each row when (new.status = 'sent' and old.status is distinct from 'sent')
  execute function app_private.tg_quotes__replied();
