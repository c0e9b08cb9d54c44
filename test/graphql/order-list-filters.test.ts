import { randomUUID } from "node:crypto";
import { decodeGlobalID } from "@pothos/plugin-relay";
import type pg from "pg";
import { generateApiKey } from "../../src/auth/api-keys";
import { ANONYMOUS_VIEWER, type Viewer } from "../../src/auth/viewer";
import { databaseRoleFor, identityStatement } from "../../src/db/identity";
import type { QueryEvent } from "../../src/db/prisma";
import { insertScenarioUser } from "../helpers/scenario";
import { type TestDatabase, createTestDatabase, withAdminClient, withRole } from "../helpers/database";
import { type ApiServer, dataOf, gql, startApiServer } from "./harness";
import { LISTINGS, insertScenario } from "./marketplace.scenario";
import {
  type Headers,
  type OrderWorld,
  type WorldUser,
  insertOrderWorld,
  signIn,
  worldCipher,
} from "./orders.scenario";

/**
 * Lists say whose rows they want (sql/CONVENTIONS.md: policies are guards,
 * not filters): the orders page and its totalCount carry the caller's own
 * condition — buyer, supplier (assigned, or through its supplier orders),
 * none for an admin session — and still give exactly the rows RLS alone
 * gives. The oracle is SQL run as the caller (the API's own identity
 * statement, then no WHERE: the policies alone decide). The suppliers and
 * marketplace lists likewise.
 */

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let as: (user: WorldUser) => Promise<Headers>;
/** Buyer and supplier at once: its own supplier, an order it bought, orders it works on. */
let hybrid: WorldUser;
let hybridSupplier: string;
/** Holds the supplier role only, yet bought an order before: select_buyer needs no role. */
let exBuyer: WorldUser;
/** A supplier working on more orders than the resolver lists by id (order.queries.ts: 1,000). */
let busy: WorldUser;
let busySupplier: string;
let busyOrders: string[];
const extraOrders: Record<string, string> = {};

const BUSY_ORDERS = 1_001;

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    world = await insertOrderWorld(client, worldCipher(), { bulkOrders: 3 });
    const user = (key: string, roles: WorldUser["roles"]): Promise<WorldUser> =>
      insertScenarioUser(client, { email: `${key.toLowerCase()}@filters.example`, roles, fullName: key });
    const supplier = async (owner: WorldUser, name: string) =>
      (
        await client.query<{ id: string }>(
          `insert into suppliers (user_id, company_name, country, verification_status)
           values ($1, $2, 'PT', 'pending') returning id`,
          [owner.id, name],
        )
      ).rows[0]!.id;
    let minutes = 0;
    const order = async (key: string, buyer: WorldUser, supplierId: string | null = null) => {
      minutes += 1;
      const { rows } = await client.query<{ id: string }>(
        `insert into orders (buyer_id, supplier_id, product_type, quantity, status, created_at)
         values ($1, $2, $3, 100, 'confirmed', now() - interval '1 day' + make_interval(mins => $4)) returning id`,
        [buyer.id, supplierId, key, minutes],
      );
      extraOrders[key] = rows[0]!.id;
      return rows[0]!.id;
    };
    const supplierOrder = (orderId: string, supplierId: string) =>
      client.query(
        `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price)
         values ($1, $2, 'knit', 10, 100, 80)`,
        [supplierId, orderId],
      );

    hybrid = await user("hybrid", ["buyer", "supplier"]);
    hybridSupplier = await supplier(hybrid, "Hybrid Mills");
    exBuyer = await user("exBuyer", ["supplier"]);
    busy = await user("busy", ["supplier"]);
    busySupplier = await supplier(busy, "Busy Looms");

    await order("hybrid bought", hybrid);
    // Through a supplier order only (pending: not assigned).
    await supplierOrder(await order("hybrid works on", world.users.buyerB), hybridSupplier);
    // Assigned by an admin, without a supplier order.
    await order("assigned to hybrid", world.users.buyerA, hybridSupplier);
    // South Loom: assigned without a supplier order (it already has B1 assigned, A1 through one).
    await order("assigned to south", world.users.buyerB, world.suppliers.southLoom);
    await order("bought before", exBuyer);
    await order("assigned to busy", world.users.buyerA, busySupplier);
    // Older than the rest, one supplier order each.
    busyOrders = (
      await client.query<{ id: string }>(
        `insert into orders (buyer_id, product_type, quantity, status, created_at)
         select $1, 'busy ' || g, 10, 'confirmed', now() - interval '2 days' + make_interval(secs => g)
           from generate_series(1, $2::int) g
         returning id::text`,
        [world.users.buyerB.id, BUSY_ORDERS],
      )
    ).rows.map((row) => row.id);
    await client.query(
      `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price)
       select $1, id, 'knit', 10, 100, 80 from unnest($2::uuid[]) as id`,
      [busySupplier, busyOrders],
    );

    await insertScenario(client, LISTINGS);
  });
  api = await startApiServer(db);
  as = signIn(api);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const ORDERS = gql(`
  query Orders($first: Int, $after: String) {
    orders(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id orderNumber buyer { fullName } } }
    }
  }`);

/** Runs `fn` as `user` (null: anonymous) the way the API does: its identity statement first, then rolls back. */
function asViewer<T>(user: WorldUser | null, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const viewer: Viewer = user ? { kind: "user", id: user.id, roles: user.roles } : ANONYMOUS_VIEWER;
  return withRole(db.apiUrl, databaseRoleFor(viewer), null, async (client) => {
    const statement = identityStatement({ viewer, requestId: randomUUID() }, true);
    await client.query(statement.text, statement.values);
    return fn(client);
  });
}

/** The caller's orders as RLS alone gives them, newest first. */
function rlsOrders(user: WorldUser): Promise<string[]> {
  return asViewer(user, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      "select id::text from orders order by created_at desc, id desc",
    );
    return rows.map((row) => row.id);
  });
}

/** Every order of the caller through the API, paging with cursors, and the totalCount of the first page. */
async function apiOrders(headers: Headers, first = 100): Promise<{ ids: string[]; totalCount: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (;;) {
    const page: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: { id: string } }[];
    } = dataOf(await api.graphql(ORDERS, { first, after }, headers)).orders;
    if (totalCount === -1) totalCount = page.totalCount;
    ids.push(...page.edges.map((edge) => decodeGlobalID(edge.node.id).id));
    if (!page.pageInfo.hasNextPage) return { ids, totalCount };
    after = page.pageInfo.endCursor;
  }
}

// ---------------------------------------------------------------- SQL text

/** The page statement (newest first) and the count statement Prisma sent for `table`. */
function listStatements(statements: QueryEvent[], table: string): { page: QueryEvent; count: QueryEvent } {
  const from = `FROM "public"."${table}"`;
  const page = statements.filter((s) => s.query.startsWith("SELECT") && s.query.includes(from));
  const pages = page.filter((s) => / ORDER BY /.test(s.query) && !s.query.startsWith("SELECT COUNT"));
  const counts = page.filter((s) => s.query.startsWith("SELECT COUNT"));
  expect(pages).toHaveLength(1);
  expect(counts).toHaveLength(1);
  return { page: pages[0]!, count: counts[0]! };
}

/** The WHERE clause of a page (up to ORDER BY) or of a count (up to its OFFSET). */
function whereOf(statement: QueryEvent): string {
  const start = statement.query.indexOf(" WHERE ");
  const end = statement.query.startsWith("SELECT COUNT")
    ? statement.query.lastIndexOf(" OFFSET ")
    : statement.query.lastIndexOf(" ORDER BY ");
  return start === -1 ? "" : statement.query.slice(start + " WHERE ".length, end);
}

/** The values compared with `column` by `=` in the WHERE clause. */
function equalsValues(statement: QueryEvent, table: string, column: string): unknown[] {
  const params = JSON.parse(statement.params) as unknown[];
  const pattern = new RegExp(`"public"\\."${table}"\\."${column}" = \\$(\\d+)`, "g");
  return [...whereOf(statement).matchAll(pattern)].map((match) => params[Number(match[1]) - 1]);
}

/** The values of `"orders"."id" IN (…)` in the WHERE clause, sorted (null: no such list). */
function idList(statement: QueryEvent): string[] | null {
  const params = JSON.parse(statement.params) as string[];
  const match = /"public"\."orders"\."id" IN \(([^)]*)\)/.exec(whereOf(statement));
  if (!match) return null;
  return match[1]!
    .split(",")
    .map((placeholder) => params[Number(placeholder.trim().slice(1)) - 1]!)
    .sort();
}

/** Orders holding a supplier order of `supplierId`, read past RLS. */
function ordersThroughSupplierOrders(supplierId: string): Promise<string[]> {
  return withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      "select distinct buyer_order_id::text as id from supplier_orders where supplier_id = $1",
      [supplierId],
    );
    return rows.map((row) => row.id).sort();
  });
}

async function ordersStatements(headers: Headers): Promise<{ page: QueryEvent; count: QueryEvent }> {
  api.statements.length = 0;
  dataOf(await api.graphql(ORDERS, { first: 5 }, headers));
  return listStatements(api.statements, "orders");
}

describe("orders: the page and its totalCount carry the caller's condition", () => {
  test("a buyer's: buyer_id = the buyer, nothing of a supplier", async () => {
    const { page, count } = await ordersStatements(await as(world.users.buyerA));
    expect(
      api.statements.filter((statement) => statement.query.includes("app.current_supplier_id()")),
    ).toEqual([]);
    for (const statement of [page, count]) {
      expect(equalsValues(statement, "orders", "buyer_id")).toEqual([world.users.buyerA.id]);
      expect(equalsValues(statement, "orders", "supplier_id")).toEqual([]);
      expect(idList(statement)).toBeNull();
    }
  });

  test("a supplier's: its orders as buyer, those assigned to its supplier, those of its supplier orders", async () => {
    const { page, count } = await ordersStatements(await as(world.users.southOwner));
    // Its supplier and those orders are read once, for the page and the count.
    expect(
      api.statements.filter((statement) => statement.query.includes("app.current_supplier_id()")),
    ).toHaveLength(1);
    const through = await ordersThroughSupplierOrders(world.suppliers.southLoom);
    expect(through).toHaveLength(2);
    for (const statement of [page, count]) {
      expect(equalsValues(statement, "orders", "buyer_id")).toEqual([world.users.southOwner.id]);
      expect(equalsValues(statement, "orders", "supplier_id")).toEqual([world.suppliers.southLoom]);
      expect(idList(statement)).toEqual(through);
    }
  });

  test("a supplier with more orders than are listed by id: one EXISTS on its supplier orders", async () => {
    const { page, count } = await ordersStatements(await as(busy));
    for (const statement of [page, count]) {
      expect(equalsValues(statement, "orders", "supplier_id")).toEqual([busySupplier]);
      expect(idList(statement)).toBeNull();
      expect(whereOf(statement)).toMatch(/EXISTS\(SELECT .* FROM "public"\."supplier_orders"/);
      // Assigned to it, or holding one of its supplier orders.
      expect(
        (JSON.parse(statement.params) as unknown[]).filter((value) => value === busySupplier),
      ).toHaveLength(2);
    }
  });

  test("an admin session's: no condition at all", async () => {
    const { page, count } = await ordersStatements(await as(world.users.admin));
    for (const statement of [page, count]) {
      expect(whereOf(statement)).not.toMatch(/buyer_id|supplier_id|"id" IN|EXISTS/);
    }
  });

  test("an admin's API key is no admin (auth-scopes): it lists the owner's own orders only", async () => {
    const { key, prefix, hash } = generateApiKey();
    await withAdminClient(db.adminUrl, (client) =>
      client.query(
        "insert into api_keys (user_id, name, prefix, key_hash, scopes) values ($1, 'erp', $2, $3, '{orders:read}')",
        [world.users.admin.id, prefix, hash],
      ),
    );
    const headers = { "x-api-key": key };
    const { page } = await ordersStatements(headers);
    expect(equalsValues(page, "orders", "buyer_id")).toEqual([world.users.admin.id]);
    expect(await apiOrders(headers)).toEqual({ ids: [], totalCount: 0 });
  });
});

describe("orders: the same rows as RLS alone", () => {
  const cases = (): [string, WorldUser][] => [
    ["buyer A", world.users.buyerA],
    ["buyer B", world.users.buyerB],
    ["a buyer without orders", world.users.outsider],
    ["North Knit (assigned and through pending supplier orders)", world.users.northOwner],
    ["South Loom (assigned with and without a supplier order, through one only)", world.users.southOwner],
    ["a buyer and supplier at once", hybrid],
    ["a supplier who bought before (no buyer role)", exBuyer],
    ["a supplier beyond the listed-ids cap", busy],
    ["an admin", world.users.admin],
  ];

  test("for every kind of caller, page by page and in totalCount", async () => {
    for (const [, user] of cases()) {
      const expected = await rlsOrders(user);
      const headers = await as(user);
      expect({ user: user.email, ...(await apiOrders(headers)) }).toEqual({
        user: user.email,
        ids: expected,
        totalCount: expected.length,
      });
      // Cursor paging ANDs its position with the condition: the pages add up to the same rows.
      expect((await apiOrders(headers, expected.length > 50 ? 97 : 2)).ids).toEqual(expected);
    }
  });

  test("the scenario reaches every branch of the supplier policy", async () => {
    const expectedHybrid = ["hybrid bought", "hybrid works on", "assigned to hybrid"].map(
      (key) => extraOrders[key],
    );
    expect((await rlsOrders(hybrid)).sort()).toEqual([...expectedHybrid].sort());
    expect(await rlsOrders(exBuyer)).toEqual([extraOrders["bought before"]]);
    expect(await rlsOrders(world.users.southOwner)).toContain(extraOrders["assigned to south"]);
    expect((await rlsOrders(busy)).sort()).toEqual([extraOrders["assigned to busy"]!, ...busyOrders].sort());
    expect(await rlsOrders(world.users.admin)).toHaveLength(
      3 + 3 + Object.keys(extraOrders).length + BUSY_ORDERS,
    );
  });
});

// ---------------------------------------------------------------- other lists

const SUPPLIERS = gql(`
  query Suppliers { suppliers(first: 100) { totalCount edges { node { id } } } }`);

const LISTINGS_PAGE = gql(`
  query Listings($status: ListingStatus) {
    marketplaceProducts(first: 100, filter: { status: $status }) { totalCount edges { node { id } } }
  }`);

describe("suppliers: the caller's condition, the rows of RLS alone", () => {
  const rlsSuppliers = (user: WorldUser | null) =>
    asViewer(user, async (client) =>
      (
        await client.query<{ id: string }>("select id::text from suppliers order by company_name, id")
      ).rows.map((row) => row.id),
    );

  test.each([
    ["anonymous", null, /verification_status/],
    ["a buyer", "buyerA", /verification_status.* OR .*"user_id" = .*EXISTS/],
    ["a supplier", "hybrid", /verification_status.* OR .*"user_id" = .*EXISTS/],
    ["an admin session", "admin", null],
  ] as const)("%s", async (_name, key, condition) => {
    const user = key === null ? null : key === "hybrid" ? hybrid : world.users[key];
    api.statements.length = 0;
    const data = dataOf(await api.graphql(SUPPLIERS, {}, user ? await as(user) : {})).suppliers;
    const { page, count } = listStatements(api.statements, "suppliers");
    for (const statement of [page, count]) {
      if (condition) expect(whereOf(statement)).toMatch(condition);
      else expect(whereOf(statement)).not.toMatch(/verification_status|user_id|EXISTS/);
    }
    const expected = await rlsSuppliers(user);
    expect(data.edges.map((edge: { node: { id: string } }) => decodeGlobalID(edge.node.id).id)).toEqual(
      expected,
    );
    expect(data.totalCount).toBe(expected.length);
  });
});

describe("marketplace: approved listings say so", () => {
  const rlsListingCount = (user: WorldUser | null) =>
    asViewer(
      user,
      async (client) =>
        (await client.query<{ n: number }>("select count(*)::int as n from marketplace_products")).rows[0]!.n,
    );
  const listingStatements = () =>
    api.statements.filter((statement) => /from marketplace_products mp/i.test(statement.query));

  test("anonymous callers and buyers: status = 'approved' in the page and the count, the rows of RLS alone", async () => {
    for (const user of [null, world.users.buyerA]) {
      api.statements.length = 0;
      const data = dataOf(
        await api.graphql(LISTINGS_PAGE, {}, user ? await as(user) : {}),
      ).marketplaceProducts;
      const raw = listingStatements();
      expect(raw).toHaveLength(2);
      for (const statement of raw) expect(statement.query).toMatch(/mp\.status = 'approved'/);
      const expected = await rlsListingCount(user);
      expect(expected).toBeGreaterThan(0);
      expect(data.totalCount).toBe(expected);
      expect(data.edges).toHaveLength(expected);
    }
  });

  test("a buyer asking for another status gets an empty page without a query", async () => {
    api.statements.length = 0;
    const data = dataOf(await api.graphql(LISTINGS_PAGE, { status: "DRAFT" }, await as(world.users.buyerA)));
    expect(data.marketplaceProducts).toEqual({ totalCount: 0, edges: [] });
    expect(listingStatements()).toEqual([]);
  });

  test("a supplier: approved listings or its own, in the page and the count, the rows of RLS alone", async () => {
    api.statements.length = 0;
    const data = dataOf(
      await api.graphql(LISTINGS_PAGE, {}, await as(world.users.northOwner)),
    ).marketplaceProducts;
    const raw = listingStatements();
    expect(raw).toHaveLength(2);
    for (const statement of raw) {
      expect(statement.query).toContain(
        "(mp.status = 'approved' or mp.supplier_id = (select app.current_supplier_id()))",
      );
    }
    const expected = await rlsListingCount(world.users.northOwner);
    expect(data.totalCount).toBe(expected);
    expect(data.edges).toHaveLength(expected);
  });

  test("an admin session: no status condition, every listing", async () => {
    api.statements.length = 0;
    const data = dataOf(
      await api.graphql(LISTINGS_PAGE, {}, await as(world.users.admin)),
    ).marketplaceProducts;
    for (const statement of listingStatements()) expect(statement.query).not.toMatch(/mp\.status =/);
    expect(data.totalCount).toBe(LISTINGS.length);
    expect(data.totalCount).toBe(await rlsListingCount(world.users.admin));
  });
});
