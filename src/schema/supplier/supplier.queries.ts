import { builder } from "../../builder";
import { badUserInput } from "../../graphql/errors";
import type { Prisma } from "../../generated/prisma/client";
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
        context.db.tx.supplier.count({ where: supplierWhere(args.filter) }),
      resolve: (query, _parent, args, context) => {
        assertPageArgs(args);
        return context.db.tx.supplier.findMany({
          ...query,
          where: supplierWhere(args.filter),
          orderBy: SUPPLIERS_ORDER,
          // Not "join": a to-many lateral join reads whole rows, past column grants.
          relationLoadStrategy: "query",
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
