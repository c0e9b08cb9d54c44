import { builder } from "../../builder";
import {
  VerificationStatus as VerificationStatusValues,
  SupplierTier as SupplierTierValues,
} from "../../generated/prisma/enums";
import { prismaEnum } from "../../graphql/prisma-enum";
import { uuidNode } from "../../graphql/node-id";
import { assertPageArgs } from "../../graphql/connection-args";
import { MarketplaceProductConnection } from "../marketplace/marketplace-product.type";
import { supplierContactLoader } from "./supplier-contact";

export const VerificationStatus = prismaEnum("VerificationStatus", VerificationStatusValues);

export const SupplierTier = prismaEnum("SupplierTier", SupplierTierValues);

/**
 * A supplier's public face. Select mode, never the default include: the
 * request roles may read only some columns of `suppliers` (column grants in
 * migration 006), and `select *` would be refused outright. The contact
 * fields are encrypted at rest and readable only as DOMAIN.md says (the
 * supplier itself, admins, buyers with an accepted order with it): they come
 * from the database's narrowed function, are decrypted here, and are null
 * for everyone else.
 */
export const Supplier = builder.prismaNode("Supplier", {
  ...uuidNode,
  fields: (t) => ({
    companyName: t.exposeString("companyName"),
    country: t.exposeString("country", { description: "ISO 3166-1 alpha-2 country code." }),
    city: t.exposeString("city", { nullable: true }),
    specializations: t.exposeStringList("specializations"),
    verificationStatus: t.expose("verificationStatus", { type: VerificationStatus }),
    tier: t.expose("tier", { type: SupplierTier }),
    rating: t.expose("rating", { type: "Decimal", description: "Average rating, 0.00 to 5.00." }),
    onTimeDeliveryRate: t.expose("onTimeDeliveryRate", {
      type: "Decimal",
      description: "Share of orders delivered on time, in percent (0.00 to 100.00).",
    }),
    leadTimeDays: t.exposeInt("leadTimeDays"),
    minimumOrderQuantity: t.exposeInt("minimumOrderQuantity"),
    contactEmail: t.field({
      type: "EmailAddress",
      nullable: true,
      description:
        "null unless the caller is this supplier, an admin, or a buyer with an accepted order with it.",
      resolve: async (supplier, _args, context) =>
        (await supplierContactLoader(context).load(supplier.id)).contactEmail,
    }),
    contactPhone: t.string({
      nullable: true,
      description: "Same visibility as contactEmail.",
      resolve: async (supplier, _args, context) =>
        (await supplierContactLoader(context).load(supplier.id)).contactPhone,
    }),
    address: t.string({
      nullable: true,
      description: "Same visibility as contactEmail.",
      resolve: async (supplier, _args, context) =>
        (await supplierContactLoader(context).load(supplier.id)).address,
    }),
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

/** Lists of suppliers: one connection type, so clients reuse one fragment. */
export const SupplierConnection = builder.connectionObject(
  {
    type: Supplier,
    name: "SupplierConnection",
  },
  { name: "SupplierEdge" },
);
