/**
 * npm run bench:realtime — the realtime path under load (issue 11, item 7).
 *
 * How to run: `npm run bench:realtime` (about 4 minutes with the defaults).
 * Environment: BENCH_DURATION seconds of each flow of stage updates (60),
 * BENCH_RATES updates per second, comma-separated, one flow each (100;
 * BENCH_RATE for one), BENCH_SUBSCRIBERS (1,000),
 * BENCH_WRITE_SECONDS per write-throughput measurement (8), BENCH_WRITE_ROUNDS
 * (2), BENCH_WRITERS concurrent writers (8), BENCH_SCALE of the seed
 * (medium), BENCH_POOL_MAX the server's pool (8). DATABASE_URL as for the
 * other benches; else an embedded server under .data/bench-realtime-postgres
 * (its own directory: the workloads bench may hold .data/bench-postgres at
 * the same time; EMBEDDED_PG_DIR overrides it), database
 * `loomline_bench_realtime_<scale>`, migrated every run, seeded once.
 *
 * The server runs in a child process (this file with BENCH_REALTIME_ROLE=server):
 * the real app (createApp with WebSockets attached, NODE_ENV=production),
 * so its RSS is its own and its event loop is not the load generator's. It
 * counts the SQL it sends two ways: createApp's onQuery (the request pool's
 * statements, transaction openings included, and the listener's, which the
 * hub reports), and every `query` call on a node-postgres client in that
 * process (one per round trip, whoever sends it).
 *
 * Subscribers: BENCH_SUBSCRIBERS graphql-ws sockets (one subscription each, a
 * browser tab) from this process, spread over the 50 suppliers and 200
 * buyers with the most running production: every user has one tab, the rest
 * are drawn with a skew, so some users have many tabs. Supplier tabs watch
 * their dashboard (productionStageUpdated without ids); buyer tabs watch all
 * their orders (no ids) or, one in two, one order of theirs.
 *
 * Measurements, in this order:
 *   rss          the server's RSS and heap (after a forced GC) before and after
 *                the subscribers connect, idle: the difference per subscriber;
 *   flow         BENCH_RATE stage updates per second for BENCH_DURATION s, plain
 *                SQL by the migrator, rotating over the stages. Each update is
 *                one round trip (BEGIN; the update; the id of the event its
 *                trigger wrote; COMMIT) and its commit time is taken when that
 *                returns. A client maps each arrival to its event by the id
 *                inside the cursor (read with the server's own decoder: a stage
 *                event shows the stage as it is when delivered, so its content
 *                cannot tell which update it was). Latency = arrival − commit,
 *                over every delivery (event × subscriber), one clock (this
 *                process). Deliveries are checked against the subscribers who
 *                should get each event (missing, unexpected, duplicates); how
 *                long deliveries go on after the last write shows whether the
 *                server kept up; CPU of the server and of this process during
 *                the flow; statements per event = what the server sent during
 *                the flow ÷ events committed;
 *   audiences    statements per event with 1 subscriber of one supplier, then
 *                with 100 tabs of that same supplier (one audience): equal
 *                when an event is resolved once per audience;
 *   writes       stage-update throughput of BENCH_WRITERS connections, each
 *                updating its own stages as fast as it can, with the realtime
 *                path as migrated and without it. Fair comparison: the same
 *                statement, the same triggers (status, order progress,
 *                rules), only app_private.publish() differs — as migrated
 *                (event row + NOTIFY, whose commit-time lock is the suspected
 *                cost), "log only" (event row, no NOTIFY), and "off" (returns
 *                at once: what the write cost before realtime). Redefined by
 *                the migrator for the measurement and restored right after
 *                (and on the next run if this one died: a copy of the original
 *                is kept in .data/). The server stays connected (its
 *                listener wakes on every NOTIFY, as in production), with no
 *                subscriber. Variants are interleaved over BENCH_WRITE_ROUNDS.
 *                `session_replication_role = replica` would also switch off the
 *                order-progress triggers and flatter the "without" figure.
 * Figures compare only within one run. Writes bench/results/realtime.json.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { runInNewContext } from "node:vm";
import v8 from "node:v8";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { type Client, createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { DEV_SIGNING_KEY_FILE, type TokenService, createTokenService } from "../src/auth/tokens";
import { PROJECT_ROOT } from "../src/project-root";
import { decodeCursor } from "../src/realtime/cursor";
import { DEV_KEY_FILE as DEV_FIELD_KEY_FILE } from "../src/services/field-encryption";

const SCALE = (process.env.BENCH_SCALE ?? "medium") as "small" | "medium" | "large";
const DATABASE = `loomline_bench_realtime_${SCALE}`;
const DURATION = Number(process.env.BENCH_DURATION ?? 60);
/** The flow's rates, one flow each (the first is the issue's 100 per second; more show where it bends). */
const RATES = (process.env.BENCH_RATES ?? process.env.BENCH_RATE ?? "100").split(",").map(Number);
const RATE = RATES[0]!;
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000);
const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 8);
const WRITE_ROUNDS = Number(process.env.BENCH_WRITE_ROUNDS ?? 2);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? 8);
const SUPPLIERS = 50;
const BUYERS = 200;
/** Tabs of one supplier in the audience measurement. */
const SHARED_AUDIENCE_TABS = 100;
const AUDIENCE_EVENTS = 60;
const RESULTS = path.join(PROJECT_ROOT, "bench", "results", "realtime.json");
const PUBLISH_BACKUP = path.join(PROJECT_ROOT, ".data", "bench-realtime-publish.sql");

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ================================================================ the server (child process)

interface Sample {
  rss: number;
  heapUsed: number;
  external: number;
  /** createApp's onQuery: request-pool statements and the listener's. */
  statements: number;
  /** Every node-postgres `query` call in the server process (one per round trip). */
  roundTrips: number;
  /** CPU time of the server process so far (user + system), ms. */
  cpuMs: number;
  realtime: { subscriptions: number; users: number; suppliers: number; connected: boolean };
}

type ServerRequest = { id: number; op: "sample" } | { id: number; op: "gc" };

async function serve(): Promise<void> {
  // Measurement hook, not a stub: counts what is sent and sends it unchanged.
  let roundTrips = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    roundTrips += 1;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;

  const [{ createApp }, { loadConfig }, { createLogger }] = await Promise.all([
    import("../src/app"),
    import("../src/config"),
    import("../src/logger"),
  ]);
  const config = loadConfig({ ...process.env, LOG_LEVEL: "warn", DATABASE_POOL_MAX: String(POOL_MAX) });
  const logger = createLogger(config);
  let statements = 0;
  const app = createApp({
    config,
    logger,
    apiUrl: config.DATABASE_API_URL!,
    onQuery: () => (statements += 1),
  });
  const server = http.createServer(app.handler);
  app.attachWebSockets(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  v8.setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;

  process.on("message", (request: ServerRequest) => {
    if (request.op === "gc") {
      gc();
      gc();
      process.send!({ id: request.id });
      return;
    }
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const sample: Sample = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      statements,
      roundTrips,
      realtime: app.realtime.stats(),
    };
    process.send!({ id: request.id, sample });
  });
  process.on("disconnect", () => {
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  });
  process.send!({ ready: (server.address() as AddressInfo).port });
}

interface ServerHandle {
  url: string;
  sample(): Promise<Sample>;
  gc(): Promise<void>;
  stop(): Promise<void>;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<ServerHandle> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join("bench", "realtime.ts")],
    {
      cwd: PROJECT_ROOT,
      env: { ...env, BENCH_REALTIME_ROLE: "server" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  let nextId = 0;
  const pending = new Map<number, (message: { sample?: Sample }) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start within 120 s")), 120_000);
    child.once("exit", (code) => reject(new Error(`the server exited (${code}) before it was ready`)));
    child.on("message", (message: { ready?: number; id?: number; sample?: Sample }) => {
      if (message.ready !== undefined) {
        clearTimeout(timer);
        resolve(message.ready);
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
  const ask = (op: ServerRequest["op"]) =>
    new Promise<{ sample?: Sample }>((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      child.send({ id, op } satisfies ServerRequest);
    });
  return {
    url: `http://127.0.0.1:${port}`,
    sample: async () => (await ask("sample")).sample!,
    gc: async () => void (await ask("gc")),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ================================================================ the world

interface Target {
  stageId: string;
  orderId: string;
  supplierUser: string;
  buyerUser: string;
}

interface Tab {
  userId: string;
  roles: ("buyer" | "supplier")[];
  /** Set for a buyer tab watching one order. */
  orderId: string | null;
}

/** The 50 suppliers and 200 buyers with the most running stages, and the stages they share. */
async function pickWorld(
  admin: pg.Client,
): Promise<{ targets: Target[]; suppliers: string[]; buyers: string[] }> {
  const { rows } = await admin.query<{
    stage_id: string;
    order_id: string;
    supplier_user: string;
    buyer_user: string;
  }>(
    `
    with candidates as (
      select ps.id as stage_id, o.id as order_id, s.user_id as supplier_user, o.buyer_id as buyer_user
        from production_stages ps
        join supplier_orders so on so.id = ps.supplier_order_id and so.status = 'accepted'
        join suppliers s on s.id = so.supplier_id
        join orders o on o.id = so.buyer_order_id
        join users su on su.id = s.user_id and su.disabled_at is null and su.deleted_at is null
        join users bu on bu.id = o.buyer_id and bu.disabled_at is null and bu.deleted_at is null
       where exists (select 1 from user_roles r where r.user_id = s.user_id and r.role = 'supplier')
         and exists (select 1 from user_roles r where r.user_id = o.buyer_id and r.role = 'buyer')
         and ps.status <> 'completed'
    ),
    top_suppliers as (
      select supplier_user from candidates group by supplier_user order by count(*) desc, supplier_user limit $1
    ),
    top_buyers as (
      select buyer_user from candidates where supplier_user in (select supplier_user from top_suppliers)
       group by buyer_user order by count(*) desc, buyer_user limit $2
    )
    select stage_id::text, order_id::text, supplier_user::text, buyer_user::text
      from candidates
     where supplier_user in (select supplier_user from top_suppliers)
       and buyer_user in (select buyer_user from top_buyers)
     order by stage_id`,
    [SUPPLIERS, BUYERS],
  );
  const targets = rows.map((row) => ({
    stageId: row.stage_id,
    orderId: row.order_id,
    supplierUser: row.supplier_user,
    buyerUser: row.buyer_user,
  }));
  return {
    targets,
    suppliers: [...new Set(targets.map((target) => target.supplierUser))],
    buyers: [...new Set(targets.map((target) => target.buyerUser))],
  };
}

/** A deterministic PRNG (mulberry32): the same tabs on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One tab per user, the rest drawn with a skew (rand² favours the first users: a few have many tabs). */
function planTabs(suppliers: string[], buyers: string[], targets: Target[], total: number): Tab[] {
  const ordersOf = new Map<string, string[]>();
  for (const target of targets) {
    const orders = ordersOf.get(target.buyerUser) ?? [];
    if (!orders.includes(target.orderId)) orders.push(target.orderId);
    ordersOf.set(target.buyerUser, orders);
  }
  const rand = random(11);
  const buyerTab = (userId: string, index: number): Tab => {
    const orders = ordersOf.get(userId)!;
    return { userId, roles: ["buyer"], orderId: index % 2 === 1 ? orders[index % orders.length]! : null };
  };
  const tabs: Tab[] = [
    ...suppliers.map((userId): Tab => ({ userId, roles: ["supplier"], orderId: null })),
    ...buyers.map((userId) => buyerTab(userId, 0)),
  ];
  while (tabs.length < total) {
    const pick = rand() ** 2;
    if (rand() < 0.4) {
      tabs.push({
        userId: suppliers[Math.floor(pick * suppliers.length)]!,
        roles: ["supplier"],
        orderId: null,
      });
    } else {
      const userId = buyers[Math.floor(pick * buyers.length)]!;
      tabs.push(buyerTab(userId, tabs.filter((tab) => tab.userId === userId).length));
    }
  }
  return tabs.slice(0, total);
}

// ================================================================ subscribers

const SUBSCRIPTION = `
  subscription Bench($orderId: ID) {
    productionStageUpdated(orderId: $orderId) { cursor kind stage { id notes completionPercentage } order { id } }
  }`;

interface Arrival {
  /** The event's id, from its cursor. */
  eventId: string;
  tab: number;
  at: number;
}

interface Subscriber {
  client: Client;
  /** Resolves when the server acknowledged the connection. */
  connected: Promise<void>;
  /** Starts the tab's one subscription. */
  subscribe(): void;
  stop(): Promise<void>;
}

/** One tab: a socket (connected at once) and its subscription (started by `subscribe()`); arrivals go to `record`. */
function openTab(
  url: string,
  token: string,
  orderId: string | null,
  tab: number,
  record: (arrival: Arrival) => void,
  failures: string[],
): Subscriber {
  let stopped = false;
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  const client = createClient({
    url: `${url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: (error) => void (stopped || failures.push(`tab ${tab}: ${describe(error)}`)),
    connectionParams: { authorization: `Bearer ${token}` },
    on: { connected: () => markConnected() },
  });
  const variables = orderId ? { orderId: encodeGlobalID("Order", orderId) } : {};
  const subscribe = () =>
    client.subscribe<{ productionStageUpdated: { cursor: string } }>(
      { query: SUBSCRIPTION, variables },
      {
        next: (result) => {
          const cursor = result.data?.productionStageUpdated.cursor;
          // The bench reads the event id inside the cursor (opaque to clients) with the server's own decoder:
          // a stage event shows the stage as it is when delivered, so its notes cannot tell which update it is.
          if (cursor) record({ eventId: decodeCursor(cursor, Infinity).id, tab, at: performance.now() });
          if (result.errors) failures.push(`tab ${tab}: ${JSON.stringify(result.errors)}`);
        },
        error: (error) => void (stopped || failures.push(`tab ${tab}: ${describe(error)}`)),
        complete: () => undefined,
      },
    );
  return {
    client,
    connected,
    subscribe: () => void subscribe(),
    stop: async () => {
      stopped = true;
      await client.dispose();
    },
  };
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "code" in error) return `closed ${String(error.code)}`;
  return error instanceof Error ? error.message : JSON.stringify(error);
}

async function until(
  done: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
  return {
    count: sorted.length,
    p50ms: at(0.5),
    p95ms: at(0.95),
    p99ms: at(0.99),
    maxms: round(sorted.at(-1) ?? NaN),
  };
}

// ================================================================ writes

/** Rotates through the targets so that a stage comes back only after `targets.length / RATE` seconds. */
function rotation(targets: Target[]): () => Target {
  const shuffled = [...targets];
  const rand = random(7);
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  let next = 0;
  return () => shuffled[next++ % shuffled.length]!;
}

/**
 * `count` updates at `rate` per second on `writers` connections (each
 * connection one statement at a time; a late one delays only its own next
 * update). Each is one round trip: BEGIN, the update, the id of the event its
 * trigger wrote, COMMIT; its commit time is taken when that returns.
 */
async function paced(
  writers: pg.Client[],
  next: () => Target,
  count: number,
  rate: number,
  prefix: string,
): Promise<{ commits: Map<string, { at: number; target: Target }>; lateStarts: number }> {
  const commits = new Map<string, { at: number; target: Target }>();
  const started = performance.now();
  let lateStarts = 0;
  const tails = writers.map(() => Promise.resolve());
  for (let i = 0; i < count; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -50) lateStarts += 1;
    const w = i % writers.length;
    const writer = writers[w]!;
    const target = next();
    const text =
      `begin; update production_stages set notes = ${writer.escapeLiteral(`${prefix}-${i}`)} ` +
      `where id = ${writer.escapeLiteral(target.stageId)}; ` +
      "select id::text from events where xid = pg_current_xact_id() and topic = 'stage'; commit";
    tails[w] = tails[w]!.then(async () => {
      const results = (await writer.query(text)) as unknown as pg.QueryResult<{ id: string }>[];
      const at = performance.now();
      for (const row of results[2]!.rows) commits.set(row.id, { at, target });
    });
  }
  await Promise.all(tails);
  return { commits, lateStarts };
}

type PublishVariant = "realtime" | "log only" | "off";

const PUBLISH_SIGNATURE = "app_private.publish(text, uuid, jsonb)";
const NOTIFY_LINE = /^\s*perform pg_notify\('loomline_events', pg_current_xact_id\(\)::text\);\s*$/m;

async function publishDefinition(admin: pg.Client): Promise<string> {
  const { rows } = await admin.query<{ def: string }>(
    `select pg_get_functiondef('${PUBLISH_SIGNATURE}'::regprocedure) as def`,
  );
  return rows[0]!.def;
}

/** The migrated publish(), restored first if a run died while it was redefined. */
async function originalPublish(admin: pg.Client): Promise<string> {
  let current = await publishDefinition(admin);
  if (!NOTIFY_LINE.test(current) && existsSync(PUBLISH_BACKUP)) {
    await admin.query(readFileSync(PUBLISH_BACKUP, "utf8"));
    current = await publishDefinition(admin);
  }
  if (!NOTIFY_LINE.test(current) || !/insert into events/.test(current)) {
    throw new Error(
      `${PUBLISH_SIGNATURE} is not as migrated (no NOTIFY line or no event insert); drop database ${DATABASE} and rerun`,
    );
  }
  writeFileSync(PUBLISH_BACKUP, current);
  return current;
}

function publishVariant(original: string, variant: PublishVariant): string {
  if (variant === "realtime") return original;
  if (variant === "log only") return original.replace(NOTIFY_LINE, "");
  const body = /AS \$function\$[\s\S]*\$function\$/;
  if (!body.test(original)) throw new Error("unexpected pg_get_functiondef output");
  return original.replace(body, "AS $function$\nbegin\n  return;\nend;\n$function$");
}

/** Updates per second of `writers` connections, each on its own stages, for `seconds`. */
async function writeThroughput(writers: pg.Client[], targets: Target[], seconds: number): Promise<number> {
  const byOrder = new Map<string, Target[]>();
  for (const target of targets) byOrder.set(target.orderId, [...(byOrder.get(target.orderId) ?? []), target]);
  // Whole orders per writer: a stage update locks its order, and writers should not queue on each other.
  const shares: Target[][] = writers.map(() => []);
  [...byOrder.values()].forEach((group, index) => shares[index % writers.length]!.push(...group));
  let updates = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    writers.map(async (writer, w) => {
      const share = shares[w]!;
      for (let i = 0; performance.now() < deadline; i += 1) {
        const target = share[i % share.length]!;
        await writer.query("update production_stages set notes = $2 where id = $1", [
          target.stageId,
          `w${w}-${i}`,
        ]);
        updates += 1;
      }
    }),
  );
  return Math.round(updates / ((performance.now() - started) / 1000));
}

// ================================================================ main

async function main(): Promise<void> {
  const loadAtStart = os.loadavg().map((value) => round(value));
  process.env.EMBEDDED_PG_DIR ??= ".data/bench-realtime-postgres";
  const { benchDatabase } = await import("./harness");
  const database = await benchDatabase(DATABASE, SCALE);
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  const writerClients: pg.Client[] = [];
  let server: ServerHandle | undefined;
  const subscribers: Subscriber[] = [];
  try {
    const { targets, suppliers, buyers } = await pickWorld(admin);
    if (suppliers.length < SUPPLIERS || buyers.length < BUYERS) {
      console.warn(`only ${suppliers.length} suppliers and ${buyers.length} buyers with running stages`);
    }
    console.log(`${targets.length} stages of ${suppliers.length} suppliers and ${buyers.length} buyers`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_API_URL: database.apiUrl,
      DATABASE_CLAIMS_KEY: database.claimsKey.toString("base64"),
      FIELD_ENCRYPTION_KEYS:
        process.env.FIELD_ENCRYPTION_KEYS ?? readFileSync(DEV_FIELD_KEY_FILE, "utf8").trim(),
      JWT_PRIVATE_KEYS: process.env.JWT_PRIVATE_KEYS ?? readFileSync(DEV_SIGNING_KEY_FILE, "utf8"),
    };
    delete env.DATABASE_URL;
    const { loadConfig } = await import("../src/config");
    // Tokens outlive the run (an expired token would end its subscription: 4403).
    const tokens: TokenService = createTokenService({ ...loadConfig(env), ACCESS_TOKEN_TTL_SECONDS: 3_600 });
    const tokenCache = new Map<string, string>();
    const tokenOf = async (tab: Tab) => {
      const key = `${tab.userId}:${tab.roles.join(",")}`;
      if (!tokenCache.has(key)) {
        tokenCache.set(key, (await tokens.issueAccessToken({ userId: tab.userId, roles: tab.roles })).token);
      }
      return tokenCache.get(key)!;
    };

    server = await startServer(env);
    for (let i = 0; i < WRITERS; i += 1) {
      const client = new pg.Client({ connectionString: database.adminUrl, application_name: "bench-writer" });
      await client.connect();
      writerClients.push(client);
    }
    const next = rotation(targets);

    // ---------------------------------------------------------------- warm-up
    const failures: string[] = [];
    const arrivals: Arrival[] = [];
    const record = (arrival: Arrival) => arrivals.push(arrival);
    const tabs = planTabs(suppliers, buyers, targets, SUBSCRIBERS);
    {
      const warm = await Promise.all(
        tabs
          .slice(0, 20)
          .map(async (tab, i) =>
            openTab(server!.url, await tokenOf(tab), tab.orderId, i, () => undefined, failures),
          ),
      );
      for (const tab of warm) tab.subscribe();
      await until(
        async () => (await server!.sample()).realtime.subscriptions === 20,
        "20 warm-up subscribers",
      );
      await paced(writerClients, next, 200, RATE, "warm");
      await sleep(1_000);
      await Promise.all(warm.map((tab) => tab.stop()));
      await until(
        async () => (await server!.sample()).realtime.subscriptions === 0,
        "warm-up subscribers gone",
      );
    }

    // ---------------------------------------------------------------- rss per idle subscriber
    await server.gc();
    await sleep(500);
    const idleBefore = await server.sample();
    // Sockets first (connection_init acknowledged), then one subscription each: what each costs.
    for (let i = 0; i < tabs.length; i += 50) {
      const batch = await Promise.all(
        tabs
          .slice(i, i + 50)
          .map(async (tab, j) =>
            openTab(server!.url, await tokenOf(tab), tab.orderId, i + j, record, failures),
          ),
      );
      await Promise.all(batch.map((tab) => tab.connected));
      subscribers.push(...batch);
    }
    const settled = async () => {
      await sleep(2_000);
      await server!.gc();
      await sleep(500);
      return server!.sample();
    };
    const socketsOnly = await settled();
    for (let i = 0; i < subscribers.length; i += 50) {
      for (const subscriber of subscribers.slice(i, i + 50)) subscriber.subscribe();
      await until(
        async () => (await server!.sample()).realtime.subscriptions === Math.min(i + 50, subscribers.length),
        "subscribers",
      );
    }
    const idleAfter = await settled();
    const kbEach = (after: number, before: number) => round((after - before) / 1024 / tabs.length, 1);
    const perSubscriber = {
      rssKB: kbEach(idleAfter.rss, idleBefore.rss),
      heapKB: kbEach(idleAfter.heapUsed, idleBefore.heapUsed),
      externalKB: kbEach(idleAfter.external, idleBefore.external),
      ofWhichSocket: {
        rssKB: kbEach(socketsOnly.rss, idleBefore.rss),
        heapKB: kbEach(socketsOnly.heapUsed, idleBefore.heapUsed),
      },
      ofWhichSubscription: {
        rssKB: kbEach(idleAfter.rss, socketsOnly.rss),
        heapKB: kbEach(idleAfter.heapUsed, socketsOnly.heapUsed),
      },
      serverRssBeforeMB: round(idleBefore.rss / 1024 / 1024, 1),
      serverRssAfterMB: round(idleAfter.rss / 1024 / 1024, 1),
      realtime: idleAfter.realtime,
    };
    console.log("idle subscribers:", JSON.stringify(perSubscriber));

    // ---------------------------------------------------------------- the flow
    const runFlow = async (rate: number) => {
      arrivals.length = 0;
      const firstFailure = failures.length;
      const count = Math.round(DURATION * rate);
      const flowBefore = await server!.sample();
      const clientCpuBefore = process.cpuUsage();
      const flowStarted = performance.now();
      const { commits, lateStarts } = await paced(writerClients, next, count, rate, `flow${rate}`);
      const writeSeconds = (performance.now() - flowStarted) / 1000;
      // Who should get each event: the stage's supplier's tabs, its buyer's all-orders tabs and that order's tabs.
      const expectedTabs = (target: Target) =>
        tabs.flatMap((tab, i) =>
          (tab.roles[0] === "supplier" && tab.userId === target.supplierUser) ||
          (tab.roles[0] === "buyer" &&
            tab.userId === target.buyerUser &&
            (!tab.orderId || tab.orderId === target.orderId))
            ? [i]
            : [],
        );
      let expectedDeliveries = 0;
      const expectedByEvent = new Map<string, Set<number>>();
      for (const [eventId, { target }] of commits) {
        const expected = new Set(expectedTabs(target));
        expectedByEvent.set(eventId, expected);
        expectedDeliveries += expected.size;
      }
      const flowArrivals = () => arrivals.filter((arrival) => commits.has(arrival.eventId));
      // A server that fell behind still delivers after the writes stopped: wait for it (bounded).
      await until(() => flowArrivals().length >= expectedDeliveries, "every delivery", 120_000).catch(
        () => undefined,
      );
      await sleep(1_000);
      const flowAfter = await server!.sample();
      const flowMs = performance.now() - flowStarted;
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const lastWrite = Math.max(...[...commits.values()].map((commit) => commit.at));
      const lastArrival = Math.max(...flowArrivals().map((arrival) => arrival.at));

      const latencies: number[] = [];
      let unexpected = 0;
      let duplicates = 0;
      const seen = new Set<string>();
      for (const arrival of flowArrivals()) {
        const commit = commits.get(arrival.eventId)!;
        const key = `${arrival.eventId}#${arrival.tab}`;
        if (!expectedByEvent.get(arrival.eventId)?.has(arrival.tab)) {
          unexpected += 1;
          continue;
        }
        if (seen.has(key)) {
          duplicates += 1;
          continue;
        }
        seen.add(key);
        latencies.push(arrival.at - commit.at);
      }
      return {
        rate,
        events: commits.size,
        seconds: round(writeSeconds, 1),
        eventsPerSecond: round(commits.size / writeSeconds, 1),
        writerLateStarts: lateStarts,
        expectedDeliveries,
        delivered: seen.size,
        missing: expectedDeliveries - seen.size,
        unexpected,
        duplicates,
        latency: percentiles(latencies),
        /** How long deliveries went on after the last write: a server that keeps up drains at once. */
        drainAfterLastWriteMs: round(lastArrival - lastWrite, 0),
        serverCpuMsPerEvent: round((flowAfter.cpuMs - flowBefore.cpuMs) / commits.size),
        serverCpuShare: round((flowAfter.cpuMs - flowBefore.cpuMs) / flowMs, 2),
        clientCpuShare: round((clientCpu.user + clientCpu.system) / 1000 / flowMs, 2),
        statementsPerEvent: round((flowAfter.statements - flowBefore.statements) / commits.size),
        roundTripsPerEvent: round((flowAfter.roundTrips - flowBefore.roundTrips) / commits.size),
        serverRssMB: round(flowAfter.rss / 1024 / 1024, 1),
        subscriberFailureCount: failures.length - firstFailure,
        subscriberFailures: failures.slice(firstFailure, firstFailure + 5),
      };
    };
    const flows = [];
    for (const rate of RATES) {
      flows.push(await runFlow(rate));
      console.log("flow:", JSON.stringify(flows.at(-1)));
    }

    await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.stop()));
    await until(async () => (await server!.sample()).realtime.subscriptions === 0, "subscribers gone");

    // ---------------------------------------------------------------- one audience, 1 vs 100 tabs
    const supplier = suppliers[0]!;
    const ofSupplier = targets.filter((target) => target.supplierUser === supplier);
    const audience = async (tabsOfOne: number) => {
      const tab: Tab = { userId: supplier, roles: ["supplier"], orderId: null };
      const token = await tokenOf(tab);
      const got: Arrival[] = [];
      const opened = Array.from({ length: tabsOfOne }, (_, i) =>
        openTab(server!.url, token, null, i, (a) => got.push(a), failures),
      );
      for (const tab of opened) tab.subscribe();
      await until(async () => (await server!.sample()).realtime.subscriptions === tabsOfOne, "audience tabs");
      const before = await server!.sample();
      const { commits: sent } = await paced(
        writerClients,
        rotation(ofSupplier),
        AUDIENCE_EVENTS,
        20,
        `aud${tabsOfOne}`,
      );
      await until(() => got.length >= sent.size * tabsOfOne, "audience deliveries", 30_000).catch(
        () => undefined,
      );
      await sleep(500);
      const after = await server!.sample();
      await Promise.all(opened.map((subscriber) => subscriber.stop()));
      await until(async () => (await server!.sample()).realtime.subscriptions === 0, "audience tabs gone");
      return {
        tabs: tabsOfOne,
        events: sent.size,
        deliveries: got.length,
        statementsPerEvent: round((after.statements - before.statements) / sent.size),
        roundTripsPerEvent: round((after.roundTrips - before.roundTrips) / sent.size),
      };
    };
    const audiences = [await audience(1), await audience(SHARED_AUDIENCE_TABS)];
    console.log("one audience:", JSON.stringify(audiences));

    // ---------------------------------------------------------------- write throughput
    const original = await originalPublish(admin);
    const variants: PublishVariant[] = ["realtime", "log only", "off"];
    const measured: Record<PublishVariant, number[]> = { realtime: [], "log only": [], off: [] };
    try {
      for (let r = 0; r < WRITE_ROUNDS; r += 1) {
        for (const variant of variants) {
          await admin.query(publishVariant(original, variant));
          measured[variant].push(await writeThroughput(writerClients, targets, WRITE_SECONDS));
          console.log(`writes, round ${r + 1}, ${variant}: ${measured[variant].at(-1)}/s`);
        }
      }
    } finally {
      await admin.query(original);
    }
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
    };
    const writes = {
      writers: WRITERS,
      secondsEach: WRITE_SECONDS,
      rounds: WRITE_ROUNDS,
      updatesPerSecond: {
        realtime: median(measured.realtime),
        logOnly: median(measured["log only"]),
        off: median(measured.off),
      },
      allRounds: measured,
      realtimeVsOff: round(median(measured.realtime) / median(measured.off), 3),
      notifyShare: round(1 - median(measured.realtime) / median(measured["log only"]), 3),
    };
    console.log("writes:", JSON.stringify(writes));

    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
    const { rows: sizes } = await admin.query<Record<string, number>>(`
      select (select count(*)::int from orders) as orders, (select count(*)::int from suppliers) as suppliers,
             (select count(*)::int from production_stages) as stages, (select count(*)::int from events) as events`);
    const result = {
      when: new Date().toISOString(),
      commit: git("rev-parse", "HEAD"),
      uncommittedServerChanges: git("status", "--porcelain", "--", "src", "sql").split("\n").filter(Boolean),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memoryGB: round(os.totalmem() / 1024 ** 3, 1),
        /** 1, 5 and 15 minutes, at the start and at the end: the machine is shared. */
        loadAverage: { start: loadAtStart, end: os.loadavg().map((value) => round(value)) },
        node: process.version,
      },
      settings: {
        scale: SCALE,
        duration: DURATION,
        rates: RATES,
        subscribers: SUBSCRIBERS,
        poolMax: POOL_MAX,
      },
      sizes: sizes[0],
      audience: {
        suppliers: suppliers.length,
        buyers: buyers.length,
        stages: targets.length,
        tabs: tabs.length,
        supplierTabs: tabs.filter((tab) => tab.roles[0] === "supplier").length,
        buyerTabs: tabs.filter((tab) => tab.roles[0] === "buyer").length,
        buyerTabsOnOneOrder: tabs.filter((tab) => tab.orderId).length,
        mostTabsOfOneUser: Math.max(
          ...[...new Set(tabs.map((tab) => tab.userId))].map(
            (id) => tabs.filter((tab) => tab.userId === id).length,
          ),
        ),
      },
      targets: { p99ms: 50, idleKBPerSubscriber: 20 },
      idle: perSubscriber,
      flows,
      oneAudience: audiences,
      writes,
    };
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(PROJECT_ROOT, RESULTS)}`);
  } finally {
    await Promise.all(subscribers.map((subscriber) => subscriber.stop().catch(() => undefined)));
    await server?.stop();
    for (const client of writerClients) await client.end().catch(() => undefined);
    await admin.end().catch(() => undefined);
    await database.stop();
  }
}

if (process.env.BENCH_REALTIME_ROLE === "server") {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
