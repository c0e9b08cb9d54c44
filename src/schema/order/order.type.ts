import { builder } from "../../builder";
import { Prisma } from "../../generated/prisma/client";
import { uuidNode } from "../../graphql/node-id";
import { PublicProfile, publicProfileLoader } from "../user/public-profile";
import { orderAmountLoader } from "./order-amounts";
import { OrderStatus, PaymentStatus, PaymentTransactionStatus } from "./order-enums";
import { PaymentKind as PaymentKindValues } from "../../generated/prisma/enums";
import { prismaEnum } from "../../graphql/prisma-enum";
import { STAGE_NAMES } from "../../services/production-stages";
import { ProductionStage } from "./production-stage.type";

/**
 * A buyer's order and what hangs off it. Which orders a caller sees is
 * decided by Postgres (RLS: a buyer their own, a supplier those it works on,
 * admins all); these types only shape the rows. Select mode everywhere: the
 * request roles may not read every column (total_amount comes through the
 * database's narrowed function), and tracking_token, the public link's
 * secret, is never selected here.
 *
 * API keys need the `orders:read` scope for any of these types.
 */

/** Children of an order come in a stable order, so pages and snapshots agree. */
const SUPPLIER_ORDERS_ORDER = [{ createdAt: "asc" }, { id: "asc" }] as const;

export interface StageProgressShape {
  stageNumber: number;
  completionPercentage: Prisma.Decimal;
}

const StageProgress = builder.objectRef<StageProgressShape>("StageProgress").implement({
  description: "One stage's completion, averaged over the order's active supplier orders.",
  fields: (t) => ({
    stageNumber: t.exposeInt("stageNumber"),
    stageName: t.string({ resolve: (progress) => STAGE_NAMES[progress.stageNumber - 1] ?? "" }),
    completionPercentage: t.field({
      type: "Decimal",
      description: "0.00 to 100.00.",
      resolve: (progress) => progress.completionPercentage,
    }),
  }),
});

/** orders.stage_progress ({"1": 100, "2": 37.5, …}, kept by a trigger) as a sorted list. */
export function stageProgressList(progress: unknown): StageProgressShape[] {
  if (!progress || typeof progress !== "object" || Array.isArray(progress)) return [];
  return Object.entries(progress as Record<string, unknown>)
    .filter(([stage, pct]) => /^[1-8]$/.test(stage) && (typeof pct === "number" || typeof pct === "string"))
    .map(([stage, pct]) => ({
      stageNumber: Number(stage),
      // An average of the supplier orders: rounded to the column scale.
      completionPercentage: new Prisma.Decimal(pct as number | string).toDecimalPlaces(2),
    }))
    .sort((a, b) => a.stageNumber - b.stageNumber);
}

export const Order = builder.prismaNode("Order", {
  ...uuidNode,
  authScopes: { apiScope: "orders:read" },
  fields: (t) => ({
    orderNumber: t.exposeString("orderNumber", { description: "Human-readable, e.g. LL-2026-000123." }),
    status: t.expose("status", { type: OrderStatus }),
    paymentStatus: t.expose("paymentStatus", { type: PaymentStatus }),
    productType: t.exposeString("productType"),
    quantity: t.exposeInt("quantity"),
    notes: t.exposeString("notes", { nullable: true }),
    totalAmount: t.field({
      type: "Decimal",
      nullable: true,
      description: "What the buyer pays: the buyer and admins only (null for suppliers).",
      resolve: (order, _args, context) => orderAmountLoader(context).load(order.id),
    }),
    currency: t.exposeString("currency", { description: "ISO 4217." }),
    targetDate: t.expose("targetDate", { type: "Date", nullable: true }),
    expectedDeliveryDate: t.expose("expectedDeliveryDate", { type: "Date", nullable: true }),
    actualDeliveryDate: t.expose("actualDeliveryDate", { type: "Date", nullable: true }),
    cancellationReason: t.exposeString("cancellationReason", { nullable: true }),
    currentStage: t.exposeInt("currentStage", {
      nullable: true,
      description: "The lowest production stage (1–8) not yet completed; null before production.",
    }),
    stageProgress: t.field({
      type: [StageProgress],
      description: "Per-stage completion, stage 1 first; empty before production.",
      select: { stageProgress: true },
      resolve: (order) => stageProgressList(order.stageProgress),
    }),
    version: t.exposeInt("version", {
      description: "Optimistic locking: name it as expectedVersion when changing the order.",
    }),
    buyer: t.field({
      type: PublicProfile,
      nullable: true,
      description: "The buyer's public profile; null when the caller may not see it.",
      select: { buyerId: true },
      resolve: (order, _args, context) =>
        order.buyerId ? publicProfileLoader(context).load(order.buyerId) : null,
    }),
    supplier: t.relation("supplier", {
      nullable: true,
      description: "The assigned supplier; null before assignment or when the caller may not see it.",
    }),
    supplierOrders: t.relation("supplierOrders", {
      description: "The supplier orders the caller may see, oldest first.",
      query: { orderBy: [...SUPPLIER_ORDERS_ORDER] },
    }),
    productionStages: t.field({
      type: [ProductionStage],
      description:
        "Every production stage of the order's supplier orders (supplier order by supplier order, stage 1 first).",
      // Loaded with the order by Prisma (one statement for a whole page), not per order.
      select: (_args, _context, nestedSelection) => ({
        supplierOrders: {
          orderBy: [...SUPPLIER_ORDERS_ORDER],
          select: { productionStages: nestedSelection({ orderBy: { stageNumber: "asc" } }) },
        },
      }),
      resolve: (order) => order.supplierOrders.flatMap((supplierOrder) => supplierOrder.productionStages),
    }),
    statusHistory: t.relation("statusHistory", {
      description: "Status changes, oldest first (written by the database, append-only).",
      query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    }),
    items: t.relation("items", { query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } }),
    payments: t.relation("payments", {
      description: "Payments of the order (buyers and admins; empty for suppliers).",
      query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const OrderStatusHistory = builder.prismaNode("OrderStatusHistory", {
  ...uuidNode,
  authScopes: { apiScope: "orders:read" },
  fields: (t) => ({
    fromStatus: t.expose("fromStatus", { type: OrderStatus, nullable: true }),
    toStatus: t.expose("toStatus", { type: OrderStatus }),
    note: t.exposeString("note", { nullable: true }),
    changedBy: t.expose("changedBy", {
      type: "UUID",
      nullable: true,
      description: "The user who made the change; null for changes by the system.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    order: t.relation("order", { nullable: true }),
  }),
});

export const OrderItem = builder.prismaNode("OrderItem", {
  ...uuidNode,
  authScopes: { apiScope: "orders:read" },
  fields: (t) => ({
    description: t.exposeString("description"),
    quantity: t.exposeInt("quantity"),
    unitPrice: t.expose("unitPrice", { type: "Decimal" }),
    lineTotal: t.expose("lineTotal", {
      type: "Decimal",
      description: "quantity × unitPrice, computed by the database.",
    }),
    customization: t.expose("customization", { type: "JSON" }),
    marketplaceProduct: t.relation("marketplaceProduct", {
      nullable: true,
      description: "The listing ordered; null for custom work or a listing no longer public.",
    }),
    order: t.relation("order", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

/** Money in (a payment) or out (a refund, a row of its own: sql/migrations/016). */
export const PaymentKind = prismaEnum("PaymentKind", PaymentKindValues);

export const Payment = builder.prismaNode("Payment", {
  ...uuidNode,
  authScopes: { apiScope: "orders:read" },
  fields: (t) => ({
    amount: t.expose("amount", { type: "Decimal" }),
    currency: t.exposeString("currency"),
    method: t.exposeString("method"),
    status: t.expose("status", { type: PaymentTransactionStatus }),
    providerReference: t.exposeString("providerReference", { nullable: true }),
    kind: t.expose("kind", {
      type: PaymentKind,
      description: "PAYMENT: money received; REFUND: money given back for `refundOf`.",
    }),
    refundOf: t.relation("refundedPayment", {
      nullable: true,
      description: "For a refund: the payment it gives back (null for a payment).",
    }),
    reason: t.exposeString("reason", { nullable: true, description: "For a refund: why." }),
    order: t.relation("order", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

/** Orders lists: one connection type, so clients reuse one fragment. */
export const OrderConnection = builder.connectionObject(
  {
    type: Order,
    name: "OrderConnection",
  },
  { name: "OrderEdge" },
);
