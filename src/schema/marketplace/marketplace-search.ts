import { badUserInput } from "../../graphql/errors";
import type { RequestTransactionClient } from "../../db/request-transaction";
import { type ListingStatus, Prisma } from "../../generated/prisma/client";
import type { PageRequest } from "../../graphql/connection-args";
import { isUuid } from "../../db/uuid";

/**
 * The marketplace listing query: filters, orderings and keyset pagination in
 * SQL. Prisma cannot query the generated tsvector column or rank by it, so
 * the page of ids (with each row's sort key) comes from one parameterised
 * raw query; the caller then loads those rows through Prisma, in this order.
 * RLS applies as to any statement of the request transaction.
 */

export type MarketplaceOrder = "RELEVANCE" | "NEWEST" | "PRICE_ASC" | "PRICE_DESC";

export interface MarketplaceFilter {
  search?: string | null;
  category?: string | null;
  minPrice?: Prisma.Decimal | null;
  maxPrice?: Prisma.Decimal | null;
  colors?: readonly string[] | null;
  sizes?: readonly string[] | null;
  /** Raw uuid (already decoded from the global id). */
  supplierId?: string | null;
  featured?: boolean | null;
  status?: ListingStatus | null;
  /**
   * The caller's own condition (set by the resolver, never by the client):
   * "approved" — approved listings only; "approvedOrOwn" — approved ones and
   * the calling supplier's own; absent — no condition (admin sessions).
   */
  visibility?: "approved" | "approvedOrOwn";
}

export interface PageRow {
  id: string;
  cursor: string;
}

export interface MarketplacePage {
  rows: PageRow[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** One ordering: a sort key, then the id as the tie-breaker, so every position is unique. */
interface SortSpec {
  order: MarketplaceOrder;
  key: Prisma.Sql;
  /** The key as exact text for cursors (a JS Date would drop microseconds; a float, digits). */
  keyText: Prisma.Sql;
  /** Turns a cursor's key text back into the key's type. */
  keyCast: Prisma.Sql;
  keyPattern: RegExp;
  keyDescending: boolean;
  /** NULL keys sort as Postgres does by default: as the largest value. */
  nullable: boolean;
  idDescending: boolean;
}

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const DECIMAL_TEXT = /^-?\d{1,18}(\.\d{1,12})?$/;
const FLOAT_TEXT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

const RANK = Prisma.sql`ts_rank(mp.search_vector, search_query)`;
const PRICE = Prisma.sql`mp.final_price`;

const SORTS: Record<MarketplaceOrder, SortSpec> = {
  // Relevance, then newest id first for equal ranks.
  RELEVANCE: {
    order: "RELEVANCE",
    key: RANK,
    keyText: Prisma.sql`${RANK}::text`,
    keyCast: Prisma.raw("::real"),
    keyPattern: FLOAT_TEXT,
    keyDescending: true,
    nullable: false,
    idDescending: true,
  },
  // The order of marketplace_products_approved_idx (approval_date desc, id).
  NEWEST: {
    order: "NEWEST",
    key: Prisma.sql`mp.approval_date`,
    keyText: Prisma.sql`to_char(mp.approval_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    keyCast: Prisma.raw("::timestamptz"),
    keyPattern: TIMESTAMP_TEXT,
    keyDescending: true,
    nullable: true,
    idDescending: false,
  },
  PRICE_ASC: {
    order: "PRICE_ASC",
    key: PRICE,
    keyText: Prisma.sql`${PRICE}::text`,
    keyCast: Prisma.raw("::numeric"),
    keyPattern: DECIMAL_TEXT,
    keyDescending: false,
    nullable: false,
    idDescending: false,
  },
  PRICE_DESC: {
    order: "PRICE_DESC",
    key: PRICE,
    keyText: Prisma.sql`${PRICE}::text`,
    keyCast: Prisma.raw("::numeric"),
    keyPattern: DECIMAL_TEXT,
    keyDescending: true,
    nullable: false,
    idDescending: true,
  },
};

/** RELEVANCE without a search has nothing to rank by: it means NEWEST. */
export function effectiveOrder(
  requested: MarketplaceOrder | null | undefined,
  filter: MarketplaceFilter,
): MarketplaceOrder {
  const searching = Boolean(searchText(filter));
  if (!requested) return searching ? "RELEVANCE" : "NEWEST";
  return requested === "RELEVANCE" && !searching ? "NEWEST" : requested;
}

export async function loadMarketplacePage(
  tx: RequestTransactionClient,
  filter: MarketplaceFilter,
  order: MarketplaceOrder,
  page: PageRequest,
): Promise<MarketplacePage> {
  const spec = SORTS[order];
  const conditions = filterConditions(filter);
  if (page.after !== null) conditions.push(afterPosition(spec, decodeCursor(page.after, spec)));
  if (page.before !== null) conditions.push(afterPosition(reversed(spec), decodeCursor(page.before, spec)));

  // A backward page is a forward page of the reversed ordering, turned round.
  const scan = page.direction === "backward" ? reversed(spec) : spec;
  const rows = await tx.$queryRaw<{ id: string; key: string | null }[]>`
    select mp.id::text as id, ${spec.keyText} as key
      from marketplace_products mp${searchSource(filter)}
     where ${where(conditions)}
     order by ${scan.key} ${direction(scan.keyDescending)}, mp.id ${direction(scan.idDescending)}
     limit ${page.size + 1}`;

  const hasMore = rows.length > page.size;
  const pageRows = rows
    .slice(0, page.size)
    .map((row) => ({ id: row.id, cursor: encodeCursor(order, row.key, row.id) }));
  if (page.direction === "backward") pageRows.reverse();
  return {
    rows: pageRows,
    hasNextPage: page.direction === "forward" ? hasMore : page.before !== null,
    hasPreviousPage: page.direction === "backward" ? hasMore : page.after !== null,
  };
}

/** Matching rows regardless of the page: the connection's totalCount. */
export async function countMarketplace(
  tx: RequestTransactionClient,
  filter: MarketplaceFilter,
): Promise<number> {
  const [row] = await tx.$queryRaw<{ count: number }[]>`
    select count(*)::int as count
      from marketplace_products mp${searchSource(filter)}
     where ${where(filterConditions(filter))}`;
  return row?.count ?? 0;
}

// ---------------------------------------------------------------- filters

function searchText(filter: MarketplaceFilter): string | null {
  const text = filter.search?.trim();
  return text ? text : null;
}

/** websearch_to_tsquery accepts what people type ("wool -acrylic", quoted phrases) and never fails to parse. */
function searchSource(filter: MarketplaceFilter): Prisma.Sql {
  const text = searchText(filter);
  return text ? Prisma.sql`, websearch_to_tsquery('english', ${text}) as search_query` : Prisma.empty;
}

function filterConditions(filter: MarketplaceFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (searchText(filter)) {
    conditions.push(Prisma.sql`mp.search_vector @@ search_query`);
    // Under RLS the GIN index on search_vector cannot serve `@@` (not leakproof): for a search of
    // approved listings only, app.approved_listing_matches (018) reaches the matches through it, and
    // the condition above and the policies still decide every row.
    if (filter.visibility === "approved" || filter.status === "approved") {
      conditions.push(Prisma.sql`mp.id in (select app.approved_listing_matches(search_query))`);
    }
  }
  if (filter.category) conditions.push(Prisma.sql`mp.category = ${filter.category}`);
  // Buyers pay final_price, so that is what price filters mean.
  if (filter.minPrice) conditions.push(Prisma.sql`mp.final_price >= ${filter.minPrice.toFixed()}::numeric`);
  if (filter.maxPrice) conditions.push(Prisma.sql`mp.final_price <= ${filter.maxPrice.toFixed()}::numeric`);
  // Array overlap (any of the given values), served by the GIN indexes.
  if (filter.colors?.length) conditions.push(Prisma.sql`mp.colors && ${[...filter.colors]}::text[]`);
  if (filter.sizes?.length) conditions.push(Prisma.sql`mp.sizes && ${[...filter.sizes]}::text[]`);
  if (filter.supplierId) conditions.push(Prisma.sql`mp.supplier_id = ${filter.supplierId}::uuid`);
  if (filter.featured != null) conditions.push(Prisma.sql`mp.is_featured = ${filter.featured}`);
  // Narrows what RLS allows; it can never widen it.
  if (filter.status) conditions.push(Prisma.sql`mp.status = ${filter.status}::listing_status`);
  // The policies (select_approved, select_own) as the query's own condition.
  if (filter.visibility === "approved") conditions.push(Prisma.sql`mp.status = 'approved'`);
  if (filter.visibility === "approvedOrOwn") {
    conditions.push(
      Prisma.sql`(mp.status = 'approved' or mp.supplier_id = (select app.current_supplier_id()))`,
    );
  }
  return conditions;
}

function where(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length > 0 ? Prisma.join(conditions, " and ") : Prisma.sql`true`;
}

// ---------------------------------------------------------------- keyset

interface Position {
  key: string | null;
  id: string;
}

function direction(descending: boolean): Prisma.Sql {
  return Prisma.raw(descending ? "desc" : "asc");
}

function reversed(spec: SortSpec): SortSpec {
  // Postgres' default NULL placement (largest) stays consistent when reversed.
  return { ...spec, keyDescending: !spec.keyDescending, idDescending: !spec.idDescending };
}

/** Rows strictly after `position` in the ordering `spec`. */
function afterPosition(spec: SortSpec, position: Position): Prisma.Sql {
  const idBeyond = spec.idDescending
    ? Prisma.sql`mp.id < ${position.id}::uuid`
    : Prisma.sql`mp.id > ${position.id}::uuid`;
  if (position.key === null) {
    // NULL keys sort last ascending, first descending.
    return spec.keyDescending
      ? Prisma.sql`(${spec.key} is not null or ${idBeyond})`
      : Prisma.sql`(${spec.key} is null and ${idBeyond})`;
  }
  const key = Prisma.sql`${position.key}${spec.keyCast}`;
  const keyBeyond = spec.keyDescending ? Prisma.sql`${spec.key} < ${key}` : Prisma.sql`${spec.key} > ${key}`;
  const nullsBeyond =
    spec.nullable && !spec.keyDescending ? Prisma.sql` or ${spec.key} is null` : Prisma.empty;
  return Prisma.sql`(${keyBeyond} or (${spec.key} = ${key} and ${idBeyond})${nullsBeyond})`;
}

// ---------------------------------------------------------------- cursors

const CURSOR_VERSION = "mp1";

/** Opaque to clients; names its ordering so a cursor of another ordering is refused, not misread. */
function encodeCursor(order: MarketplaceOrder, key: string | null, id: string): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, order, key, id])).toString("base64url");
}

function decodeCursor(cursor: string, spec: SortSpec): Position {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== CURSOR_VERSION) throw invalidCursor();
  const [, order, key, id] = parsed as [string, unknown, unknown, unknown];
  if (order !== spec.order) {
    throw badUserInput(`This cursor belongs to the ${String(order)} ordering; page with the same orderBy.`, {
      argument: "after",
    });
  }
  const keyValid = key === null ? spec.nullable : typeof key === "string" && spec.keyPattern.test(key);
  if (!keyValid || typeof id !== "string" || !isUuid(id)) throw invalidCursor();
  return { key: key as string | null, id };
}

function invalidCursor() {
  return badUserInput("The cursor is not valid for this connection.");
}
