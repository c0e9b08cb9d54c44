import { encodeGlobalID } from "@pothos/plugin-relay";
import type { QueryEvent } from "../../src/db/prisma";
import { MarketplaceProductsDocument } from "../generated/graphql";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, type GraphQLResponse, dataOf, gql, startApiServer } from "./harness";
import { LISTINGS, insertScenario } from "./marketplace.scenario";
import { type OrderWorld, type WorldUser, insertOrderWorld, signIn, worldCipher } from "./orders.scenario";

/**
 * The exact SQL a few canonical requests send, one snapshot each, one entry
 * per round trip: the transaction's opening (BEGIN with its isolation level
 * and the identity statement, src/db/prisma.ts), every query in order,
 * COMMIT. Parameters are left out, whitespace is collapsed.
 *
 * A change to a resolver, a selection or the relation strategy shows up
 * here as a diff to review, statement by statement, where a count (`≤ 14`)
 * would only say that something changed, or nothing when the count holds.
 * After an intended change: `npx jest test/graphql/statements.test.ts -u`,
 * and read the diff of __snapshots__/statements.test.ts.snap.
 */

const BULK_ORDERS = 12;

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let as: (user: WorldUser) => Promise<Record<string, string>>;

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    await insertScenario(client, LISTINGS);
    world = await insertOrderWorld(client, worldCipher(), { bulkOrders: BULK_ORDERS });
  });
  api = await startApiServer(db);
  as = signIn(api);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/**
 * A statement as the snapshot shows it, on one line: a parameter reads `?`,
 * a list of them `?…` (their numbers and counts follow the data, not the code).
 */
function normaliseStatement(sql: string): string {
  return sql
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\$\d+(?:\s*,\s*\$\d+)+/g, "?…")
    .replace(/\$\d+/g, "?");
}

/** The statements one request sent, checking that it succeeded (with the server's log if not). */
async function statementsOf<TData>(request: () => Promise<GraphQLResponse<TData>>): Promise<string[]> {
  api.statements.length = 0;
  dataOf(await request());
  return api.statements.map((statement: QueryEvent) => normaliseStatement(statement.query));
}

const ME = gql(`query Me { me { id email roles profile { fullName companyName phone } } }`);

const ORDER_FIELDS = `
  id orderNumber status paymentStatus quantity productType totalAmount currency currentStage
  stageProgress { stageNumber stageName completionPercentage }
  buyer { fullName companyName }
  supplier { companyName }
  supplierOrders { id orderNumber acceptanceStatus quantity buyerPrice supplierPrice margin
                   productionStages { stageNumber completionPercentage } }
  productionStages { id stageNumber stageName status completionPercentage supplierOrder { id } }
  items { id description quantity unitPrice lineTotal }
  payments { id amount currency status }
`;

const ORDERS = gql(`
  query Orders($first: Int) {
    orders(first: $first) { totalCount edges { cursor node { ${ORDER_FIELDS} } } }
  }`);

const ORDER = gql(`query Order($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`);

test("the marketplace page with totalCount, as an anonymous caller", async () => {
  expect(await statementsOf(() => api.graphql(MarketplaceProductsDocument, { first: 20 }))).toMatchSnapshot();
});

test("me, as a buyer", async () => {
  const headers = await as(world.users.buyerA);
  expect(await statementsOf(() => api.graphql(ME, {}, headers))).toMatchSnapshot();
});

test("orders(first: 20) with supplier orders and production stages, as a supplier", async () => {
  const headers = await as(world.users.northOwner);
  expect(await statementsOf(() => api.graphql(ORDERS, { first: 20 }, headers))).toMatchSnapshot();
});

test("order(id), as its buyer", async () => {
  const headers = await as(world.users.buyerA);
  const id = encodeGlobalID("Order", world.orders.a1);
  expect(await statementsOf(() => api.graphql(ORDER, { id }, headers))).toMatchSnapshot();
});
