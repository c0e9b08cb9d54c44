import { randomUUID } from "node:crypto";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { generateApiKey } from "../../src/auth/api-keys";
import { type TestDatabase, adminRows } from "../helpers/database";
import { type ApiServer, dataOf, expectErrorCodes, gql } from "./harness";
import {
  type Headers,
  type OrderWorld,
  type WorldUser,
  startOrderWorld,
  stopOrderWorld,
} from "./orders.scenario";

/**
 * recordPayment and refundPayment over HTTP (sql/migrations/016 holds the
 * rules): success, idempotent replays (also 20 at once), a key reused with
 * another body, validation with the field, forbidden callers, not found,
 * refunds bounded by what was paid, and the order's payment_status from
 * unpaid to refunded.
 */

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let as: (user: WorldUser) => Promise<Headers>;

beforeAll(async () => {
  ({ db, world, api, as } = await startOrderWorld());
});

afterAll(() => stopOrderWorld({ api, db }));

const sql = <T>(text: string, params: unknown[] = []) => adminRows<T>(db.adminUrl, text, params);

/** A fresh unpaid order of buyerA, 100.00 USD. */
async function newOrder(): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into orders (buyer_id, product_type, quantity, status, total_amount)
     values ($1, 'sweater', 10, 'confirmed', 100) returning id`,
    [world.users.buyerA.id],
  );
  return row!.id;
}

/** An API key of `user` with `scopes`, as the x-api-key header. */
async function keyOf(user: WorldUser, scopes: string[]): Promise<Headers> {
  const { key, prefix, hash } = generateApiKey();
  await sql(
    "insert into api_keys (user_id, name, prefix, key_hash, scopes) values ($1, 'payments', $2, $3, $4)",
    [user.id, prefix, hash, scopes],
  );
  return { "x-api-key": key };
}

const paymentsOf = (orderId: string) =>
  sql<{ id: string; kind: string; amount: string }>(
    "select id::text, kind::text, amount::text from payments where order_id = $1 order by created_at, id",
    [orderId],
  );

const RECORD = gql(`
  mutation Record($input: RecordPaymentInput!) {
    recordPayment(input: $input) {
      __typename
      ... on RecordPaymentPayload {
        paymentId replayed orderPaymentStatus
        payment { id amount currency method status kind refundOf { id } order { id paymentStatus } }
      }
      ... on UserError { code message field }
      ... on ConflictError { reason }
    }
  }`);

/** The same, for callers that may not read payments (a key with payments:write only). */
const RECORD_BARE = gql(`
  mutation RecordBare($input: RecordPaymentInput!) {
    recordPayment(input: $input) {
      __typename
      ... on RecordPaymentPayload { paymentId replayed orderPaymentStatus }
      ... on UserError { code message field }
    }
  }`);

const REFUND = gql(`
  mutation Refund($input: RefundPaymentInput!) {
    refundPayment(input: $input) {
      __typename
      ... on RefundPaymentPayload {
        paymentId replayed orderPaymentStatus
        payment { id amount kind reason refundOf { id } }
      }
      ... on UserError { code message field }
      ... on ConflictError { reason }
    }
  }`);

const recordInput = (orderId: string, overrides: Record<string, unknown> = {}) => ({
  orderId: encodeGlobalID("Order", orderId),
  amount: "40.00",
  currency: "USD",
  method: "wire",
  idempotencyKey: `pay-${randomUUID()}`,
  ...overrides,
});

const refundInput = (paymentGlobalId: string, overrides: Record<string, unknown> = {}) => ({
  paymentId: paymentGlobalId,
  amount: "10.00",
  reason: "Damaged in transit",
  idempotencyKey: `refund-${randomUUID()}`,
  ...overrides,
});

describe("recordPayment", () => {
  test("an admin records a payment; replaying the key returns the first result and writes nothing", async () => {
    const order = await newOrder();
    const admin = await as(world.users.admin);
    const input = recordInput(order);
    const first = dataOf(await api.graphql(RECORD, { input }, admin)).recordPayment;
    expect(first).toMatchObject({
      __typename: "RecordPaymentPayload",
      replayed: false,
      orderPaymentStatus: "PARTIALLY_PAID",
      payment: {
        amount: "40.00",
        currency: "USD",
        method: "wire",
        status: "SUCCEEDED",
        kind: "PAYMENT",
        refundOf: null,
        order: { id: encodeGlobalID("Order", order), paymentStatus: "PARTIALLY_PAID" },
      },
    });
    expect(first.payment.id).toBe(first.paymentId);

    const again = dataOf(
      await api.graphql(RECORD, { input: { ...input, amount: "40" } }, admin),
    ).recordPayment;
    expect(again).toEqual({ ...first, replayed: true });
    expect(await paymentsOf(order)).toHaveLength(1);
  });

  test("20 concurrent replays of one key make exactly one payment", async () => {
    const order = await newOrder();
    const admin = await as(world.users.admin);
    const input = recordInput(order, { amount: "25.00" });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api.graphql(RECORD, { input }, admin)),
    );
    const results = responses.map((response) => dataOf(response).recordPayment);
    expect(new Set(results.map((result) => result.paymentId)).size).toBe(1);
    expect(results.filter((result) => result.replayed === false)).toHaveLength(1);
    expect(await paymentsOf(order)).toEqual([expect.objectContaining({ kind: "payment", amount: "25.00" })]);
  });

  test("the same key with another body is a CONFLICT naming the key; nothing is written", async () => {
    const order = await newOrder();
    const admin = await as(world.users.admin);
    const input = recordInput(order);
    dataOf(await api.graphql(RECORD, { input }, admin));
    for (const change of [
      { amount: "41.00" },
      { method: "card" },
      { orderId: encodeGlobalID("Order", await newOrder()) },
    ]) {
      const result = dataOf(
        await api.graphql(RECORD, { input: { ...input, ...change } }, admin),
      ).recordPayment;
      expect(result).toMatchObject({
        __typename: "ConflictError",
        code: "CONFLICT",
        reason: "IDEMPOTENCY_KEY_REUSED",
        field: "input.idempotencyKey",
      });
    }
    expect(await paymentsOf(order)).toHaveLength(1);
  });

  test("invalid input is refused with the field at fault", async () => {
    const order = await newOrder();
    const admin = await as(world.users.admin);
    for (const [change, field] of [
      [{ amount: "0" }, "input.amount"],
      [{ amount: "-5.00" }, "input.amount"],
      [{ currency: "US" }, "input.currency"],
      [{ currency: "EUR" }, "input.currency"], // not the order's currency (the database's rule)
      [{ method: "   " }, "input.method"],
      [{ idempotencyKey: "short" }, "input.idempotencyKey"],
    ] as const) {
      const result = dataOf(
        await api.graphql(RECORD, { input: recordInput(order, change) }, admin),
      ).recordPayment;
      expect(result).toMatchObject({ __typename: "InvalidInputError", code: "BAD_USER_INPUT", field });
    }
    expect(await paymentsOf(order)).toEqual([]);
  });

  test("an unknown order is NOT_FOUND", async () => {
    const admin = await as(world.users.admin);
    const result = dataOf(
      await api.graphql(RECORD, { input: recordInput(randomUUID()) }, admin),
    ).recordPayment;
    expect(result).toMatchObject({ __typename: "NotFoundError", field: "input.orderId" });
  });

  test("buyers, suppliers and keys without payments:write are FORBIDDEN; an admin's key with it records", async () => {
    const order = await newOrder();
    const input = () => ({ input: recordInput(order) });
    expectErrorCodes(await api.graphql(RECORD_BARE, input()), ["UNAUTHENTICATED"]);
    // The order's own buyer too: a session holds every API scope, but not the admin role.
    for (const user of [world.users.buyerA, world.users.northOwner]) {
      expectErrorCodes(await api.graphql(RECORD_BARE, input(), await as(user)), ["FORBIDDEN"]);
    }
    expectErrorCodes(
      await api.graphql(RECORD_BARE, input(), await keyOf(world.users.admin, ["orders:read"])),
      ["FORBIDDEN"],
    );
    // Anyone may issue a key with any scope: a buyer's key with payments:write is still no admin's.
    expectErrorCodes(
      await api.graphql(RECORD_BARE, input(), await keyOf(world.users.buyerA, ["payments:write"])),
      ["FORBIDDEN"],
    );
    expect(await paymentsOf(order)).toEqual([]);

    const viaKey = await api.graphql(
      RECORD_BARE,
      input(),
      await keyOf(world.users.admin, ["payments:write"]),
    );
    expect(dataOf(viaKey).recordPayment).toMatchObject({
      __typename: "RecordPaymentPayload",
      replayed: false,
      orderPaymentStatus: "PARTIALLY_PAID",
    });
    expect(await paymentsOf(order)).toHaveLength(1);
  });
});

describe("refundPayment", () => {
  test("payment_status moves unpaid -> partially_paid -> paid -> refunded; refunds replay and stay bounded", async () => {
    const order = await newOrder();
    const admin = await as(world.users.admin);
    const status = async () =>
      (
        await sql<{ payment_status: string }>("select payment_status::text from orders where id = $1", [
          order,
        ])
      )[0]!.payment_status;
    expect(await status()).toBe("unpaid");

    const first = dataOf(
      await api.graphql(RECORD, { input: recordInput(order, { amount: "60.00" }) }, admin),
    ).recordPayment;
    expect(first.orderPaymentStatus).toBe("PARTIALLY_PAID");
    const second = dataOf(
      await api.graphql(RECORD, { input: recordInput(order, { amount: "40.00" }) }, admin),
    ).recordPayment;
    expect(second.orderPaymentStatus).toBe("PAID");

    const input = refundInput(first.paymentId, { amount: "20.00" });
    const refund = dataOf(await api.graphql(REFUND, { input }, admin)).refundPayment;
    expect(refund).toMatchObject({
      __typename: "RefundPaymentPayload",
      replayed: false,
      orderPaymentStatus: "PARTIALLY_PAID",
      payment: {
        amount: "20.00",
        kind: "REFUND",
        reason: "Damaged in transit",
        refundOf: { id: first.paymentId },
      },
    });
    expect(dataOf(await api.graphql(REFUND, { input }, admin)).refundPayment).toEqual({
      ...refund,
      replayed: true,
    });
    expect(
      dataOf(await api.graphql(REFUND, { input: { ...input, amount: "21.00" } }, admin)).refundPayment,
    ).toMatchObject({ __typename: "ConflictError", reason: "IDEMPOTENCY_KEY_REUSED" });

    // 40.00 is left on the first payment: 40.01 is too much, whatever the order's total.
    const beyond = dataOf(
      await api.graphql(REFUND, { input: refundInput(first.paymentId, { amount: "40.01" }) }, admin),
    ).refundPayment;
    expect(beyond).toMatchObject({ __typename: "InvalidInputError", field: "input.amount" });

    dataOf(await api.graphql(REFUND, { input: refundInput(first.paymentId, { amount: "40.00" }) }, admin));
    const last = dataOf(
      await api.graphql(REFUND, { input: refundInput(second.paymentId, { amount: "40.00" }) }, admin),
    ).refundPayment;
    expect(last.orderPaymentStatus).toBe("REFUNDED");
    expect(await status()).toBe("refunded");
    expect((await paymentsOf(order)).map((row) => row.kind)).toEqual([
      "payment",
      "payment",
      "refund",
      "refund",
      "refund",
    ]);
  });

  test("validation, not found, and only admin sessions", async () => {
    const order = await newOrder();
    const admin = await as(world.users.admin);
    const paid = dataOf(await api.graphql(RECORD, { input: recordInput(order) }, admin)).recordPayment;

    for (const [change, field] of [
      [{ amount: "0" }, "input.amount"],
      [{ reason: " " }, "input.reason"],
      [{ idempotencyKey: "short" }, "input.idempotencyKey"],
    ] as const) {
      const result = dataOf(
        await api.graphql(REFUND, { input: refundInput(paid.paymentId, change) }, admin),
      ).refundPayment;
      expect(result).toMatchObject({ __typename: "InvalidInputError", field });
    }
    const missing = dataOf(
      await api.graphql(REFUND, { input: refundInput(encodeGlobalID("Payment", randomUUID())) }, admin),
    ).refundPayment;
    expect(missing).toMatchObject({ __typename: "NotFoundError", field: "input.paymentId" });

    const input = { input: refundInput(paid.paymentId) };
    for (const user of [world.users.buyerA, world.users.northOwner]) {
      expectErrorCodes(await api.graphql(REFUND, input, await as(user)), ["FORBIDDEN"]);
    }
    expectErrorCodes(await api.graphql(REFUND, input, await keyOf(world.users.admin, ["payments:write"])), [
      "FORBIDDEN",
    ]);
    expect((await paymentsOf(order)).map((row) => row.kind)).toEqual(["payment"]);
  });
});
