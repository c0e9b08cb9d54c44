import { type ExecutionResult, Kind, type OperationDefinitionNode, getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context";
import type { PrismaClient } from "../db/prisma";
import { isConnectionWaitTimeout } from "../db/errors";
import { type TransactionTimings, withRequestTransaction } from "../db/request-transaction";
import { asGraphQLError, clientError } from "./errors";

export interface RequestTransactionPluginOptions {
  prisma: PrismaClient;
  timings: TransactionTimings;
}

/**
 * Wraps `execute` so the whole operation runs inside one request transaction
 * (src/db/request-transaction.ts), handed to resolvers as `context.db.tx`.
 * An operation that produced errors, or whose mutation ended in a typed
 * error, rolls back. Operations that select only
 * introspection fields skip the database. Subscriptions are not executed
 * through `execute` and get no transaction here.
 */
export function useRequestTransaction(options: RequestTransactionPluginOptions): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation || isIntrospectionOnly(operation)) return;
      const readOnly = operation.operation !== "mutation";

      setExecuteFn(async (executionArgs) => {
        const context = executionArgs.contextValue as Context;
        try {
          return await withRequestTransaction(
            options.prisma,
            { viewer: context.viewer, requestId: context.requestId },
            {
              readOnly,
              timings: options.timings,
              shouldCommit: (result) => !hasErrors(result) && !context.db.isRollbackOnly,
            },
            (tx) =>
              context.db.within(tx, async () => {
                const result = await executeFn(executionArgs);
                if (isAsyncIterable(result)) {
                  // @defer/@stream would outlive the transaction; they are not enabled.
                  throw new Error("Incremental delivery is not supported inside a request transaction.");
                }
                return result;
              }),
          );
        } catch (error) {
          if (isConnectionWaitTimeout(error)) {
            // Saturated: a retryable 503, logged as load rather than as a bug.
            context.logger.warn({ err: error }, "no database connection in time");
            return { data: null, errors: [serviceUnavailable()] } satisfies ExecutionResult;
          }
          // BEGIN/COMMIT failed (connection lost, timeout): reported like any
          // execution error, so the error policy classifies it.
          return { data: null, errors: [asGraphQLError(error)] } satisfies ExecutionResult;
        }
      });
    },
  };
}

/** Seconds a client should wait before retrying a request the server was too busy for. */
const RETRY_AFTER_SECONDS = 1;

function serviceUnavailable() {
  return clientError("SERVICE_UNAVAILABLE", "The service is busy; retry the request shortly.", {
    http: { status: 503, headers: { "retry-after": String(RETRY_AFTER_SECONDS) } },
  });
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
