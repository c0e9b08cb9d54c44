import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
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
   * Every SQL statement sent: Prisma's (COMMIT/ROLLBACK included) and the
   * adapter's BEGIN and SET TRANSACTION, a transaction opening in its
   * parameterised form (TransactionOpening). One event, one round trip. For
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
  pool.on("connect", (client) => openTransactionsInOneRoundTrip(client, options.onQuery));

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

// ---------------------------------------------------------------- transaction opening

/**
 * What the transaction started next in an async context sends in place of
 * the driver adapter's BEGIN: BEGIN with its isolation level and access
 * mode, and the request's identity statement, in one query text
 * (src/db/identity.ts, identityOpening, says why its literals are safe).
 */
export interface TransactionOpening {
  /** The level the text's BEGIN names (SQL spelling, as the adapter's SET TRANSACTION has it). */
  readonly isolationLevel: string;
  /** Sent as one simple-protocol query. */
  readonly text: string;
  /** What onQuery reports instead of `text`: the parameterised form. */
  readonly logged: { query: string; params: string };
  /**
   * Set when the text was sent. An opening opens at most one transaction;
   * its caller checks this and, when it is still false, sends the identity
   * statement itself (src/db/request-transaction.ts), so the transaction
   * never runs without its identity whatever happened to the context.
   */
  sent: boolean;
}

const openings = new AsyncLocalStorage<TransactionOpening>();

/** Runs `start` (which starts one Prisma transaction) with `opening` as what that transaction's BEGIN sends. */
export function withTransactionOpening<T>(opening: TransactionOpening, start: () => Promise<T>): Promise<T> {
  return openings.run(opening, start);
}

type QueryFn = (...args: unknown[]) => Promise<unknown>;

/** What the adapter's SET TRANSACTION gets when the opening already set the level (it reads rowCount only). */
const NOTHING_SENT = { command: "SET", rowCount: null, oid: 0, rows: [], fields: [] };

/**
 * @prisma/adapter-pg starts a transaction with BEGIN and then SET
 * TRANSACTION ISOLATION LEVEL, one round trip each (its startTransaction),
 * and the request transaction's identity statement is a third before the
 * first query. Prisma has no hook between the adapter and the connection,
 * so the pooled connection itself does what the adapter cannot:
 *   - the adapter's BEGIN, sent while a TransactionOpening not yet sent is
 *     in the async context (withTransactionOpening), goes out as the
 *     opening's text instead: BEGIN ISOLATION LEVEL … [READ ONLY]; select
 *     set_config(…) — one round trip;
 *   - the SET TRANSACTION ISOLATION LEVEL that follows it at once, for the
 *     level the opening already named, is answered here without a round trip;
 *   - every other statement, and BEGIN without an opening, goes out as sent.
 * Only the adapter's own call shape (one config object) is looked at, and
 * only those two texts. The identity never depends on this: a transaction
 * whose opening was not sent gets the parameterised identity statement from
 * its caller, and a transaction without any identity runs as the login role,
 * which holds nothing (NOINHERIT, migration 001).
 */
function openTransactionsInOneRoundTrip(client: pg.PoolClient, onQuery?: (event: QueryEvent) => void): void {
  const send = client.query.bind(client) as QueryFn;
  // The isolation level of the opening this connection sent last, until its next statement.
  let justOpened: string | null = null;
  const reported = (sent: Promise<unknown>, query: string, params: string): Promise<unknown> => {
    if (!onQuery) return sent;
    const started = performance.now();
    return sent.then((result) => {
      onQuery({ query, params, durationMs: Math.round(performance.now() - started) });
      return result;
    });
  };
  const query: QueryFn = (...args) => {
    const level = justOpened;
    justOpened = null;
    const config = args[0];
    if (args.length !== 1 || typeof config !== "object" || config === null) return send(...args);
    const text = (config as { text?: unknown }).text;
    if (text === "BEGIN") {
      const opening = openings.getStore();
      if (!opening || opening.sent) return reported(send(config), "BEGIN", "[]");
      opening.sent = true;
      justOpened = opening.isolationLevel;
      // Unnamed: two statements in one text cannot be a prepared statement.
      return reported(
        send({ ...config, name: undefined, text: opening.text }),
        opening.logged.query,
        opening.logged.params,
      );
    }
    if (typeof text === "string" && text.startsWith("SET TRANSACTION ")) {
      if (level !== null && text === `SET TRANSACTION ISOLATION LEVEL ${level}`) {
        return Promise.resolve(NOTHING_SENT);
      }
      return reported(send(config), text, "[]");
    }
    return send(config);
  };
  client.query = query as typeof client.query;
}
