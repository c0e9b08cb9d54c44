import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";

export interface PrismaClientOptions {
  /** Connection URL; the API passes its RLS-bound login role's URL. */
  url: string;
  /** Upper bound of pooled connections (pg's default of 10 is rarely deliberate). */
  poolMax: number;
  /**
   * How long a caller waits for a pooled connection before failing. pg's
   * default (0) waits forever, which turns a saturated pool into a hang.
   */
  acquireTimeoutMs: number;
  /** Server-side cap per statement: a runaway query fails instead of holding a connection. */
  statementTimeoutMs: number;
  /** Shows up in pg_stat_activity, so operators can tell the API's sessions apart. */
  applicationName?: string;
  /** Errors of idle pooled connections (the server restarted, a network blip). */
  onPoolError?: (error: Error) => void;
  /**
   * Every SQL statement Prisma sends (COMMIT/ROLLBACK included; BEGIN and SET
   * TRANSACTION, which the adapter sends itself, are not reported). For
   * trace logging and for tests that count round trips. Off when absent.
   */
  onQuery?: (event: QueryEvent) => void;
}

export interface QueryEvent {
  query: string;
  /** JSON text of the parameters. */
  params: string;
  durationMs: number;
}

/**
 * A Prisma client over `@prisma/adapter-pg`, on a pool sized and timed
 * deliberately. `$disconnect()` also ends the pool. Request transactions
 * load relations with one statement per table: src/db/request-transaction.ts
 * says why "join" fails on the tables with column grants.
 */
export function createPrismaClient(options: PrismaClientOptions): PrismaClient {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.acquireTimeoutMs,
    // Part of the startup packet: costs no round trip per connection.
    statement_timeout: options.statementTimeoutMs,
    // A transaction abandoned by a crashed request must not hold locks for long.
    idle_in_transaction_session_timeout: Math.max(2 * options.statementTimeoutMs, 60_000),
    application_name: options.applicationName ?? "loomline-api",
    idleTimeoutMillis: 30_000,
  });
  // Without a listener, an idle connection dropped by the server crashes the
  // process. This one only keeps it alive; the adapter reports to onPoolError.
  pool.on("error", () => undefined);

  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
  });
  if (!options.onQuery) return new PrismaClient({ adapter });

  const onQuery = options.onQuery;
  const prisma = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  prisma.$on("query", (event) =>
    onQuery({ query: event.query, params: event.params, durationMs: event.duration }),
  );
  return prisma;
}

export type { PrismaClient };
