import net from "node:net";
import type pg from "pg";
import { rollback } from "../../src/db/migrator";
import { ListingBySlugDocument, ListingSlugsDocument, TypenameDocument } from "../generated/graphql";
import { createTestDatabase, type TestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, type GraphQLResponse, dataOf, startApiServer } from "./harness";
import { LISTINGS, insertScenario } from "./marketplace.scenario";

/**
 * The HTTP application around the schema: operational endpoints, GraphiQL,
 * error masking, request ids, and the per-operation transaction, proven from
 * the Postgres side.
 */

const databases: TestDatabase[] = [];
const servers: ApiServer[] = [];

let db: TestDatabase;
let api: ApiServer;

beforeAll(async () => {
  db = await newDatabase();
  await withAdminClient(db.adminUrl, (client) => insertScenario(client, LISTINGS));
  api = await serve(db);
});

afterAll(async () => {
  for (const server of servers) await server.close();
  for (const database of databases) await database.drop();
});

async function newDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function serve(
  database: TestDatabase,
  options: Parameters<typeof startApiServer>[1] = {},
): Promise<ApiServer> {
  // Over real sockets: this file is about the HTTP application.
  const server = await startApiServer(database, { transport: "socket", ...options });
  servers.push(server);
  return server;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function apiSessionStates(database: TestDatabase): Promise<string[]> {
  return withAdminClient(database.adminUrl, async (client) => {
    const { rows } = await client.query<{ state: string }>(
      "select state from pg_stat_activity where datname = current_database() and application_name = 'loomline-api'",
    );
    return rows.map((row) => row.state);
  });
}

/**
 * GET /readyz. The probe gives up after 2 s (src/db/readiness.ts), which a
 * first connection on a loaded machine can exceed: a "database_timeout"
 * answer is asked again, a few times; any other answer is final.
 */
async function readyz(url: string): Promise<{ status: number; headers: Headers; body: unknown }> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${url}/readyz`);
    const body = (await response.json()) as { reason?: string };
    if (body.reason !== "database_timeout" || attempt === 5) {
      return { status: response.status, headers: response.headers, body };
    }
  }
}

describe("operational endpoints", () => {
  test("GET /healthz answers 200 while the process is alive", async () => {
    const response = await fetch(`${api.url}/healthz`);
    expect(response.status).toBe(200);
  });

  test("GET /readyz answers 200 on a migrated database reachable as the API role", async () => {
    const response = await readyz(api.url);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ready" });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  test("GET /readyz answers 503 when the database is unreachable", async () => {
    const port = await closedPort();
    const unreachable = await serve(db, {
      apiUrl: `postgres://loomline_api:x@127.0.0.1:${port}/nowhere`,
    });
    const started = Date.now();
    const response = await fetch(`${unreachable.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", reason: "database_unreachable" });
    expect(Date.now() - started).toBeLessThan(10_000); // no hang; room for a loaded machine
  });

  test("GET /readyz answers 503 while a migration is pending", async () => {
    const behind = await newDatabase();
    const undone = await rollback(behind.adminUrl);
    expect(undone).not.toBeNull();
    const server = await serve(behind);
    const response = await readyz(server.url);
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      status: "unavailable",
      reason: "migrations_pending",
      pendingMigrations: 1,
    });
  });

  test("unknown paths are 404, and the body size is capped", async () => {
    expect((await fetch(`${api.url}/nope`)).status).toBe(404);
    const huge = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(2 * 1024 * 1024) } }),
    });
    expect(huge.status).toBe(413);
  });
});

describe("GraphiQL", () => {
  test("GET /graphql in a browser serves GraphiQL with bundled assets, no CDN", async () => {
    const response = await fetch(`${api.url}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain("<title>Loomline GraphQL</title>");
    // No script or stylesheet is loaded from another host.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr\.net|cdnjs|esm\.sh/);
  });

  test("is not served when switched off", async () => {
    const server = await serve(db, { env: { GRAPHIQL: "false" } });
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(await response.text()).not.toContain("<title>Loomline GraphQL</title>");
  });
});

describe("errors and request ids", () => {
  test("the request id is the server's; a sane x-request-id is kept (logged) as the client's own", async () => {
    const completed = (response: GraphQLResponse<unknown>) =>
      response.serverLogs().find((line) => line["msg"] === "request completed");
    const sane = await api.graphql(TypenameDocument, {}, { "x-request-id": "checkout-42.retry-1" });
    expect(sane.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(completed(sane)).toMatchObject({ clientRequestId: "checkout-42.retry-1" });

    for (const offered of ["has spaces", "x".repeat(200), "<script>"]) {
      const dropped = await api.graphql(TypenameDocument, {}, { "x-request-id": offered });
      expect(dropped.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(completed(dropped)).not.toHaveProperty("clientRequestId");
    }
    const health = await fetch(`${api.url}/healthz`, { headers: { "x-request-id": "probe-7" } });
    expect(health.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("an unexpected error is masked for the client and logged with its request id", async () => {
    // The blocked statement fails at the statement timeout; the operation's
    // transaction may last twice that (transactionTimings), which leaves the
    // rest of the operation time enough on a loaded machine.
    const timeouts = await serve(db, { statementTimeoutMs: 2_000 });
    let masked: GraphQLResponse<unknown> | undefined;
    await withAdminClient(db.adminUrl, async (admin) => {
      // A lock no query can get past: the statement times out (57014).
      await admin.query("begin");
      await admin.query("lock table marketplace_products in access exclusive mode");
      try {
        const response = await timeouts.graphql(
          ListingSlugsDocument,
          { first: 5 },
          { "x-request-id": "masked-1" },
        );
        masked = response;
        expect(response.errors).toHaveLength(1);
        expect(response.errors?.[0]).toMatchObject({
          message: "Unexpected error.",
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        });
        const body = JSON.stringify(response.errors);
        expect(body).not.toMatch(/timeout|marketplace_products|57014|stack/i);
      } finally {
        await admin.query("rollback");
      }
    });
    const logged = masked?.serverLogs().find((line) => line["level"] === 50);
    expect(JSON.stringify(logged)).toMatch(/statement timeout/);
  });

  test("an exhausted pool fails fast with a retryable 503, and the pool recovers", async () => {
    const small = await serve(db, { poolMax: 1, acquireTimeoutMs: 300 });
    let release!: () => void;
    // Hold the pool's only connection (waiting until it really is held: a
    // fixed delay would race on a loaded machine). The 300 ms also bound
    // opening that connection, which a loaded machine can exceed: try again
    // until one attempt gets it.
    const hold = () =>
      new Promise<{ holding: Promise<void> }>((acquired, failed) => {
        const holding = small.prisma.$transaction(
          () => {
            acquired({ holding });
            return new Promise<void>((resolve) => (release = resolve));
          },
          { maxWait: 2_000, timeout: 60_000 },
        );
        holding.catch(failed);
      });
    let held: { holding: Promise<void> } | undefined;
    for (let attempt = 1; !held; attempt++) {
      try {
        held = await hold();
      } catch (error) {
        if (attempt === 20) throw error;
      }
    }
    const started = Date.now();
    const starved = await small.graphql(ListingSlugsDocument, { first: 1 });
    // Far below the 30 s a test server otherwise waits (TEST_SERVER_TIMINGS),
    // with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    // Load, not a bug: a retryable 503 with Retry-After, logged at warn only.
    expect(starved.status).toBe(503);
    expect(starved.headers.get("retry-after")).toBe("1");
    expect(starved.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expect(starved.serverLogs().filter((line) => (line["level"] as number) >= 50)).toEqual([]);
    release();
    await held.holding;
    expect(
      dataOf(await small.graphql(ListingSlugsDocument, { first: 1 })).marketplaceProducts.edges,
    ).toHaveLength(1);
    expect(await apiSessionStates(db)).not.toContain("idle in transaction");
  });
});

describe("the per-operation transaction", () => {
  test("one operation = one transaction: identity set once, then the queries, then COMMIT", async () => {
    api.statements.length = 0;
    const response = await api.graphql(ListingSlugsDocument, { first: 3 }, { "x-request-id": "count-1" });
    expect(dataOf(response).marketplaceProducts.edges).toHaveLength(3);

    const sql = api.statements.map((statement) => statement.query.replace(/\s+/g, " ").trim());
    // One entry per round trip: BEGIN with the identity statement (src/db/prisma.ts, TransactionOpening) first.
    expect(sql).toHaveLength(5);
    expect(sql[0]).toBe(
      "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; " +
        "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), " +
        "set_config('request.jwt.claims_hmac', $3, true), set_config('request.id', $4, true)",
    );
    const [role, claims, hmac, requestId] = JSON.parse(api.statements[0]!.params) as string[];
    expect(role).toBe("anonymous");
    expect(JSON.parse(claims!)).toEqual({
      role: "anonymous",
      request_id: response.requestId,
      client_request_id: "count-1",
      client_ip: "127.0.0.1",
      exp: expect.any(Number),
    });
    expect(hmac).toMatch(/^[0-9a-f]{64}$/);
    expect(requestId).toBe(response.requestId);
    expect(sql[1]).toMatch(/^select mp\.id::text as id/); // the page of ids
    expect(sql[2]).toMatch(/^SELECT .* FROM "public"\."marketplace_products"/); // rows + suppliers, one joined query
    expect(sql[2]).toMatch(/"public"\."suppliers"/);
    expect(sql[3]).toMatch(/^select count\(\*\)/); // totalCount
    expect(sql[4]).toBe("COMMIT");
  });

  test("an operation that needs no data opens no transaction", async () => {
    api.statements.length = 0;
    expect(dataOf(await api.graphql(TypenameDocument, {})).__typename).toBe("Query");
    expect(api.statements).toHaveLength(0);
  });

  test("Postgres sees the anonymous role, the claims, the request id, read-only mode and one snapshot", async () => {
    const probe = await newDatabase();
    await withAdminClient(probe.adminUrl, async (admin: pg.Client) => {
      const { listingIds } = await insertScenario(
        admin,
        LISTINGS.filter((listing) => listing.slug === "draft-merino-beanie"),
      );
      expect(listingIds["draft-merino-beanie"]).toBeDefined();
      // A second policy (policies are OR-ed) that reveals the draft only when
      // every setting the request transaction makes is in effect in Postgres.
      await admin.query(`
        create policy test_request_identity_probe on marketplace_products for select to anonymous
          using (
            slug = 'draft-merino-beanie'
            and current_user = 'anonymous'
            and session_user = 'loomline_api'
            and app.current_claims() ->> 'role' = 'anonymous'
            and app.current_claims() ->> 'client_request_id' = 'probe-request-1'
            and app.current_claims() ->> 'request_id' = current_setting('request.id', true)
            and app.current_user_id() is null
            and current_setting('transaction_read_only') = 'on'
            and current_setting('transaction_isolation') = 'repeatable read'
          )`);
    });
    const server = await serve(probe);

    const seen = await server.graphql(
      ListingBySlugDocument,
      { slug: "draft-merino-beanie" },
      { "x-request-id": "probe-request-1" },
    );
    expect(dataOf(seen).marketplaceProduct?.slug).toBe("draft-merino-beanie");
    const other = await server.graphql(
      ListingBySlugDocument,
      { slug: "draft-merino-beanie" },
      { "x-request-id": "probe-request-2" },
    );
    expect(dataOf(other).marketplaceProduct).toBeNull();

    // The transactions ended: no pooled session is left inside one.
    const states = await apiSessionStates(probe);
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((state) => state === "idle")).toBe(true);
  });
});
