import type { Context } from "../context";
import { isConnectionWaitTimeout } from "../db/errors";
import type { PrismaClient } from "../db/prisma";
import { type TransactionTimings, withRequestTransaction } from "../db/request-transaction";
import { clientError } from "../graphql/errors";
import type { Logger } from "../logger";
import { type EventCursor, decodeCursor } from "./cursor";
import { EventStream } from "./event-stream";
import {
  type EventHub,
  type EventRow,
  type EventTopic,
  type HubSubscription,
  type RealtimeEvent,
  type ReplayFilter,
} from "./hub";

/**
 * Subscriptions on top of the hub: who the subscriber is (looked up once,
 * under its own identity), the replay of a resumed stream, and the stream
 * itself, which ends when the token expires or the user loses access.
 */

export interface SubscribeRequest {
  topics: readonly EventTopic[];
  /** uuid of an order the caller must be a party to. */
  orderId?: string | null;
  /** uuid of a supplier order the caller must be able to read. */
  supplierOrderId?: string | null;
  /** A cursor from an earlier event of this stream. */
  after?: string | null;
}

/**
 * How a transport ends a subscription it cannot keep (an expired token, a
 * revoked user): graphql-ws closes the socket with 4403; without one (SSE)
 * the stream ends.
 */
export interface RealtimeConnection {
  close(code: number, reason: string): void;
}

export interface RealtimeOptions {
  hub: EventHub;
  prisma: PrismaClient;
  timings: TransactionTimings;
  retentionHours: number;
  logger: Logger;
}

/** How long a resume may wait for the listener to catch up (it may be reconnecting). */
const CATCH_UP_TIMEOUT_MS = 10_000;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** graphql-ws "Forbidden": the client should not retry with the same credentials. */
export const CLOSE_FORBIDDEN = 4403;

export class Realtime {
  readonly #options: RealtimeOptions;
  readonly #retentionMs: number;

  constructor(options: RealtimeOptions) {
    this.#options = options;
    this.#retentionMs = options.retentionHours * 3600 * 1000;
  }

  get hub(): EventHub {
    return this.#options.hub;
  }

  /** Active subscriptions (tests watch it return to zero). */
  stats(): ReturnType<EventHub["stats"]> {
    return this.#options.hub.stats();
  }

  async subscribe(request: SubscribeRequest, context: Context): Promise<AsyncIterable<RealtimeEvent>> {
    const { viewer } = context;
    if (viewer.kind !== "user") {
      throw clientError("UNAUTHENTICATED", "Sign in to subscribe.");
    }
    const cursor = request.after ? decodeCursor(request.after, this.#retentionMs) : null;
    const { hub } = this.#options;
    const [access] = await Promise.all([
      this.#access(request, context).catch((error: unknown) => {
        if (!isConnectionWaitTimeout(error)) throw error;
        context.logger.warn({ err: error }, "no database connection in time to subscribe");
        throw clientError("SERVICE_UNAVAILABLE", "The service is busy; subscribe again shortly.");
      }),
      hub.start().catch((error: unknown) => {
        context.logger.warn({ err: error }, "realtime listener unavailable");
        throw clientError("SERVICE_UNAVAILABLE", "Realtime is unavailable; retry shortly.");
      }),
    ]);
    if (cursor) await withTimeout(hub.pollNow(), CATCH_UP_TIMEOUT_MS);

    const filter = {
      topics: request.topics,
      orderId: request.orderId ?? null,
      supplierOrderId: request.supplierOrderId ?? null,
      userId: viewer.id,
      supplierId: access.supplierId,
      everything: access.admin,
    };
    const connection = (context as { realtimeConnection?: RealtimeConnection }).realtimeConnection;

    let live = cursor === null;
    const held: RealtimeEvent[] = [];
    let expiry: NodeJS.Timeout | null = null;
    const stream = new EventStream<RealtimeEvent>(() => {
      if (expiry) clearTimeout(expiry);
      hub.unregister(subscription);
    });
    const end = (code: "UNAUTHENTICATED" | "FORBIDDEN", reason: string) => {
      if (connection) connection.close(CLOSE_FORBIDDEN, reason);
      stream.end(clientError(code, reason));
    };
    const subscription: HubSubscription = {
      ...filter,
      topics: topicSet(filter.topics),
      deliver: (event) => (live ? void stream.push(event) : held.push(event)),
      revoke: () => end("FORBIDDEN", "Access revoked."),
    };
    const boundary = hub.register(subscription);
    // Timers cap at ~24.8 days; a credential living longer (an API key) is
    // checked again when the subscription is renewed, not by a timer.
    const untilExpiry = viewer.expiresAt === undefined ? null : Math.max(0, viewer.expiresAt - Date.now());
    if (untilExpiry !== null && untilExpiry <= MAX_TIMER_MS) {
      expiry = setTimeout(() => end("UNAUTHENTICATED", "The token has expired."), untilExpiry);
      expiry.unref();
    }
    if (cursor) void this.#replay(stream, cursor, boundary.snapshot, filter, held).then(() => (live = true));
    return stream;
  }

  /**
   * First the rest of the cursor's own interval, then everything up to the
   * hub's boundary, paced by the consumer (each push waits until the event
   * was taken); then what the hub dispatched meanwhile (`held`).
   */
  async #replay(
    stream: EventStream<RealtimeEvent>,
    cursor: EventCursor,
    boundary: string,
    filter: ReplayFilter,
    held: RealtimeEvent[],
  ): Promise<void> {
    const { hub, prisma, logger } = this.#options;
    const query = (text: string, values: unknown[]) => prisma.$queryRawUnsafe<EventRow[]>(text, ...values);
    try {
      for (const interval of [
        { since: cursor.since, until: cursor.until, afterId: cursor.id },
        { since: cursor.until, until: boundary, afterId: "0" },
      ]) {
        for await (const event of hub.replay(query, interval, filter)) {
          if (stream.ended) return;
          await stream.push(event);
        }
      }
    } catch (error) {
      logger.error({ err: error }, "realtime replay failed");
      stream.end(error);
      return;
    }
    for (const event of held.splice(0)) void stream.push(event);
  }

  /**
   * The subscriber's supplier and admin standing, and whether it may read
   * the order or supplier order it named: one transaction as itself.
   */
  async #access(
    request: SubscribeRequest,
    context: Context,
  ): Promise<{ supplierId: string | null; admin: boolean }> {
    const { prisma, timings } = this.#options;
    const [row] = await withRequestTransaction(
      prisma,
      { viewer: context.viewer, requestId: context.requestId },
      { readOnly: true, timings },
      (tx) =>
        tx.$queryRawUnsafe<
          { supplier_id: string | null; admin: boolean; order_ok: boolean; supplier_order_ok: boolean }[]
        >(
          `select app.current_supplier_id()::text as supplier_id, app.is_admin() as admin,
                ($1::uuid is null or exists (select from orders where id = $1::uuid)) as order_ok,
                ($2::uuid is null or exists (select from supplier_orders where id = $2::uuid)) as supplier_order_ok`,
          request.orderId ?? null,
          request.supplierOrderId ?? null,
        ),
    );
    if (!row!.order_ok || !row!.supplier_order_ok) {
      throw clientError(
        "FORBIDDEN",
        "You may subscribe only to orders and supplier orders you are a party to.",
      );
    }
    return { supplierId: row!.supplier_id, admin: row!.admin };
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<void>((_, reject) => {
      timer = setTimeout(
        () => reject(clientError("SERVICE_UNAVAILABLE", "Realtime is catching up; retry shortly.")),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** One Set per list of topics, shared by the subscriptions that watch them. */
const topicSets = new Map<string, ReadonlySet<EventTopic>>();
function topicSet(topics: readonly EventTopic[]): ReadonlySet<EventTopic> {
  const key = topics.join(",");
  let set = topicSets.get(key);
  if (!set) topicSets.set(key, (set = new Set(topics)));
  return set;
}
