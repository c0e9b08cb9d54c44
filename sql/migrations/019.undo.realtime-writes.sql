set local role loomline_owner;
-- Reverses 019.do.realtime-writes.sql: publish() as 017 wrote it.

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
  if target_order is not null then
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
      -- A stage's own supplier only: another supplier of the same order does not read it.
      select array[so.supplier_id] into order_suppliers
        from supplier_orders so where so.id = target_supplier_order;
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
  perform pg_notify('loomline_events', pg_current_xact_id()::text);
end;
$$;

