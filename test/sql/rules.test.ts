/**
 * Every generated column, CHECK constraint and trigger rule of DOMAIN.md,
 * exercised with real inserts and updates — the accepted cases and the
 * refused ones. Runs as the migrator (RLS is bypassed: these are the rules
 * that hold for every writer). Each test runs in a transaction that is rolled
 * back, except the concurrency tests, which need real commits.
 */
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

let database: TestDatabase;
let db: Client;

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Client({ connectionString: database.adminUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await database?.drop();
});

/** Runs `fn` in a transaction that is always rolled back. */
async function inRollback(fn: () => Promise<void>): Promise<void> {
  await db.query("begin");
  try {
    await fn();
  } finally {
    await db.query("rollback");
  }
}

/** Asserts that `sql` fails with `code` and that the failure changed nothing. */
async function expectRefused(sql: string, params: unknown[], code: string, message?: RegExp): Promise<void> {
  await db.query("savepoint refused");
  let error: (Error & { code?: string }) | undefined;
  try {
    await db.query(sql, params);
  } catch (caught) {
    error = caught as Error & { code?: string };
  } finally {
    await db.query("rollback to savepoint refused");
  }
  expect(error).toBeDefined();
  expect(error?.code).toBe(code);
  if (message) expect(error?.message).toMatch(message);
}

async function one<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await db.query(sql, params);
  expect(rows).toHaveLength(1);
  return rows[0] as T;
}

const asUser = (userId: string) =>
  db.query("select set_config('request.jwt.claims', $1, true)", [
    JSON.stringify({ sub: userId, role: "authenticated", roles: ["supplier"] }),
  ]);

// ------------------------------------------------------------- fixtures

async function user(email = `${randomUUID()}@example.com`): Promise<string> {
  return (await one<{ id: string }>("insert into users (email) values ($1) returning id", [email])).id;
}

async function supplier(ownerId?: string): Promise<string> {
  const owner = ownerId ?? (await user());
  const row = await one<{ id: string }>(
    `insert into suppliers (user_id, company_name, country, verification_status, can_list_products)
     values ($1, 'Porto Knit Lda', 'PT', 'verified', true) returning id`,
    [owner],
  );
  return row.id;
}

async function order(fields: { buyerId?: string; status?: string; total?: number } = {}): Promise<string> {
  const row = await one<{ id: string }>(
    `insert into orders (buyer_id, product_type, quantity, status, total_amount)
     values ($1, 'sweater', 500, $2, $3) returning id`,
    [fields.buyerId ?? (await user()), fields.status ?? "confirmed", fields.total ?? 10_000],
  );
  return row.id;
}

async function supplierOrder(orderId: string, supplierId: string, targetDays = 40): Promise<string> {
  const row = await one<{ id: string }>(
    `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price, target_date)
     values ($1, $2, 'sweater', 500, 10000, 7000, current_date + $3::int) returning id`,
    [supplierId, orderId, targetDays],
  );
  return row.id;
}

async function acceptedSupplierOrder(orderId: string, supplierId?: string): Promise<string> {
  const id = await supplierOrder(orderId, supplierId ?? (await supplier()));
  await db.query("update supplier_orders set acceptance_status = 'accepted' where id = $1", [id]);
  return id;
}

async function listing(fields: { stock?: number; status?: string; basePrice?: number; fee?: number } = {}) {
  return one<{ id: string }>(
    `insert into marketplace_products
       (supplier_id, product_type, title, category, slug, base_price, platform_fee_percentage, stock_quantity, status,
        material, description, colors)
     values ($1, 'sweater', 'Merino Crew Sweater', 'knitwear', $2, $3, $4, $5, $6, 'merino wool',
             'A fine-gauge pullover', '{navy,grey}')
     returning id`,
    [
      await supplier(),
      `merino-crew-${randomUUID().slice(0, 8)}`,
      fields.basePrice ?? 20,
      fields.fee ?? 10,
      fields.stock ?? 10,
      fields.status ?? "approved",
    ],
  );
}

const setStage = (supplierOrderId: string, stage: number, pct: number) =>
  db.query(
    "update production_stages set completion_percentage = $3 where supplier_order_id = $1 and stage_number = $2",
    [supplierOrderId, stage, pct],
  );

// ------------------------------------------------------------ generated

describe("generated columns", () => {
  test("listing fee, final price and available quantity are computed and cannot be written", () =>
    inRollback(async () => {
      const { id } = await listing({ basePrice: 19.99, fee: 12.5, stock: 40 });
      await db.query("update marketplace_products set reserved_quantity = 15 where id = $1", [id]);
      const row = await one(
        "select platform_fee_amount, final_price, available_quantity from marketplace_products where id = $1",
        [id],
      );
      // 19.99 * 12.5 % = 2.49875 -> 2.50
      expect(row).toEqual({ platform_fee_amount: "2.50", final_price: "22.49", available_quantity: 25 });
      await expectRefused("update marketplace_products set final_price = 1 where id = $1", [id], "428C9");
    }));

  test("search_vector weights title A, category and material B, description C", () =>
    inRollback(async () => {
      const { id } = await listing();
      const row = await one<{ vector: string; hit: boolean; miss: boolean }>(
        `select search_vector::text as vector,
                search_vector @@ websearch_to_tsquery('english', 'merino sweaters') as hit,
                search_vector @@ websearch_to_tsquery('english', 'denim') as miss
           from marketplace_products where id = $1`,
        [id],
      );
      expect(row.vector).toContain("'crew':2A");
      expect(row.vector).toContain("'knitwear':4B");
      expect(row.vector).toContain("'pullov':");
      expect(row.vector).toMatch(/'pullov':\d+C/);
      expect(row).toMatchObject({ hit: true, miss: false });
    }));

  test("order item line_total and supplier order margin", () =>
    inRollback(async () => {
      const orderId = await order();
      const item = await one(
        `insert into order_items (order_id, description, quantity, unit_price)
         values ($1, 'Crew neck, navy', 250, 12.35) returning line_total`,
        [orderId],
      );
      expect(item.line_total).toBe("3087.50");
      const so = await one<{ id: string; margin: string }>(
        `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price)
         values ($1, $2, 'sweater', 250, 3087.50, 2400.25) returning id, margin`,
        [await supplier(), orderId],
      );
      expect(so.margin).toBe("687.25");
      await db.query("update supplier_orders set supplier_price = 3100 where id = $1", [so.id]);
      expect((await one("select margin from supplier_orders where id = $1", [so.id])).margin).toBe("-12.50");
    }));
});

// --------------------------------------------------------------- checks

describe("CHECK constraints refuse bad rows", () => {
  const cases: Array<[string, string, (ids: Record<string, string>) => unknown[]]> = [
    ["invalid email", "insert into users (email) values ($1)", () => ["not-an-email"]],
    ["lower-case country", "insert into suppliers (company_name, country) values ('X', $1)", () => ["pt"]],
    [
      "rating above 5",
      "insert into suppliers (company_name, country, rating) values ('X', 'PT', $1)",
      () => [5.5],
    ],
    [
      "plaintext contact email (must be encrypted at rest)",
      "insert into suppliers (company_name, country, contact_email) values ('X', 'PT', $1)",
      () => ["sales@factory.example"],
    ],
    [
      "zero capacity",
      "insert into suppliers (company_name, country, production_capacity_monthly) values ('X', 'PT', $1)",
      () => [0],
    ],
    [
      "listing price of zero",
      `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price)
       values ($1, 't', 't', 'c', 'a-slug', 0)`,
      (ids) => [ids.supplier],
    ],
    [
      "platform fee over 100 %",
      `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, platform_fee_percentage)
       values ($1, 't', 't', 'c', 'a-slug', 10, 100.5)`,
      (ids) => [ids.supplier],
    ],
    [
      "reserved above stock",
      `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, stock_quantity, reserved_quantity)
       values ($1, 't', 't', 'c', 'a-slug', 10, 5, 6)`,
      (ids) => [ids.supplier],
    ],
    [
      "slug with spaces",
      `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price)
       values ($1, 't', 't', 'c', 'Not A Slug', 10)`,
      (ids) => [ids.supplier],
    ],
    [
      "image that is not an http(s) URL",
      `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, images)
       values ($1, 't', 't', 'c', 'a-slug', 10, array['javascript:alert(1)'])`,
      (ids) => [ids.supplier],
    ],
    ["zero quantity order", "insert into orders (product_type, quantity) values ('t', $1)", () => [0]],
    [
      "target date after expected delivery",
      `insert into orders (product_type, quantity, target_date, expected_delivery_date)
       values ('t', 1, current_date + 10, current_date + $1::int)`,
      () => [5],
    ],
    [
      "lower-case currency",
      "insert into orders (product_type, quantity, currency) values ('t', 1, $1)",
      () => ["usd"],
    ],
    [
      "current stage 9",
      "insert into orders (product_type, quantity, current_stage) values ('t', 1, $1)",
      () => [9],
    ],
    [
      "stage number 9",
      `insert into production_stages (supplier_order_id, stage_number, stage_name) values ($1, $2, 'x')`,
      (ids) => [ids.supplierOrder, 9],
    ],
    [
      "completion over 100 %",
      `insert into production_stages (supplier_order_id, stage_number, stage_name, completion_percentage)
       values ($1, 1, 'x', $2)`,
      (ids) => [ids.supplierOrder, 100.01],
    ],
    [
      "counter offer without a price",
      `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price, acceptance_status)
       values ($1, $2, 't', 1, 1, 1, $3)`,
      (ids) => [ids.supplier, ids.order, "counter_offered"],
    ],
    [
      "payment of zero",
      "insert into payments (order_id, amount, method, idempotency_key) values ($1, 0, 'wire', 'key-12345678')",
      (ids) => [ids.order],
    ],
    ["feedback rating 6", "insert into feedback (message, rating) values ('hi', $1)", () => [6]],
    [
      "saved search with a malformed filter",
      "insert into saved_searches (user_id, name, filter) values ($1, 'x', $2)",
      (ids) => [ids.user, JSON.stringify({ minPrice: "cheap" })],
    ],
    [
      "utilisation over 100 %",
      "insert into capacity_utilization_logs (supplier_id, date, utilization_pct) values ($1, current_date, 120)",
      (ids) => [ids.supplier],
    ],
    [
      "negative booked capacity",
      "insert into factory_capacity (supplier_id, date, capacity_units, booked_units) values ($1, current_date, 10, -1)",
      (ids) => [ids.supplier],
    ],
  ];

  test.each(cases)("%s", (_name, sql, params) =>
    inRollback(async () => {
      const supplierId = await supplier();
      const orderId = await order();
      const ids = {
        supplier: supplierId,
        order: orderId,
        user: await user(),
        supplierOrder: await supplierOrder(orderId, supplierId),
      };
      await expectRefused(sql, params(ids), "23514");
    }),
  );

  test("emails are unique regardless of case", () =>
    inRollback(async () => {
      await user("Anna.Buyer@Example.com");
      await expectRefused("insert into users (email) values ($1)", ["anna.buyer@example.COM"], "23505");
    }));

  test("a stage number is unique per supplier order", () =>
    inRollback(async () => {
      const so = await acceptedSupplierOrder(await order());
      await expectRefused(
        "insert into production_stages (supplier_order_id, stage_number, stage_name) values ($1, 3, 'again')",
        [so],
        "23505",
      );
    }));
});

// ------------------------------------------------------------- triggers

describe("every table keeps updated_at", () => {
  test("updated_at moves forward on every update, even twice in one transaction", () =>
    inRollback(async () => {
      const id = await user();
      const stamp = async () =>
        (await one<{ at: string }>("select updated_at::text as at from users where id = $1", [id])).at;
      const created = await stamp();
      await db.query("update users set last_sign_in_at = now() where id = $1", [id]);
      const first = await stamp();
      await db.query("update users set disabled_at = now() where id = $1", [id]);
      const second = await stamp();
      const { rows } = await db.query(
        "select $1::timestamptz < $2::timestamptz and $2::timestamptz < $3::timestamptz as ok",
        [created, first, second],
      );
      expect(rows[0].ok).toBe(true);
    }));

  test("every table has the shared updated_at trigger", async () => {
    const { rows } = await db.query(`
      select c.relname
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r'
         and not exists (select from pg_trigger t join pg_proc p on p.oid = t.tgfoid
                          where t.tgrelid = c.oid and p.proname = 'tg__set_updated_at')`);
    expect(rows).toEqual([]);
  });
});

describe("orders", () => {
  test("order numbers come from a sequence in the LL-<year>-<6 digits> format; tracking tokens are random", () =>
    inRollback(async () => {
      const a = await one<{ order_number: string; tracking_token: string }>(
        "select order_number, tracking_token from orders where id = $1",
        [await order()],
      );
      const b = await one<{ order_number: string; tracking_token: string }>(
        "select order_number, tracking_token from orders where id = $1",
        [await order()],
      );
      const year = new Date().getUTCFullYear();
      expect(a.order_number).toMatch(new RegExp(`^LL-${year}-\\d{6}$`));
      expect(Number(b.order_number.slice(-6))).toBe(Number(a.order_number.slice(-6)) + 1);
      expect(a.tracking_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(a.tracking_token).not.toBe(b.tracking_token);
      const so = await one<{ order_number: string }>(
        "select order_number from supplier_orders where id = $1",
        [await supplierOrder(await order(), await supplier())],
      );
      expect(so.order_number).toMatch(new RegExp(`^SO-${year}-\\d{6}$`));
    }));

  test("optimistic locking: each update bumps version; a stale version is refused and changes nothing", () =>
    inRollback(async () => {
      const id = await order({ status: "submitted" });
      await db.query("update orders set notes = 'rush', version = 1 where id = $1", [id]);
      expect((await one("select version, notes from orders where id = $1", [id])).version).toBe(2);
      await expectRefused(
        "update orders set status = 'confirmed', version = 1 where id = $1",
        [id],
        "LLCNF",
        /expected version 1, current version 2/,
      );
      expect(await one("select status, version from orders where id = $1", [id])).toEqual({
        status: "submitted",
        version: 2,
      });
    }));

  test("invalid status transitions are refused; delivery stamps the date", () =>
    inRollback(async () => {
      const id = await order({ status: "submitted" });
      await expectRefused("update orders set status = 'shipped' where id = $1", [id], "LLTRN");
      await expectRefused("update orders set status = 'draft' where id = $1", [id], "LLTRN");
      for (const status of ["confirmed", "in_production", "quality_check", "shipped"]) {
        await db.query("update orders set status = $2 where id = $1", [id, status]);
      }
      await expectRefused("update orders set status = 'cancelled' where id = $1", [id], "LLTRN");
      await db.query("update orders set status = 'delivered' where id = $1", [id]);
      const row = await one<{ status: string; delivered_today: boolean }>(
        "select status, actual_delivery_date = current_date as delivered_today from orders where id = $1",
        [id],
      );
      expect(row).toEqual({ status: "delivered", delivered_today: true });
      await expectRefused("update orders set status = 'shipped' where id = $1", [id], "LLTRN");

      const cancelled = await order({ status: "submitted" });
      await db.query("update orders set status = 'cancelled' where id = $1", [cancelled]);
      await expectRefused("update orders set status = 'submitted' where id = $1", [cancelled], "LLTRN");
    }));

  test("order_status_history is written by the trigger, with actor and note, and is append-only", () =>
    inRollback(async () => {
      const actor = await user();
      const id = await order({ status: "submitted" });
      await asUser(actor);
      await db.query("select set_config('loomline.status_note', 'Checked the tech pack', true)");
      await db.query("update orders set status = 'confirmed' where id = $1", [id]);
      const { rows } = await db.query(
        "select from_status, to_status, changed_by, note from order_status_history where order_id = $1 order by created_at",
        [id],
      );
      expect(rows).toEqual([
        { from_status: null, to_status: "submitted", changed_by: null, note: null },
        {
          from_status: "submitted",
          to_status: "confirmed",
          changed_by: actor,
          note: "Checked the tech pack",
        },
      ]);
      await expectRefused(
        "update order_status_history set note = 'rewritten' where order_id = $1",
        [id],
        "LLAPP",
      );
      // Erasing the actor nulls the reference: the one change allowed.
      await db.query("delete from users where id = $1", [actor]);
      expect(
        (
          await one(
            "select count(*)::int as n from order_status_history where order_id = $1 and changed_by is null",
            [id],
          )
        ).n,
      ).toBe(2);
    }));

  test("status changes notify the buyer and the supplier", () =>
    inRollback(async () => {
      const buyer = await user();
      const owner = await user();
      const id = await order({ buyerId: buyer, status: "submitted" });
      await db.query("update orders set supplier_id = $2 where id = $1", [id, await supplier(owner)]);
      await db.query("update orders set status = 'confirmed' where id = $1", [id]);
      const { rows } = await db.query(
        "select user_id, type, data->>'toStatus' as to_status from notifications where data->>'orderId' = $1::text",
        [id],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { user_id: buyer, type: "order_status", to_status: "confirmed" },
          { user_id: owner, type: "order_status", to_status: "confirmed" },
        ]),
      );
    }));

  test("cancelling releases held stock and cancels open supplier orders", () =>
    inRollback(async () => {
      const id = await order({ status: "confirmed" });
      const so = await supplierOrder(id, await supplier());
      const { id: listingId } = await listing({ stock: 10 });
      await db.query(
        "insert into stock_reservations (marketplace_product_id, order_id, quantity) values ($1, $2, 4)",
        [listingId, id],
      );
      expect(
        (await one("select reserved_quantity from marketplace_products where id = $1", [listingId]))
          .reserved_quantity,
      ).toBe(4);
      await db.query(
        "update orders set status = 'cancelled', cancellation_reason = 'buyer changed plans' where id = $1",
        [id],
      );
      expect(
        (await one("select reserved_quantity from marketplace_products where id = $1", [listingId]))
          .reserved_quantity,
      ).toBe(0);
      expect((await one("select status from stock_reservations where order_id = $1", [id])).status).toBe(
        "released",
      );
      expect((await one("select status from supplier_orders where id = $1", [so])).status).toBe("cancelled");
    }));
});

describe("supplier orders and production stages", () => {
  test("acceptance creates the eight named stages and starts production", () =>
    inRollback(async () => {
      const id = await order({ status: "confirmed" });
      const supplierId = await supplier();
      const so = await acceptedSupplierOrder(id, supplierId);
      const { rows } = await db.query(
        "select stage_number, stage_name, status, target_date from production_stages where supplier_order_id = $1 order by stage_number",
        [so],
      );
      expect(rows.map((r) => r.stage_name)).toEqual([
        "Yarn sourcing",
        "Knitting",
        "Linking",
        "Washing",
        "Finishing and trims",
        "Quality inspection",
        "Packing",
        "Shipment",
      ]);
      expect(rows.every((r) => r.status === "pending")).toBe(true);
      const dates = rows.map((r) => (r.target_date as Date).getTime());
      expect([...dates].sort((a, b) => a - b)).toEqual(dates);
      expect(await one("select status, supplier_id, current_stage from orders where id = $1", [id])).toEqual({
        status: "in_production",
        supplier_id: supplierId,
        current_stage: 1,
      });
      expect(
        await one("select status, accepted_at is not null as stamped from supplier_orders where id = $1", [
          so,
        ]),
      ).toEqual({ status: "accepted", stamped: true });
      await expectRefused(
        "update supplier_orders set acceptance_status = 'rejected' where id = $1",
        [so],
        "LLTRN",
      );
    }));

  test("completion drives status, started_at (once) and completed_at", () =>
    inRollback(async () => {
      const so = await acceptedSupplierOrder(await order());
      const stage = () =>
        one<{ status: string; started_at: Date | null; completed_at: Date | null }>(
          "select status, started_at, completed_at from production_stages where supplier_order_id = $1 and stage_number = 1",
          [so],
        );
      expect(await stage()).toMatchObject({ status: "pending", started_at: null, completed_at: null });
      await setStage(so, 1, 40);
      const started = await stage();
      expect(started.status).toBe("in_progress");
      expect(started.started_at).not.toBeNull();
      await setStage(so, 1, 100);
      const done = await stage();
      expect(done.status).toBe("completed");
      expect(done.completed_at).not.toBeNull();
      expect(done.started_at).toEqual(started.started_at);
      await setStage(so, 1, 90);
      const reopened = await stage();
      expect(reopened).toMatchObject({ status: "in_progress", completed_at: null });
      expect(reopened.started_at).toEqual(started.started_at);
      await setStage(so, 1, 0);
      expect((await stage()).started_at).toEqual(started.started_at);
      await db.query(
        "update production_stages set started_at = null where supplier_order_id = $1 and stage_number = 1",
        [so],
      );
      expect((await stage()).started_at).toEqual(started.started_at);
    }));

  test("a stage can be delayed only past its target date and before completion", () =>
    inRollback(async () => {
      const so = await acceptedSupplierOrder(await order());
      await expectRefused(
        "update production_stages set status = 'delayed' where supplier_order_id = $1 and stage_number = 2",
        [so],
        "LLTRN",
        /only after its target date/,
      );
      await db.query(
        "update production_stages set target_date = current_date - 3, completion_percentage = 35 where supplier_order_id = $1 and stage_number = 2",
        [so],
      );
      await db.query(
        "update production_stages set status = 'delayed' where supplier_order_id = $1 and stage_number = 2",
        [so],
      );
      await setStage(so, 2, 60);
      expect(
        (
          await one(
            "select status from production_stages where supplier_order_id = $1 and stage_number = 2",
            [so],
          )
        ).status,
      ).toBe("delayed");
      await setStage(so, 2, 100);
      expect(
        (
          await one(
            "select status from production_stages where supplier_order_id = $1 and stage_number = 2",
            [so],
          )
        ).status,
      ).toBe("completed");
      await expectRefused(
        "update production_stages set status = 'delayed' where supplier_order_id = $1 and stage_number = 2",
        [so],
        "LLTRN",
      );
    }));

  test("a status that contradicts the completion is refused", () =>
    inRollback(async () => {
      const so = await acceptedSupplierOrder(await order());
      await expectRefused(
        "update production_stages set status = 'completed', completion_percentage = 50 where supplier_order_id = $1 and stage_number = 1",
        [so],
        "LLTRN",
      );
    }));

  test("the order follows its stages: current_stage, stage_progress, quality_check, shipped", () =>
    inRollback(async () => {
      const id = await order({ status: "confirmed" });
      const so = await acceptedSupplierOrder(id);
      for (const stage of [1, 2, 3, 4, 5]) await setStage(so, stage, 100);
      await setStage(so, 6, 25);
      const midway = await one<{
        status: string;
        current_stage: number;
        stage_progress: Record<string, number>;
      }>("select status, current_stage, stage_progress from orders where id = $1", [id]);
      expect(midway).toEqual({
        status: "quality_check",
        current_stage: 6,
        stage_progress: { "1": 100, "2": 100, "3": 100, "4": 100, "5": 100, "6": 25, "7": 0, "8": 0 },
      });
      for (const stage of [6, 7, 8]) await setStage(so, stage, 100);
      expect(await one("select status, current_stage from orders where id = $1", [id])).toEqual({
        status: "shipped",
        current_stage: 8,
      });
      expect((await one("select status from supplier_orders where id = $1", [so])).status).toBe("completed");
      const { rows } = await db.query(
        "select to_status, note from order_status_history where order_id = $1 order by created_at",
        [id],
      );
      expect(rows.map((r) => r.to_status)).toEqual([
        "confirmed",
        "in_production",
        "quality_check",
        "shipped",
      ]);
      expect(rows[2].note).toBe("Quality inspection started");
    }));

  test("progress averages the live supplier orders of an order", () =>
    inRollback(async () => {
      const id = await order({ status: "confirmed" });
      const first = await acceptedSupplierOrder(id);
      const second = await acceptedSupplierOrder(id);
      await setStage(first, 1, 100);
      await setStage(second, 1, 50);
      expect(
        await one("select current_stage, stage_progress->'1' as s1 from orders where id = $1", [id]),
      ).toEqual({
        current_stage: 1,
        s1: 75,
      });
      await db.query("update supplier_orders set status = 'cancelled' where id = $1", [second]);
      await setStage(first, 2, 10);
      expect(
        await one("select current_stage, stage_progress->'1' as s1 from orders where id = $1", [id]),
      ).toEqual({
        current_stage: 2,
        s1: 100,
      });
    }));
});

describe("order progress edge cases", () => {
  test("a delayed stage 6 that has not started does not start quality inspection", () =>
    inRollback(async () => {
      const id = await order({ status: "confirmed" });
      const so = await acceptedSupplierOrder(id);
      await db.query(
        "update production_stages set target_date = current_date - 1 where supplier_order_id = $1 and stage_number = 6",
        [so],
      );
      await db.query(
        "update production_stages set status = 'delayed' where supplier_order_id = $1 and stage_number = 6",
        [so],
      );
      expect((await one("select status from orders where id = $1", [id])).status).toBe("in_production");
      await setStage(so, 6, 5);
      expect((await one("select status from orders where id = $1", [id])).status).toBe("quality_check");
    }));

  test("a cancelled supplier order stops counting towards its order's progress", () =>
    inRollback(async () => {
      const id = await order({ status: "confirmed" });
      const kept = await acceptedSupplierOrder(id);
      const dropped = await acceptedSupplierOrder(id);
      await setStage(kept, 1, 100);
      expect((await one("select stage_progress->'1' as s1 from orders where id = $1", [id])).s1).toBe(50);
      await db.query("update supplier_orders set status = 'cancelled' where id = $1", [dropped]);
      expect(
        await one("select current_stage, stage_progress->'1' as s1 from orders where id = $1", [id]),
      ).toEqual({
        current_stage: 2,
        s1: 100,
      });
      await db.query("update supplier_orders set status = 'cancelled' where id = $1", [kept]);
      expect(await one("select current_stage, stage_progress from orders where id = $1", [id])).toEqual({
        current_stage: null,
        stage_progress: {},
      });
    }));

  test("factory progress does not bump the order's version; edits and workflow moves do", () =>
    inRollback(async () => {
      const id = await order({ status: "confirmed" });
      const so = await acceptedSupplierOrder(id);
      const version = async () =>
        (await one<{ version: number }>("select version from orders where id = $1", [id])).version;
      const afterAcceptance = await version();
      await setStage(so, 1, 40);
      await setStage(so, 2, 10);
      expect(await version()).toBe(afterAcceptance);
      await db.query("update orders set notes = 'pack in polybags', version = $2 where id = $1", [
        id,
        afterAcceptance,
      ]);
      expect(await version()).toBe(afterAcceptance + 1);
      for (const stage of [1, 2, 3, 4, 5]) await setStage(so, stage, 100);
      await setStage(so, 6, 10);
      expect(await one("select status, version from orders where id = $1", [id])).toEqual({
        status: "quality_check",
        version: afterAcceptance + 2,
      });
    }));

  test("status changes of a split order notify every factory on it", () =>
    inRollback(async () => {
      const owners = [await user(), await user()];
      const id = await order({ status: "confirmed" });
      for (const owner of owners) await supplierOrder(id, await supplier(owner));
      await db.query("update orders set status = 'cancelled' where id = $1", [id]);
      const { rows } = await db.query(
        "select distinct user_id from notifications where type = 'order_status' and data->>'orderId' = $1::text",
        [id],
      );
      expect(rows.map((row) => row.user_id)).toEqual(expect.arrayContaining(owners));
    }));
});

describe("marketplace and stock", () => {
  test("an approved listing with nothing available becomes sold_out, and back", () =>
    inRollback(async () => {
      const { id } = await listing({ stock: 3 });
      await db.query("update marketplace_products set stock_quantity = 0 where id = $1", [id]);
      expect((await one("select status from marketplace_products where id = $1", [id])).status).toBe(
        "sold_out",
      );
      await db.query("update marketplace_products set stock_quantity = 8 where id = $1", [id]);
      expect((await one("select status from marketplace_products where id = $1", [id])).status).toBe(
        "approved",
      );
      const draft = await listing({ stock: 0, status: "draft" });
      expect((await one("select status from marketplace_products where id = $1", [draft.id])).status).toBe(
        "draft",
      );
    }));

  test("approval stamps the review and notifies matching saved searches", () =>
    inRollback(async () => {
      const watcher = await user();
      await db.query(
        `insert into saved_searches (user_id, name, filter) values
           ($1, 'navy merino', '{"search": "merino", "colors": ["navy"], "maxPrice": 30}'),
           ($1, 'denim', '{"search": "denim"}')`,
        [watcher],
      );
      const { id } = await listing({ status: "pending_approval" });
      await db.query("update marketplace_products set status = 'approved' where id = $1", [id]);
      const row = await one<{ approval_date: Date | null; published_at: Date | null }>(
        "select approval_date, published_at from marketplace_products where id = $1",
        [id],
      );
      expect(row.approval_date).not.toBeNull();
      expect(row.published_at).toEqual(row.approval_date);
      const { rows } = await db.query(
        "select title from notifications where user_id = $1 and type = 'listing'",
        [watcher],
      );
      expect(rows).toEqual([{ title: 'New match for "navy merino"' }]);
    }));

  test("reservations move reserved_quantity; over-reserving is refused; commit consumes stock", () =>
    inRollback(async () => {
      const { id } = await listing({ stock: 10 });
      const r = await one<{ id: string }>(
        "insert into stock_reservations (marketplace_product_id, quantity) values ($1, 6) returning id",
        [id],
      );
      await expectRefused(
        "insert into stock_reservations (marketplace_product_id, quantity) values ($1, 5)",
        [id],
        "LLSTK",
      );
      await db.query("update stock_reservations set status = 'committed' where id = $1", [r.id]);
      expect(
        await one("select stock_quantity, reserved_quantity, sales from marketplace_products where id = $1", [
          id,
        ]),
      ).toEqual({
        stock_quantity: 4,
        reserved_quantity: 0,
        sales: 6,
      });
      await expectRefused("update stock_reservations set status = 'released' where id = $1", [r.id], "LLTRN");
    }));
});

describe("payments", () => {
  test("payment_status follows succeeded and refunded payments; currency must match", () =>
    inRollback(async () => {
      const id = await order({ total: 1000 });
      const pay = (amount: number, key: string, status = "succeeded", currency = "USD") =>
        db.query(
          "insert into payments (order_id, amount, currency, method, idempotency_key, status) values ($1, $2, $3, 'wire', $4, $5)",
          [id, amount, currency, key, status],
        );
      const status = async () =>
        (await one("select payment_status from orders where id = $1", [id])).payment_status;
      await pay(400, "key-aaaaaaaa");
      expect(await status()).toBe("partially_paid");
      await pay(600, "key-bbbbbbbb", "pending");
      expect(await status()).toBe("partially_paid");
      await db.query("update payments set status = 'succeeded' where idempotency_key = 'key-bbbbbbbb'");
      expect(await status()).toBe("paid");
      await db.query("update payments set status = 'refunded' where order_id = $1", [id]);
      expect(await status()).toBe("refunded");
      await expectRefused(
        "insert into payments (order_id, amount, currency, method, idempotency_key) values ($1, 5, 'EUR', 'wire', 'key-cccccccc')",
        [id],
        "LLRUL",
      );
      await expectRefused(
        "insert into payments (order_id, amount, method, idempotency_key) values ($1, 5, 'wire', 'key-aaaaaaaa')",
        [id],
        "23505",
      );
      await expectRefused(
        "update payments set amount = 1 where idempotency_key = 'key-aaaaaaaa'",
        [],
        "LLRUL",
      );
      // The status follows the order's total too.
      await pay(1000, "key-dddddddd");
      expect(await status()).toBe("paid");
      await db.query("update orders set total_amount = 2000 where id = $1", [id]);
      expect(await status()).toBe("partially_paid");
    }));
});

describe("messages", () => {
  test("the sender must be a party to the order; a sent message is immutable but can be read", () =>
    inRollback(async () => {
      const buyer = await user();
      const stranger = await user();
      const id = await order({ buyerId: buyer });
      await expectRefused(
        "insert into messages (sender_id, recipient_id, order_id, body) values ($1, $2, $3, 'hello')",
        [stranger, buyer, id],
        "LLRUL",
      );
      const message = await one<{ id: string }>(
        "insert into messages (sender_id, recipient_id, order_id, body) values ($1, $2, $3, 'When will it ship?') returning id",
        [buyer, stranger, id],
      );
      await expectRefused("update messages set body = 'edited' where id = $1", [message.id], "LLRUL");
      await db.query("update messages set read_at = now() where id = $1", [message.id]);
      expect(
        (
          await one("select count(*)::int as n from notifications where user_id = $1 and type = 'message'", [
            stranger,
          ])
        ).n,
      ).toBe(1);
    }));
});

describe("audit_log", () => {
  test("sensitive tables are audited with secrets redacted; the log cannot be changed", () =>
    inRollback(async () => {
      const owner = await user();
      await asUser(owner);
      const supplierId = await one<{ id: string }>(
        `insert into suppliers (user_id, company_name, country, contact_email)
         values ($1, 'Dhaka Knit', 'BD', 'enc:v1:k1:AAAAAAAAAAAAAAAA:c2VjcmV0') returning id`,
        [owner],
      );
      const entry = await one<{
        id: string;
        actor_id: string;
        action: string;
        new_data: Record<string, unknown>;
      }>(
        "select id, actor_id, action, new_data from audit_log where table_name = 'suppliers' and record_id = $1",
        [supplierId.id],
      );
      expect(entry).toMatchObject({ actor_id: owner, action: "insert" });
      expect(entry.new_data.contact_email).toBe("[redacted]");
      await expectRefused("update audit_log set action = 'update' where id = $1", [entry.id], "LLAPP");
      await expectRefused("delete from audit_log where id = $1", [entry.id], "LLAPP");
      await expectRefused("truncate audit_log", [], "LLAPP");
      // Past the seven-year retention, the retention job may delete.
      const old = await one<{ id: string }>(
        "insert into audit_log (action, table_name, created_at) values ('login', 'users', now() - interval '8 years') returning id",
      );
      await db.query("delete from audit_log where id = $1", [old.id]);
    }));
});

// --------------------------------------------------------- concurrency

describe("under concurrency (real parallel connections, committed)", () => {
  const clients: Client[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 12; i += 1) {
      const client = new Client({ connectionString: database.adminUrl });
      await client.connect();
      clients.push(client);
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
  });

  test("concurrent reservations never oversell", async () => {
    const { id } = await listing({ stock: 7 });
    const attempts = await Promise.allSettled(
      clients.map((client) =>
        client.query("insert into stock_reservations (marketplace_product_id, quantity) values ($1, 1)", [
          id,
        ]),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(7);
    for (const failed of attempts.filter((a): a is PromiseRejectedResult => a.status === "rejected")) {
      expect(failed.reason.code).toBe("LLSTK");
    }
    expect(
      await one(
        "select reserved_quantity, available_quantity, status from marketplace_products where id = $1",
        [id],
      ),
    ).toEqual({ reserved_quantity: 7, available_quantity: 0, status: "sold_out" });
  });

  test("concurrent stage updates of one order leave its progress consistent", async () => {
    const id = await order({ status: "confirmed" });
    const supplierOrders = [await acceptedSupplierOrder(id), await acceptedSupplierOrder(id)];
    await Promise.all(
      clients.map((client, i) =>
        client.query(
          "update production_stages set completion_percentage = $3 where supplier_order_id = $1 and stage_number = $2",
          [supplierOrders[i % 2], Math.floor(i / 2) + 1, 100],
        ),
      ),
    );
    const progress = await one<{ stage_progress: Record<string, number>; current_stage: number }>(
      "select stage_progress, current_stage from orders where id = $1",
      [id],
    );
    const { rows } = await db.query(
      `select ps.stage_number, round(avg(ps.completion_percentage), 2)::float8 as pct
         from production_stages ps join supplier_orders so on so.id = ps.supplier_order_id
        where so.buyer_order_id = $1 group by 1 order by 1`,
      [id],
    );
    expect(progress.stage_progress).toEqual(
      Object.fromEntries(rows.map((r) => [String(r.stage_number), r.pct])),
    );
    expect(progress.current_stage).toBe(7);
  });

  test("concurrent writers with the same expected version: exactly one wins", async () => {
    const id = await order({ status: "submitted" });
    const attempts = await Promise.allSettled(
      clients.map((client, i) =>
        client.query("update orders set notes = $2, version = 1 where id = $1", [id, `writer ${i}`]),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    expect(
      attempts
        .filter((a) => a.status === "rejected")
        .every((a) => (a as PromiseRejectedResult).reason.code === "LLCNF"),
    ).toBe(true);
    expect((await one("select version from orders where id = $1", [id])).version).toBe(2);
  });
});
