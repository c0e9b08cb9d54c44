import { parseArgs } from "node:util";
import pg from "pg";
import { pgTransaction } from "../db/pg-transaction";
import type { Logger } from "pino";
import { hashPassword } from "../auth/passwords";
import { ConfigError, loadConfig } from "../config";
import { migrate, status as migrationStatus } from "../db/migrator";
import { resolveDatabase } from "../db/resolve";
import { createLogger } from "../logger";
import { createFieldCipher, type FieldCipher } from "../services/field-encryption";
import { BulkLoader } from "./seed/bulk";
import { deriveTriggerState } from "./seed/derive";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, SCALES, SeedGenerator, type SeedScale } from "./seed/generate";
import { runCli } from "./run";

/**
 * Demo and load-test data: `npm run db:seed -- --scale small|medium|large [--reset]`.
 *
 * The whole seed is one transaction: it either lands completely or not at all.
 * Rows are bulk-inserted with triggers off (`session_replication_role =
 * replica`) and every value the triggers maintain is then recomputed in
 * set-based SQL (seed/derive.ts). Firing the row triggers instead would run
 * the order-progress aggregate once per production stage (400,000 times at
 * `large`) and could not insert history as it happened (reservations must
 * start `held`, status changes must be UPDATEs). test/sql/seed.test.ts proves
 * the result is what the triggers would have produced.
 *
 * Turning triggers off needs a superuser (or, on PostgreSQL 15+, a role
 * granted SET on session_replication_role): the embedded server's and a
 * development machine's admin URL are. Note that it also skips foreign-key
 * checks, which is why the generator builds every relation from ids it made.
 */

export { DEMO_ACCOUNTS, DEMO_PASSWORD, SCALES, type SeedScale };

export const DEFAULT_SEED = 20_260_101;
export const SEED_SCALES = Object.keys(SCALES) as SeedScale[];

export interface SeedOptions {
  /** A superuser (see above) connection to the migrated database. */
  adminUrl: string;
  scale?: SeedScale;
  logger: Pick<Logger, "info" | "debug" | "warn">;
  /** Empty every table first; without it, a database that has users is refused. */
  reset?: boolean;
  /** faker/PRNG seed: the same seed gives the same data (timestamps are relative to today). */
  seed?: number;
  /** Encrypts supplier contact fields; defaults to the cipher of the process configuration. */
  fieldCipher?: FieldCipher;
}

export interface SeedSummary {
  scale: SeedScale;
  seed: number;
  /** Rows per table after seeding. */
  counts: Record<string, number>;
  elapsedMs: number;
  demoAccounts: { email: string; role: string; password: string }[];
}

/** The database already holds data (and `reset` was not asked for), or cannot be seeded as is. */
export class SeedRefusedError extends Error {
  override name = "SeedRefusedError";
}

/** Fixed and arbitrary: concurrent seeds of one database queue instead of interleaving. */
const SEED_LOCK_KEY = "6286142350913377202";

export async function seed(options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const scale = options.scale ?? "small";
  const settings = SCALES[scale];
  if (!settings) throw new SeedRefusedError(`unknown scale "${scale}" (use ${SEED_SCALES.join(", ")})`);
  const seedValue = options.seed ?? DEFAULT_SEED;
  const { logger } = options;
  const cipher = options.fieldCipher ?? createFieldCipher(loadConfig());
  // Hashed once for every seeded account (scrypt costs ~100 ms on purpose).
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = new Date();
  const anchor = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

  const client = new pg.Client({ connectionString: options.adminUrl, application_name: "loomline-seed" });
  client.on("error", () => undefined); // a dropped connection fails the pending query instead
  await client.connect();
  try {
    await pgTransaction(client, async () => {
      await client.query("select pg_advisory_xact_lock($1)", [SEED_LOCK_KEY]);
      await disableTriggers(client);
      // Aggregates of derive.ts over hundreds of thousands of rows.
      await client.query("set local work_mem = '64MB'");
      await prepareDatabase(client, options.reset ?? false, logger);

      logger.info({ scale, seed: seedValue }, "generating seed data");
      const loader = new BulkLoader(client);
      await new SeedGenerator(loader, {
        scale: settings,
        seed: seedValue,
        anchor,
        passwordHash,
        cipher,
      }).run();
      await loader.flush();
      logger.info(
        { ms: Math.round(performance.now() - started) },
        "rows loaded; deriving trigger-maintained values",
      );
      await deriveTriggerState(client, anchor, logger);
    });
    // Fresh statistics, or the planner guesses from empty tables.
    await client.query("analyze");
    const counts = await countRows(client);
    return {
      scale,
      seed: seedValue,
      counts,
      elapsedMs: Math.round(performance.now() - started),
      demoAccounts: DEMO_ACCOUNTS.map((account) => ({ ...account, password: DEMO_PASSWORD })),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Triggers off for this transaction only (`set local`): audit, notify,
 * workflow and derivation triggers, and the foreign-key triggers too.
 */
async function disableTriggers(client: pg.ClientBase): Promise<void> {
  try {
    await client.query("set local session_replication_role = replica");
  } catch (error) {
    if ((error as { code?: string }).code !== "42501") throw error;
    throw new SeedRefusedError(
      "the seed bulk-loads with triggers off (session_replication_role = replica), which needs a superuser " +
        "(or, on PostgreSQL 15+, `grant set on parameter session_replication_role`). Use the migrator's admin URL.",
    );
  }
}

async function prepareDatabase(
  client: pg.ClientBase,
  reset: boolean,
  logger: Pick<Logger, "warn">,
): Promise<void> {
  const { rows: migrated } = await client.query<{ ok: boolean }>(
    "select to_regclass('public.users') is not null as ok",
  );
  if (!migrated[0]?.ok)
    throw new SeedRefusedError("the database is not migrated: run `npm run db:migrate` first");

  const { rows } = await client.query<{ has: boolean }>("select exists (select from users) as has");
  if (!rows[0]?.has) return;
  if (!reset) {
    throw new SeedRefusedError(
      "the database already has users; refusing to seed over them (pass --reset to empty every table first)",
    );
  }
  // Every table of the public schema: user data only lives there, and a table
  // added later is emptied without anyone remembering to list it here.
  const { rows: tables } = await client.query<{ name: string }>(
    "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public' order by tablename",
  );
  logger.warn({ tables: tables.length }, "--reset: emptying every table");
  // audit_log refuses TRUNCATE with a trigger (its rows are kept seven years);
  // session_replication_role = replica, set above for this transaction, skips
  // that trigger. That is the point of --reset on a development database, and
  // the reason it needs the superuser connection.
  await client.query(`truncate ${tables.map((t) => t.name).join(", ")} restart identity`);
  // Order numbers start again at 000001, as on a fresh database.
  await client.query("alter sequence app_private.order_number_seq restart");
  await client.query("alter sequence app_private.supplier_order_number_seq restart");
}

async function countRows(client: pg.ClientBase): Promise<Record<string, number>> {
  const { rows: tables } = await client.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = 'public' order by tablename",
  );
  const select = tables
    .map(
      (t) =>
        `select ${pg.escapeLiteral(t.name)} as name, count(*)::int as n from ${pg.escapeIdentifier(t.name)}`,
    )
    .join(" union all ");
  const { rows } = await client.query<{ name: string; n: number }>(select);
  return Object.fromEntries(
    rows.map((row) => [row.name, row.n]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

// ---------------------------------------------------------------------- CLI

function printSummary(summary: SeedSummary): void {
  const out = (line = "") => process.stdout.write(`${line}\n`);
  const width = Math.max(...Object.keys(summary.counts).map((name) => name.length));
  out();
  out(`Seeded scale "${summary.scale}" (seed ${summary.seed}) in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  out();
  for (const [name, count] of Object.entries(summary.counts))
    out(`  ${name.padEnd(width)}  ${count.toLocaleString("en-US").padStart(10)}`);
  out();
  out("Demo logins (password for every seeded account):");
  for (const account of summary.demoAccounts)
    out(`  ${account.role.padEnd(8)}  ${account.email.padEnd(24)}  ${account.password}`);
  out();
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: "string", default: "small" },
      reset: { type: "boolean", default: false },
      seed: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      "Usage: npm run db:seed -- [--scale small|medium|large] [--reset] [--seed <integer>]\n" +
        "  --scale  small (demo, default), medium, or large (performance: 2,000 suppliers, 60,000 orders)\n" +
        "  --reset  empty every table first (otherwise a database with users is refused)\n" +
        "  Without DATABASE_URL an embedded PostgreSQL is started and migrated first.\n",
    );
    return 0;
  }
  const scale = values.scale as SeedScale;
  if (!SEED_SCALES.includes(scale)) {
    process.stderr.write(`Unknown --scale "${values.scale}": use ${SEED_SCALES.join(", ")}\n`);
    return 2;
  }
  const seedValue = values.seed === undefined ? undefined : Number(values.seed);
  if (seedValue !== undefined && !Number.isSafeInteger(seedValue)) {
    process.stderr.write(`--seed must be an integer\n`);
    return 2;
  }

  const config = loadConfig();
  const logger = createLogger(config);
  const database = await resolveDatabase(config, logger);
  try {
    if (database.embedded) {
      await migrate(database.adminUrl, {
        apiPassword: database.apiPassword,
        claimsKey: database.claimsKey,
        logger,
      });
    } else {
      const pending = (await migrationStatus(database.adminUrl)).pending;
      if (pending.length > 0) {
        throw new SeedRefusedError(
          `${pending.length} migration(s) are pending: run \`npm run db:migrate\` first`,
        );
      }
    }
    const summary = await seed({
      adminUrl: database.adminUrl,
      scale,
      logger,
      reset: values.reset,
      seed: seedValue,
    });
    printSummary(summary);
    return 0;
  } finally {
    await database.stop();
  }
}

if (require.main === module) {
  runCli("db:seed", main, [SeedRefusedError, ConfigError]);
}
