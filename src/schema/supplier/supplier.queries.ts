import { builder } from "../../builder";
import type { Context } from "../../context";
import { badUserInput } from "../../graphql/errors";
import type { Prisma } from "../../generated/prisma/client";
import { isAdminSession, isSignedIn } from "../../graphql/auth-scopes";
import { assertPageArgs } from "../../graphql/connection-args";
import { findByUuid } from "../../graphql/node-id";
import { Supplier, SupplierConnection, VerificationStatus } from "./supplier.type";

const MAX_FILTER_LENGTH = 100;

/** Alphabetical; the id breaks ties so every position (and cursor) is unique. */
const SUPPLIERS_ORDER: Prisma.SupplierOrderByWithRelationInput[] = [{ companyName: "asc" }, { id: "asc" }];

const SupplierFilter = builder.inputType("SupplierFilter", {
  description: "All given conditions must hold. Visibility rules apply first: a filter only narrows them.",
  fields: (t) => ({
    specialization: t.string({ description: 'Suppliers listing this specialization, e.g. "knitwear".' }),
    country: t.string({ description: "ISO 3166-1 alpha-2 country code, e.g. PT." }),
    verificationStatus: t.field({
      type: VerificationStatus,
      description: "Anonymous callers and buyers see verified suppliers only; admins see all.",
    }),
  }),
});

interface SupplierFilterInput {
  specialization?: string | null;
  country?: string | null;
  verificationStatus?: Prisma.SupplierWhereInput["verificationStatus"] | null;
}

function supplierWhere(filter: SupplierFilterInput | null | undefined): Prisma.SupplierWhereInput {
  if (!filter) return {};
  const where: Prisma.SupplierWhereInput[] = [];
  const specialization = filter.specialization?.trim();
  if (specialization) {
    if (specialization.length > MAX_FILTER_LENGTH) {
      throw badUserInput(`"specialization" may be at most ${MAX_FILTER_LENGTH} characters.`, {
        argument: "filter.specialization",
      });
    }
    where.push({ specializations: { has: specialization } });
  }
  if (filter.country != null) {
    const country = filter.country.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) {
      throw badUserInput('"country" is an ISO 3166-1 alpha-2 code, e.g. "PT".', {
        argument: "filter.country",
      });
    }
    where.push({ country });
  }
  if (filter.verificationStatus) where.push({ verificationStatus: filter.verificationStatus });
  return where.length > 0 ? { AND: where } : {};
}

/**
 * Whose suppliers a list asks for: the SELECT policies on suppliers (006,
 * 008) as the query's own condition (sql/CONVENTIONS.md: policies are
 * guards, not filters); the same rows as RLS alone:
 *   - select_verified: verified suppliers, for everyone (anonymous callers: only these);
 *   - select_own: the caller's own, whatever its status (no role needed, as in the policy);
 *   - select_of_my_orders (app.suppliers_of_my_orders()): the suppliers of
 *     the caller's orders as buyer, assigned or holding a supplier order;
 *   - all_admin: no condition (null) for an admin session; API keys never
 *     act as admins (src/graphql/auth-scopes.ts).
 */
export function viewerSupplierWhere(context: Context): Prisma.SupplierWhereInput | null {
  const { viewer } = context;
  const verified: Prisma.SupplierWhereInput = { verificationStatus: "verified" };
  if (!isSignedIn(viewer)) return verified;
  if (isAdminSession(context.viewer)) return null;
  return {
    OR: [
      verified,
      { userId: viewer.id },
      { orders: { some: { buyerId: viewer.id } } },
      { supplierOrders: { some: { buyerOrder: { buyerId: viewer.id } } } },
    ],
  };
}

/** The caller's condition and the filter: what both the page and its totalCount ask for. */
function suppliersWhere(
  context: Context,
  filter: SupplierFilterInput | null | undefined,
): Prisma.SupplierWhereInput {
  const filtered = supplierWhere(filter);
  const visible = viewerSupplierWhere(context);
  return visible ? { AND: [visible, filtered] } : filtered;
}

builder.queryFields((t) => ({
  suppliers: t.prismaConnection(
    {
      type: "Supplier",
      cursor: "id",
      description:
        "Suppliers the caller may see, by company name: verified ones for everyone, all of them for admins.",
      args: { filter: t.arg({ type: SupplierFilter }) },
      authScopes: { $any: { person: true, apiScope: "suppliers:read" } },
      totalCount: (_parent, args, context) =>
        context.db.tx.supplier.count({ where: suppliersWhere(context, args.filter) }),
      resolve: (query, _parent, args, context) => {
        assertPageArgs(args);
        return context.db.tx.supplier.findMany({
          ...query,
          where: suppliersWhere(context, args.filter),
          orderBy: SUPPLIERS_ORDER,
        });
      },
    },
    SupplierConnection,
  ),

  supplier: t.prismaField({
    type: "Supplier",
    nullable: true,
    description: "A supplier by id; null when it does not exist or the caller may not see it.",
    args: { id: t.arg.globalID({ for: Supplier, required: true }) },
    authScopes: { $any: { person: true, apiScope: "suppliers:read" } },
    resolve: (query, _root, args, context) =>
      context.db.tx.supplier.findUnique({ ...query, where: findByUuid(args.id.id) }),
  }),
}));
