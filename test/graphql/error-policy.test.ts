import { encodeGlobalID } from "@pothos/plugin-relay";
import { MAX_QUERY_DEPTH } from "../../src/app";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, dataOf, gql, startApiServer } from "./harness";
import { type Headers, type OrderWorld, insertOrderWorld, signIn, worldCipher } from "./orders.scenario";

/**
 * The error policy for mutations (src/graphql/mutation-errors-plugin.ts): a
 * rule the database enforces (here a trigger raising one of Loomline's
 * SQLSTATEs) reaches the client as the mutation's typed result, not as a
 * top-level error, and changes nothing; in an operation of several
 * mutations only the failed one is undone.
 */

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let admin: Headers;

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    world = await insertOrderWorld(client, worldCipher());
    // In this clone only: a database rule refusing listings titled "Refused".
    await client.query(`
      create function app_private.tg_test__refuse() returns trigger language plpgsql as $$
      begin
        if new.title = 'Refused' then
          raise exception 'This listing may not be approved.' using errcode = 'LLTRN';
        end if;
        return new;
      end $$;
      create trigger _999_test_refuse before update on marketplace_products
        for each row execute function app_private.tg_test__refuse();`);
  });
  api = await startApiServer(db);
  admin = await signIn(api)(world.users.admin);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

async function pendingListing(title: string): Promise<string> {
  return withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, stock_quantity, status)
       values ($1, 'sweater', $2, 'Knitwear', 'errors-' || gen_random_uuid(), 20, 10, 'pending_approval') returning id`,
      [world.suppliers.northKnit, title],
    );
    return rows[0]!.id;
  });
}

const statusOf = (id: string) =>
  withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query<{ status: string }>(
      "select status::text from marketplace_products where id = $1",
      [id],
    );
    return rows[0]!.status;
  });

const RESULT = `
  __typename
  ... on ReviewMarketplaceProductPayload { marketplaceProduct { status } }
  ... on UserError { code message }
  ... on ConflictError { reason }`;

test("a database rule raised inside a mutation is its typed result, and nothing changes", async () => {
  const id = await pendingListing("Refused");
  const response = await api.graphql(
    gql(`mutation Review($input: ReviewMarketplaceProductInput!) {
      reviewMarketplaceProduct(input: $input) { ${RESULT} } }`),
    { input: { id: encodeGlobalID("MarketplaceProduct", id), decision: "APPROVE" } },
    admin,
  );
  expect(response.errors).toBeUndefined();
  expect(dataOf(response).reviewMarketplaceProduct).toEqual({
    __typename: "ConflictError",
    code: "CONFLICT",
    reason: "INVALID_TRANSITION",
    message: "This listing may not be approved.",
  });
  expect(await statusOf(id)).toBe("pending_approval");
});

test("in an operation of several mutations, only the refused one is undone", async () => {
  const refused = await pendingListing("Refused");
  const accepted = await pendingListing("Fine");
  const response = await api.graphql(
    gql(`mutation Both($refused: ReviewMarketplaceProductInput!, $accepted: ReviewMarketplaceProductInput!) {
      refused: reviewMarketplaceProduct(input: $refused) { ${RESULT} }
      accepted: reviewMarketplaceProduct(input: $accepted) { ${RESULT} } }`),
    {
      refused: { id: encodeGlobalID("MarketplaceProduct", refused), decision: "APPROVE" },
      accepted: { id: encodeGlobalID("MarketplaceProduct", accepted), decision: "APPROVE" },
    },
    admin,
  );
  expect(response.errors).toBeUndefined();
  const data = dataOf(response);
  expect(data.refused).toMatchObject({ __typename: "ConflictError", reason: "INVALID_TRANSITION" });
  expect(data.accepted).toEqual({
    __typename: "ReviewMarketplaceProductPayload",
    marketplaceProduct: { status: "APPROVED" },
  });
  expect(await statusOf(refused)).toBe("pending_approval");
  expect(await statusOf(accepted)).toBe("approved");
});

test("a text argument holding a NUL byte is refused at the edge with BAD_USER_INPUT", async () => {
  const nul = "a\u0000b";
  // The nine text inputs a review found reaching Postgres (22021), plus a literal in the document.
  const cases: [string, Record<string, unknown>, Headers][] = [
    ['{ marketplaceProducts(first: 1, filter: { search: "a\\u0000b" }) { totalCount } }', {}, {}],
    ...(["search", "category"] as const).map((field): [string, Record<string, unknown>, Headers] => [
      `query Q($v: String) { marketplaceProducts(first: 1, filter: { ${field}: $v }) { totalCount } }`,
      { v: nul },
      {},
    ]),
    ...(["colors", "sizes"] as const).map((field): [string, Record<string, unknown>, Headers] => [
      `query Q($v: [String!]) { marketplaceProducts(first: 1, filter: { ${field}: $v }) { totalCount } }`,
      { v: ["navy", nul] },
      {},
    ]),
    ["query Q($v: String!) { marketplaceProduct(slug: $v) { id } }", { v: nul }, {}],
    ["query Q($v: String) { orders(first: 1, filter: { search: $v }) { totalCount } }", { v: nul }, admin],
    [
      "query Q($v: String) { suppliers(first: 1, filter: { specialization: $v }) { totalCount } }",
      { v: nul },
      {},
    ],
    ["query Q($v: String!) { orderByTrackingToken(token: $v) { orderNumber } }", { v: nul }, {}],
    [
      'mutation M($v: String!) { signIn(input: { email: $v, password: "loomline-demo" }) { __typename } }',
      { v: `buyer${nul}@loomline.dev` },
      {},
    ],
  ];
  for (const [query, variables, headers] of cases) {
    const response = await api.graphql(gql(query), variables, headers);
    expect({ query, data: response.data ?? null }).toEqual({ query, data: null });
    expect(response.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: "BAD_USER_INPUT", reason: "INVALID_CHARACTER" }),
      }),
    ]);
  }
  expect(api.logs.filter((line) => (line["level"] as number) >= 50)).toEqual([]);
});

test("a selection nested too deep is refused with BAD_USER_INPUT before it reaches the database", async () => {
  const nested = (cycles: number) => {
    let selection = "id";
    for (let i = 0; i < cycles; i++) selection = `supplierOrders { id order { id ${selection} } }`;
    return gql(`{ orders(first: 2) { edges { node { ${selection} } } } }`);
  };
  expect(dataOf(await api.graphql(nested(4), {}, admin)).orders.edges.length).toBeGreaterThan(0);

  api.statements.length = 0;
  // 40 cycles used to reach Prisma's recursion limit: "Unexpected error." and an error log.
  const response = await api.graphql(nested(40), {}, admin);
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toEqual([
    expect.objectContaining({
      message: `Query depth limit of ${MAX_QUERY_DEPTH} exceeded, found 84.`,
      extensions: { code: "BAD_USER_INPUT", reason: "QUERY_TOO_DEEP" },
    }),
  ]);
  expect(api.statements).toEqual([]);
  expect(api.logs.filter((line) => (line["level"] as number) >= 50)).toEqual([]);
});
