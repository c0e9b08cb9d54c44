import { classifyDatabaseError } from "../../src/db/errors";
import { type PrismaClient, createPrismaClient } from "../../src/db/prisma";
import { ANONYMOUS_VIEWER, type Viewer } from "../../src/auth/viewer";
import { type RequestIdentity, claimsFor } from "../../src/db/identity";
import { withRequestTransaction } from "../../src/db/request-transaction";
import { createTestDatabase, type TestDatabase, withAdminClient } from "../helpers/database";

/**
 * withRequestTransaction against Postgres as the API role, and the error
 * mapping fed with the errors the driver adapter really produces.
 */

const timings = { maxWaitMs: 3_000, timeoutMs: 10_000 };
const anonymous: RequestIdentity = { viewer: ANONYMOUS_VIEWER, requestId: "tx-test" };

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    // A scratch table the request roles may write, in this clone only.
    await client.query(`
      create table test_request_writes (note text constraint test_request_writes_note_key unique);
      grant select, insert on test_request_writes to anonymous, authenticated;`);
  });
  prisma = createPrismaClient({
    url: db.apiUrl,
    // One connection: later statements reuse the session the transactions ran on.
    poolMax: 1,
    acquireTimeoutMs: 2_000,
    statementTimeoutMs: 5_000,
  });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function notes(): Promise<string[]> {
  return withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query<{ note: string }>(
      "select note from test_request_writes order by note",
    );
    return rows.map((row) => row.note);
  });
}

async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

test("a write commits, unless shouldCommit says no: then nothing of it remains", async () => {
  const write = (note: string, commit: boolean) =>
    withRequestTransaction(
      prisma,
      anonymous,
      { readOnly: false, timings, shouldCommit: () => commit },
      (tx) => tx.$executeRaw`insert into test_request_writes (note) values (${note})`,
    );
  expect(await write("kept", true)).toBe(1);
  expect(await write("rolled-back", false)).toBe(1);
  expect(await notes()).toEqual(["kept"]);
});

test("read-only transactions refuse writes", async () => {
  const error = await failure(() =>
    withRequestTransaction(
      prisma,
      anonymous,
      { readOnly: true, timings },
      (tx) => tx.$executeRaw`insert into test_request_writes (note) values ('never')`,
    ),
  );
  expect(JSON.stringify(error)).toMatch(/25006/);
  expect(await notes()).not.toContain("never");
});

test("a user viewer's claims reach the policies' helpers; nothing outlives the transaction", async () => {
  const viewer: Viewer = {
    kind: "user",
    id: "3f1c9a52-8a57-4a8e-9d6f-2f7d8c0b9e11",
    roles: ["buyer", "admin"],
  };
  expect(claimsFor(viewer)).toEqual({ role: "authenticated", sub: viewer.id, roles: ["buyer", "admin"] });

  const seen = await withRequestTransaction(
    prisma,
    { viewer, requestId: "user-1" },
    { readOnly: true, timings },
    (tx) => tx.$queryRaw<
      { role: string; uid: string; admin: boolean; supplier: boolean; request_id: string }[]
    >`
      select current_user as role, app.current_user_id()::text as uid, app.has_role('admin') as admin,
             app.has_role('supplier') as supplier, current_setting('request.id') as request_id`,
  );
  expect(seen).toEqual([
    { role: "authenticated", uid: viewer.id, admin: true, supplier: false, request_id: "user-1" },
  ]);

  // The same session, outside a request transaction: the bare login role, no claims.
  const after = await prisma.$queryRaw<{ role: string; claims: string | null }[]>`
    select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;
  expect(after).toEqual([{ role: "loomline_api", claims: null }]);
});

describe("database errors map to client codes", () => {
  const run = (fn: Parameters<typeof withRequestTransaction>[3]) =>
    failure(() => withRequestTransaction(prisma, anonymous, { readOnly: false, timings }, fn));

  test("Loomline's own SQLSTATEs keep their message", async () => {
    const error = await run(
      (tx) =>
        tx.$executeRaw`do $$ begin raise exception 'order was changed (version 3)' using errcode = 'LLCNF'; end $$`,
    );
    expect(classifyDatabaseError(error)).toEqual({
      code: "CONFLICT",
      reason: "STALE_VERSION",
      message: "order was changed (version 3)",
    });
    const stock = await run(
      (tx) => tx.$executeRaw`do $$ begin raise exception 'not enough stock' using errcode = 'LLSTK'; end $$`,
    );
    expect(classifyDatabaseError(stock)).toMatchObject({ code: "CONFLICT", reason: "INSUFFICIENT_STOCK" });
  });

  test("a unique violation is a CONFLICT whose message names no value or constraint", async () => {
    await withRequestTransaction(
      prisma,
      anonymous,
      { readOnly: false, timings },
      (tx) => tx.$executeRaw`insert into test_request_writes (note) values ('secret-tenant-value')`,
    );
    const error = await run(
      (tx) => tx.$executeRaw`insert into test_request_writes (note) values ('secret-tenant-value')`,
    );
    const classified = classifyDatabaseError(error);
    expect(classified).toMatchObject({ code: "CONFLICT", reason: "ALREADY_EXISTS" });
    expect(classified?.message).not.toMatch(/secret|test_request_writes|note/);
  });

  test("a refused privilege is FORBIDDEN, through a model query too", async () => {
    const raw = await run((tx) => tx.$queryRaw`select * from users`);
    expect(classifyDatabaseError(raw)).toMatchObject({ code: "FORBIDDEN", reason: "INSUFFICIENT_PRIVILEGE" });
    const model = await run((tx) => tx.user.findMany());
    expect(classifyDatabaseError(model)).toMatchObject({ code: "FORBIDDEN" });
  });

  test("malformed values are BAD_USER_INPUT; anything else stays unexpected", async () => {
    const malformed = await run((tx) => tx.$queryRaw`select ${"not-a-uuid"}::uuid`);
    expect(classifyDatabaseError(malformed)).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "INVALID_VALUE",
    });
    const bug = await run((tx) => tx.$queryRaw`select 1 / 0`);
    expect(classifyDatabaseError(bug)).toBeNull();
  });
});
