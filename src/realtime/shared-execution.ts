import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  createSourceEventStream,
  execute,
} from "graphql";
import { type Plugin, Repeater } from "graphql-yoga";
import type { Context } from "../context";
import { isConnectionWaitTimeout } from "../db/errors";
import { claimsFor } from "../db/identity";
import type { PrismaClient } from "../db/prisma";
import { RequestDb, type TransactionTimings, withRequestTransaction } from "../db/request-transaction";
import type { RealtimeEvent } from "./hub";

/**
 * Thrown by a subscription's resolvers when the subscriber may not read the
 * event's row (RLS hid it): the event is not delivered to that subscriber.
 */
export class SkipEvent extends Error {
  constructor() {
    super("event not readable by this subscriber");
  }
}

export interface SharedExecutionOptions {
  prisma: PrismaClient;
  timings: TransactionTimings;
  /**
   * Event executions running at once. They share the request pool with
   * queries and mutations: bounded here, a burst of events waits its turn
   * in memory instead of crowding HTTP requests out of the pool (and timing
   * out in its queue).
   */
  concurrency: number;
}

/** Attempts of one event's execution when the database is momentarily out of reach (no connection in time). */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 200;

/**
 * The stream cannot go on without losing an event (the database stayed out
 * of reach): it ends with this, and the client resumes from its last cursor.
 */
class Unavailable extends GraphQLError {
  constructor() {
    super("Realtime could not reach the database; resubscribe with the last cursor received.", {
      extensions: { code: "SERVICE_UNAVAILABLE" },
    });
  }
}

/**
 * Subscriptions resolve each event once per audience, not once per subscriber.
 *
 * graphql-js' `subscribe` executes the selection for every subscriber and
 * every event; with 1,000 dashboards of one supplier that is 1,000
 * transactions per event. Here each event is executed in one read-only
 * transaction under the subscriber's identity (RLS decides, as for any
 * query), and the result is shared by every subscriber with the same
 * identity (its signed claims, without the request-specific parts), the
 * same document, variables and operation: they would get the same answer.
 * The cache is keyed by the event object the hub hands to all of them, so
 * it lives exactly as long as the event is in flight.
 *
 * A subscription's errors (expired token, revoked access, a failed replay)
 * end the stream with an error result (masked like any result), not with a
 * thrown error that a transport might pass on unmasked.
 */
export function useSharedSubscriptionExecution(options: SharedExecutionOptions): Plugin<Context> {
  const slots = new Semaphore(options.concurrency);
  const resolutions = new WeakMap<RealtimeEvent, Map<string, Promise<ExecutionResult | null>>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  const documentId = (document: DocumentNode) => {
    let id = documentIds.get(document);
    if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
    return id;
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source;
        const context = args.contextValue as Context;
        const audience = JSON.stringify([
          claimsFor(context.viewer),
          documentId(args.document),
          args.operationName ?? null,
          args.variableValues ?? null,
        ]);
        const resolve = (event: RealtimeEvent) => {
          let byAudience = resolutions.get(event);
          if (!byAudience) resolutions.set(event, (byAudience = new Map()));
          let result = byAudience.get(audience);
          if (!result) {
            result = slots.run(() => executeEvent(options, args, context, event));
            byAudience.set(audience, result);
          }
          return result;
        };

        return new Repeater<ExecutionResult>(async (push, stop) => {
          const events = source[Symbol.asyncIterator]();
          const stopped = stop.then(() => ({ done: true as const, value: undefined }));
          void stopped.then(() => events.return?.());
          try {
            for (;;) {
              const next = await Promise.race([events.next(), stopped]);
              if (next.done) break;
              const result = await resolve(next.value);
              if (result instanceof Unavailable) throw result;
              if (result) await push(result);
            }
          } catch (error) {
            await push({ errors: [asGraphQLError(error)] });
          }
          stop();
        });
      });
    },
  };
}

/**
 * One event, executed as the subscriber in its own read-only transaction;
 * null when it is not theirs to read; Unavailable when no connection could
 * be had, after a few attempts.
 */
async function executeEvent(
  options: SharedExecutionOptions,
  args: ExecutionArgs,
  context: Context,
  event: RealtimeEvent,
): Promise<ExecutionResult | Unavailable | null> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await executeOnce(options, args, context, event);
    } catch (error) {
      if (!isConnectionWaitTimeout(error)) return { errors: [asGraphQLError(error)] };
      if (attempt === ATTEMPTS) {
        context.logger.warn({ err: error, eventId: event.id }, "realtime event not resolved: no connection");
        return new Unavailable();
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
    }
  }
}

async function executeOnce(
  options: SharedExecutionOptions,
  args: ExecutionArgs,
  context: Context,
  event: RealtimeEvent,
): Promise<ExecutionResult | null> {
  // A context of its own: per-request caches (loaders, scope results) are
  // keyed by the context object, and the transaction slot is per execution.
  const eventContext: Context = { ...context, db: new RequestDb() };
  const result = await withRequestTransaction(
    options.prisma,
    { viewer: context.viewer, requestId: context.requestId },
    { readOnly: true, timings: options.timings },
    (tx) =>
      eventContext.db.within(
        tx,
        async () =>
          (await execute({ ...args, rootValue: event, contextValue: eventContext })) as ExecutionResult,
      ),
  );
  if (result.errors?.some((error) => error.originalError instanceof SkipEvent)) return null;
  return result;
}

/**
 * At most `limit` tasks at once, the rest in arrival order. By hand: p-limit,
 * the usual library, is ESM-only since v4 and this project builds CommonJS.
 */
class Semaphore {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running += 1;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}

function asGraphQLError(error: unknown): GraphQLError {
  return error instanceof GraphQLError
    ? error
    : new GraphQLError("Unexpected error.", { originalError: error as Error });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<RealtimeEvent> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
