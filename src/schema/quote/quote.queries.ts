import { createContextCache } from "@pothos/core";
import { builder } from "../../builder";
import type { Context } from "../../context";
import type { Prisma } from "../../generated/prisma/client";
import { isAdminSession, isSignedIn } from "../../graphql/auth-scopes";
import { assertPageArgs } from "../../graphql/connection-args";
import { LeadStatus, QuoteConnection, QuoteStatus } from "./quote.type";

/** Newest first; the id breaks ties so every position (and cursor) is unique. */
const QUOTES_ORDER: Prisma.QuoteOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];

const QuoteFilter = builder.inputType("QuoteFilter", {
  description: "All given conditions must hold. Visibility rules apply first: a filter only narrows them.",
  fields: (t) => ({
    status: t.field({ type: [QuoteStatus], description: "Quotes in any of these statuses." }),
    leadStatus: t.field({ type: [LeadStatus], description: "Quotes at any of these lead stages." }),
    createdAfter: t.field({ type: "DateTime", description: "Created at or after this instant." }),
    createdBefore: t.field({ type: "DateTime", description: "Created strictly before this instant." }),
  }),
});

interface QuoteFilterInput {
  status?: readonly string[] | null;
  leadStatus?: readonly string[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

function quoteWhere(filter: QuoteFilterInput | null | undefined): Prisma.QuoteWhereInput[] {
  if (!filter) return [];
  const where: Prisma.QuoteWhereInput[] = [];
  if (filter.status?.length)
    where.push({ status: { in: filter.status as Prisma.EnumQuoteStatusFilter["in"] } });
  if (filter.leadStatus?.length) {
    where.push({ leadStatus: { in: filter.leadStatus as Prisma.EnumLeadStatusFilter["in"] } });
  }
  if (filter.createdAfter) where.push({ createdAt: { gte: filter.createdAfter } });
  if (filter.createdBefore) where.push({ createdAt: { lt: filter.createdBefore } });
  return where;
}

/** The caller's supplier while the claims carry the supplier role (the policy's own helper). */
const currentSupplierId = createContextCache(async (context: Context): Promise<string | null> => {
  const [row] = await context.db.tx.$queryRaw<{ id: string | null }[]>`
    select app.current_supplier_id()::text as id`;
  return row?.id ?? null;
});

/**
 * Whose quotes a list asks for: the SELECT policies on quotes as the query's
 * own condition (sql/CONVENTIONS.md: policies are guards, not filters) —
 * select_own (requested_by), select_assigned (assigned_supplier_id, with the
 * supplier role), all_admin (no condition for an admin session).
 */
async function viewerQuoteWhere(context: Context): Promise<Prisma.QuoteWhereInput | null> {
  const { viewer } = context;
  if (!isSignedIn(viewer)) return { id: { in: [] } };
  if (isAdminSession(context.viewer)) return null;
  const parties: Prisma.QuoteWhereInput[] = [{ requestedBy: viewer.id }];
  const supplierId = viewer.roles.includes("supplier") ? await currentSupplierId(context) : null;
  if (supplierId) parties.push({ assignedSupplierId: supplierId });
  return parties.length === 1 ? parties[0]! : { OR: parties };
}

async function quotesWhere(context: Context, filter: QuoteFilterInput | null | undefined) {
  const visible = await viewerQuoteWhere(context);
  const where = [...(visible ? [visible] : []), ...quoteWhere(filter)];
  return where.length > 0 ? { AND: where } : {};
}

builder.queryFields((t) => ({
  quotes: t.prismaConnection(
    {
      type: "Quote",
      cursor: "id",
      description:
        "Quotes the caller may see, newest first: a buyer's own, a supplier's assigned ones, every quote for admins.",
      args: { filter: t.arg({ type: QuoteFilter }) },
      authScopes: { $all: { authenticated: true, person: true } },
      totalCount: async (_parent, args, context) =>
        context.db.tx.quote.count({ where: await quotesWhere(context, args.filter) }),
      resolve: async (query, _parent, args, context) => {
        assertPageArgs(args);
        return context.db.tx.quote.findMany({
          ...query,
          where: await quotesWhere(context, args.filter),
          orderBy: QUOTES_ORDER,
        });
      },
    },
    QuoteConnection,
  ),
}));
