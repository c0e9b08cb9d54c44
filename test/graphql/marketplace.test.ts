import { encodeGlobalID } from "@pothos/plugin-relay";
import { createTestDatabase, type TestDatabase, withAdminClient } from "../helpers/database";
import {
  type MarketplaceProductFilter,
  type MarketplaceProductOrder,
  MarketplaceProductBySlugDocument,
  MarketplaceProductsDocument,
  type MarketplaceProductsQuery,
  NodeByIdDocument,
  NodesByIdsDocument,
} from "../generated/graphql";
import { type ApiServer, dataOf, startApiServer } from "./harness";
import { type InsertedScenario, LISTINGS, bulkListings, insertScenario } from "./marketplace.scenario";

/**
 * marketplaceProducts, marketplaceProduct and node() as an anonymous caller,
 * over HTTP, against listings of every status. What the database computed
 * (read as the migrator, past RLS) is the oracle; RLS decides visibility.
 */

type Connection = MarketplaceProductsQuery["marketplaceProducts"];
type Listing = Connection["edges"][number]["node"];

interface SqlListing {
  id: string;
  slug: string;
  status: string;
  category: string;
  final_price: string;
  platform_fee_amount: string;
  available_quantity: number;
  approval_date: string | null;
  is_featured: boolean;
  supplier_id: string;
  colors: string[];
  sizes: string[];
}

const BULK = bulkListings(25);

let db: TestDatabase;
let api: ApiServer;
let scenario: InsertedScenario;
let sqlListings: SqlListing[];
let visible: SqlListing[];

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    scenario = await insertScenario(client, [...LISTINGS, ...BULK]);
    const { rows } = await client.query<SqlListing>(
      `select id::text, slug, status::text, category, final_price::text, platform_fee_amount::text, available_quantity,
              approval_date::text, is_featured, supplier_id::text, colors, sizes
         from marketplace_products`,
    );
    sqlListings = rows;
  });
  // The one policy anonymous callers have: approved listings.
  visible = sqlListings.filter((listing) => listing.status === "approved");
  api = await startApiServer(db);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

async function listAll(
  options: { filter?: MarketplaceProductFilter; orderBy?: MarketplaceProductOrder; pageSize?: number } = {},
): Promise<{ slugs: string[]; nodes: Listing[]; totalCounts: number[]; pages: number }> {
  const nodes: Listing[] = [];
  const totalCounts: number[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const response = await api.graphql(MarketplaceProductsDocument, {
      first: options.pageSize ?? 100,
      after,
      filter: options.filter,
      orderBy: options.orderBy,
    });
    const connection: Connection = dataOf(response).marketplaceProducts;
    pages += 1;
    totalCounts.push(connection.totalCount);
    nodes.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
    if (pages > 50) throw new Error("pagination does not end");
  }
  return { slugs: nodes.map((node) => node.slug), nodes, totalCounts, pages };
}

const slugsOf = (listings: SqlListing[]) => listings.map((listing) => listing.slug).sort();
const sorted = (slugs: string[]) => [...slugs].sort();
const cents = (decimal: string) => Math.round(Number(decimal) * 100);

describe("visibility (RLS decides)", () => {
  test("anonymous callers see exactly the approved listings", async () => {
    const { slugs, totalCounts } = await listAll();
    expect(visible.length).toBeGreaterThan(0);
    expect(sorted(slugs)).toEqual(slugsOf(visible));
    expect(totalCounts[0]).toBe(visible.length);
    for (const hidden of [
      "draft-merino-beanie",
      "pending-wool-socks",
      "rejected-wool-gloves",
      "archived-wool-vest",
    ]) {
      expect(slugs).not.toContain(hidden);
    }
    // The trigger turned the fully reserved listing into sold_out: not public either.
    expect(sqlListings.find((listing) => listing.slug === "sold-out-wool-poncho")?.status).toBe("sold_out");
    expect(slugs).not.toContain("sold-out-wool-poncho");
  });

  test("a status filter narrows what RLS allows and never widens it", async () => {
    expect((await listAll({ filter: { status: "DRAFT" } })).slugs).toEqual([]);
    expect((await listAll({ filter: { status: "PENDING_APPROVAL" } })).slugs).toEqual([]);
    expect(sorted((await listAll({ filter: { status: "APPROVED" } })).slugs)).toEqual(slugsOf(visible));
  });

  test("marketplaceProduct(slug) returns an approved listing and null for a draft or an unknown slug", async () => {
    const approved = dataOf(
      await api.graphql(MarketplaceProductBySlugDocument, { slug: "merino-crew-sweater" }),
    );
    expect(approved.marketplaceProduct?.title).toBe("Merino wool crew sweater");
    expect(approved.marketplaceProduct?.supplier?.companyName).toBe("Andes Knitworks");

    for (const slug of ["draft-merino-beanie", "pending-wool-socks", "no-such-listing"]) {
      const response = await api.graphql(MarketplaceProductBySlugDocument, { slug });
      expect(response.errors).toBeUndefined();
      expect(response.data?.marketplaceProduct).toBeNull();
    }
  });

  test("a listing whose supplier is not public shows no supplier", async () => {
    const { marketplaceProduct } = dataOf(
      await api.graphql(MarketplaceProductBySlugDocument, { slug: "silk-tie" }),
    );
    expect(marketplaceProduct?.slug).toBe("silk-tie");
    expect(marketplaceProduct?.supplier).toBeNull();
  });
});

describe("fields", () => {
  test("generated columns come back exactly as SQL computed them, money as 2-decimal strings", async () => {
    const { nodes } = await listAll();
    for (const node of nodes) {
      const row = sqlListings.find((listing) => listing.slug === node.slug)!;
      expect(node.finalPrice).toBe(row.final_price);
      expect(node.platformFeeAmount).toBe(row.platform_fee_amount);
      expect(node.availableQuantity).toBe(row.available_quantity);
      expect(node.finalPrice).toMatch(/^\d+\.\d{2}$/);
      // finalPrice = basePrice + platformFeeAmount, to the cent.
      expect(cents(node.finalPrice)).toBe(cents(node.basePrice) + cents(node.platformFeeAmount));
      expect(node.availableQuantity).toBe(node.stockQuantity - node.reservedQuantity);
    }
    const scarf = nodes.find((node) => node.slug === "alpaca-scarf")!;
    expect(scarf.platformFeePercentage).toBe("12.50");
  });

  test("a listing exposes its contract fields with the right types", async () => {
    const { marketplaceProduct } = dataOf(
      await api.graphql(MarketplaceProductBySlugDocument, { slug: "merino-crew-sweater" }),
    );
    const listing = marketplaceProduct!;
    expect(listing).toMatchObject({
      slug: "merino-crew-sweater",
      category: "Knitwear",
      productType: "apparel",
      basePrice: "45.55",
      status: "APPROVED",
      isFeatured: true,
      colors: ["Navy", "Gray"],
      sizes: ["M", "L"],
      images: ["https://img.example.test/merino-crew-sweater.jpg"],
      attributes: { origin: "Knitwear" },
      unit: "pieces",
      moq: 1,
    });
    expect(new Date(listing.approvalDate!).toISOString()).toBe(listing.approvalDate);
    expect(listing.supplier).toMatchObject({
      companyName: "Andes Knitworks",
      country: "PE",
      verificationStatus: "VERIFIED",
      tier: "STANDARD",
      rating: "4.25",
      onTimeDeliveryRate: "96.50",
    });
  });
});

describe("filters", () => {
  const expectFilter = async (
    filter: MarketplaceProductFilter,
    predicate: (listing: SqlListing) => boolean,
  ) => {
    const expected = slugsOf(visible.filter(predicate));
    expect(expected.length).toBeGreaterThan(0);
    const { slugs, totalCounts } = await listAll({ filter });
    expect(sorted(slugs)).toEqual(expected);
    expect(totalCounts[0]).toBe(expected.length);
  };

  test("category", async () => {
    await expectFilter({ category: "Shirts" }, (listing) => listing.category === "Shirts");
  });

  test("price range on finalPrice, inclusive at both ends", async () => {
    const sweater = visible.find((listing) => listing.slug === "merino-crew-sweater")!;
    // maxPrice equal to a finalPrice (not its basePrice) keeps that listing.
    await expectFilter(
      { minPrice: "20", maxPrice: sweater.final_price },
      (listing) =>
        cents(listing.final_price) >= 2000 && cents(listing.final_price) <= cents(sweater.final_price),
    );
    await expectFilter({ minPrice: "50.00" }, (listing) => cents(listing.final_price) >= 5000);
  });

  test("colors and sizes match any of the given values", async () => {
    await expectFilter({ colors: ["Gray"] }, (listing) => listing.colors.includes("Gray"));
    await expectFilter({ colors: ["Cream", "White"] }, (listing) =>
      listing.colors.some((c) => ["Cream", "White"].includes(c)),
    );
    await expectFilter({ sizes: ["XL", "S"] }, (listing) =>
      listing.sizes.some((s) => ["XL", "S"].includes(s)),
    );
  });

  test("supplierId takes the Supplier's global id", async () => {
    const baltic = scenario.supplierIds["baltic"]!;
    await expectFilter(
      { supplierId: encodeGlobalID("Supplier", baltic) },
      (listing) => listing.supplier_id === baltic,
    );
  });

  test("featured", async () => {
    await expectFilter({ featured: true }, (listing) => listing.is_featured);
    await expectFilter({ featured: false }, (listing) => !listing.is_featured);
  });

  test("conditions combine", async () => {
    await expectFilter(
      { category: "Shirts", colors: ["Black"], maxPrice: "20" },
      (listing) =>
        listing.category === "Shirts" &&
        listing.colors.includes("Black") &&
        cents(listing.final_price) <= 2000,
    );
  });

  test("full-text search finds public matches only, best match first", async () => {
    const matching = await withAdminClient(db.adminUrl, async (client) => {
      const { rows } = await client.query<{ slug: string }>(
        `select slug from marketplace_products
          where status = 'approved' and search_vector @@ websearch_to_tsquery('english', 'merino')`,
      );
      return rows.map((row) => row.slug).sort();
    });
    const { slugs } = await listAll({ filter: { search: "merino" } });
    expect(sorted(slugs)).toEqual(matching);
    expect(slugs).not.toContain("draft-merino-beanie");
    // "merino" in the title (weight A) outranks "merino" in the description (weight C).
    expect(slugs).toEqual(["merino-crew-sweater", "chunky-cardigan"]);
  });

  test("search stems words and applies the other filters too", async () => {
    const { slugs } = await listAll({ filter: { search: "sweaters", category: "Knitwear" } });
    expect(slugs).toEqual(["merino-crew-sweater"]);
  });

  test("supplierId of another type, a malformed id, a float price and an overlong search are refused", async () => {
    const wrongType = await api.graphql(MarketplaceProductsDocument, {
      filter: { supplierId: encodeGlobalID("MarketplaceProduct", scenario.listingIds["linen-shirt"]!) },
    });
    expect(wrongType.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const malformed = await api.graphql(MarketplaceProductsDocument, {
      filter: { supplierId: encodeGlobalID("Supplier", "42") },
    });
    expect(malformed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const float = await api.graphql(MarketplaceProductsDocument, {
      filter: { minPrice: 12.5 as unknown as string },
    });
    expect(float.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const long = await api.graphql(MarketplaceProductsDocument, { filter: { search: "x".repeat(201) } });
    expect(long.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("ordering", () => {
  test("PRICE_ASC and PRICE_DESC order by finalPrice", async () => {
    const ascending = (await listAll({ orderBy: "PRICE_ASC" })).nodes.map((node) => cents(node.finalPrice));
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    const descending = (await listAll({ orderBy: "PRICE_DESC" })).nodes.map((node) => cents(node.finalPrice));
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
  });

  test("NEWEST (the default without a search) orders by approval, most recent first", async () => {
    const newest = await listAll({ orderBy: "NEWEST" });
    const byDefault = await listAll();
    expect(byDefault.slugs).toEqual(newest.slugs);
    const instants = newest.nodes.map((node) => Date.parse(node.approvalDate!));
    expect(instants).toEqual([...instants].sort((a, b) => b - a));
  });

  test("RELEVANCE is the default with a search; without one it means NEWEST", async () => {
    const relevance = await listAll({ filter: { search: "wool" }, orderBy: "RELEVANCE" });
    const byDefault = await listAll({ filter: { search: "wool" } });
    expect(byDefault.slugs).toEqual(relevance.slugs);
    expect((await listAll({ orderBy: "RELEVANCE" })).slugs).toEqual(
      (await listAll({ orderBy: "NEWEST" })).slugs,
    );
  });
});

describe("pagination", () => {
  const orderings: { orderBy?: MarketplaceProductOrder; filter?: MarketplaceProductFilter }[] = [
    { orderBy: "NEWEST" },
    { orderBy: "PRICE_ASC" },
    { orderBy: "PRICE_DESC" },
    { orderBy: "RELEVANCE", filter: { search: "knit" } },
  ];

  test.each(orderings)("forward pages of 4 have no duplicates or gaps (%o)", async ({ orderBy, filter }) => {
    const whole = await listAll({ orderBy, filter, pageSize: 100 });
    expect(whole.pages).toBe(1);
    const paged = await listAll({ orderBy, filter, pageSize: 4 });
    expect(paged.pages).toBe(Math.ceil(whole.slugs.length / 4));
    expect(new Set(paged.slugs).size).toBe(paged.slugs.length);
    expect(paged.slugs).toEqual(whole.slugs);
    // totalCount counts the whole result on every page.
    expect(new Set(paged.totalCounts)).toEqual(new Set([whole.slugs.length]));
  });

  test("backward pages (last/before) return the same sequence", async () => {
    const forward = (await listAll({ orderBy: "PRICE_ASC" })).slugs;
    const backward: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 50; page++) {
      const connection: Connection = dataOf(
        await api.graphql(MarketplaceProductsDocument, { last: 5, before, orderBy: "PRICE_ASC" }),
      ).marketplaceProducts;
      backward.unshift(...connection.edges.map((edge) => edge.node.slug));
      if (!connection.pageInfo.hasPreviousPage) break;
      before = connection.pageInfo.startCursor;
    }
    expect(backward).toEqual(forward);
  });

  test("pageInfo and cursors describe the page", async () => {
    const first = dataOf(await api.graphql(MarketplaceProductsDocument, { first: 3 })).marketplaceProducts;
    expect(first.edges).toHaveLength(3);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.startCursor).toBe(first.edges[0]!.cursor);
    expect(first.pageInfo.endCursor).toBe(first.edges[2]!.cursor);

    // A cursor is opaque and stable: the same position gives the same cursor.
    const again = dataOf(await api.graphql(MarketplaceProductsDocument, { first: 3 })).marketplaceProducts;
    expect(again.edges.map((edge) => edge.cursor)).toEqual(first.edges.map((edge) => edge.cursor));

    const second = dataOf(
      await api.graphql(MarketplaceProductsDocument, { first: 3, after: first.pageInfo.endCursor }),
    ).marketplaceProducts;
    expect(second.pageInfo.hasPreviousPage).toBe(true);
  });

  test("first or last above 100 is refused with BAD_USER_INPUT; 100 is fine", async () => {
    for (const variables of [{ first: 101 }, { last: 101 }, { first: -1 }]) {
      const response = await api.graphql(MarketplaceProductsDocument, variables);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
    const tooMany = await api.graphql(MarketplaceProductsDocument, { first: 101 });
    expect(tooMany.errors?.[0]?.message).toMatch(/at most 100/);
    expect(
      dataOf(await api.graphql(MarketplaceProductsDocument, { first: 100 })).marketplaceProducts.edges.length,
    ).toBe(Math.min(100, visible.length));
  });

  test("a garbled cursor, or one from another ordering, is BAD_USER_INPUT", async () => {
    const garbled = await api.graphql(MarketplaceProductsDocument, { first: 2, after: "not-a-cursor" });
    expect(garbled.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const page = dataOf(
      await api.graphql(MarketplaceProductsDocument, { first: 2, orderBy: "NEWEST" }),
    ).marketplaceProducts;
    const mixed = await api.graphql(MarketplaceProductsDocument, {
      first: 2,
      after: page.pageInfo.endCursor,
      orderBy: "PRICE_ASC",
    });
    expect(mixed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("node(id)", () => {
  test("resolves a MarketplaceProduct and a Supplier (with its visible listings)", async () => {
    const listingId = encodeGlobalID("MarketplaceProduct", scenario.listingIds["linen-shirt"]!);
    const listing = dataOf(await api.graphql(NodeByIdDocument, { id: listingId })).node;
    expect(listing).toMatchObject({ __typename: "MarketplaceProduct", id: listingId, slug: "linen-shirt" });

    const supplierId = encodeGlobalID("Supplier", scenario.supplierIds["andes"]!);
    const supplier = dataOf(await api.graphql(NodeByIdDocument, { id: supplierId })).node;
    expect(supplier?.__typename).toBe("Supplier");
    if (supplier?.__typename !== "Supplier") throw new Error("not a supplier");
    const andes = visible.filter((row) => row.supplier_id === scenario.supplierIds["andes"]);
    expect(supplier.companyName).toBe("Andes Knitworks");
    expect(supplier.marketplaceProducts.totalCount).toBe(andes.length);
    expect(sorted(supplier.marketplaceProducts.edges.map((edge) => edge.node.slug))).toEqual(slugsOf(andes));
  });

  test("the ids in a page are node ids", async () => {
    const page = dataOf(await api.graphql(MarketplaceProductsDocument, { first: 2 })).marketplaceProducts;
    const ids = page.edges.map((edge) => edge.node.id);
    const { nodes } = dataOf(await api.graphql(NodesByIdsDocument, { ids }));
    expect(nodes.map((node) => node?.id)).toEqual(ids);
  });

  test("hidden rows read as null; malformed ids are BAD_USER_INPUT", async () => {
    for (const id of [
      encodeGlobalID("MarketplaceProduct", scenario.listingIds["draft-merino-beanie"]!),
      encodeGlobalID("Supplier", scenario.supplierIds["shadow"]!),
    ]) {
      const response = await api.graphql(NodeByIdDocument, { id });
      expect(response.errors).toBeUndefined();
      expect(response.data?.node).toBeNull();
    }
    for (const id of [
      "garbage",
      encodeGlobalID("Invoice", scenario.listingIds["linen-shirt"]!),
      encodeGlobalID("Supplier", "1"),
    ]) {
      const response = await api.graphql(NodeByIdDocument, { id });
      expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });
});
