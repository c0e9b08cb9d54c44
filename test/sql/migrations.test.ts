import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { MIGRATIONS_DIR, migrate, pendingCount, rollback, status } from "../../src/db/migrator";
import { createTestDatabase, withAdminClient, type TestDatabase } from "../helpers/database";

/**
 * The runner against the real files in sql/migrations, each case on a fresh
 * database with no migration applied. Copies of the directory (edited, or
 * with a broken file added) go through the `migrationsDir` option.
 */

const databases: TestDatabase[] = [];
const temporaryDirs: string[] = [];

afterAll(async () => {
  for (const database of databases) await database.drop();
  for (const dir of temporaryDirs) await fs.rm(dir, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ empty: true });
  databases.push(database);
  return database;
}

/** A copy of sql/migrations, plus `extra` files (name → SQL). */
async function migrationsCopy(extra: Record<string, string> = {}): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "loomline-migrations-"));
  temporaryDirs.push(dir);
  await fs.cp(MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) await fs.writeFile(path.join(dir, name), sql);
  return dir;
}

async function doFileCount(dir = MIGRATIONS_DIR): Promise<number> {
  return (await fs.readdir(dir)).filter((name) => /^\d+\.do\..*\.sql$/.test(name)).length;
}

async function ledger(url: string): Promise<{ version: number; md5: string; run_at: Date }[]> {
  return withAdminClient(url, async (client) => {
    const { rows } = await client.query(
      "select version::int as version, md5, run_at from app_private.schema_migrations where version > 0 order by version",
    );
    return rows;
  });
}

test("there are migrations to test", async () => {
  expect(await doFileCount()).toBeGreaterThan(0);
});

test("migrate applies everything once; a second run changes nothing", async () => {
  const db = await emptyDatabase();
  const count = await doFileCount();

  const applied = await migrate(db.adminUrl);
  expect(applied).toHaveLength(count);
  const state = await status(db.adminUrl);
  expect(state.pending).toEqual([]);
  expect(state.checksumMismatches).toEqual([]);
  expect(state.applied.map((migration) => migration.version)).toEqual(applied.map((file) => file.version));

  const before = await ledger(db.adminUrl);
  const fingerprint = await schemaFingerprint(db.adminUrl);
  expect(await migrate(db.adminUrl)).toEqual([]);
  expect(await ledger(db.adminUrl)).toEqual(before);
  expect(await schemaFingerprint(db.adminUrl)).toEqual(fingerprint);
});

test("migrate stops at a target version", async () => {
  const db = await emptyDatabase();
  const [first] = await migrate(db.adminUrl, { target: 1 });
  expect(first?.version).toBe(1);
  expect((await status(db.adminUrl)).applied.map((migration) => migration.version)).toEqual([1]);
  await expect(migrate(db.adminUrl, { target: 0 })).rejects.toThrow(/use rollback/);
});

test("pendingCount works as the API login role, before and after migrating", async () => {
  const db = await emptyDatabase();
  const asApi = async () => {
    const client = new pg.Client({ connectionString: db.apiUrl });
    await client.connect();
    try {
      return await pendingCount(client);
    } finally {
      await client.end();
    }
  };
  expect(await asApi()).toBe(await doFileCount());
  await migrate(db.adminUrl);
  expect(await asApi()).toBe(0);
});

test("rolling back the last migration and re-applying it restores the same schema", async () => {
  const db = await emptyDatabase();
  await migrate(db.adminUrl);
  const original = await schemaFingerprint(db.adminUrl);
  const last = (await ledger(db.adminUrl)).at(-1)!;

  const undone = await rollback(db.adminUrl);
  expect(undone?.version).toBe(last.version);
  expect((await ledger(db.adminUrl)).map((row) => row.version)).not.toContain(last.version);

  expect((await migrate(db.adminUrl)).map((file) => file.version)).toEqual([last.version]);
  expect(await schemaFingerprint(db.adminUrl)).toEqual(original);
});

test("rolling back every migration one by one, then migrating up, restores the same schema", async () => {
  const db = await emptyDatabase();
  await migrate(db.adminUrl);
  const original = await schemaFingerprint(db.adminUrl);
  const versions = (await ledger(db.adminUrl)).map((row) => row.version);

  for (const version of [...versions].reverse()) {
    expect((await rollback(db.adminUrl))?.version).toBe(version);
    expect((await ledger(db.adminUrl)).map((row) => row.version)).toEqual(
      versions.filter((v) => v < version),
    );
  }
  expect(await rollback(db.adminUrl)).toBeNull();

  await migrate(db.adminUrl);
  expect(await schemaFingerprint(db.adminUrl)).toEqual(original);
});

test("the undo files leave the database as an empty one with only the ledger", async () => {
  const rolledBack = await emptyDatabase();
  await migrate(rolledBack.adminUrl);
  while (await rollback(rolledBack.adminUrl));

  const empty = await emptyDatabase();
  await migrate(empty.adminUrl, { target: 0 }); // creates the ledger, applies nothing
  expect(await schemaFingerprint(rolledBack.adminUrl)).toEqual(await schemaFingerprint(empty.adminUrl));
});

test("concurrent migrate calls queue on the lock and apply each file exactly once", async () => {
  const db = await emptyDatabase();
  const results = await Promise.all([migrate(db.adminUrl), migrate(db.adminUrl), migrate(db.adminUrl)]);

  const count = await doFileCount();
  const appliedCounts = results.map((applied) => applied.length).sort();
  expect(appliedCounts).toEqual([0, 0, count]);
  expect(await ledger(db.adminUrl)).toHaveLength(count);
});

test("an applied file that was edited is reported and blocks migrating", async () => {
  const db = await emptyDatabase();
  const migrationsDir = await migrationsCopy();
  await migrate(db.adminUrl, { migrationsDir });
  const fingerprint = await schemaFingerprint(db.adminUrl);

  const [firstDoFile] = (await fs.readdir(migrationsDir)).filter((name) => /^\d+\.do\./.test(name)).sort();
  await fs.appendFile(path.join(migrationsDir, firstDoFile!), "\n-- an edit after the fact\n");
  await fs.writeFile(path.join(migrationsDir, "900.do.later.sql"), "create table later (id int);\n");

  const state = await status(db.adminUrl, { migrationsDir });
  expect(state.checksumMismatches).toEqual([
    expect.objectContaining({ version: Number.parseInt(firstDoFile!, 10), fileMd5: expect.any(String) }),
  ]);
  expect(state.checksumMismatches[0]!.appliedMd5).not.toBe(state.checksumMismatches[0]!.fileMd5);
  await expect(migrate(db.adminUrl, { migrationsDir })).rejects.toThrow(/differ from their files/);
  expect(await schemaFingerprint(db.adminUrl)).toEqual(fingerprint);
});

test("a failing migration leaves nothing behind, and the error names the file and line", async () => {
  const db = await emptyDatabase();
  await migrate(db.adminUrl);
  const fingerprint = await schemaFingerprint(db.adminUrl);
  const migrationsDir = await migrationsCopy({
    "900.do.good.sql": "set local role loomline_owner;\ncreate table good_one (id int);\n",
    "901.do.broken.sql":
      "set local role loomline_owner;\ncreate table half_done (id int);\nselect * from no_such_table;\n",
  });

  await expect(migrate(db.adminUrl, { migrationsDir })).rejects.toThrow(
    /901\.do\.broken\.sql failed: relation "no_such_table" does not exist\s+at line 3/,
  );
  expect((await ledger(db.adminUrl)).map((row) => row.version)).not.toContain(900);
  expect(await schemaFingerprint(db.adminUrl)).toEqual(fingerprint);
});

test("a failing first run does not even leave the ledger", async () => {
  const db = await emptyDatabase();
  const fingerprint = await schemaFingerprint(db.adminUrl);
  const migrationsDir = await migrationsCopy({ "901.do.broken.sql": "select * from no_such_table;\n" });

  await expect(migrate(db.adminUrl, { migrationsDir })).rejects.toThrow(/901\.do\.broken\.sql/);
  expect(await schemaFingerprint(db.adminUrl)).toEqual(fingerprint);
  expect((await status(db.adminUrl)).applied).toEqual([]);
});

test("a file that commits the migration transaction is refused", async () => {
  const db = await emptyDatabase();
  const migrationsDir = await fs.mkdtemp(path.join(os.tmpdir(), "loomline-migrations-"));
  temporaryDirs.push(migrationsDir);
  await fs.writeFile(path.join(migrationsDir, "001.do.commits.sql"), "create table t (id int);\ncommit;\n");

  await expect(migrate(db.adminUrl, { migrationsDir })).rejects.toThrow(
    /001\.do\.commits\.sql failed: .*ended the migration transaction/,
  );
});

/**
 * Everything a migration can create or change in one database, as sorted
 * lines without OIDs or physical positions, so two databases built by
 * different paths compare equal exactly when their schemas are the same.
 * ACLs are compared by effective value (NULL and the default agree).
 * Roles are cluster-wide and left out; extension members are covered by
 * their extension.
 */
async function schemaFingerprint(url: string): Promise<string[]> {
  return withAdminClient(url, async (client) => {
    const { rows } = await client.query<{ line: string }>(FINGERPRINT_SQL);
    return rows.map((row) => row.line);
  });
}

const FINGERPRINT_SQL = `
with schemas as (
  select oid, nspname from pg_namespace
   where nspname not in ('pg_catalog', 'information_schema')
     and nspname !~ '^pg_(toast|temp_|toast_temp_)'
),
extension_members as (
  select objid from pg_depend where deptype = 'e'
),
lines(line) as (
  select format('database acl=%s', (select string_agg(a::text, ',' order by a::text)
                                       from unnest(coalesce(datacl, acldefault('d'::"char", datdba))) a))
    from pg_database where datname = current_database()
  union all
  select format('schema %s owner=%s acl=%s', nspname, pg_get_userbyid(nspowner),
                (select string_agg(a::text, ',' order by a::text) from unnest(coalesce(nspacl, acldefault('n'::"char", nspowner))) a))
    from pg_namespace where oid in (select oid from schemas)
  union all
  select format('extension %s schema=%s', extname, extnamespace::regnamespace) from pg_extension
  union all
  select format('default acl role=%s schema=%s type=%s acl=%s', pg_get_userbyid(defaclrole),
                coalesce(defaclnamespace::regnamespace::text, '*'), defaclobjtype,
                (select string_agg(a::text, ',' order by a::text) from unnest(defaclacl) a))
    from pg_default_acl
  union all
  select format('relation %s.%s kind=%s owner=%s rls=%s force_rls=%s options=%s acl=%s',
                n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity,
                c.reloptions,
                (select string_agg(a::text, ',' order by a::text)
                   from unnest(coalesce(c.relacl, acldefault((case when c.relkind = 'S' then 's' else 'r' end)::"char", c.relowner))) a))
    from pg_class c join schemas n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c') and c.oid not in (select objid from extension_members)
  union all
  select format('view %s.%s %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
    from pg_class c join schemas n on n.oid = c.relnamespace
   where c.relkind in ('v', 'm') and c.oid not in (select objid from extension_members)
  union all
  select format('sequence %s.%s type=%s start=%s increment=%s min=%s max=%s cycle=%s',
                n.nspname, c.relname, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle)
    from pg_sequence s join pg_class c on c.oid = s.seqrelid join schemas n on n.oid = c.relnamespace
  union all
  select format('column %s.%s #%s %s type=%s not_null=%s default=%s identity=%s generated=%s collation=%s acl=%s',
                n.nspname, c.relname,
                row_number() over (partition by a.attrelid order by a.attnum), a.attname,
                format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                a.attidentity, a.attgenerated, a.attcollation::regcollation,
                (select string_agg(x::text, ',' order by x::text) from unnest(a.attacl) x))
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join schemas n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
   where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
     and c.oid not in (select objid from extension_members)
  union all
  select format('constraint %s.%s.%s %s', n.nspname, coalesce(c.relname, con.contypid::regtype::text), con.conname,
                pg_get_constraintdef(con.oid))
    from pg_constraint con
    join schemas n on n.oid = con.connamespace
    left join pg_class c on c.oid = con.conrelid
  union all
  select format('index %s', pg_get_indexdef(i.indexrelid))
    from pg_index i join pg_class c on c.oid = i.indexrelid join schemas n on n.oid = c.relnamespace
  union all
  select format('trigger %s.%s %s enabled=%s', n.nspname, c.relname, pg_get_triggerdef(t.oid), t.tgenabled)
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join schemas n on n.oid = c.relnamespace
   where not t.tgisinternal
  union all
  select format('policy %s.%s.%s %s %s roles=%s using=%s check=%s',
                schemaname, tablename, policyname, permissive, cmd, roles, qual, with_check)
    from pg_policies
  union all
  select format('function %s.%s(%s) kind=%s owner=%s security_definer=%s config=%s acl=%s definition_md5=%s',
                n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind, pg_get_userbyid(p.proowner),
                p.prosecdef, p.proconfig,
                (select string_agg(a::text, ',' order by a::text) from unnest(coalesce(p.proacl, acldefault('f'::"char", p.proowner))) a),
                case when p.prokind <> 'a' then md5(pg_get_functiondef(p.oid)) end)
    from pg_proc p join schemas n on n.oid = p.pronamespace
   where p.oid not in (select objid from extension_members)
  union all
  select format('type %s.%s kind=%s owner=%s base=%s not_null=%s default=%s labels=%s acl=%s',
                n.nspname, t.typname, t.typtype, pg_get_userbyid(t.typowner),
                case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end,
                t.typnotnull, t.typdefault,
                (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid),
                (select string_agg(a::text, ',' order by a::text) from unnest(coalesce(t.typacl, acldefault('T'::"char", t.typowner))) a))
    from pg_type t join schemas n on n.oid = t.typnamespace
   where t.typtype in ('e', 'd', 'r', 'm') and t.oid not in (select objid from extension_members)
  union all
  select format('rule %s.%s %s', schemaname, tablename, definition) from pg_rules
   where schemaname in (select nspname from schemas)
)
select line from lines order by line collate "C"
`;
