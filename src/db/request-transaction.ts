import {
  type ExecutionResult,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  getOperationAST,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../config";
import { type AppRole, Prisma, type PrismaClient } from "../generated/prisma/client";

/**
 * One interactive transaction per GraphQL operation, with the caller's
 * identity set once at its start.
 *
 * Not Prisma's row-level-security extension example: that wraps every query
 * in its own batch transaction (several round trips each, and a multi-step
 * write can no longer roll back as a whole). Here the operation's resolvers
 * all share one transaction: BEGIN, one set_config statement, the queries,
 * COMMIT (or ROLLBACK when the operation failed).
 */

// ---------------------------------------------------------------- identity

/**
 * How a caller proved who they are (src/auth/authenticate.ts): an access
 * token this API issued, an external identity provider's token, or an API key.
 */
export type AuthMethod = "access_token" | "external_token" | "api_key";

/** Who is calling: built by src/auth/authenticate.ts from the request, before any database work. */
export type Viewer =
  | { readonly kind: "anonymous" }
  | {
      readonly kind: "user";
      /** users.id */
      readonly id: string;
      readonly roles: readonly AppRole[];
      /** Absent for viewers built in code (jobs, tests). */
      readonly authMethod?: AuthMethod;
      /**
       * API keys: what the key may do (src/schema/auth-scopes.ts). Absent for
       * sessions, which are bounded by their roles and RLS alone.
       */
      readonly scopes?: readonly string[];
      /** API keys: the key's id (usage tracking, revocation). */
      readonly apiKeyId?: string;
    };

export const ANONYMOUS_VIEWER: Viewer = Object.freeze({ kind: "anonymous" });

/**
 * The allow-list of database roles a request may assume, keyed by the kind
 * of viewer. The role never comes from input: only from this map.
 */
const DATABASE_ROLES = {
  anonymous: "anonymous",
  user: "authenticated",
} as const satisfies Record<Viewer["kind"], string>;

export type DatabaseRole = (typeof DATABASE_ROLES)[Viewer["kind"]];

/**
 * `request.jwt.claims` as the policies read them (app.current_claims(),
 * app.current_user_id() from `sub`, app.has_role() from `roles`).
 */
export interface DatabaseClaims {
  role: DatabaseRole;
  sub?: string;
  roles?: AppRole[];
  /** Present only for API-key callers: the scopes of the key. */
  scopes?: string[];
}

export function databaseRoleFor(viewer: Viewer): DatabaseRole {
  return DATABASE_ROLES[viewer.kind];
}

export function claimsFor(viewer: Viewer): DatabaseClaims {
  switch (viewer.kind) {
    case "anonymous":
      return { role: DATABASE_ROLES.anonymous };
    case "user":
      return {
        role: DATABASE_ROLES.user,
        sub: viewer.id,
        roles: [...viewer.roles],
        ...(viewer.scopes ? { scopes: [...viewer.scopes] } : {}),
      };
  }
}

export interface RequestIdentity {
  viewer: Viewer;
  /** Correlates the transaction with the request (audit_log.request_id). */
  requestId: string;
}

// ---------------------------------------------------------------- transaction

export type RequestTransactionClient = Prisma.TransactionClient;

export interface TransactionTimings {
  /**
   * Prisma's wait for a connection. Kept above the pool's own acquisition
   * timeout, so the pool always gives up first: when Prisma's maxWait
   * expires first, a connection acquired later can go back to the pool with
   * its transaction still open (prisma/orm #29719).
   */
  maxWaitMs: number;
  /** Upper bound of one operation's transaction; Prisma rolls back after it. */
  timeoutMs: number;
}

/**
 * Timings derived from the pool settings (config has no separate knob yet):
 * an operation may run a few statements, each bounded by statement_timeout,
 * so the transaction gets twice that.
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
 * statement. Every setting is transaction-local (`is_local = true`), so the
 * pooled connection goes back clean.
 */
export async function withRequestTransaction<T>(
  prisma: PrismaClient,
  identity: RequestIdentity,
  options: RequestTransactionOptions,
  fn: (tx: RequestTransactionClient) => Promise<T>,
): Promise<T> {
  const role = databaseRoleFor(identity.viewer);
  const claims = JSON.stringify(claimsFor(identity.viewer));
  try {
    return await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw(identityStatement(role, claims, identity.requestId, options.readOnly));
        const result = await fn(tx);
        if (options.shouldCommit && !options.shouldCommit(result)) throw new RollbackSignal(result);
        return result;
      },
      {
        maxWait: options.timings.maxWaitMs,
        timeout: options.timings.timeoutMs,
        // A query sees one snapshot across its statements (a page and its
        // totalCount agree); read-only transactions never fail to serialise.
        isolationLevel: options.readOnly
          ? Prisma.TransactionIsolationLevel.RepeatableRead
          : Prisma.TransactionIsolationLevel.ReadCommitted,
      },
    );
  } catch (error) {
    if (error instanceof RollbackSignal) return error.result as T;
    throw error;
  }
}

function identityStatement(
  role: DatabaseRole,
  claims: string,
  requestId: string,
  readOnly: boolean,
): Prisma.Sql {
  // Going read-only is allowed at any point of a transaction (only the way back is not).
  const readOnlyMode = readOnly
    ? Prisma.sql`, set_config('transaction_read_only', 'on', true)`
    : Prisma.empty;
  return Prisma.sql`
    select set_config('role', ${role}, true),
           set_config('request.jwt.claims', ${claims}, true),
           set_config('request.id', ${requestId}, true)${readOnlyMode}`;
}

/**
 * Makes the rest of the operation's transaction act as `viewer`. Only for the
 * sign-in mutations (signUp, signIn, refreshSession), right after they proved
 * who the caller now is, so the payload's `user` is read under that user's
 * own policies; src/auth/session-mutation-guard.ts keeps those mutations the
 * only field of their operation, so nothing else runs under the new
 * identity. Transaction-local like the first statement: the pooled
 * connection still goes back clean.
 */
export async function assumeIdentity(tx: RequestTransactionClient, viewer: Viewer): Promise<void> {
  const claims = JSON.stringify(claimsFor(viewer));
  await tx.$executeRaw`
    select set_config('role', ${databaseRoleFor(viewer)}, true),
           set_config('request.jwt.claims', ${claims}, true)`;
}

// ---------------------------------------------------------------- per-request client

/**
 * The transaction of the operation a context belongs to. Keyed by the
 * context object, so the Prisma client stays out of the Context type (it
 * slows type checking) and nothing can reach the database outside an
 * operation's transaction.
 */
const transactions = new WeakMap<object, RequestTransactionClient>();

export function requestClient(context: object): RequestTransactionClient {
  const tx = transactions.get(context);
  if (!tx) {
    throw new Error("No database transaction for this context: database access outside a GraphQL operation.");
  }
  return tx;
}

export interface RequestTransactionPluginOptions<TContext> {
  prisma: PrismaClient;
  timings: TransactionTimings;
  identityOf: (context: TContext) => RequestIdentity;
}

/**
 * Envelop/Yoga plugin: wraps `execute` so the whole operation runs inside
 * withRequestTransaction. An operation that produced errors rolls back.
 * Operations that select only introspection fields skip the database.
 * Subscriptions are not executed through `execute` and get no transaction
 * here (the realtime layer sets its own identity per event).
 */
export function useRequestTransaction<TContext extends object>(
  options: RequestTransactionPluginOptions<TContext>,
): Plugin<TContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation || isIntrospectionOnly(operation)) return;
      const readOnly = operation.operation !== "mutation";

      setExecuteFn(async (executionArgs) => {
        const context = executionArgs.contextValue as TContext;
        try {
          return await withRequestTransaction(
            options.prisma,
            options.identityOf(context),
            { readOnly, timings: options.timings, shouldCommit: (result) => !hasErrors(result) },
            async (tx) => {
              transactions.set(context, tx);
              try {
                const result = await executeFn(executionArgs);
                if (isAsyncIterable(result)) {
                  // @defer/@stream would outlive the transaction; they are not enabled.
                  throw new Error("Incremental delivery is not supported inside a request transaction.");
                }
                return result;
              } finally {
                transactions.delete(context);
              }
            },
          );
        } catch (error) {
          // BEGIN/COMMIT failed (pool exhausted, connection lost, timeout):
          // report it like any execution error, so it is logged and masked.
          const wrapped =
            error instanceof GraphQLError
              ? error
              : new GraphQLError("Unexpected error.", { originalError: error as Error });
          return { data: null, errors: [wrapped] } satisfies ExecutionResult;
        }
      });
    },
  };
}

function hasErrors(result: unknown): boolean {
  const { errors } = result as ExecutionResult;
  return Array.isArray(errors) && errors.length > 0;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** `{ __schema { ... } }`, `{ __typename }`: GraphiQL's start-up, nothing for the database. */
function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith("__"),
  );
}
