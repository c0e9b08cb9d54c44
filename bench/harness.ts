/**
 * What the benchmarks share: a seeded database of their own, and a
 * closed-loop load generator that reports throughput and latency percentiles.
 * Figures compare only within one run (same machine, same moment).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import pg from "pg";
import { seed } from "../src/cli/seed";
import { type Config, loadConfig } from "../src/config";
import { databaseUrl, migrate, provisionDatabase } from "../src/db/migrator";
import { resolveDatabase } from "../src/db/resolve";
import { createLogger } from "../src/logger";
import { PROJECT_ROOT } from "../src/project-root";

export type Scale = "small" | "medium" | "large";

export const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
const WARMUP = 200;

export interface Measurement {
  requests: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
}

/** `concurrency` callers run `run` back to back until REQUESTS have completed (after a warm-up). */
export async function measure(concurrency: number, run: () => Promise<void>): Promise<Measurement> {
  for (let i = 0; i < WARMUP; i += 1) await run();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < REQUESTS) {
        next += 1;
        const t0 = performance.now();
        await run();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(3));
  return {
    requests: latencies.length,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Math.round(latencies.length / seconds),
    p50ms: at(0.5),
    p95ms: at(0.95),
    p99ms: at(0.99),
  };
}

export interface BenchDatabase {
  config: Config;
  logger: Logger;
  adminUrl: string;
  apiUrl: string;
  /** DATABASE_CLAIMS_KEY: what signs request claims (src/db/identity.ts), for a peer server of the benchmark. */
  claimsKey: Buffer;
  /** The embedded server's postmaster; absent for DATABASE_URL's server. */
  postmasterPid?: number;
  stop(): Promise<void>;
}

/**
 * A migrated database `name`, seeded at `scale` the first time: on
 * DATABASE_URL's server when set, else on an embedded server kept under
 * .data/bench-postgres (so later runs skip the seed).
 */
export async function benchDatabase(name: string, scale: Scale): Promise<BenchDatabase> {
  const config = loadConfig({
    ...process.env,
    EMBEDDED_PG_DIR: process.env.EMBEDDED_PG_DIR ?? ".data/bench-postgres",
  });
  const logger = createLogger({ ...config, LOG_LEVEL: "warn" });
  const server = await resolveDatabase(config, logger);
  try {
    await provisionDatabase(server.adminUrl, name);
    const adminUrl = databaseUrl(server.adminUrl, { database: name });
    const apiUrl = databaseUrl(server.apiUrl, { database: name });
    // BENCH_MIGRATION_TARGET: stop at that version (an unfinished newer migration in the tree stays out).
    const target = process.env.BENCH_MIGRATION_TARGET
      ? Number(process.env.BENCH_MIGRATION_TARGET)
      : undefined;
    await migrate(adminUrl, {
      logger,
      apiPassword: server.apiPassword,
      claimsKey: server.claimsKey,
      ...(target === undefined ? {} : { target }),
    });
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>("select count(*)::int as n from users");
      if (rows[0]!.n === 0) {
        console.log(`seeding ${scale} data into ${name}…`);
        await seed({ adminUrl, scale, logger });
      }
    } finally {
      await admin.end();
    }
    // The embedded server's postmaster (first line of postmaster.pid), for its processes' CPU time.
    const pidFile = path.resolve(PROJECT_ROOT, config.EMBEDDED_PG_DIR, "postmaster.pid");
    const postmasterPid =
      !config.DATABASE_URL && existsSync(pidFile)
        ? Number(readFileSync(pidFile, "utf8").split("\n")[0])
        : undefined;
    return {
      config,
      logger,
      adminUrl,
      apiUrl,
      claimsKey: server.claimsKey,
      ...(postmasterPid ? { postmasterPid } : {}),
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
