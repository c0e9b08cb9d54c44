/**
 * The supplier-order and production rules of migration 015, in SQL as the
 * request roles (loomline_api -> authenticated with signed claims, each
 * case rolled back): the assigned supplier answers only a pending supplier
 * order and a counter-offer waits for the admin; created_by is the caller;
 * supplier orders never hold more pieces than their order, also when two
 * admins split it at once (real commits); a completed stage does not go
 * back (the owner's corrections aside); stages of a supplier order that is
 * not running do not change; photos are https URLs, at most 20.
 */
import { randomUUID } from "node:crypto";
import type { Client } from "pg";
import pg from "pg";
import { signedClaimsQuery } from "../../src/db/identity";
import { type TestDatabase, createTestDatabase, withAdminClient, withRole } from "../helpers/database";

let database: TestDatabase;

const U = {
  admin: randomUUID(),
  buyer: randomUUID(),
  north: randomUUID(),
  south: randomUUID(),
};
const S = { north: randomUUID(), south: randomUUID() };
const O = { main: randomUUID(), race: randomUUID(), other: randomUUID() };
const SO = {
  pending: randomUUID(),
  accepted: randomUUID(),
  countered: randomUUID(),
  cancelled: randomUUID(),
};

beforeAll(async () => {
  database = await createTestDatabase();
  await withAdminClient(database.adminUrl, async (client) => {
    await client.query(`
      insert into users (id, email) values
        ('${U.admin}', 'admin@rules.example'), ('${U.buyer}', 'buyer@rules.example'),
        ('${U.north}', 'north@rules.example'), ('${U.south}', 'south@rules.example');
      insert into user_roles (user_id, role) values
        ('${U.admin}', 'admin'), ('${U.buyer}', 'buyer'), ('${U.north}', 'supplier'), ('${U.south}', 'supplier');
      insert into suppliers (id, user_id, company_name, country, verification_status) values
        ('${S.north}', '${U.north}', 'North', 'PT', 'verified'), ('${S.south}', '${U.south}', 'South', 'BD', 'verified');
      insert into orders (id, buyer_id, product_type, quantity, status, total_amount) values
        ('${O.main}', '${U.buyer}', 'sweater', 1000, 'confirmed', 10000),
        ('${O.race}', '${U.buyer}', 'sweater', 1000, 'confirmed', 10000),
        ('${O.other}', '${U.buyer}', 'sweater', 100, 'confirmed', 1000);
      insert into supplier_orders (id, supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price,
                                   target_date) values
        ('${SO.pending}', '${S.north}', '${O.main}', 'sweater', 200, 2000, 1500, current_date + 60),
        ('${SO.accepted}', '${S.north}', '${O.main}', 'sweater', 300, 3000, 2000, current_date + 60),
        ('${SO.countered}', '${S.north}', '${O.main}', 'sweater', 100, 1000, 800, current_date + 60),
        ('${SO.cancelled}', '${S.north}', '${O.other}', 'sweater', 100, 1000, 800, current_date + 60);
      update supplier_orders set acceptance_status = 'accepted' where id in ('${SO.accepted}', '${SO.cancelled}');
      update supplier_orders set acceptance_status = 'counter_offered', counter_offer_price = 900
       where id = '${SO.countered}';
    `);
  });
});

afterAll(async () => {
  await database?.drop();
});

type Who = keyof typeof U;
const ROLES: Record<Who, string[]> = {
  admin: ["admin"],
  buyer: ["buyer"],
  north: ["supplier"],
  south: ["supplier"],
};

/** Runs `fn` as `who` (authenticated, signed claims), rolled back. */
const as = <T>(who: Who, fn: (client: Client) => Promise<T>) =>
  withRole(database.apiUrl, "authenticated", null, async (client) => {
    await client.query(signedClaimsQuery({ sub: U[who], role: "authenticated", roles: ROLES[who] }));
    return fn(client);
  });

/** The statement's result or its error (code and message), as `who`. */
async function run(
  who: Who,
  sql: string,
): Promise<{ rowCount?: number | null; rows?: unknown[]; error?: { code?: string; message: string } }> {
  return as(who, async (client) => {
    try {
      const result = await client.query(sql);
      return { rowCount: result.rowCount, rows: result.rows };
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      return { error: { code, message } };
    }
  });
}

const refused = (code: string, message?: RegExp) => ({
  error: { code, ...(message ? { message: expect.stringMatching(message) } : {}) },
});

const stageOf = (supplierOrder: string, n: number) =>
  `(select id from production_stages where supplier_order_id = '${supplierOrder}' and stage_number = ${n})`;

describe("answering a supplier order", () => {
  test("the assigned supplier answers a pending one; another supplier reaches no row", async () => {
    expect(
      await run(
        "north",
        `update supplier_orders set acceptance_status = 'accepted' where id = '${SO.pending}'`,
      ),
    ).toMatchObject({ rowCount: 1 });
    expect(
      await run(
        "south",
        `update supplier_orders set acceptance_status = 'accepted' where id = '${SO.pending}'`,
      ),
    ).toMatchObject({ rowCount: 0 });
    expect(
      await run(
        "buyer",
        `update supplier_orders set acceptance_status = 'accepted' where id = '${SO.pending}'`,
      ),
    ).toMatchObject({ rowCount: 0 });
  });

  test("a counter-offer waits for the admin: the supplier cannot accept or reject it itself", async () => {
    for (const answer of ["accepted", "rejected", "pending"]) {
      expect(
        await run(
          "north",
          `update supplier_orders set acceptance_status = '${answer}' where id = '${SO.countered}'`,
        ),
      ).toMatchObject(
        answer === "pending"
          ? refused("42501", /only an administrator may set supplier_orders.acceptance_status/)
          : refused("LLTRN", /answered already/),
      );
    }
    expect(
      await run(
        "admin",
        `update supplier_orders set supplier_price = 900, acceptance_status = 'accepted' where id = '${SO.countered}'
         returning status::text`,
      ),
    ).toMatchObject({ rows: [{ status: "accepted" }] });
  });

  test("an answer is given once, and a counter-offer price only with the counter-offer", async () => {
    expect(
      await run(
        "north",
        `update supplier_orders set acceptance_status = 'rejected' where id = '${SO.accepted}'`,
      ),
    ).toMatchObject(refused("LLTRN"));
    expect(
      await run("north", `update supplier_orders set counter_offer_price = 1 where id = '${SO.countered}'`),
    ).toMatchObject(refused("LLTRN", /counter-offer price/));
    expect(
      await run("north", `update supplier_orders set counter_offer_price = 1 where id = '${SO.pending}'`),
    ).toMatchObject(refused("LLTRN", /counter-offer price/));
    expect(
      await run(
        "north",
        `update supplier_orders set acceptance_status = 'counter_offered', counter_offer_price = 1700
          where id = '${SO.pending}'`,
      ),
    ).toMatchObject({ rowCount: 1 });
  });
});

describe("creating supplier orders", () => {
  test("created_by is the caller, whatever the insert says; the grant is gone", async () => {
    expect(
      await run(
        "admin",
        `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price)
         values ('${S.south}', '${O.main}', 'sweater', 10, 100, 80) returning created_by::text`,
      ),
    ).toMatchObject({ rows: [{ created_by: U.admin }] });
    expect(
      await run(
        "admin",
        `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price,
                                      created_by)
         values ('${S.south}', '${O.main}', 'sweater', 10, 100, 80, '${U.buyer}')`,
      ),
    ).toMatchObject(refused("42501", /permission denied/));
  });

  test("the pieces of an order's live supplier orders never exceed the order", async () => {
    // 200 + 300 + 100 are with suppliers: 400 remain.
    const insert = (quantity: number) =>
      `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price)
       values ('${S.south}', '${O.main}', 'sweater', ${quantity}, 100, 80)`;
    expect(await run("admin", insert(400))).toMatchObject({ rowCount: 1 });
    expect(await run("admin", insert(401))).toMatchObject(refused("LLRUL", /at most 400 more/));
    // A quantity is never changed by a request (no grant): a split is redone, not edited.
    expect(
      await run("admin", `update supplier_orders set quantity = 701 where id = '${SO.accepted}'`),
    ).toMatchObject(refused("42501"));
    // A rejected supplier order's pieces are free again.
    expect(
      await as("admin", async (client) => {
        await client.query(
          `update supplier_orders set acceptance_status = 'rejected' where id = '${SO.pending}'`,
        );
        return (await client.query(insert(600))).rowCount;
      }),
    ).toBe(1);
  });

  test("two admins splitting one order at once: the second waits for the first and is refused", async () => {
    const connect = async () => {
      const client = new pg.Client({ connectionString: database.apiUrl });
      await client.connect();
      await client.query("begin");
      await client.query("select set_config('role', 'authenticated', true)");
      await client.query(signedClaimsQuery({ sub: U.admin, role: "authenticated", roles: ["admin"] }));
      return client;
    };
    const insert = `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price,
                                                 supplier_price)
                    values ('${S.south}', '${O.race}', 'sweater', 600, 100, 80)`;
    const first = await connect();
    const second = await connect();
    try {
      await first.query(insert);
      const waiting = second.query(insert).then(
        () => null,
        (error: { code?: string }) => error.code,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.query("commit");
      expect(await waiting).toBe("LLRUL");
      await second.query("rollback");
    } finally {
      await first.end();
      await second.end();
    }
    const total = await withAdminClient(database.adminUrl, async (client) =>
      Number(
        (
          await client.query(
            `select sum(quantity) as n from supplier_orders where buyer_order_id = '${O.race}'`,
          )
        ).rows[0].n,
      ),
    );
    expect(total).toBe(600);
  });
});

describe("production stages", () => {
  test("a completed stage does not go back, for admins' requests too", async () => {
    for (const who of ["north", "admin"] as const) {
      const result = await as(who, async (client) => {
        await client.query(
          `update production_stages set completion_percentage = 100 where id = ${stageOf(SO.accepted, 1)}`,
        );
        try {
          await client.query(
            `update production_stages set completion_percentage = 60 where id = ${stageOf(SO.accepted, 1)}`,
          );
          return null;
        } catch (error) {
          return error as { code?: string; message: string };
        }
      });
      expect(result).toMatchObject({ code: "LLTRN", message: "stage 1 is completed: it does not go back" });
    }
  });

  test("a stage of a supplier order that is not running does not change (for its supplier)", async () => {
    await withAdminClient(database.adminUrl, (client) =>
      client.query(`update supplier_orders set status = 'cancelled' where id = '${SO.cancelled}'`),
    );
    expect(
      await run(
        "north",
        `update production_stages set notes = 'late' where id = ${stageOf(SO.cancelled, 2)}`,
      ),
    ).toMatchObject(refused("LLTRN", /supplier order is cancelled/));
    expect(
      await run(
        "admin",
        `update production_stages set notes = 'admin note' where id = ${stageOf(SO.cancelled, 2)}`,
      ),
    ).toMatchObject({ rowCount: 1 });
  });

  test("photos are https URLs, at most 20", async () => {
    const set = (photos: string[]) =>
      `update production_stages set photos = array[${photos.map((p) => `'${p}'`).join(",")}]::text[]
        where id = ${stageOf(SO.accepted, 3)}`;
    expect(await run("north", set(["https://photos.example/1.jpg"]))).toMatchObject({ rowCount: 1 });
    expect(await run("north", set(["http://photos.example/1.jpg"]))).toMatchObject(
      refused("23514", /production_stages_photos_check/),
    );
    const many = Array.from({ length: 21 }, (_, n) => `https://photos.example/${n}.jpg`);
    expect(await run("north", set(many))).toMatchObject(refused("23514"));
    expect(await run("north", set(many.slice(0, 20)))).toMatchObject({ rowCount: 1 });
  });

  test("completion stays within 0..100; the target date stays the admin's", async () => {
    expect(
      await run(
        "north",
        `update production_stages set completion_percentage = 101 where id = ${stageOf(SO.accepted, 4)}`,
      ),
    ).toMatchObject(refused("23514"));
    expect(
      await run(
        "north",
        `update production_stages set target_date = current_date where id = ${stageOf(SO.accepted, 4)}`,
      ),
    ).toMatchObject(refused("42501"));
    expect(
      await run(
        "buyer",
        `update production_stages set completion_percentage = 10 where id = ${stageOf(SO.accepted, 4)}`,
      ),
    ).toMatchObject({ rowCount: 0 });
  });
});
