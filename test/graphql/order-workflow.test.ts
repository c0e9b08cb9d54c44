import { encodeGlobalID } from "@pothos/plugin-relay";
import { randomUUID } from "node:crypto";
import { generateApiKey } from "../../src/auth/api-keys";
import { type TestDatabase, adminRows } from "../helpers/database";
import { type ApiServer, dataOf, expectErrorCodes, gql, startApiServer } from "./harness";
import {
  type Headers,
  type OrderWorld,
  type WorldUser,
  startOrderWorld,
  stopOrderWorld,
  signIn,
} from "./orders.scenario";

/**
 * The order workflow's mutations over HTTP (issue 9, items 2, 5, 8, 10, 11):
 * placeOrder, updateOrderStatus, cancelOrder, reserveStock, releaseStock —
 * success, validation (with the field), forbidden callers, not found,
 * stale versions (with the current one), invalid transitions (with the
 * allowed ones), insufficient stock (with what is available); stock never
 * oversold by concurrent requests; keyset pages of `orders` under inserts.
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

/** An approved listing of North Knit: 87.38 + 10% fee = 96.12. */
async function listing(stock = 10): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, stock_quantity, status)
     values ($1, 'sweater', 'Merino crew', 'Knitwear', 'crew-' || gen_random_uuid(), 87.38, $2, 'approved') returning id`,
    [world.suppliers.northKnit, stock],
  );
  return row!.id;
}

const listingGid = (id: string) => encodeGlobalID("MarketplaceProduct", id);
const orderGid = (id: string) => encodeGlobalID("Order", id);
const reservationGid = (id: string) => encodeGlobalID("StockReservation", id);
const rawId = (gid: string) => Buffer.from(gid, "base64").toString().split(":").slice(1).join(":");

const stockOf = async (id: string) =>
  (
    await sql<{ stock_quantity: number; reserved_quantity: number; status: string }>(
      "select stock_quantity, reserved_quantity, status::text from marketplace_products where id = $1",
      [id],
    )
  )[0]!;

const orderRow = async (id: string) =>
  (
    await sql<{ status: string; version: number; total_amount: string; cancellation_reason: string | null }>(
      "select status::text, version, total_amount::text, cancellation_reason from orders where id = $1",
      [id],
    )
  )[0]!;

const VERSION = "... on VersionConflictError { reason currentVersion }";
const TRANSITION = "... on InvalidTransitionError { reason allowedTransitions }";
const STOCK = "... on InsufficientStockError { reason available }";
const errors = (...extra: string[]) => `
  ... on UserError { code message field }
  ... on ConflictError { reason }
  ${extra.join("\n  ")}`;

const ORDER = `order { id orderNumber status version totalAmount items { description quantity unitPrice lineTotal } }`;

const PLACE = gql(`
  mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) { __typename ... on OrderPayload { ${ORDER} } ${errors(STOCK)} }
  }`);
const UPDATE = gql(`
  mutation Update($input: UpdateOrderStatusInput!) {
    updateOrderStatus(input: $input) { __typename ... on OrderPayload { ${ORDER} } ${errors(VERSION, TRANSITION)} }
  }`);
const CANCEL = gql(`
  mutation Cancel($input: CancelOrderInput!) {
    cancelOrder(input: $input) { __typename ... on OrderPayload { ${ORDER} } ${errors(VERSION, TRANSITION)} }
  }`);
const RESERVE = gql(`
  mutation Reserve($input: ReserveStockInput!) {
    reserveStock(input: $input) {
      __typename ... on StockReservationPayload { reservation { id quantity status expiresAt } } ${errors(STOCK)}
    }
  }`);
const RELEASE = gql(`
  mutation Release($input: ReleaseStockInput!) {
    releaseStock(input: $input) {
      __typename ... on StockReservationPayload { reservation { id quantity status } } ${errors(TRANSITION)}
    }
  }`);

/** Places an order as buyerA: `quantity` of a listing, plus one custom line. */
async function place(listingId: string, quantity: number, user = world.users.buyerA) {
  const response = await api.graphql(
    PLACE,
    {
      input: {
        items: [
          { marketplaceProductId: listingGid(listingId), quantity },
          { description: "Embroidered logo", quantity: 1, customization: { thread: "gold" } },
        ],
        notes: "for the spring line",
      },
    },
    await as(user),
  );
  const result = dataOf(response).placeOrder;
  expect(result.__typename).toBe("OrderPayload");
  return result.order as {
    id: string;
    orderNumber: string;
    status: string;
    version: number;
    totalAmount: string;
  };
}

describe("placeOrder", () => {
  test("a buyer orders listing and custom lines: prices and total from the database, stock held, the number returned", async () => {
    const id = await listing();
    const response = await api.graphql(
      PLACE,
      {
        input: {
          items: [
            { marketplaceProductId: listingGid(id), quantity: 2 },
            { description: "Embroidered logo", quantity: 5 },
          ],
        },
      },
      await as(world.users.buyerA),
    );
    const { order } = dataOf(response).placeOrder;
    expect(order).toMatchObject({
      orderNumber: expect.stringMatching(/^LL-\d{4}-\d{6}$/),
      status: "SUBMITTED",
      totalAmount: "192.24",
    });
    // Lines inserted by one statement share created_at: their order is not part of the contract.
    const byDescription = (a: { description: string }, b: { description: string }) =>
      a.description.localeCompare(b.description);
    expect([...order.items].sort(byDescription)).toEqual([
      // Custom work is priced by the platform later.
      expect.objectContaining({
        description: "Embroidered logo",
        quantity: 5,
        unitPrice: "0.00",
        lineTotal: "0.00",
      }),
      expect.objectContaining({
        description: "Merino crew",
        quantity: 2,
        unitPrice: "96.12",
        lineTotal: "192.24",
      }),
    ]);
    expect(await stockOf(id)).toEqual({ stock_quantity: 10, reserved_quantity: 2, status: "approved" });
    const holds = await sql<{ status: string; quantity: number; minutes: number }>(
      `select status::text, quantity, round(extract(epoch from expires_at - now()) / 60)::int as minutes
         from stock_reservations where order_id = $1`,
      [rawId(order.id)],
    );
    expect(holds).toEqual([{ status: "held", quantity: 2, minutes: 30 }]);
  });

  test("the hold lasts STOCK_HOLD_MINUTES", async () => {
    const shortHolds = await startApiServer(db, { env: { STOCK_HOLD_MINUTES: "5" } });
    try {
      const id = await listing();
      const response = await shortHolds.graphql(
        PLACE,
        { input: { items: [{ marketplaceProductId: listingGid(id), quantity: 1 }] } },
        await signIn(shortHolds)(world.users.buyerA),
      );
      const { order } = dataOf(response).placeOrder;
      const holds = await sql<{ minutes: number }>(
        `select round(extract(epoch from expires_at - now()) / 60)::int as minutes
           from stock_reservations where order_id = $1`,
        [rawId(order.id)],
      );
      expect(holds).toEqual([{ minutes: 5 }]);
    } finally {
      await shortHolds.close();
    }
  });

  test("validation names the field; nothing is written", async () => {
    const id = await listing();
    const before = await sql("select id from orders");
    const headers = await as(world.users.buyerA);
    const zero = await api.graphql(
      PLACE,
      { input: { items: [{ marketplaceProductId: listingGid(id), quantity: 0 }] } },
      headers,
    );
    expect(dataOf(zero).placeOrder).toMatchObject({
      __typename: "InvalidInputError",
      code: "BAD_USER_INPUT",
      field: "input.items[0].quantity",
    });
    const noDescription = await api.graphql(PLACE, { input: { items: [{ quantity: 1 }] } }, headers);
    expect(dataOf(noDescription).placeOrder).toMatchObject({ field: "input.items[0].description" });
    const none = await api.graphql(PLACE, { input: { items: [] } }, headers);
    expect(dataOf(none).placeOrder).toMatchObject({ field: "input.items" });
    expect(await sql("select id from orders")).toEqual(before);
  });

  test("only buyers: anonymous UNAUTHENTICATED, a supplier FORBIDDEN", async () => {
    const input = { items: [{ description: "x", quantity: 1 }] };
    expectErrorCodes(await api.graphql(PLACE, { input }), ["UNAUTHENTICATED"]);
    expectErrorCodes(await api.graphql(PLACE, { input }, await as(world.users.northOwner)), ["FORBIDDEN"]);
  });

  test("an unknown listing is NOT_FOUND with its field", async () => {
    const response = await api.graphql(
      PLACE,
      { input: { items: [{ marketplaceProductId: listingGid(randomUUID()), quantity: 1 }] } },
      await as(world.users.buyerA),
    );
    expect(dataOf(response).placeOrder).toMatchObject({
      __typename: "NotFoundError",
      field: "input.items[0].marketplaceProductId",
    });
  });

  test("more than is available: InsufficientStockError with what is available, and no order", async () => {
    const id = await listing(4);
    const before = await sql("select id from orders");
    const response = await api.graphql(
      PLACE,
      { input: { items: [{ marketplaceProductId: listingGid(id), quantity: 5 }] } },
      await as(world.users.buyerA),
    );
    expect(dataOf(response).placeOrder).toMatchObject({
      __typename: "InsufficientStockError",
      code: "CONFLICT",
      reason: "INSUFFICIENT_STOCK",
      available: 4,
      field: "input.items[0].quantity",
    });
    expect(await sql("select id from orders")).toEqual(before);
    expect(await stockOf(id)).toMatchObject({ reserved_quantity: 0 });
  });
});

describe("updateOrderStatus and cancelOrder", () => {
  test("an admin confirms with the version read: the version moves on, holds are committed, history kept", async () => {
    const id = await listing();
    const order = await place(id, 3);
    const response = await api.graphql(
      UPDATE,
      { input: { id: order.id, status: "CONFIRMED", expectedVersion: order.version, note: "checked" } },
      await as(world.users.admin),
    );
    expect(dataOf(response).updateOrderStatus.order).toMatchObject({
      status: "CONFIRMED",
      version: order.version + 1,
    });
    expect(await stockOf(id)).toEqual({ stock_quantity: 7, reserved_quantity: 0, status: "approved" });
    const history = await sql<{ to_status: string; note: string | null; changed_by: string }>(
      "select to_status::text, note, changed_by::text from order_status_history where order_id = $1 order by created_at, id",
      [rawId(order.id)],
    );
    expect(history.at(-1)).toEqual({
      to_status: "confirmed",
      note: "checked",
      changed_by: world.users.admin.id,
    });
  });

  test("a stale version: VersionConflictError with the current version; nothing changes", async () => {
    const order = await place(await listing(), 1);
    const before = await orderRow(rawId(order.id));
    const response = await api.graphql(
      UPDATE,
      { input: { id: order.id, status: "CONFIRMED", expectedVersion: order.version - 1 } },
      await as(world.users.admin),
    );
    expect(dataOf(response).updateOrderStatus).toMatchObject({
      __typename: "VersionConflictError",
      code: "CONFLICT",
      reason: "STALE_VERSION",
      currentVersion: order.version,
      field: "input.expectedVersion",
    });
    const cancel = await api.graphql(
      CANCEL,
      { input: { id: order.id, expectedVersion: order.version + 5 } },
      await as(world.users.buyerA),
    );
    expect(dataOf(cancel).cancelOrder).toMatchObject({
      __typename: "VersionConflictError",
      currentVersion: order.version,
    });
    expect(await orderRow(rawId(order.id))).toEqual(before);
  });

  test("an invalid transition names the moves allowed to the caller; nothing changes", async () => {
    const order = await place(await listing(), 1);
    const before = await orderRow(rawId(order.id));
    // A buyer may not confirm: from SUBMITTED it may only cancel.
    const byBuyer = await api.graphql(
      UPDATE,
      { input: { id: order.id, status: "CONFIRMED", expectedVersion: order.version } },
      await as(world.users.buyerA),
    );
    expect(dataOf(byBuyer).updateOrderStatus).toMatchObject({
      __typename: "InvalidTransitionError",
      reason: "INVALID_TRANSITION",
      allowedTransitions: ["CANCELLED"],
      field: "input.status",
    });
    const byAdmin = await api.graphql(
      UPDATE,
      { input: { id: order.id, status: "SHIPPED", expectedVersion: order.version } },
      await as(world.users.admin),
    );
    expect(dataOf(byAdmin).updateOrderStatus).toMatchObject({
      __typename: "InvalidTransitionError",
      allowedTransitions: ["CONFIRMED", "CANCELLED"],
    });
    expect(await orderRow(rawId(order.id))).toEqual(before);
  });

  test("a supplier of the order is FORBIDDEN; an unknown order NOT_FOUND; a bad version is validation", async () => {
    const a1 = orderGid(world.orders.a1);
    const { version } = await orderRow(world.orders.a1);
    const bySupplier = await api.graphql(
      UPDATE,
      { input: { id: a1, status: "IN_PRODUCTION", expectedVersion: version } },
      await as(world.users.northOwner),
    );
    expect(dataOf(bySupplier).updateOrderStatus).toMatchObject({
      __typename: "ForbiddenError",
      code: "FORBIDDEN",
    });
    const cancelBySupplier = await api.graphql(
      CANCEL,
      { input: { id: a1, expectedVersion: version } },
      await as(world.users.northOwner),
    );
    expect(dataOf(cancelBySupplier).cancelOrder).toMatchObject({ __typename: "ForbiddenError" });
    // Another buyer's order looks like no order at all.
    const byOtherBuyer = await api.graphql(
      CANCEL,
      { input: { id: a1, expectedVersion: version } },
      await as(world.users.buyerB),
    );
    expect(dataOf(byOtherBuyer).cancelOrder).toMatchObject({
      __typename: "NotFoundError",
      field: "input.id",
    });
    const unknown = await api.graphql(
      UPDATE,
      { input: { id: orderGid(randomUUID()), status: "CONFIRMED", expectedVersion: 1 } },
      await as(world.users.admin),
    );
    expect(dataOf(unknown).updateOrderStatus).toMatchObject({ __typename: "NotFoundError" });
    const badVersion = await api.graphql(
      UPDATE,
      { input: { id: a1, status: "CANCELLED", expectedVersion: 0 } },
      await as(world.users.admin),
    );
    expect(dataOf(badVersion).updateOrderStatus).toMatchObject({
      __typename: "InvalidInputError",
      field: "input.expectedVersion",
    });
    expect((await orderRow(world.orders.a1)).version).toBe(version);
  });

  test("a buyer cancels before production: holds released, the reason kept; a cancelled order allows nothing", async () => {
    const id = await listing();
    const order = await place(id, 4);
    const response = await api.graphql(
      CANCEL,
      { input: { id: order.id, expectedVersion: order.version, reason: "changed our mind" } },
      await as(world.users.buyerA),
    );
    expect(dataOf(response).cancelOrder.order).toMatchObject({
      status: "CANCELLED",
      version: order.version + 1,
    });
    expect(await orderRow(rawId(order.id))).toMatchObject({ cancellation_reason: "changed our mind" });
    expect(await stockOf(id)).toMatchObject({ reserved_quantity: 0, stock_quantity: 10 });
    const again = await api.graphql(
      CANCEL,
      { input: { id: order.id, expectedVersion: order.version + 1 } },
      await as(world.users.buyerA),
    );
    expect(dataOf(again).cancelOrder).toMatchObject({
      __typename: "InvalidTransitionError",
      allowedTransitions: [],
    });
  });

  test("an order in production: the buyer may no longer cancel it, an admin may", async () => {
    await sql("update orders set status = 'in_production' where id = $1", [world.orders.b1]);
    const { version } = await orderRow(world.orders.b1);
    const byBuyer = await api.graphql(
      CANCEL,
      { input: { id: orderGid(world.orders.b1), expectedVersion: version } },
      await as(world.users.buyerB),
    );
    expect(dataOf(byBuyer).cancelOrder).toMatchObject({
      __typename: "InvalidTransitionError",
      allowedTransitions: [],
    });
    const byAdmin = await api.graphql(
      CANCEL,
      { input: { id: orderGid(world.orders.b1), expectedVersion: version, reason: "factory fire" } },
      await as(world.users.admin),
    );
    expect(dataOf(byAdmin).cancelOrder.order).toMatchObject({ status: "CANCELLED" });
  });

  test("an API key needs orders:write", async () => {
    const { key, prefix, hash } = generateApiKey();
    await sql(
      "insert into api_keys (user_id, name, prefix, key_hash, scopes) values ($1, 'erp', $2, $3, $4)",
      [world.users.buyerA.id, prefix, hash, ["orders:read"]],
    );
    const response = await api.graphql(
      PLACE,
      { input: { items: [{ description: "x", quantity: 1 }] } },
      { "x-api-key": key },
    );
    expectErrorCodes(response, ["FORBIDDEN"]);
    expect(response.errors?.[0]?.extensions).toMatchObject({ scope: "orders:write" });
  });
});

describe("reserveStock and releaseStock", () => {
  test("release a hold, reserve again within the order's lines; beyond them is a validation error", async () => {
    const id = await listing();
    const order = await place(id, 3);
    const [hold] = await sql<{ id: string }>("select id from stock_reservations where order_id = $1", [
      rawId(order.id),
    ]);
    const headers = await as(world.users.buyerA);
    const released = await api.graphql(
      RELEASE,
      { input: { reservationId: reservationGid(hold!.id) } },
      headers,
    );
    expect(dataOf(released).releaseStock.reservation).toMatchObject({ status: "RELEASED", quantity: 3 });
    expect(await stockOf(id)).toMatchObject({ reserved_quantity: 0 });
    const again = await api.graphql(RELEASE, { input: { reservationId: reservationGid(hold!.id) } }, headers);
    expect(dataOf(again).releaseStock).toMatchObject({
      __typename: "InvalidTransitionError",
      allowedTransitions: [],
    });

    const reserve = (quantity: number) =>
      api.graphql(
        RESERVE,
        { input: { marketplaceProductId: listingGid(id), orderId: order.id, quantity } },
        headers,
      );
    expect(dataOf(await reserve(3)).reserveStock.reservation).toMatchObject({ status: "HELD", quantity: 3 });
    expect(dataOf(await reserve(1)).reserveStock).toMatchObject({
      __typename: "InvalidInputError",
      field: "input.quantity",
    });
    expect(dataOf(await reserve(0)).reserveStock).toMatchObject({
      __typename: "InvalidInputError",
      field: "input.quantity",
    });
    expect(await stockOf(id)).toMatchObject({ reserved_quantity: 3 });
  });

  test("forbidden callers and records they cannot see", async () => {
    const id = await listing();
    const order = await place(id, 1);
    const [hold] = await sql<{ id: string }>("select id from stock_reservations where order_id = $1", [
      rawId(order.id),
    ]);
    const input = { marketplaceProductId: listingGid(id), orderId: order.id, quantity: 1 };
    expectErrorCodes(await api.graphql(RESERVE, { input }), ["UNAUTHENTICATED"]);
    expectErrorCodes(await api.graphql(RESERVE, { input }, await as(world.users.northOwner)), ["FORBIDDEN"]);
    expectErrorCodes(
      await api.graphql(
        RELEASE,
        { input: { reservationId: reservationGid(hold!.id) } },
        await as(world.users.northOwner),
      ),
      ["FORBIDDEN"],
    );
    // Another buyer: neither the order nor the hold exists for it.
    const other = await as(world.users.buyerB);
    expect(dataOf(await api.graphql(RESERVE, { input }, other)).reserveStock).toMatchObject({
      __typename: "NotFoundError",
      field: "input.orderId",
    });
    expect(
      dataOf(await api.graphql(RELEASE, { input: { reservationId: reservationGid(hold!.id) } }, other))
        .releaseStock,
    ).toMatchObject({ __typename: "NotFoundError" });
    const unknownListing = await api.graphql(
      RESERVE,
      { input: { ...input, marketplaceProductId: listingGid(randomUUID()) } },
      await as(world.users.buyerA),
    );
    expect(dataOf(unknownListing).reserveStock).toMatchObject({
      __typename: "NotFoundError",
      field: "input.marketplaceProductId",
    });
    expect(await stockOf(id)).toMatchObject({ reserved_quantity: 1 });
  });

  test("100 concurrent reservations of 1 against stock 10: exactly 10 succeed and the counts add up", async () => {
    const id = await listing(10);
    const buyer = world.users.outsider;
    // 100 submitted orders of one line each, as the workflow leaves them (no holds yet).
    const orders = await sql<{ id: string }>(
      `with o as (
         insert into orders (buyer_id, product_type, quantity, status)
         select $1, 'sweater', 1, 'submitted' from generate_series(1, 100) returning id)
       insert into order_items (order_id, marketplace_product_id, description, quantity, unit_price)
       select o.id, $2, 'Merino crew', 1, 96.12 from o returning order_id as id`,
      [buyer.id, id],
    );
    expect(orders).toHaveLength(100);
    const headers = await as(buyer);
    const responses = await Promise.all(
      orders.map((order) =>
        api.graphql(
          RESERVE,
          { input: { marketplaceProductId: listingGid(id), orderId: orderGid(order.id), quantity: 1 } },
          headers,
        ),
      ),
    );
    const kinds = responses.map((response) => dataOf(response).reserveStock.__typename as string);
    expect(kinds.filter((kind) => kind === "StockReservationPayload")).toHaveLength(10);
    expect(kinds.filter((kind) => kind === "InsufficientStockError")).toHaveLength(90);
    expect(
      responses
        .map((response) => dataOf(response).reserveStock)
        .filter((result) => result.__typename === "InsufficientStockError")
        .every((result) => result.available === 0),
    ).toBe(true);
    expect(await stockOf(id)).toEqual({ stock_quantity: 10, reserved_quantity: 10, status: "sold_out" });
    const [held] = await sql<{ n: number; total: number }>(
      "select count(*)::int as n, coalesce(sum(quantity), 0)::int as total from stock_reservations where marketplace_product_id = $1 and status = 'held'",
      [id],
    );
    expect(held).toEqual({ n: 10, total: 10 });
  });
});

describe("orders: keyset pages under inserts", () => {
  const PAGE = gql(`
    query Page($first: Int!, $after: String) {
      orders(first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
    }`);

  test("rows inserted between page requests never make a page repeat or skip a row", async () => {
    const buyer = world.users.buyerB;
    // Ten more orders of buyerB, in the past, each at its own instant.
    await sql(
      `insert into orders (buyer_id, product_type, quantity, status, created_at)
       select $1, 'cardigan', 1, 'submitted', now() - interval '5 days' + make_interval(mins => n)
         from generate_series(1, 10) n`,
      [buyer.id],
    );
    const before = (
      await sql<{ id: string }>(
        "select id from orders where buyer_id = $1 order by created_at desc, id desc",
        [buyer.id],
      )
    ).map((row) => row.id);
    const headers = await as(buyer);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const data = dataOf(await api.graphql(PAGE, { first: 3, after }, headers)) as {
        orders: {
          edges: { node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
      seen.push(...data.orders.edges.map((edge) => rawId(edge.node.id)));
      // Before every next page: a new order (the newest), and one right next to the cursor's row
      // (among the rows already read).
      await sql(
        `insert into orders (buyer_id, product_type, quantity, status, created_at)
         values ($1, 'cardigan', 1, 'submitted', now()),
                ($1, 'cardigan', 1, 'submitted',
                 (select created_at + interval '1 microsecond' from orders where id = $2))`,
        [buyer.id, seen.at(-1)],
      );
      if (!data.orders.pageInfo.hasNextPage) break;
      after = data.orders.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(before);
  });
});
