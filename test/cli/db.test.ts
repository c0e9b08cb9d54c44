import { spawn } from "node:child_process";
import path from "node:path";
import { loadConfig } from "../../src/config";
import { PROJECT_ROOT } from "../../src/db/migrator";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";

/**
 * npm run db:migrate sets loomline_api's password only when the API's URL is
 * derived from DATABASE_API_PASSWORD; with DATABASE_API_URL the role keeps
 * its real password. The role is cluster-wide, so the test compares its
 * stored SCRAM verifier (a new salt on every ALTER ROLE … PASSWORD) and only
 * ever sets the password the other test files already use.
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const apiRoleVerifier = () =>
  withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query<{ rolpassword: string }>(
      "select rolpassword from pg_authid where rolname = 'loomline_api'",
    );
    return rows[0]!.rolpassword;
  });

function dbCli(env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["src/cli/db.ts", ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: db.adminUrl, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

test("db:migrate with DATABASE_API_URL leaves the API role's password alone", async () => {
  const before = await apiRoleVerifier();
  const run = await dbCli(
    { DATABASE_API_URL: db.apiUrl, DATABASE_API_PASSWORD: "a-password-that-must-never-be-set" },
    "migrate",
  );
  expect(run).toMatchObject({ code: 0, output: expect.stringContaining("Already up to date.") });
  expect(await apiRoleVerifier()).toBe(before);
});

test("db:migrate without DATABASE_API_URL sets DATABASE_API_PASSWORD on the role", async () => {
  const before = await apiRoleVerifier();
  const { DATABASE_API_PASSWORD } = loadConfig();
  const run = await dbCli({ DATABASE_API_PASSWORD }, "migrate");
  expect(run.code).toBe(0);
  expect(await apiRoleVerifier()).not.toBe(before);
});
