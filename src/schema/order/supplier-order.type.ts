import { builder } from "../../builder";
import { uuidNode } from "../../graphql/node-id";
import { AcceptanceStatus, SupplierOrderStatus } from "./order-enums";
import { supplierOrderPricesLoader } from "./supplier-order-prices";

/**
 * The part of an order one supplier makes. Buyers see the supplier orders of
 * their own orders, suppliers their own (RLS). The money fields follow the
 * column rule (DOMAIN.md): each resolves to null for a caller who may not
 * see it — read through the database's narrowed function, never the columns.
 */
export const SupplierOrder = builder.prismaNode("SupplierOrder", {
  ...uuidNode,
  authScopes: { apiScope: "orders:read" },
  fields: (t) => ({
    orderNumber: t.exposeString("orderNumber", { description: "e.g. SO-2026-000042." }),
    status: t.expose("status", { type: SupplierOrderStatus }),
    acceptanceStatus: t.expose("acceptanceStatus", { type: AcceptanceStatus }),
    productType: t.exposeString("productType"),
    quantity: t.exposeInt("quantity"),
    buyerPrice: t.field({
      type: "Decimal",
      nullable: true,
      description: "What the buyer pays for this part. null for suppliers.",
      resolve: async (so, _args, context) =>
        (await supplierOrderPricesLoader(context).load(so.id)).buyerPrice,
    }),
    supplierPrice: t.field({
      type: "Decimal",
      nullable: true,
      description: "What the supplier is paid. null for buyers.",
      resolve: async (so, _args, context) =>
        (await supplierOrderPricesLoader(context).load(so.id)).supplierPrice,
    }),
    margin: t.field({
      type: "Decimal",
      nullable: true,
      description: "buyerPrice − supplierPrice. Admins only; null for everyone else.",
      resolve: async (so, _args, context) => (await supplierOrderPricesLoader(context).load(so.id)).margin,
    }),
    counterOfferPrice: t.field({
      type: "Decimal",
      nullable: true,
      description: "The supplier's counter-offer (a supplier price): null for buyers.",
      resolve: async (so, _args, context) =>
        (await supplierOrderPricesLoader(context).load(so.id)).counterOfferPrice,
    }),
    counterOfferNotes: t.exposeString("counterOfferNotes", { nullable: true }),
    targetDate: t.expose("targetDate", { type: "Date", nullable: true }),
    acceptedAt: t.expose("acceptedAt", { type: "DateTime", nullable: true }),
    rejectedAt: t.expose("rejectedAt", { type: "DateTime", nullable: true }),
    rejectionReason: t.exposeString("rejectionReason", { nullable: true }),
    techPackUrls: t.expose("techPackUrls", { type: ["URL"] }),
    referenceImages: t.expose("referenceImages", { type: ["URL"] }),
    specialInstructions: t.exposeString("specialInstructions", { nullable: true }),
    supplier: t.relation("supplier", {
      nullable: true,
      description: "null when the caller may not see the supplier.",
    }),
    order: t.relation("buyerOrder", {
      nullable: true,
      description: "The buyer order this is part of; null when the caller may not see it.",
    }),
    productionStages: t.relation("productionStages", {
      description: "The eight stages (created on acceptance), stage 1 first.",
      query: { orderBy: { stageNumber: "asc" } },
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});
