/**
 * npm run bench:identity — what per-request identity costs: the identity
 * switch (one set_config statement per transaction) and the row policies,
 * and what a list gains by saying whose rows it wants (sql/CONVENTIONS.md:
 * policies are guards, not filters).
 *
 * Workloads (the API's typical reads):
 *   listings  20 newest approved listings, as `anonymous`;
 *   orders    a buyer's 20 newest orders, as that buyer (`authenticated`),
 *             filtered as the API filters them (buyer_id = $1);
 *   orders    a supplier's 20 newest orders, as that supplier, filtered as
 *             the API filters them (the supplier's id and its orders' ids,
 *             src/schema/order/order.queries.ts).
 * Each is run three ways, same statements otherwise, node-postgres directly:
 *   request      loomline_api: BEGIN; the API's identity statement
 *                (src/db/identity.ts: role, claims, request id); query;
 *                COMMIT — what the API does, policies applied;
 *   no-switch    the migrator (RLS bypassed): BEGIN; query; COMMIT;
 *   switch-only  the migrator: BEGIN; the same statement with the role
 *                loomline_owner; query; COMMIT — the extra statement, no policies.
 * So switch-only vs no-switch is the identity switch, request vs switch-only
 * the policies. Each at concurrency 1 and BENCH_CONCURRENCY.
 *
 * Policy cost in the server alone: EXPLAIN ANALYZE execution time of the
 * order queries with RLS on (the request role) and off (the owner), median
 * of repeated runs: the buyer's and the supplier's orders page and count,
 * each filtered as the API filters it and unfiltered (RLS alone decides);
 * for the supplier also the Prisma relation-filter form the API does not use
 * (its plan walks every order, like RLS alone).
 *
 * GraphQL path: the real app (Yoga + Pothos + Prisma, src/app.ts) on a
 * socket, `orders(first: 20) { totalCount edges { node { … } } }` as the
 * buyer and as the supplier (signed access tokens), so the measurement runs
 * the real resolver, whatever condition it sends.
 *
 * Green only when, for the buyer and the supplier, the filtered page and
 * count equal what RLS alone gives, and the GraphQL page equals them too.
 *
 * Database: DATABASE_URL when set, else the embedded server under
 * .data/bench-postgres; database `loomline_bench_identity_<scale>`, migrated
 * and seeded once at BENCH_SCALE (default medium; bench/results/identity.json
 * is a `large` run: 60,000 orders). Figures compare only within one run.
 * Writes bench/results/identity.json.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { decodeGlobalID } from "@pothos/plugin-relay";
import pg from "pg";
import { type App, createApp } from "../src/app";
import { ANONYMOUS_VIEWER, type Viewer } from "../src/auth/viewer";
import { databaseRoleFor, identityStatement } from "../src/db/identity";
import type { AppRole } from "../src/generated/prisma/client";
import { PROJECT_ROOT } from "../src/project-root";
import { type Measurement, REQUESTS, benchDatabase, measure } from "./harness";

const SCALE = (process.env.BENCH_SCALE ?? "medium") as "small" | "medium" | "large";
/** One database per scale: seeded once, reused by later runs. */
const DATABASE = `loomline_bench_identity_${SCALE}`;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const EXPLAIN_RUNS = Number(process.env.BENCH_EXPLAIN_RUNS ?? 60);
const PAGE_SIZE = 20;

type Mode = "request" | "no-switch" | "switch-only";
const MODES: readonly Mode[] = ["request", "no-switch", "switch-only"];

interface Workload {
  name: string;
  viewer: Viewer;
  sql: string;
  values: unknown[];
}

type IdentityMeasurement = Measurement & { statementsPerRequest: number };

const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * The first statement of a request transaction for `viewer`, exactly as the
 * API sends it (src/db/identity.ts), or (`asOwner`) the same statement with
 * the role loomline_owner, to which no policy applies. Built per
 * transaction, as the API builds it.
 */
function identity(viewer: Viewer, asOwner = false): { text: string; values: unknown[] } {
  const statement = identityStatement({ viewer, requestId: randomUUID() }, true);
  const role = databaseRoleFor(viewer);
  return {
    text: statement.text,
    values: asOwner
      ? statement.values.map((value) => (value === role ? "loomline_owner" : value))
      : statement.values,
  };
}

/** One request of `workload` in `mode`; returns the number of statements sent. */
function requester(mode: Mode, workload: Workload, pools: { api: pg.Pool; admin: pg.Pool }) {
  const pool = mode === "request" ? pools.api : pools.admin;
  const statements = mode === "no-switch" ? 3 : 4;
  const run = async () => {
    const client = await pool.connect();
    try {
      await client.query("begin read only");
      if (mode !== "no-switch") {
        const statement = identity(workload.viewer, mode === "switch-only");
        await client.query(statement.text, statement.values);
      }
      const { rowCount } = await client.query(workload.sql, workload.values);
      await client.query("commit");
      if (!rowCount)
        throw new Error(`${workload.name} (${mode}) returned no rows: the comparison would be void`);
    } finally {
      client.release();
    }
  };
  return { run, statements };
}

interface PolicyCase {
  name: string;
  viewer: Viewer;
  sql: string;
  values: unknown[];
}

/** EXPLAIN ANALYZE execution time (median) and the plan's top lines, as the viewer with RLS or as the owner without. */
async function explain(
  client: pg.Client,
  policyCase: PolicyCase,
  rls: boolean,
): Promise<{ executionMs: number; planningMs: number; rows: number; plan: string[] }> {
  const executions: number[] = [];
  const plannings: number[] = [];
  let plan: string[] = [];
  let rows = 0;
  for (let i = 0; i < EXPLAIN_RUNS; i += 1) {
    await client.query("begin read only");
    try {
      const statement = identity(policyCase.viewer, !rls);
      await client.query(statement.text, statement.values);
      const result = await client.query<{ "QUERY PLAN": unknown }>(
        `explain (analyze, format json) ${policyCase.sql}`,
        policyCase.values,
      );
      const [report] = result.rows[0]!["QUERY PLAN"] as {
        Plan: PlanNode;
        "Planning Time": number;
        "Execution Time": number;
      }[];
      executions.push(report!["Execution Time"]);
      plannings.push(report!["Planning Time"]);
      rows = report!.Plan["Actual Rows"];
      plan = describePlan(report!.Plan);
    } finally {
      await client.query("rollback");
    }
  }
  return { executionMs: round(median(executions)), planningMs: round(median(plannings)), rows, plan };
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Function Name"?: string;
  "Actual Rows": number;
  Plans?: PlanNode[];
}

/** The plan's scans, outermost first: "Index Scan orders_buyer_id_idx", "Function Scan orders_as_supplier", … */
function describePlan(node: PlanNode, out: string[] = []): string[] {
  const target = node["Index Name"] ?? node["Relation Name"] ?? node["Function Name"];
  if (target) out.push(`${node["Node Type"]} ${target} (${node["Actual Rows"]} rows)`);
  for (const child of node.Plans ?? []) describePlan(child, out);
  return out;
}

// ---------------------------------------------------------------- the API's conditions

/** A caller of the orders list, with what the API resolves before it lists (order.queries.ts). */
interface Party {
  userId: string;
  roles: AppRole[];
  /** The caller's supplier, while it holds the supplier role (app.current_supplier_id()). */
  supplierId: string | null;
  /** Orders holding a supplier order of that supplier. */
  supplierOrderIds: string[];
  viewer: Viewer;
}

const PAGE_COLUMNS = "id, order_number, status, payment_status, current_stage, created_at";
const NEWEST = "order by created_at desc, id desc";

/** `$first, …`: Prisma binds each value of an IN list. */
const placeholders = (first: number, count: number) =>
  Array.from({ length: count }, (_, i) => `$${first + i}`).join(", ");

/**
 * The caller's own condition as the orders resolver sends it: its orders as
 * buyer; for a supplier, those assigned to it and those of its supplier
 * orders. (Prisma spells the list `IN ($3, …)`; the plan is the same.)
 */
function viewerCondition(party: Party): { sql: string; values: unknown[] } {
  const parts = ["buyer_id = $1"];
  const values: unknown[] = [party.userId];
  if (party.supplierId) {
    parts.push("supplier_id = $2");
    values.push(party.supplierId);
    if (party.supplierOrderIds.length > 0) {
      parts.push(`id in (${placeholders(3, party.supplierOrderIds.length)})`);
      values.push(...party.supplierOrderIds);
    }
  }
  return { sql: `(${parts.join(" or ")})`, values };
}

/**
 * The relation-filter form (`supplier: { userId }`, `supplierOrders: { some:
 * { supplier: { userId } } }`) as Prisma 7 renders it: a join and a
 * correlated EXISTS under OR, which no index serves — measured, not used.
 */
function relationFilterCondition(party: Party): { sql: string; values: unknown[] } {
  return {
    sql: `(o.buyer_id = $1 or (j0.user_id = $1 and j0.id is not null) or exists (
             select t1.buyer_order_id from supplier_orders t1 left join suppliers j2 on j2.id = t1.supplier_id
              where j2.user_id = $1 and j2.id is not null and o.id = t1.buyer_order_id and t1.buyer_order_id is not null))`,
    values: [party.userId],
  };
}

/** Runs `sql` as the party, RLS on, and rolls back. */
async function asParty<R extends pg.QueryResultRow>(
  client: pg.Client,
  party: Party,
  sql: string,
  values: unknown[],
): Promise<R[]> {
  await client.query("begin read only");
  try {
    const statement = identity(party.viewer);
    await client.query(statement.text, statement.values);
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.query("rollback");
  }
}

interface Visible {
  page: string[];
  total: number;
}

/** The party's first page and count, filtered as the API filters them; throws unless RLS alone gives the same. */
async function checkCondition(client: pg.Client, party: Party): Promise<Visible> {
  const condition = viewerCondition(party);
  const page = async (where: string, values: unknown[]) =>
    (
      await asParty<{ id: string }>(
        client,
        party,
        `select id from orders ${where} ${NEWEST} limit ${PAGE_SIZE}`,
        values,
      )
    ).map((row) => row.id);
  const count = async (where: string, values: unknown[]) =>
    (
      await asParty<{ n: number }>(client, party, `select count(*)::int as n from orders ${where}`, values)
    )[0]!.n;
  const filtered = { page: await page(`where ${condition.sql}`, condition.values), total: 0 };
  filtered.total = await count(`where ${condition.sql}`, condition.values);
  const rlsOnly = { page: await page("", []), total: await count("", []) };
  if (JSON.stringify(filtered) !== JSON.stringify(rlsOnly)) {
    throw new Error(
      `the API's condition for ${party.userId} is not what RLS allows: ${JSON.stringify({ filtered, rlsOnly })}`,
    );
  }
  return filtered;
}

// ---------------------------------------------------------------- GraphQL path

const ORDERS_PAGE = JSON.stringify({
  query: `{ orders(first: ${PAGE_SIZE}) { totalCount edges { node { id orderNumber status paymentStatus currentStage createdAt } } } }`,
});

interface OrdersPage {
  data?: { orders: { totalCount: number; edges: { node: { id: string } }[] } };
  errors?: unknown;
}

function postOrdersPage(endpoint: string, agent: http.Agent, authorization: string): Promise<OrdersPage> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      endpoint,
      { method: "POST", agent, headers: { "content-type": "application/json", authorization } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          const parsed = JSON.parse(text) as OrdersPage;
          if (parsed.errors || !parsed.data) return reject(new Error(text));
          resolve(parsed);
        });
      },
    );
    request.on("error", reject);
    request.end(ORDERS_PAGE);
  });
}

async function listen(app: App): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = http.createServer(app.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
    },
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const database = await benchDatabase(DATABASE, SCALE);
  const { config, logger, adminUrl, apiUrl } = database;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    // The buyer and the supplier with the most orders: the heaviest ordinary callers.
    const { rows: buyers } = await admin.query<{ id: string; orders: number; roles: AppRole[] }>(`
      select o.buyer_id as id, count(*)::int as orders,
             array(select r.role::text from user_roles r where r.user_id = o.buyer_id order by 1) as roles
        from orders o where o.buyer_id is not null
       group by o.buyer_id order by count(*) desc, o.buyer_id limit 1`);
    const { rows: suppliers } = await admin.query<{ user_id: string; supplier_id: string; orders: number }>(`
      select s.user_id, s.id as supplier_id, count(distinct so.buyer_order_id)::int as orders
        from suppliers s join supplier_orders so on so.supplier_id = s.id
       where s.user_id is not null
       group by s.id order by 3 desc, s.id limit 1`);
    const { rows: sizes } = await admin.query<Record<string, number>>(`
      select (select count(*)::int from orders) as orders,
             (select count(*)::int from supplier_orders) as supplier_orders,
             (select count(*)::int from marketplace_products where status = 'approved') as approved_listings,
             (select count(*)::int from users) as users`);
    // What the resolver reads first for a supplier: its supplier, and the orders of its supplier orders.
    const party = async (userId: string, roles: AppRole[]): Promise<Party> => {
      const supplierId = roles.includes("supplier")
        ? ((await admin.query<{ id: string }>("select id from suppliers where user_id = $1", [userId]))
            .rows[0]?.id ?? null)
        : null;
      const supplierOrderIds = supplierId
        ? (
            await admin.query<{ id: string }>(
              "select distinct buyer_order_id as id from supplier_orders where supplier_id = $1",
              [supplierId],
            )
          ).rows.map((row) => row.id)
        : [];
      return {
        userId,
        roles,
        supplierId,
        supplierOrderIds,
        viewer: { kind: "user", id: userId, roles },
      };
    };
    const buyerRow = buyers[0]!;
    const supplierRow = suppliers[0]!;
    const buyer = await party(buyerRow.id, buyerRow.roles);
    const supplier = await party(supplierRow.user_id, ["supplier"]);
    await admin.end();
    const buyerCondition = viewerCondition(buyer);
    const supplierCondition = viewerCondition(supplier);
    const pageSql = (where: string) =>
      `select ${PAGE_COLUMNS} from orders ${where} ${NEWEST} limit ${PAGE_SIZE}`;
    const countSql = (where: string) => `select count(*) from orders ${where}`;

    // Green first: the API's conditions select exactly what the policies allow.
    const checkClient = new pg.Client({ connectionString: adminUrl });
    await checkClient.connect();
    const expected = {
      buyer: await checkCondition(checkClient, buyer),
      supplier: await checkCondition(checkClient, supplier),
    };
    await checkClient.end();

    const workloads: Workload[] = [
      {
        name: "listings: 20 newest approved (anonymous)",
        viewer: ANONYMOUS_VIEWER,
        sql: `select id, title, slug, final_price, available_quantity from marketplace_products
               where status = 'approved' order by approval_date desc, id desc limit 20`,
        values: [],
      },
      {
        name: `orders: a buyer's 20 newest (buyer, ${buyerRow.orders} orders)`,
        viewer: buyer.viewer,
        sql: pageSql(`where ${buyerCondition.sql}`),
        values: buyerCondition.values,
      },
      {
        name: `orders: a supplier's 20 newest (supplier, ${expected.supplier.total} orders)`,
        viewer: supplier.viewer,
        sql: pageSql(`where ${supplierCondition.sql}`),
        values: supplierCondition.values,
      },
    ];

    const pools = {
      api: new pg.Pool({ connectionString: apiUrl, max: CONCURRENCY }),
      admin: new pg.Pool({ connectionString: adminUrl, max: CONCURRENCY }),
    };
    const throughput = [];
    for (const workload of workloads) {
      for (const concurrency of [1, CONCURRENCY]) {
        const byMode = {} as Record<Mode, IdentityMeasurement>;
        for (const mode of MODES) {
          const { run, statements } = requester(mode, workload, pools);
          byMode[mode] = { statementsPerRequest: statements, ...(await measure(concurrency, run)) };
        }
        throughput.push({
          workload: workload.name,
          concurrency,
          ...byMode,
          // > 1: slower than without the switch / without policies.
          identitySwitchP50Ratio: round(byMode["switch-only"].p50ms / byMode["no-switch"].p50ms, 2),
          policiesP50Ratio: round(byMode.request.p50ms / byMode["switch-only"].p50ms, 2),
          requestVsNoSwitchP50Ratio: round(byMode.request.p50ms / byMode["no-switch"].p50ms, 2),
          requestVsNoSwitchThroughputRatio: round(
            byMode["no-switch"].perSecond / byMode.request.perSecond,
            2,
          ),
          identitySwitchCostMs: round(byMode["switch-only"].p50ms - byMode["no-switch"].p50ms),
        });
      }
    }
    await pools.api.end();
    await pools.admin.end();

    const supplierOrders = `${expected.supplier.total} orders`;
    const policyCases: PolicyCase[] = [
      {
        name: "buyer's 20 newest orders, filtered by the API (buyer_id = $1)",
        viewer: buyer.viewer,
        sql: pageSql(`where ${buyerCondition.sql}`),
        values: buyerCondition.values,
      },
      {
        name: "20 newest approved listings, as a signed-in buyer",
        viewer: buyer.viewer,
        sql: workloads[0]!.sql,
        values: [],
      },
      {
        name: "buyer's 20 newest orders, RLS alone decides (no WHERE)",
        viewer: buyer.viewer,
        sql: pageSql(""),
        values: [],
      },
      {
        name: "buyer's order count, filtered by the API",
        viewer: buyer.viewer,
        sql: countSql(`where ${buyerCondition.sql}`),
        values: buyerCondition.values,
      },
      {
        name: "buyer's order count, RLS alone decides",
        viewer: buyer.viewer,
        sql: countSql(""),
        values: [],
      },
      {
        name: `supplier's 20 newest orders (${supplierOrders}), filtered by the API (supplier_id = $2 or id in (its supplier orders' orders))`,
        viewer: supplier.viewer,
        sql: pageSql(`where ${supplierCondition.sql}`),
        values: supplierCondition.values,
      },
      {
        name: `supplier's 20 newest orders (${supplierOrders}), RLS alone decides`,
        viewer: supplier.viewer,
        sql: pageSql(""),
        values: [],
      },
      {
        name: `supplier's 20 newest orders (${supplierOrders}), Prisma relation filters (not used)`,
        viewer: supplier.viewer,
        sql: `select o.id, o.order_number, o.status, o.payment_status, o.current_stage, o.created_at
                from orders o left join suppliers j0 on j0.id = o.supplier_id
               where ${relationFilterCondition(supplier).sql}
               order by o.created_at desc, o.id desc limit ${PAGE_SIZE}`,
        values: relationFilterCondition(supplier).values,
      },
      {
        name: "supplier's order count, filtered by the API",
        viewer: supplier.viewer,
        sql: countSql(`where ${supplierCondition.sql}`),
        values: supplierCondition.values,
      },
      {
        name: "supplier's order count, RLS alone decides",
        viewer: supplier.viewer,
        sql: countSql(""),
        values: [],
      },
      {
        name: "supplier's supplier orders with their stages (one page)",
        viewer: supplier.viewer,
        sql: `select so.id, so.status, ps.stage_number, ps.completion_percentage
                from supplier_orders so join production_stages ps on ps.supplier_order_id = so.id
               where so.supplier_id = $1 order by so.created_at desc, ps.stage_number limit 160`,
        values: [supplierRow.supplier_id],
      },
    ];
    // One connection for both sides: the migrator may become either the request
    // role (RLS on: neither superuser nor owner) or the owner (BYPASSRLS: off).
    const policyClient = new pg.Client({ connectionString: adminUrl });
    await policyClient.connect();
    const policyCost: {
      case: string;
      rlsOn: Awaited<ReturnType<typeof explain>>;
      rlsOff: Awaited<ReturnType<typeof explain>>;
      executionRatio: number;
    }[] = [];
    for (const policyCase of policyCases) {
      const on = await explain(policyClient, policyCase, true);
      const off = await explain(policyClient, policyCase, false);
      policyCost.push({
        case: policyCase.name,
        rlsOn: on,
        rlsOff: off,
        // > 1: the policies cost this factor. The plans may differ (the SRF
        // estimates of the policies change the planner's choices), so the
        // scans of both sides are in the report.
        executionRatio: round(on.executionMs / Math.max(off.executionMs, 0.001), 2),
      });
    }
    await policyClient.end();
    // RLS on both sides: how much slower the same rows are when the query does not say whose.
    const rlsOnMs = (prefix: string) =>
      policyCost.find((row) => row.case.startsWith(prefix))!.rlsOn.executionMs;
    const versus = (slower: string, faster: string) =>
      round(rlsOnMs(slower) / Math.max(rlsOnMs(faster), 0.001), 2);
    const filteredVsRlsOnly = {
      buyerPage: versus("buyer's 20 newest orders, RLS alone", "buyer's 20 newest orders, filtered"),
      buyerCount: versus("buyer's order count, RLS alone", "buyer's order count, filtered"),
      supplierPage: versus(
        `supplier's 20 newest orders (${supplierOrders}), RLS alone`,
        `supplier's 20 newest orders (${supplierOrders}), filtered`,
      ),
      supplierPageRelationFilters: versus(
        `supplier's 20 newest orders (${supplierOrders}), Prisma relation filters`,
        `supplier's 20 newest orders (${supplierOrders}), filtered`,
      ),
      supplierCount: versus("supplier's order count, RLS alone", "supplier's order count, filtered"),
    };

    // The real resolver: statements per request from an app that records them, then the timing.
    const callers = [
      { name: `buyer (${buyerRow.orders} orders)`, party: buyer, expected: expected.buyer },
      { name: `supplier (${supplierOrders})`, party: supplier, expected: expected.supplier },
    ];
    const authorization = async (app: App, who: Party) =>
      `Bearer ${(await app.tokens.issueAccessToken({ userId: who.userId, roles: who.roles })).token}`;
    let recorded = 0;
    const statementsOf = new Map<string, number>();
    {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const app = createApp({ config, logger, apiUrl, onQuery: () => (recorded += 1) });
      const server = await listen(app);
      for (const caller of callers) {
        const page = await postOrdersPage(server.endpoint, agent, await authorization(app, caller.party));
        recorded = 0;
        await postOrdersPage(server.endpoint, agent, await authorization(app, caller.party));
        statementsOf.set(caller.name, recorded);
        // Green: the GraphQL page is the rows RLS allows, newest first, and so is its count.
        const ids = page.data!.orders.edges.map((edge) => decodeGlobalID(edge.node.id).id);
        if (
          JSON.stringify(ids) !== JSON.stringify(caller.expected.page) ||
          page.data!.orders.totalCount !== caller.expected.total
        ) {
          throw new Error(`GraphQL orders page of the ${caller.name} differs from what RLS allows`);
        }
      }
      agent.destroy();
      await server.close();
    }

    const app = createApp({ config: { ...config, DATABASE_POOL_MAX: CONCURRENCY }, logger, apiUrl });
    const server = await listen(app);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const graphql = [];
    for (const caller of callers) {
      for (const concurrency of [1, CONCURRENCY]) {
        // Signed per measurement: access tokens are short-lived.
        const headers = await authorization(app, caller.party);
        const measurement = await measure(concurrency, async () => {
          await postOrdersPage(server.endpoint, agent, headers);
        });
        graphql.push({
          caller: caller.name,
          concurrency,
          // SQL statements Prisma sent (BEGIN, which the adapter sends itself, not counted).
          statementsPerRequest: statementsOf.get(caller.name)!,
          ...measurement,
        });
      }
    }
    agent.destroy();
    await server.close();

    const report = {
      when: new Date().toISOString(),
      node: process.version,
      scale: SCALE,
      sizes: sizes[0],
      concurrency: CONCURRENCY,
      requestsPerMeasurement: REQUESTS,
      explainRuns: EXPLAIN_RUNS,
      throughput,
      policyCost,
      // RLS on both sides: execution time of the RLS-alone query / the filtered one (> 1: filtering pays).
      filteredVsRlsOnly,
      graphqlOrdersPage: graphql,
    };

    console.log(
      `\nidentity switch and policies: scale ${SCALE} (${JSON.stringify(sizes[0])}), ` +
        `${REQUESTS} requests per cell\n`,
    );
    console.table(
      throughput.flatMap((row) =>
        MODES.map((mode) => ({
          workload: row.workload.split("(")[0]!.trim(),
          conc: row.concurrency,
          mode,
          "stmts/req": row[mode].statementsPerRequest,
          "req/s": row[mode].perSecond,
          "p50 ms": row[mode].p50ms,
          "p95 ms": row[mode].p95ms,
          "p99 ms": row[mode].p99ms,
        })),
      ),
    );
    console.table(
      throughput.map((row) => ({
        workload: row.workload.split("(")[0]!.trim(),
        conc: row.concurrency,
        "switch/no-switch p50": row.identitySwitchP50Ratio,
        "switch cost ms": row.identitySwitchCostMs,
        "request/switch p50 (policies)": row.policiesP50Ratio,
        "request/no-switch p50": row.requestVsNoSwitchP50Ratio,
      })),
    );
    console.log("\npolicy cost in the server (EXPLAIN ANALYZE, median execution ms)\n");
    console.table(
      policyCost.map((row) => ({
        case: row.case.length > 90 ? `${row.case.slice(0, 87)}…` : row.case,
        "RLS on ms": row.rlsOn.executionMs,
        "RLS off ms": row.rlsOff.executionMs,
        "on/off": row.executionRatio,
        "scans (RLS on)": row.rlsOn.plan.slice(0, 4).join("; "),
      })),
    );
    console.log("\nRLS alone vs filtered by the API (RLS on both sides, execution time ratio)\n");
    console.table(filteredVsRlsOnly);
    console.log("\nGraphQL orders page through the real app (orders(first: 20) with totalCount)\n");
    console.table(
      graphql.map((row) => ({
        caller: row.caller,
        conc: row.concurrency,
        "stmts/req": row.statementsPerRequest,
        "req/s": row.perSecond,
        "p50 ms": row.p50ms,
        "p95 ms": row.p95ms,
        "p99 ms": row.p99ms,
      })),
    );

    const dir = path.join(PROJECT_ROOT, "bench", "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "identity.json"), JSON.stringify(report, null, 2) + "\n");
  } finally {
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
