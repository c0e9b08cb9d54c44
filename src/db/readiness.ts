import pg from "pg";
import type { Logger } from "pino";
import { pendingCount } from "./migrator";

export type ReadinessResult =
  | { ready: true }
  | {
      ready: false;
      reason: "database_unreachable" | "database_timeout" | "migrations_pending";
      pendingMigrations?: number;
    };

export interface ReadinessCheck {
  check(): Promise<ReadinessResult>;
  close(): Promise<void>;
}

export interface ReadinessOptions {
  /** The API role's URL: readiness proves the API itself can connect, not some admin. */
  url: string;
  /** The whole check (connect + two small queries) gives up after this. */
  timeoutMs?: number;
  /** Defaults to the project's sql/migrations. */
  migrationsDir?: string;
  logger?: Pick<Logger, "warn">;
}

/**
 * Ready = the database answers as the API role and every migration file has
 * been applied (an instance running older SQL than its code expects, or newer
 * code against an older schema, must not take traffic).
 *
 * One dedicated connection, not the request pool: a saturated pool is load,
 * not unreadiness, and probes must not queue behind requests.
 */
export function createReadinessCheck(options: ReadinessOptions): ReadinessCheck {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 1,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    idleTimeoutMillis: 60_000,
    application_name: "loomline-readiness",
  });
  pool.on("error", () => undefined); // an idle probe connection dropped: the next check reconnects

  const probe = async (): Promise<ReadinessResult> => {
    let pending: number;
    try {
      pending = await pendingCount(
        pool,
        options.migrationsDir ? { migrationsDir: options.migrationsDir } : {},
      );
    } catch (error) {
      options.logger?.warn({ err: error }, "readiness: database unreachable");
      return { ready: false, reason: "database_unreachable" };
    }
    return pending === 0
      ? { ready: true }
      : { ready: false, reason: "migrations_pending", pendingMigrations: pending };
  };

  return {
    async check() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<ReadinessResult>((resolve) => {
        timer = setTimeout(() => resolve({ ready: false, reason: "database_timeout" }), timeoutMs);
      });
      try {
        return await Promise.race([probe(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => pool.end(),
  };
}
