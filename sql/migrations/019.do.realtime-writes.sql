set local role loomline_owner;
-- Realtime writes, cheaper (issue 11, measured by npm run bench:realtime).
--
-- * A stage event finds its buyer and its supplier in one lookup (017 also
--   gathered every supplier of the order, then kept only the stage's own).
-- * NOTIFY can be switched off for a write-heavy database. A transaction
--   that NOTIFYs takes a database-wide lock at commit (TRAPS.md): with eight
--   concurrent writers, stage updates ran at about half the rate of the same
--   updates writing their event without NOTIFY. With
--     alter database <db> set loomline.realtime_notify = 'off';
--   events are still written in the same transaction, nothing is lost, and
--   every API instance finds them by reading the log every
--   REALTIME_POLL_INTERVAL_MS instead of on a wake-up: latency of up to that
--   interval for write throughput. Unset or any other value: NOTIFY as before.

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

