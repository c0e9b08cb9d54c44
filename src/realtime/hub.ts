import pg from "pg";
import type { Logger } from "../logger";
import { encodeCursor } from "./cursor";

/**
 * One per API instance: reads the realtime event log (sql/migrations/017)
 * interval after interval, in commit order, and hands each event to the
 * subscriptions its routing columns admit.
 *
 * - A dedicated session connection LISTENs on `loomline_events` (LISTEN
 *   needs a session: not the request pool, not a transaction-mode pooler;
 *   DATABASE_LISTEN_URL may point elsewhere). A notification is only a
 *   wake-up: wake-ups are coalesced into one interval read, which costs one
 *   statement however many events and subscribers there are.
 * - Every instance listens itself: NOTIFY reaches every session on the
 *   database, and the log, not the notification, is what gets delivered,
 *   so an instance needs nothing from the others (no Redis hop, no leader).
 * - The same read runs every `healthIntervalMs` (REALTIME_POLL_INTERVAL_MS):
 *   a dead connection is found within that time, a lost notification costs
 *   at most that delay, and a database that does not NOTIFY (migration 017)
 *   is read at that pace.
 * - When the connection fails it reconnects with backoff and reads on from
 *   the last interval's end: events committed during the outage (a database
 *   restart included) are delivered then; PostgreSQL replays nothing.
 * - Routing (order, supplier, buyer, user columns) only narrows who is
 *   considered; whether a subscriber may read an event is decided by RLS
 *   when it is resolved under the subscriber's identity (shared-execution.ts).
 */

export type EventTopic = "stage" | "order_status" | "notification" | "message";

export interface RealtimeEvent {
  readonly id: string;
  readonly topic: EventTopic;
  /** stage: created|updated; order_status: changed; notification, message: created. */
  readonly kind: string;
  readonly entityId: string;
  readonly orderId: string | null;
  readonly supplierOrderId: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  /** Opaque, resumable: src/realtime/cursor.ts. */
  readonly cursor: string;
}

/** A row of the log as the two reader functions return it. */
interface EventRow {
  id: number | string;
  topic: EventTopic | "access";
  kind: string;
  entity_id: string;
  order_id: string | null;
  supplier_order_id: string | null;
  buyer_id: string | null;
  supplier_ids: string[];
  user_id: string | null;
  payload: Record<string, unknown>;
  created_at: string | Date;
}

/** What a subscription tells the hub about itself. */
export interface HubSubscription {
  readonly userId: string;
  /** The caller's supplier (app.current_supplier_id()), if any. */
  readonly supplierId: string | null;
  /** Admins may read every event: all of them are considered. */
  readonly everything: boolean;
  readonly topics: ReadonlySet<EventTopic>;
  readonly orderId: string | null;
  readonly supplierOrderId: string | null;
  deliver(event: RealtimeEvent): void;
  /** The user lost access (disabled, deleted, a role revoked): end the subscription. */
  revoke(): void;
}

/** Where the hub stands: the subscriber replays up to here, and gets everything after live. */
export interface HubBoundary {
  readonly snapshot: string;
}

export interface ReplayFilter {
  topics: readonly EventTopic[];
  orderId: string | null;
  supplierOrderId: string | null;
  userId: string;
  supplierId: string | null;
  everything: boolean;
}

export interface EventHubOptions {
  /** A session connection (LISTEN): the API login role, or DATABASE_LISTEN_URL. */
  listenUrl: string;
  logger: Logger;
  retentionHours: number;
  /** Statement timeout of the listener's reads. */
  statementTimeoutMs: number;
  /** Reads of the log without a wake-up (health check; the delivery path when NOTIFY is off). */
  healthIntervalMs?: number;
  /** Counts the hub's statements (benchmarks, tests). */
  onStatement?: () => void;
}

const CHANNEL = "loomline_events";
/** Events per read; a longer interval (a catch-up after an outage) is read in parts. */
const BATCH = 2_000;
const HEALTH_INTERVAL_MS = 5_000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

const TOPICS: readonly EventTopic[] = ["stage", "order_status", "notification", "message"];

export class EventHub {
  readonly #options: EventHubOptions;
  readonly #log: Logger;
  #client: pg.Client | null = null;
  #started: Promise<void> | null = null;
  #closed = false;
  #reconnectAttempt = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #healthTimer: NodeJS.Timeout | null = null;
  #pruneTimer: NodeJS.Timeout | null = null;

  /** The end of the last interval read in full: every event visible in it was dispatched. */
  #since: string | null = null;
  /** An interval read in parts: its end, and the last id dispatched. */
  #partial: { until: string; afterId: string } | null = null;
  #polling = false;
  #dirty = false;
  /** Callers of pollNow(), resolved by the next complete read that starts after them. */
  #waiters: (() => void)[] = [];

  readonly #all = new Set<HubSubscription>();
  readonly #everything = new Set<HubSubscription>();
  readonly #byUser = new Map<string, Set<HubSubscription>>();
  readonly #bySupplier = new Map<string, Set<HubSubscription>>();

  constructor(options: EventHubOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: "realtime" });
  }

  /** Connects and LISTENs (once; later calls wait for the same start). */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the realtime hub is closed"));
    this.#started ??= this.#connect().then(
      () => {
        const health = this.#options.healthIntervalMs ?? HEALTH_INTERVAL_MS;
        this.#healthTimer = setInterval(() => this.requestPoll(), health);
        this.#healthTimer.unref();
        this.#pruneTimer = setInterval(() => void this.#prune(), PRUNE_INTERVAL_MS);
        this.#pruneTimer.unref();
      },
      (error: unknown) => {
        // The next subscriber tries again.
        this.#started = null;
        throw error;
      },
    );
    return this.#started;
  }

  /** Reads the log soon; reads requested while one runs fold into one more. */
  requestPoll(): void {
    if (this.#polling) {
      this.#dirty = true;
      return;
    }
    void this.#runPolls();
  }

  /**
   * Resolves once a complete read that started after this call has been
   * dispatched: the hub's boundary then lies after anything committed
   * before the call (a resuming cursor from any instance included).
   */
  pollNow(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.requestPoll();
    });
  }

  /**
   * Adds a subscription and returns the boundary: everything visible in it
   * was dispatched before; every later event reaches the subscription live.
   * Synchronous, so no read can fall between the two.
   */
  register(subscription: HubSubscription): HubBoundary {
    if (this.#since === null) throw new Error("the realtime hub has not started");
    this.#all.add(subscription);
    if (subscription.everything) this.#everything.add(subscription);
    addTo(this.#byUser, subscription.userId, subscription);
    if (subscription.supplierId) addTo(this.#bySupplier, subscription.supplierId, subscription);
    return { snapshot: this.#since };
  }

  unregister(subscription: HubSubscription): void {
    if (!this.#all.delete(subscription)) return;
    this.#everything.delete(subscription);
    removeFrom(this.#byUser, subscription.userId, subscription);
    if (subscription.supplierId) removeFrom(this.#bySupplier, subscription.supplierId, subscription);
  }

  /**
   * The events of one interval that the filter admits, after an id, in
   * order, read in parts. Replays run on a pooled connection of the caller's
   * choosing (`query`), not on the listener's.
   */
  async *replay(
    query: (text: string, values: unknown[]) => Promise<EventRow[]>,
    interval: { since: string; until: string; afterId: string },
    filter: ReplayFilter,
  ): AsyncGenerator<RealtimeEvent> {
    const issuedAt = Date.now();
    let afterId = interval.afterId;
    for (;;) {
      const rows = await query(BETWEEN_SQL, [
        interval.since,
        interval.until,
        afterId,
        filter.topics,
        filter.orderId,
        filter.supplierOrderId,
        filter.userId,
        filter.supplierId,
        filter.everything,
        BATCH,
      ]);
      for (const row of rows) {
        if (row.topic === "access") continue;
        yield toEvent(row, interval.since, interval.until, issuedAt);
      }
      if (rows.length < BATCH) return;
      afterId = String(rows[rows.length - 1]!.id);
    }
  }

  stats(): { subscriptions: number; users: number; suppliers: number; connected: boolean } {
    return {
      subscriptions: this.#all.size,
      users: this.#byUser.size,
      suppliers: this.#bySupplier.size,
      connected: this.#client !== null,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of [this.#healthTimer, this.#pruneTimer]) if (timer) clearInterval(timer);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  // ------------------------------------------------------------ connection

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.listenUrl,
      application_name: "loomline-realtime",
      keepAlive: true,
      statement_timeout: this.#options.statementTimeoutMs,
      query_timeout: this.#options.statementTimeoutMs + 1_000,
    });
    client.on("error", (error) => this.#lost(client, error));
    client.on("end", () => this.#lost(client, null));
    client.on("notification", (message) => {
      if (message.channel === CHANNEL) this.requestPoll();
    });
    await client.connect();
    try {
      await this.#query(client, `listen ${CHANNEL}`);
      if (this.#since === null) {
        const { rows } = await this.#query<{ snapshot: string }>(
          client,
          "select pg_current_snapshot()::text as snapshot",
        );
        this.#since = rows[0]!.snapshot;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#reconnectAttempt = 0;
    // Whatever committed while nobody listened (a reconnect): read it now.
    this.requestPoll();
  }

  #lost(client: pg.Client, error: Error | null): void {
    if (this.#client !== client) return;
    this.#client = null;
    if (this.#closed) return;
    this.#log.warn({ err: error ?? undefined }, "realtime listener connection lost; reconnecting");
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.#reconnectAttempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.#reconnectAttempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect().then(
        () => this.#log.info("realtime listener reconnected"),
        (error: unknown) => {
          this.#log.debug({ err: error }, "realtime listener reconnect failed");
          this.#scheduleReconnect();
        },
      );
    }, delay);
    this.#reconnectTimer.unref();
  }

  #query<R extends pg.QueryResultRow>(
    client: pg.Client,
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    this.#options.onStatement?.();
    return client.query<R>(text, values);
  }

  // ------------------------------------------------------------ reading

  async #runPolls(): Promise<void> {
    this.#polling = true;
    try {
      do {
        this.#dirty = false;
        const client = this.#client;
        // Disconnected: the reconnect reads on, and keeps the waiters waiting.
        if (!client) return;
        const waiting = this.#waiters.splice(0);
        try {
          await this.#pollOnce(client);
        } catch (error) {
          this.#waiters.unshift(...waiting);
          // A lost connection is reported by its own handler; anything else waits for the next wake-up.
          if (this.#client === client) this.#log.warn({ err: error }, "realtime log read failed");
          return;
        }
        if (this.#partial) {
          this.#waiters.unshift(...waiting);
          this.#dirty = true;
        } else {
          for (const resolve of waiting) resolve();
        }
      } while (this.#dirty && !this.#closed);
    } finally {
      this.#polling = false;
    }
  }

  async #pollOnce(client: pg.Client): Promise<void> {
    const since = this.#since!;
    let until: string;
    let rows: EventRow[];
    if (this.#partial) {
      until = this.#partial.until;
      const result = await this.#query<EventRow>(client, BETWEEN_SQL, [
        since,
        until,
        this.#partial.afterId,
        TOPICS_WITH_ACCESS,
        null,
        null,
        null,
        null,
        true,
        BATCH + 1,
      ]);
      rows = result.rows;
    } else {
      const result = await this.#query<{ batch: { snapshot: string; events: EventRow[] } }>(
        client,
        "select app_private.events_poll($1::pg_snapshot, $2) as batch",
        [since, BATCH],
      );
      ({ snapshot: until, events: rows } = result.rows[0]!.batch);
    }
    const complete = rows.length <= BATCH;
    if (!complete) rows = rows.slice(0, BATCH);
    if (complete) {
      this.#since = until;
      this.#partial = null;
    } else {
      this.#partial = { until, afterId: String(rows[rows.length - 1]!.id) };
    }
    const issuedAt = Date.now();
    for (const row of rows) this.#dispatch(row, since, until, issuedAt);
  }

  #dispatch(row: EventRow, since: string, until: string, issuedAt: number): void {
    if (row.topic === "access") {
      for (const subscription of [...(this.#byUser.get(row.user_id ?? "") ?? [])]) subscription.revoke();
      return;
    }
    const event = toEvent(row, since, until, issuedAt);
    const reached = new Set<HubSubscription>();
    const offer = (subscriptions: Set<HubSubscription> | undefined) => {
      if (!subscriptions) return;
      for (const subscription of subscriptions) {
        if (reached.has(subscription)) continue;
        reached.add(subscription);
        if (admits(subscription, event)) subscription.deliver(event);
      }
    };
    offer(this.#everything);
    if (row.buyer_id) offer(this.#byUser.get(row.buyer_id));
    if (row.user_id) offer(this.#byUser.get(row.user_id));
    for (const supplierId of row.supplier_ids) offer(this.#bySupplier.get(supplierId));
  }

  async #prune(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      const { rows } = await this.#query<{ removed: string }>(
        client,
        "select app_private.events_prune(make_interval(hours => $1)) as removed",
        [this.#options.retentionHours],
      );
      this.#log.debug({ removed: Number(rows[0]!.removed) }, "realtime events pruned");
    } catch (error) {
      this.#log.warn({ err: error }, "realtime event pruning failed");
    }
  }
}

const TOPICS_WITH_ACCESS = [...TOPICS, "access"];

// $4 (topics) has no cast: the login role may not name types in `public`;
// PostgreSQL takes the parameter's type from the function.
const BETWEEN_SQL = `
  select id::text, topic, kind, entity_id, order_id, supplier_order_id, buyer_id, supplier_ids, user_id,
         payload, created_at
    from app_private.events_between($1::pg_snapshot, $2::pg_snapshot, $3::bigint, $4,
                                    $5::uuid, $6::uuid, $7::uuid, $8::uuid, $9::boolean, $10::integer)`;

export type { EventRow };

function admits(subscription: HubSubscription, event: RealtimeEvent): boolean {
  return (
    subscription.topics.has(event.topic) &&
    (subscription.orderId === null || subscription.orderId === event.orderId) &&
    (subscription.supplierOrderId === null || subscription.supplierOrderId === event.supplierOrderId)
  );
}

function toEvent(row: EventRow, since: string, until: string, issuedAt: number): RealtimeEvent {
  const id = String(row.id);
  return {
    id,
    topic: row.topic as EventTopic,
    kind: row.kind,
    entityId: row.entity_id,
    orderId: row.order_id,
    supplierOrderId: row.supplier_order_id,
    payload: row.payload,
    createdAt: new Date(row.created_at),
    cursor: encodeCursor({ since, until, id, issuedAt }),
  };
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
