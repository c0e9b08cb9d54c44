import path from "node:path";
import pg from "pg";
import { pgTransaction } from "./pg-transaction";
import type { Logger } from "pino";
import Postgrator from "postgrator";
import { PROJECT_ROOT } from "../project-root";

export { PROJECT_ROOT };

/**
 * The migration runner: postgrator (ordering, do/undo files, md5 checksums)
 * driven over one dedicated connection, inside one transaction that holds an
 * advisory lock. Concurrent starters queue on the lock; a failure rolls back
 * every file of the run together with its ledger rows. See sql/CONVENTIONS.md.
 */

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "sql", "migrations");

const LEDGER_SCHEMA = "app_private";
const LEDGER_TABLE = "schema_migrations";
const API_ROLE = "loomline_api";
/** Arbitrary, fixed: every Loomline migrator takes this transaction-scoped lock, and nothing else does. */
const MIGRATION_LOCK_KEY = "6286142350913377201";

export interface MigrationFile {
  version: number;
  name: string;
  /** Absolute path of the file. */
  filename: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  md5: string | null;
  runAt: Date | null;
}

export interface ChecksumMismatch {
  version: number;
  name: string;
  appliedMd5: string | null;
  /** null: the file of an applied migration is gone. */
  fileMd5: string | null;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: { version: number; name: string }[];
  checksumMismatches: ChecksumMismatch[];
}

export interface MigratorOptions {
  /** Defaults to sql/migrations of this project; tests point it at copies. */
  migrationsDir?: string;
  logger?: Pick<Logger, "info">;
}

export interface MigrateOptions extends MigratorOptions {
  /** Stop after this version (default: the newest file). Never moves down: see rollback(). */
  target?: number;
  /** When given, set as the password of the API login role (if that role exists). */
  apiPassword?: string;
  /**
   * When given, stored as the key request claims are signed with
   * (app_private.claims_key, from migration 011 on), so the database checks
   * claims with the key the API signs them with: databaseClaimsKey() in
   * src/db/resolve.ts. Unset: the stored key is left alone (011 starts with
   * a random one, which verifies nothing).
   */
  claimsKey?: Buffer;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Applies pending migrations (up to `target`); returns the files applied, in order. */
export async function migrate(adminUrl: string, options: MigrateOptions = {}): Promise<MigrationFile[]> {
  return inMigrationTransaction(adminUrl, async (client) => {
    const postgrator = createPostgrator(client, options);
    const files = await postgrator.getMigrations();
    const state = await readStatus(client, files);
    assertNoChecksumMismatch(state);

    const current = state.applied.at(-1)?.version ?? 0;
    const stragglers = state.pending.filter((migration) => migration.version < current);
    if (stragglers.length > 0) {
      throw new MigrationError(
        `Migration(s) ${stragglers.map(label).join(", ")} are older than the database's version ${current} ` +
          `and would never run. Give them a version above ${current}.`,
      );
    }
    const newest = Math.max(0, ...files.map((file) => file.version));
    const target = options.target ?? newest;
    if (target < current) {
      throw new MigrationError(
        `Target ${target} is below the database's version ${current}; use rollback to go down.`,
      );
    }
    if (target !== 0 && !files.some((file) => file.action === "do" && file.version === target)) {
      throw new MigrationError(`There is no migration with version ${target}.`);
    }

    const applied = await runPostgrator(postgrator, () => postgrator.migrate(String(target)));
    if (options.apiPassword !== undefined) await setApiPassword(client, options.apiPassword);
    if (options.claimsKey !== undefined) await setClaimsKey(client, options.claimsKey);
    for (const migration of applied) {
      options.logger?.info({ migration: path.basename(migration.filename) }, "applied migration");
    }
    return applied.map(toMigrationFile);
  });
}

/** Undoes exactly the last applied migration with its undo file; null when nothing is applied. */
export async function rollback(
  adminUrl: string,
  options: MigratorOptions = {},
): Promise<MigrationFile | null> {
  return inMigrationTransaction(adminUrl, async (client) => {
    const postgrator = createPostgrator(client, options);
    const files = await postgrator.getMigrations();
    const last = (await readLedger(client)).at(-1);
    if (!last) return null;
    const undo = files.find((file) => file.action === "undo" && file.version === last.version);
    if (!undo) {
      throw new MigrationError(`Migration ${label(last)} has no undo file; it cannot be rolled back.`);
    }

    // runMigrations runs exactly this file and deletes its ledger row.
    await runPostgrator(postgrator, () => postgrator.runMigrations([undo]));
    options.logger?.info({ migration: path.basename(undo.filename) }, "rolled back migration");
    return toMigrationFile(undo);
  });
}

export async function status(adminUrl: string, options: MigratorOptions = {}): Promise<MigrationStatus> {
  return withClient(adminUrl, async (client) => {
    const files = await createPostgrator(client, options).getMigrations();
    return readStatus(client, files);
  });
}

/** Something that runs a query: a pg Client, PoolClient or Pool. */
export interface Queryable {
  query(text: string): Promise<{ rows: unknown[] }>;
}

/**
 * Number of migration files not yet applied, for /readyz. Needs only SELECT
 * on the ledger (the API login role has it); no ledger yet means all pending.
 */
export async function pendingCount(
  client: Queryable,
  options: Pick<MigratorOptions, "migrationsDir"> = {},
): Promise<number> {
  // postgrator only reads the files here; `client` is never used for writing.
  const files = await createPostgrator(client, options).getMigrations();
  const applied = new Set((await readLedger(client)).map((row) => row.version));
  return files.filter((file) => file.action === "do" && !applied.has(file.version)).length;
}

/** Creates database `name` unless it exists (optionally as a copy of `template`). Returns true if it created it. */
export async function provisionDatabase(
  adminUrl: string,
  name: string,
  options: { template?: string } = {},
): Promise<boolean> {
  return withServerClient(adminUrl, async (client) => {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (rowCount) return false;
    const template = options.template ? ` template ${client.escapeIdentifier(options.template)}` : "";
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}${template}`);
      return true;
    } catch (error) {
      // Another process created it between the check and here.
      if ((error as { code?: string }).code === "42P04") return false;
      throw error;
    }
  });
}

/** `url` with another database, user or password (values are percent-encoded). */
export function databaseUrl(
  url: string,
  change: { database?: string; user?: string; password?: string },
): string {
  const result = new URL(url);
  if (change.database !== undefined) result.pathname = `/${encodeURIComponent(change.database)}`;
  if (change.user !== undefined) result.username = encodeURIComponent(change.user);
  if (change.password !== undefined) result.password = encodeURIComponent(change.password);
  return result.toString();
}

// ---------------------------------------------------------------- internals

type PostgratorMigration = Postgrator.Migration;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "loomline-migrator" });
  // A dropped connection also fails the pending query; without a listener it would crash the process.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A client for server-level statements: the URL's database, or `postgres` when that one does not exist yet. */
async function withServerClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  try {
    return await withClient(url, fn);
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") throw error;
    return withClient(databaseUrl(url, { database: "postgres" }), fn);
  }
}

async function inMigrationTransaction<T>(
  adminUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  return withClient(adminUrl, (client) =>
    pgTransaction(client, async () => {
      // postgrator writes run_at as a zone-less UTC timestamp into a timestamptz column.
      await client.query("set local timezone = 'UTC'");
      await client.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
      return fn(client);
    }),
  );
}

function createPostgrator(client: Queryable, options: MigratorOptions): Postgrator {
  const directory = path.resolve(options.migrationsDir ?? MIGRATIONS_DIR);
  let transactionId: string | undefined;
  return new Postgrator({
    driver: "pg",
    schemaTable: `${LEDGER_SCHEMA}.${LEDGER_TABLE}`,
    migrationPattern: toGlob(directory),
    validateChecksums: true,
    // Checksums of LF text, so a CRLF checkout does not look like an edited file.
    newline: "LF",
    execQuery: (sql) => client.query(sql),
    execSqlScript: async (sql) => {
      transactionId ??= await currentTransactionId(client);
      await client.query(sql);
      // Files after 001 `set local role loomline_owner`: the ledger row and the
      // next file start again as the migrator, with the default search_path.
      await client.query("reset role; reset search_path");
      if ((await currentTransactionId(client)) !== transactionId) {
        throw new MigrationError(
          "the file ended the migration transaction (COMMIT or ROLLBACK in a migration?)",
        );
      }
    },
  });
}

async function currentTransactionId(client: Queryable): Promise<string> {
  const { rows } = await client.query("select pg_current_xact_id()::text as id");
  return (rows[0] as { id: string }).id;
}

/** Runs a postgrator step, naming the failing file (and the line, when Postgres gives a position). */
async function runPostgrator<T>(postgrator: Postgrator, step: () => Promise<T>): Promise<T> {
  let current: PostgratorMigration | undefined;
  const onStart = (migration: PostgratorMigration) => (current = migration);
  postgrator.on("migration-started", onStart);
  try {
    return await step();
  } catch (error) {
    if (!current) throw error;
    throw new MigrationError(
      `Migration ${path.basename(current.filename)} failed: ${describeError(error, current)}`,
      {
        cause: error,
      },
    );
  }
}

function describeError(error: unknown, migration: PostgratorMigration): string {
  if (!(error instanceof Error)) return String(error);
  const details = error as Error & { position?: string; detail?: string; hint?: string; where?: string };
  const parts = [error.message];
  const position = Number(details.position);
  if (position > 0) {
    const before = migration.getSql().slice(0, position - 1);
    const line = before.split("\n").length;
    const text = migration.getSql().split("\n")[line - 1]?.trim();
    parts.push(`at line ${line}: ${text}`);
  }
  if (details.detail) parts.push(`detail: ${details.detail}`);
  if (details.hint) parts.push(`hint: ${details.hint}`);
  if (details.where) parts.push(`where: ${details.where}`);
  return parts.join("\n  ");
}

async function setApiPassword(client: pg.Client, password: string): Promise<void> {
  // format(%I, %L) quotes server-side; the password never becomes SQL text of ours.
  const { rows } = await client.query<{ sql: string }>(
    "select format('alter role %I password %L', rolname, $2::text) as sql from pg_roles where rolname = $1",
    [API_ROLE, password],
  );
  if (rows[0]) await client.query(rows[0].sql);
}

/** The claims key, where only the owner reads it (011); before 011, nothing to set. */
async function setClaimsKey(client: pg.Client, key: Buffer): Promise<void> {
  const { rows } = await client.query<{ present: boolean }>(
    "select to_regclass('app_private.claims_key') is not null as present",
  );
  if (!rows[0]?.present) return;
  await client.query(
    `insert into app_private.claims_key (id, key) values (true, $1)
     on conflict (id) do update set key = excluded.key where claims_key.key is distinct from excluded.key`,
    [key],
  );
}

interface LedgerRow {
  version: number;
  name: string;
  md5: string | null;
  run_at: Date | null;
}

/** Applied migrations, oldest first; empty when the ledger does not exist yet. */
async function readLedger(client: Queryable): Promise<LedgerRow[]> {
  // Looked up in pg_class, which needs no privilege on the schema.
  const { rows: found } = await client.query(
    `select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = '${LEDGER_SCHEMA}' and c.relname = '${LEDGER_TABLE}'`,
  );
  if (found.length === 0) return [];
  // postgrator keeps a version-0 row without name or checksum.
  const { rows } = await client.query(
    `select version::int as version, name, md5, run_at from ${LEDGER_SCHEMA}.${LEDGER_TABLE}
      where version > 0 order by version`,
  );
  return rows as LedgerRow[];
}

async function readStatus(client: Queryable, files: PostgratorMigration[]): Promise<MigrationStatus> {
  const ledger = await readLedger(client);
  const doFiles = new Map(files.filter((file) => file.action === "do").map((file) => [file.version, file]));
  const appliedVersions = new Set(ledger.map((row) => row.version));
  return {
    applied: ledger.map((row) => ({ version: row.version, name: row.name, md5: row.md5, runAt: row.run_at })),
    pending: [...doFiles.values()]
      .filter((file) => !appliedVersions.has(file.version))
      .sort((a, b) => a.version - b.version)
      .map((file) => ({ version: file.version, name: file.name })),
    checksumMismatches: ledger
      .filter((row) => {
        const file = doFiles.get(row.version);
        return !file || (row.md5 !== null && file.md5 !== row.md5);
      })
      .map((row) => ({
        version: row.version,
        name: row.name,
        appliedMd5: row.md5,
        fileMd5: doFiles.get(row.version)?.md5 ?? null,
      })),
  };
}

function assertNoChecksumMismatch(state: MigrationStatus): void {
  if (state.checksumMismatches.length === 0) return;
  const lines = state.checksumMismatches.map((mismatch) =>
    mismatch.fileMd5 === null
      ? `  ${label(mismatch)}: applied, but its file is gone`
      : `  ${label(mismatch)}: the file changed after it was applied`,
  );
  throw new MigrationError(
    `Applied migrations differ from their files; add a new migration instead of editing one:\n${lines.join("\n")}`,
  );
}

function toMigrationFile(migration: PostgratorMigration): MigrationFile {
  return { version: migration.version, name: migration.name, filename: migration.filename };
}

function label(migration: { version: number; name: string }): string {
  return `${String(migration.version).padStart(3, "0")} (${migration.name})`;
}

/** postgrator takes a glob, which wants forward slashes even on Windows. */
function toGlob(directory: string): string {
  return `${directory.split(path.sep).join("/")}/*.sql`;
}
