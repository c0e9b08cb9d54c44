import pg from "pg";
import { type Config, ConfigError } from "../config";
import type { Logger } from "../logger";
import { signedClaimsQuery } from "./identity";
import { migrate } from "./migrator";
import { type ResolvedDatabase, databaseClaimsKey, resolveDatabase } from "./resolve";

/** What the server needs of its database: the API login, the claims key, and how to stop it. */
export type ServingDatabase = Pick<ResolvedDatabase, "apiUrl" | "claimsKey" | "embedded" | "stop">;

/**
 * The database the server will use, ready to serve. With DATABASE_API_URL
 * and no DATABASE_URL (the production shape: the migrations run elsewhere,
 * `node dist/src/cli/db.js migrate`), the API login role only: no embedded
 * server, no migrating, no seeding; /readyz says so while migrations are
 * pending. Otherwise resolved (DATABASE_URL, or the embedded PostgreSQL
 * started), migrated when it is embedded or MIGRATE_ON_START says so, seeded
 * with the demo data on a first start (embedded, or SEED_ON_START). Either
 * way holding the claims key this process signs with. Stops what it started
 * when a step fails.
 */
export async function prepareDatabase(config: Config, logger: Logger): Promise<ServingDatabase> {
  if (config.DATABASE_API_URL && !config.DATABASE_URL) {
    const problems = [
      config.MIGRATE_ON_START && "MIGRATE_ON_START: needs DATABASE_URL (the API login cannot migrate)",
      config.SEED_ON_START && "SEED_ON_START: needs DATABASE_URL (the API login cannot seed)",
    ].filter(Boolean);
    if (problems.length > 0) {
      throw new ConfigError(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join("\n")}`);
    }
    const database: ServingDatabase = {
      apiUrl: config.DATABASE_API_URL,
      claimsKey: databaseClaimsKey(config),
      embedded: false,
      stop: async () => undefined,
    };
    logger.info("DATABASE_API_URL only: serving as the API login role; migrations are a separate step");
    await assertClaimsKeyAccepted(database, logger);
    return database;
  }
  const database = await resolveDatabase(config, logger);
  try {
    if (database.embedded || config.MIGRATE_ON_START) {
      await migrate(database.adminUrl, {
        logger,
        apiPassword: database.apiPassword,
        claimsKey: database.claimsKey,
      });
    }
    if ((config.SEED_ON_START ?? database.embedded) && (await hasNoUsers(database.adminUrl))) {
      logger.info("empty database: seeding demo data");
      // Loaded only here: the seed's faker is a development dependency.
      const { seed } = await import("../cli/seed");
      const summary = await seed({ adminUrl: database.adminUrl, scale: "small", logger });
      logger.info({ counts: summary.counts, elapsedMs: Math.round(summary.elapsedMs) }, "demo data seeded");
      for (const account of summary.demoAccounts) {
        logger.info(`demo account ${account.email} (${account.role}), password ${account.password}`);
      }
    }
    await assertClaimsKeyAccepted(database, logger);
    return database;
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/** First start: no user at all (the seed creates users first). Read as the migrator, past RLS. */
async function hasNoUsers(adminUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "loomline-seed-check" });
  await client.connect();
  try {
    const { rows } = await client.query<{ empty: boolean }>(
      "select not exists (select 1 from users) as empty",
    );
    return rows[0]?.empty ?? false;
  } finally {
    await client.end();
  }
}

/**
 * A server whose DATABASE_CLAIMS_KEY differs from the key the migrator
 * stored would have every request act as nobody: refuse to start instead.
 * Asked as the API role, like a request. An unreachable database is left to
 * /readyz (logged here, not fatal).
 */
async function assertClaimsKeyAccepted(
  database: Pick<ResolvedDatabase, "apiUrl" | "claimsKey">,
  logger: Logger,
): Promise<void> {
  let accepted: boolean;
  const client = new pg.Client({
    connectionString: database.apiUrl,
    application_name: "loomline-claims-check",
  });
  try {
    await client.connect();
    await client.query("begin");
    await client.query("set local role anonymous");
    await client.query(signedClaimsQuery({ role: "anonymous" }, database.claimsKey));
    const { rows } = await client.query<{ accepted: boolean }>(
      "select app.current_claims() is not null as accepted",
    );
    accepted = rows[0]?.accepted ?? false;
  } catch (error) {
    logger.warn({ err: error }, "could not check the database's claims key");
    return;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (!accepted) {
    throw new ConfigError(
      "Invalid configuration:\n  DATABASE_CLAIMS_KEY: the database holds another key; " +
        "run `npm run db:migrate` with this one (the migrator stores it)",
    );
  }
}
