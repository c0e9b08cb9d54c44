import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { type TestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, dataOf, gql } from "./harness";
import { type Headers, type OrderWorld, startOrderWorld, stopOrderWorld } from "./orders.scenario";

/**
 * The whole workflow of DOMAIN.md over HTTP, each step by the caller who
 * takes it in real life: an anonymous quote -> the admin converts it into
 * the buyer's order and confirms it -> splits it across two suppliers ->
 * both accept (the database creates the eight stages) -> each completes
 * every stage (the order moves to quality_check, then shipped, by
 * triggers) -> the buyer confirms delivery -> the payment is recorded, and
 * replayed with the same key without a second payment -> paid.
 */

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let as: (user: OrderWorld["users"][keyof OrderWorld["users"]]) => Promise<Headers>;

beforeAll(async () => {
  ({ db, world, api, as } = await startOrderWorld());
});

afterAll(() => stopOrderWorld({ api, db }));

const gid = (type: string, id: string) => encodeGlobalID(type, id);

const ORDER = gql(`
  query Order($id: ID!) {
    order(id: $id) { id status paymentStatus version totalAmount currentStage actualDeliveryDate }
  }`);

async function orderOf(id: string, headers: Headers) {
  return dataOf(await api.graphql(ORDER, { id }, headers)).order;
}

/** A mutation that must succeed: its payload, or the typed error it returned, in the failure message. */
async function mutate(source: string, input: Record<string, unknown>, headers: Headers, field: string) {
  const result = dataOf(await api.graphql(gql(source), { input }, headers))[field];
  if (result.__typename.endsWith("Error")) throw new Error(`${field}: ${JSON.stringify(result)}`);
  return result;
}

test("quote -> order -> two suppliers -> eight stages each -> shipped -> delivered -> paid", async () => {
  const admin = await as(world.users.admin);
  const buyer = await as(world.users.buyerA);
  const north = await as(world.users.northOwner);
  const south = await as(world.users.southOwner);

  // 1. Anyone asks for a quote; the database prices it.
  const quote = await mutate(
    `mutation Q($input: RequestQuoteInput!) { requestQuote(input: $input) {
       __typename ... on RequestQuotePayload { quoteId status estimate { unitPrice totalPrice } } } }`,
    { productType: "sweater", quantity: 300, customerEmail: world.users.buyerA.email, country: "DE" },
    {},
    "requestQuote",
  );
  expect(quote.status).toBe("DRAFT");
  expect(Number(quote.estimate.totalPrice)).toBeGreaterThan(0);

  // 2. The admin converts it into the buyer's order (submitted), then confirms it.
  const converted = await mutate(
    `mutation C($input: ConvertQuoteToOrderInput!) { convertQuoteToOrder(input: $input) {
       __typename ... on ConvertQuoteToOrderPayload { order { id status version totalAmount } quote { status } } } }`,
    { id: quote.quoteId, buyerId: gid("User", world.users.buyerA.id) },
    admin,
    "convertQuoteToOrder",
  );
  expect(converted.quote.status).toBe("CONVERTED");
  expect(converted.order).toMatchObject({ status: "SUBMITTED", totalAmount: quote.estimate.totalPrice });
  const orderId: string = converted.order.id;

  const UPDATE_STATUS = `mutation U($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) {
    __typename ... on OrderPayload { order { status version } } } }`;
  const confirmed = await mutate(
    UPDATE_STATUS,
    { id: orderId, status: "CONFIRMED", expectedVersion: converted.order.version },
    admin,
    "updateOrderStatus",
  );
  expect(confirmed.order.status).toBe("CONFIRMED");

  // 3. Split across two suppliers; the supplier prices stay the admin's business.
  const split = await mutate(
    `mutation S($input: CreateSupplierOrderInput!) { createSupplierOrder(input: $input) {
       __typename ... on CreateSupplierOrderPayload { supplierOrders { id status quantity } } } }`,
    {
      orderId,
      parts: [
        {
          supplierId: gid("Supplier", world.suppliers.northKnit),
          quantity: 200,
          buyerPrice: "4000",
          supplierPrice: "3000",
        },
        {
          supplierId: gid("Supplier", world.suppliers.southLoom),
          quantity: 100,
          buyerPrice: "2000",
          supplierPrice: "1500",
        },
      ],
    },
    admin,
    "createSupplierOrder",
  );
  const [northPart, southPart] = split.supplierOrders as { id: string }[];

  // 4. Each supplier accepts its part: the database creates its eight stages.
  const STAGES = gql(`query S($id: ID!) { node(id: $id) { ... on SupplierOrder {
    acceptanceStatus productionStages { id stageNumber status } } } }`);
  const parts: [{ id: string }, Headers][] = [
    [northPart!, north],
    [southPart!, south],
  ];
  for (const [part, supplier] of parts) {
    await mutate(
      `mutation R($input: RespondToSupplierOrderInput!) { respondToSupplierOrder(input: $input) {
         __typename ... on SupplierOrderPayload { supplierOrder { acceptanceStatus } } } }`,
      { id: part.id, decision: "ACCEPT" },
      supplier,
      "respondToSupplierOrder",
    );
  }
  expect((await orderOf(orderId, buyer)).status).toBe("IN_PRODUCTION");

  // 5. Each supplier completes its stages in order; the triggers move the order.
  const seen = new Set<string>();
  for (const [part, supplier] of parts) {
    const { node } = dataOf(await api.graphql(STAGES, { id: part.id }, supplier));
    expect(node.acceptanceStatus).toBe("ACCEPTED");
    expect(node.productionStages.map((stage: { stageNumber: number }) => stage.stageNumber)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    for (const stage of node.productionStages as { id: string }[]) {
      const updated = await mutate(
        `mutation P($input: UpdateProductionStageInput!) { updateProductionStage(input: $input) {
           __typename ... on UpdateProductionStagePayload { productionStage { status completionPercentage } } } }`,
        {
          id: stage.id,
          completionPercentage: "100",
          notes: "done",
          photos: ["https://cdn.example.com/p.jpg"],
        },
        supplier,
        "updateProductionStage",
      );
      expect(updated.productionStage).toEqual({ status: "COMPLETED", completionPercentage: "100.00" });
      seen.add((await orderOf(orderId, buyer)).status);
    }
  }
  // Stage 6 of the first part put the order into quality_check; the last stage 8 shipped it.
  expect(seen).toEqual(new Set(["IN_PRODUCTION", "QUALITY_CHECK", "SHIPPED"]));

  // 6. The buyer confirms delivery.
  const shipped = await orderOf(orderId, buyer);
  const delivered = await mutate(
    UPDATE_STATUS,
    { id: orderId, status: "DELIVERED", expectedVersion: shipped.version, note: "All 300 received" },
    buyer,
    "updateOrderStatus",
  );
  expect(delivered.order.status).toBe("DELIVERED");

  // 7. The payment, recorded twice with one key (a retried request): one payment, paid.
  const RECORD = `mutation M($input: RecordPaymentInput!) { recordPayment(input: $input) {
    __typename ... on RecordPaymentPayload { paymentId replayed orderPaymentStatus } } }`;
  const payment = {
    orderId,
    amount: quote.estimate.totalPrice,
    currency: "USD",
    method: "bank_transfer",
    idempotencyKey: "flow-payment-1",
  };
  const first = await mutate(RECORD, payment, admin, "recordPayment");
  const again = await mutate(RECORD, payment, admin, "recordPayment");
  expect(first).toMatchObject({ replayed: false, orderPaymentStatus: "PAID" });
  expect(again).toEqual({ ...first, replayed: true });

  const final = await orderOf(orderId, buyer);
  expect(final).toMatchObject({ status: "DELIVERED", paymentStatus: "PAID", currentStage: 8 });
  expect(final.actualDeliveryDate).not.toBeNull();

  // The database's own record agrees: one payment, and the history of every move.
  await withAdminClient(db.adminUrl, async (client) => {
    const raw = decodeGlobalID(orderId).id;
    const { rows: payments } = await client.query("select amount::text from payments where order_id = $1", [
      raw,
    ]);
    expect(payments).toEqual([{ amount: quote.estimate.totalPrice }]);
    const { rows: history } = await client.query<{ to_status: string }>(
      "select to_status::text from order_status_history where order_id = $1 order by created_at, id",
      [raw],
    );
    expect(history.map((row) => row.to_status)).toEqual([
      "submitted",
      "confirmed",
      "in_production",
      "quality_check",
      "shipped",
      "delivered",
    ]);
  });
});
