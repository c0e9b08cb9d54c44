/**
 * The Loomline side of npm run bench (bench/workloads.ts), in a process of
 * its own so the load generator does not share its event loop: the real
 * app (createApp, src/app.ts) and the raw-SQL floor, each on a loopback
 * port. Started by bench/workloads.ts with BENCH_API_URL; prints one JSON
 * line `{ "app": port, "floor": port }` when ready.
 *
 * The floor: POST /<workload> with x-bench-sub and x-bench-roles (a user's
 * id and app roles) runs BEGIN; the API's identity statement for that user
 * (identityStatement, src/db/identity.ts: role, signed claims, request id,
 * read-only); one hand-written JSON query; COMMIT — four round trips — and
 * answers the JSON. The query parameters come from x-bench-args (JSON array).
 *
 * GET /bench/statements on the app port: statements Prisma reported since
 * the last call, counted and their first 80 characters (createApp's onQuery: every statement sent, one per round trip,
 * the transaction's opening included).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { createApp } from "../src/app";
import type { Viewer } from "../src/auth/viewer";
import { loadConfig } from "../src/config";
import { identityStatement } from "../src/db/identity";
import type { AppRole } from "../src/generated/prisma/client";
import { createLogger } from "../src/logger";

/** One SQL statement per workload, answering what the GraphQL query answers (ids and the fields asked for). */
export const FLOOR_SQL: Record<string, string> = {
  // $1 the supplier's id: its orders (assigned, or holding one of its supplier orders), newest 20, with supplier orders and stages.
  W1: `
    select coalesce(json_agg(o order by o."createdAt" desc, o.id desc), '[]') as result from (
      select o.id, o.order_number as "orderNumber", o.status, o.created_at as "createdAt",
             (select coalesce(json_agg(json_build_object('id', so.id, 'status', so.status,
                       'productionStages', (select coalesce(json_agg(json_build_object('id', ps.id,
                            'stageNumber', ps.stage_number, 'stageName', ps.stage_name, 'status', ps.status,
                            'completionPercentage', ps.completion_percentage) order by ps.stage_number), '[]')
                          from production_stages ps where ps.supplier_order_id = so.id))
                       order by so.created_at, so.id), '[]')
                from supplier_orders so where so.buyer_order_id = o.id) as "supplierOrders"
        from orders o
       where o.supplier_id = $1
          or o.id in (select so.buyer_order_id from supplier_orders so where so.supplier_id = $1)
       order by o.created_at desc, o.id desc
       limit 20) o`,
  // $1 search text, $2 max price: relevance, then id descending; supplier; totalCount. Approved
  // listings only, said as the API says it for a buyer (visibility "approved"), not left to RLS.
  W2: `
    with q as (select websearch_to_tsquery('english', $1) as query)
    select json_build_object(
      'totalCount', (select count(*) from marketplace_products mp, q
                      where mp.status = 'approved' and mp.search_vector @@ q.query
                        and mp.final_price <= $2::numeric),
      'nodes', (select coalesce(json_agg(p order by p.rank desc, p.id desc), '[]') from (
        select mp.id, mp.title, mp.final_price as "finalPrice", ts_rank(mp.search_vector, q.query) as rank,
               json_build_object('id', s.id, 'companyName', s.company_name) as supplier
          from marketplace_products mp cross join q left join suppliers s on s.id = mp.supplier_id
         where mp.status = 'approved' and mp.search_vector @@ q.query and mp.final_price <= $2::numeric
         order by rank desc, mp.id desc
         limit 24) p)) as result`,
  // $1 category: newest approved first (approval_date desc, id), supplier, no count.
  W2n: `
    select coalesce(json_agg(p order by p."approvalDate" desc, p.id), '[]') as result from (
      select mp.id, mp.title, mp.final_price as "finalPrice", mp.approval_date as "approvalDate",
             json_build_object('id', s.id, 'companyName', s.company_name) as supplier
        from marketplace_products mp left join suppliers s on s.id = mp.supplier_id
       where mp.status = 'approved' and mp.category = $1
       order by mp.approval_date desc, mp.id
       limit 24) p`,
  // $1 the order's id: the order, its stages (supplier order by supplier order, stage 1 first), its history.
  W3: `
    select json_build_object('id', o.id, 'orderNumber', o.order_number, 'status', o.status,
      'productionStages', (select coalesce(json_agg(json_build_object('id', ps.id, 'stageNumber', ps.stage_number,
              'status', ps.status, 'completionPercentage', ps.completion_percentage)
              order by so.created_at, so.id, ps.stage_number), '[]')
          from supplier_orders so join production_stages ps on ps.supplier_order_id = so.id
         where so.buyer_order_id = o.id),
      'statusHistory', (select coalesce(json_agg(json_build_object('id', h.id, 'fromStatus', h.from_status,
              'toStatus', h.to_status, 'createdAt', h.created_at) order by h.created_at, h.id), '[]')
          from order_status_history h where h.order_id = o.id)) as result
      from orders o where o.id = $1`,
};

async function main(): Promise<void> {
  const apiUrl = process.env.BENCH_API_URL;
  if (!apiUrl) throw new Error("BENCH_API_URL is required (bench/workloads.ts starts this process)");
  const poolMax = Number(process.env.BENCH_POOL_MAX ?? 8);
  const config = { ...loadConfig(), DATABASE_POOL_MAX: poolMax };
  const logger = createLogger({ ...config, LOG_LEVEL: "warn" });
  let statements: string[] = [];
  const app = createApp({
    config,
    logger,
    apiUrl,
    onQuery: (event) => statements.push(event.query.replace(/\s+/g, " ").slice(0, 80)),
  });
  const appServer = http.createServer((request, response) => {
    if (request.url === "/bench/statements") {
      response.end(JSON.stringify({ count: statements.length, texts: statements }));
      statements = [];
      return;
    }
    app.handler(request, response);
  });

  const pool = new pg.Pool({ connectionString: apiUrl, max: poolMax });
  const floorServer = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      void floor(request).then(
        (body) => response.writeHead(200, { "content-type": "application/json" }).end(body),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
  });
  async function floor(request: http.IncomingMessage): Promise<string> {
    const sql = FLOOR_SQL[(request.url ?? "").slice(1)];
    if (!sql) throw new Error(`no floor query for ${request.url}`);
    const sub = String(request.headers["x-bench-sub"] ?? "");
    const roles = String(request.headers["x-bench-roles"] ?? "")
      .split(",")
      .filter(Boolean) as AppRole[];
    const viewer: Viewer = sub ? { kind: "user", id: sub, roles } : { kind: "anonymous" };
    const args = JSON.parse(String(request.headers["x-bench-args"] ?? "[]")) as unknown[];
    const client = await pool.connect();
    try {
      await client.query("begin");
      const identity = identityStatement({ viewer, requestId: randomUUID() }, true);
      await client.query(identity.text, identity.values);
      const { rows } = await client.query<{ result: unknown }>(sql, args);
      await client.query("commit");
      return JSON.stringify({ data: rows[0]?.result ?? null });
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  const listen = (server: http.Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
    );
  const ports = { app: await listen(appServer), floor: await listen(floorServer) };
  console.log(JSON.stringify(ports));

  const stop = async () => {
    appServer.closeAllConnections();
    floorServer.closeAllConnections();
    appServer.close();
    floorServer.close();
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

if (process.env.BENCH_API_URL) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
