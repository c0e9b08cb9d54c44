/**
 * The pricing model (src/services/pricing.ts), table-driven. The model is
 * an immutable SQL function (migration 013), so the table runs against a
 * real database, as a request role: what the API and the trigger that
 * stores estimates both compute.
 */
import type { Client } from "pg";
import { SqlPricingModel, type QuoteSpec } from "../../src/services/pricing";
import { createTestDatabase, withRole, type TestDatabase } from "../helpers/database";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const asAnonymous = <T>(fn: (model: SqlPricingModel) => Promise<T>) =>
  withRole(database.apiUrl, "anonymous", null, (client: Client) =>
    fn(new SqlPricingModel(async (text, values) => (await client.query(text, [...values])).rows)),
  );

const spec = (overrides: Partial<QuoteSpec>): QuoteSpec => ({
  productType: "sweater",
  quantity: 200,
  complexityLevel: "moderate",
  fabricType: null,
  productionRoute: "standard",
  country: "US",
  ...overrides,
});

// [what it shows, input, unit price, total, lead time days]
const TABLE: [string, Partial<QuoteSpec>, string, string, number][] = [
  ["the reference case", {}, "29.50", "5900.00", 41],
  [
    "trimmed, case-insensitive names",
    { productType: " Sweater ", fabricType: "COTTON" },
    "29.50",
    "5900.00",
    41,
  ],
  ["below the first break", { quantity: 49 }, "37.90", "1857.10", 41],
  ["the 50-piece break", { quantity: 50, country: null }, "34.20", "1710.00", 45],
  [
    "complex cashmere, specialty only, to Europe",
    {
      quantity: 49,
      complexityLevel: "complex",
      fabricType: "cashmere",
      productionRoute: "specialty_only",
      country: "FR",
    },
    "143.16",
    "7014.84",
    60,
  ],
  [
    "simple wool beanies, 1000 pieces, to Germany",
    { productType: "beanie", quantity: 1000, complexityLevel: "simple", fabricType: "wool", country: "DE" },
    "10.17",
    "10170.00",
    35,
  ],
  [
    "5000 hybrid acrylic hoodies near the mills (lead time capped volume)",
    {
      productType: "hoodie",
      quantity: 5000,
      fabricType: "acrylic",
      productionRoute: "hybrid",
      country: "VN",
    },
    "22.23",
    "111150.00",
    69,
  ],
  [
    "unknown product and fabric price as other; unknown region",
    { productType: "Poncho", quantity: 100, fabricType: "silk", country: "ZA" },
    "27.00",
    "2700.00",
    45,
  ],
];

describe("the pricing model", () => {
  test.each(TABLE)("%s", async (_name, overrides, unitPrice, totalPrice, days) => {
    const estimate = await asAnonymous((model) => model.estimate(spec(overrides)));
    expect(estimate).toMatchObject({ unitPrice, totalPrice, estimatedDeliveryDays: days });
    // The lines add up to the total.
    const lines = (estimate.quoteData.lines as { amount: number }[]).map((line) => Number(line.amount));
    expect(lines.reduce((sum, amount) => sum + amount, 0).toFixed(2)).toBe(totalPrice);
  });

  test("the same input always gives the same estimate", async () => {
    const input = spec({ quantity: 777, complexityLevel: "complex", fabricType: "merino", country: "CA" });
    const [first, second] = await asAnonymous(async (model) => [
      await model.estimate(input),
      await model.estimate({ ...input }),
    ]);
    expect(second).toEqual(first);
  });

  test.each([0, -5, 1.5, 1_000_001])("quantity %p has no estimate", async (quantity) => {
    await expect(asAnonymous((model) => model.estimate(spec({ quantity })))).rejects.toThrow(RangeError);
  });
});
