import { type ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context";
import type { Logger } from "../logger";
import { toClientError } from "./errors";

/**
 * The error policy, in one place:
 *
 * - expected failures of mutations are typed results, never errors
 *   (src/schema/errors.ts; classified database refusals are turned into
 *   them by src/graphql/user-errors-plugin.ts);
 * - contract errors (`clientError`, validation, classified database
 *   failures of queries) reach the client with their `extensions.code`;
 * - everything else is logged once, at error level, with the request id,
 *   and masked as "Unexpected error." / INTERNAL_SERVER_ERROR.
 *
 * Execution errors are handled in `onExecuteDone`, where the request's
 * logger is at hand; `maskError` (Yoga's masking hook) is the backstop for
 * errors outside execution and never shows an unclassified message.
 */
export interface ErrorPolicy {
  plugin: Plugin<Context>;
  /** For createYoga's `maskedErrors.maskError`. */
  maskError(error: unknown, message: string): Error;
  /** Yoga's own logger, which skips what the policy already logged. */
  yogaLogger: {
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  };
}

export function createErrorPolicy(logger: Logger): ErrorPolicy {
  const logged = new WeakSet<object>();

  const plugin: Plugin<Context> = {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          if (!isPlainResult(result) || !result.errors?.length) return;
          const errors = result.errors.map((error) => {
            const classified = toClientError(error);
            if (classified) return classified;
            args.contextValue.logger.error(
              { err: error.originalError ?? error, path: error.path },
              "unexpected error",
            );
            logged.add(error);
            return error;
          });
          setResult({ ...result, errors });
        },
      };
    },
  };

  const maskError = (error: unknown, message: string): Error => {
    if (!(error instanceof GraphQLError)) {
      return new GraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
    }
    const classified = logged.has(error) ? null : toClientError(error);
    if (classified) return classified;
    return new GraphQLError(message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: {
        code: "INTERNAL_SERVER_ERROR",
        ...(error.extensions?.["http"] ? { http: error.extensions["http"] } : {}),
      },
    });
  };

  const yogaLog = logger.child({ component: "yoga" });
  const yogaLogger = {
    debug: (...args: unknown[]) => yogaLog.debug(args.length === 1 ? args[0] : args),
    info: (...args: unknown[]) => yogaLog.info(args.length === 1 ? args[0] : args),
    warn: (...args: unknown[]) => yogaLog.warn(args.length === 1 ? args[0] : args),
    error: (...args: unknown[]) => {
      const [first] = args;
      if (typeof first === "object" && first !== null && logged.has(first)) return;
      if (first instanceof Error) yogaLog.error({ err: first }, first.message);
      else yogaLog.error(args.length === 1 ? first : args);
    },
  };

  return { plugin, maskError, yogaLogger };
}

function isPlainResult(result: unknown): result is ExecutionResult {
  return typeof result === "object" && result !== null && !(Symbol.asyncIterator in result);
}
