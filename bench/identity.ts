/**
 * npm run bench:identity — what per-request identity costs: the identity
 * switch (one set_config statement per transaction) and the row policies.
 *
 * Workloads (the API's typical reads):
 *   listings  20 newest approved listings, as `anonymous`;
 *   orders    a buyer's 20 newest orders, as that buyer (`authenticated`).
 * Each is run three ways, same statements otherwise, node-postgres directly:
 *   request      loomline_api: BEGIN; set_config(role, claims); query; COMMIT
 *                — what the API does, policies applied;
 *   no-switch    the migrator (RLS bypassed): BEGIN; query; COMMIT;
 *   switch-only  the migrator: BEGIN; set_config(role = loomline_owner,
 *                claims); query; COMMIT — the extra statement, no policies.
 * So switch-only vs no-switch is the identity switch, request vs switch-only
 * the policies. Each at concurrency 1 and BENCH_CONCURRENCY.
 *
 * Policy cost in the server alone: EXPLAIN ANALYZE execution time of the
 * order queries with RLS on (the request role) and off (the owner), median
 * of repeated runs, for the buyer's orders filtered by the API (buyer_id = $1)
 * and unfiltered (RLS alone decides), and a supplier's orders.
 *
 * Database: DATABASE_URL when set, else the embedded server under
 * .data/bench-postgres; database `loomline_bench_identity_<scale>`, migrated
 * and seeded once at BENCH_SCALE (default medium). Figures compare only within
 * one run. Writes bench/results/identity.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { PROJECT_ROOT } from "../src/project-root";
import { type Measurement, REQUESTS, benchDatabase, measure } from "./harness";

const SCALE = (process.env.BENCH_SCALE ?? "medium") as "small" | "medium" | "large";
/** One database per scale: seeded once, reused by later runs. */
const DATABASE = `loomline_bench_identity_${SCALE}`;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const EXPLAIN_RUNS = Number(process.env.BENCH_EXPLAIN_RUNS ?? 60);

type Mode = "request" | "no-switch" | "switch-only";
const MODES: readonly Mode[] = ["request", "no-switch", "switch-only"];

interface Workload {
  name: string;
  role: "anonymous" | "authenticated";
  claims: Record<string, unknown>;
  sql: string;
  values: unknown[];
}

type IdentityMeasurement = Measurement & { statementsPerRequest: number };

const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** One request of `workload` in `mode`; returns the number of statements sent. */
function requester(mode: Mode, workload: Workload, pools: { api: pg.Pool; admin: pg.Pool }) {
  const claims = JSON.stringify(workload.claims);
  const pool = mode === "request" ? pools.api : pools.admin;
  const role = mode === "request" ? workload.role : "loomline_owner";
  const statements = mode === "no-switch" ? 3 : 4;
  const run = async () => {
    const client = await pool.connect();
    try {
      await client.query("begin read only");
      if (mode !== "no-switch") {
        await client.query(
          "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
          [role, claims],
        );
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
  role: "authenticated";
  claims: Record<string, unknown>;
  sql: string;
  values: unknown[];
}

/** EXPLAIN ANALYZE execution time (median) and the plan's top lines, as `role` with RLS or as the owner without. */
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
      await client.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [
        rls ? policyCase.role : "loomline_owner",
        JSON.stringify(policyCase.claims),
      ]);
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

async function main(): Promise<void> {
  const database = await benchDatabase(DATABASE, SCALE);
  const { adminUrl, apiUrl } = database;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    // The buyer and the supplier with the most orders: the heaviest ordinary callers.
    const { rows: buyers } = await admin.query<{ id: string; orders: number; roles: string[] }>(`
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
    await admin.end();
    const buyer = buyers[0]!;
    const supplier = suppliers[0]!;
    const buyerClaims = { sub: buyer.id, role: "authenticated", roles: buyer.roles };
    const supplierClaims = { sub: supplier.user_id, role: "authenticated", roles: ["supplier"] };

    const workloads: Workload[] = [
      {
        name: "listings: 20 newest approved (anonymous)",
        role: "anonymous",
        claims: { role: "anonymous" },
        sql: `select id, title, slug, final_price, available_quantity from marketplace_products
               where status = 'approved' order by approval_date desc, id desc limit 20`,
        values: [],
      },
      {
        name: `orders: a buyer's 20 newest (buyer, ${buyer.orders} orders)`,
        role: "authenticated",
        claims: buyerClaims,
        sql: `select id, order_number, status, payment_status, current_stage, created_at from orders
               where buyer_id = $1 order by created_at desc, id desc limit 20`,
        values: [buyer.id],
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

    const policyCases: PolicyCase[] = [
      {
        name: "buyer's 20 newest orders, filtered by the API (buyer_id = $1)",
        role: "authenticated",
        claims: buyerClaims,
        sql: workloads[1]!.sql,
        values: [buyer.id],
      },
      {
        name: "20 newest approved listings, as a signed-in buyer",
        role: "authenticated",
        claims: buyerClaims,
        sql: workloads[0]!.sql,
        values: [],
      },
      {
        name: "buyer's 20 newest orders, RLS alone decides (no WHERE)",
        role: "authenticated",
        claims: buyerClaims,
        sql: "select id, order_number, status, created_at from orders order by created_at desc, id desc limit 20",
        values: [],
      },
      {
        name: `supplier's 20 newest orders (${supplier.orders} orders), RLS alone decides`,
        role: "authenticated",
        claims: supplierClaims,
        sql: "select id, order_number, status, created_at from orders order by created_at desc, id desc limit 20",
        values: [],
      },
      {
        name: "supplier's supplier orders with their stages (one page)",
        role: "authenticated",
        claims: supplierClaims,
        sql: `select so.id, so.status, ps.stage_number, ps.completion_percentage
                from supplier_orders so join production_stages ps on ps.supplier_order_id = so.id
               where so.supplier_id = $1 order by so.created_at desc, ps.stage_number limit 160`,
        values: [supplier.supplier_id],
      },
    ];
    // One connection for both sides: the migrator may become either the request
    // role (RLS on: neither superuser nor owner) or the owner (BYPASSRLS: off).
    const policyClient = new pg.Client({ connectionString: adminUrl });
    await policyClient.connect();
    const policyCost = [];
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
    };

    console.log(
      `\nidentity switch and policies: scale ${SCALE} (${JSON.stringify(sizes[0])}), ` +
        `${REQUESTS} requests per cell\n`,
    );
    console.table(
      throughput.flatMap((row) =>
        MODES.map((mode) => ({
          workload: row.workload.split(":")[0],
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
        workload: row.workload.split(":")[0],
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
        case: row.case,
        "RLS on ms": row.rlsOn.executionMs,
        "RLS off ms": row.rlsOff.executionMs,
        "on/off": row.executionRatio,
        "scans (RLS on)": row.rlsOn.plan.slice(0, 4).join("; "),
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
