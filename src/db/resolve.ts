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
  /** What the migrator sets as that role's password (see apiLogin); undefined: leave it alone. */
  apiPassword: string | undefined;
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
    const api = apiLogin(config, config.DATABASE_URL, { embedded: false });
    return {
      adminUrl: config.DATABASE_URL,
      apiUrl: api.url,
      apiPassword: api.password,
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
  const api = apiLogin(config, adminUrl, { embedded: true });
  return { adminUrl, apiUrl: api.url, apiPassword: api.password, embedded: true, stop };
}

/**
 * How the API logs in, decided once for the server, the CLIs, the benchmarks
 * and the tests: DATABASE_API_URL when set (and never on the embedded server,
 * whose port is picked at start), with the role's real password in it, which
 * the migrator must then leave alone (`password` undefined); otherwise
 * `adminUrl` as loomline_api with DATABASE_API_PASSWORD, which the migrator
 * sets on the role on every run.
 */
export function apiLogin(
  config: Pick<Config, "DATABASE_API_URL" | "DATABASE_API_PASSWORD">,
  adminUrl: string,
  { embedded }: { embedded: boolean },
): { url: string; password: string | undefined } {
  if (config.DATABASE_API_URL && !embedded) return { url: config.DATABASE_API_URL, password: undefined };
  const password = config.DATABASE_API_PASSWORD;
  return { url: databaseUrl(adminUrl, { user: API_ROLE, password }), password };
}
