import { type GraphQLResolveInfo, Kind } from "graphql";
import { builder } from "../../builder";
import type { Context } from "../../context";
import { parseUuid } from "../../graphql/node-id";
import type { RealtimeEvent } from "../../realtime/hub";
import { SkipEvent } from "../../realtime/shared-execution";
import "../collaboration/collaboration.type";
import { OrderStatus } from "../order/order-enums";
import { Order } from "../order/order.type";
import { SupplierOrder } from "../order/supplier-order.type";

/**
 * Subscriptions (API.md "Subscriptions"). Each event is resolved under the
 * subscriber's own identity when it is delivered: the root field first
 * checks, with RLS, that the subscriber may read the event's row (whatever
 * the client selected), and the event is skipped for it otherwise. Those
 * resolutions are shared by every subscriber of the same identity and
 * operation (src/realtime/shared-execution.ts).
 */

const ProductionStageEventKind = builder.enumType("ProductionStageEventKind", {
  values: ["CREATED", "UPDATED"] as const,
});

const ProductionStageEvent = builder.objectRef<RealtimeEvent>("ProductionStageEvent").implement({
  description: "A production stage was created (a supplier order accepted) or changed.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", {
      description: "Pass as `after` to resume the stream after this event.",
    }),
    kind: t.field({
      type: ProductionStageEventKind,
      resolve: (event) => (event.kind === "created" ? "CREATED" : "UPDATED"),
    }),
    stage: t.prismaField({
      type: "ProductionStage",
      resolve: async (query, event, _args, context) =>
        readable(await context.db.tx.productionStage.findUnique({ ...query, where: { id: event.entityId } })),
    }),
    order: t.prismaField({
      type: "Order",
      resolve: async (query, event, _args, context) => orderOf(query, event, context),
    }),
  }),
});

const OrderStatusEvent = builder.objectRef<RealtimeEvent>("OrderStatusEvent").implement({
  description: "An order moved from one status to another (or was created: fromStatus null).",
  fields: (t) => ({
    cursor: t.exposeString("cursor", {
      description: "Pass as `after` to resume the stream after this event.",
    }),
    order: t.prismaField({
      type: "Order",
      resolve: async (query, event, _args, context) => orderOf(query, event, context),
    }),
    fromStatus: t.field({
      type: OrderStatus,
      nullable: true,
      resolve: (event) => (event.payload["fromStatus"] as typeof OrderStatus.$inferType | null) ?? null,
    }),
    toStatus: t.field({
      type: OrderStatus,
      resolve: (event) => event.payload["toStatus"] as typeof OrderStatus.$inferType,
    }),
    changedAt: t.field({ type: "DateTime", resolve: (event) => event.createdAt }),
  }),
});

builder.subscriptionType({});

builder.subscriptionFields((t) => ({
  productionStageUpdated: t.field({
    type: ProductionStageEvent,
    description:
      "Stage events the caller may read: of one order, of one supplier order, or (without ids) all of them — a supplier's dashboard sees all of its own supplier orders. `after` first replays, in commit order, the events after that cursor.",
    authScopes: { $all: { authenticated: true, apiScope: "orders:read" } },
    args: {
      orderId: t.arg.globalID({ for: Order }),
      supplierOrderId: t.arg.globalID({ for: SupplierOrder }),
      after: t.arg.string(),
    },
    subscribe: (_root, args, context) =>
      context.realtime.subscribe(
        {
          topics: ["stage"],
          orderId: args.orderId ? parseUuid(args.orderId.id, "orderId") : null,
          supplierOrderId: args.supplierOrderId
            ? parseUuid(args.supplierOrderId.id, "supplierOrderId")
            : null,
          after: args.after ?? null,
        },
        context,
      ),
    resolve: (event, _args, context, info) => visibleEvent(event, context, info),
  }),
  orderStatusChanged: t.field({
    type: OrderStatusEvent,
    description:
      "Status changes of the orders the caller may read (or of one order). `after` first replays, in commit order, the events after that cursor.",
    authScopes: { $all: { authenticated: true, apiScope: "orders:read" } },
    args: { orderId: t.arg.globalID({ for: Order }), after: t.arg.string() },
    subscribe: (_root, args, context) =>
      context.realtime.subscribe(
        {
          topics: ["order_status"],
          orderId: args.orderId ? parseUuid(args.orderId.id, "orderId") : null,
          after: args.after ?? null,
        },
        context,
      ),
    resolve: (event, _args, context, info) => visibleEvent(event, context, info),
  }),
  notificationReceived: t.prismaField({
    type: "Notification",
    description: "The caller's new notifications (order status, stage updates, messages, quotes, listings).",
    authScopes: { $all: { authenticated: true, person: true } },
    subscribe: (_root, _args, context) => context.realtime.subscribe({ topics: ["notification"] }, context),
    resolve: async (query, event: RealtimeEvent, _args, context) =>
      readable(await context.db.tx.notification.findUnique({ ...query, where: { id: event.entityId } })),
  }),
  messageReceived: t.prismaField({
    type: "Message",
    description: "Messages sent to the caller.",
    authScopes: { $all: { authenticated: true, person: true } },
    subscribe: (_root, _args, context) => context.realtime.subscribe({ topics: ["message"] }, context),
    resolve: async (query, event: RealtimeEvent, _args, context) =>
      readable(await context.db.tx.message.findUnique({ ...query, where: { id: event.entityId } })),
  }),
}));

/**
 * The event, if the subscriber may read the row it is about (RLS, as the
 * subscriber); otherwise it is skipped for this subscriber. Asked whatever
 * the client selected, so no field of the event is ever sent without it —
 * except where the selection itself reads that row: a stage event's
 * `stage`, an order status event's `order` (the history row's policies are
 * the order's), selected plainly (no @skip/@include, not in a fragment),
 * answer the same question in the same statement (null: the event is skipped).
 */
async function visibleEvent(
  event: RealtimeEvent,
  context: Context,
  info: GraphQLResolveInfo,
): Promise<RealtimeEvent> {
  const where = { where: { id: event.entityId }, select: { id: true } } as const;
  const tx = context.db.tx;
  if (event.topic === "stage") {
    if (!selectsPlainly(info, "stage")) readable(await tx.productionStage.findUnique(where));
  } else if (event.topic === "order_status") {
    if (!selectsPlainly(info, "order")) readable(await tx.orderStatusHistory.findUnique(where));
  } else {
    throw new SkipEvent();
  }
  return event;
}

/** The subscription field's own selection has `name`, unconditionally. */
function selectsPlainly(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.every((node) =>
    (node.selectionSet?.selections ?? []).some(
      (selection) =>
        selection.kind === Kind.FIELD && selection.name.value === name && !selection.directives?.length,
    ),
  );
}

async function orderOf<Q extends object>(query: Q, event: RealtimeEvent, context: Context) {
  if (!event.orderId) throw new SkipEvent();
  return readable(await context.db.tx.order.findUnique({ ...query, where: { id: event.orderId } }));
}

function readable<T>(row: T | null): T {
  if (row === null) throw new SkipEvent();
  return row;
}
