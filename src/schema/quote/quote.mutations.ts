import { randomUUID } from "node:crypto";
import { optionalText } from "../../graphql/input-validation";
import { builder } from "../../builder";
import type { Prisma } from "../../generated/prisma/client";
import { isSignedIn } from "../../graphql/auth-scopes";
import { parseUuid } from "../../graphql/node-id";
import {
  ConflictError,
  InvalidInputError,
  InvalidTransitionError,
  NotFoundError,
} from "../../graphql/user-errors";
import { MAX_QUOTE_QUANTITY, MIN_QUOTE_QUANTITY } from "../../services/pricing";
import { Supplier } from "../supplier/supplier.type";
import { User } from "../user/user.type";
import { ComplexityLevel, LeadStatus, Quote, QuoteStatus } from "./quote.type";

/**
 * The quote workflow's writes. The database owns the estimate and the
 * status (migration 013): requestQuote stores the request through
 * app.request_quote(), which the model prices; convertQuoteToOrder is
 * app.convert_quote_to_order(), one statement. Refusals raised there
 * (LLTRN: an invalid transition naming the allowed ones; LLRUL) become
 * typed results through the SQLSTATE mapping; the checks here only give
 * the common refusals their input field.
 */

const MAX_TEXT = 5_000;
const MAX_SHORT_TEXT = 200;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Statuses in which a quote is still open, so it may be assigned. */
const OPEN_STATUSES = new Set(["draft", "sent", "accepted"]);

// ------------------------------------------------------------------ requestQuote

const RequestQuoteInput = builder.inputType("RequestQuoteInput", {
  fields: (t) => ({
    productType: t.string({ required: true, description: "What to make, e.g. sweater, cardigan, beanie." }),
    quantity: t.int({
      required: true,
      description: `Pieces, ${MIN_QUOTE_QUANTITY} to ${MAX_QUOTE_QUANTITY}.`,
    }),
    complexityLevel: t.field({ type: ComplexityLevel, defaultValue: "moderate" }),
    fabricType: t.string({ description: "e.g. cotton, wool, merino, cashmere." }),
    customerEmail: t.string({ required: true }),
    customerName: t.string(),
    phoneNumber: t.string(),
    country: t.string({ description: "Destination, ISO 3166 alpha-2 (e.g. DE)." }),
    additionalRequirements: t.string({ description: `At most ${MAX_TEXT} characters.` }),
    sessionId: t.string({ description: "An anonymous visitor's session, to find the request again." }),
  }),
});

interface EstimateShape {
  unitPrice: string;
  totalPrice: Prisma.Decimal;
  estimatedDeliveryDays: number | null;
  details: Record<string, unknown>;
}

const QuoteEstimate = builder.objectRef<EstimateShape>("QuoteEstimate").implement({
  description: "The pricing model's estimate (src/services/pricing.ts), computed and stored by the database.",
  fields: (t) => ({
    unitPrice: t.field({ type: "Decimal", resolve: (estimate) => estimate.unitPrice }),
    totalPrice: t.field({ type: "Decimal", resolve: (estimate) => estimate.totalPrice }),
    estimatedDeliveryDays: t.int({ nullable: true, resolve: (estimate) => estimate.estimatedDeliveryDays }),
    details: t.field({
      type: "JSON",
      description: "Line items and factors.",
      resolve: (estimate) => estimate.details,
    }),
  }),
});

interface RequestQuoteResult {
  quoteId: string;
  status: string;
  estimate: EstimateShape;
}

const RequestQuotePayload = builder.objectRef<RequestQuoteResult>("RequestQuotePayload").implement({
  fields: (t) => ({
    quoteId: t.globalID({
      description: "The quote's global id.",
      resolve: (payload) => ({ type: "Quote", id: payload.quoteId }),
    }),
    status: t.field({ type: QuoteStatus, resolve: (payload) => payload.status as "draft" }),
    estimate: t.field({ type: QuoteEstimate, resolve: (payload) => payload.estimate }),
    quote: t.prismaField({
      type: "Quote",
      nullable: true,
      description:
        "The stored quote, for a signed-in requester; null for anonymous visitors (who cannot read quotes).",
      resolve: (query, payload, _args, context) =>
        isSignedIn(context.viewer)
          ? context.db.tx.quote.findUnique({ ...query, where: { id: payload.quoteId } })
          : null,
    }),
  }),
});

builder.mutationField("requestQuote", (t) =>
  t.field({
    type: RequestQuotePayload,
    description:
      "Ask for a quote (anonymous visitors too): stored as a draft with the pricing model's estimate.",
    authScopes: { person: true },
    args: { input: t.arg({ type: RequestQuoteInput, required: true }) },
    errors: { types: [InvalidInputError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const productType = optionalText(input.productType, "input.productType", MAX_SHORT_TEXT);
      if (!productType)
        throw new InvalidInputError("A product type is required.", { field: "input.productType" });
      if (
        !Number.isInteger(input.quantity) ||
        input.quantity < MIN_QUOTE_QUANTITY ||
        input.quantity > MAX_QUOTE_QUANTITY
      ) {
        throw new InvalidInputError(
          `"quantity" must be from ${MIN_QUOTE_QUANTITY} to ${MAX_QUOTE_QUANTITY}.`,
          { field: "input.quantity" },
        );
      }
      const email = input.customerEmail.trim().toLowerCase();
      if (!EMAIL.test(email) || email.length > 254) {
        throw new InvalidInputError("The email address is not valid.", { field: "input.customerEmail" });
      }
      const country = input.country?.trim().toUpperCase() || null;
      if (country && !/^[A-Z]{2}$/.test(country)) {
        throw new InvalidInputError('"country" is an ISO 3166 alpha-2 code, e.g. "DE".', {
          field: "input.country",
        });
      }
      const id = randomUUID();
      const [row] = await context.db.tx.$queryRaw<
        {
          status: string;
          total_price: Prisma.Decimal;
          estimated_delivery_days: number | null;
          quote_data: Record<string, unknown>;
        }[]
      >`
        select q.status::text as status, q.total_price, q.estimated_delivery_days, q.quote_data
          from app.request_quote(
            ${id}::uuid, ${email}, ${optionalText(input.customerName, "input.customerName", MAX_SHORT_TEXT)},
            ${optionalText(input.phoneNumber, "input.phoneNumber", 50)}, ${country},
            ${optionalText(input.sessionId, "input.sessionId", MAX_SHORT_TEXT)}, ${productType}, ${input.quantity}::integer,
            ${input.complexityLevel ?? "moderate"}::complexity_level,
            ${optionalText(input.fabricType, "input.fabricType", MAX_SHORT_TEXT)},
            ${optionalText(input.additionalRequirements, "input.additionalRequirements", MAX_TEXT)}) as q`;
      if (!row) throw new Error("app.request_quote returned no row");
      return {
        quoteId: id,
        status: row.status,
        estimate: {
          unitPrice: String(row.quote_data.unitPrice),
          totalPrice: row.total_price,
          estimatedDeliveryDays: row.estimated_delivery_days,
          details: row.quote_data,
        },
      };
    },
  }),
);

// ------------------------------------------------------------------ admin mutations

const QuotePayload = builder.objectRef<{ quoteId: string }>("QuotePayload").implement({
  fields: (t) => ({
    quote: t.prismaField({
      type: "Quote",
      description: "The quote after the change.",
      resolve: (query, payload, _args, context) =>
        context.db.tx.quote.findUniqueOrThrow({ ...query, where: { id: payload.quoteId } }),
    }),
  }),
});

async function quoteStatusOf(context: { db: { tx: Prisma.TransactionClient } }, id: string) {
  const quote = await context.db.tx.quote.findUnique({ where: { id }, select: { status: true } });
  if (!quote) throw new NotFoundError("No such quote.", { field: "input.id" });
  return quote.status;
}

const AssignQuoteInput = builder.inputType("AssignQuoteInput", {
  fields: (t) => ({
    id: t.globalID({ for: Quote, required: true }),
    supplierId: t.globalID({ for: Supplier, required: true, description: "A verified supplier." }),
  }),
});

builder.mutationField("assignQuote", (t) =>
  t.field({
    type: QuotePayload,
    description:
      "Assign a quote to a verified supplier, who then sees it without the customer's contact (admins).",
    authScopes: { admin: true },
    args: { input: t.arg({ type: AssignQuoteInput, required: true }) },
    errors: { types: [NotFoundError, InvalidInputError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      const supplierId = parseUuid(input.supplierId.id, "input.supplierId");
      const status = await quoteStatusOf(context, id);
      if (!OPEN_STATUSES.has(status)) {
        throw new ConflictError(
          `This quote is ${status}: only a draft, sent or accepted quote can be assigned.`,
          {
            field: "input.id",
            reason: "QUOTE_CLOSED",
          },
        );
      }
      const supplier = await context.db.tx.supplier.findUnique({
        where: { id: supplierId },
        select: { verificationStatus: true },
      });
      if (!supplier) throw new NotFoundError("No such supplier.", { field: "input.supplierId" });
      if (supplier.verificationStatus !== "verified") {
        throw new InvalidInputError("Only a verified supplier can be assigned a quote.", {
          field: "input.supplierId",
        });
      }
      const viewer = context.viewer;
      await context.db.tx.quote.update({
        where: { id },
        data: {
          assignedSupplierId: supplierId,
          assignedAt: new Date(),
          assignedBy: isSignedIn(viewer) ? viewer.id : null,
        },
        select: { id: true },
      });
      return { quoteId: id };
    },
  }),
);

const UpdateQuoteLeadInput = builder.inputType("UpdateQuoteLeadInput", {
  fields: (t) => ({
    id: t.globalID({ for: Quote, required: true }),
    leadStatus: t.field({ type: LeadStatus }),
    leadNotes: t.string({ description: `At most ${MAX_TEXT} characters; an empty string clears them.` }),
  }),
});

builder.mutationField("updateQuoteLead", (t) =>
  t.field({
    type: QuotePayload,
    description: "Record the sales follow-up of a quote: its lead status and notes (admins).",
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateQuoteLeadInput, required: true }) },
    errors: { types: [NotFoundError, InvalidInputError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      if (input.leadStatus == null && input.leadNotes == null) {
        throw new InvalidInputError("Give a lead status, notes, or both.", { field: "input.leadStatus" });
      }
      const notes =
        input.leadNotes == null ? undefined : optionalText(input.leadNotes, "input.leadNotes", MAX_TEXT);
      await quoteStatusOf(context, id);
      await context.db.tx.quote.update({
        where: { id },
        data: {
          ...(input.leadStatus != null ? { leadStatus: input.leadStatus } : {}),
          ...(notes !== undefined ? { leadNotes: notes } : {}),
        },
        select: { id: true },
      });
      return { quoteId: id };
    },
  }),
);

const ConvertQuoteToOrderInput = builder.inputType("ConvertQuoteToOrderInput", {
  fields: (t) => ({
    id: t.globalID({ for: Quote, required: true }),
    buyerId: t.globalID({
      for: User,
      description:
        "The order's buyer (a user with the buyer role). Defaults to the requester; required for anonymous requests.",
    }),
  }),
});

const ConvertQuoteToOrderPayload = builder
  .objectRef<{ quoteId: string; orderId: string }>("ConvertQuoteToOrderPayload")
  .implement({
    fields: (t) => ({
      quote: t.prismaField({
        type: "Quote",
        resolve: (query, payload, _args, context) =>
          context.db.tx.quote.findUniqueOrThrow({ ...query, where: { id: payload.quoteId } }),
      }),
      order: t.prismaField({
        type: "Order",
        description: "The submitted order, at the quote's price, with one line.",
        resolve: (query, payload, _args, context) =>
          context.db.tx.order.findUniqueOrThrow({ ...query, where: { id: payload.orderId } }),
      }),
    }),
  });

builder.mutationField("convertQuoteToOrder", (t) =>
  t.field({
    type: ConvertQuoteToOrderPayload,
    description:
      "Turn a draft, sent or accepted quote into a submitted order with one line at the quote's price, in one transaction (admins). Converting twice is a CONFLICT.",
    authScopes: { admin: true },
    args: { input: t.arg({ type: ConvertQuoteToOrderInput, required: true }) },
    errors: {
      types: [NotFoundError, InvalidInputError, InvalidTransitionError, ConflictError],
      directResult: true,
    },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      const buyerId = input.buyerId ? parseUuid(input.buyerId.id, "input.buyerId") : null;
      const quote = await context.db.tx.quote.findUnique({
        where: { id },
        select: { status: true, requestedBy: true, convertedToOrderId: true },
      });
      if (!quote) throw new NotFoundError("No such quote.", { field: "input.id" });
      if (quote.status === "converted" || quote.convertedToOrderId) {
        throw new ConflictError("This quote was already converted to an order.", {
          field: "input.id",
          reason: "ALREADY_CONVERTED",
        });
      }
      // Where a quote may go from its status is the database's rule (app.quote_status_next).
      const [next] = await context.db.tx.$queryRaw<{ allowed: string[] }[]>`
        select app.quote_status_next(${quote.status}::quote_status)::text[] as allowed`;
      const allowed = next?.allowed ?? [];
      if (!allowed.includes("converted")) {
        throw new InvalidTransitionError(
          `This quote is ${quote.status}: only a draft, sent or accepted quote can be converted to an order.`,
          { field: "input.id", allowedTransitions: allowed.map((status) => status.toUpperCase()) },
        );
      }
      if (!buyerId && !quote.requestedBy) {
        throw new InvalidInputError("This quote was requested anonymously: name the order's buyer.", {
          field: "input.buyerId",
        });
      }
      // The buyer's role and a concurrent conversion are the function's to
      // refuse (LLRUL/LLTRN: typed results); it checks the status again under its lock.
      const [row] = await context.db.tx.$queryRaw<{ order_id: string }[]>`
        select app.convert_quote_to_order(${id}::uuid, ${buyerId}::uuid)::text as order_id`;
      if (!row) throw new Error("app.convert_quote_to_order returned no row");
      return { quoteId: id, orderId: row.order_id };
    },
  }),
);
