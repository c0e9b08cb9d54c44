import type pg from "pg";

/**
 * The marketplace scenario: suppliers and listings inserted as the migrator
 * (past RLS), the way a supplier and an admin review would leave them. The
 * tests read them back as an anonymous API caller. Values the database
 * computes (final price, fee amount, available quantity) are never written
 * here; tests compare the API with what SQL computed.
 */

export interface ScenarioSupplier {
  key: string;
  companyName: string;
  country: string;
  verificationStatus: "pending" | "verified" | "rejected" | "suspended";
}

export interface ScenarioListing {
  slug: string;
  supplier: string;
  title: string;
  description: string;
  category: string;
  material: string | null;
  basePrice: string;
  platformFeePercentage?: string;
  stock: number;
  reserved?: number;
  colors: string[];
  sizes: string[];
  status: "draft" | "pending_approval" | "approved" | "rejected" | "archived";
  featured?: boolean;
  /** Hours before the scenario's anchor; ties are deliberate. */
  approvedHoursAgo?: number;
}

export const SUPPLIERS: ScenarioSupplier[] = [
  { key: "andes", companyName: "Andes Knitworks", country: "PE", verificationStatus: "verified" },
  { key: "baltic", companyName: "Baltic Yarns", country: "LT", verificationStatus: "verified" },
  { key: "shadow", companyName: "Shadow Mills", country: "BD", verificationStatus: "suspended" },
];

export const LISTINGS: ScenarioListing[] = [
  {
    slug: "merino-crew-sweater",
    supplier: "andes",
    title: "Merino wool crew sweater",
    description: "Fine gauge crew neck for everyday wear",
    category: "Knitwear",
    material: "merino wool",
    basePrice: "45.55",
    stock: 100,
    reserved: 10,
    colors: ["Navy", "Gray"],
    sizes: ["M", "L"],
    status: "approved",
    featured: true,
    approvedHoursAgo: 24,
  },
  {
    slug: "chunky-cardigan",
    supplier: "andes",
    title: "Chunky cable cardigan",
    description: "Heavy knit in a soft merino blend",
    category: "Knitwear",
    material: "wool blend",
    basePrice: "80.00",
    stock: 40,
    colors: ["Cream"],
    sizes: ["S", "M"],
    status: "approved",
    approvedHoursAgo: 48,
  },
  {
    slug: "cotton-hoodie",
    supplier: "baltic",
    title: "Cotton fleece hoodie",
    description: "Brushed fleece, lined hood",
    category: "Hoodies",
    material: "cotton",
    basePrice: "30.00",
    stock: 60,
    colors: ["Black"],
    sizes: ["L", "XL"],
    status: "approved",
    approvedHoursAgo: 72,
  },
  {
    slug: "linen-shirt",
    supplier: "baltic",
    title: "Linen summer shirt",
    description: "Breathable linen, relaxed fit",
    category: "Shirts",
    material: "linen",
    basePrice: "22.50",
    stock: 35,
    colors: ["White"],
    sizes: ["M"],
    status: "approved",
    // Same approval instant as the hoodie: the id breaks the tie.
    approvedHoursAgo: 72,
  },
  {
    slug: "alpaca-scarf",
    supplier: "andes",
    title: "Alpaca scarf",
    description: "Brushed alpaca, fringed ends",
    category: "Accessories",
    material: "alpaca",
    basePrice: "15.99",
    platformFeePercentage: "12.50",
    stock: 200,
    colors: ["Gray", "Red"],
    sizes: ["One size"],
    status: "approved",
    featured: true,
    approvedHoursAgo: 96,
  },
  {
    slug: "organic-tee",
    supplier: "baltic",
    title: "Organic cotton tee",
    description: "Jersey tee in organic cotton",
    category: "Shirts",
    material: "cotton",
    basePrice: "9.99",
    stock: 100,
    reserved: 40,
    colors: ["White", "Black"],
    sizes: ["S", "M", "L"],
    status: "approved",
    approvedHoursAgo: 120,
  },
  {
    slug: "silk-tie",
    supplier: "shadow",
    title: "Silk tie",
    description: "Approved while its supplier was verified",
    category: "Accessories",
    material: "silk",
    basePrice: "12.00",
    stock: 15,
    colors: ["Red"],
    sizes: ["One size"],
    status: "approved",
    approvedHoursAgo: 144,
  },
  // Not public: every other status.
  {
    slug: "draft-merino-beanie",
    supplier: "andes",
    title: "Merino wool beanie",
    description: "Still a draft",
    category: "Accessories",
    material: "merino wool",
    basePrice: "14.00",
    stock: 10,
    colors: ["Gray"],
    sizes: ["One size"],
    status: "draft",
  },
  {
    slug: "pending-wool-socks",
    supplier: "andes",
    title: "Wool socks",
    description: "Awaiting review",
    category: "Accessories",
    material: "wool",
    basePrice: "8.00",
    stock: 10,
    colors: ["Gray"],
    sizes: ["M"],
    status: "pending_approval",
  },
  {
    slug: "rejected-wool-gloves",
    supplier: "baltic",
    title: "Wool gloves",
    description: "Rejected at review",
    category: "Accessories",
    material: "wool",
    basePrice: "11.00",
    stock: 10,
    colors: ["Gray"],
    sizes: ["M"],
    status: "rejected",
  },
  {
    slug: "archived-wool-vest",
    supplier: "baltic",
    title: "Wool vest",
    description: "No longer sold",
    category: "Knitwear",
    material: "wool",
    basePrice: "25.00",
    stock: 10,
    colors: ["Gray"],
    sizes: ["M"],
    status: "archived",
  },
  {
    // Approved with nothing available: the trigger makes it sold_out.
    slug: "sold-out-wool-poncho",
    supplier: "andes",
    title: "Wool poncho",
    description: "Every piece reserved",
    category: "Knitwear",
    material: "wool",
    basePrice: "55.00",
    stock: 5,
    reserved: 5,
    colors: ["Gray"],
    sizes: ["One size"],
    status: "approved",
    approvedHoursAgo: 12,
  },
];

/** Approved listings of one shape, with equal prices and approval instants: pagination's worst case. */
export function bulkListings(count: number): ScenarioListing[] {
  return Array.from({ length: count }, (_, index) => ({
    slug: `bulk-knit-${String(index).padStart(3, "0")}`,
    supplier: index % 2 === 0 ? "andes" : "baltic",
    title: `Basic knit ${index}`,
    description: "Stock basics",
    category: "Basics",
    material: "acrylic",
    // Four prices, four approval instants: many ties on each sort key.
    basePrice: ["10.00", "12.00", "12.00", "19.95"][index % 4]!,
    stock: 10 + index,
    colors: ["Olive"],
    sizes: ["M"],
    status: "approved",
    approvedHoursAgo: 200 + (index % 4),
  }));
}

export interface InsertedScenario {
  supplierIds: Record<string, string>;
  listingIds: Record<string, string>;
}

/**
 * Inserts the scenario. Approval instants carry microseconds (like now()
 * does), which a millisecond JavaScript Date cannot represent: cursors must
 * cope.
 */
export async function insertScenario(
  client: pg.Client,
  listings: ScenarioListing[],
): Promise<InsertedScenario> {
  const supplierIds: Record<string, string> = {};
  for (const supplier of SUPPLIERS) {
    const { rows } = await client.query<{ id: string }>(
      `insert into suppliers (company_name, country, city, verification_status, rating, on_time_delivery_rate, specializations)
       values ($1, $2, 'Testville', $3, 4.25, 96.5, '{knitwear}') returning id`,
      [supplier.companyName, supplier.country, supplier.verificationStatus],
    );
    supplierIds[supplier.key] = rows[0]!.id;
  }
  const listingIds: Record<string, string> = {};
  for (const listing of listings) {
    const { rows } = await client.query<{ id: string }>(
      `insert into marketplace_products
         (supplier_id, product_type, title, description, category, material, slug, base_price, platform_fee_percentage,
          stock_quantity, reserved_quantity, colors, sizes, status, is_featured, rejection_reason, approval_date,
          images, attributes)
       values ($1, 'apparel', $2, $3, $4, $5, $6, $7, coalesce($8::numeric, 10.00), $9, $10, $11, $12, $13::listing_status, $14,
               case when $13::listing_status = 'rejected' then 'Photos missing' end,
               case when $15::int is null then null
                    else date_trunc('hour', now()) - make_interval(hours => $15::int) + interval '0.123456 seconds' end,
               array['https://img.example.test/' || $6 || '.jpg'], jsonb_build_object('origin', $4::text))
       returning id`,
      [
        supplierIds[listing.supplier],
        listing.title,
        listing.description,
        listing.category,
        listing.material,
        listing.slug,
        listing.basePrice,
        listing.platformFeePercentage ?? null,
        listing.stock,
        listing.reserved ?? 0,
        listing.colors,
        listing.sizes,
        listing.status,
        listing.featured ?? false,
        listing.approvedHoursAgo ?? null,
      ],
    );
    listingIds[listing.slug] = rows[0]!.id;
  }
  return { supplierIds, listingIds };
}
