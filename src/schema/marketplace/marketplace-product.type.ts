import { builder } from "../../builder";
import { ListingStatus as ListingStatusValues } from "../../generated/prisma/enums";
import { prismaEnum } from "../../graphql/prisma-enum";
import { uuidNode } from "../../graphql/node-id";

export const ListingStatus = prismaEnum("ListingStatus", ListingStatusValues);

/**
 * A marketplace listing. Which rows a caller sees is decided by Postgres
 * (RLS: anonymous callers see approved listings only); this type only shapes
 * them. Select mode: a page loads the columns the query asks for, not all 50.
 * Money and percentages are numeric(…, 2) columns, sent as strings with two
 * decimals ("12.50", never 12.5).
 */
export const MarketplaceProduct = builder.prismaNode("MarketplaceProduct", {
  ...uuidNode,
  fields: (t) => ({
    slug: t.exposeString("slug"),
    title: t.exposeString("title"),
    description: t.exposeString("description", { nullable: true }),
    category: t.exposeString("category"),
    subcategory: t.exposeString("subcategory", { nullable: true }),
    productType: t.exposeString("productType"),
    basePrice: t.expose("basePrice", { type: "Decimal", description: "The supplier's price per unit." }),
    platformFeePercentage: t.expose("platformFeePercentage", { type: "Decimal" }),
    platformFeeAmount: t.expose("platformFeeAmount", {
      type: "Decimal",
      description: "round(basePrice × platformFeePercentage / 100, 2), computed by the database.",
    }),
    finalPrice: t.expose("finalPrice", {
      type: "Decimal",
      description: "What a buyer pays per unit: basePrice + platformFeeAmount, computed by the database.",
    }),
    stockQuantity: t.exposeInt("stockQuantity"),
    reservedQuantity: t.exposeInt("reservedQuantity"),
    availableQuantity: t.exposeInt("availableQuantity", {
      description: "stockQuantity − reservedQuantity, computed by the database.",
    }),
    moq: t.exposeInt("moq", { description: "Minimum order quantity." }),
    unit: t.exposeString("unit"),
    images: t.expose("images", { type: ["URL"] }),
    primaryImage: t.expose("primaryImage", { type: "URL", nullable: true }),
    videoUrl: t.expose("videoUrl", { type: "URL", nullable: true }),
    sizes: t.exposeStringList("sizes"),
    colors: t.exposeStringList("colors"),
    material: t.exposeString("material", { nullable: true }),
    gsm: t.exposeInt("gsm", { nullable: true, description: "Fabric weight in grams per square metre." }),
    fabricComposition: t.exposeString("fabricComposition", { nullable: true }),
    attributes: t.expose("attributes", {
      type: "JSON",
      description: 'Free-form specifications, e.g. {"color":"Gold"}.',
    }),
    leadTimeDays: t.exposeInt("leadTimeDays", { nullable: true }),
    shippingFrom: t.exposeString("shippingFrom", { nullable: true }),
    status: t.expose("status", { type: ListingStatus }),
    isFeatured: t.exposeBoolean("isFeatured"),
    rating: t.expose("rating", { type: "Decimal", nullable: true }),
    views: t.exposeInt("views"),
    sales: t.exposeInt("sales"),
    publishedAt: t.expose("publishedAt", { type: "DateTime", nullable: true }),
    approvalDate: t.expose("approvalDate", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    supplier: t.relation("supplier", {
      // A listing can outlive its supplier's verification; RLS then hides the supplier.
      nullable: true,
      description: "null when the supplier is not publicly visible (for example, suspended).",
    }),
  }),
});

/**
 * One connection type for every list of listings (the marketplace, a
 * supplier's listings), so clients reuse one fragment.
 */
export const MarketplaceProductConnection = builder.connectionObject(
  {
    type: MarketplaceProduct,
    name: "MarketplaceProductConnection",
  },
  { name: "MarketplaceProductEdge" },
);
