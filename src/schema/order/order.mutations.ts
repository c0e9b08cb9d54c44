import { builder } from "../../builder";
import { optionalText } from "../../graphql/input-validation";
import type { Context } from "../../context";
import type { OrderStatus as OrderStatusValue } from "../../generated/prisma/enums";
import { isAdminSession, isSignedIn } from "../../graphql/auth-scopes";
import {
  ConflictError,
  ForbiddenError,
  InsufficientStockError,
  InvalidInputError,
  InvalidTransitionError,
  NotFoundError,
  VersionConflictError,
} from "../../graphql/user-errors";
import { MarketplaceProduct } from "../marketplace/marketplace-product.type";
import { OrderStatus } from "./order-enums";
import { Order } from "./order.type";
import { assertQuantity, holdStock, uuidOf } from "./stock.mutations";

/**
 * The buyer's side of the workflow: placeOrder, updateOrderStatus and
 * cancelOrder. The database owns the money and the rules (migrations 005
 * and 014): a listing line's price is the listing's price when it is
 * ordered, the order's total is the sum of its lines, who may make which
 * move is app.order_transitions (buyer: submit, cancel before production,
 * confirm delivery; admins every allowed move; suppliers none), the
 * transition itself is judged by the status trigger, the version trigger
 * is the optimistic lock, and the history and notifications are written
 * by triggers. This module checks first, to answer with the typed error
 * that says what to do (the current version, the allowed moves, what is
 * available), and the database refuses anyway when it is wrong.
 */

const MAX_ITEMS = 100;
const MAX_TEXT = 2_000;
const MAX_DESCRIPTION = 500;
const MAX_PRODUCT_TYPE = 100;

const OrderItemInput = builder.inputType("PlaceOrderItemInput", {
  description:
    "A line: a marketplace listing (priced by the database) or custom work (priced by the platform).",
  fields: (t) => ({
    marketplaceProductId: t.globalID({
      for: MarketplaceProduct,
      description: "The listing ordered; omit for custom work. Its stock is held for the order.",
    }),
    description: t.string({
      description: `Required for custom work; a listing line defaults to the listing's title. At most ${MAX_DESCRIPTION} characters.`,
    }),
    quantity: t.int({ required: true }),
    customization: t.field({ type: "JSON", description: "Free-form specs (an object)." }),
  }),
});

const PlaceOrderInput = builder.inputType("PlaceOrderInput", {
  fields: (t) => ({
    items: t.field({ type: [OrderItemInput], required: true, description: `1 to ${MAX_ITEMS} lines.` }),
    productType: t.string({
      description:
        "What is ordered, e.g. sweater; defaults to the first listing's product type, else custom.",
    }),
    targetDate: t.field({ type: "Date" }),
    notes: t.string({ description: `At most ${MAX_TEXT} characters.` }),
  }),
});

const UpdateOrderStatusInput = builder.inputType("UpdateOrderStatusInput", {
  fields: (t) => ({
    id: t.globalID({ for: Order, required: true }),
    status: t.field({ type: OrderStatus, required: true }),
    expectedVersion: t.int({ required: true, description: "The order's version as read (Order.version)." }),
    note: t.string({ description: `Kept in the status history. At most ${MAX_TEXT} characters.` }),
  }),
});

const CancelOrderInput = builder.inputType("CancelOrderInput", {
  fields: (t) => ({
    id: t.globalID({ for: Order, required: true }),
    expectedVersion: t.int({ required: true, description: "The order's version as read (Order.version)." }),
    reason: t.string({
      description: `Why; kept on the order and in its history. At most ${MAX_TEXT} characters.`,
    }),
  }),
});

const OrderPayload = builder.objectRef<{ orderId: string }>("OrderPayload").implement({
  fields: (t) => ({
    order: t.prismaField({
      type: "Order",
      resolve: (query, payload, _args, context) =>
        context.db.tx.order.findUniqueOrThrow({ ...query, where: { id: payload.orderId } }),
    }),
  }),
});

function viewerIdOf(context: Context): string | null {
  return isSignedIn(context.viewer) ? context.viewer.id : null;
}

// ---------------------------------------------------------------- placeOrder

interface Line {
  listingId: string | null;
  description: string | null;
  quantity: number;
  customization: unknown;
}

builder.mutationField("placeOrder", (t) =>
  t.field({
    type: OrderPayload,
    description:
      "Place an order (buyers): listing lines and/or custom lines. Prices and the total come from the database; listing stock is held for the order.",
    authScopes: { $all: { apiScope: "orders:write", buyer: true } },
    args: { input: t.arg({ type: PlaceOrderInput, required: true }) },
    errors: {
      types: [NotFoundError, InvalidInputError, ForbiddenError, InsufficientStockError, ConflictError],
      directResult: true,
    },
    resolve: async (_root, { input }, context) => {
      if (input.items.length < 1 || input.items.length > MAX_ITEMS) {
        throw new InvalidInputError(`An order has 1 to ${MAX_ITEMS} lines.`, { field: "input.items" });
      }
      const lines: Line[] = input.items.map((item, index) => {
        const field = `input.items[${index}]`;
        assertQuantity(item.quantity, `${field}.quantity`);
        const listingId = item.marketplaceProductId
          ? uuidOf(item.marketplaceProductId.id, `${field}.marketplaceProductId`)
          : null;
        const description = optionalText(item.description, `${field}.description`, MAX_DESCRIPTION);
        if (!listingId && !description) {
          throw new InvalidInputError("Custom work needs a description.", { field: `${field}.description` });
        }
        const customization = item.customization ?? {};
        if (typeof customization !== "object" || Array.isArray(customization)) {
          throw new InvalidInputError("customization must be an object.", {
            field: `${field}.customization`,
          });
        }
        return { listingId, description, quantity: item.quantity, customization };
      });
      const notes = optionalText(input.notes, "input.notes", MAX_TEXT);
      const productTypeInput = optionalText(input.productType, "input.productType", MAX_PRODUCT_TYPE);

      const tx = context.db.tx;
      const listingIds = [...new Set(lines.flatMap((line) => (line.listingId ? [line.listingId] : [])))];
      const listings = await tx.marketplaceProduct.findMany({
        where: { id: { in: listingIds } },
        select: { id: true, title: true, productType: true },
      });
      const byId = new Map(listings.map((listing) => [listing.id, listing]));
      lines.forEach((line, index) => {
        if (line.listingId && !byId.has(line.listingId)) {
          throw new NotFoundError("No such listing.", {
            field: `input.items[${index}].marketplaceProductId`,
          });
        }
      });
      const firstListing = lines.find((line) => line.listingId)?.listingId;
      const productType = productTypeInput ?? (firstListing ? byId.get(firstListing)!.productType : "custom");
      const quantity = lines.reduce((sum, line) => sum + line.quantity, 0);

      const [order] = await tx.$queryRaw<{ id: string }[]>`
        insert into orders (buyer_id, product_type, quantity, status, notes, target_date)
        values (${viewerIdOf(context)}::uuid, ${productType}, ${quantity}, 'submitted', ${notes},
                ${input.targetDate ?? null}::date)
        returning id::text as id`;
      const orderId = order!.id;
      // One statement: the lines' prices are set by the database, the total once.
      await tx.$executeRaw`
        insert into order_items (order_id, marketplace_product_id, description, quantity, unit_price, customization)
        select ${orderId}::uuid, l.listing, l.description, l.quantity, 0, l.customization
          from unnest(${lines.map((line) => line.listingId)}::uuid[],
                      ${lines.map((line) => line.description ?? byId.get(line.listingId!)!.title)}::text[],
                      ${lines.map((line) => line.quantity)}::int[],
                      ${lines.map((line) => JSON.stringify(line.customization))}::jsonb[])
               with ordinality as l(listing, description, quantity, customization, n)
         order by l.n`;

      // Stock of each listing, held for the order in the same transaction.
      for (const listingId of listingIds) {
        const held = lines
          .filter((line) => line.listingId === listingId)
          .reduce((sum, line) => sum + line.quantity, 0);
        const index = lines.findIndex((line) => line.listingId === listingId);
        await holdStock(
          context,
          { listingId, orderId, quantity: held },
          {
            listing: `input.items[${index}].marketplaceProductId`,
            quantity: `input.items[${index}].quantity`,
          },
        );
      }
      return { orderId };
    },
  }),
);

// ------------------------------------------------------- status changes

const toGraphQLStatus = (status: string) => status.toUpperCase();

/**
 * Moves an order to `status` if the caller may, naming the version read:
 * the order's row is locked first, so the version and the allowed moves
 * checked here are the ones the update meets.
 */
async function changeStatus(
  context: Context,
  change: { orderId: string; status: OrderStatusValue; expectedVersion: number; note: string | null },
  extra: { cancellationReason?: string | null } = {},
): Promise<{ orderId: string }> {
  const tx = context.db.tx;
  const order = await tx.order.findUnique({ where: { id: change.orderId }, select: { buyerId: true } });
  if (!order) throw new NotFoundError("No such order.", { field: "input.id" });
  const admin = isAdminSession(context.viewer);
  if (!admin && order.buyerId !== viewerIdOf(context)) {
    throw new ForbiddenError("Only the order's buyer or an administrator may change its status.", {
      field: "input.id",
    });
  }
  const [current] = await tx.$queryRaw<
    { status: OrderStatusValue; version: number; allowed: OrderStatusValue[] }[]
  >`
    select o.status::text as status, o.version,
           app.order_transitions(o.status, ${admin})::text[] as allowed
      from orders o where o.id = ${change.orderId}::uuid
       for no key update`;
  if (!current) throw new NotFoundError("No such order.", { field: "input.id" });
  if (current.version !== change.expectedVersion) {
    throw new VersionConflictError(
      `The order changed since version ${change.expectedVersion}; it is at version ${current.version}.`,
      { field: "input.expectedVersion", currentVersion: current.version },
    );
  }
  if (!current.allowed.includes(change.status)) {
    const allowed = current.allowed.map(toGraphQLStatus);
    throw new InvalidTransitionError(
      `An order that is ${toGraphQLStatus(current.status)} cannot be moved to ${toGraphQLStatus(change.status)}` +
        (allowed.length > 0 ? ` by you; allowed: ${allowed.join(", ")}.` : " by you; no move is allowed."),
      { field: "input.status", allowedTransitions: allowed },
    );
  }
  // The note reaches the status history (its trigger reads the setting); cleared after.
  await tx.$queryRaw`select set_config('loomline.status_note', ${change.note ?? ""}, true)`;
  const { count } = await tx.order.updateMany({
    where: { id: change.orderId },
    data: {
      status: change.status,
      version: change.expectedVersion,
      ...(extra.cancellationReason !== undefined ? { cancellationReason: extra.cancellationReason } : {}),
    },
  });
  await tx.$queryRaw`select set_config('loomline.status_note', '', true)`;
  if (count !== 1) {
    throw new ConflictError("The order changed concurrently; reload it.", {
      field: "input.id",
      reason: "CONCURRENT_UPDATE",
    });
  }
  return { orderId: change.orderId };
}

function assertVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1) {
    throw new InvalidInputError('"expectedVersion" must be a positive whole number.', {
      field: "input.expectedVersion",
    });
  }
}

/** What a status change may answer instead of the order (updateOrderStatus, cancelOrder). */
const STATUS_CHANGE_ERRORS = {
  types: [
    NotFoundError,
    InvalidInputError,
    ForbiddenError,
    VersionConflictError,
    InvalidTransitionError,
    ConflictError,
  ],
  directResult: true,
};

builder.mutationFields((t) => ({
  updateOrderStatus: t.field({
    type: OrderPayload,
    description:
      "Move an order along the workflow (buyer: submit, cancel before production, confirm delivery; admins: every allowed move). A stale expectedVersion changes nothing.",
    authScopes: { $all: { apiScope: "orders:write", authenticated: true } },
    args: { input: t.arg({ type: UpdateOrderStatusInput, required: true }) },
    errors: STATUS_CHANGE_ERRORS,
    resolve: async (_root, { input }, context) => {
      const orderId = uuidOf(input.id.id, "input.id");
      assertVersion(input.expectedVersion);
      const note = optionalText(input.note, "input.note", MAX_TEXT);
      return changeStatus(context, {
        orderId,
        status: input.status as OrderStatusValue,
        expectedVersion: input.expectedVersion,
        note,
      });
    },
  }),

  cancelOrder: t.field({
    type: OrderPayload,
    description:
      "Cancel an order (its buyer before production, admins until shipped): held stock is released, supplier orders cancelled. A stale expectedVersion changes nothing.",
    authScopes: { $all: { apiScope: "orders:write", authenticated: true } },
    args: { input: t.arg({ type: CancelOrderInput, required: true }) },
    errors: STATUS_CHANGE_ERRORS,
    resolve: async (_root, { input }, context) => {
      const orderId = uuidOf(input.id.id, "input.id");
      assertVersion(input.expectedVersion);
      const reason = optionalText(input.reason, "input.reason", MAX_TEXT);
      return changeStatus(
        context,
        { orderId, status: "cancelled", expectedVersion: input.expectedVersion, note: reason },
        { cancellationReason: reason },
      );
    },
  }),
}));
