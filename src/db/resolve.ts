import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Logger } from "pino";
import { type Config, ConfigError } from "../config";
import { devSecretFile, readOrCreateDevSecret } from "../services/dev-secrets";
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
  /**
   * The key request claims are signed with (DATABASE_CLAIMS_KEY, or the
   * development key): the migrator stores it in the database, the API signs with it.
   */
  claimsKey: Buffer;
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
  // First: a missing production key stops the process before anything starts.
  const claimsKey = databaseClaimsKey(config);
  if (config.DATABASE_URL) {
    const api = apiLogin(config, config.DATABASE_URL, { embedded: false });
    return {
      adminUrl: config.DATABASE_URL,
      apiUrl: api.url,
      apiPassword: api.password,
      claimsKey,
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
  return { adminUrl, apiUrl: api.url, apiPassword: api.password, claimsKey, embedded: true, stop };
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

/** Where the development claims key lives when DATABASE_CLAIMS_KEY is unset (`.data/secrets/`, git-ignored). */
export const DEV_CLAIMS_KEY_FILE = devSecretFile("database-claims.key");

/**
 * The key request claims are signed with, decided once for the server, the
 * migrator, the CLIs, the benchmarks and the tests (like apiLogin):
 * DATABASE_CLAIMS_KEY, or outside production a development key generated
 * once under .data/secrets/, so every process of this checkout agrees. The
 * migrator stores it in the database (`migrate({ claimsKey })`); the API
 * signs with it (src/db/identity.ts).
 */
export function databaseClaimsKey(
  config: Pick<Config, "NODE_ENV" | "DATABASE_CLAIMS_KEY">,
  devKeyFile = DEV_CLAIMS_KEY_FILE,
): Buffer {
  if (config.DATABASE_CLAIMS_KEY) return Buffer.from(config.DATABASE_CLAIMS_KEY, "base64");
  if (config.NODE_ENV === "production") {
    throw new ConfigError("Invalid configuration:\n  DATABASE_CLAIMS_KEY: required in production");
  }
  return readOrCreateDevSecret(
    devKeyFile,
    () => {
      const key = randomBytes(32);
      return { text: key.toString("base64"), value: key };
    },
    (text) => {
      const key = Buffer.from(text, "base64");
      return key.length >= 32 ? key : null;
    },
  );
}
