import { encodeGlobalID } from "@pothos/plugin-relay";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { adminRows } from "../helpers/database";

/**
 * Realtime clients over real sockets, for the tests of issue 11 (and the
 * benchmark's shapes): a graphql-ws client on `ws` that records the socket's
 * close code, a Server-Sent Events client on fetch, and the streams both fill.
 * A test waits on a stream with a timeout; it never sleeps and hopes.
 */

/** Generous: the suite runs on shared two-core machines. A delivery test asserts arrival, not speed. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export const STAGE_EVENTS = `
  subscription StageEvents($orderId: ID, $supplierOrderId: ID, $after: String) {
    productionStageUpdated(orderId: $orderId, supplierOrderId: $supplierOrderId, after: $after) {
      cursor
      kind
      stage { id stageNumber status completionPercentage notes }
      order { id status }
    }
  }`;

export const ORDER_STATUS_EVENTS = `
  subscription OrderStatusEvents($orderId: ID, $after: String) {
    orderStatusChanged(orderId: $orderId, after: $after) {
      cursor
      order { id status }
      fromStatus
      toStatus
      changedAt
    }
  }`;

export interface StageEvent {
  cursor: string;
  kind: string;
  stage: {
    id: string;
    stageNumber: number;
    status: string;
    completionPercentage: string;
    notes: string | null;
  };
  order: { id: string; status: string };
}

export interface OrderStatusEvent {
  cursor: string;
  order: { id: string; status: string };
  fromStatus: string | null;
  toStatus: string;
  changedAt: string;
}

export const gid = (type: string, id: string) => encodeGlobalID(type, id);

// ---------------------------------------------------------------- streams

/** How a stream ended: completed by the server, or failed (an error result, a socket close). */
export type StreamEnd = { completed: true } | { completed: false; error: unknown };

/**
 * What one subscription received, in order: the root field's value of each
 * result. Error results and the end are recorded too; waiting fails fast on
 * them, with everything received so far in the message.
 */
export class Stream<T> {
  readonly items: T[] = [];
  readonly errors: unknown[] = [];
  end: StreamEnd | undefined;
  /**
   * Whether an error result (a `next` carrying errors) ends the stream here
   * (the default: tests fail fast on one). graphql-ws itself goes on after
   * one; a test that checks what follows an error result turns this off.
   */
  endOnErrorResult = true;
  private listeners = new Set<() => void>();

  constructor(
    readonly label: string,
    private readonly cancel: () => void,
    /** The server's side, for failure messages (its warnings and errors). */
    private readonly serverLogs?: () => Record<string, unknown>[],
  ) {}

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  fail(error: unknown): void {
    this.errors.push(error);
    this.finish({ completed: false, error });
  }

  /** A result with errors: recorded; the end of the stream unless `endOnErrorResult` is off. */
  errorResult(errors: unknown): void {
    if (this.endOnErrorResult) return this.fail(errors);
    this.errors.push(errors);
    this.wake();
  }

  finish(end: StreamEnd): void {
    this.end ??= end;
    this.wake();
  }

  /** Stops the subscription (graphql-ws `complete`, or the SSE request aborted). */
  unsubscribe(): void {
    this.cancel();
    this.finish({ completed: true });
  }

  /**
   * The first item at index `from` or later that `matches`. Rejects when the
   * stream ends first or nothing matches within `timeoutMs`.
   */
  async waitFor(
    matches: (item: T) => boolean,
    { timeoutMs = DELIVERY_TIMEOUT_MS, from = 0, what = "a matching event" } = {},
  ): Promise<T> {
    const found = () => this.items.slice(from).find(matches);
    return this.until(() => found() !== undefined, timeoutMs, what).then(() => found()!);
  }

  /** Resolves when the stream has ended (its end); rejects after `timeoutMs`. */
  async ended(timeoutMs = DELIVERY_TIMEOUT_MS): Promise<StreamEnd> {
    await this.until(() => this.end !== undefined, timeoutMs, "the end of the stream", true);
    return this.end!;
  }

  private until(done: () => boolean, timeoutMs: number, what: string, endIsAnswer = false): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (done()) return settle(resolve);
        if (!endIsAnswer && this.end) {
          return settle(() =>
            reject(
              new Error(`${this.label}: ended before ${what}: ${describeEnd(this.end)}${this.received()}`),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(new Error(`${this.label}: no ${what} within ${timeoutMs} ms${this.received()}`)),
          ),
        timeoutMs,
      );
      const settle = (then: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        then();
      };
      this.listeners.add(check);
      check();
    });
  }

  private wake(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** For failure messages: what arrived. */
  received(): string {
    const lines = this.items.map((item, index) => `  ${index}: ${JSON.stringify(item)}`);
    const problems = (this.serverLogs?.() ?? []).filter((line) => Number(line["level"]) >= 40).slice(-5);
    return `\nreceived ${this.items.length}:\n${lines.join("\n")}${
      this.errors.length ? `\nerrors: ${JSON.stringify(this.errors.map(describeError))}` : ""
    }${problems.length ? `\nserver warnings and errors (last 5):\n${problems.map((line) => `  ${JSON.stringify(line)}`).join("\n")}` : ""}`;
  }
}

function describeEnd(end: StreamEnd | undefined): string {
  if (!end) return "open";
  return end.completed ? "completed" : describeError(end.error);
}

function describeError(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && "reason" in error) {
    return `socket closed ${String(error.code)} ${String(error.reason)}`;
  }
  if (error instanceof Error) return error.message;
  return JSON.stringify(error);
}

/** The close code of a stream that ended because its socket closed; undefined otherwise. */
export function closeCodeOf(end: StreamEnd): number | undefined {
  if (end.completed) return undefined;
  const { error } = end;
  return error && typeof error === "object" && "code" in error && typeof error.code === "number"
    ? error.code
    : undefined;
}

// ---------------------------------------------------------------- graphql-ws

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface SocketOptions {
  /** Sent as `connectionParams.authorization` ("Bearer …"). */
  token?: string;
  /** Where the token goes: connection_init (default), or the upgrade request's Authorization header. */
  tokenIn?: "connectionParams" | "header";
  label?: string;
  /** The server's log lines (ApiServer.logs), quoted when a stream fails. */
  serverLogs?: () => Record<string, unknown>[];
}

export interface RealtimeSocket {
  client: Client;
  /** Settles with the first close of the socket. */
  closed: Promise<CloseInfo>;
  /** The first close, once it happened. */
  closeInfo: CloseInfo | undefined;
  /** Resolves when the server acknowledged the connection; rejects when the socket closes first. */
  connected: Promise<void>;
  subscribe<T>(query: string, variables?: Record<string, unknown>, label?: string): Stream<T>;
  /** Closes the socket (normal closure) and waits for it. */
  dispose(): Promise<void>;
}

/** ws://host:port/graphql of an API server's http://host:port. */
export function webSocketUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, "ws")}/graphql`;
}

/**
 * A graphql-ws connection (protocol `graphql-transport-ws`) to `httpUrl`'s
 * /graphql, opened at once (not lazily) and never retried: a close is the
 * end, recorded with its code.
 */
export function openSocket(httpUrl: string, options: SocketOptions = {}): RealtimeSocket {
  const label = options.label ?? "socket";
  const authorization = options.token ? `Bearer ${options.token}` : undefined;
  const headerAuth = options.tokenIn === "header" ? authorization : undefined;
  // graphql-ws constructs the socket itself (url, protocol): headers go in through a subclass.
  const webSocketImpl = headerAuth
    ? class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { authorization: headerAuth } });
        }
      }
    : WebSocket;
  let closeInfo: CloseInfo | undefined;
  let markClosed!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => (markClosed = resolve));
  let markConnected!: () => void;
  let failConnected!: (error: Error) => void;
  const connected = new Promise<void>((resolve, reject) => {
    markConnected = resolve;
    failConnected = reject;
  });
  connected.catch(() => undefined); // observed by whoever awaits it

  const client = createClient({
    url: webSocketUrl(httpUrl),
    webSocketImpl,
    lazy: false,
    retryAttempts: 0,
    // The tests watch close codes themselves; graphql-ws would print them.
    onNonLazyError: () => undefined,
    connectionParams: authorization && !headerAuth ? { authorization } : {},
    on: {
      connected: () => markConnected(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        if (!closeInfo) {
          closeInfo = { code, reason: String(reason) };
          markClosed(closeInfo);
          failConnected(
            new Error(`${label}: closed ${code} ${String(reason)} before the connection was acknowledged`),
          );
        }
      },
    },
  });

  return {
    client,
    closed,
    get closeInfo() {
      return closeInfo;
    },
    connected,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}, streamLabel = label) {
      let cancel = () => undefined as void;
      const stream = new Stream<T>(streamLabel, () => cancel(), options.serverLogs);
      cancel = client.subscribe<Record<string, T>>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors?.length) stream.errorResult(result.errors);
            else if (result.data) stream.push(Object.values(result.data)[0] as T);
          },
          error: (error) => stream.fail(error),
          complete: () => stream.finish({ completed: true }),
        },
      );
      return stream;
    },
    async dispose() {
      await client.dispose();
      if (closeInfo) return;
      // A socket that never opened has no close to wait for.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------- Server-Sent Events

/**
 * A subscription over Server-Sent Events: Yoga's own transport, POST
 * /graphql with `accept: text/event-stream`, one request per subscription
 * ("distinct connections" mode of GraphQL over SSE).
 */
export function sseSubscribe<T>(
  httpUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  label = "sse",
): Stream<T> & { response: Promise<Response> } {
  const abort = new AbortController();
  const stream = new Stream<T>(label, () => abort.abort()) as Stream<T> & { response: Promise<Response> };
  stream.response = fetch(`${httpUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  void (async () => {
    try {
      const response = await stream.response;
      if (!response.ok || !response.body) {
        stream.fail(new Error(`SSE request failed: ${response.status} ${await response.text()}`));
        return;
      }
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, "\n");
        let boundary: number;
        while ((boundary = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const message = parseSseBlock(block);
          if (message.event === "complete") {
            stream.finish({ completed: true });
            return;
          }
          if (!message.data) continue; // a keep-alive comment
          const result = JSON.parse(message.data) as { data?: Record<string, T>; errors?: unknown[] };
          if (result.errors?.length) stream.errorResult(result.errors);
          else if (result.data) stream.push(Object.values(result.data)[0] as T);
        }
      }
      stream.finish({ completed: true });
    } catch (error) {
      if (abort.signal.aborted) stream.finish({ completed: true });
      else stream.fail(error);
    }
  })();
  return stream;
}

function parseSseBlock(block: string): { event: string; data: string } {
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return { event, data: data.join("\n") };
}

// ---------------------------------------------------------------- writes and readiness

/**
 * A stage event written as plain SQL by the migrator (not through the API):
 * `notes` changes, nothing else, so no status change, no notification.
 */
export async function touchStage(adminUrl: string, stageId: string, notes: string): Promise<void> {
  const rows = await adminRows(
    adminUrl,
    "update production_stages set notes = $2 where id = $1 returning id",
    [stageId, notes],
  );
  if (rows.length !== 1) throw new Error(`no production stage ${stageId}`);
}

/** The ids of a supplier order's eight stages, stage 1 first. */
export async function stageIdsOf(adminUrl: string, supplierOrderId: string): Promise<string[]> {
  const rows = await adminRows<{ id: string }>(
    adminUrl,
    "select id::text from production_stages where supplier_order_id = $1 order by stage_number",
    [supplierOrderId],
  );
  if (rows.length !== 8)
    throw new Error(`supplier order ${supplierOrderId} has ${rows.length} stages, not 8`);
  return rows.map((row) => row.id);
}

let pokes = 0;

/**
 * Waits until `stream` is live on the server: graphql-ws has no per-subscription
 * acknowledgement, so it writes a marker event (`poke`, e.g. a stage's notes)
 * and waits for it, writing another every `everyMs` until one arrives. Each
 * marker is a positive delivery, never a guess that the server is ready.
 */
export async function untilLive<T>(
  stream: Stream<T>,
  poke: (marker: string) => Promise<unknown>,
  isMarker: (item: T) => boolean,
  { everyMs = 750, timeoutMs = DELIVERY_TIMEOUT_MS * 3 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await poke(`live-check-${++pokes}`);
    try {
      await stream.waitFor(isMarker, { timeoutMs: everyMs, what: "a live-check marker" });
      return;
    } catch (error) {
      if (stream.end || Date.now() > deadline) throw error;
    }
  }
}

/** `untilLive` for a stage stream: the marker is a notes change of `stageId`. */
export function untilStageLive(stream: Stream<StageEvent>, adminUrl: string, stageId: string): Promise<void> {
  return untilLive(
    stream,
    (marker) => touchStage(adminUrl, stageId, marker),
    (event) => event.stage.id === gid("ProductionStage", stageId),
  );
}

/** Matches the stage event of `stageId` whose notes read `notes`. */
export const stageEvent =
  (stageId: string, notes?: string) =>
  (event: StageEvent): boolean =>
    event.stage.id === gid("ProductionStage", stageId) &&
    (notes === undefined || event.stage.notes === notes);
