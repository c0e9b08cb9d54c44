import { builder } from "../../builder";
import type { Prisma } from "../../generated/prisma/client";
import {
  ComplexityLevel as ComplexityLevelValues,
  LeadStatus as LeadStatusValues,
  ProductionRoute as ProductionRouteValues,
  QuoteStatus as QuoteStatusValues,
} from "../../generated/prisma/enums";
import { isSignedIn } from "../../graphql/auth-scopes";
import { loaderByIds } from "../../graphql/loaders";
import { uuidNode } from "../../graphql/node-id";
import { prismaEnum } from "../../graphql/prisma-enum";

/**
 * A quote request and its estimate. Which quotes a caller sees is RLS's
 * (admins all, the requester its own, a supplier those assigned to it);
 * which columns, the database's narrowed functions (migrations 008, 013):
 * the estimate for the requester and admins, the costs for the assigned
 * supplier and admins, the markup for admins, and the customer's email and
 * phone for the requester and admins only, never for the assigned supplier.
 */

export const QuoteStatus = prismaEnum("QuoteStatus", QuoteStatusValues);
export const LeadStatus = prismaEnum("LeadStatus", LeadStatusValues);
export const ComplexityLevel = prismaEnum("ComplexityLevel", ComplexityLevelValues);
export const ProductionRoute = prismaEnum("ProductionRoute", ProductionRouteValues);

interface QuotePricingRow {
  total_price: Prisma.Decimal | null;
  quote_data: Record<string, unknown> | null;
  base_cost: Prisma.Decimal | null;
  specialty_cost: Prisma.Decimal | null;
  admin_markup: Prisma.Decimal | null;
}

/** app.quote_pricing(): one statement per request for every quote on a page. */
const quotePricingLoader = loaderByIds<QuotePricingRow | null>(async (ids, context) => {
  if (!isSignedIn(context.viewer)) return [];
  const rows = await context.db.tx.$queryRaw<(QuotePricingRow & { id: string })[]>`
    select p.quote_id::text as id, p.total_price, p.quote_data, p.base_cost, p.specialty_cost, p.admin_markup
      from app.quote_pricing(${[...ids]}::uuid[]) as p`;
  return rows.map((row) => [row.id, row] as const);
}, null);

interface QuoteContactRow {
  customer_email: string;
  phone_number: string | null;
}

/** app.quote_contacts() (013): the requester and admins, never the assigned supplier. */
const quoteContactLoader = loaderByIds<QuoteContactRow | null>(async (ids, context) => {
  if (!isSignedIn(context.viewer)) return [];
  const rows = await context.db.tx.$queryRaw<(QuoteContactRow & { id: string })[]>`
    select c.quote_id::text as id, c.customer_email, c.phone_number
      from app.quote_contacts(${[...ids]}::uuid[]) as c`;
  return rows.map((row) => [row.id, row] as const);
}, null);

/** app.quote_leads() (013): the sales notes, admins only. */
const quoteLeadLoader = loaderByIds<{ lead_notes: string | null } | null>(async (ids, context) => {
  if (!isSignedIn(context.viewer)) return [];
  const rows = await context.db.tx.$queryRaw<{ id: string; lead_notes: string | null }[]>`
    select l.quote_id::text as id, l.lead_notes from app.quote_leads(${[...ids]}::uuid[]) as l`;
  return rows.map((row) => [row.id, row] as const);
}, null);

export const Quote = builder.prismaNode("Quote", {
  ...uuidNode,
  // People only: no API-key scope covers quotes (integrations work on orders).
  authScopes: { person: true },
  description: "A quote request with the database's estimate. Columns a caller may not see resolve to null.",
  fields: (t) => ({
    productType: t.exposeString("productType"),
    quantity: t.exposeInt("quantity"),
    complexityLevel: t.expose("complexityLevel", { type: ComplexityLevel }),
    fabricType: t.exposeString("fabricType", { nullable: true }),
    country: t.exposeString("country", { nullable: true, description: "ISO 3166 alpha-2 destination." }),
    customerName: t.exposeString("customerName", { nullable: true }),
    additionalRequirements: t.exposeString("additionalRequirements", { nullable: true }),
    status: t.expose("status", { type: QuoteStatus }),
    productionRoute: t.expose("productionRoute", { type: ProductionRoute }),
    estimatedDeliveryDays: t.exposeInt("estimatedDeliveryDays", {
      nullable: true,
      description: "The model's lead time in days, from production start to delivery.",
    }),
    customerEmail: t.string({
      nullable: true,
      description: "The requester and admins only (null for the assigned supplier).",
      resolve: async (quote, _args, context) =>
        (await quoteContactLoader(context).load(quote.id))?.customer_email ?? null,
    }),
    phoneNumber: t.string({
      nullable: true,
      description: "The requester and admins only (null for the assigned supplier).",
      resolve: async (quote, _args, context) =>
        (await quoteContactLoader(context).load(quote.id))?.phone_number ?? null,
    }),
    totalPrice: t.field({
      type: "Decimal",
      nullable: true,
      description: "The estimate plus any admin markup: the requester and admins only.",
      resolve: async (quote, _args, context) =>
        (await quotePricingLoader(context).load(quote.id))?.total_price ?? null,
    }),
    estimateDetails: t.field({
      type: "JSON",
      nullable: true,
      description: "The model's line items and factors: the requester and admins only.",
      resolve: async (quote, _args, context) =>
        (await quotePricingLoader(context).load(quote.id))?.quote_data ?? null,
    }),
    baseCost: t.field({
      type: "Decimal",
      nullable: true,
      description: "Production cost: the assigned supplier and admins only.",
      resolve: async (quote, _args, context) =>
        (await quotePricingLoader(context).load(quote.id))?.base_cost ?? null,
    }),
    specialtyCost: t.field({
      type: "Decimal",
      nullable: true,
      description: "Specialty sourcing cost: the assigned supplier and admins only.",
      resolve: async (quote, _args, context) =>
        (await quotePricingLoader(context).load(quote.id))?.specialty_cost ?? null,
    }),
    adminMarkup: t.field({
      type: "Decimal",
      nullable: true,
      description: "Admins only.",
      resolve: async (quote, _args, context) =>
        (await quotePricingLoader(context).load(quote.id))?.admin_markup ?? null,
    }),
    leadStatus: t.expose("leadStatus", {
      type: LeadStatus,
      nullable: true,
      authScopes: { admin: true },
      unauthorizedResolver: () => null,
      description: "Sales follow-up: admins only (null for others).",
    }),
    leadNotes: t.string({
      nullable: true,
      description: "Admins only (null for others).",
      resolve: async (quote, _args, context) =>
        (await quoteLeadLoader(context).load(quote.id))?.lead_notes ?? null,
    }),
    assignedSupplier: t.relation("assignedSupplier", {
      nullable: true,
      description: "The supplier the quote is assigned to; null before assignment.",
    }),
    assignedAt: t.expose("assignedAt", { type: "DateTime", nullable: true }),
    convertedToOrder: t.relation("convertedToOrder", {
      nullable: true,
      description: "The order the quote became; null unless converted (or when the caller may not see it).",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const QuoteConnection = builder.connectionObject(
  { type: Quote, name: "QuoteConnection" },
  { name: "QuoteEdge" },
);
