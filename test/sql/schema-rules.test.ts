/**
 * Structural rules of the migrated schema that DOMAIN.md and
 * sql/CONVENTIONS.md promise, read from the catalogs: ownership, RLS on every
 * table, the API role's limits, indexes on foreign keys, safe
 * security-definer functions, and default-deny for the request roles.
 */
import { Client } from "pg";
import { createTestDatabase, withRole, type TestDatabase } from "../helpers/database";

let database: TestDatabase;
let db: Client;

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Client({ connectionString: database.adminUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await database?.drop();
});

async function tables(): Promise<string[]> {
  const { rows } = await db.query<{ relname: string }>(
    `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' order by 1`,
  );
  return rows.map((row) => row.relname);
}

/**
 * What anonymous callers may touch at all (DOMAIN.md: browse listings and
 * verified suppliers, request a quote, send feedback). Everything else is
 * refused by privileges before any policy runs. The full matrix, for every
 * caller, is test/sql/rls-matrix.test.ts; the grants are pinned in
 * test/sql/policy-lint.test.ts.
 */
const PUBLICLY_READABLE = ["marketplace_products", "suppliers"];
const ANONYMOUS_INSERTABLE = ["feedback", "quotes"];
/**
 * Tables no request writes: trigger-maintained, append-only, or written only
 * through the security-definer functions of the auth migration.
 */
const NEVER_INSERTED_BY_REQUESTS = [
  "api_keys",
  "api_usage",
  "audit_log",
  "notifications",
  "order_status_history",
  "production_stages",
  "profiles",
  "refresh_tokens",
  "user_preferences",
  "users",
];
const NEVER_CHANGED_BY_REQUESTS = ["api_usage", "audit_log", "order_status_history", "users"];

test("the schema has the 26 tables of DOMAIN.md and the realtime event log", async () => {
  expect(await tables()).toHaveLength(27);
});

test("every schema object belongs to loomline_owner", async () => {
  const { rows } = await db.query(`
    select n.nspname, c.relname, pg_get_userbyid(c.relowner) as owner
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'app', 'app_private') and c.relkind in ('r', 'S', 'v', 'm', 'i')
       and c.relname <> 'schema_migrations' and c.relname not like 'schema_migrations%'
       and pg_get_userbyid(c.relowner) <> 'loomline_owner'
    union all
    select n.nspname, p.proname, pg_get_userbyid(p.proowner)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('app', 'app_private') and pg_get_userbyid(p.proowner) <> 'loomline_owner'`);
  expect(rows).toEqual([]);
});

test("row level security is enabled and forced on every table", async () => {
  const { rows } = await db.query(`
    select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' and not (c.relrowsecurity and c.relforcerowsecurity)`);
  expect(rows).toEqual([]);
});

test("the API login role is not superuser, owner or BYPASSRLS, and inherits nothing", async () => {
  const { rows } = await db.query(`
    select rolsuper, rolbypassrls, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
           pg_has_role('loomline_api', 'loomline_owner', 'member') as owner_member
      from pg_roles where rolname = 'loomline_api'`);
  expect(rows).toEqual([
    {
      rolsuper: false,
      rolbypassrls: false,
      rolinherit: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolcanlogin: true,
      owner_member: false,
    },
  ]);
  const switchable = await db.query(`
    select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
     where m.member = 'loomline_api'::regrole order by 1`);
  expect(switchable.rows.map((row) => row.rolname)).toEqual(["anonymous", "authenticated"]);
});

test("every foreign-key column leads an index", async () => {
  const { rows } = await db.query(`
    select c.conrelid::regclass::text as table_name, a.attname as column_name
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
     where c.contype = 'f' and c.connamespace = 'public'::regnamespace
       and not exists (
         select from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])`);
  expect(rows).toEqual([]);
});

test("every foreign key says what happens on delete", async () => {
  // confdeltype 'a' is NO ACTION, the default of a foreign key that says nothing.
  const { rows } = await db.query(`
    select conrelid::regclass::text as table_name, conname from pg_constraint
     where contype = 'f' and connamespace = 'public'::regnamespace and confdeltype = 'a'`);
  expect(rows).toEqual([]);
});

test("security definer functions pin their search_path, and no app function is executable by PUBLIC", async () => {
  const unsafe = await db.query(`
    select n.nspname || '.' || p.proname as fn
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('app', 'app_private') and p.prosecdef
       and not exists (select from unnest(p.proconfig) as setting where setting like 'search_path=%pg_temp')`);
  expect(unsafe.rows).toEqual([]);
  const publicExecute = await db.query(`
    select n.nspname || '.' || p.proname as fn
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('app', 'app_private')
       and has_function_privilege('public', p.oid, 'execute')`);
  expect(publicExecute.rows).toEqual([]);
});

describe("default deny for the request roles", () => {
  const claims = { sub: "00000000-0000-4000-8000-000000000001", role: "authenticated", roles: ["buyer"] };

  /** The SQLSTATE of `sql` as `role` (null: it ran), in a transaction rolled back. */
  const outcome = (role: string, sql: string) =>
    withRole(database.apiUrl, role, role === "anonymous" ? null : claims, async (client) =>
      client.query(sql).then(
        () => null,
        (error: { code: string }) => error.code,
      ),
    );

  test("anonymous reads only the public marketplace tables and writes only quotes and feedback", async () => {
    const refused: string[] = [];
    const allowed: string[] = [];
    for (const table of await tables()) {
      const name = `"${table}"`;
      const statements = {
        select: `select 1 from ${name} limit 1`,
        insert: `insert into ${name} default values`,
        update: `update ${name} set updated_at = now()`,
        delete: `delete from ${name}`,
      };
      for (const [operation, sql] of Object.entries(statements)) {
        const code = await outcome("anonymous", sql);
        (code === "42501" ? refused : allowed).push(`${operation} ${table}`);
      }
    }
    // An anonymous insert of default values still fails, on the NOT NULL
    // columns anonymous may fill in (not on privileges): that is allowed here.
    expect(allowed.sort()).toEqual(
      [
        ...PUBLICLY_READABLE.map((table) => `select ${table}`),
        ...ANONYMOUS_INSERTABLE.map((table) => `insert ${table}`),
      ].sort(),
    );
    expect(refused).toHaveLength((await tables()).length * 4 - allowed.length);
  });

  test("signed-in callers never write the trigger-maintained, append-only and auth-owned tables", async () => {
    for (const table of NEVER_INSERTED_BY_REQUESTS) {
      expect([table, await outcome("authenticated", `insert into "${table}" default values`)]).toEqual([
        table,
        "42501",
      ]);
    }
    for (const table of NEVER_CHANGED_BY_REQUESTS) {
      expect([table, await outcome("authenticated", `update "${table}" set updated_at = now()`)]).toEqual([
        table,
        "42501",
      ]);
      expect([table, await outcome("authenticated", `delete from "${table}"`)]).toEqual([table, "42501"]);
    }
  });

  test("a signed-in caller who owns nothing sees no private row", async () => {
    await db.query("begin");
    try {
      // One row per table a stranger could plausibly see, owned by someone else.
      await db.query(`
        insert into users (id, email) values ('00000000-0000-4000-8000-0000000000cc', 'someone@example.com');
        insert into profiles (id) values ('00000000-0000-4000-8000-0000000000cc');
        insert into user_roles (user_id, role) values ('00000000-0000-4000-8000-0000000000cc', 'buyer');
        insert into orders (buyer_id, product_type, quantity) values ('00000000-0000-4000-8000-0000000000cc', 'sweater', 1);
        insert into designs (owner_id, title) values ('00000000-0000-4000-8000-0000000000cc', 'private');
        insert into messages (sender_id, recipient_id, body)
          values ('00000000-0000-4000-8000-0000000000cc', '00000000-0000-4000-8000-0000000000cc', 'note to self');
        insert into feedback (user_id, message) values ('00000000-0000-4000-8000-0000000000cc', 'hi');`);
      await db.query("commit");
    } catch (error) {
      await db.query("rollback");
      throw error;
    }
    try {
      for (const table of await tables()) {
        if (PUBLICLY_READABLE.includes(table)) continue;
        const rows = await withRole(database.apiUrl, "authenticated", claims, async (client) => {
          // A table the request roles may not read at all (the realtime log) shows nothing too.
          const granted = await client.query<{ ok: boolean }>(
            "select has_table_privilege($1, 'select') as ok",
            [`public.${table}`],
          );
          if (!granted.rows[0]!.ok) return 0;
          const result = await client.query(`select count(*)::int as n from "${table}"`);
          return result.rows[0].n as number;
        });
        expect([table, rows]).toEqual([table, 0]);
      }
    } finally {
      // People are referenced with ON DELETE SET NULL: remove their rows first.
      await db.query(`
        delete from orders where buyer_id = '00000000-0000-4000-8000-0000000000cc';
        delete from messages where sender_id = '00000000-0000-4000-8000-0000000000cc';
        delete from feedback where user_id = '00000000-0000-4000-8000-0000000000cc';
        delete from users where id = '00000000-0000-4000-8000-0000000000cc';`);
    }
  });

  test.each(["anonymous", "authenticated"])(
    "%s reads only approved listings and verified suppliers' public fields",
    async (role) => {
      await db.query("begin");
      try {
        await db.query(`
        insert into users (id, email) values ('00000000-0000-4000-8000-0000000000aa', 'rls-owner@example.com');
        insert into suppliers (id, user_id, company_name, country, verification_status, contact_email) values
          ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000aa', 'Verified Knit', 'PT', 'verified',
           'enc:v1:k1:AAAAAAAAAAAAAAAA:c2VjcmV0'),
          ('00000000-0000-4000-8000-0000000000b2', null, 'Pending Knit', 'PT', 'pending', null);
        insert into marketplace_products
          (supplier_id, product_type, title, category, slug, base_price, stock_quantity, status, rejection_reason)
        select '00000000-0000-4000-8000-0000000000b1', 'sweater', s::text, 'knitwear', 'rls-' || replace(s::text, '_', '-'),
               10, case when s = 'sold_out' then 0 else 5 end, s, 'blurry photos'
          from unnest(enum_range(null::listing_status)) as s;`);
        await db.query("commit");
      } catch (error) {
        await db.query("rollback");
        throw error;
      }
      try {
        const asRole = (fn: (client: Client) => Promise<void>) =>
          withRole(database.apiUrl, role, role === "anonymous" ? null : claims, fn);
        await asRole(async (client) => {
          const listings = await client.query(
            "select status from marketplace_products where slug like 'rls-%'",
          );
          expect(listings.rows).toEqual([{ status: "approved" }]);
          const suppliers = await client.query(
            "select company_name from suppliers where company_name like '% Knit'",
          );
          expect(suppliers.rows).toEqual([{ company_name: "Verified Knit" }]);
        });
        await asRole(async (client) => {
          await expect(client.query("select contact_email from suppliers")).rejects.toMatchObject({
            code: "42501",
          });
        });
        // anonymous may not update at all; a signed-in stranger may update
        // columns of listings, but no policy gives them this one.
        await asRole(async (client) => {
          const update = client.query(
            "update marketplace_products set title = 'defaced' where slug = 'rls-approved'",
          );
          if (role === "anonymous") await expect(update).rejects.toMatchObject({ code: "42501" });
          else expect((await update).rowCount).toBe(0);
        });
      } finally {
        await db.query("delete from marketplace_products where slug like 'rls-%'");
        await db.query(
          "delete from suppliers where id in ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2')",
        );
        await db.query("delete from users where id = '00000000-0000-4000-8000-0000000000aa'");
      }
    },
  );
});
