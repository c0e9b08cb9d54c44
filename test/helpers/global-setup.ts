import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config";
import { isAlive, startEmbeddedPostgres, stopOnExit } from "../../src/db/embedded";
import { PROJECT_ROOT, databaseUrl, migrate, provisionDatabase } from "../../src/db/migrator";
import { apiLogin, databaseClaimsKey } from "../../src/db/resolve";
import { dropDatabase, templateName, testDatabasePrefix, withAdminClient } from "./database";

/** Shared with global-teardown (same process). */
export interface TestDatabaseServer {
  serverUrl: string;
  template: string;
  stop(): Promise<void>;
}

declare global {
  var loomlineTestDatabaseServer: TestDatabaseServer | undefined;
}

/**
 * One PostgreSQL for the whole run (embedded and throwaway unless
 * DATABASE_URL is set) and one template database migrated with the real
 * migrator; test files clone it (test/helpers/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn" });

  let serverUrl: string;
  let stopServer = async () => undefined;
  if (config.DATABASE_URL) {
    serverUrl = config.DATABASE_URL;
  } else {
    // One cluster per run: engineers sharing the tree run jest at the same time.
    const clustersDir = path.join(PROJECT_ROOT, ".data", "test-postgres");
    await removeAbandonedClusters(clustersDir);
    const server = await startEmbeddedPostgres({
      dataDir: path.join(clustersDir, `run-${process.pid}`),
      port: 0,
      persistent: false,
      fast: true,
      logger,
    });
    const removeExitHandlers = stopOnExit(server, logger);
    stopServer = async () => {
      removeExitHandlers();
      await server.stop();
    };
    serverUrl = server.adminUrl;
  }
  const api = apiLogin(config, serverUrl, { embedded: !config.DATABASE_URL });

  const template = templateName(randomBytes(3).toString("hex"));
  try {
    await provisionDatabase(serverUrl, template);
    // The workers sign claims with the same key (src/db/identity.ts reads it the same way).
    await migrate(databaseUrl(serverUrl, { database: template }), {
      apiPassword: api.password,
      claimsKey: databaseClaimsKey(config),
    });
    // Cloning needs the template free of sessions: allow none.
    await withAdminClient(serverUrl, (client) =>
      client.query(
        `alter database ${client.escapeIdentifier(template)} with is_template true allow_connections false`,
      ),
    );
  } catch (error) {
    await dropDatabase(serverUrl, template).catch(() => undefined);
    await stopServer();
    throw error;
  }

  process.env.TEST_ADMIN_URL = serverUrl;
  process.env.TEST_TEMPLATE_DB = template;
  process.env.TEST_API_URL = api.url;
  globalThis.loomlineTestDatabaseServer = { serverUrl, template, stop: stopServer };
  logger.debug({ template, prefix: testDatabasePrefix(template) }, "test template database ready");
}

/**
 * Deletes the clusters of earlier runs that were killed before their
 * teardown. A cluster whose postmaster still runs is left alone.
 */
async function removeAbandonedClusters(clustersDir: string): Promise<void> {
  const entries = await fs.readdir(clustersDir).catch(() => [] as string[]);
  for (const entry of entries) {
    const owner = /^run-(\d+)$/.exec(entry)?.[1];
    if (!owner || isAlive(Number(owner))) continue;
    const dataDir = path.join(clustersDir, entry);
    const pidFile = await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "");
    const postmaster = Number.parseInt(pidFile.split("\n")[0] ?? "", 10);
    if (postmaster > 0 && isAlive(postmaster)) continue;
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.rm(`${dataDir}.credentials.json`, { force: true });
  }
}
