import { encodeGlobalID } from "@pothos/plugin-relay";
import { generateApiKey } from "../../src/auth/api-keys";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, type GraphQLResponse, dataOf, gql, startApiServer } from "./harness";
import {
  type Headers,
  type OrderWorld,
  type WorldUser,
  insertOrderWorld,
  signIn,
  worldCipher,
} from "./orders.scenario";

/**
 * orders, order(id), node(id) and the order types over HTTP, as each kind
 * of caller. What SQL holds (read as the migrator, past RLS) is the oracle;
 * who may see what is DOMAIN.md's matrix, enforced twice: scope-auth
 * refuses early, RLS hides rows anyway.
 */

const BULK_ORDERS = 12;

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let as: (user: WorldUser) => Promise<Headers>;
let sqlOrders: {
  id: string;
  buyer_id: string;
  supplier_id: string | null;
  order_number: string;
  /** Suppliers holding a supplier order of it, pending or not. */
  so_suppliers: string[];
}[];

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    world = await insertOrderWorld(client, worldCipher(), { bulkOrders: BULK_ORDERS });
    sqlOrders = (
      await client.query(
        `select o.id::text, o.buyer_id::text, o.supplier_id::text, o.order_number,
                array(select so.supplier_id::text from supplier_orders so where so.buyer_order_id = o.id) as so_suppliers
           from orders o order by o.created_at desc, o.id desc`,
      )
    ).rows;
  });
  api = await startApiServer(db);
  as = signIn(api);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const ORDER_FIELDS = `
  id orderNumber status paymentStatus quantity productType targetDate expectedDeliveryDate totalAmount currency
  currentStage stageProgress { stageNumber stageName completionPercentage } version createdAt updatedAt
  buyer { fullName companyName }
  supplier { companyName }
  supplierOrders { id orderNumber status acceptanceStatus quantity buyerPrice supplierPrice margin
                   productionStages { stageNumber } }
  productionStages { id stageNumber stageName status completionPercentage startedAt completedAt supplierOrder { id } }
  statusHistory { id fromStatus toStatus }
  items { id description quantity unitPrice lineTotal }
  payments { id amount currency status }
`;

const ORDERS = gql(`
  query Orders($first: Int, $after: String, $last: Int, $before: String, $filter: OrderFilter) {
    orders(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { ${ORDER_FIELDS} } }
    }
  }`);

const ORDER = gql(`query Order($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`);

const NODE = gql(`
  query Node($id: ID!) {
    node(id: $id) {
      __typename id
      ... on Order { orderNumber }
      ... on SupplierOrder { orderNumber buyerPrice supplierPrice margin }
      ... on ProductionStage { stageNumber }
      ... on OrderStatusHistory { toStatus }
      ... on OrderItem { description }
      ... on Payment { amount }
    }
  }`);

const gid = (type: string, id: string) => encodeGlobalID(type, id);

async function listOrders(user: WorldUser | null, variables: Record<string, unknown> = {}) {
  return api.graphql(ORDERS, { first: 100, ...variables }, user ? await as(user) : {});
}

function ids(response: GraphQLResponse<{ orders: { edges: { node: { id: string } }[] } }>): string[] {
  return dataOf(response).orders.edges.map((edge) => edge.node.id);
}

function codesOf(response: GraphQLResponse<unknown>): (string | undefined)[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

describe("who sees which orders", () => {
  test("anonymous callers are refused with UNAUTHENTICATED, before any data", async () => {
    const response = await listOrders(null);
    expect(codesOf(response)).toEqual(["UNAUTHENTICATED"]);
    expect(response.data).toBeNull();
  });

  test("a buyer sees exactly their own orders, newest first, with the right totalCount", async () => {
    for (const buyer of [world.users.buyerA, world.users.buyerB]) {
      const expected = sqlOrders
        .filter((row) => row.buyer_id === buyer.id)
        .map((row) => gid("Order", row.id));
      const response = await listOrders(buyer);
      expect(ids(response)).toEqual(expected);
      expect(dataOf(response).orders.totalCount).toBe(expected.length);
    }
    expect(ids(await listOrders(world.users.outsider))).toEqual([]);
  });

  test("a supplier sees the orders it works on: assigned, or holding one of its supplier orders", async () => {
    for (const [owner, supplierId] of [
      [world.users.northOwner, world.suppliers.northKnit],
      [world.users.southOwner, world.suppliers.southLoom],
    ] as const) {
      const expected = sqlOrders
        .filter((row) => row.supplier_id === supplierId || row.so_suppliers.includes(supplierId))
        .map((row) => gid("Order", row.id));
      expect(ids(await listOrders(owner))).toEqual(expected);
    }
    // North Knit: A1, A2 (pending) and the bulk orders; South Loom: A1 (pending) and B1.
    expect(ids(await listOrders(world.users.northOwner))).toHaveLength(2 + BULK_ORDERS);
    expect(ids(await listOrders(world.users.southOwner)).sort()).toEqual(
      [world.orders.a1, world.orders.b1].map((id) => gid("Order", id)).sort(),
    );
  });

  test("an admin sees every order", async () => {
    const response = await listOrders(world.users.admin);
    expect(ids(response)).toEqual(sqlOrders.map((row) => gid("Order", row.id)));
  });

  test("order(id) answers its parties and refuses everyone else with FORBIDDEN, never data", async () => {
    const a1 = gid("Order", world.orders.a1);
    for (const party of [world.users.buyerA, world.users.northOwner, world.users.admin]) {
      const response = await api.graphql(ORDER, { id: a1 }, await as(party));
      expect(dataOf(response).order.id).toBe(a1);
    }
    for (const stranger of [world.users.buyerB, world.users.outsider]) {
      const response = await api.graphql(ORDER, { id: a1 }, await as(stranger));
      expect(codesOf(response)).toEqual(["FORBIDDEN"]);
      expect(response.data?.order ?? null).toBeNull();
      expect(JSON.stringify(response)).not.toContain("merino");
    }
    const anonymous = await api.graphql(ORDER, { id: a1 });
    expect(codesOf(anonymous)).toEqual(["UNAUTHENTICATED"]);
  });

  test("order(id) of an order that does not exist looks like one the caller may not see", async () => {
    const missing = gid("Order", "00000000-0000-4000-8000-000000000000");
    const response = await api.graphql(ORDER, { id: missing }, await as(world.users.buyerA));
    expect(codesOf(response)).toEqual(["FORBIDDEN"]);
  });

  test("order(id) with the id of another type or garbage is BAD_USER_INPUT", async () => {
    const headers = await as(world.users.buyerA);
    for (const id of [gid("Supplier", world.suppliers.northKnit), "not-an-id", gid("Order", "x")]) {
      expect(codesOf(await api.graphql(ORDER, { id }, headers))).toEqual(["BAD_USER_INPUT"]);
    }
  });
});

describe("IDOR: other users' global ids through node()", () => {
  const targetsOfA1 = async () => {
    const stage = await withAdminClient(db.adminUrl, async (client) => {
      const { rows } = await client.query<{ stage: string; history: string }>(
        `select (select id::text from production_stages where supplier_order_id = $1 and stage_number = 1) as stage,
                (select id::text from order_status_history where order_id = $2 limit 1) as history`,
        [world.supplierOrders.a1North, world.orders.a1],
      );
      return rows[0]!;
    });
    return {
      Order: world.orders.a1,
      SupplierOrder: world.supplierOrders.a1North,
      ProductionStage: stage.stage,
      OrderStatusHistory: stage.history,
      OrderItem: world.items.a1,
      Payment: world.payments.a1,
    };
  };

  test("every order-side node type of buyer A's order is null for buyer B, the outsider and anonymous", async () => {
    const targets = await targetsOfA1();
    for (const caller of [world.users.buyerB, world.users.outsider, null]) {
      const headers = caller ? await as(caller) : {};
      for (const [type, id] of Object.entries(targets)) {
        const response = await api.graphql(NODE, { id: gid(type, id) }, headers);
        expect({ type, caller: caller?.email, errors: response.errors, node: response.data?.node }).toEqual({
          type,
          caller: caller?.email,
          errors: undefined,
          node: null,
        });
      }
    }
  });

  test("the owner reads every one of them through node()", async () => {
    const targets = await targetsOfA1();
    const headers = await as(world.users.buyerA);
    for (const [type, id] of Object.entries(targets)) {
      const { node } = dataOf(await api.graphql(NODE, { id: gid(type, id) }, headers));
      expect(node).toMatchObject({ __typename: type, id: gid(type, id) });
    }
  });

  test("nodes(ids:) answers null in place of each hidden node", async () => {
    const NODES = gql(`query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id } }`);
    const mine = gid("Order", world.orders.b1);
    const theirs = gid("Order", world.orders.a1);
    const { nodes } = dataOf(await api.graphql(NODES, { ids: [mine, theirs] }, await as(world.users.buyerB)));
    expect(nodes).toEqual([{ id: mine }, null]);
  });

  test("a supplier sees no payments, and not the supplier orders of another supplier", async () => {
    const north = await as(world.users.northOwner);
    expect(dataOf(await api.graphql(NODE, { id: gid("Payment", world.payments.a1) }, north)).node).toBeNull();
    const south = dataOf(
      await api.graphql(
        NODE,
        { id: gid("SupplierOrder", world.supplierOrders.a1North) },
        await as(world.users.southOwner),
      ),
    );
    expect(south.node).toBeNull();
  });
});

describe("column rules on supplier order prices", () => {
  const a1SupplierOrders = async (user: WorldUser) => {
    const { order } = dataOf(await api.graphql(ORDER, { id: gid("Order", world.orders.a1) }, await as(user)));
    return order.supplierOrders as {
      id: string;
      buyerPrice: string | null;
      supplierPrice: string | null;
      margin: string | null;
    }[];
  };
  const margin = (id: string) => {
    const { buyer, supplier } = world.prices[id]!;
    return (Math.round(Number(buyer) * 100 - Number(supplier) * 100) / 100).toFixed(2);
  };

  test("the buyer gets buyerPrice, never supplierPrice or margin", async () => {
    const rows = await a1SupplierOrders(world.users.buyerA);
    expect(rows.map((row) => row.id).sort()).toEqual(
      [world.supplierOrders.a1North, world.supplierOrders.a1South]
        .map((id) => gid("SupplierOrder", id))
        .sort(),
    );
    for (const row of rows) {
      const raw = Object.keys(world.prices).find((id) => gid("SupplierOrder", id) === row.id)!;
      expect(row).toMatchObject({ buyerPrice: world.prices[raw]!.buyer, supplierPrice: null, margin: null });
    }
  });

  test("the supplier gets supplierPrice, never buyerPrice or margin", async () => {
    const north = dataOf(
      await api.graphql(
        NODE,
        { id: gid("SupplierOrder", world.supplierOrders.a1North) },
        await as(world.users.northOwner),
      ),
    );
    expect(north.node).toMatchObject({ buyerPrice: null, supplierPrice: "7000.00", margin: null });
    // A pending supplier order is the supplier's too, before acceptance.
    const south = dataOf(
      await api.graphql(
        NODE,
        { id: gid("SupplierOrder", world.supplierOrders.a1South) },
        await as(world.users.southOwner),
      ),
    );
    expect(south.node).toMatchObject({ buyerPrice: null, supplierPrice: "2000.25", margin: null });
  });

  test("an admin gets all three, margin = buyerPrice − supplierPrice", async () => {
    for (const row of await a1SupplierOrders(world.users.admin)) {
      const raw = Object.keys(world.prices).find((id) => gid("SupplierOrder", id) === row.id)!;
      expect(row).toEqual(
        expect.objectContaining({
          buyerPrice: world.prices[raw]!.buyer,
          supplierPrice: world.prices[raw]!.supplier,
          margin: margin(raw),
        }),
      );
    }
  });

  test("prices of a whole page come from one statement", async () => {
    api.statements.length = 0;
    const response = await listOrders(world.users.admin, { first: 10 });
    expect(dataOf(response).orders.edges).toHaveLength(10);
    const priceQueries = api.statements.filter((statement) =>
      /supplier_order_prices|prices/i.test(statement.query),
    );
    expect(priceQueries).toHaveLength(1);
  });
});

describe("order fields", () => {
  test("an order shows its stages, progress, history, items and payments to its buyer", async () => {
    const { order } = dataOf(
      await api.graphql(ORDER, { id: gid("Order", world.orders.a1) }, await as(world.users.buyerA)),
    );
    expect(order).toMatchObject({
      status: "IN_PRODUCTION",
      paymentStatus: "PARTIALLY_PAID",
      totalAmount: "10000.00",
      currency: "USD",
      quantity: 500,
      productType: "merino sweater",
      currentStage: 2,
      buyer: { fullName: "Alice Buyer", companyName: "Alpha Apparel" },
      supplier: { companyName: "North Knit" },
      items: [{ description: "Merino crew, navy", quantity: 100, unitPrice: "12.50", lineTotal: "1250.00" }],
      payments: [{ amount: "2500.00", currency: "USD", status: "SUCCEEDED" }],
    });
    expect(order.targetDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(order.productionStages.map((stage: { stageNumber: number }) => stage.stageNumber)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(order.productionStages[0]).toMatchObject({
      stageName: "Yarn sourcing",
      status: "COMPLETED",
      completionPercentage: "100.00",
    });
    expect(order.productionStages[1]).toMatchObject({ status: "IN_PROGRESS", completionPercentage: "40.00" });
    expect(order.productionStages[0].supplierOrder.id).toBe(
      gid("SupplierOrder", world.supplierOrders.a1North),
    );
    expect(order.stageProgress.slice(0, 2)).toEqual([
      { stageNumber: 1, stageName: "Yarn sourcing", completionPercentage: "100.00" },
      { stageNumber: 2, stageName: "Knitting", completionPercentage: "40.00" },
    ]);
    expect(order.statusHistory.map((entry: { toStatus: string }) => entry.toStatus)).toEqual([
      "CONFIRMED",
      "IN_PRODUCTION",
    ]);
  });

  test("the supplier of an order sees the buyer's public profile, but not its items, payments or total", async () => {
    const { order } = dataOf(
      await api.graphql(ORDER, { id: gid("Order", world.orders.a1) }, await as(world.users.northOwner)),
    );
    expect(order.buyer).toEqual({ fullName: "Alice Buyer", companyName: "Alpha Apparel" });
    expect(order.payments).toEqual([]);
    expect(order.items).toEqual([]);
    expect(order.totalAmount).toBeNull();
    // Only its own supplier order, not South Loom's pending one.
    expect(order.supplierOrders.map((so: { id: string }) => so.id)).toEqual([
      gid("SupplierOrder", world.supplierOrders.a1North),
    ]);
  });
});

describe("filters and pagination", () => {
  test("first above 100 is BAD_USER_INPUT, not a silent clamp", async () => {
    const response = await listOrders(world.users.admin, { first: 101 });
    expect(codesOf(response)).toEqual(["BAD_USER_INPUT"]);
    expect(response.errors?.[0]?.message).toMatch(/at most 100/);
    expect(codesOf(await listOrders(world.users.admin, { first: -1 }))).toEqual(["BAD_USER_INPUT"]);
  });

  test("paging forward with after visits every order once", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const response = await listOrders(world.users.admin, { first: 4, after });
      const connection: {
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { id: string } }[];
        totalCount: number;
      } = dataOf(response).orders;
      expect(connection.totalCount).toBe(sqlOrders.length);
      seen.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(sqlOrders.map((row) => gid("Order", row.id)));
  });

  test("last/before page backwards in the same order", async () => {
    const all = sqlOrders.map((row) => gid("Order", row.id));
    const lastThree = await listOrders(world.users.admin, { first: undefined, last: 3 });
    expect(ids(lastThree)).toEqual(all.slice(-3));
    const before = dataOf(lastThree).orders.edges[0].cursor;
    const previous = await listOrders(world.users.admin, { first: undefined, last: 2, before });
    expect(ids(previous)).toEqual(all.slice(-5, -3));
  });

  test("status, supplierId, createdAfter/createdBefore and search narrow what RLS allows", async () => {
    const buyerA = world.users.buyerA;
    const pending = ids(await listOrders(buyerA, { filter: { status: "CONFIRMED" } }));
    expect(pending).toEqual([gid("Order", world.orders.a2)]);
    const both = ids(await listOrders(buyerA, { filter: { status: ["CONFIRMED", "IN_PRODUCTION"] } }));
    expect(both).toHaveLength(2 + BULK_ORDERS);

    const south = ids(
      await listOrders(world.users.admin, {
        filter: { supplierId: gid("Supplier", world.suppliers.southLoom) },
      }),
    );
    expect(south).toEqual([gid("Order", world.orders.b1)]);
    // Buyer A filtering by South Loom sees none of buyer B's orders.
    expect(
      ids(await listOrders(buyerA, { filter: { supplierId: gid("Supplier", world.suppliers.southLoom) } })),
    ).toEqual([]);

    const hoodie = ids(await listOrders(buyerA, { filter: { search: "HOODIE" } }));
    expect(hoodie).toEqual([gid("Order", world.orders.a2)]);
    const a1Number = sqlOrders.find((row) => row.id === world.orders.a1)!.order_number;
    expect(ids(await listOrders(buyerA, { filter: { search: a1Number } }))).toEqual([
      gid("Order", world.orders.a1),
    ]);

    expect(
      ids(
        await listOrders(buyerA, { filter: { createdAfter: new Date(Date.now() + 60_000).toISOString() } }),
      ),
    ).toEqual([]);
    expect(
      ids(
        await listOrders(buyerA, { filter: { createdBefore: new Date(Date.now() + 60_000).toISOString() } }),
      ),
    ).toHaveLength(2 + BULK_ORDERS);
    expect(codesOf(await listOrders(buyerA, { filter: { search: "x".repeat(101) } }))).toEqual([
      "BAD_USER_INPUT",
    ]);
  });
});

describe("round trips", () => {
  test("the statements an orders page sends do not grow with the page size", async () => {
    const headers = await as(world.users.admin);
    const statementsFor = async (first: number) => {
      api.statements.length = 0;
      const response = await api.graphql(ORDERS, { first }, headers);
      expect(dataOf(response).orders.edges).toHaveLength(first);
      return api.statements.map((statement) => statement.query.replace(/\s+/g, " "));
    };
    const small = await statementsFor(2);
    const large = await statementsFor(15);
    // One statement per table the selection touches, for 2 orders or 15 (the
    // exact lists of canonical requests are snapshotted in statements.test.ts).
    expect(large).toHaveLength(small.length);
    expect(small.filter((sql) => /supplier_order_prices/.test(sql))).toHaveLength(1);
    expect(small.filter((sql) => /"production_stages"/.test(sql))).toHaveLength(1);
  });
});

describe("API keys are limited to their scopes", () => {
  const keyFor = async (user: WorldUser, scopes: string[]): Promise<Headers> => {
    const { key, prefix, hash } = generateApiKey();
    await withAdminClient(db.adminUrl, (client) =>
      client.query(
        "insert into api_keys (user_id, name, prefix, key_hash, scopes) values ($1, 'erp', $2, $3, $4)",
        [user.id, prefix, hash, scopes],
      ),
    );
    return { "x-api-key": key };
  };

  test("a key without orders:read is refused orders with FORBIDDEN naming the scope, and node() answers null", async () => {
    const headers = await keyFor(world.users.northOwner, ["suppliers:read"]);
    const response = await api.graphql(ORDERS, { first: 5 }, headers);
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: "FORBIDDEN",
      reason: "MISSING_API_SCOPE",
      scope: "orders:read",
    });
    expect(response.data).toBeNull();
    const node = await api.graphql(NODE, { id: gid("Order", world.orders.a1) }, headers);
    expect(node.errors).toBeUndefined();
    expect(node.data?.node).toBeNull();
  });

  test("a key with orders:read reads what its owner may", async () => {
    const headers = await keyFor(world.users.northOwner, ["orders:read"]);
    const viaKey = ids(await api.graphql(ORDERS, { first: 100 }, headers));
    expect(viaKey).toEqual(ids(await listOrders(world.users.northOwner)));
  });

  test("suppliers:read gates looking suppliers up; a supplier reached through an order needs only orders:read", async () => {
    const SUPPLIERS = gql(`{ suppliers(first: 5) { totalCount } }`);
    const ORDER_SUPPLIER = gql(`query O($id: ID!) { order(id: $id) { supplier { companyName } } }`);
    const supplierNode = { id: gid("Supplier", world.suppliers.northKnit) };

    const ordersOnly = await keyFor(world.users.buyerA, ["orders:read"]);
    expect((await api.graphql(SUPPLIERS, {}, ordersOnly)).errors?.[0]?.extensions).toMatchObject({
      code: "FORBIDDEN",
      reason: "MISSING_API_SCOPE",
      scope: "suppliers:read",
    });
    expect(dataOf(await api.graphql(NODE, supplierNode, ordersOnly)).node).toBeNull();
    const viaOrder = await api.graphql(ORDER_SUPPLIER, { id: gid("Order", world.orders.a1) }, ordersOnly);
    expect(dataOf(viaOrder).order.supplier).not.toBeNull();

    const both = await keyFor(world.users.buyerA, ["orders:read", "suppliers:read"]);
    expect(dataOf(await api.graphql(SUPPLIERS, {}, both)).suppliers.totalCount).toBeGreaterThan(0);
    expect(dataOf(await api.graphql(NODE, supplierNode, both)).node).not.toBeNull();
  });

  test("keys cannot sign in or manage sessions: FORBIDDEN, API_KEY_NOT_ALLOWED", async () => {
    const headers = await keyFor(world.users.buyerA, ["orders:read"]);
    const response = await api.graphql(
      gql(`mutation { signIn(input: { email: "a@b.co", password: "irrelevant" }) { __typename } }`),
      {},
      headers,
    );
    expect(response.errors?.[0]?.extensions).toEqual({ code: "FORBIDDEN", reason: "API_KEY_NOT_ALLOWED" });
  });
});

describe("orderByTrackingToken", () => {
  const TRACK = gql(`
    query Track($token: String!) {
      orderByTrackingToken(token: $token) {
        orderNumber status currentStage targetDate expectedDeliveryDate actualDeliveryDate updatedAt
        stages { stageNumber stageName status completionPercentage }
      }
    }`);

  test("anyone holding the token sees the narrow public view, without signing in", async () => {
    const { orderByTrackingToken: tracked } = dataOf(
      await api.graphql(TRACK, { token: world.trackingTokens.a1 }),
    );
    const a1Number = sqlOrders.find((row) => row.id === world.orders.a1)!.order_number;
    expect(tracked).toMatchObject({ orderNumber: a1Number, status: "IN_PRODUCTION", currentStage: 2 });
    expect(tracked.stages).toHaveLength(8);
    expect(tracked.stages.slice(0, 3)).toEqual([
      { stageNumber: 1, stageName: "Yarn sourcing", status: "COMPLETED", completionPercentage: "100.00" },
      { stageNumber: 2, stageName: "Knitting", status: "IN_PROGRESS", completionPercentage: "40.00" },
      { stageNumber: 3, stageName: "Linking", status: "PENDING", completionPercentage: "0.00" },
    ]);
    expect(tracked.targetDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(tracked.actualDeliveryDate).toBeNull();
  });

  test("TrackedOrder offers nothing beyond the narrow view: no ids, people, prices or notes", async () => {
    const INTROSPECT = gql(`{
      order: __type(name: "TrackedOrder") { fields { name } }
      stage: __type(name: "TrackedStage") { fields { name } }
    }`);
    const { order, stage } = dataOf(await api.graphql(INTROSPECT, {}));
    expect(order.fields.map((field: { name: string }) => field.name).sort()).toEqual(
      [
        "actualDeliveryDate",
        "currentStage",
        "expectedDeliveryDate",
        "orderNumber",
        "stages",
        "status",
        "targetDate",
        "updatedAt",
      ].sort(),
    );
    expect(stage.fields.map((field: { name: string }) => field.name).sort()).toEqual(
      ["completionPercentage", "stageName", "stageNumber", "status"].sort(),
    );
  });

  test("a wrong, malformed or oversized token answers null", async () => {
    for (const token of [
      world.trackingTokens.a1.slice(0, -1) + (world.trackingTokens.a1.endsWith("A") ? "B" : "A"),
      "short",
      "",
      "x".repeat(5_000),
      "' or 1=1 --",
    ]) {
      const response = await api.graphql(TRACK, { token });
      expect(response.errors).toBeUndefined();
      expect(response.data?.orderByTrackingToken).toBeNull();
    }
  });

  test("signed-in callers get the same view (another buyer's token works for them too, by design)", async () => {
    const { orderByTrackingToken: tracked } = dataOf(
      await api.graphql(TRACK, { token: world.trackingTokens.b1 }, await as(world.users.buyerA)),
    );
    expect(tracked.status).toBe("IN_PRODUCTION");
  });
});
