import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  createSourceEventStream,
  execute,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context";
import { isConnectionWaitTimeout } from "../db/errors";
import { asGraphQLError } from "../graphql/errors";
import { claimsFor } from "../db/identity";
import type { PrismaClient } from "../db/prisma";
import { RequestDb, type TransactionTimings, withRequestTransaction } from "../db/request-transaction";
import { EventStream } from "./event-stream";
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

/** Attempts of a batch's transaction when the database is momentarily out of reach (no connection in time). */
const ATTEMPTS = 3;
/** Events a subscriber may have waiting for resolution or delivery before its stream ends (it resumes by cursor). */
const MAX_PENDING_RESOLUTIONS = 1_000;
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
 * transactions per event. Here each event is executed once per audience,
 * as the subscriber, in a read-only transaction (RLS decides, as for any
 * query; events of an audience that arrive together share one: see
 * AudienceBatches), and the result is shared by every subscriber with the same
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
  const batches = new AudienceBatches(options);
  const resolutions = new WeakMap<RealtimeEvent, Map<string, Promise<Resolution>>>();
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
        // Errors (an ExecutionResult), or a stream not made by src/realtime: as they are.
        if (!(source instanceof EventStream)) return source;
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
            result = batches.add(audience, args, context, event);
            byAudience.set(audience, result);
          }
          return result;
        };

        // Each event is taken as it arrives and its resolution starts at once
        // (so the events of one read, or of a backlog, reach the batcher
        // together); results go out in arrival order, each once the previous
        // was taken, so a slow client paces its own stream.
        const results = new EventStream<ExecutionResult>(() => void source.return());
        let previous: Promise<void> = Promise.resolve();
        let inFlight = 0;
        const fail = (error: unknown) => {
          void results.push({ errors: [asGraphQLError(error)] });
          results.end();
        };
        source.listen(
          (event) => {
            if (++inFlight > MAX_PENDING_RESOLUTIONS) {
              fail(new Unavailable());
              return Promise.resolve();
            }
            const resolution = resolve(event);
            previous = previous
              .then(async () => {
                const result = await resolution;
                if (result instanceof Unavailable) fail(result);
                else if (result) await results.push(result);
              })
              .finally(() => (inFlight -= 1));
            return previous;
          },
          // The source ended (an expired token, revoked access, a failed
          // replay): after what is in flight, with its error as the last result.
          (error) => void previous.then(() => (error === undefined ? results.end() : fail(error))),
        );
        return results;
      });
    },
  };
}

type Resolution = ExecutionResult | Unavailable | null;

interface BatchItem {
  event: RealtimeEvent;
  settle(resolution: Resolution): void;
}

/**
 * The events an audience is waiting for, resolved together: all the events
 * asked for in one turn of the event loop (one read of the log, or a
 * backlog after a burst) run in one read-only transaction as the
 * subscriber, one execution each. A quiet stream pays one transaction per
 * event; a busy one pays the transaction's opening and commit once per
 * batch. At most `concurrency` batches run at once.
 */
class AudienceBatches {
  readonly #options: SharedExecutionOptions;
  readonly #slots: Semaphore;
  readonly #open = new Map<string, { args: ExecutionArgs; context: Context; items: BatchItem[] }>();

  constructor(options: SharedExecutionOptions) {
    this.#options = options;
    this.#slots = new Semaphore(options.concurrency);
  }

  add(audience: string, args: ExecutionArgs, context: Context, event: RealtimeEvent): Promise<Resolution> {
    let batch = this.#open.get(audience);
    if (!batch) {
      const opened = { args, context, items: [] as BatchItem[] };
      this.#open.set(audience, (batch = opened));
      setImmediate(() => {
        this.#open.delete(audience);
        void this.#slots.run(() => this.#run(opened.args, opened.context, opened.items));
      });
    }
    const items = batch.items;
    return new Promise((settle) => items.push({ event, settle }));
  }

  /**
   * Runs the items in one transaction. An execution that fails (not a
   * skipped event) may have aborted the transaction: its item settles with
   * its errors and the rest run again in a fresh one. No connection in
   * time: retried, then every item settles as Unavailable.
   */
  async #run(args: ExecutionArgs, context: Context, items: BatchItem[]): Promise<void> {
    let left = items;
    for (let attempt = 1; left.length > 0;) {
      try {
        const resolved = await this.#transaction(args, context, left);
        // Settled once committed: a subscriber never sees a result whose transaction is still open.
        for (const [index, resolution] of resolved.entries()) left[index]!.settle(resolution);
        left = left.slice(resolved.length);
        attempt = 1;
      } catch (error) {
        if (!isConnectionWaitTimeout(error)) {
          for (const item of left) item.settle({ errors: [asGraphQLError(error)] });
          return;
        }
        if (attempt === ATTEMPTS) {
          context.logger.warn(
            { err: error, events: left.length },
            "realtime events not resolved: no connection",
          );
          for (const item of left) item.settle(new Unavailable());
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
        attempt += 1;
      }
    }
  }

  /**
   * Resolves items in order, up to and including the first that fails (it
   * may have aborted the transaction): the caller runs the rest again.
   */
  async #transaction(args: ExecutionArgs, context: Context, items: BatchItem[]): Promise<Resolution[]> {
    // A context of its own: per-request caches (loaders, scope results) are
    // keyed by the context object; one snapshot and one identity for the batch.
    const eventContext: Context = { ...context, db: new RequestDb() };
    return withRequestTransaction(
      this.#options.prisma,
      { viewer: context.viewer, requestId: context.requestId },
      { readOnly: true, timings: this.#options.timings },
      async (tx) => {
        const resolved: Resolution[] = [];
        for (const item of items) {
          const result = (await eventContext.db.within(tx, async () =>
            execute({ ...args, rootValue: item.event, contextValue: eventContext }),
          )) as ExecutionResult;
          const errors = result.errors?.filter((error) => !(error.originalError instanceof SkipEvent)) ?? [];
          resolved.push(result.errors && errors.length === 0 ? null : result);
          if (errors.length > 0) break;
        }
        return resolved;
      },
    );
  }
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
