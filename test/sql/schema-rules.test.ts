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

/** Tables the request roles may read today (later migrations open the rest). */
const PUBLICLY_READABLE = ["marketplace_products", "suppliers"];

test("the schema has the 26 tables of DOMAIN.md", async () => {
  expect(await tables()).toHaveLength(26);
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

  test.each(["anonymous", "authenticated"])(
    "%s can neither read nor write the private tables",
    async (role) => {
      for (const table of await tables()) {
        if (PUBLICLY_READABLE.includes(table)) continue;
        await withRole(database.apiUrl, role, role === "anonymous" ? null : claims, async (client) => {
          await expect(
            client.query(`select * from ${client.escapeIdentifier(table)} limit 1`),
          ).rejects.toMatchObject({
            code: "42501",
          });
        });
        await withRole(database.apiUrl, role, role === "anonymous" ? null : claims, async (client) => {
          await expect(
            client.query(`insert into ${client.escapeIdentifier(table)} default values`),
          ).rejects.toMatchObject({ code: "42501" });
        });
      }
    },
  );

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
        await asRole(async (client) => {
          await expect(
            client.query("update marketplace_products set title = 'defaced' where slug = 'rls-approved'"),
          ).rejects.toMatchObject({ code: "42501" });
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
