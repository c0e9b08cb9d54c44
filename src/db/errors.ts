/**
 * The one place where database failures are classified (src/graphql/errors.ts
 * turns a classification into what the client sees).
 *
 * Postgres reports a SQLSTATE; through Prisma 7 and `@prisma/adapter-pg` it
 * arrives as `meta.driverAdapterError.cause.originalCode` on a
 * PrismaClientKnownRequestError (P2010 for raw queries, P2039 or a specific
 * P20xx for model queries), or on a bare DriverAdapterError's `cause` when the
 * failure happens outside a query (BEGIN, COMMIT). A raw `pg` error carries it
 * as `code`. Loomline's own SQLSTATEs (migration 005) name expected failures;
 * their messages are written by us and safe to show.
 *
 * Everything unclassified stays an unexpected error: masked for the client,
 * logged in full.
 */

/**
 * Codes of `extensions.code`: those listed in API.md, and SERVICE_UNAVAILABLE
 * (HTTP 503, retryable) when no database connection could be had in time.
 */
export type ClientErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "SERVICE_UNAVAILABLE";

export interface ClassifiedError {
  code: ClientErrorCode;
  /** A finer, stable reason clients may branch on (e.g. STALE_VERSION). */
  reason: string;
  message: string;
}

interface SqlStateRule {
  code: ClientErrorCode;
  reason: string;
  /** null: the database's own message (only for errors raised by our SQL). */
  message: string | null;
}

const SQLSTATE_RULES: Record<string, SqlStateRule> = {
  // Raised by Loomline's functions and triggers (sql/migrations/005).
  LLCNF: { code: "CONFLICT", reason: "STALE_VERSION", message: null },
  LLTRN: { code: "CONFLICT", reason: "INVALID_TRANSITION", message: null },
  LLSTK: { code: "CONFLICT", reason: "INSUFFICIENT_STOCK", message: null },
  LLRUL: { code: "BAD_USER_INPUT", reason: "RULE_VIOLATION", message: null },
  LLAPP: { code: "FORBIDDEN", reason: "APPEND_ONLY", message: null },

  // Privileges and row level security (a WITH CHECK violation is 42501 too).
  "42501": {
    code: "FORBIDDEN",
    reason: "INSUFFICIENT_PRIVILEGE",
    message: "You are not allowed to do that.",
  },

  // Constraint checks ignore RLS, so their details may describe rows of
  // another tenant: only generic messages leave the server.
  "23505": {
    code: "CONFLICT",
    reason: "ALREADY_EXISTS",
    message: "A record with these values already exists.",
  },
  "23503": {
    code: "BAD_USER_INPUT",
    reason: "INVALID_REFERENCE",
    message: "The operation refers to a record that does not exist, or to one that is still in use.",
  },
  "23502": { code: "BAD_USER_INPUT", reason: "MISSING_VALUE", message: "A required value is missing." },
  "23514": {
    code: "BAD_USER_INPUT",
    reason: "CONSTRAINT_VIOLATION",
    message: "A value is outside the allowed range.",
  },
  "23P01": { code: "CONFLICT", reason: "OVERLAP", message: "The record overlaps an existing one." },

  // Malformed values that reached the database.
  "22001": { code: "BAD_USER_INPUT", reason: "VALUE_TOO_LONG", message: "A value is too long." },
  "22003": { code: "BAD_USER_INPUT", reason: "OUT_OF_RANGE", message: "A number is out of range." },
  "22007": { code: "BAD_USER_INPUT", reason: "INVALID_DATE", message: "A date or time is not valid." },
  "22008": { code: "BAD_USER_INPUT", reason: "INVALID_DATE", message: "A date or time is out of range." },
  "22P02": { code: "BAD_USER_INPUT", reason: "INVALID_VALUE", message: "A value has the wrong format." },
  // A NUL byte or invalid UTF-8 (src/graphql/input-guard.ts refuses them first).
  "22021": {
    code: "BAD_USER_INPUT",
    reason: "INVALID_CHARACTER",
    message: "A text value contains a character that is not allowed.",
  },
  "22P05": {
    code: "BAD_USER_INPUT",
    reason: "INVALID_CHARACTER",
    message: "A text value contains a character that is not allowed.",
  },

  // Concurrency: the client may simply retry.
  "40001": {
    code: "CONFLICT",
    reason: "CONCURRENT_UPDATE",
    message: "The data changed concurrently; retry the operation.",
  },
  "40P01": {
    code: "CONFLICT",
    reason: "CONCURRENT_UPDATE",
    message: "The data changed concurrently; retry the operation.",
  },
};

/** Prisma's own codes that are not a relayed SQLSTATE. */
const PRISMA_RULES: Record<string, SqlStateRule> = {
  P2025: { code: "NOT_FOUND", reason: "NOT_FOUND", message: "The record does not exist." },
  P2034: {
    code: "CONFLICT",
    reason: "CONCURRENT_UPDATE",
    message: "The data changed concurrently; retry the operation.",
  },
};

/** Classifies a database failure, or returns null when it is not an expected one. */
export function classifyDatabaseError(error: unknown): ClassifiedError | null {
  const sqlState = sqlStateOf(error);
  if (sqlState) {
    const rule = SQLSTATE_RULES[sqlState];
    if (!rule) return null;
    return {
      code: rule.code,
      reason: rule.reason,
      message: rule.message ?? databaseMessageOf(error) ?? "The operation was refused.",
    };
  }
  const prismaCode = prismaCodeOf(error);
  const rule = prismaCode ? PRISMA_RULES[prismaCode] : undefined;
  return rule
    ? { code: rule.code, reason: rule.reason, message: rule.message ?? "The operation was refused." }
    : null;
}

/**
 * No connection could be had in time: the pool's acquisition timeout
 * (pg-pool: "timeout exceeded when trying to connect"; pg: "Connection
 * terminated due to connection timeout") or Prisma's own wait for a
 * transaction (P2028). Load, not a bug: the client may retry.
 */
export function isConnectionWaitTimeout(error: unknown): boolean {
  if (prismaCodeOf(error) === "P2028") return true;
  return (
    walk(error, (candidate) => {
      const { message } = candidate as { message?: unknown };
      return typeof message === "string" &&
        /timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test(
          message,
        )
        ? true
        : undefined;
    }) ?? false
  );
}

// ---------------------------------------------------------------- internals

interface DriverErrorCause {
  originalCode?: unknown;
  originalMessage?: unknown;
}

/** The SQLSTATE anywhere in the error's chain, or undefined. */
export function sqlStateOf(error: unknown): string | undefined {
  return walk(error, (candidate) => {
    const driver = driverCause(candidate);
    if (driver && typeof driver.originalCode === "string") return driver.originalCode;
    // A pg DatabaseError (raw driver use): a five-character code and a severity.
    const { code, severity } = candidate as { code?: unknown; severity?: unknown };
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && typeof severity === "string") return code;
    return undefined;
  });
}

export function prismaCodeOf(error: unknown): string | undefined {
  return walk(error, (candidate) => {
    const { code, clientVersion } = candidate as { code?: unknown; clientVersion?: unknown };
    return typeof code === "string" && /^P\d{4}$/.test(code) && clientVersion !== undefined
      ? code
      : undefined;
  });
}

function databaseMessageOf(error: unknown): string | undefined {
  return walk(error, (candidate) => {
    const driver = driverCause(candidate);
    if (driver && typeof driver.originalMessage === "string") return driver.originalMessage;
    const { message, severity } = candidate as { message?: unknown; severity?: unknown };
    return typeof message === "string" && typeof severity === "string" ? message : undefined;
  });
}

function driverCause(candidate: object): DriverErrorCause | undefined {
  // PrismaClientKnownRequestError: meta.driverAdapterError is the DriverAdapterError.
  const meta = (candidate as { meta?: { driverAdapterError?: { cause?: unknown } } }).meta;
  const fromMeta = meta?.driverAdapterError?.cause;
  if (fromMeta && typeof fromMeta === "object") return fromMeta as DriverErrorCause;
  // A bare DriverAdapterError keeps the mapped driver error in `cause`.
  if ((candidate as { name?: unknown }).name === "DriverAdapterError") {
    const cause = (candidate as { cause?: unknown }).cause;
    if (cause && typeof cause === "object") return cause as DriverErrorCause;
  }
  return undefined;
}

/** Visits the error and its `cause`/`originalError` chain (bounded), returning the first hit. */
function walk<T>(error: unknown, visit: (candidate: object) => T | undefined): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === "object"; depth++) {
    const found = visit(current);
    if (found !== undefined) return found;
    const next = current as { cause?: unknown; originalError?: unknown };
    current = next.originalError ?? next.cause;
  }
  return undefined;
}
