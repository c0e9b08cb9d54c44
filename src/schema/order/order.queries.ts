import { builder } from "../../builder";
import { badUserInput } from "../../graphql/errors";
import type { Prisma } from "../../generated/prisma/client";
import { orderUuid } from "../../graphql/auth-scopes";
import { assertPageArgs } from "../../graphql/connection-args";
import { parseUuid } from "../../graphql/node-id";
import { Supplier } from "../supplier/supplier.type";
import { OrderStatus } from "./order-enums";
import { Order, OrderConnection } from "./order.type";

const MAX_SEARCH_LENGTH = 100;

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

/** The filter as a Prisma condition; RLS is added by Postgres to whatever this says. */
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

builder.queryFields((t) => ({
  orders: t.prismaConnection(
    {
      type: "Order",
      cursor: "id",
      description:
        "Orders the caller may see, newest first: a buyer's own, a supplier's assigned ones, every order for admins.",
      args: { filter: t.arg({ type: OrderFilter }) },
      authScopes: { $all: { authenticated: true, apiScope: "orders:read" } },
      totalCount: (_parent, args, context) => context.db.tx.order.count({ where: orderWhere(args.filter) }),
      resolve: (query, _parent, args, context) => {
        // Above the cap is an error, not Pothos' silent clamp.
        assertPageArgs(args);
        return context.db.tx.order.findMany({
          ...query,
          where: orderWhere(args.filter),
          orderBy: ORDERS_ORDER,
          // One statement per relation table, whatever the page size. Not "join":
          // for to-many relations Prisma's lateral join reads whole rows, and the
          // request roles may not read every column of supplier_orders (42501).
          relationLoadStrategy: "query",
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
