import path from "node:path";
import pino from "pino";
import { ConfigError, loadConfig } from "../config";
import {
  MIGRATIONS_DIR,
  PROJECT_ROOT,
  MigrationError,
  migrate,
  rollback,
  status,
  type MigrationStatus,
} from "../db/migrator";
import { resolveDatabase } from "../db/resolve";
import { runCli } from "./run";

const USAGE = `Usage: db <command>

  migrate [--target <version>]  apply pending migrations (up to <version>)
  rollback                      undo the last applied migration
  status                        list applied and pending migrations; exit 1 on a changed file

DATABASE_URL selects the server; unset, an embedded PostgreSQL is started from EMBEDDED_PG_DIR.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const target = parseTarget(args);
  if (!command || !["migrate", "rollback", "status"].includes(command) || target === null) {
    console.error(USAGE);
    return 2;
  }

  const config = loadConfig();
  // Logs on stderr; stdout is the command's report.
  const logger = pino({ level: config.LOG_LEVEL, base: undefined }, pino.destination(2));
  const database = await resolveDatabase(config, logger);
  try {
    console.log(`Database:   ${redact(database.adminUrl)}`);
    console.log(`Migrations: ${path.relative(PROJECT_ROOT, MIGRATIONS_DIR)}\n`);
    switch (command) {
      case "migrate": {
        const applied = await migrate(database.adminUrl, {
          target,
          apiPassword: database.apiPassword,
          claimsKey: database.claimsKey,
        });
        for (const file of applied) console.log(`applied  ${path.basename(file.filename)}`);
        console.log(applied.length ? `\n${applied.length} migration(s) applied.` : "Already up to date.");
        return 0;
      }
      case "rollback": {
        const undone = await rollback(database.adminUrl);
        console.log(undone ? `rolled back  ${path.basename(undone.filename)}` : "Nothing to roll back.");
        return 0;
      }
      default: {
        const state = await status(database.adminUrl);
        console.log(formatStatus(state));
        return state.checksumMismatches.length > 0 ? 1 : 0;
      }
    }
  } finally {
    await database.stop();
  }
}

/** undefined: no --target; null: malformed. */
function parseTarget(args: string[]): number | undefined | null {
  if (args.length === 0) return undefined;
  const [flag, value, ...rest] = args;
  const version = Number(value);
  return flag === "--target" && rest.length === 0 && Number.isInteger(version) && version >= 0
    ? version
    : null;
}

function formatStatus(state: MigrationStatus): string {
  const changed = new Map(state.checksumMismatches.map((mismatch) => [mismatch.version, mismatch]));
  const rows = [
    ...state.applied.map((migration) => {
      const mismatch = changed.get(migration.version);
      const note = mismatch
        ? mismatch.fileMd5 === null
          ? "file missing"
          : "file changed since applied"
        : "";
      return [
        pad(migration.version),
        migration.name,
        mismatch ? "CHANGED" : "applied",
        formatTime(migration.runAt),
        note,
      ];
    }),
    ...state.pending.map((migration) => [pad(migration.version), migration.name, "pending", "", ""]),
  ];
  const header = ["Version", "Name", "State", "Applied at (UTC)", ""];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  const summary = `${state.applied.length} applied, ${state.pending.length} pending, ${state.checksumMismatches.length} changed.`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line), "", summary].join(
    "\n",
  );
}

function pad(version: number): string {
  return String(version).padStart(3, "0");
}

function formatTime(time: Date | null): string {
  return time ? time.toISOString().slice(0, 19).replace("T", " ") : "";
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

if (require.main === module) {
  runCli("db", main, [ConfigError, MigrationError]);
}
