import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config";
import { startEmbeddedPostgres, stopOnExit } from "./embedded";
import { PROJECT_ROOT, databaseUrl, provisionDatabase } from "./migrator";

export const API_ROLE = "loomline_api";
/** The database of the embedded server. */
export const EMBEDDED_DATABASE = "loomline";

export interface ResolvedDatabase {
  /** The migrator's connection (superuser on the embedded server). */
  adminUrl: string;
  /** The API login role's connection, subject to RLS. */
  apiUrl: string;
  /** True when an embedded server was started for this process. */
  embedded: boolean;
  /** Stops the embedded server, if one was started; otherwise does nothing. */
  stop(): Promise<void>;
}

/**
 * Where the database is: DATABASE_URL when set; otherwise an embedded
 * PostgreSQL started from EMBEDDED_PG_DIR (relative to the project root),
 * with the database `loomline` created if missing. The embedded server is
 * stopped by `stop()`, and does not outlive the process (see stopOnExit).
 */
export async function resolveDatabase(
  config: Config,
  logger: Pick<Logger, "debug" | "info" | "warn" | "error">,
): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL) {
    return {
      adminUrl: config.DATABASE_URL,
      apiUrl: apiUrlFor(config, config.DATABASE_URL),
      embedded: false,
      stop: async () => undefined,
    };
  }

  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(PROJECT_ROOT, config.EMBEDDED_PG_DIR),
    port: config.EMBEDDED_PG_PORT,
    persistent: true,
    logger,
  });
  const removeExitHandlers = stopOnExit(server, logger);
  const stop = async () => {
    removeExitHandlers();
    await server.stop();
  };
  try {
    await provisionDatabase(server.adminUrl, EMBEDDED_DATABASE);
  } catch (error) {
    await stop();
    throw error;
  }
  const adminUrl = databaseUrl(server.adminUrl, { database: EMBEDDED_DATABASE });
  // DATABASE_API_URL cannot name the embedded server (its port is picked at start).
  const apiUrl = databaseUrl(adminUrl, { user: API_ROLE, password: config.DATABASE_API_PASSWORD });
  return { adminUrl, apiUrl, embedded: true, stop };
}

/**
 * DATABASE_API_URL when set, else `adminUrl` as the API role with
 * DATABASE_API_PASSWORD (the password the migrator gives that role).
 */
export function apiUrlFor(
  config: Pick<Config, "DATABASE_API_URL" | "DATABASE_API_PASSWORD">,
  adminUrl: string,
): string {
  return (
    config.DATABASE_API_URL ??
    databaseUrl(adminUrl, { user: API_ROLE, password: config.DATABASE_API_PASSWORD })
  );
}
