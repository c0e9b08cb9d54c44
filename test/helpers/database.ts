import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { databaseUrl, provisionDatabase } from "../../src/db/migrator";
import { signClaims } from "../../src/db/identity";
import { API_ROLE } from "../../src/db/resolve";

/**
 * Databases for tests. globalSetup migrates one template database per run;
 * each test file clones it (`create database … template …`, a file copy) and
 * drops its clone when done. Names carry the run's id, so globalTeardown can
 * drop whatever a crashed file left behind.
 */

export interface TestDatabase {
  name: string;
  /** The migrator (superuser on the embedded server). */
  adminUrl: string;
  /** The same database as the API login role, loomline_api. */
  apiUrl: string;
  drop(): Promise<void>;
}

/** What globalSetup hands to the workers. */
export function testEnvironment(): { serverUrl: string; template: string; apiUrl: string } {
  const { TEST_ADMIN_URL, TEST_TEMPLATE_DB, TEST_API_URL } = process.env;
  if (!TEST_ADMIN_URL || !TEST_TEMPLATE_DB || !TEST_API_URL) {
    throw new Error(
      "TEST_ADMIN_URL, TEST_TEMPLATE_DB and TEST_API_URL are unset: run the tests with jest (globalSetup sets them).",
    );
  }
  return { serverUrl: TEST_ADMIN_URL, template: TEST_TEMPLATE_DB, apiUrl: TEST_API_URL };
}

export function templateName(runId: string): string {
  return `loomline_template_${runId}`;
}

/** Prefix of every test database of the run that owns `template`. */
export function testDatabasePrefix(template: string): string {
  return `loomline_test_${template.slice(templateName("").length)}_`;
}

/**
 * A new database for the calling test file: a clone of the migrated template,
 * or (`empty: true`) a database with no migration applied.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const { serverUrl, template, apiUrl } = testEnvironment();
  const name = `${testDatabasePrefix(template)}${callerSlug()}${randomBytes(3).toString("hex")}`;
  await provisionDatabase(serverUrl, name, options.empty ? {} : { template });
  return {
    name,
    adminUrl: databaseUrl(serverUrl, { database: name }),
    apiUrl: databaseUrl(apiUrl, { database: name }),
    drop: () => dropDatabase(serverUrl, name),
  };
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datistemplate: boolean }>(
      "select datistemplate from pg_database where datname = $1",
      [name],
    );
    if (!rows[0]) return;
    const database = client.escapeIdentifier(name);
    // A template cannot be dropped; `force` ends sessions a test left open.
    if (rows[0].datistemplate) await client.query(`alter database ${database} is_template false`);
    await client.query(`drop database ${database} with (force)`);
  });
}

/** Runs `fn` with a connection of its own to `url` (normally `db.adminUrl`: the migrator). */
/** Rows of one statement run as the migrator (past RLS): fixtures and checks of what SQL holds. */
export async function adminRows<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  return withAdminClient(url, async (client) => (await client.query(text, params)).rows as T[]);
}

export async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs `fn` the way the API runs a request: connected as loomline_api
 * (`url` is `db.apiUrl`), in a transaction that switches to `role` with the
 * JWT `claims` (null: none), signed like the API's, then rolled back so
 * tests leave no data.
 */
export async function withRole<T>(
  url: string,
  role: string,
  claims: Record<string, unknown> | null,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  return withAdminClient(url, async (client) => {
    await client.query("begin");
    let result: T;
    try {
      // Signed as the API signs them (migration 011): unsigned claims are nobody.
      const signed = claims ? signClaims(claims) : { text: "", signature: "" };
      const { rows } = await client.query<{ login: string }>(
        "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), " +
          "set_config('request.jwt.claims_hmac', $3, true), session_user::text as login",
        [role, signed.text, signed.signature],
      );
      // A superuser connection would skip RLS and prove nothing.
      if (rows[0]?.login !== API_ROLE)
        throw new Error(`withRole needs a ${API_ROLE} connection (db.apiUrl), not ${rows[0]?.login}`);
      result = await fn(client);
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
    await client.query("rollback");
    return result;
  });
}

/** `marketplace_rls_` for test/sql/marketplace-rls.test.ts: tells leftover databases apart. */
function callerSlug(): string {
  const testPath = typeof expect === "undefined" ? undefined : expect.getState().testPath;
  if (!testPath) return "";
  const slug = path
    .basename(testPath)
    .replace(/\.test\.ts$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 20);
  return `${slug}_`;
}
