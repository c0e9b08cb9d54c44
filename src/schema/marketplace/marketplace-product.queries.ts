import { queryFromInfo } from "@pothos/plugin-prisma";
import { builder } from "../../builder";
import type { Context } from "../../context";
import { isAdminSession, isSignedIn } from "../../graphql/auth-scopes";
import { badUserInput } from "../../graphql/errors";
import { pageRequest } from "../../graphql/connection-args";
import { parseUuid } from "../../graphql/node-id";
import { Supplier } from "../supplier/supplier.type";
import { ListingStatus, MarketplaceProduct, MarketplaceProductConnection } from "./marketplace-product.type";
import {
  type MarketplaceFilter,
  countMarketplace,
  effectiveOrder,
  loadMarketplacePage,
} from "./marketplace-search";

const MAX_SEARCH_LENGTH = 200;
const MAX_LIST_FILTER_VALUES = 50;

const MarketplaceProductOrder = builder.enumType("MarketplaceProductOrder", {
  values: {
    RELEVANCE: {
      description: "Best full-text match first. The default with a search; without one it means NEWEST.",
    },
    NEWEST: { description: "Most recently approved first. The default without a search." },
    PRICE_ASC: { description: "Lowest finalPrice first." },
    PRICE_DESC: { description: "Highest finalPrice first." },
  } as const,
});

const MarketplaceProductFilter = builder.inputType("MarketplaceProductFilter", {
  description:
    "All given conditions must hold. Visibility rules apply first: the filter can only narrow them.",
  fields: (t) => ({
    search: t.string({
      description: 'Full-text search over title, category, material and description ("merino -acrylic").',
    }),
    category: t.string(),
    minPrice: t.field({ type: "Decimal", description: "Lowest finalPrice, inclusive." }),
    maxPrice: t.field({ type: "Decimal", description: "Highest finalPrice, inclusive." }),
    colors: t.stringList({ description: "Listings offering any of these colors." }),
    sizes: t.stringList({ description: "Listings offering any of these sizes." }),
    supplierId: t.globalID({ for: Supplier, description: "A Supplier's id." }),
    featured: t.boolean(),
    status: t.field({ type: ListingStatus }),
  }),
});

builder.queryFields((t) => ({
  marketplaceProducts: t.connection(
    {
      type: MarketplaceProduct,
      description: "Marketplace listings the caller may see (anonymous callers: approved listings).",
      args: {
        filter: t.arg({ type: MarketplaceProductFilter }),
        orderBy: t.arg({ type: MarketplaceProductOrder }),
      },
      resolve: async (_root, args, context, info) => {
        const page = pageRequest(args);
        const filter = withViewerCondition(context, parseFilter(args.filter));
        if (!filter) return EMPTY_PAGE;
        const order = effectiveOrder(args.orderBy, filter);
        const tx = context.db.tx;

        const result = await loadMarketplacePage(tx, filter, order, page);
        const ids = result.rows.map((row) => row.id);
        // The selection the client asked for under edges.node (relations included), in one query.
        const query = queryFromInfo({
          context,
          info,
          typeName: "MarketplaceProduct",
          path: ["edges", "node"],
        });
        const listings =
          ids.length === 0
            ? []
            : await tx.marketplaceProduct.findMany({
                ...query,
                where: { id: { in: ids } },
                relationLoadStrategy: "join",
              });
        const byId = new Map(listings.map((listing) => [listing.id, listing]));

        return {
          // Rows are read in the same snapshot (repeatable read), so every id is found.
          edges: result.rows.flatMap((row) => {
            const node = byId.get(row.id);
            return node ? [{ cursor: row.cursor, node }] : [];
          }),
          pageInfo: {
            hasNextPage: result.hasNextPage,
            hasPreviousPage: result.hasPreviousPage,
            startCursor: result.rows.at(0)?.cursor ?? null,
            endCursor: result.rows.at(-1)?.cursor ?? null,
          },
          totalCount: () => countMarketplace(tx, filter),
        };
      },
    },
    MarketplaceProductConnection,
  ),

  marketplaceProduct: t.prismaField({
    type: "MarketplaceProduct",
    nullable: true,
    description: "A listing by its slug; null when it does not exist or the caller may not see it.",
    args: { slug: t.arg.string({ required: true }) },
    resolve: (query, _root, { slug }, context) =>
      context.db.tx.marketplaceProduct.findUnique({ ...query, where: { slug } }),
  }),
}));

const EMPTY_PAGE = {
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  totalCount: () => 0,
};

/**
 * The filter with the caller's own condition (sql/CONVENTIONS.md: policies
 * are guards, not filters), or null when the caller may see none of what it
 * asks for. Anonymous callers and signed-in ones without the supplier role
 * see approved listings only (select_approved); suppliers approved ones and
 * their own (select_own); admin sessions all (API keys never act as admins).
 * Left to the policies, a signed-in buyer's page was a sequential scan and
 * sort of every listing (the OR of the three policies matches no index).
 */
function withViewerCondition(context: Context, filter: MarketplaceFilter): MarketplaceFilter | null {
  const { viewer } = context;
  if (isAdminSession(viewer)) return filter;
  if (isSignedIn(viewer) && viewer.roles.includes("supplier"))
    return { ...filter, visibility: "approvedOrOwn" };
  if (filter.status && filter.status !== "approved") return null;
  return { ...filter, visibility: "approved" };
}

interface FilterInput {
  search?: string | null;
  category?: string | null;
  minPrice?: MarketplaceFilter["minPrice"];
  maxPrice?: MarketplaceFilter["maxPrice"];
  colors?: string[] | null;
  sizes?: string[] | null;
  supplierId?: { typename: string; id: string } | null;
  featured?: boolean | null;
  status?: MarketplaceFilter["status"];
}

function parseFilter(input: FilterInput | null | undefined): MarketplaceFilter {
  if (!input) return {};
  if (input.search && input.search.length > MAX_SEARCH_LENGTH) {
    throw badUserInput(`"search" may be at most ${MAX_SEARCH_LENGTH} characters.`, {
      argument: "filter.search",
    });
  }
  for (const name of ["colors", "sizes"] as const) {
    if ((input[name]?.length ?? 0) > MAX_LIST_FILTER_VALUES) {
      throw badUserInput(`"${name}" may list at most ${MAX_LIST_FILTER_VALUES} values.`, {
        argument: `filter.${name}`,
      });
    }
  }
  for (const name of ["minPrice", "maxPrice"] as const) {
    if (input[name]?.isNegative())
      throw badUserInput(`"${name}" must not be negative.`, { argument: `filter.${name}` });
  }
  return {
    ...input,
    supplierId: input.supplierId ? parseUuid(input.supplierId.id, "filter.supplierId") : null,
  };
}
