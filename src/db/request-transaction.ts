import type { Config } from "../config";
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { type RequestIdentity, identityOpening, identityStatement } from "./identity";
import { type TransactionOpening, withTransactionOpening } from "./prisma";

/**
 * One interactive transaction per GraphQL operation, with the caller's
 * identity set once at its start.
 *
 * Not Prisma's row-level-security extension example: that wraps every query
 * in its own batch transaction (several round trips each, and a multi-step
 * write can no longer roll back as a whole). Here the operation's resolvers
 * all share one transaction: BEGIN with the identity's set_config in one
 * round trip (src/db/prisma.ts, TransactionOpening), the queries, COMMIT
 * (or ROLLBACK when the operation failed).
 *
 * The client handed out reads with `relationLoadStrategy: "query"` unless a
 * call says otherwise. Why: with the `relationJoins` preview enabled,
 * Prisma's default strategy is "join", and for a to-many relation its
 * lateral subquery selects whole rows (`select t.*`). The request roles may
 * not read every column of some tables (supplier_orders' prices,
 * orders.total_amount, suppliers' contact fields: migration 008), so such a
 * query fails with 42501 for everyone. "query" sends one statement per
 * relation table (constant per page: Prisma batches the children of all
 * parents into one `IN (...)`) and selects only what was asked. A call that
 * passes a strategy (the marketplace page passes "join" for its to-one
 * supplier) keeps it.
 */

export type RequestTransactionClient = Prisma.TransactionClient;

export interface TransactionTimings {
  /**
   * Prisma's wait to start the transaction (a connection, then BEGIN). Kept
   * above the pool's own acquisition timeout so the pool usually gives up
   * first: when Prisma's maxWait expires first, a connection acquired later
   * can go back to the pool with its transaction still open (prisma/orm
   * #29719). On a starved CPU BEGIN itself can eat the margin (P2028):
   * both endings answer SERVICE_UNAVAILABLE (request-transaction-plugin).
   */
  maxWaitMs: number;
  /** Upper bound of one operation's transaction; Prisma rolls back after it. */
  timeoutMs: number;
}

/**
 * Timings derived from the pool settings: an operation may run a few
 * statements, each bounded by statement_timeout, so the transaction gets
 * twice that.
 */
export function transactionTimings(
  config: Pick<Config, "DATABASE_POOL_ACQUIRE_TIMEOUT_MS" | "DATABASE_STATEMENT_TIMEOUT_MS">,
): TransactionTimings {
  return {
    maxWaitMs: config.DATABASE_POOL_ACQUIRE_TIMEOUT_MS + 1_000,
    timeoutMs: 2 * config.DATABASE_STATEMENT_TIMEOUT_MS,
  };
}

export interface RequestTransactionOptions {
  /** Queries run read-only: a resolver that tries to write fails loudly. */
  readOnly: boolean;
  timings: TransactionTimings;
  /** Return false to roll back instead of committing (the result is still returned). */
  shouldCommit?: (result: unknown) => boolean;
}

/** Thrown inside the transaction callback to make Prisma roll back; never escapes. */
class RollbackSignal extends Error {
  constructor(readonly result: unknown) {
    super("rollback requested");
  }
}

/**
 * Runs `fn` in a transaction that acts as the identity's database role with
 * its claims, request id and (for queries) read-only mode set in a single
 * statement (src/db/identity.ts).
 */
export async function withRequestTransaction<T>(
  prisma: PrismaClient,
  identity: RequestIdentity,
  options: RequestTransactionOptions,
  fn: (tx: RequestTransactionClient) => Promise<T>,
): Promise<T> {
  // A query sees one snapshot across its statements (a page and its
  // totalCount agree); read-only transactions never fail to serialise.
  const [isolationLevel, sqlLevel] = options.readOnly
    ? ([Prisma.TransactionIsolationLevel.RepeatableRead, "REPEATABLE READ"] as const)
    : ([Prisma.TransactionIsolationLevel.ReadCommitted, "READ COMMITTED"] as const);
  // BEGIN, isolation level, read-only mode and identity in one round trip (src/db/prisma.ts).
  const opening: TransactionOpening = {
    ...identityOpening(identity, options.readOnly, sqlLevel),
    isolationLevel: sqlLevel,
    sent: false,
  };
  try {
    return await withTransactionOpening(opening, () =>
      prisma.$transaction(
        async (tx) => {
          // Not sent with BEGIN (the opening never reached the connection): the same settings, parameterised.
          if (!opening.sent) await tx.$executeRaw(identityStatement(identity, options.readOnly));
          const result = await fn(withQueryStrategy(tx));
          if (options.shouldCommit && !options.shouldCommit(result)) throw new RollbackSignal(result);
          return result;
        },
        { maxWait: options.timings.maxWaitMs, timeout: options.timings.timeoutMs, isolationLevel },
      ),
    );
  } catch (error) {
    if (error instanceof RollbackSignal) return error.result as T;
    throw error;
  }
}

/**
 * A request's handle on its operation's transaction: `context.db.tx`.
 * Filled by the request-transaction plugin (src/graphql/request-transaction-plugin.ts)
 * for the duration of one operation; outside it, `tx` throws, so nothing can
 * reach the database except through the operation's transaction and identity.
 */
export class RequestDb {
  #tx: RequestTransactionClient | null = null;
  #rollbackOnly = false;

  get tx(): RequestTransactionClient {
    if (!this.#tx) {
      throw new Error(
        "No database transaction for this context: database access outside a GraphQL operation.",
      );
    }
    return this.#tx;
  }

  /** The operation's transaction will roll back whatever the result (a mutation ended in a typed error). */
  rollbackOnly(): void {
    this.#rollbackOnly = true;
  }

  get isRollbackOnly(): boolean {
    return this.#rollbackOnly;
  }

  /** Runs `fn` with `tx` as this request's transaction. */
  async within<T>(tx: RequestTransactionClient, fn: () => Promise<T>): Promise<T> {
    this.#tx = tx;
    this.#rollbackOnly = false;
    try {
      return await fn();
    } finally {
      this.#tx = null;
    }
  }
}

// ---------------------------------------------------------------- relation strategy

const READ_METHODS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
]);

type Delegate = Record<string, (args?: Record<string, unknown>) => unknown>;

/**
 * The transaction client with `relationLoadStrategy: "query"` as the default
 * of its read methods (see the top of this file). Prisma has no client-wide
 * default for it, and a `$extends` query extension would wrap every
 * operation of every model, writes included.
 */
function withQueryStrategy(client: RequestTransactionClient): RequestTransactionClient {
  const delegates = new Map<PropertyKey, Delegate>();
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (!isModelDelegate(value)) return value;
      let delegate = delegates.get(property);
      if (!delegate) {
        delegate = withDefaultStrategy(value);
        delegates.set(property, delegate);
      }
      return delegate;
    },
  });
}

function isModelDelegate(value: unknown): value is Delegate {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { findMany?: unknown }).findMany === "function" &&
    typeof (value as { findUnique?: unknown }).findUnique === "function"
  );
}

function withDefaultStrategy(delegate: Delegate): Delegate {
  return new Proxy(delegate, {
    get(target, property) {
      const value = target[property as string];
      if (typeof property !== "string" || !READ_METHODS.has(property) || typeof value !== "function") {
        return value;
      }
      return (args: Record<string, unknown> = {}) =>
        target[property]!({ relationLoadStrategy: "query", ...args });
    },
  });
}
