import { builder } from "../../builder";
import type { Context } from "../../context";
import { classifyDatabaseError, sqlStateOf } from "../../db/errors";
import { isUuid } from "../../db/uuid";
import { ReservationStatus as ReservationStatusValues } from "../../generated/prisma/enums";
import { isAdminSession, isSignedIn } from "../../graphql/auth-scopes";
import { uuidNode } from "../../graphql/node-id";
import { prismaEnum } from "../../graphql/prisma-enum";
import {
  ConflictError,
  ForbiddenError,
  InsufficientStockError,
  InvalidInputError,
  InvalidTransitionError,
  NotFoundError,
} from "../../graphql/user-errors";
import { MarketplaceProduct } from "../marketplace/marketplace-product.type";
import { Order } from "./order.type";

/**
 * Stock holds on marketplace listings: reserveStock and releaseStock (and
 * placeOrder's holds, through holdStock). The database decides (migrations
 * 005 and 014): a hold takes the listing's row, releases the listing's
 * expired holds, must fit within the order's lines for that listing
 * (LLRUL), and reserves only what is available (LLSTK) — so concurrent
 * holds never oversell. Confirming the order commits its holds; an expired
 * hold is released by the next hold on its listing or by the sweep job
 * (app_private.release_expired_stock_reservations). This module names the
 * failures with the field at fault and what is available.
 */

const MAX_QUANTITY = 1_000_000;

export const ReservationStatus = prismaEnum("ReservationStatus", ReservationStatusValues);

export const StockReservation = builder.prismaNode("StockReservation", {
  ...uuidNode,
  authScopes: { apiScope: "orders:read" },
  fields: (t) => ({
    quantity: t.exposeInt("quantity"),
    status: t.expose("status", { type: ReservationStatus }),
    expiresAt: t.expose("expiresAt", {
      type: "DateTime",
      nullable: true,
      description: "A held reservation no longer counts after this instant.",
    }),
    marketplaceProduct: t.relation("marketplaceProduct", { nullable: true }),
    order: t.relation("order", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

/** A raw id from a global id, or a typed validation error naming the field. */
export function uuidOf(id: string, field: string): string {
  if (!isUuid(id)) throw new InvalidInputError(`"${field}" is not a valid id.`, { field });
  return id.toLowerCase();
}

export function assertQuantity(quantity: number, field: string): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    throw new InvalidInputError(`"${field}" must be a whole number from 1 to ${MAX_QUANTITY}.`, { field });
  }
}

/**
 * Holds `quantity` of a listing for an order, in a savepoint of the
 * operation's transaction so that a refusal can still be explained: how
 * many are available (LLSTK), or by how much the order's lines fall short
 * (LLRUL). Returns the reservation's id.
 */
export async function holdStock(
  context: Context,
  hold: { listingId: string; orderId: string; quantity: number },
  fields: { listing: string; quantity: string },
): Promise<string> {
  const tx = context.db.tx;
  const reservedBy = isSignedIn(context.viewer) ? context.viewer.id : null;
  await tx.$executeRawUnsafe("savepoint hold_stock");
  try {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      insert into stock_reservations (marketplace_product_id, order_id, reserved_by, quantity, expires_at)
      values (${hold.listingId}::uuid, ${hold.orderId}::uuid, ${reservedBy}::uuid, ${hold.quantity},
              now() + make_interval(mins => ${context.settings.stockHoldMinutes}))
      returning id::text as id`;
    await tx.$executeRawUnsafe("release savepoint hold_stock");
    return row!.id;
  } catch (error) {
    await tx.$executeRawUnsafe("rollback to savepoint hold_stock");
    const state = sqlStateOf(error);
    if (state === "LLSTK") {
      const [listing] = await tx.$queryRaw<{ available: number; status: string }[]>`
        select available_quantity as available, status::text as status
          from marketplace_products where id = ${hold.listingId}::uuid`;
      const available = listing?.status === "approved" ? (listing.available ?? 0) : 0;
      throw new InsufficientStockError(
        `Only ${available} of this listing ${available === 1 ? "is" : "are"} available.`,
        { field: fields.quantity, available },
      );
    }
    if (state === "LLRUL") {
      throw new InvalidInputError(classifyDatabaseError(error)?.message ?? "The hold was refused.", {
        field: fields.quantity,
      });
    }
    throw error;
  }
}

const ReserveStockInput = builder.inputType("ReserveStockInput", {
  fields: (t) => ({
    marketplaceProductId: t.globalID({ for: MarketplaceProduct, required: true }),
    quantity: t.int({ required: true, description: "At least 1; within the order's lines for the listing." }),
    orderId: t.globalID({
      for: Order,
      required: true,
      description: "A draft or submitted order of the caller with a line for the listing.",
    }),
  }),
});

const ReleaseStockInput = builder.inputType("ReleaseStockInput", {
  fields: (t) => ({
    reservationId: t.globalID({ for: StockReservation, required: true }),
  }),
});

const StockReservationPayload = builder
  .objectRef<{ reservationId: string }>("StockReservationPayload")
  .implement({
    fields: (t) => ({
      reservation: t.prismaField({
        type: "StockReservation",
        resolve: (query, payload, _args, context) =>
          context.db.tx.stockReservation.findUniqueOrThrow({
            ...query,
            where: { id: payload.reservationId },
          }),
      }),
    }),
  });

builder.mutationFields((t) => ({
  reserveStock: t.field({
    type: StockReservationPayload,
    description:
      "Hold stock of a listing for an order for STOCK_HOLD_MINUTES (30 by default; the order's buyer, admins); never oversells.",
    authScopes: { $all: { apiScope: "orders:write", $any: { buyer: true, admin: true } } },
    args: { input: t.arg({ type: ReserveStockInput, required: true }) },
    errors: {
      types: [NotFoundError, InvalidInputError, ForbiddenError, InsufficientStockError, ConflictError],
      directResult: true,
    },
    resolve: async (_root, { input }, context) => {
      const listingId = uuidOf(input.marketplaceProductId.id, "input.marketplaceProductId");
      const orderId = uuidOf(input.orderId.id, "input.orderId");
      assertQuantity(input.quantity, "input.quantity");
      const tx = context.db.tx;
      const order = await tx.order.findUnique({ where: { id: orderId }, select: { buyerId: true } });
      if (!order) throw new NotFoundError("No such order.", { field: "input.orderId" });
      const viewerId = isSignedIn(context.viewer) ? context.viewer.id : null;
      if (!isAdminSession(context.viewer) && order.buyerId !== viewerId) {
        throw new ForbiddenError("Only the order's buyer or an administrator may hold stock for it.", {
          field: "input.orderId",
        });
      }
      // A listing the caller cannot see may still be one its order has a line
      // for (a sold-out listing leaves the marketplace): that is a stock
      // question, answered by the hold, not "no such listing".
      const known =
        (await tx.marketplaceProduct.count({ where: { id: listingId } })) > 0 ||
        (await tx.orderItem.count({ where: { orderId, marketplaceProductId: listingId } })) > 0;
      if (!known) throw new NotFoundError("No such listing.", { field: "input.marketplaceProductId" });
      const reservationId = await holdStock(
        context,
        { listingId, orderId, quantity: input.quantity },
        { listing: "input.marketplaceProductId", quantity: "input.quantity" },
      );
      return { reservationId };
    },
  }),

  releaseStock: t.field({
    type: StockReservationPayload,
    description: "Give back a held reservation (whoever made it, admins).",
    authScopes: { $all: { apiScope: "orders:write", $any: { buyer: true, admin: true } } },
    args: { input: t.arg({ type: ReleaseStockInput, required: true }) },
    errors: {
      types: [NotFoundError, InvalidInputError, ForbiddenError, InvalidTransitionError, ConflictError],
      directResult: true,
    },
    resolve: async (_root, { input }, context) => {
      const id = uuidOf(input.reservationId.id, "input.reservationId");
      const tx = context.db.tx;
      const reservation = await tx.stockReservation.findUnique({
        where: { id },
        select: { reservedBy: true, status: true },
      });
      if (!reservation) throw new NotFoundError("No such reservation.", { field: "input.reservationId" });
      const viewerId = isSignedIn(context.viewer) ? context.viewer.id : null;
      if (!isAdminSession(context.viewer) && reservation.reservedBy !== viewerId) {
        throw new ForbiddenError("Only whoever made the reservation or an administrator may release it.", {
          field: "input.reservationId",
        });
      }
      if (reservation.status !== "held") {
        throw new InvalidTransitionError(`The reservation is already ${reservation.status}.`, {
          field: "input.reservationId",
          allowedTransitions: [],
        });
      }
      // Conditional on the status read: a concurrent release or commit changes nothing twice.
      const { count } = await tx.stockReservation.updateMany({
        where: { id, status: "held" },
        data: { status: "released" },
      });
      if (count !== 1) {
        throw new ConflictError("The reservation changed concurrently; reload it.", {
          field: "input.reservationId",
          reason: "CONCURRENT_UPDATE",
        });
      }
      return { reservationId: id };
    },
  }),
}));
