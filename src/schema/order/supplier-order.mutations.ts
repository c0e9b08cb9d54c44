import { builder } from "../../builder";
import { httpsUrls, optionalText } from "../../graphql/input-validation";
import type { Prisma } from "../../generated/prisma/client";
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  InvalidTransitionError,
  NotFoundError,
} from "../../graphql/user-errors";
import { parseUuid } from "../../graphql/node-id";
import { Supplier } from "../supplier/supplier.type";
import { Order } from "./order.type";
import { SupplierOrder } from "./supplier-order.type";
import type { Context } from "../../context";

/**
 * The supplier-order workflow (DOMAIN.md "Workflow"; API.md "Orders and
 * production"):
 *
 * - createSupplierOrder (admins) splits a confirmed order across suppliers.
 *   The database keeps the pieces of an order's live supplier orders within
 *   the order's quantity, concurrency-safe (015 `_010_quantities`); the
 *   resolver's own check only names the field.
 * - respondToSupplierOrder (the assigned supplier): ACCEPT, REJECT or
 *   COUNTER_OFFER a pending supplier order. RLS lets a supplier update only
 *   its own supplier orders (another's is "not found"); 005 and 015 judge
 *   the transition; accepting creates the eight stages and moves a confirmed
 *   order to in_production (005 `_400_accepted`).
 * - resolveCounterOffer (admins): ACCEPT adopts the counter-offer price as
 *   the supplier price and accepts (the stages appear); REJECT declines it
 *   and the supplier order is rejected, which frees its pieces for another
 *   supplier.
 */

const MAX_TEXT_LENGTH = 2_000;
const MAX_PARTS = 20;
/** Orders that may be split: confirmed ones, and those already in production (a late split). */
const SPLITTABLE_ORDER_STATUSES = ["confirmed", "in_production"] as const;

function money(value: Prisma.Decimal, field: string, options: { positive: boolean }): Prisma.Decimal {
  if (value.isNegative() || (options.positive && value.isZero())) {
    throw new InvalidInputError(options.positive ? "Must be greater than 0." : "Must not be negative.", {
      field,
    });
  }
  if (value.decimalPlaces() > 2 || value.abs().greaterThanOrEqualTo(1e10)) {
    throw new InvalidInputError("At most 10 digits before the point and 2 after it.", { field });
  }
  return value;
}

// ---------------------------------------------------------------- createSupplierOrder

const SupplierOrderPartInput = builder.inputType("SupplierOrderPartInput", {
  description: "One supplier's part of an order.",
  fields: (t) => ({
    supplierId: t.globalID({ for: Supplier, required: true }),
    quantity: t.int({
      required: true,
      description: "Pieces; all parts of an order add up to at most its quantity.",
    }),
    buyerPrice: t.field({
      type: "Decimal",
      required: true,
      description: "What the buyer pays for this part.",
    }),
    supplierPrice: t.field({ type: "Decimal", required: true, description: "What the supplier is paid." }),
    targetDate: t.field({ type: "Date" }),
    productType: t.string({ description: "Defaults to the order's product type." }),
    specialInstructions: t.string(),
    techPackUrls: t.field({ type: ["URL"], description: "https URLs, at most 20." }),
    referenceImages: t.field({ type: ["URL"], description: "https URLs, at most 20." }),
  }),
});

const CreateSupplierOrderInput = builder.inputType("CreateSupplierOrderInput", {
  fields: (t) => ({
    orderId: t.globalID({ for: Order, required: true, description: "A confirmed (or in-production) order." }),
    parts: t.field({
      type: [SupplierOrderPartInput],
      required: true,
      description: `1 to ${MAX_PARTS} parts, one supplier order each.`,
    }),
  }),
});

const CreateSupplierOrderPayload = builder
  .objectRef<{ ids: string[] }>("CreateSupplierOrderPayload")
  .implement({
    fields: (t) => ({
      supplierOrders: t.prismaField({
        type: ["SupplierOrder"],
        description: "The supplier orders created, in the order of the parts.",
        resolve: async (query, payload, _args, context) => {
          const rows = await context.db.tx.supplierOrder.findMany({
            ...query,
            where: { id: { in: payload.ids } },
          });
          const byId = new Map(rows.map((row) => [row.id, row]));
          return payload.ids.flatMap((id) => byId.get(id) ?? []);
        },
      }),
    }),
  });

builder.mutationField("createSupplierOrder", (t) =>
  t.field({
    type: CreateSupplierOrderPayload,
    description: "Split a confirmed order across suppliers: one pending supplier order per part (admins).",
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateSupplierOrderInput, required: true }) },
    errors: { types: [NotFoundError, InvalidInputError, ForbiddenError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const orderId = parseUuid(input.orderId.id, "input.orderId");
      if (input.parts.length < 1 || input.parts.length > MAX_PARTS) {
        throw new InvalidInputError(`Give 1 to ${MAX_PARTS} parts.`, { field: "input.parts" });
      }
      const parts = input.parts.map((part, index) => {
        const at = `input.parts.${index}`;
        if (part.quantity < 1)
          throw new InvalidInputError("Must be at least 1.", { field: `${at}.quantity` });
        const productType = part.productType?.trim();
        if (part.productType !== null && part.productType !== undefined && !productType) {
          throw new InvalidInputError("Must not be blank.", { field: `${at}.productType` });
        }
        return {
          supplierId: parseUuid(part.supplierId.id, `${at}.supplierId`),
          quantity: part.quantity,
          buyerPrice: money(part.buyerPrice, `${at}.buyerPrice`, { positive: false }),
          supplierPrice: money(part.supplierPrice, `${at}.supplierPrice`, { positive: false }),
          targetDate: part.targetDate ?? null,
          productType: productType ? optionalText(productType, `${at}.productType`, MAX_TEXT_LENGTH) : null,
          specialInstructions: optionalText(
            part.specialInstructions,
            `${at}.specialInstructions`,
            MAX_TEXT_LENGTH,
          ),
          techPackUrls: httpsUrls(part.techPackUrls, `${at}.techPackUrls`, MAX_PARTS),
          referenceImages: httpsUrls(part.referenceImages, `${at}.referenceImages`, MAX_PARTS),
        };
      });

      const tx = context.db.tx;
      const order = await tx.order.findUnique({
        where: { id: orderId },
        select: { status: true, quantity: true, productType: true },
      });
      if (!order) throw new NotFoundError("No such order.", { field: "input.orderId" });
      if (!(SPLITTABLE_ORDER_STATUSES as readonly string[]).includes(order.status)) {
        throw new ConflictError(
          `Only a confirmed order (or one in production) is split across suppliers; this one is ${order.status}.`,
          { field: "input.orderId", reason: "INVALID_TRANSITION" },
        );
      }
      const supplierIds = [...new Set(parts.map((part) => part.supplierId))];
      const suppliers = await tx.supplier.findMany({
        where: { id: { in: supplierIds } },
        select: { id: true, verificationStatus: true },
      });
      for (const [index, part] of parts.entries()) {
        const supplier = suppliers.find((row) => row.id === part.supplierId);
        if (!supplier) {
          throw new NotFoundError("No such supplier.", { field: `input.parts.${index}.supplierId` });
        }
        if (supplier.verificationStatus !== "verified") {
          throw new InvalidInputError("Only verified suppliers receive supplier orders.", {
            field: `input.parts.${index}.supplierId`,
          });
        }
      }
      // The field at fault; the database's trigger is the guard (it also
      // serialises concurrent splits of this order).
      const allocated = await tx.supplierOrder.aggregate({
        where: { buyerOrderId: orderId, status: { notIn: ["rejected", "cancelled"] } },
        _sum: { quantity: true },
      });
      const requested = parts.reduce((sum, part) => sum + part.quantity, 0);
      const remaining = order.quantity - (allocated._sum.quantity ?? 0);
      if (requested > remaining) {
        throw new InvalidInputError(
          `The order has ${order.quantity} pieces and ${order.quantity - remaining} are already with suppliers: at most ${Math.max(remaining, 0)} more.`,
          { field: "input.parts" },
        );
      }

      // One insert per part, in order, reading back only the id: the
      // request roles may not select the prices they write (008).
      const ids: string[] = [];
      for (const part of parts) {
        const created = await tx.supplierOrder.create({
          data: {
            supplierId: part.supplierId,
            buyerOrderId: orderId,
            productType: part.productType ?? order.productType,
            quantity: part.quantity,
            buyerPrice: part.buyerPrice,
            supplierPrice: part.supplierPrice,
            targetDate: part.targetDate,
            specialInstructions: part.specialInstructions,
            techPackUrls: part.techPackUrls,
            referenceImages: part.referenceImages,
          },
          select: { id: true },
        });
        ids.push(created.id);
      }
      return { ids };
    },
  }),
);

// ---------------------------------------------------------------- respondToSupplierOrder

const SupplierOrderDecision = builder.enumType("SupplierOrderDecision", {
  values: {
    ACCEPT: { description: "Take the work at the offered price: the eight production stages are created." },
    REJECT: { description: "Decline the work; a reason is required." },
    COUNTER_OFFER: {
      description: "Propose another supplier price (counterOfferPrice); an admin resolves it.",
    },
  } as const,
});

const RespondToSupplierOrderInput = builder.inputType("RespondToSupplierOrderInput", {
  fields: (t) => ({
    id: t.globalID({ for: SupplierOrder, required: true }),
    decision: t.field({ type: SupplierOrderDecision, required: true }),
    reason: t.string({ description: `Why (required to reject). At most ${MAX_TEXT_LENGTH} characters.` }),
    counterOfferPrice: t.field({
      type: "Decimal",
      description: "The supplier price proposed (required for COUNTER_OFFER, > 0).",
    }),
    notes: t.string({ description: "Notes on the counter-offer, for the admin." }),
  }),
});

const SupplierOrderPayload = builder
  .objectRef<{ supplierOrderId: string }>("SupplierOrderPayload")
  .implement({
    description: "A supplier order after a workflow step.",
    fields: (t) => ({
      supplierOrder: t.prismaField({
        type: "SupplierOrder",
        resolve: (query, payload, _args, context) =>
          context.db.tx.supplierOrder.findUniqueOrThrow({ ...query, where: { id: payload.supplierOrderId } }),
      }),
    }),
  });

/** The supplier order's workflow state, or NotFoundError where the caller may not see it. */
async function workflowState(context: Context, id: string) {
  const row = await context.db.tx.supplierOrder.findUnique({
    where: { id },
    select: { status: true, acceptanceStatus: true, orderNumber: true },
  });
  if (!row) throw new NotFoundError("No such supplier order.", { field: "input.id" });
  return row;
}

builder.mutationField("respondToSupplierOrder", (t) =>
  t.field({
    type: SupplierOrderPayload,
    description: "Accept, reject or counter-offer a pending supplier order (its supplier).",
    authScopes: { supplier: true },
    args: { input: t.arg({ type: RespondToSupplierOrderInput, required: true }) },
    errors: {
      types: [NotFoundError, InvalidInputError, ForbiddenError, InvalidTransitionError, ConflictError],
      directResult: true,
    },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      const reason = optionalText(input.reason, "input.reason", MAX_TEXT_LENGTH);
      const notes = optionalText(input.notes, "input.notes", MAX_TEXT_LENGTH);
      let data: Prisma.SupplierOrderUpdateManyMutationInput;
      switch (input.decision) {
        case "ACCEPT":
          data = { acceptanceStatus: "accepted" };
          break;
        case "REJECT":
          if (!reason) throw new InvalidInputError("A rejection needs a reason.", { field: "input.reason" });
          data = { acceptanceStatus: "rejected", rejectionReason: reason };
          break;
        case "COUNTER_OFFER":
          if (!input.counterOfferPrice) {
            throw new InvalidInputError("A counter-offer needs a price.", {
              field: "input.counterOfferPrice",
            });
          }
          data = {
            acceptanceStatus: "counter_offered",
            counterOfferPrice: money(input.counterOfferPrice, "input.counterOfferPrice", { positive: true }),
            counterOfferNotes: notes ?? reason,
          };
          break;
      }

      const tx = context.db.tx;
      const state = await workflowState(context, id);
      if (state.status !== "pending" || state.acceptanceStatus !== "pending") {
        throw new InvalidTransitionError(
          `Only a pending supplier order can be answered; ${state.orderNumber} is ${state.acceptanceStatus === "pending" ? state.status : state.acceptanceStatus}.`,
          { field: "input.id", allowedTransitions: [] },
        );
      }
      // Conditional on the state read above: a concurrent answer changes nothing twice.
      const { count } = await tx.supplierOrder.updateMany({
        where: { id, status: "pending", acceptanceStatus: "pending" },
        data,
      });
      if (count !== 1) {
        throw new ConflictError("The supplier order was answered concurrently; reload it.", {
          field: "input.id",
          reason: "CONCURRENT_UPDATE",
        });
      }
      return { supplierOrderId: id };
    },
  }),
);

// ---------------------------------------------------------------- resolveCounterOffer

const CounterOfferDecision = builder.enumType("CounterOfferDecision", {
  values: {
    ACCEPT: {
      description: "Adopt the counter-offer price as the supplier price and accept the supplier order.",
    },
    REJECT: {
      description: "Decline the counter-offer: the supplier order is rejected and its pieces are free again.",
    },
  } as const,
});

const ResolveCounterOfferInput = builder.inputType("ResolveCounterOfferInput", {
  fields: (t) => ({
    id: t.globalID({ for: SupplierOrder, required: true }),
    decision: t.field({ type: CounterOfferDecision, required: true }),
  }),
});

builder.mutationField("resolveCounterOffer", (t) =>
  t.field({
    type: SupplierOrderPayload,
    description: "Accept or decline a supplier's counter-offer (admins).",
    authScopes: { admin: true },
    args: { input: t.arg({ type: ResolveCounterOfferInput, required: true }) },
    errors: {
      types: [NotFoundError, ForbiddenError, InvalidTransitionError, ConflictError],
      directResult: true,
    },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      const tx = context.db.tx;
      const state = await workflowState(context, id);
      if (state.acceptanceStatus !== "counter_offered") {
        throw new InvalidTransitionError(
          `Only a counter-offered supplier order can be resolved; ${state.orderNumber} is ${state.acceptanceStatus}.`,
          { field: "input.id", allowedTransitions: [] },
        );
      }
      let data: Prisma.SupplierOrderUpdateManyMutationInput;
      if (input.decision === "ACCEPT") {
        // The request roles cannot select counter_offer_price: the narrowed read (admins see it),
        // not its loader, whose cache the payload's prices must not share.
        const [row] = await tx.$queryRaw<{ counter_offer_price: Prisma.Decimal | null }[]>`
          select p.counter_offer_price from app.supplier_order_prices(${[id]}::uuid[]) as p`;
        const counterOfferPrice = row?.counter_offer_price;
        if (!counterOfferPrice) throw new NotFoundError("No such supplier order.", { field: "input.id" });
        data = { supplierPrice: counterOfferPrice, acceptanceStatus: "accepted" };
      } else {
        data = { acceptanceStatus: "rejected", rejectionReason: "Counter-offer declined." };
      }
      // A supplier cannot change its price once counter-offered (015), so the price read still holds.
      const { count } = await tx.supplierOrder.updateMany({
        where: { id, acceptanceStatus: "counter_offered" },
        data,
      });
      if (count !== 1) {
        throw new ConflictError("The counter-offer was resolved concurrently; reload it.", {
          field: "input.id",
          reason: "CONCURRENT_UPDATE",
        });
      }
      return { supplierOrderId: id };
    },
  }),
);
