import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { runCli } from "../src/cli/run";
import { ConfigError, loadConfig } from "../src/config";
import { MigrationError, PROJECT_ROOT, databaseUrl, migrate, provisionDatabase } from "../src/db/migrator";
import { apiLogin } from "../src/db/resolve";

/**
 * Writes sql/schema.sql: the schema sql/migrations builds, as pg_dump
 * prints it, so that a reviewer reads one table's columns, constraints,
 * indexes, triggers, row level security, policies and grants in one place
 * (and each function with its grants) instead of across the migrations.
 *
 * On the server DATABASE_URL names it creates a database of its own, migrates
 * it with the real migrator, runs `pg_dump --schema-only`, regroups pg_dump's
 * entries by the table (function, sequence, type…) they belong to, drops the
 * database, and writes the file. `--check` writes nothing and fails when the
 * committed file differs (CI).
 *
 * The output depends on pg_dump's major version and on the server's, so both
 * must be PG_MAJOR; the embedded PostgreSQL ships no pg_dump. The committed
 * file is made with DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres.
 */

export const SCHEMA_FILE = path.join(PROJECT_ROOT, "sql", "schema.sql");
/** The PostgreSQL major version sql/schema.sql is dumped with (pg_dump and server). */
const PG_MAJOR = 15;
const REFERENCE_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const REGENERATE = `DATABASE_URL=${REFERENCE_URL} npm run db:dump-schema`;

const USAGE = `Usage: npm run db:dump-schema [-- --check]

  (no option)  write sql/schema.sql
  --check      write nothing; exit 1 when sql/schema.sql is not what the migrations build

DATABASE_URL (required): a PostgreSQL ${PG_MAJOR} server and a role that may create
databases and run the migrations (a superuser); pg_dump ${PG_MAJOR} on PATH (or PG_DUMP).
The committed file is made with ${REFERENCE_URL}.`;

class DumpError extends Error {
  override name = "DumpError";
}

const HEADER = `-- sql/schema.sql: the schema that sql/migrations builds. GENERATED, never
-- edited by hand: change a migration, then regenerate with
--
--   ${REGENERATE}
--
-- (scripts/dump-schema.ts: a fresh database on that PostgreSQL ${PG_MAJOR} server,
-- migrated by src/db/migrator.ts, dumped by pg_dump ${PG_MAJOR} --schema-only).
-- CI fails when this file is not current (npm run db:dump-schema -- --check).
--
-- For reading, not for restoring: pg_dump's entries, unchanged (but for
-- trailing spaces), regrouped so that everything about a table follows its
-- CREATE TABLE (constraints, foreign keys, indexes, triggers, row level
-- security, policies, grants), and each function, sequence, type and schema
-- is followed by its grants. Build a database with the migrations (npm run
-- db:migrate). Roles are cluster-wide and not part of a database's dump: 001
-- creates them. The migration ledger (app_private.schema_migrations)
-- belongs to the role that ran the migrations (postgres here).
`;

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  if (argv.some((arg) => arg !== "--check")) {
    console.error(USAGE);
    return 2;
  }

  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      `DATABASE_URL is required: the PostgreSQL ${PG_MAJOR} server on which a temporary database is ` +
        `created, migrated and dumped with pg_dump (the embedded PostgreSQL has no pg_dump). ` +
        `The committed sql/schema.sql is made with:\n  ${REGENERATE}`,
    );
  }
  const serverUrl = config.DATABASE_URL;
  const pgDump = process.env.PG_DUMP || "pg_dump";
  await assertVersions(serverUrl, pgDump);

  const dumped = await dumpMigratedSchema(
    serverUrl,
    apiLogin(config, serverUrl, { embedded: false }).password,
    pgDump,
  );
  const text = render(dumped);
  const relative = path.relative(process.cwd(), SCHEMA_FILE);

  if (!check) {
    fs.writeFileSync(SCHEMA_FILE, text);
    console.log(`wrote ${relative}`);
    return 0;
  }
  const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, "utf8") : null;
  if (committed === text) {
    console.log(`${relative} is current`);
    return 0;
  }
  const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "loomline-schema-")), "schema.sql");
  fs.writeFileSync(fresh, text);
  if (committed !== null) showDiff(SCHEMA_FILE, fresh);
  console.error(
    `\n${relative} is ${committed === null ? "missing" : "not what the migrations build"} ` +
      `(the fresh dump is ${fresh}). Regenerate it and commit it:\n  ${REGENERATE}`,
  );
  return 1;
}

/** pg_dump and the server must both be PG_MAJOR: another version prints another file. */
async function assertVersions(serverUrl: string, pgDump: string): Promise<void> {
  const client = spawnSync(pgDump, ["--version"], { encoding: "utf8" });
  if (client.error || client.status !== 0) {
    throw new DumpError(
      `cannot run ${pgDump} --version (${client.error?.message ?? client.stderr.trim()}): ` +
        `install PostgreSQL ${PG_MAJOR}'s client tools, or set PG_DUMP to its pg_dump`,
    );
  }
  const clientMajor = Number(/\s(\d+)(?:\.\d+)*/.exec(client.stdout)?.[1]);
  const serverMajor = await withServer(serverUrl, async (db) => {
    const { rows } = await db.query<{ major: number }>(
      "select current_setting('server_version_num')::int / 10000 as major",
    );
    return rows[0]!.major;
  });
  if (clientMajor !== PG_MAJOR || serverMajor !== PG_MAJOR) {
    throw new DumpError(
      `sql/schema.sql is dumped by pg_dump ${PG_MAJOR} from a PostgreSQL ${PG_MAJOR} server; here pg_dump is ` +
        `${clientMajor || "of an unknown version"} and the server ${serverMajor}. Use ${REGENERATE}` +
        ` (moving to another major version: change PG_MAJOR in scripts/dump-schema.ts and regenerate).`,
    );
  }
}

/** Creates a database, migrates it, returns `pg_dump --schema-only` of it, and drops it. */
async function dumpMigratedSchema(
  serverUrl: string,
  apiPassword: string | undefined,
  pgDump: string,
): Promise<string> {
  const name = `loomline_schema_dump_${process.pid}_${randomBytes(3).toString("hex")}`;
  const drop = () =>
    withServer(serverUrl, (db) =>
      db.query(`drop database if exists ${db.escapeIdentifier(name)} with (force)`),
    );
  // Interrupted: drop the database before leaving.
  const onSignal = (signal: NodeJS.Signals) => {
    void drop()
      .catch(() => undefined)
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    // template0: nothing a server's template1 may have gained ends up in the dump.
    await provisionDatabase(serverUrl, name, { template: "template0" });
    const url = databaseUrl(serverUrl, { database: name });
    await migrate(url, { apiPassword });
    return await runPgDump(pgDump, url);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await drop();
  }
}

function runPgDump(pgDump: string, url: string): Promise<string> {
  // The password travels in the environment, not on the command line.
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = "";
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  return new Promise((resolve, reject) => {
    const child = spawn(pgDump, ["--schema-only", "--no-password", `--dbname=${target.toString()}`], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else
        reject(new DumpError(`${pgDump} exited with ${code}: ${Buffer.concat(err).toString("utf8").trim()}`));
    });
  });
}

// ------------------------------------------------------------------ layout

interface Entry {
  type: string;
  schema: string;
  name: string;
  /** The entry as pg_dump wrote it: its `-- Name:` header and its statements. */
  text: string;
  /** Key of the object it belongs to (a table, function…), or null. */
  parent: string | null;
  /** Key of the object it is, when other entries may belong to it. */
  key: string | null;
}

const ENTRY_HEADER = /^-- Name: (.*); Type: ([A-Z ]+); Schema: ([^;]*)(?:; Owner: .*)?$/;
const RELATION_TYPES = new Set(["TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"]);
const ROUTINE_TYPES = new Set(["FUNCTION", "PROCEDURE", "AGGREGATE"]);
const TABLE_PARTS = new Set(["CONSTRAINT", "FK CONSTRAINT", "TRIGGER", "POLICY", "RULE", "DEFAULT"]);

/** The file's sections, in order: which objects each holds. */
const SECTIONS: { title: string; holds: (entry: Entry) => boolean }[] = [
  {
    title: "Schemas and extensions",
    holds: (entry) => entry.type === "SCHEMA" || entry.type === "EXTENSION",
  },
  { title: "Types", holds: (entry) => entry.type === "TYPE" || entry.type === "DOMAIN" },
  { title: "Sequences", holds: (entry) => entry.type === "SEQUENCE" },
  { title: "Functions, each with its grants", holds: (entry) => ROUTINE_TYPES.has(entry.type) },
  {
    title:
      "Tables: columns, constraints, foreign keys, indexes, triggers, row level security, policies, grants",
    holds: (entry) => RELATION_TYPES.has(entry.type),
  },
  { title: "Default privileges and anything else", holds: () => true },
];

/** Order of the entries that belong to a table (within a kind: pg_dump's order). */
const PART_ORDER = [
  "DEFAULT",
  "CONSTRAINT",
  "FK CONSTRAINT",
  "INDEX",
  "TRIGGER",
  "RULE",
  "ROW SECURITY",
  "POLICY",
  "COMMENT",
  "SECURITY LABEL",
  "ACL",
];

/**
 * pg_dump's output without its volatile framing (the `\restrict` keys, which
 * are random, the versions it names, its restore settings), its entries
 * unchanged but regrouped: sections of schemas, types, sequences, functions
 * and tables, each object (by schema and name) followed by the entries that
 * belong to it. Every entry appears exactly once.
 */
export function render(dump: string): string {
  const entries = parseEntries(dump);
  // A key two objects share (overloaded functions) attaches nothing: those entries stand alone.
  const owners = new Map<string, number>();
  for (const entry of entries) if (entry.key) owners.set(entry.key, (owners.get(entry.key) ?? 0) + 1);
  const keys = new Set([...owners].filter(([, count]) => count === 1).map(([key]) => key));
  const children = new Map<string, Entry[]>();
  for (const entry of entries) {
    if (entry.parent && keys.has(entry.parent)) {
      children.set(entry.parent, [...(children.get(entry.parent) ?? []), entry]);
    } else {
      entry.parent = null;
    }
  }
  const rank = (entry: Entry) => PART_ORDER.indexOf(entry.type) >>> 0; // unknown kinds last
  const byName = (a: Entry, b: Entry) => compare(a.schema, b.schema) || compare(a.name, b.name);

  const rule = `-- ${"=".repeat(77)}`;
  const parts: string[] = [HEADER];
  let emitted = 0;
  let rest = entries.filter((entry) => !entry.parent);
  for (const section of SECTIONS) {
    const objects = rest.filter(section.holds);
    rest = rest.filter((entry) => !section.holds(entry));
    if (objects.length === 0) continue;
    parts.push(`\n${rule}\n-- ${section.title}\n${rule}\n`);
    // Sorted by schema and name; pg_dump interleaves kinds in dependency order.
    for (const object of section === SECTIONS.at(-1) ? objects : [...objects].sort(byName)) {
      const own = [...((object.key && children.get(object.key)) || [])].sort((a, b) => rank(a) - rank(b));
      if (RELATION_TYPES.has(object.type)) {
        parts.push(
          `\n-- ${"-".repeat(77)}\n-- ${object.type.toLowerCase()} ${object.schema}.${object.name}\n`,
        );
      }
      for (const item of [object, ...own]) {
        parts.push(`\n${item.text}\n`);
        emitted += 1;
      }
    }
  }
  if (emitted !== entries.length) {
    throw new DumpError(`regrouping lost entries (${emitted} of ${entries.length}): a bug in dump-schema.ts`);
  }
  // Trailing spaces (pg_dump's `Owner: ` of an extension's comment) would not survive editors.
  return `${parts
    .join("")
    .replace(/[ \t]+$/gm, "")
    .trimEnd()}\n`;
}

/** Code-point order, whatever the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseEntries(dump: string): Entry[] {
  // psql's \restrict keys are random per run.
  const lines = dump
    .replace(/\r\n/g, "\n")
    .split("\n")
    .filter((line) => !/^\\(un)?restrict\b/.test(line));
  const isHeader = (i: number) =>
    lines[i] === "--" && ENTRY_HEADER.test(lines[i + 1] ?? "") && lines[i + 2] === "--";
  const isTrailer = (i: number) =>
    lines[i] === "--" && lines[i + 1] === "-- PostgreSQL database dump complete";

  const entries: Entry[] = [];
  let i = lines.findIndex((_, index) => isHeader(index));
  if (i === -1) throw new DumpError("pg_dump printed no entries");
  while (i < lines.length && !isTrailer(i)) {
    const start = i;
    i += 3;
    while (i < lines.length && !isHeader(i) && !isTrailer(i)) i += 1;
    const [, name = "", type = "", schema = ""] = ENTRY_HEADER.exec(lines[start + 1]!)!;
    // pg_dump's header of the entry, then its statements without the blank lines around them.
    const body = lines
      .slice(start + 3, i)
      .join("\n")
      .trim();
    const text = `${lines.slice(start, start + 3).join("\n")}\n\n${body}`;
    entries.push(classify({ type, schema, name, text }));
  }
  return entries;
}

function classify(entry: Pick<Entry, "type" | "schema" | "name" | "text">): Entry {
  const { type, schema, name } = entry;
  const relation = (table: string) => `relation ${schema}.${table}`;
  // By name alone: a routine's entry lists argument types, its ACL's argument names and types.
  const routine = (signature: string) => `routine ${schema}.${signature.slice(0, signature.indexOf("("))}`;
  let key: string | null = null;
  let parent: string | null = null;
  if (RELATION_TYPES.has(type)) key = relation(name);
  else if (ROUTINE_TYPES.has(type)) key = routine(name);
  else if (type === "SEQUENCE") key = `sequence ${schema}.${name}`;
  else if (type === "TYPE" || type === "DOMAIN") key = `type ${schema}.${name}`;
  else if (type === "SCHEMA") key = `schema ${name}`;
  else if (type === "EXTENSION") key = `extension ${name}`;
  else if (TABLE_PARTS.has(type)) parent = relation(name.split(" ")[0]!);
  else if (type === "ROW SECURITY") parent = relation(name);
  else if (type === "SEQUENCE OWNED BY") parent = `sequence ${schema}.${name}`;
  else if (type === "INDEX") {
    const table = /\bON (?:ONLY )?([^\s.]+)\.([^\s(]+)/.exec(entry.text);
    if (table) parent = `relation ${table[1]}.${table[2]}`;
  } else if (type === "ACL" || type === "COMMENT" || type === "SECURITY LABEL") {
    const [, kind = "", object = ""] = /^([A-Z ]+?) (.*)$/.exec(name) ?? [];
    if (kind === "TABLE") parent = relation(object);
    else if (kind === "COLUMN") parent = relation(object.split(".")[0]!);
    else if (kind === "SEQUENCE") parent = `sequence ${schema}.${object}`;
    else if (ROUTINE_TYPES.has(kind)) parent = routine(object);
    else if (kind === "TYPE" || kind === "DOMAIN") parent = `type ${schema}.${object}`;
    else if (kind === "SCHEMA") parent = `schema ${object}`;
    else if (kind === "EXTENSION") parent = `extension ${object}`;
  }
  return { ...entry, key, parent };
}

// ---------------------------------------------------------------- helpers

/** A connection for server-level statements: DATABASE_URL's database, or `postgres` if that one is missing. */
async function withServer<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const run = async (target: string) => {
    const db = new pg.Client({ connectionString: target, application_name: "loomline-dump-schema" });
    db.on("error", () => undefined);
    await db.connect();
    try {
      return await fn(db);
    } finally {
      await db.end().catch(() => undefined);
    }
  };
  try {
    return await run(url);
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") throw error;
    return run(databaseUrl(url, { database: "postgres" }));
  }
}

function showDiff(committed: string, fresh: string): void {
  const diff = spawnSync(
    "diff",
    ["-u", "--label", "sql/schema.sql (committed)", "--label", "fresh dump", committed, fresh],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (diff.error) return;
  const lines = diff.stdout.split("\n");
  const shown = 200;
  process.stderr.write(lines.slice(0, shown).join("\n"));
  if (lines.length > shown) process.stderr.write(`\n… ${lines.length - shown} more diff lines\n`);
}

if (require.main === module) {
  runCli("db:dump-schema", main, [ConfigError, MigrationError, DumpError]);
}
