/**
 * Payments in SQL, as the request roles (sql/migrations/016): who may record
 * and refund (app.record_payment / app.refund_payment), idempotency keys
 * (a replay returns the first row, also when replays race; another body is
 * a unique violation), refunds bounded by what a payment brought in (also
 * when refunds race), and orders.payment_status following the rows.
 *
 * Fixtures are inserted as the migrator; calls run as loomline_api switched
 * to `authenticated` with signed claims, like the API. Most tests roll back
 * (withRole); the races need real commits.
 */
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { signedClaimsQuery } from "../../src/db/identity";
import { createTestDatabase, withAdminClient, withRole, type TestDatabase } from "../helpers/database";

let database: TestDatabase;
const U = { admin: "", buyer: "", supplier: "" };

beforeAll(async () => {
  database = await createTestDatabase();
  await withAdminClient(database.adminUrl, async (client) => {
    for (const [name, role] of [
      ["admin", "admin"],
      ["buyer", "buyer"],
      ["supplier", "supplier"],
    ] as const) {
      const { rows } = await client.query<{ id: string }>(
        "insert into users (email) values ($1) returning id",
        [`${name}-${randomUUID()}@example.com`],
      );
      U[name] = rows[0]!.id;
      await client.query("insert into user_roles (user_id, role) values ($1, $2)", [U[name], role]);
    }
  });
});

afterAll(async () => {
  await database?.drop();
});

type Claims = Record<string, unknown>;
const session = (sub: string, roles: string[]): Claims => ({ sub, role: "authenticated", roles });
const apiKey = (sub: string, roles: string[], scopes: string[]): Claims => ({
  ...session(sub, roles),
  scopes,
  auth_method: "api_key",
  api_key_id: randomUUID(),
});
const ADMIN = () => session(U.admin, ["admin"]);

async function sqlAdmin<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return withAdminClient(database.adminUrl, async (client) => (await client.query(text, params)).rows as T[]);
}

/** A fresh order of the buyer, total 100.00 USD, unpaid. */
async function newOrder(total = "100.00"): Promise<string> {
  const [row] = await sqlAdmin<{ id: string }>(
    `insert into orders (buyer_id, product_type, quantity, status, total_amount)
     values ($1, 'sweater', 10, 'confirmed', $2) returning id`,
    [U.buyer, total],
  );
  return row!.id;
}

interface Result {
  payment_id: string;
  replayed: boolean;
  order_payment_status: string;
}

const RECORD =
  "select payment_id::text, replayed, order_payment_status::text from app.record_payment($1, $2, $3, $4, $5)";
const REFUND =
  "select payment_id::text, replayed, order_payment_status::text from app.refund_payment($1, $2, $3, $4)";

/** Runs `sql` as the caller and commits. */
async function committed<T = Result>(claims: Claims, text: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: database.apiUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('role', 'authenticated', true)");
    await client.query(signedClaimsQuery(claims));
    const { rows } = await client.query(text, params);
    await client.query("commit");
    return rows as T[];
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Runs `sql` as the caller in a transaction that is rolled back; the error's SQLSTATE, or the rows. */
async function attempt(
  claims: Claims,
  text: string,
  params: unknown[],
): Promise<{ code?: string; rows?: Result[] }> {
  return withRole(database.apiUrl, "authenticated", claims, async (client) => {
    try {
      return { rows: (await client.query<Result>(text, params)).rows };
    } catch (error) {
      return { code: (error as { code?: string }).code };
    }
  });
}

const paymentStatus = async (orderId: string) =>
  (
    await sqlAdmin<{ payment_status: string }>("select payment_status::text from orders where id = $1", [
      orderId,
    ])
  )[0]!.payment_status;
const paymentsOf = (orderId: string) =>
  sqlAdmin<{ id: string; kind: string; amount: string; status: string; refund_of: string | null }>(
    "select id::text, kind::text, amount::text, status::text, refund_of::text from payments where order_id = $1 order by created_at, id",
    [orderId],
  );

describe("recording", () => {
  test("an admin records a succeeded payment; a replay returns it and writes nothing", async () => {
    const order = await newOrder();
    const key = `pay-${randomUUID()}`;
    const [first] = await committed(ADMIN(), RECORD, [order, "40.00", "USD", "wire", key]);
    expect(first).toMatchObject({ replayed: false, order_payment_status: "partially_paid" });
    const [again] = await committed(ADMIN(), RECORD, [order, "40", "USD", "wire", key]);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await paymentsOf(order)).toEqual([
      { id: first!.payment_id, kind: "payment", amount: "40.00", status: "succeeded", refund_of: null },
    ]);
    const [recorded] = await sqlAdmin<{ recorded_by: string }>(
      "select recorded_by::text from payments where id = $1",
      [first!.payment_id],
    );
    expect(recorded!.recorded_by).toBe(U.admin);
  });

  test("the same key with another order, amount, currency or method is a unique violation", async () => {
    const order = await newOrder();
    const other = await newOrder();
    const key = `pay-${randomUUID()}`;
    await committed(ADMIN(), RECORD, [order, "40.00", "USD", "wire", key]);
    for (const body of [
      [other, "40.00", "USD", "wire"],
      [order, "41.00", "USD", "wire"],
      [order, "40.00", "EUR", "wire"],
      [order, "40.00", "USD", "card"],
    ]) {
      expect(await attempt(ADMIN(), RECORD, [...body, key])).toEqual({ code: "23505" });
    }
    expect(await paymentsOf(order)).toHaveLength(1);
  });

  test("20 concurrent replays of one key make one payment", async () => {
    const order = await newOrder();
    const key = `race-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => committed(ADMIN(), RECORD, [order, "25.00", "USD", "card", key])),
    );
    const ids = new Set(results.map(([row]) => row!.payment_id));
    expect(ids.size).toBe(1);
    expect(results.filter(([row]) => !row!.replayed)).toHaveLength(1);
    expect(await paymentsOf(order)).toHaveLength(1);
    expect(await paymentStatus(order)).toBe("partially_paid");
  });

  test("who may: admin sessions and an admin's key with payments:write; nobody else", async () => {
    const order = await newOrder();
    const call = (claims: Claims) =>
      attempt(claims, RECORD, [order, "10.00", "USD", "wire", `who-${randomUUID()}`]);
    expect((await call(ADMIN())).rows).toHaveLength(1);
    expect((await call(apiKey(U.admin, ["admin"], ["payments:write"]))).rows).toHaveLength(1);
    // A buyer (even of this order), a supplier, keys without the scope, a non-admin's key with it.
    expect(await call(session(U.buyer, ["buyer"]))).toEqual({ code: "42501" });
    expect(await call(session(U.supplier, ["supplier"]))).toEqual({ code: "42501" });
    expect(await call(apiKey(U.admin, ["admin"], ["orders:read"]))).toEqual({ code: "42501" });
    expect(await call(apiKey(U.buyer, ["buyer"], ["payments:write"]))).toEqual({ code: "42501" });
    // Unsigned claims are nobody's.
    const unsigned = await withRole(database.apiUrl, "authenticated", null, async (client) => {
      await client.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(ADMIN())]);
      return client.query(RECORD, [order, "10.00", "USD", "wire", `who-${randomUUID()}`]).then(
        () => "ok",
        (error: { code?: string }) => error.code,
      );
    });
    expect(unsigned).toBe("42501");
    expect(await paymentsOf(order)).toEqual([]);
  });

  test("an unknown order gives no row; a currency not the order's is a rule (LLRUL)", async () => {
    expect(
      await attempt(ADMIN(), RECORD, [randomUUID(), "10.00", "USD", "wire", `nf-${randomUUID()}`]),
    ).toEqual({
      rows: [],
    });
    const order = await newOrder();
    expect(await attempt(ADMIN(), RECORD, [order, "10.00", "EUR", "wire", `cur-${randomUUID()}`])).toEqual({
      code: "LLRUL",
    });
    expect(await attempt(ADMIN(), RECORD, [order, "0", "USD", "wire", `zero-${randomUUID()}`])).toEqual({
      code: "23514",
    });
  });

  test("request roles cannot write a refund's columns directly", async () => {
    const order = await newOrder();
    const direct = await withRole(database.apiUrl, "authenticated", ADMIN(), async (client) =>
      client
        .query(
          `insert into payments (order_id, amount, method, idempotency_key, kind, refund_of)
           values ($1, 10, 'wire', $2, 'refund', null)`,
          [order, `direct-${randomUUID()}`],
        )
        .then(
          () => "ok",
          (error: { code?: string }) => error.code,
        ),
    );
    expect(direct).toBe("42501");
  });
});

describe("refunds", () => {
  test("payment_status: unpaid -> partially_paid -> paid -> partially_paid -> refunded", async () => {
    const order = await newOrder("100.00");
    expect(await paymentStatus(order)).toBe("unpaid");
    const [first] = await committed(ADMIN(), RECORD, [order, "60.00", "USD", "wire", `a-${randomUUID()}`]);
    expect(first!.order_payment_status).toBe("partially_paid");
    const [second] = await committed(ADMIN(), RECORD, [order, "40.00", "USD", "wire", `b-${randomUUID()}`]);
    expect(second!.order_payment_status).toBe("paid");

    const refundKey = `r-${randomUUID()}`;
    const [refund] = await committed(ADMIN(), REFUND, [first!.payment_id, "10.00", "damaged", refundKey]);
    expect(refund).toMatchObject({ replayed: false, order_payment_status: "partially_paid" });
    const [replay] = await committed(ADMIN(), REFUND, [first!.payment_id, "10.00", "damaged", refundKey]);
    expect(replay).toEqual({ ...refund, replayed: true });
    // Another body for the key, or the key of a payment: a unique violation.
    expect(await attempt(ADMIN(), REFUND, [first!.payment_id, "11.00", "damaged", refundKey])).toEqual({
      code: "23505",
    });
    expect(await attempt(ADMIN(), REFUND, [second!.payment_id, "10.00", "damaged", refundKey])).toEqual({
      code: "23505",
    });

    // More than is left on the payment (60 - 10): refused, whatever the order's total.
    expect(
      await attempt(ADMIN(), REFUND, [first!.payment_id, "50.01", "too much", `r-${randomUUID()}`]),
    ).toEqual({
      code: "LLRUL",
    });
    await committed(ADMIN(), REFUND, [first!.payment_id, "50.00", "rest", `r-${randomUUID()}`]);
    await committed(ADMIN(), REFUND, [second!.payment_id, "40.00", "all", `r-${randomUUID()}`]);
    expect(await paymentStatus(order)).toBe("refunded");

    const rows = await paymentsOf(order);
    expect(rows.filter((row) => row.kind === "refund")).toHaveLength(3);
    expect(rows.filter((row) => row.kind === "refund").every((row) => row.refund_of !== null)).toBe(true);
  });

  test("only admin sessions refund; unknown payments and refunds of refunds give no row", async () => {
    const order = await newOrder();
    const [paid] = await committed(ADMIN(), RECORD, [order, "30.00", "USD", "wire", `p-${randomUUID()}`]);
    const call = (claims: Claims, payment = paid!.payment_id) =>
      attempt(claims, REFUND, [payment, "5.00", "why", `r-${randomUUID()}`]);
    expect(await call(session(U.buyer, ["buyer"]))).toEqual({ code: "42501" });
    expect(await call(session(U.supplier, ["supplier"]))).toEqual({ code: "42501" });
    expect(await call(apiKey(U.admin, ["admin"], ["payments:write"]))).toEqual({ code: "42501" });
    expect(await call(ADMIN(), randomUUID())).toEqual({ rows: [] });
    const [refund] = await committed(ADMIN(), REFUND, [paid!.payment_id, "5.00", "why", `r-${randomUUID()}`]);
    expect(await call(ADMIN(), refund!.payment_id)).toEqual({ rows: [] });
  });

  test("concurrent refunds never give back more than the payment brought in", async () => {
    const order = await newOrder();
    const [paid] = await committed(ADMIN(), RECORD, [order, "100.00", "USD", "wire", `p-${randomUUID()}`]);
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        committed(ADMIN(), REFUND, [paid!.payment_id, "30.00", "race", `r-${randomUUID()}`]).then(
          () => "ok",
          (error: { code?: string }) => error.code,
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === "LLRUL")).toHaveLength(2);
    const [sum] = await sqlAdmin<{ total: string }>(
      "select sum(amount)::text as total from payments where refund_of = $1",
      [paid!.payment_id],
    );
    expect(sum!.total).toBe("90.00");
  });

  test("a payment marked refunded directly counts in full, its partial refunds not twice", async () => {
    const order = await newOrder("100.00");
    const [paid] = await committed(ADMIN(), RECORD, [order, "100.00", "USD", "wire", `p-${randomUUID()}`]);
    await committed(ADMIN(), REFUND, [paid!.payment_id, "20.00", "part", `r-${randomUUID()}`]);
    expect(await paymentStatus(order)).toBe("partially_paid");
    await committed(ADMIN(), "update payments set status = 'refunded' where id = $1", [paid!.payment_id]);
    expect(await paymentStatus(order)).toBe("refunded");
    // Nothing is left to refund on it, and a refund row never becomes 'refunded' itself.
    expect(await attempt(ADMIN(), REFUND, [paid!.payment_id, "1.00", "more", `r-${randomUUID()}`])).toEqual({
      code: "LLTRN",
    });
  });
});
