import type { Viewer } from "../../src/auth/viewer";
import { identityOpening } from "../../src/db/identity";
import { type PrismaClient, type QueryEvent, createPrismaClient } from "../../src/db/prisma";
import { withRequestTransaction } from "../../src/db/request-transaction";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

/**
 * A request transaction opens in one round trip: BEGIN with its isolation
 * level and access mode and the identity's set_config in one query text
 * (src/db/prisma.ts, src/db/identity.ts identityOpening). Each transaction
 * gets its own identity however many run at once, and values that need
 * quoting reach the database exactly as signed.
 */

const timings = { maxWaitMs: 5_000, timeoutMs: 10_000 };
const POOL = 4;

let db: TestDatabase;
let prisma: PrismaClient;
const statements: QueryEvent[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient({
    url: db.apiUrl,
    poolMax: POOL,
    acquireTimeoutMs: 5_000,
    statementTimeoutMs: 5_000,
    onQuery: (event) => statements.push(event),
  });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

const userId = (n: number) => `3f1c9a52-8a57-4a8e-9d6f-${String(n).padStart(12, "0")}`;
const user = (n: number): Extract<Viewer, { kind: "user" }> => ({
  kind: "user",
  id: userId(n),
  roles: ["buyer"],
});

interface Seen {
  role: string;
  uid: string | null;
  request_id: string;
  isolation: string;
  read_only: string;
  client_request_id: string | null;
}

const whoAmI = (tx: Parameters<Parameters<typeof withRequestTransaction>[3]>[0]) =>
  tx.$queryRaw<Seen[]>`
    select current_user as role, app.current_user_id()::text as uid, current_setting('request.id') as request_id,
           current_setting('transaction_isolation') as isolation,
           current_setting('transaction_read_only') as read_only,
           app.current_claims() ->> 'client_request_id' as client_request_id`;

test("one round trip before the first query, for reads and for writes", async () => {
  for (const readOnly of [true, false]) {
    statements.length = 0;
    const [seen] = await withRequestTransaction(
      prisma,
      { viewer: user(1), requestId: "opening-1" },
      { readOnly, timings },
      whoAmI,
    );
    expect(seen).toEqual({
      role: "authenticated",
      uid: userId(1),
      request_id: "opening-1",
      isolation: readOnly ? "repeatable read" : "read committed",
      read_only: readOnly ? "on" : "off",
      client_request_id: null,
    });
    expect(statements.map((statement) => statement.query.replace(/\s+/g, " ").trim().slice(0, 48))).toEqual([
      `BEGIN ISOLATION LEVEL ${readOnly ? "REPEATABLE READ READ ONLY" : "READ COMMITTED"}; select set_config('role', $1, true)`.slice(
        0,
        48,
      ),
      "select current_user as role, app.current_user_id",
      "COMMIT",
    ]);
  }
});

test("concurrent transactions each run as their own identity", async () => {
  const count = POOL * 6;
  const results = await Promise.all(
    Array.from({ length: count }, (_, n) =>
      withRequestTransaction(
        prisma,
        { viewer: user(n), requestId: `concurrent-${n}` },
        { readOnly: n % 2 === 0, timings },
        async (tx) => {
          // Hold the connection a moment so the pool is contended and transactions queue.
          await tx.$queryRaw`select pg_sleep(0.01)::text`;
          return (await whoAmI(tx))[0]!;
        },
      ),
    ),
  );
  results.forEach((seen, n) => {
    expect(seen.uid).toBe(userId(n));
    expect(seen.request_id).toBe(`concurrent-${n}`);
    expect(seen.read_only).toBe(n % 2 === 0 ? "on" : "off");
  });
});

test("quotes, backslashes and SQL in a value arrive as signed, as one literal", async () => {
  const clientRequestId = String.raw`x'); select set_config('role', 'loomline_owner', true); --\'\\`;
  const viewer: Viewer = { ...user(7), origin: { clientAddress: null, clientRequestId } };
  const [seen] = await withRequestTransaction(
    prisma,
    { viewer, requestId: "quoted" },
    { readOnly: true, timings },
    whoAmI,
  );
  // The HMAC verified (a user id came out of the claims) and the value is exactly what was signed.
  expect(seen).toMatchObject({ role: "authenticated", uid: userId(7) });
  expect(seen!.client_request_id).toBe(clientRequestId);
});

test("a NUL is refused before anything is sent", () => {
  expect(() => identityOpening({ viewer: user(1), requestId: "nul\u0000" }, true, "REPEATABLE READ")).toThrow(
    /NUL/,
  );
});
