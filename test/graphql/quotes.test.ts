import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
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
 * The quote workflow over HTTP: requestQuote (anonymous too), quotes(),
 * assignQuote, updateQuoteLead, convertQuoteToOrder. The estimate and the
 * status are the database's (migration 013); refusals are typed results.
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

const quoteGid = (id: string) => encodeGlobalID("Quote", id);

const REQUEST = gql(`
  mutation Request($input: RequestQuoteInput!) {
    requestQuote(input: $input) {
      __typename
      ... on RequestQuotePayload {
        quoteId status
        estimate { unitPrice totalPrice estimatedDeliveryDays }
        quote { id status totalPrice customerEmail }
      }
      ... on UserError { code message field }
    }
  }`);

const QUOTES = gql(`
  query Quotes($first: Int, $after: String, $filter: QuoteFilter) {
    quotes(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id productType status totalPrice customerEmail phoneNumber baseCost leadStatus leadNotes
                     assignedSupplier { id } } }
    }
  }`);

const ASSIGN = gql(`
  mutation Assign($input: AssignQuoteInput!) {
    assignQuote(input: $input) {
      __typename
      ... on QuotePayload { quote { id assignedSupplier { id } assignedAt } }
      ... on UserError { code message field }
      ... on ConflictError { reason }
    }
  }`);

const LEAD = gql(`
  mutation Lead($input: UpdateQuoteLeadInput!) {
    updateQuoteLead(input: $input) {
      __typename
      ... on QuotePayload { quote { id leadStatus leadNotes } }
      ... on UserError { code message field }
    }
  }`);

const CONVERT = gql(`
  mutation Convert($input: ConvertQuoteToOrderInput!) {
    convertQuoteToOrder(input: $input) {
      __typename
      ... on ConvertQuoteToOrderPayload {
        quote { id status convertedToOrder { id } }
        order { id status quantity totalAmount items { quantity unitPrice } }
      }
      ... on UserError { code message field }
      ... on ConflictError { reason }
      ... on InvalidTransitionError { reason allowedTransitions }
    }
  }`);

const requestInput = (overrides: Record<string, unknown> = {}) => ({
  productType: "sweater",
  quantity: 200,
  complexityLevel: "MODERATE",
  customerEmail: "Visitor@Example.com",
  customerName: "Vera Visitor",
  phoneNumber: "+49 30 0000000",
  country: "us",
  ...overrides,
});

/** A quote inserted as the migrator (priced by the model), with the given status. */
async function quote(
  fields: { requestedBy?: string | null; status?: string; assignedSupplier?: string } = {},
) {
  const [row] = await sql<{ id: string }>(
    `insert into quotes (customer_email, phone_number, requested_by, product_type, quantity, status, assigned_supplier_id)
     values ('buyer-a@example.com', '+1 555 0100', $1, 'cardigan', 120, $2, $3) returning id`,
    [fields.requestedBy ?? null, fields.status ?? "sent", fields.assignedSupplier ?? null],
  );
  return row!.id;
}

describe("requestQuote", () => {
  test("an anonymous visitor gets the model's estimate; the database stored exactly it, as a draft", async () => {
    const result = dataOf(await api.graphql(REQUEST, { input: requestInput() })).requestQuote;
    expect(result).toMatchObject({
      __typename: "RequestQuotePayload",
      status: "DRAFT",
      estimate: { unitPrice: "29.50", totalPrice: "5900.00", estimatedDeliveryDays: 41 },
      quote: null,
    });
    const { id } = decodeGlobalID(result.quoteId);
    expect(
      await sql(
        "select total_price::text, status::text, customer_email::text, country, requested_by from quotes where id = $1",
        [id],
      ),
    ).toEqual([
      {
        total_price: "5900.00",
        status: "draft",
        customer_email: "visitor@example.com",
        country: "US",
        requested_by: null,
      },
    ]);
  });

  test("a signed-in buyer gets the stored quote back, as requester", async () => {
    const result = dataOf(
      await api.graphql(REQUEST, { input: requestInput({ quantity: 49 }) }, await as(world.users.buyerA)),
    ).requestQuote;
    expect(result.quote).toMatchObject({
      status: "DRAFT",
      totalPrice: "1857.10",
      customerEmail: "visitor@example.com",
    });
  });

  test.each([
    [{ quantity: 0 }, "input.quantity"],
    [{ customerEmail: "not-an-email" }, "input.customerEmail"],
    [{ country: "Germany" }, "input.country"],
    [{ productType: "  " }, "input.productType"],
  ])("%p is a validation error naming %s, and nothing is stored", async (overrides, field) => {
    const [before] = await sql<{ n: number }>("select count(*)::int as n from quotes");
    const result = dataOf(await api.graphql(REQUEST, { input: requestInput(overrides) })).requestQuote;
    expect(result).toMatchObject({ __typename: "InvalidInputError", code: "BAD_USER_INPUT", field });
    expect(await sql("select count(*)::int as n from quotes")).toEqual([before]);
  });
});

describe("quotes", () => {
  test("admins see all, a buyer their own, the assigned supplier its own without the customer's contact", async () => {
    const mine = await quote({
      requestedBy: world.users.buyerA.id,
      assignedSupplier: world.suppliers.northKnit,
    });
    const others = await quote({ requestedBy: world.users.buyerB.id });

    const admin = dataOf(await api.graphql(QUOTES, { first: 100 }, await as(world.users.admin))).quotes;
    const adminIds = admin.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(adminIds).toEqual(expect.arrayContaining([quoteGid(mine), quoteGid(others)]));

    const buyer = dataOf(await api.graphql(QUOTES, { first: 100 }, await as(world.users.buyerB))).quotes;
    expect(buyer.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([quoteGid(others)]);
    expect(buyer.edges[0].node).toMatchObject({
      customerEmail: "buyer-a@example.com",
      leadStatus: null,
      leadNotes: null,
    });

    const supplier = dataOf(
      await api.graphql(QUOTES, { first: 100 }, await as(world.users.northOwner)),
    ).quotes;
    expect(supplier.totalCount).toBe(1);
    expect(supplier.edges[0].node).toMatchObject({
      id: quoteGid(mine),
      customerEmail: null,
      phoneNumber: null,
      totalPrice: null,
      baseCost: expect.any(String),
    });
  });

  test("pages neither repeat nor skip a quote when quotes are inserted between page requests", async () => {
    const buyer = world.users.buyerB;
    for (let i = 0; i < 5; i++) await quote({ requestedBy: buyer.id });
    const headers = await as(buyer);
    const expected = dataOf(await api.graphql(QUOTES, { first: 100 }, headers)).quotes.edges.map(
      (edge: { node: { id: string } }) => edge.node.id,
    );
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { id: string } }[];
      } = dataOf(await api.graphql(QUOTES, { first: 2, after }, headers)).quotes;
      seen.push(...page.edges.map((edge) => edge.node.id));
      // Newer quotes arrive between the page requests: they sort before the cursor.
      await quote({ requestedBy: buyer.id });
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  test("anonymous callers are refused", async () => {
    expectErrorCodes(await api.graphql(QUOTES, { first: 5 }), ["UNAUTHENTICATED"]);
  });
});

describe("assignQuote", () => {
  test("an admin assigns a quote to a verified supplier", async () => {
    const id = await quote({ requestedBy: world.users.buyerA.id });
    const input = { id: quoteGid(id), supplierId: encodeGlobalID("Supplier", world.suppliers.southLoom) };
    const result = dataOf(await api.graphql(ASSIGN, { input }, await as(world.users.admin))).assignQuote;
    expect(result).toMatchObject({
      __typename: "QuotePayload",
      quote: { assignedSupplier: { id: input.supplierId }, assignedAt: expect.any(String) },
    });
  });

  test("a buyer is FORBIDDEN and nothing changes; unknown ids are NOT_FOUND; a rejected quote a CONFLICT", async () => {
    const id = await quote({ requestedBy: world.users.buyerA.id });
    const input = { id: quoteGid(id), supplierId: encodeGlobalID("Supplier", world.suppliers.southLoom) };
    expectErrorCodes(await api.graphql(ASSIGN, { input }, await as(world.users.buyerA)), ["FORBIDDEN"]);
    expect(await sql("select assigned_supplier_id from quotes where id = $1", [id])).toEqual([
      { assigned_supplier_id: null },
    ]);

    const admin = await as(world.users.admin);
    const missing = { ...input, id: quoteGid("00000000-0000-4000-8000-00000000beef") };
    expect(dataOf(await api.graphql(ASSIGN, { input: missing }, admin)).assignQuote).toMatchObject({
      __typename: "NotFoundError",
      field: "input.id",
    });
    const noSupplier = {
      ...input,
      supplierId: encodeGlobalID("Supplier", "00000000-0000-4000-8000-00000000beef"),
    };
    expect(dataOf(await api.graphql(ASSIGN, { input: noSupplier }, admin)).assignQuote).toMatchObject({
      __typename: "NotFoundError",
      field: "input.supplierId",
    });
    const rejected = await quote({ status: "rejected" });
    expect(
      dataOf(await api.graphql(ASSIGN, { input: { ...input, id: quoteGid(rejected) } }, admin)).assignQuote,
    ).toMatchObject({ __typename: "ConflictError", reason: "QUOTE_CLOSED" });
  });
});

describe("updateQuoteLead", () => {
  test("an admin records the lead; an empty input is a validation error; a supplier is FORBIDDEN", async () => {
    const id = await quote();
    const admin = await as(world.users.admin);
    expect(
      dataOf(
        await api.graphql(
          LEAD,
          { input: { id: quoteGid(id), leadStatus: "HOT", leadNotes: "Call Monday" } },
          admin,
        ),
      ).updateQuoteLead,
    ).toMatchObject({ quote: { leadStatus: "HOT", leadNotes: "Call Monday" } });
    expect(
      dataOf(await api.graphql(LEAD, { input: { id: quoteGid(id) } }, admin)).updateQuoteLead,
    ).toMatchObject({
      __typename: "InvalidInputError",
      field: "input.leadStatus",
    });
    expectErrorCodes(
      await api.graphql(
        LEAD,
        { input: { id: quoteGid(id), leadStatus: "COLD" } },
        await as(world.users.northOwner),
      ),
      ["FORBIDDEN"],
    );
  });
});

describe("convertQuoteToOrder", () => {
  test("an anonymous request becomes the named buyer's order in one go; twice is a CONFLICT", async () => {
    const request = dataOf(await api.graphql(REQUEST, { input: requestInput() })).requestQuote;
    const admin = await as(world.users.admin);
    const input = { id: request.quoteId, buyerId: encodeGlobalID("User", world.users.buyerA.id) };

    const result = dataOf(await api.graphql(CONVERT, { input }, admin)).convertQuoteToOrder;
    expect(result).toMatchObject({
      __typename: "ConvertQuoteToOrderPayload",
      quote: { status: "CONVERTED", convertedToOrder: { id: result.order.id } },
      order: {
        status: "SUBMITTED",
        quantity: 200,
        totalAmount: "5900.00",
        items: [{ quantity: 200, unitPrice: "29.50" }],
      },
    });

    const again = dataOf(await api.graphql(CONVERT, { input }, admin)).convertQuoteToOrder;
    expect(again).toMatchObject({
      __typename: "ConflictError",
      code: "CONFLICT",
      reason: "ALREADY_CONVERTED",
    });
  });

  test("an anonymous request without a buyer is a validation error naming input.buyerId", async () => {
    const id = await quote({ requestedBy: null });
    const result = dataOf(
      await api.graphql(CONVERT, { input: { id: quoteGid(id) } }, await as(world.users.admin)),
    ).convertQuoteToOrder;
    expect(result).toMatchObject({ __typename: "InvalidInputError", field: "input.buyerId" });
  });

  test("an expired quote is an invalid transition naming the allowed ones, and nothing changes", async () => {
    const id = await quote({ requestedBy: world.users.buyerA.id, status: "expired" });
    const [before] = await sql<{ n: number }>("select count(*)::int as n from orders");
    const result = dataOf(
      await api.graphql(CONVERT, { input: { id: quoteGid(id) } }, await as(world.users.admin)),
    ).convertQuoteToOrder;
    expect(result).toMatchObject({
      __typename: "InvalidTransitionError",
      code: "CONFLICT",
      reason: "INVALID_TRANSITION",
      message: "This quote is expired: only a draft, sent or accepted quote can be converted to an order.",
      allowedTransitions: [],
    });
    expect(await sql("select count(*)::int as n from orders")).toEqual([before]);
    expect(await sql("select status::text from quotes where id = $1", [id])).toEqual([{ status: "expired" }]);
  });

  test("buyers are FORBIDDEN; an unknown quote is NOT_FOUND", async () => {
    const id = await quote({ requestedBy: world.users.buyerA.id });
    expectErrorCodes(
      await api.graphql(CONVERT, { input: { id: quoteGid(id) } }, await as(world.users.buyerA)),
      ["FORBIDDEN"],
    );
    expect(
      dataOf(
        await api.graphql(
          CONVERT,
          { input: { id: quoteGid("00000000-0000-4000-8000-00000000beef") } },
          await as(world.users.admin),
        ),
      ).convertQuoteToOrder,
    ).toMatchObject({ __typename: "NotFoundError", field: "input.id" });
  });
});
