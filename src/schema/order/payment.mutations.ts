import { builder } from "../../builder";
import { requiredText } from "../../graphql/input-validation";
import { classifyDatabaseError } from "../../db/errors";
import type { Prisma } from "../../generated/prisma/client";
import type { PaymentStatus as PaymentStatusValue } from "../../generated/prisma/enums";
import { apiKeyScopes, isSignedIn } from "../../graphql/auth-scopes";
import { parseUuid } from "../../graphql/node-id";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../graphql/user-errors";
import { PaymentStatus } from "./order-enums";
import { Order, Payment } from "./order.type";

/**
 * Money in and out of an order: recordPayment (admins, or an admin's API key
 * with `payments:write`) and refundPayment (admins). The database owns both
 * (sql/migrations/016): app.record_payment / app.refund_payment decide who
 * may, make a replayed idempotency key return the first result (also when
 * the replays race), refuse a key reused with another body (a unique
 * violation, CONFLICT), never refund more than a payment brought in, and the
 * payment_status trigger keeps the order's status. This module validates the
 * input early, with the field at fault, and shapes the result.
 */

const MAX_METHOD_LENGTH = 50;
const MAX_REASON_LENGTH = 2_000;
const MIN_KEY_LENGTH = 8;
const MAX_KEY_LENGTH = 200;
/** numeric(12,2). */
const MAX_AMOUNT = "9999999999.99";

const RecordPaymentInput = builder.inputType("RecordPaymentInput", {
  fields: (t) => ({
    orderId: t.globalID({ for: Order, required: true }),
    amount: t.field({ type: "Decimal", required: true, description: "More than 0, at most two decimals." }),
    currency: t.string({ required: true, description: "ISO 4217; must be the order's currency." }),
    method: t.string({
      required: true,
      description: `How it was paid, e.g. "wire". At most ${MAX_METHOD_LENGTH} characters.`,
    }),
    idempotencyKey: t.string({
      required: true,
      description: `${MIN_KEY_LENGTH} to ${MAX_KEY_LENGTH} characters; replaying it returns the first result.`,
    }),
  }),
});

const RefundPaymentInput = builder.inputType("RefundPaymentInput", {
  fields: (t) => ({
    paymentId: t.globalID({ for: Payment, required: true }),
    amount: t.field({
      type: "Decimal",
      required: true,
      description: "More than 0; at most what the payment brought in, net of its earlier refunds.",
    }),
    reason: t.string({ required: true, description: `At most ${MAX_REASON_LENGTH} characters.` }),
    idempotencyKey: t.string({
      required: true,
      description: `${MIN_KEY_LENGTH} to ${MAX_KEY_LENGTH} characters; replaying it returns the first result.`,
    }),
  }),
});

/** What app.record_payment / app.refund_payment answer. */
interface PaymentResult {
  paymentId: string;
  replayed: boolean;
  orderPaymentStatus: PaymentStatusValue;
}

const paymentPayload = (name: string, description: string) =>
  builder.objectRef<PaymentResult>(name).implement({
    fields: (t) => ({
      payment: t.prismaField({
        type: "Payment",
        nullable: true,
        description: `${description} Null when the caller may not read it (an API key never reads as an admin).`,
        resolve: (query, result, _args, context) =>
          context.db.tx.payment.findUnique({ ...query, where: { id: result.paymentId } }),
      }),
      paymentId: t.globalID({
        description: "The id of the payment row, readable or not.",
        resolve: (result) => ({ type: "Payment", id: result.paymentId }),
      }),
      replayed: t.exposeBoolean("replayed", {
        description:
          "True when the idempotency key was seen before: this is the first result, nothing new was written.",
      }),
      orderPaymentStatus: t.field({
        type: PaymentStatus,
        description: "The order's payment status afterwards.",
        resolve: (result) => result.orderPaymentStatus,
      }),
    }),
  });

const RecordPaymentPayload = paymentPayload("RecordPaymentPayload", "The payment recorded.");
const RefundPaymentPayload = paymentPayload("RefundPaymentPayload", "The refund (a Payment of kind REFUND).");

builder.mutationFields((t) => ({
  recordPayment: t.field({
    type: RecordPaymentPayload,
    description:
      "Records a received payment as succeeded (admins, or an admin's API key with payments:write). " +
      "Replaying the idempotency key returns the first result; the same key with another body is a conflict.",
    // Sessions hold every API scope, so `apiScope` alone would let any
    // buyer in: a session must be an admin's, a key must carry the scope
    // and belong to an admin (anyone may issue a key with any scope). The
    // database asks the same of the signed claims (app.can_write_payments).
    authScopes: (_root, _args, context) => {
      const { viewer } = context;
      if (apiKeyScopes(viewer) === null) return { admin: true };
      return isSignedIn(viewer) && viewer.roles.includes("admin") ? { apiScope: "payments:write" } : false;
    },
    args: { input: t.arg({ type: RecordPaymentInput, required: true }) },
    errors: { types: [NotFoundError, InvalidInputError, ForbiddenError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const orderId = parseUuid(input.orderId.id, "input.orderId");
      const amount = moneyAmount(input.amount, "input.amount");
      const currency = input.currency.trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) {
        throw new InvalidInputError('"currency" must be a three-letter ISO 4217 code.', {
          field: "input.currency",
        });
      }
      const method = requiredText(input.method, "input.method", MAX_METHOD_LENGTH);
      const key = idempotencyKey(input.idempotencyKey);

      const result = await paymentCall(
        context.db.tx.$queryRaw<PaymentRow[]>`
          select payment_id::text, replayed, order_payment_status::text
            from app.record_payment(${orderId}::uuid, ${amount}::numeric, ${currency}, ${method}, ${key})`,
        "input.amount",
      );
      if (!result) throw new NotFoundError("No such order.", { field: "input.orderId" });
      return result;
    },
  }),

  refundPayment: t.field({
    type: RefundPaymentPayload,
    description:
      "Gives back part or all of a succeeded payment (admins), as a Payment of kind REFUND. " +
      "Replaying the idempotency key returns the first result; the same key with another body is a conflict.",
    authScopes: { admin: true },
    args: { input: t.arg({ type: RefundPaymentInput, required: true }) },
    errors: { types: [NotFoundError, InvalidInputError, ForbiddenError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const paymentId = parseUuid(input.paymentId.id, "input.paymentId");
      const amount = moneyAmount(input.amount, "input.amount");
      const reason = requiredText(input.reason, "input.reason", MAX_REASON_LENGTH);
      const key = idempotencyKey(input.idempotencyKey);

      const result = await paymentCall(
        context.db.tx.$queryRaw<PaymentRow[]>`
          select payment_id::text, replayed, order_payment_status::text
            from app.refund_payment(${paymentId}::uuid, ${amount}::numeric, ${reason}, ${key})`,
        "input.amount",
      );
      if (!result) throw new NotFoundError("No such payment.", { field: "input.paymentId" });
      return result;
    },
  }),
}));

// ---------------------------------------------------------------- internals

interface PaymentRow {
  payment_id: string;
  replayed: boolean;
  order_payment_status: PaymentStatusValue;
}

/**
 * Runs the database call. Two refusals get their field (and, for the key, a
 * reason clients can branch on); every other one goes to the errors
 * plugin's one SQLSTATE mapping as it is: a unique violation can only be the
 * idempotency key (app.record_payment / refund_payment raise it for a key
 * reused with another body), a rule (LLRUL) is a refund beyond what is left
 * or a currency that is not the order's.
 */
async function paymentCall(call: Promise<PaymentRow[]>, ruleField: string): Promise<PaymentResult | null> {
  let rows: PaymentRow[];
  try {
    rows = await call;
  } catch (error) {
    const classified = classifyDatabaseError(error);
    if (classified?.reason === "ALREADY_EXISTS") {
      throw new ConflictError("This idempotency key was already used with a different body.", {
        field: "input.idempotencyKey",
        reason: "IDEMPOTENCY_KEY_REUSED",
      });
    }
    if (classified?.reason === "RULE_VIOLATION") {
      const field = /currency/.test(classified.message) ? "input.currency" : ruleField;
      throw new InvalidInputError(classified.message, { field });
    }
    throw error;
  }
  const [row] = rows;
  return row
    ? { paymentId: row.payment_id, replayed: row.replayed, orderPaymentStatus: row.order_payment_status }
    : null;
}

function moneyAmount(value: Prisma.Decimal, field: string): string {
  if (!value.isFinite() || value.lte(0) || value.gt(MAX_AMOUNT)) {
    throw new InvalidInputError(`"amount" must be more than 0 and at most ${MAX_AMOUNT}.`, { field });
  }
  if (value.decimalPlaces() > 2) {
    throw new InvalidInputError('"amount" may have at most two decimals.', { field });
  }
  return value.toFixed(2);
}

function idempotencyKey(value: string): string {
  if (value.length < MIN_KEY_LENGTH || value.length > MAX_KEY_LENGTH || value.trim() !== value) {
    throw new InvalidInputError(
      `"idempotencyKey" must be ${MIN_KEY_LENGTH} to ${MAX_KEY_LENGTH} characters without surrounding spaces.`,
      { field: "input.idempotencyKey" },
    );
  }
  return value;
}
