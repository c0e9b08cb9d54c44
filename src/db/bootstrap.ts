import pg from "pg";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { migrate } from "./migrator";
import { type ResolvedDatabase, resolveDatabase } from "./resolve";

/**
 * The database the server will use, ready to serve: resolved (DATABASE_URL,
 * or the embedded PostgreSQL started), migrated when it is embedded or
 * MIGRATE_ON_START says so, and seeded with the demo data on a first start
 * (embedded, or SEED_ON_START). Stops what it started when a step fails.
 */
export async function prepareDatabase(config: Config, logger: Logger): Promise<ResolvedDatabase> {
  const database = await resolveDatabase(config, logger);
  try {
    if (database.embedded || config.MIGRATE_ON_START) {
      await migrate(database.adminUrl, { logger, apiPassword: database.apiPassword });
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
