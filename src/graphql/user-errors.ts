import type { ClassifiedError } from "../db/errors";

/**
 * Expected failures of mutations, as typed results (API.md): a mutation
 * lists the classes it may throw in `errors: { types: [...] }`, and the
 * errors plugin turns a thrown instance into a member of the field's result
 * union (GraphQL types: src/schema/errors.ts). A mutation that throws one
 * of them changes nothing unless it says otherwise (keepingChanges(); see
 * src/graphql/mutation-errors-plugin.ts).
 */

export const USER_ERROR_CODES = ["BAD_USER_INPUT", "FORBIDDEN", "NOT_FOUND", "CONFLICT"] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

export abstract class UserError extends Error {
  abstract readonly code: UserErrorCode;
  /** The input field at fault (e.g. "input.reason"), when there is one. */
  readonly field: string | null;
  #keepsChanges = false;

  constructor(message: string, options: { field?: string | null } = {}) {
    super(message);
    this.name = new.target.name;
    this.field = options.field ?? null;
  }

  /** A refusal that keeps what the mutation wrote (e.g. a revoked session); the default undoes it. */
  keepingChanges(): this {
    this.#keepsChanges = true;
    return this;
  }

  get keepsChanges(): boolean {
    return this.#keepsChanges;
  }
}

/** The record does not exist, or the caller may not see it (the two look alike on purpose). */
export class NotFoundError extends UserError {
  readonly code = "NOT_FOUND" as const;
}

/** The input is malformed or incomplete. */
export class InvalidInputError extends UserError {
  readonly code = "BAD_USER_INPUT" as const;
}

/** The caller may see the record but not do this to it. */
export class ForbiddenError extends UserError {
  readonly code = "FORBIDDEN" as const;
}

/** The record's state does not allow the change (an invalid transition, a stale version, a duplicate). */
export class ConflictError extends UserError {
  readonly code = "CONFLICT" as const;
  /** A stable reason clients may branch on, e.g. INVALID_TRANSITION. */
  readonly reason: string;

  constructor(message: string, options: { field?: string | null; reason: string }) {
    super(message, options);
    this.reason = options.reason;
  }
}

/** A stale optimistic lock: the record changed since the caller read it (nothing was changed). */
export class VersionConflictError extends UserError {
  readonly code = "CONFLICT" as const;
  readonly reason = "STALE_VERSION";
  /** The version to read again and name next time. */
  readonly currentVersion: number;

  constructor(message: string, options: { field?: string | null; currentVersion: number }) {
    super(message, options);
    this.currentVersion = options.currentVersion;
  }
}

/** A status change the record's state, or the caller's role, does not allow. */
export class InvalidTransitionError extends UserError {
  readonly code = "CONFLICT" as const;
  readonly reason = "INVALID_TRANSITION";
  /** The statuses the caller may move the record to from where it is (GraphQL enum names). */
  readonly allowedTransitions: readonly string[];

  constructor(message: string, options: { field?: string | null; allowedTransitions: readonly string[] }) {
    super(message, options);
    this.allowedTransitions = options.allowedTransitions;
  }
}

/** Not enough stock left for the reservation. */
export class InsufficientStockError extends UserError {
  readonly code = "CONFLICT" as const;
  readonly reason = "INSUFFICIENT_STOCK";
  /** How many are available now. */
  readonly available: number;

  constructor(message: string, options: { field?: string | null; available: number }) {
    super(message, options);
    this.available = options.available;
  }
}

/** A classified database refusal (src/db/errors.ts) as the typed error a mutation returns. */
export function userErrorFor(classified: ClassifiedError): UserError | null {
  switch (classified.code) {
    case "CONFLICT":
      return new ConflictError(classified.message, { reason: classified.reason });
    case "BAD_USER_INPUT":
      return new InvalidInputError(classified.message);
    case "FORBIDDEN":
      return new ForbiddenError(classified.message);
    case "NOT_FOUND":
      return new NotFoundError(classified.message);
    default:
      return null;
  }
}
