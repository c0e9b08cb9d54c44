import { createContextCache } from "@pothos/core";
import { builder } from "../../builder";
import type { Context } from "../../context";
import { badUserInput } from "../../graphql/errors";
import type { Prisma } from "../../generated/prisma/client";
import { isAdminSession, isSignedIn, orderUuid } from "../../graphql/auth-scopes";
import { assertPageArgs } from "../../graphql/connection-args";
import { parseUuid } from "../../graphql/node-id";
import { Supplier } from "../supplier/supplier.type";
import { OrderStatus } from "./order-enums";
import { Order, OrderConnection } from "./order.type";

const MAX_SEARCH_LENGTH = 100;

/**
 * Up to this many orders through its supplier orders, a supplier's
 * condition lists their ids (an index probe each); above it, it says
 * "holding a supplier order of mine" instead, which no index serves but
 * which a supplier that busy meets every few rows of the newest-first walk
 * anyway. Prisma binds every id of an IN list, and Postgres takes at most
 * 32,767 parameters per statement.
 */
const MAX_LISTED_SUPPLIER_ORDERS = 1_000;

/** Newest first; the id breaks ties so every position (and cursor) is unique. */
const ORDERS_ORDER: Prisma.OrderOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];

const OrderFilter = builder.inputType("OrderFilter", {
  description: "All given conditions must hold. Visibility rules apply first: a filter only narrows them.",
  fields: (t) => ({
    status: t.field({
      type: [OrderStatus],
      description: "Orders in any of these statuses (a single value is accepted too).",
    }),
    supplierId: t.globalID({ for: Supplier, description: "Orders assigned to this Supplier." }),
    createdAfter: t.field({ type: "DateTime", description: "Created at or after this instant." }),
    createdBefore: t.field({ type: "DateTime", description: "Created strictly before this instant." }),
    search: t.string({
      description: `Part of the order number or the product type, case-insensitive (at most ${MAX_SEARCH_LENGTH} characters).`,
    }),
  }),
});

interface OrderFilterInput {
  status?: readonly Prisma.OrderWhereInput["status"][] | readonly string[] | null;
  supplierId?: { typename: string; id: string } | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  search?: string | null;
}

/** The filter as a Prisma condition; ANDed with the caller's own (viewerOrderWhere), and RLS guards both. */
export function orderWhere(filter: OrderFilterInput | null | undefined): Prisma.OrderWhereInput {
  if (!filter) return {};
  const where: Prisma.OrderWhereInput[] = [];
  if (filter.status?.length) {
    where.push({ status: { in: filter.status as Prisma.EnumOrderStatusFilter["in"] } });
  }
  if (filter.supplierId) where.push({ supplierId: parseUuid(filter.supplierId.id, "filter.supplierId") });
  if (filter.createdAfter) where.push({ createdAt: { gte: filter.createdAfter } });
  if (filter.createdBefore) where.push({ createdAt: { lt: filter.createdBefore } });
  const search = filter.search?.trim();
  if (search) {
    if (search.length > MAX_SEARCH_LENGTH) {
      throw badUserInput(`"search" may be at most ${MAX_SEARCH_LENGTH} characters.`, {
        argument: "filter.search",
      });
    }
    where.push({
      OR: [
        { orderNumber: { contains: search, mode: "insensitive" } },
        { productType: { contains: search, mode: "insensitive" } },
      ],
    });
  }
  return where.length > 0 ? { AND: where } : {};
}

/** The caller's supplier, and the orders holding its supplier orders (null: more than the cap). */
interface SupplierSide {
  supplierId: string;
  orderIds: string[] | null;
}

/**
 * Whose orders a list asks for: the SELECT policies on orders (migration
 * 008) as the query's own condition, so Postgres reaches the caller's rows
 * through their indexes instead of walking every order through the policies
 * (sql/CONVENTIONS.md: policies are guards, not filters). The same rows as
 * RLS alone:
 *   - select_buyer: the caller's orders as buyer (no role needed, as in the
 *     policy: someone who lost the buyer role still sees what they bought);
 *   - select_supplier (app.orders_as_supplier(), only with the supplier
 *     role): orders assigned to the caller's supplier or holding one of its
 *     supplier orders, pending ones included;
 *   - all_admin: no condition (null) for an admin session. API keys never act
 *     as admins (src/graphql/auth-scopes.ts): an admin's key lists what its
 *     owner's other roles reach, narrower than RLS, never wider.
 */
export async function viewerOrderWhere(context: Context): Promise<Prisma.OrderWhereInput | null> {
  const { viewer } = context;
  // Anonymous callers are refused before any resolver runs; they read no orders anyway.
  if (!isSignedIn(viewer)) return { id: { in: [] } };
  if (isAdminSession(context.viewer)) return null;
  const parties: Prisma.OrderWhereInput[] = [{ buyerId: viewer.id }];
  const supplier = viewer.roles.includes("supplier") ? await supplierSide(context) : null;
  if (supplier) {
    parties.push({ supplierId: supplier.supplierId });
    if (supplier.orderIds === null) {
      parties.push({ supplierOrders: { some: { supplierId: supplier.supplierId } } });
    } else if (supplier.orderIds.length > 0) {
      parties.push({ id: { in: supplier.orderIds } });
    }
  }
  return parties.length === 1 ? parties[0]! : { OR: parties };
}

/**
 * The supplier side of the policy, read first in one short statement (once
 * per request: the page and its totalCount share it), with the policy's own
 * helper: app.current_supplier_id() is the caller's supplier only while the
 * claims carry the supplier role. The condition then names the supplier and
 * the order ids, which the indexes on orders serve (one BitmapOr with the
 * buyer's). As Prisma relation filters (`supplier: { userId }`,
 * `supplierOrders: { some }`) the same condition is a join and a correlated
 * EXISTS under OR, which walk every order like RLS alone
 * (bench/results/identity.json).
 */
const supplierSide = createContextCache(async (context: Context): Promise<SupplierSide | null> => {
  const [row] = await context.db.tx.$queryRaw<{ supplier_id: string; order_ids: string[] }[]>`
    select s.id::text as supplier_id,
           array(select distinct so.buyer_order_id::text from supplier_orders so
                  where so.supplier_id = s.id limit ${MAX_LISTED_SUPPLIER_ORDERS + 1}) as order_ids
      from (select app.current_supplier_id() as id) s
     where s.id is not null`;
  if (!row) return null;
  return {
    supplierId: row.supplier_id,
    orderIds: row.order_ids.length <= MAX_LISTED_SUPPLIER_ORDERS ? row.order_ids : null,
  };
});

/** The caller's condition and the filter: what both the page and its totalCount ask for. */
async function ordersWhere(
  context: Context,
  filter: OrderFilterInput | null | undefined,
): Promise<Prisma.OrderWhereInput> {
  const filtered = orderWhere(filter);
  const visible = await viewerOrderWhere(context);
  return visible ? { AND: [visible, filtered] } : filtered;
}

builder.queryFields((t) => ({
  orders: t.prismaConnection(
    {
      type: "Order",
      cursor: "id",
      description:
        "Orders the caller may see, newest first: a buyer's own, a supplier's assigned ones, every order for admins.",
      args: { filter: t.arg({ type: OrderFilter }) },
      authScopes: { $all: { authenticated: true, apiScope: "orders:read" } },
      totalCount: async (_parent, args, context) =>
        context.db.tx.order.count({ where: await ordersWhere(context, args.filter) }),
      resolve: async (query, _parent, args, context) => {
        // Above the cap is an error, not Pothos' silent clamp.
        assertPageArgs(args);
        return context.db.tx.order.findMany({
          ...query,
          where: await ordersWhere(context, args.filter),
          orderBy: ORDERS_ORDER,
        });
      },
    },
    OrderConnection,
  ),

  order: t.prismaField({
    type: "Order",
    nullable: true,
    description:
      "One order. FORBIDDEN unless the caller is a party to it (its buyer, its supplier, an admin), whether or not it exists.",
    args: { id: t.arg.globalID({ for: Order, required: true }) },
    // Scope functions see the id as sent (scope-auth runs before argument mapping).
    authScopes: (_root, args) => ({
      $all: { apiScope: "orders:read", orderParty: args.id },
    }),
    resolve: (query, _root, args, context) =>
      context.db.tx.order.findUnique({ ...query, where: { id: orderUuid(args.id) } }),
  }),
}));
