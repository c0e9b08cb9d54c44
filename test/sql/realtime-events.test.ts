/**
 * The realtime event log of migration 017, in SQL: what the triggers record
 * (routing columns, payload), the wake-up NOTIFY (one per transaction, ids
 * only), reading by snapshot interval in commit order (two overlapping
 * transactions that commit in the opposite order of their ids), who may read
 * it (the API's login role through the two functions; no request role), and
 * the pruning job.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import {
  type TestDatabase,
  adminRows,
  createTestDatabase,
  withAdminClient,
  withRole,
} from "../helpers/database";

let database: TestDatabase;

const U = { buyer: randomUUID(), north: randomUUID(), south: randomUUID() };
const S = { north: randomUUID(), south: randomUUID() };
const O = randomUUID();
/** Another order: stage updates lock their order's row (its progress), so concurrent ones need two orders. */
const O2 = randomUUID();
const SO = { north: randomUUID(), south: randomUUID(), other: randomUUID() };

interface EventRow {
  id: string;
  topic: string;
  kind: string;
  entity_id: string;
  order_id: string | null;
  supplier_order_id: string | null;
  buyer_id: string | null;
  supplier_ids: string[];
  user_id: string | null;
  payload: Record<string, unknown>;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await withAdminClient(database.adminUrl, async (client) => {
    await client.query(`
      insert into users (id, email) values
        ('${U.buyer}', 'buyer@events.example'), ('${U.north}', 'north@events.example'),
        ('${U.south}', 'south@events.example');
      insert into user_roles (user_id, role) values
        ('${U.buyer}', 'buyer'), ('${U.north}', 'supplier'), ('${U.south}', 'supplier');
      insert into suppliers (id, user_id, company_name, country, verification_status) values
        ('${S.north}', '${U.north}', 'North', 'PT', 'verified'), ('${S.south}', '${U.south}', 'South', 'BD', 'verified');
      insert into orders (id, buyer_id, product_type, quantity, status, total_amount) values
        ('${O}', '${U.buyer}', 'sweater', 1000, 'confirmed', 10000),
        ('${O2}', '${U.buyer}', 'sweater', 100, 'confirmed', 1000);
      insert into supplier_orders (id, supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price,
                                   target_date) values
        ('${SO.north}', '${S.north}', '${O}', 'sweater', 500, 5000, 4000, current_date + 60),
        ('${SO.south}', '${S.south}', '${O}', 'sweater', 500, 5000, 4000, current_date + 60),
        ('${SO.other}', '${S.south}', '${O2}', 'sweater', 100, 1000, 800, current_date + 60);
      update supplier_orders set acceptance_status = 'accepted'
       where id in ('${SO.north}', '${SO.south}', '${SO.other}');
    `);
  });
});

afterAll(() => database?.drop());

const events = (where: string, params: unknown[] = []) =>
  adminRows<EventRow>(
    database.adminUrl,
    `select id::text, topic::text, kind, entity_id, order_id, supplier_order_id, buyer_id, supplier_ids, user_id, payload
       from events where ${where} order by id`,
    params,
  );

const stageOf = async (supplierOrder: string, stageNumber: number) =>
  (
    await adminRows<{ id: string }>(
      database.adminUrl,
      "select id from production_stages where supplier_order_id = $1 and stage_number = $2",
      [supplierOrder, stageNumber],
    )
  )[0]!.id;

/** A client of the API's login role, as the hub connects. */
async function loginRole<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.apiUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** One interval read, as the hub reads it; its stage events only (a stage's progress may move its order too). */
async function poll(client: pg.Client, since: string) {
  const { rows } = await client.query<{ batch: { snapshot: string; events: EventRow[] } }>(
    "select app_private.events_poll($1::pg_snapshot, 100) as batch",
    [since],
  );
  const { snapshot, events } = rows[0]!.batch;
  return { snapshot, events: events.filter((event) => event.topic === "stage") };
}

test("a stage event carries its order, supplier order, buyer and only its own supplier", async () => {
  const stage = await stageOf(SO.north, 1);
  await adminRows(
    database.adminUrl,
    "update production_stages set completion_percentage = 10 where id = $1",
    [stage],
  );
  const [event] = await events("entity_id = $1 and kind = 'updated'", [stage]);
  expect(event).toMatchObject({
    topic: "stage",
    order_id: O,
    supplier_order_id: SO.north,
    buyer_id: U.buyer,
    supplier_ids: [S.north],
    user_id: null,
  });
  // Accepting the supplier orders created their stages: one CREATED event each.
  expect(
    await events("topic = 'stage' and kind = 'created' and supplier_order_id = $1", [SO.south]),
  ).toHaveLength(8);
});

test("an order status event carries every supplier of the order and the transition", async () => {
  await adminRows(database.adminUrl, "update orders set status = 'in_production' where id = $1", [O]);
  const [event] = await events("topic = 'order_status' and order_id = $1 and payload->>'toStatus' = $2", [
    O,
    "in_production",
  ]);
  expect(event!.buyer_id).toBe(U.buyer);
  expect([...event!.supplier_ids].sort()).toEqual([S.north, S.south].sort());
  expect(event!.payload).toEqual({ fromStatus: "confirmed", toStatus: "in_production" });
});

test("NOTIFY wakes listeners once per transaction, with the transaction id only", async () => {
  await loginRole(async (listener) => {
    const received: string[] = [];
    listener.on("notification", (message) => received.push(message.payload ?? ""));
    await listener.query("listen loomline_events");
    const xid = await withAdminClient(database.adminUrl, async (client) => {
      await client.query("begin");
      const { rows } = await client.query<{ xid: string }>("select pg_current_xact_id()::text as xid");
      await client.query(
        "update production_stages set completion_percentage = 20 where supplier_order_id = $1 and stage_number in (2, 3)",
        [SO.north],
      );
      await client.query("commit");
      return rows[0]!.xid;
    });
    await listener.query("select 1"); // notifications arrive before the next result
    expect(received).toEqual([xid]);
  });
});

test("with loomline.realtime_notify off, the event is written but nobody is woken", async () => {
  const stage = await stageOf(SO.north, 4);
  await loginRole(async (listener) => {
    const received: string[] = [];
    listener.on("notification", (message) => received.push(message.payload ?? ""));
    await listener.query("listen loomline_events");
    await withAdminClient(database.adminUrl, async (client) => {
      await client.query("begin");
      await client.query("set local loomline.realtime_notify = 'off'");
      await client.query("update production_stages set notes = 'quiet' where id = $1", [stage]);
      await client.query("commit");
    });
    await listener.query("select 1");
    expect(received).toEqual([]);
  });
  expect(await events("entity_id = $1 and kind = 'updated'", [stage])).toHaveLength(1);
});

test("intervals deliver in commit order: a transaction that took the lower id but committed later is not skipped", async () => {
  const [first, second] = [await stageOf(SO.south, 1), await stageOf(SO.other, 1)];
  await loginRole(async (reader) => {
    const start = (await reader.query<{ s: string }>("select pg_current_snapshot()::text as s")).rows[0]!.s;
    const t1 = new pg.Client({ connectionString: database.adminUrl });
    const t2 = new pg.Client({ connectionString: database.adminUrl });
    await Promise.all([t1.connect(), t2.connect()]);
    try {
      await t1.query("begin");
      await t1.query("update production_stages set completion_percentage = 30 where id = $1", [first]);
      await t2.query("begin");
      await t2.query("update production_stages set completion_percentage = 30 where id = $1", [second]);
      await t2.query("commit");

      const one = await poll(reader, start);
      expect(one.events.map((event) => event.entity_id)).toEqual([second]);

      await t1.query("commit");
      const two = await poll(reader, one.snapshot);
      expect(two.events.map((event) => event.entity_id)).toEqual([first]);
      // The later transaction's event has the higher id: an "id > last" cursor would have skipped it.
      expect(BigInt(two.events[0]!.id)).toBeLessThan(BigInt(one.events[0]!.id));

      expect((await poll(reader, two.snapshot)).events).toEqual([]);
      // A replay of the whole span holds both, once each.
      const { rows } = await reader.query<{ entity_id: string }>(
        `select entity_id from app_private.events_between($1::pg_snapshot, $2::pg_snapshot, 0, '{stage}',
                                                          null, null, $3, null, false, 100)`,
        [start, two.snapshot, U.buyer],
      );
      expect(rows.map((row) => row.entity_id).sort()).toEqual([first, second].sort());
    } finally {
      await Promise.all([t1.end(), t2.end()]);
    }
  });
});

test("a rolled-back transaction leaves no event", async () => {
  const stage = await stageOf(SO.south, 3);
  await loginRole(async (reader) => {
    const start = (await reader.query<{ s: string }>("select pg_current_snapshot()::text as s")).rows[0]!.s;
    await withAdminClient(database.adminUrl, async (client) => {
      await client.query("begin");
      await client.query("update production_stages set completion_percentage = 40 where id = $1", [stage]);
      await client.query("rollback");
    });
    expect((await poll(reader, start)).events).toEqual([]);
  });
});

test("disabling a user records an access event for the user", async () => {
  await adminRows(database.adminUrl, "update users set disabled_at = now() where id = $1", [U.south]);
  expect(await events("topic = 'access' and user_id = $1", [U.south])).toEqual([
    expect.objectContaining({ kind: "revoked", entity_id: U.south }),
  ]);
});

test("no request role reads the log or calls its readers", async () => {
  const claims = { role: "authenticated", sub: U.buyer, roles: ["buyer"] };
  for (const sql of [
    "select count(*) from events",
    "select app_private.events_poll(pg_current_snapshot(), 10)",
    "select app_private.events_prune(interval '30 days')",
  ]) {
    await expect(
      withRole(database.apiUrl, "authenticated", claims, (client) => client.query(sql)),
    ).rejects.toThrow(/permission denied/);
  }
});

test("pruning keeps at least a day and removes older events", async () => {
  await loginRole(async (client) => {
    await expect(client.query("select app_private.events_prune(interval '2 hours')")).rejects.toThrow(
      /at least 24 hours/,
    );
    const [old] = await adminRows<{ id: string }>(
      database.adminUrl,
      "select id::text from events where topic = 'stage' order by id limit 1",
    );
    await adminRows(
      database.adminUrl,
      "update events set created_at = now() - interval '3 days' where id = $1",
      [old!.id],
    );
    const { rows } = await client.query<{ removed: string }>(
      "select app_private.events_prune(interval '48 hours') as removed",
    );
    expect(Number(rows[0]!.removed)).toBe(1);
    expect(await events("id = $1", [old!.id])).toEqual([]);
  });
});
