import type pg from "pg";

/**
 * What a seeded database must satisfy, as SQL returning the rows that break
 * it (so a failure shows the culprits). Used by test/sql/seed.test.ts, and
 * runnable against any seeded database (the `large` measurement uses it too).
 *
 * The seed loads with triggers off and recomputes their results itself;
 * `refireTriggers` is the proof that it recomputed them right.
 */
export interface Invariant {
  name: string;
  sql: string;
}

export const SEED_INVARIANTS: readonly Invariant[] = [
  {
    name: "accepted supplier orders have exactly the eight named stages; others have none",
    sql: `
      select so.id, so.acceptance_status, s.numbers, s.names
        from supplier_orders so
        left join lateral (
          select array_agg(ps.stage_number order by ps.stage_number) as numbers,
                 bool_and(ps.stage_name = app_private.stage_name(ps.stage_number)) as names
            from production_stages ps where ps.supplier_order_id = so.id
        ) s on true
       where case when so.acceptance_status = 'accepted'
                  then s.numbers is distinct from '{1,2,3,4,5,6,7,8}'::smallint[] or not s.names
                  else s.numbers is not null end`,
  },
  {
    name: "stage status follows completion (delayed only past target date and incomplete)",
    sql: `
      select id, stage_number, completion_percentage, status, target_date
        from production_stages
       where status <> case
               when completion_percentage >= 100 then 'completed'
               when status = 'delayed' and target_date < current_date then 'delayed'
               when completion_percentage > 0 then 'in_progress'
               else 'pending'
             end::stage_status`,
  },
  {
    name: "stage timestamps: started iff progress, completed iff complete, in order",
    sql: `
      select id, completion_percentage, started_at, completed_at
        from production_stages
       where (started_at is not null) <> (completion_percentage > 0)
          or (completed_at is not null) <> (completion_percentage >= 100)
          or completed_at < started_at
          or started_at > now()`,
  },
  {
    name: "within a live supplier order, stages complete in sequence (earlier done, one current, later pending)",
    sql: `
      select ps.supplier_order_id, ps.stage_number, ps.completion_percentage, nxt.completion_percentage as next_pct
        from production_stages ps
        join production_stages nxt on nxt.supplier_order_id = ps.supplier_order_id and nxt.stage_number = ps.stage_number + 1
       where nxt.completion_percentage > 0 and ps.completion_percentage < 100`,
  },
  {
    name: "order status agrees with its supplier orders",
    sql: `
      select o.id, o.status, a.live_accepted, a.any_accepted
        from orders o
        left join lateral (
          select count(*) filter (where so.status in ('accepted', 'completed')) as live_accepted,
                 count(*) filter (where so.acceptance_status = 'accepted') as any_accepted
            from supplier_orders so where so.buyer_order_id = o.id
        ) a on true
       where (o.status in ('in_production', 'quality_check', 'shipped', 'delivered') and a.live_accepted = 0)
          or (o.status in ('draft', 'submitted', 'confirmed') and a.any_accepted > 0)
          or (o.status = 'cancelled' and a.live_accepted > 0)
          or (o.status in ('shipped', 'delivered') and exists (
                select from supplier_orders so where so.buyer_order_id = o.id and so.status = 'accepted'))`,
  },
  {
    name: "order status history is a valid chain ending at the order's status",
    sql: `
      with h as (
        select order_id, from_status, to_status, created_at,
               lag(to_status) over w as previous,
               row_number() over w as n,
               count(*) over (partition by order_id) as total
          from order_status_history
        window w as (partition by order_id order by created_at)
      )
      select h.order_id, h.n, h.from_status, h.to_status, o.status
        from h join orders o on o.id = h.order_id
       where (h.n = 1 and h.from_status is not null)
          or (h.n > 1 and h.from_status is distinct from h.previous)
          or (h.n > 1 and not app.order_status_transition_allowed(h.from_status, h.to_status))
          or (h.n = h.total and h.to_status <> o.status)
      union all
      select o.id, 0, null, null, o.status from orders o
       where not exists (select from order_status_history h where h.order_id = o.id)`,
  },
  {
    name: "order dates and reasons",
    sql: `
      select id, status, actual_delivery_date, cancellation_reason
        from orders
       where (status = 'delivered') <> (actual_delivery_date is not null)
          or (status = 'cancelled') <> (cancellation_reason is not null)
          or version < 1`,
  },
  {
    name: "payment_status follows the payments (tg_payments__order_payment_status)",
    sql: `
      select o.id, o.payment_status, p.paid, p.refunded, o.total_amount
        from orders o
        left join lateral (
          select coalesce(sum(amount) filter (where status = 'succeeded'), 0) as paid,
                 coalesce(sum(amount) filter (where status = 'refunded'), 0) as refunded
            from payments where order_id = o.id
        ) p on true
       where o.payment_status <> case
               when p.paid = 0 and p.refunded > 0 then 'refunded'
               when p.paid = 0 then 'unpaid'
               when p.paid >= o.total_amount then 'paid'
               else 'partially_paid'
             end::payment_status
      union all
      select o.id, o.payment_status, null, null, null from orders o
        join payments p on p.order_id = o.id where p.currency <> o.currency`,
  },
  {
    name: "order total is the sum of its items",
    sql: `
      select o.id, o.total_amount, sum(i.line_total) as items
        from orders o join order_items i on i.order_id = o.id
       group by o.id
      having o.total_amount <> sum(i.line_total) or o.quantity <> sum(i.quantity)`,
  },
  {
    name: "reserved_quantity is the sum of held reservations",
    sql: `
      select m.id, m.reserved_quantity, coalesce(sum(r.quantity), 0) as held
        from marketplace_products m
        left join stock_reservations r on r.marketplace_product_id = m.id and r.status = 'held'
       group by m.id
      having m.reserved_quantity <> coalesce(sum(r.quantity), 0)`,
  },
  {
    name: "approved listings with nothing available are sold_out, and sold_out ones have nothing available",
    sql: `
      select id, status, stock_quantity, reserved_quantity
        from marketplace_products
       where (status = 'approved' and available_quantity = 0)
          or (status = 'sold_out' and available_quantity > 0)`,
  },
  {
    name: "reservations match their order's state",
    sql: `
      select r.id, r.status, o.status
        from stock_reservations r join orders o on o.id = r.order_id
       where (r.status = 'held' and o.status not in ('submitted', 'confirmed'))
          or (r.status = 'released' and o.status <> 'cancelled')
          or (r.status = 'committed' and o.status not in ('in_production', 'quality_check', 'shipped', 'delivered'))`,
  },
  {
    name: "reviewed listings carry their review",
    sql: `
      select id, status from marketplace_products
       where (status in ('approved', 'sold_out') and (approval_date is null or approved_by is null or published_at is null))
          or (status = 'rejected' and rejection_reason is null)
          or (status in ('draft', 'pending_approval') and approval_date is not null)`,
  },
  {
    name: "messages about an order come from a party to it",
    sql: `
      select id, order_id, sender_id from messages
       where order_id is not null and not app.is_order_party(order_id, sender_id)`,
  },
  {
    name: "converted quotes point at an order that points back",
    sql: `
      select q.id, q.status, q.converted_to_order_id, o.quote_id
        from quotes q left join orders o on o.id = q.converted_to_order_id
       where (q.status = 'converted') <> (q.converted_to_order_id is not null)
          or (q.converted_to_order_id is not null and o.quote_id is distinct from q.id)`,
  },
  {
    name: "anonymous quotes have a session",
    sql: `select id from quotes where requested_by is null and session_id is null`,
  },
  {
    name: "each supplier has an owner with the supplier role",
    sql: `
      select s.id from suppliers s
       where not exists (select from user_roles r where r.user_id = s.user_id and r.role = 'supplier')`,
  },
  {
    name: "nothing happened in the future",
    sql: `
      select 'orders' as t, id from orders where created_at > now() or updated_at > now()
      union all select 'order_status_history', id from order_status_history where created_at > now()
      union all select 'supplier_orders', id from supplier_orders
                 where created_at > now() or accepted_at > now() or rejected_at > now()
      union all select 'production_stages', id from production_stages where updated_at > now() or completed_at > now()
      union all select 'payments', id from payments where created_at > now()
      union all select 'messages', id from messages where created_at > now() or read_at > now()
      union all select 'notifications', id from notifications where created_at > now() or read_at > now()
      union all select 'quotes', id from quotes where created_at > now() or assigned_at > now()
      union all select 'marketplace_products', id from marketplace_products where created_at > now() or approval_date > now()
      union all select 'users', id from users where created_at > now() or last_sign_in_at > now()
      union all select 'feedback', id from feedback where created_at > now() or responded_at > now()`,
  },
  {
    name: "factory capacity is not overbooked",
    sql: `select id from factory_capacity where booked_units > capacity_units`,
  },
];

/**
 * Foreign keys hold. The seed loads with triggers off, and foreign keys are
 * triggers, so they were not checked on the way in: check every one now.
 */
export async function foreignKeyViolations(
  client: pg.ClientBase,
): Promise<{ constraint: string; rows: number }[]> {
  const { rows: keys } = await client.query<{
    name: string;
    child: string;
    child_col: string;
    parent: string;
    parent_col: string;
  }>(`
    select c.conname as name, c.conrelid::regclass::text as child, a.attname as child_col,
           c.confrelid::regclass::text as parent, pa.attname as parent_col
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
     where c.contype = 'f' and c.connamespace = 'public'::regnamespace and cardinality(c.conkey) = 1`);
  const violations: { constraint: string; rows: number }[] = [];
  for (const key of keys) {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from ${key.child} c
        where c.${key.child_col} is not null
          and not exists (select from ${key.parent} p where p.${key.parent_col} = c.${key.child_col})`,
    );
    if (rows[0]!.n > 0) violations.push({ constraint: key.name, rows: rows[0]!.n });
  }
  return violations;
}

export interface TriggerDifference {
  table: string;
  id: string;
  before: unknown;
  after: unknown;
}

/**
 * Fires the real triggers over the seeded rows, inside a transaction that is
 * rolled back, and returns every derived value they would change: a no-op
 * UPDATE of every production stage (re-derives stage status and timestamps,
 * each order's current_stage, stage_progress and automatic status changes,
 * and completed supplier orders), of every payment's status (re-derives
 * payment_status) and of every listing's status (the sold-out switch).
 * Needs a connection that may see every row (the migrator's).
 */
export async function refireTriggers(
  client: pg.ClientBase,
  options: {
    /** Runs first, inside the rolled-back transaction (tests use it to plant a fault). */ prepare?: (
      client: pg.ClientBase,
    ) => Promise<void>;
  } = {},
): Promise<TriggerDifference[]> {
  const snapshots: Record<string, string> = {
    production_stages: "select id, (status, started_at, completed_at)::text as v from production_stages",
    supplier_orders: "select id, status::text as v from supplier_orders",
    orders:
      "select id, jsonb_build_array(status, current_stage, stage_progress, payment_status)::text as v from orders",
    marketplace_products: "select id, (status, reserved_quantity)::text as v from marketplace_products",
  };
  await client.query("begin");
  try {
    await options.prepare?.(client);
    for (const [table, sql] of Object.entries(snapshots)) {
      await client.query(`create temp table "before_${table}" on commit drop as ${sql}`);
      // Without statistics the comparison below plans a nested loop over 500,000 rows.
      await client.query(`analyze "before_${table}"`);
    }
    await client.query("update production_stages set completion_percentage = completion_percentage");
    await client.query("update payments set status = status");
    await client.query("update marketplace_products set status = status");
    const differences: TriggerDifference[] = [];
    for (const [table, sql] of Object.entries(snapshots)) {
      const { rows } = await client.query<TriggerDifference>(
        `select $1::text as "table", b.id, b.v as before, a.v as after
           from "before_${table}" b join (${sql}) a on a.id = b.id
          where a.v is distinct from b.v
          order by b.id
          limit 20`,
        [table],
      );
      differences.push(...rows);
    }
    return differences;
  } finally {
    await client.query("rollback");
  }
}
