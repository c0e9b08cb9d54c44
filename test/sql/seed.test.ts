import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { verifyPassword } from "../../src/auth/passwords";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, SeedRefusedError, seed, type SeedSummary } from "../../src/cli/seed";
import { PROJECT_ROOT } from "../../src/db/migrator";
import { ENCRYPTED_COLUMNS, createFieldCipher } from "../../src/services/field-encryption";
import { createTestDatabase, withAdminClient, type TestDatabase } from "../helpers/database";
import { SEED_INVARIANTS, foreignKeyViolations, refireTriggers } from "../helpers/seed-invariants";

/**
 * The seed loads with triggers off and recomputes what they maintain; these
 * tests prove the result is internally consistent and exactly what the real
 * triggers produce, and that seeding is safe to run twice.
 */

const TEST_KEYS = `seedtest:${Buffer.alloc(32, 9).toString("base64")}`;
const cipher = createFieldCipher({ FIELD_ENCRYPTION_KEYS: TEST_KEYS, NODE_ENV: "test" });
const logger = pino({ level: "silent" });

let db: TestDatabase;
let summary: SeedSummary;
const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  withAdminClient(db.adminUrl, async (client) => (await client.query<T>(sql, params)).rows);

beforeAll(async () => {
  db = await createTestDatabase();
  summary = await seed({ adminUrl: db.adminUrl, scale: "small", logger, fieldCipher: cipher });
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe("seed small", () => {
  // How fast it loads is the benchmarks' business (npm run bench), not a test's.
  it("loads the demo scale and reports what it loaded", async () => {
    expect(summary.counts).toMatchObject({ suppliers: 20, marketplace_products: 200, orders: 150 });
    const [orders] = await query<{ n: number }>("select count(*)::int as n from orders");
    expect(orders!.n).toBe(summary.counts.orders);
    expect(summary.demoAccounts.map((a) => a.email)).toEqual(DEMO_ACCOUNTS.map((a) => a.email));
  });

  it.each(SEED_INVARIANTS.map((invariant) => [invariant.name, invariant.sql] as const))(
    "%s",
    async (_name, sql) => {
      expect(await query(sql)).toEqual([]);
    },
  );

  it("holds every foreign key (they were not checked during the trigger-less load)", async () => {
    expect(await withAdminClient(db.adminUrl, foreignKeyViolations)).toEqual([]);
  });

  it("matches what the real triggers compute: re-firing them over every stage, payment and listing changes nothing", async () => {
    // A no-op UPDATE per stage re-runs tg_production_stages__status and
    // __order_progress (current_stage, stage_progress, automatic order
    // status, completed supplier orders); per payment, the order's
    // payment_status; per listing, the sold-out switch. Rolled back.
    expect(await withAdminClient(db.adminUrl, refireTriggers)).toEqual([]);
  });

  it("really exercises the triggers in that check (a planted fault shows up)", async () => {
    const differences = await withAdminClient(db.adminUrl, (client) =>
      refireTriggers(client, {
        prepare: async (c) => {
          // Written past the triggers, like the seed writes, then re-fired.
          await c.query("set local session_replication_role = replica");
          await c.query(
            `update orders set stage_progress = '{}', current_stage = null
              where id = (select buyer_order_id from supplier_orders where status = 'accepted' order by id limit 1)`,
          );
          await c.query("set local session_replication_role = origin");
        },
      }),
    );
    expect(differences).toEqual([
      expect.objectContaining({ table: "orders", before: expect.stringContaining("null, {}") }),
    ]);
  });

  it("has every value of every workflow enumeration", async () => {
    const columns: [string, string, string][] = [
      ["listing_status", "marketplace_products", "status"],
      ["order_status", "orders", "status"],
      ["payment_status", "orders", "payment_status"],
      ["quote_status", "quotes", "status"],
      ["lead_status", "quotes", "lead_status"],
      ["verification_status", "suppliers", "verification_status"],
      ["supplier_order_status", "supplier_orders", "status"],
      ["acceptance_status", "supplier_orders", "acceptance_status"],
      ["stage_status", "production_stages", "status"],
      ["reservation_status", "stock_reservations", "status"],
      ["payment_transaction_status", "payments", "status"],
      ["feedback_type", "feedback", "feedback_type"],
      ["feedback_priority", "feedback", "priority"],
      ["feedback_status", "feedback", "status"],
      ["app_role", "user_roles", "role"],
    ];
    for (const [type, table, column] of columns) {
      const rows = await query<{ missing: string }>(
        `select unnest(enum_range(null::${type}))::text as missing except select distinct ${column}::text from ${table}`,
      );
      expect({ type, missing: rows.map((row) => row.missing) }).toEqual({ type, missing: [] });
    }
  });

  it("covers the edge cases: sold out at zero stock, delayed stages, cancelled orders with reasons, anonymous quotes", async () => {
    const [row] = await query<Record<string, number>>(`
      select (select count(*) from marketplace_products where status = 'sold_out' and stock_quantity = 0)::int as zero_stock,
             (select count(*) from marketplace_products where status = 'sold_out' and stock_quantity > 0)::int as reserved_out,
             (select count(*) from production_stages where status = 'delayed' and target_date < current_date)::int as delayed,
             (select count(*) from orders where status = 'cancelled' and cancellation_reason <> '')::int as cancelled,
             (select count(*) from quotes where requested_by is null and session_id is not null)::int as anonymous,
             (select count(*) from orders where status = 'cancelled'
                 and exists (select from production_stages ps join supplier_orders so on so.id = ps.supplier_order_id
                              where so.buyer_order_id = orders.id))::int as cancelled_in_production`);
    expect(row).toEqual({
      zero_stock: expect.any(Number),
      reserved_out: expect.any(Number),
      delayed: expect.any(Number),
      cancelled: expect.any(Number),
      anonymous: expect.any(Number),
      cancelled_in_production: expect.any(Number),
    });
    for (const [name, count] of Object.entries(row!))
      expect({ name, count: count > 0 }).toEqual({ name, count: true });
  });

  it("stores Unicode names intact", async () => {
    const suppliers = await query<{ company_name: string }>(
      "select company_name from suppliers where company_name = any($1) order by company_name",
      [["Çağlar Tekstil A.Ş.", "上海针织有限公司", "Ørsted Knit ApS"]],
    );
    expect(suppliers.map((s) => s.company_name)).toEqual([
      "Çağlar Tekstil A.Ş.",
      "Ørsted Knit ApS",
      "上海针织有限公司",
    ]);
    const people = await query("select 1 from profiles where full_name = 'Nguyễn Thị Hương'");
    expect(people).toHaveLength(1);
  });

  it("encrypts supplier contact fields, each bound to its column and row", async () => {
    const rows = await query<{ id: string; address: string; contact_email: string; contact_phone: string }>(
      "select id, address, contact_email, contact_phone from suppliers",
    );
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect(cipher.decrypt(row.contact_email, ENCRYPTED_COLUMNS.supplierContactEmail, row.id)).toMatch(
        /^sales@[a-z0-9.-]+\.example$/,
      );
      expect(cipher.decrypt(row.contact_phone, ENCRYPTED_COLUMNS.supplierContactPhone, row.id)).toMatch(
        /^\+\d+ [\d ]+$/,
      );
      expect(cipher.decrypt(row.address, ENCRYPTED_COLUMNS.supplierAddress, row.id)).toMatch(/, [A-Z]{2}$/);
      expect(() =>
        cipher.decrypt(row.contact_email, ENCRYPTED_COLUMNS.supplierContactPhone, row.id),
      ).toThrow();
      const other = rows.find((candidate) => candidate.id !== row.id)!;
      expect(() =>
        cipher.decrypt(row.contact_email, ENCRYPTED_COLUMNS.supplierContactEmail, other.id),
      ).toThrow();
    }
  });

  it("creates the demo logins with the printed password and their roles", async () => {
    const rows = await query<{ email: string; password_hash: string; roles: string[] }>(
      `select u.email::text, u.password_hash, array_agg(r.role::text) as roles
         from users u join user_roles r on r.user_id = u.id
        where u.email = any($1) group by u.id order by u.email`,
      [DEMO_ACCOUNTS.map((a) => a.email)],
    );
    expect(rows).toHaveLength(DEMO_ACCOUNTS.length);
    for (const account of DEMO_ACCOUNTS) {
      const row = rows.find((r) => r.email === account.email)!;
      expect(row.roles).toEqual([account.role]);
      await expect(verifyPassword(DEMO_PASSWORD, row.password_hash)).resolves.toBe(true);
      await expect(verifyPassword("wrong", row.password_hash)).resolves.toBe(false);
    }
    // The demo buyer sees every order status; the demo supplier has listings and work.
    const [demo] = await query<{ statuses: number; listings: number; supplier_orders: number }>(`
      select (select count(distinct o.status) from orders o join users u on u.id = o.buyer_id where u.email = 'buyer@loomline.dev')::int as statuses,
             (select count(*) from marketplace_products m join suppliers s on s.id = m.supplier_id join users u on u.id = s.user_id
               where u.email = 'supplier@loomline.dev')::int as listings,
             (select count(*) from supplier_orders so join suppliers s on s.id = so.supplier_id join users u on u.id = s.user_id
               where u.email = 'supplier@loomline.dev')::int as supplier_orders`);
    expect(demo!.statuses).toBe(8);
    expect(demo!.listings).toBeGreaterThan(5);
    expect(demo!.supplier_orders).toBeGreaterThan(0);
  });

  it("refuses to seed a database that has users, and changes nothing", async () => {
    await expect(
      seed({ adminUrl: db.adminUrl, scale: "small", logger, fieldCipher: cipher }),
    ).rejects.toThrow(SeedRefusedError);
    await expect(
      seed({ adminUrl: db.adminUrl, scale: "small", logger, fieldCipher: cipher }),
    ).rejects.toThrow(/already has users.*--reset/);
    const [users] = await query<{ n: number }>("select count(*)::int as n from users");
    expect(users!.n).toBe(summary.counts.users);
  });

  it("refuses from the command line too, with a clear message and a non-zero exit", async () => {
    const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
    const run = promisify(execFile)(
      tsx,
      [path.join(PROJECT_ROOT, "src", "cli", "seed.ts"), "--scale", "small"],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          DATABASE_URL: db.adminUrl,
          FIELD_ENCRYPTION_KEYS: TEST_KEYS,
          LOG_LEVEL: "silent",
          NODE_ENV: "test",
        },
      },
    );
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/db:seed: the database already has users/),
    });
  }, 30_000);

  it("--reset empties every table (audit_log included) and reproduces the same data", async () => {
    const fingerprint = () =>
      query<{ users: string; listings: string; orders: string }>(`
        select (select md5(string_agg(id::text || email::text, ',' order by id)) from users) as users,
               (select md5(string_agg(slug || status || final_price, ',' order by slug)) from marketplace_products) as listings,
               (select md5(string_agg(id::text || status || total_amount || payment_status || stage_progress::text, ',' order by id)) from orders) as orders`);
    const before = await fingerprint();
    // audit_log refuses TRUNCATE by trigger; --reset must get past it.
    await query("insert into audit_log (action, table_name) values ('login', 'users')");

    const again = await seed({
      adminUrl: db.adminUrl,
      scale: "small",
      logger,
      fieldCipher: cipher,
      reset: true,
    });
    expect(again.counts).toEqual({ ...summary.counts });
    expect(await fingerprint()).toEqual(before);
    const [numbers] = await query<{ first: string; audit: number }>(
      "select min(order_number) as first, (select count(*)::int from audit_log) as audit from orders",
    );
    expect(numbers!.first).toMatch(/^LL-\d{4}-000001$/);
    expect(numbers!.audit).toBe(0);
  }, 60_000);
});
