/**
 * Quote estimates: the pricing model behind an interface, so a smarter
 * estimator can replace it (DOMAIN.md, "quotes").
 *
 * The model is implemented once, in the database: `app.quote_estimate()`
 * (sql/migrations/013.do.quotes-workflow.sql), an immutable SQL function.
 * The estimate stored on a quote is the database's (issue 9, item 7): a
 * trigger prices every quote a request inserts, and the request roles hold
 * no grant on the price columns, so neither a client nor a bug in the API
 * can store a price the model did not compute. `SqlPricingModel` reads that
 * same function, so an answer given before a quote is stored (a preview, an
 * anonymous caller's reply) can never disagree with what is stored.
 *
 * The model, for readers (the SQL is authoritative; test/unit/pricing.test.ts
 * pins examples of it):
 *
 *   unit base  = product base price x quantity break x complexity x fabric,
 *                rounded to cents
 *     product base (USD/piece): sweater 28, cardigan 34, hoodie 30, dress 42,
 *                vest 22, scarf 12, beanie 9, gloves 11, anything else 25
 *     quantity break: <50 x1.30, 50-99 x1.15, 100-299 x1.00, 300-999 x0.90,
 *                1000-4999 x0.82, 5000+ x0.75
 *     complexity: simple x0.90, moderate x1.00, complex x1.25
 *     fabric: acrylic x0.85, cotton x1.00, blend x1.10, wool x1.35,
 *                merino x1.50, alpaca x1.80, cashmere x2.40, other x1.00
 *   specialty  = unit base x route surcharge (standard 0, hybrid 12 %,
 *                specialty_only 30 %), rounded to cents
 *   logistics  = per piece by destination: near the mills (CN VN BD IN TR PT)
 *                0.80, North America (US CA MX) 1.50, Europe 1.20, elsewhere
 *                or unknown 2.00
 *   unit price = unit base + specialty + logistics; total = unit price x quantity
 *   lead time  = 21 days + complexity (0/7/14) + 3 per started 500 pieces (at
 *                most 30) + route (0/7/14) + transit (4/10/8/14)
 *
 * Product types and fabrics match case-insensitively, trimmed; the same
 * input always gives the same estimate (no clock, no randomness, no table).
 */

export type ComplexityLevel = "simple" | "moderate" | "complex";
export type ProductionRoute = "standard" | "hybrid" | "specialty_only";

/** What an estimate depends on, and nothing else. */
export interface QuoteSpec {
  productType: string;
  quantity: number;
  complexityLevel: ComplexityLevel;
  fabricType: string | null;
  productionRoute: ProductionRoute;
  /** ISO 3166 alpha-2 destination, or null when unknown. */
  country: string | null;
}

export interface QuoteEstimate {
  /** Money as exact decimal strings with two decimals ("29.50"). */
  unitPrice: string;
  totalPrice: string;
  baseCost: string;
  specialtyCost: string;
  logisticsCost: string;
  estimatedDeliveryDays: number;
  /** The estimate's line items and factors, as stored in quotes.quote_data. */
  quoteData: Record<string, unknown>;
}

export interface PricingModel {
  estimate(spec: QuoteSpec): Promise<QuoteEstimate>;
}

export const MIN_QUOTE_QUANTITY = 1;
/** The database refuses more (LLRUL); totals stay within numeric(12,2). */
export const MAX_QUOTE_QUANTITY = 1_000_000;

/** Runs one parameterised statement ($1, $2, …) and returns its rows. */
export type SqlQuery = <Row>(text: string, values: readonly unknown[]) => Promise<Row[]>;

interface EstimateRow {
  unit_price: unknown;
  total_price: unknown;
  base_cost: unknown;
  specialty_cost: unknown;
  logistics_cost: unknown;
  estimated_delivery_days: number;
  quote_data: Record<string, unknown>;
}

const money = (value: unknown): string => {
  const text = String(value);
  const [whole, fraction = ""] = text.split(".");
  return `${whole}.${fraction.padEnd(2, "0")}`;
};

/** The model of migration 013, read through `query` (a request's transaction, or a test client). */
export class SqlPricingModel implements PricingModel {
  constructor(private readonly query: SqlQuery) {}

  async estimate(spec: QuoteSpec): Promise<QuoteEstimate> {
    if (
      !Number.isInteger(spec.quantity) ||
      spec.quantity < MIN_QUOTE_QUANTITY ||
      spec.quantity > MAX_QUOTE_QUANTITY
    ) {
      throw new RangeError(`quantity must be an integer from ${MIN_QUOTE_QUANTITY} to ${MAX_QUOTE_QUANTITY}`);
    }
    const [row] = await this.query<EstimateRow>(
      `select unit_price::text, total_price::text, base_cost::text, specialty_cost::text, logistics_cost::text,
              estimated_delivery_days, quote_data
         from app.quote_estimate($1::text, $2::integer, $3::complexity_level, $4::text, $5::production_route, $6::text)`,
      [
        spec.productType,
        spec.quantity,
        spec.complexityLevel,
        spec.fabricType,
        spec.productionRoute,
        spec.country,
      ],
    );
    if (!row) throw new RangeError("the pricing model gave no estimate for this request");
    return {
      unitPrice: money(row.unit_price),
      totalPrice: money(row.total_price),
      baseCost: money(row.base_cost),
      specialtyCost: money(row.specialty_cost),
      logisticsCost: money(row.logistics_cost),
      estimatedDeliveryDays: row.estimated_delivery_days,
      quoteData: row.quote_data,
    };
  }
}
