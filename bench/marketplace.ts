/**
 * npm run bench — the marketplace read path, measured against raw SQL on the
 * same database in the same run.
 *
 * For each scenario, two clients ask for the same page with the same
 * concurrency:
 *   graphql  POST /graphql to the real app (Yoga + Pothos + Prisma) on a socket,
 *            anonymous: one transaction as `anonymous`, RLS applies;
 *   raw sql  node-postgres as loomline_api, BEGIN, the one set_config,
 *            a hand-written page query joined to suppliers and a count, COMMIT
 *            — the least a server must do for the same answer under the same RLS.
 * Reported: throughput and latency percentiles of each, and their ratio.
 * Figures are only comparable within one run (same machine, same moment).
 *
 * Database: DATABASE_URL when set, else an embedded server under
 * .data/bench-postgres; database `loomline_bench`, seeded once at
 * BENCH_SCALE (default medium: 5,000 listings).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";
import { createApp } from "../src/app";
import { signClaims } from "../src/db/identity";
import { PROJECT_ROOT } from "../src/project-root";
import { REQUESTS, type Scale, benchDatabase, measure } from "./harness";

const DATABASE = "loomline_bench";
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface Scenario {
  name: string;
  graphql: { query: string; variables: Record<string, unknown> };
  sql: { text: string; values: unknown[] };
}

const PAGE_FIELDS = `totalCount edges { node { id title slug finalPrice availableQuantity supplier { companyName country } } }`;

const scenarios = (category: string): Scenario[] => [
  {
    name: "newest 20, one category",
    graphql: {
      query: `query($category: String) { marketplaceProducts(first: 20, orderBy: NEWEST, filter: { category: $category }) { ${PAGE_FIELDS} } }`,
      variables: { category },
    },
    sql: {
      text: `
        with page as (
          select mp.id, mp.title, mp.slug, mp.final_price, mp.available_quantity, mp.supplier_id, mp.approval_date
            from marketplace_products mp
           where mp.status = 'approved' and mp.category = $1
           order by mp.approval_date desc, mp.id desc
           limit 21)
        select p.*, s.company_name, s.country,
               (select count(*) from marketplace_products where status = 'approved' and category = $1) as total
          from page p left join suppliers s on s.id = p.supplier_id
         order by p.approval_date desc, p.id desc`,
      values: [category],
    },
  },
  {
    name: "full-text search 20 by relevance",
    graphql: {
      query: `query($search: String) { marketplaceProducts(first: 20, filter: { search: $search }) { ${PAGE_FIELDS} } }`,
      variables: { search: "cotton" },
    },
    sql: {
      text: `
        with q as (select websearch_to_tsquery('english', $1) as query),
        page as (
          select mp.id, mp.title, mp.slug, mp.final_price, mp.available_quantity, mp.supplier_id,
                 ts_rank(mp.search_vector, q.query) as rank
            from marketplace_products mp, q
           where mp.status = 'approved' and mp.search_vector @@ q.query
           order by rank desc, mp.id desc
           limit 21)
        select p.*, s.company_name, s.country,
               (select count(*) from marketplace_products mp, q
                 where mp.status = 'approved' and mp.search_vector @@ q.query) as total
          from page p left join suppliers s on s.id = p.supplier_id
         order by p.rank desc, p.id desc`,
      values: ["cotton"],
    },
  },
];

async function main(): Promise<void> {
  const database = await benchDatabase(DATABASE, (process.env.BENCH_SCALE ?? "medium") as Scale);
  const { config, logger, adminUrl, apiUrl } = database;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const { rows: categories } = await admin.query<{ category: string; n: number }>(
      `select category, count(*)::int as n from marketplace_products where status = 'approved'
        group by 1 order by 2 desc limit 1`,
    );
    const { rows: sizes } = await admin.query<{ n: number }>(
      "select count(*)::int as n from marketplace_products where status = 'approved'",
    );
    await admin.end();

    const app = createApp({
      config: { ...config, DATABASE_POOL_MAX: CONCURRENCY },
      logger,
      apiUrl,
    });
    const httpServer = http.createServer(app.handler);
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const pool = new pg.Pool({ connectionString: apiUrl, max: CONCURRENCY });

    const results = [];
    for (const scenario of scenarios(categories[0].category)) {
      const body = JSON.stringify(scenario.graphql);
      let expected: number | undefined;
      const graphql = await measure(
        CONCURRENCY,
        () =>
          new Promise<void>((resolve, reject) => {
            const request = http.request(
              endpoint,
              { method: "POST", agent, headers: { "content-type": "application/json" } },
              (response) => {
                let text = "";
                response.setEncoding("utf8");
                response.on("data", (chunk) => (text += chunk));
                response.on("end", () => {
                  const parsed = JSON.parse(text) as {
                    data?: { marketplaceProducts: { edges: unknown[] } };
                    errors?: unknown;
                  };
                  if (parsed.errors || !parsed.data) return reject(new Error(text));
                  expected ??= parsed.data.marketplaceProducts.edges.length;
                  resolve();
                });
              },
            );
            request.on("error", reject);
            request.end(body);
          }),
      );
      const raw = await measure(CONCURRENCY, async () => {
        const client = await pool.connect();
        try {
          await client.query("begin read only");
          // The same identity statement the server sends: role and signed claims, one round trip.
          const claims = signClaims({ role: "anonymous" });
          await client.query(
            "select set_config('role', 'anonymous', true), set_config('request.jwt.claims', $1, true), set_config('request.jwt.claims_hmac', $2, true)",
            [claims.text, claims.signature],
          );
          const { rows } = await client.query(scenario.sql.text, scenario.sql.values);
          await client.query("commit");
          if (expected !== undefined && Math.min(rows.length, 20) !== expected) {
            throw new Error(`raw SQL returned ${rows.length} rows, GraphQL ${expected}`);
          }
        } finally {
          client.release();
        }
      });
      results.push({
        scenario: scenario.name,
        graphql,
        rawSql: raw,
        throughputRatio: Number((raw.perSecond / graphql.perSecond).toFixed(2)),
        p50Ratio: Number((graphql.p50ms / raw.p50ms).toFixed(2)),
      });
    }

    const report = {
      when: new Date().toISOString(),
      node: process.version,
      approvedListings: sizes[0].n,
      concurrency: CONCURRENCY,
      requestsPerSide: REQUESTS,
      results,
    };
    console.log(
      `\nmarketplace read path: ${report.approvedListings} approved listings, concurrency ${CONCURRENCY}\n`,
    );
    console.table(
      results.map((r) => ({
        scenario: r.scenario,
        "graphql req/s": r.graphql.perSecond,
        "raw sql req/s": r.rawSql.perSecond,
        "graphql p50 ms": r.graphql.p50ms,
        "raw sql p50 ms": r.rawSql.p50ms,
        "graphql p99 ms": r.graphql.p99ms,
        "raw/graphql throughput": r.throughputRatio,
      })),
    );
    const dir = path.join(PROJECT_ROOT, "bench", "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "marketplace.json"), JSON.stringify(report, null, 2) + "\n");

    agent.destroy();
    await pool.end();
    await new Promise((resolve) => httpServer.close(resolve));
    await app.close();
  } finally {
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
