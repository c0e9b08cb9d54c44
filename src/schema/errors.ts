import { builder } from "../builder";

/**
 * Expected failures of mutations, as typed results (API.md): a mutation
 * lists the error classes it may throw in `errors: { types: [...] }`, and
 * the errors plugin turns a thrown instance into a member of the field's
 * result union. Every one implements the `UserError` interface, so a client
 * can always ask `... on UserError { code message field }`.
 *
 * Unexpected failures stay GraphQL errors (masked); authorization failures
 * stay GraphQL errors with UNAUTHENTICATED/FORBIDDEN (scope-auth refuses
 * before the resolver runs, and nothing is written).
 */

export const USER_ERROR_CODES = ["BAD_USER_INPUT", "FORBIDDEN", "NOT_FOUND", "CONFLICT"] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

export abstract class UserError extends Error {
  abstract readonly code: UserErrorCode;
  /** The input field at fault (e.g. "input.reason"), when there is one. */
  readonly field: string | null;

  constructor(message: string, options: { field?: string | null } = {}) {
    super(message);
    this.field = options.field ?? null;
  }
}

/** The record does not exist, or the caller may not see it (the two look alike on purpose). */
export class NotFoundError extends UserError {
  override name = "NotFoundError";
  readonly code = "NOT_FOUND" as const;
}

/** The input is malformed or incomplete. */
export class InvalidInputError extends UserError {
  override name = "InvalidInputError";
  readonly code = "BAD_USER_INPUT" as const;
}

/** The caller may see the record but not do this to it. */
export class ForbiddenError extends UserError {
  override name = "ForbiddenError";
  readonly code = "FORBIDDEN" as const;
}

/** The record's state does not allow the change (an invalid transition, a stale version, a duplicate). */
export class ConflictError extends UserError {
  override name = "ConflictError";
  readonly code = "CONFLICT" as const;
  /** A stable reason clients may branch on, e.g. INVALID_TRANSITION. */
  readonly reason: string;

  constructor(message: string, options: { field?: string | null; reason: string }) {
    super(message, options);
    this.reason = options.reason;
  }
}

const UserErrorCodeEnum = builder.enumType("UserErrorCode", {
  values: USER_ERROR_CODES,
});

export const UserErrorInterface = builder.interfaceRef<UserError>("UserError").implement({
  description: "An expected failure of a mutation: nothing was changed.",
  fields: (t) => ({
    code: t.field({ type: UserErrorCodeEnum, resolve: (error) => error.code }),
    message: t.exposeString("message"),
    field: t.exposeString("field", {
      nullable: true,
      description: 'The input field at fault, e.g. "input.reason".',
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
});

builder.objectType(InvalidInputError, {
  name: "InvalidInputError",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof InvalidInputError,
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({
    reason: t.exposeString("reason"),
  }),
});
