set local role loomline_owner;
-- The realtime event log (issue 11): every event is born in the writing
-- transaction, by the triggers that already called app_private.publish
-- (stage changes, order status changes, notifications, messages), whoever
-- writes: an API instance, a psql session, a job. publish() now records the
-- event with its routing columns and wakes the listeners; subscribers read
-- the log, so an event committed while nobody listened is not lost.
--
-- Commit order (TRAPS.md, DESIGN-NOTES.md "snapshot intervals"): `id` is
-- not commit order, so events are read by snapshot interval. Each row keeps
-- the top-level transaction id that wrote it (`xid`). A reader remembers the
-- snapshot of its last read, S_prev; the next read takes S_now and returns
-- the rows whose transaction is visible in S_now and not in S_prev. Every
-- committed transaction is visible for the first time in exactly one
-- interval (rolled-back ones never), so intervals chained from one snapshot
-- to the next deliver each event once; within an interval rows go by id. A
-- cursor is (S_prev, S_now, id); src/realtime/cursor.ts.
--
-- NOTIFY carries no data: the payload is the writing transaction's id,
-- identical for all of its events, so PostgreSQL folds them into one
-- notification per transaction (less work under its commit-time lock).
-- That lock is still taken at commit by every transaction that NOTIFYs
-- (TRAPS.md): with eight concurrent writers, stage updates ran at about half
-- the rate of the same updates writing their event without NOTIFY
-- (npm run bench:realtime). A write-heavy database can switch it off:
--   alter database <db> set loomline.realtime_notify = 'off';
-- events are still written in the same transaction, nothing is lost, and
-- every API instance finds them by reading the log every
-- REALTIME_POLL_INTERVAL_MS instead of on a wake-up. Unset or any other
-- value: NOTIFY.
--
-- Read by the API's login role only, through the two functions below: no
-- request role reads or writes the log (RLS forced, no policy, no grant).
-- Rows carry ids, statuses and the kind of change, never prices or text.

create type event_topic as enum ('stage', 'order_status', 'notification', 'message', 'access');

create table events (
  id bigint generated always as identity primary key,
  xid xid8 not null default pg_current_xact_id(),
  topic event_topic not null,
  kind text not null,
  entity_id uuid not null,
  order_id uuid,
  supplier_order_id uuid,
  buyer_id uuid,
  -- An order's suppliers: orders.supplier_id and those of its supplier orders.
  supplier_ids uuid[] not null default '{}',
  user_id uuid,
  payload jsonb not null default '{}',
  created_at timestamptz not null default now(),
  -- Events are never updated; the column and its trigger keep every table alike.
  updated_at timestamptz not null default now()
);

comment on table events is
  'Realtime event log: written by triggers in the writing transaction, read by snapshot interval (commit order); pruned after the retention period.';

-- The interval scan: everything below S_prev's xmin was delivered before.
create index events_xid_idx on events (xid);
-- Pruning.
create index events_created_at_idx on events using brin (created_at);

alter table events enable row level security, force row level security;

create trigger _100_set_updated_at before update on events
  for each row execute function app_private.tg__set_updated_at();

create or replace function app_private.publish(kind text, id uuid, extra jsonb default '{}') returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
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

-- A user who loses access (disabled, deleted, a role revoked) ends their
-- live subscriptions on every instance.
create function app_private.tg_users__access_revoked() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, app_private, pg_temp
as $$
begin
  if tg_table_name = 'users' then
    perform app_private.publish('access', new.id);
  else
    perform app_private.publish('access', old.user_id);
  end if;
  return null;
end;
$$;

create trigger _600_access_revoked after update of disabled_at, deleted_at on users
  for each row when ((new.disabled_at is not null and old.disabled_at is null)
                     or (new.deleted_at is not null and old.deleted_at is null))
  execute function app_private.tg_users__access_revoked();

create trigger _600_access_revoked after delete on user_roles
  for each row execute function app_private.tg_users__access_revoked();

-- One interval: the events committed after `since` and visible now, with the
-- snapshot that ends the interval. One statement, so `pg_current_snapshot()`
-- is the snapshot the rows are read with.
create function app_private.events_poll(since pg_snapshot, max_rows integer default 1000)
  returns jsonb
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
begin atomic
  with now_snapshot as (select pg_current_snapshot() as snapshot),
  batch as (
    select e.*
      from events e, now_snapshot n
     where e.xid >= pg_snapshot_xmin(since)
       and pg_visible_in_snapshot(e.xid, n.snapshot)
       and not pg_visible_in_snapshot(e.xid, since)
     order by e.id
     limit max_rows + 1
  )
  select jsonb_build_object(
           'snapshot', n.snapshot::text,
           'events', coalesce((select jsonb_agg(to_jsonb(b) order by b.id) from batch b), '[]'))
    from now_snapshot n;
end;

-- Replay for a resuming subscriber: the events visible in `until` and not in
-- `since`, after id `after_id`, that the routing arguments admit (a superset
-- of what the subscriber may read; RLS decides at delivery).
create function app_private.events_between(
  since pg_snapshot, until pg_snapshot, after_id bigint, topics event_topic[],
  for_order uuid, for_supplier_order uuid, for_user uuid, for_supplier uuid, everything boolean,
  max_rows integer
) returns setof events
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
begin atomic
  select e.*
    from events e
   where e.xid >= pg_snapshot_xmin(since)
     and pg_visible_in_snapshot(e.xid, until)
     and not pg_visible_in_snapshot(e.xid, since)
     and e.id > after_id
     and e.topic = any (topics)
     and (for_order is null or e.order_id = for_order)
     and (for_supplier_order is null or e.supplier_order_id = for_supplier_order)
     and (everything
          or e.user_id = for_user
          or e.buyer_id = for_user
          or e.supplier_ids @> array[for_supplier])
   order by e.id
   limit max_rows;
end;

-- The pruning job: drops events older than the retention period (at least
-- 24 hours, so a cursor stays resumable for a day). Returns the count.
create function app_private.events_prune(retention interval) returns bigint
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
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

revoke all on function app_private.events_poll(pg_snapshot, integer) from public;
revoke all on function app_private.events_between(
  pg_snapshot, pg_snapshot, bigint, event_topic[], uuid, uuid, uuid, uuid, boolean, integer) from public;
revoke all on function app_private.events_prune(interval) from public;
grant execute on function app_private.events_poll(pg_snapshot, integer) to loomline_api;
grant execute on function app_private.events_between(
  pg_snapshot, pg_snapshot, bigint, event_topic[], uuid, uuid, uuid, uuid, boolean, integer) to loomline_api;
grant execute on function app_private.events_prune(interval) to loomline_api;
