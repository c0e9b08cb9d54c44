import type pg from "pg";
import type { Logger } from "pino";

/**
 * The values the database's triggers maintain, recomputed in set-based SQL
 * after the bulk load (which runs with triggers off, see seed.ts). Each step
 * restates one trigger's rule from 005.do.functions-and-triggers.sql; if a
 * rule there changes, change it here too — test/sql/seed.test.ts re-fires
 * the real triggers over the seeded rows and fails on any difference.
 *
 * Stage status, started_at and completed_at are derived while the stages are
 * inserted (generate.ts); order numbers and tracking tokens come from the
 * column defaults. `$1` is the seed's anchor time (the start of its day).
 */
export const DERIVATION_STEPS: readonly { name: string; sql: string }[] = [
  {
    // tg_production_stages__order_progress: stage 8 completed completes an accepted supplier order.
    name: "supplier orders completed by their shipment stage",
    sql: `
      update supplier_orders so
         set status = 'completed'
       where so.status = 'accepted'
         and exists (select from production_stages ps
                      where ps.supplier_order_id = so.id and ps.stage_number = 8 and ps.status = 'completed')`,
  },
  {
    // tg_production_stages__order_progress (stage_progress, current_stage) and
    // tg_payments__order_payment_status (payment_status), in one pass over orders.
    name: "order progress and payment status",
    sql: `
      with per_stage as (
        select so.buyer_order_id as order_id,
               ps.stage_number,
               round(avg(ps.completion_percentage), 2) as pct,
               bool_and(ps.status = 'completed') as done
          from production_stages ps
          join supplier_orders so on so.id = ps.supplier_order_id
         where so.status not in ('rejected', 'cancelled')
         group by so.buyer_order_id, ps.stage_number
      ), progress as (
        select order_id,
               jsonb_object_agg(stage_number::text, pct order by stage_number) as stage_progress,
               coalesce(min(stage_number) filter (where not done), 8) as current_stage
          from per_stage
         group by order_id
      ), paid as (
        select order_id,
               coalesce(sum(amount) filter (where status = 'succeeded'), 0) as paid,
               coalesce(sum(amount) filter (where status = 'refunded'), 0) as refunded
          from payments
         group by order_id
      ), target as (
        select o.id,
               coalesce(p.stage_progress, '{}'::jsonb) as stage_progress,
               p.current_stage,
               (case
                  when coalesce(pd.paid, 0) = 0 and coalesce(pd.refunded, 0) > 0 then 'refunded'
                  when coalesce(pd.paid, 0) = 0 then 'unpaid'
                  when pd.paid >= o.total_amount then 'paid'
                  else 'partially_paid'
                end)::payment_status as payment_status
          from orders o
          left join progress p on p.order_id = o.id
          left join paid pd on pd.order_id = o.id
      )
      update orders o
         set stage_progress = t.stage_progress,
             current_stage = t.current_stage,
             payment_status = t.payment_status
        from target t
       where t.id = o.id
         and (o.stage_progress, o.current_stage, o.payment_status)
             is distinct from (t.stage_progress, t.current_stage, t.payment_status)`,
  },
  {
    // tg_stock_reservations__reserve/__settle (reserved = held reservations)
    // and tg_marketplace_products__sold_out (approved <-> sold_out at zero available).
    name: "reserved stock and sold-out listings",
    sql: `
      with held as (
        select marketplace_product_id as id, sum(quantity)::integer as quantity
          from stock_reservations
         where status = 'held'
         group by marketplace_product_id
      ), target as (
        select m.id,
               coalesce(h.quantity, 0) as reserved,
               (case
                  when m.status = 'approved' and m.stock_quantity - coalesce(h.quantity, 0) = 0 then 'sold_out'
                  when m.status = 'sold_out' and m.stock_quantity - coalesce(h.quantity, 0) > 0 then 'approved'
                  else m.status
                end)::listing_status as status
          from marketplace_products m
          left join held h on h.id = m.id
         where h.id is not null or m.status in ('approved', 'sold_out') or m.reserved_quantity <> 0
      )
      update marketplace_products m
         set reserved_quantity = t.reserved, status = t.status
        from target t
       where t.id = m.id
         and (m.reserved_quantity, m.status) is distinct from (t.reserved, t.status)`,
  },
  {
    name: "supplier order counts",
    sql: `
      update suppliers s
         set total_orders = c.orders
        from (select supplier_id, count(distinct buyer_order_id)::integer as orders
                from supplier_orders
               where status in ('accepted', 'completed')
               group by supplier_id) c
       where c.supplier_id = s.id`,
  },
  // ------------------------------------------------------------ notifications
  // What the notifying triggers would have written, with their titles and
  // data, for the latest events. Ids derive from the source row so the seed
  // stays deterministic. Older notifications are read.
  {
    // tg_orders__status_history: the buyer and the supplier's owner hear of each status change.
    name: "order status notifications",
    sql: `
      insert into notifications (id, user_id, type, title, body, data, read_at, created_at, updated_at)
      select md5('order_status:' || h.id || ':' || r.user_id)::uuid, r.user_id, 'order_status',
             format('Order %s is %s', o.order_number, replace(h.to_status::text, '_', ' ')), null,
             jsonb_build_object('orderId', o.id, 'fromStatus', h.from_status, 'toStatus', h.to_status),
             case when h.created_at < $1::timestamptz - interval '3 days' then h.created_at + interval '5 hours' end,
             h.created_at, h.created_at
        from (select distinct on (order_id) * from order_status_history
               where from_status is not null
               order by order_id, created_at desc) h
        join orders o on o.id = h.order_id
        left join suppliers s on s.id = o.supplier_id
       cross join lateral (
         select o.buyer_id as user_id
         union all
         select s.user_id where s.user_id is distinct from o.buyer_id
       ) r
       where r.user_id is not null`,
  },
  {
    // tg_production_stages__order_progress: the buyer hears when a stage changes status.
    name: "stage notifications",
    sql: `
      insert into notifications (id, user_id, type, title, body, data, read_at, created_at, updated_at)
      select md5('stage_update:' || ps.id)::uuid, o.buyer_id, 'stage_update',
             format('%s: %s is %s', o.order_number, ps.stage_name, replace(ps.status::text, '_', ' ')), null,
             jsonb_build_object('orderId', o.id, 'stageId', ps.id, 'stageNumber', ps.stage_number, 'status', ps.status),
             case when ps.updated_at < $1::timestamptz - interval '3 days' then ps.updated_at + interval '2 hours' end,
             ps.updated_at, ps.updated_at
        from production_stages ps
        join supplier_orders so on so.id = ps.supplier_order_id
        join orders o on o.id = so.buyer_order_id
       where ps.status in ('in_progress', 'delayed')
         and so.status = 'accepted'
         and o.buyer_id is not null`,
  },
  {
    // tg_messages__delivered: the recipient is notified of every message.
    name: "message notifications",
    sql: `
      insert into notifications (id, user_id, type, title, body, data, read_at, created_at, updated_at)
      select md5('message:' || m.id)::uuid, m.recipient_id, 'message', coalesce(m.subject, 'New message'), left(m.body, 200),
             jsonb_build_object('messageId', m.id, 'orderId', m.order_id, 'senderId', m.sender_id),
             m.read_at, m.created_at, coalesce(m.read_at, m.created_at)
        from messages m
       where m.recipient_id is not null`,
  },
  {
    // tg_quotes__replied: a signed-in requester hears when the quote is sent.
    name: "quote notifications",
    sql: `
      insert into notifications (id, user_id, type, title, body, data, read_at, created_at, updated_at)
      select md5('quote:' || q.id)::uuid, q.requested_by, 'quote',
             format('Your quote for %s %s is ready', q.quantity, q.product_type), null,
             jsonb_build_object('quoteId', q.id, 'status', 'sent', 'totalPrice', q.total_price),
             case when q.updated_at < $1::timestamptz - interval '3 days' then q.updated_at + interval '1 day' end,
             q.updated_at, q.updated_at
        from quotes q
       where q.requested_by is not null
         and q.status in ('sent', 'accepted', 'rejected', 'converted', 'expired')`,
  },
  {
    // tg_marketplace_products__published: the supplier hears of approval or rejection.
    name: "listing notifications",
    sql: `
      insert into notifications (id, user_id, type, title, body, data, read_at, created_at, updated_at)
      select md5('listing:' || m.id)::uuid, s.user_id, 'listing',
             case when m.status = 'rejected' then format('"%s" was not approved', m.title)
                  else format('"%s" is live on the marketplace', m.title) end,
             case when m.status = 'rejected' then m.rejection_reason end,
             case when m.status = 'rejected' then jsonb_build_object('listingId', m.id, 'status', m.status)
                  else jsonb_build_object('listingId', m.id, 'slug', m.slug, 'status', 'approved') end,
             case when m.updated_at < $1::timestamptz - interval '3 days' then m.updated_at + interval '3 hours' end,
             m.updated_at, m.updated_at
        from marketplace_products m
        join suppliers s on s.id = m.supplier_id
       where s.user_id is not null
         and (m.approval_date is not null or m.status = 'rejected')`,
  },
  {
    name: "welcome notifications",
    sql: `
      insert into notifications (id, user_id, type, title, body, data, read_at, created_at, updated_at)
      select md5('welcome:' || u.id)::uuid, u.id, 'system', 'Welcome to Loomline',
             'Your account is ready. Set your notification preferences under Settings.',
             jsonb_build_object('kind', 'welcome'),
             u.last_sign_in_at, u.created_at, u.created_at
        from users u`,
  },
];

export async function deriveTriggerState(
  client: pg.ClientBase,
  anchor: Date,
  logger: Pick<Logger, "debug">,
): Promise<void> {
  for (const step of DERIVATION_STEPS) {
    const started = performance.now();
    const { rowCount } = await client.query(step.sql, step.sql.includes("$1") ? [anchor.toISOString()] : []);
    logger.debug({ step: step.name, rows: rowCount, ms: Math.round(performance.now() - started) }, "derived");
  }
}
