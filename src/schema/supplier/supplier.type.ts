import { builder } from "../../builder";
import { findByUuid } from "../node-id";
import { assertPageArgs } from "../connection-args";
import { MarketplaceProductConnection } from "../marketplace/marketplace-product.type";

export const VerificationStatus = builder.enumType("VerificationStatus", {
  values: {
    PENDING: { value: "pending" },
    VERIFIED: { value: "verified" },
    REJECTED: { value: "rejected" },
    SUSPENDED: { value: "suspended" },
  } as const,
});

export const SupplierTier = builder.enumType("SupplierTier", {
  values: {
    STANDARD: { value: "standard" },
    SILVER: { value: "silver" },
    GOLD: { value: "gold" },
    PLATINUM: { value: "platinum" },
  } as const,
});

/**
 * A supplier's public face. Select mode, never the default include: the
 * request roles may read only some columns of `suppliers` (column grants in
 * migration 006), and `select *` would be refused outright. The contact
 * fields (encrypted, readable only per DOMAIN.md) arrive with authentication.
 */
export const Supplier = builder.prismaNode("Supplier", {
  id: { resolve: (row) => row.id },
  findUnique: findByUuid,
  select: { id: true },
  // RLS hides unverified suppliers: a node lookup then answers null, not an error.
  nullable: true,
  fields: (t) => ({
    companyName: t.exposeString("companyName"),
    country: t.exposeString("country", { description: "ISO 3166-1 alpha-2 country code." }),
    city: t.exposeString("city", { nullable: true }),
    specializations: t.exposeStringList("specializations"),
    verificationStatus: t.expose("verificationStatus", { type: VerificationStatus }),
    tier: t.expose("tier", { type: SupplierTier }),
    rating: t.field({
      type: "Decimal",
      description: "Average rating, 0.00 to 5.00.",
      select: { rating: true },
      resolve: (supplier) => supplier.rating.toFixed(2),
    }),
    onTimeDeliveryRate: t.field({
      type: "Decimal",
      description: "Share of orders delivered on time, in percent (0.00 to 100.00).",
      select: { onTimeDeliveryRate: true },
      resolve: (supplier) => supplier.onTimeDeliveryRate.toFixed(2),
    }),
    leadTimeDays: t.exposeInt("leadTimeDays"),
    minimumOrderQuantity: t.exposeInt("minimumOrderQuantity"),
    marketplaceProducts: t.relatedConnection(
      "marketplaceProducts",
      {
        description: "The supplier's listings the caller may see, most recently created first.",
        cursor: "id",
        totalCount: true,
        query: (args) => {
          assertPageArgs(args);
          // A non-null sort key: Prisma's cursor paging compares the cursor row's
          // values, and a NULL (approval_date of a draft) would end the page early.
          return { orderBy: [{ createdAt: "desc" }, { id: "asc" }] };
        },
      },
      MarketplaceProductConnection,
    ),
  }),
});
