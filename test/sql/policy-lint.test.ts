/**
 * Lint for row level security, read from the catalogs (pg_policy, pg_class,
 * pg_index, the privileges): the mistakes TRAPS.md lists, caught when a
 * migration makes them rather than when production is slow or open.
 *
 *   unwrapped-helper   a policy calls an identity helper (or current_setting)
 *                      per row instead of as `(select app.f())`, or calls a
 *                      row-argument helper (app.is_buyer_of(id), …) at all;
 *   unindexed-filter   a USING expression filters on a column of its table
 *                      that leads no index;
 *   rls-off            a table without RLS enabled and forced;
 *   no-policy          a privilege granted to a request role with no policy
 *                      for that command and role (default deny would make
 *                      the grant a lie, or a policy was forgotten);
 *   no-with-check      an INSERT/UPDATE/ALL policy without an explicit WITH
 *                      CHECK (an INSERT policy without one admits any row).
 *
 * The operations the API performs are declared below (API_OPERATIONS) and
 * must equal the grants, so a new grant is a reviewed change. Each rule is
 * also shown to fire: a bad policy, grant or table is created in a
 * transaction that is rolled back, and the lint must report it.
 */
import { Client } from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

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

const REQUEST_ROLES = ["anonymous", "authenticated"] as const;

/** Helpers that read the request identity: each call must be an InitPlan, `(select app.f())`. */
const IDENTITY_HELPERS = [
  "app.current_claims",
  "app.current_user_id",
  "app.has_role",
  "app.is_admin",
  "app.current_supplier_id",
  "app.current_listing_supplier_id",
  "current_setting",
];
/** Helpers that take a row's column: per-row security-definer calls; policies use `col in (select app.set())`. */
const ROW_HELPERS = [
  "app.is_buyer_of",
  "app.is_supplier_of",
  "app.shares_order_with",
  "app.has_accepted_order_with",
  "app.is_order_party",
];

/**
 * What the request roles may do to each table (S select, I insert, U update,
 * D delete; on the table or on some of its columns). Reads are governed by
 * the policies, writes also by the column grants and guard triggers of 008.
 */
const API_OPERATIONS: Record<string, { anonymous: string; authenticated: string }> = {
  users: { anonymous: "", authenticated: "S" },
  profiles: { anonymous: "", authenticated: "SU" },
  user_roles: { anonymous: "", authenticated: "SID" },
  refresh_tokens: { anonymous: "", authenticated: "SU" },
  api_keys: { anonymous: "", authenticated: "SU" },
  api_usage: { anonymous: "", authenticated: "S" },
  user_preferences: { anonymous: "", authenticated: "SU" },
  suppliers: { anonymous: "S", authenticated: "SIU" },
  products: { anonymous: "", authenticated: "SIUD" },
  marketplace_products: { anonymous: "S", authenticated: "SIUD" },
  stock_reservations: { anonymous: "", authenticated: "SIU" },
  factory_capacity: { anonymous: "", authenticated: "SIUD" },
  capacity_utilization_logs: { anonymous: "", authenticated: "SI" },
  designs: { anonymous: "", authenticated: "SIUD" },
  events: { anonymous: "", authenticated: "" },
  quotes: { anonymous: "I", authenticated: "SIU" },
  orders: { anonymous: "", authenticated: "SIU" },
  order_items: { anonymous: "", authenticated: "SIUD" },
  order_status_history: { anonymous: "", authenticated: "S" },
  supplier_orders: { anonymous: "", authenticated: "SIU" },
  production_stages: { anonymous: "", authenticated: "SU" },
  payments: { anonymous: "", authenticated: "SIU" },
  messages: { anonymous: "", authenticated: "SIU" },
  notifications: { anonymous: "", authenticated: "SU" },
  saved_searches: { anonymous: "", authenticated: "SIUD" },
  feedback: { anonymous: "I", authenticated: "SIU" },
  audit_log: { anonymous: "", authenticated: "S" },
};

const PRIVILEGES = [
  { letter: "S", privilege: "SELECT", command: "r" },
  { letter: "I", privilege: "INSERT", command: "a" },
  { letter: "U", privilege: "UPDATE", command: "w" },
  { letter: "D", privilege: "DELETE", command: "d" },
] as const;

interface Violation {
  rule: "unwrapped-helper" | "unindexed-filter" | "rls-off" | "no-policy" | "no-with-check";
  table: string;
  detail: string;
}

interface PolicyRow {
  table: string;
  policy: string;
  command: string;
  roles: string[];
  using: string | null;
  check: string | null;
  using_tree: string | null;
  filter_columns: { name: string; indexed: boolean }[] | null;
}

/** Every violation in the database `client` is connected to (inside its current transaction, if any). */
async function lint(client: Client): Promise<Violation[]> {
  const violations: Violation[] = [];

  const { rows: tables } = await client.query<{ table: string; rls: boolean; forced: boolean }>(`
    select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`);
  for (const table of tables) {
    if (!table.rls || !table.forced) {
      violations.push({
        rule: "rls-off",
        table: table.table,
        detail: `rls=${table.rls} force=${table.forced}`,
      });
    }
  }

  const { rows: policies } = await client.query<PolicyRow>(`
    select c.relname as table, p.polname as policy, p.polcmd as command,
           array(select case when r = 0 then 'public' else pg_get_userbyid(r) end from unnest(p.polroles) r) as roles,
           pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as check,
           p.polqual::text as using_tree,
           null as filter_columns
      from pg_policy p join pg_class c on c.oid = p.polrelid
     where c.relnamespace = 'public'::regnamespace
     order by 1, 2`);

  const { rows: indexLeaders } = await client.query<{ table: string; column: string }>(`
    select c.relname as table, a.attname as column
      from pg_index i
      join pg_class c on c.oid = i.indrelid
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
     where c.relnamespace = 'public'::regnamespace`);
  const leads = new Set(indexLeaders.map((row) => `${row.table}.${row.column}`));
  const { rows: columns } = await client.query<{ table: string; attnum: number; name: string }>(`
    select c.relname as table, a.attnum, a.attname as name
      from pg_attribute a join pg_class c on c.oid = a.attrelid
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`);
  const columnName = new Map(columns.map((row) => [`${row.table}.${row.attnum}`, row.name]));

  for (const policy of policies) {
    const where = `${policy.table}.${policy.policy}`;
    for (const [clause, expression] of [
      ["USING", policy.using],
      ["WITH CHECK", policy.check],
    ] as const) {
      if (!expression) continue;
      for (const helper of IDENTITY_HELPERS) {
        for (const call of callsOf(expression, helper)) {
          if (!/\(\s*SELECT\s+$/i.test(expression.slice(0, call))) {
            violations.push({
              rule: "unwrapped-helper",
              table: policy.table,
              detail: `${where} ${clause}: ${helper}() runs per row; write (select ${helper}(…))`,
            });
          }
        }
      }
      for (const helper of ROW_HELPERS) {
        if (callsOf(expression, helper).length > 0) {
          violations.push({
            rule: "unwrapped-helper",
            table: policy.table,
            detail: `${where} ${clause}: ${helper}(row) is a per-row definer call; use col in (select app.<set>())`,
          });
        }
      }
    }

    // USING filters the table's rows; WITH CHECK only judges the new row.
    if (policy.using_tree) {
      for (const attnum of topLevelColumns(policy.using_tree)) {
        const column = columnName.get(`${policy.table}.${attnum}`) ?? `#${attnum}`;
        if (!leads.has(`${policy.table}.${column}`)) {
          violations.push({
            rule: "unindexed-filter",
            table: policy.table,
            detail: `${where} filters on ${column}, which leads no index`,
          });
        }
      }
    }

    if (["a", "w", "*"].includes(policy.command) && policy.check === null) {
      violations.push({ rule: "no-with-check", table: policy.table, detail: `${where} has no WITH CHECK` });
    }
  }

  for (const { table, operations } of await grantedOperations(client)) {
    for (const role of REQUEST_ROLES) {
      for (const { letter, privilege, command } of PRIVILEGES) {
        if (!operations[role].includes(letter)) continue;
        const covered = policies.some(
          (policy) =>
            policy.table === table &&
            (policy.command === command || policy.command === "*") &&
            (policy.roles.includes(role) || policy.roles.includes("public")),
        );
        if (!covered) {
          violations.push({
            rule: "no-policy",
            table,
            detail: `${privilege} is granted to ${role} but no policy lets ${role} ${privilege.toLowerCase()} any row`,
          });
        }
      }
    }
  }
  return violations;
}

/** Offsets of the calls of `fn` in a deparsed expression (`fn(`, not `other_fn(`). */
function callsOf(expression: string, fn: string): number[] {
  const offsets: number[] = [];
  const pattern = new RegExp(`(?<![\\w.])${fn.replace(".", "\\.")}\\(`, "g");
  for (const match of expression.matchAll(pattern)) offsets.push(match.index);
  return offsets;
}

/**
 * Attribute numbers of the policy table's columns that a stored expression
 * (pg_node_tree text) reads outside sub-selects: its own Vars (varlevelsup 0).
 * A sub-select's own query is cut out, but not its test expression — the
 * `order_id` of `order_id in (select …)` is a column of this table.
 */
function topLevelColumns(tree: string): number[] {
  let outer = "";
  let i = 0;
  while (i < tree.length) {
    const start = tree.indexOf(":subselect {", i);
    if (start === -1) {
      outer += tree.slice(i);
      break;
    }
    outer += tree.slice(i, start);
    let depth = 0;
    let j = start + ":subselect ".length;
    for (; j < tree.length; j += 1) {
      if (tree[j] === "{") depth += 1;
      else if (tree[j] === "}" && --depth === 0) break;
    }
    i = j + 1;
  }
  const attnums = new Set<number>();
  for (const match of outer.matchAll(/\{VAR :varno \d+ :varattno (\d+) [^}]*?:varlevelsup (\d+)/g)) {
    if (match[2] === "0" && Number(match[1]) > 0) attnums.add(Number(match[1]));
  }
  return [...attnums].sort((a, b) => a - b);
}

/** Per table, the operations each request role holds, on the table or on any of its columns. */
async function grantedOperations(
  client: Client,
): Promise<{ table: string; operations: { anonymous: string; authenticated: string } }[]> {
  const { rows } = await client.query<{ table: string; role: string; letters: string }>(`
    select c.relname as table, r.role,
           concat_ws('',
             case when has_any_column_privilege(r.role, c.oid, 'SELECT') then 'S' end,
             case when has_any_column_privilege(r.role, c.oid, 'INSERT') then 'I' end,
             case when has_any_column_privilege(r.role, c.oid, 'UPDATE') then 'U' end,
             case when has_table_privilege(r.role, c.oid, 'DELETE') then 'D' end) as letters
      from pg_class c cross join unnest(array['anonymous', 'authenticated']) as r(role)
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
     order by 1, 2`);
  const byTable = new Map<string, { anonymous: string; authenticated: string }>();
  for (const row of rows) {
    const entry = byTable.get(row.table) ?? { anonymous: "", authenticated: "" };
    entry[row.role as "anonymous" | "authenticated"] = row.letters;
    byTable.set(row.table, entry);
  }
  return [...byTable.entries()].map(([table, operations]) => ({ table, operations }));
}

/** Runs `fn` in a transaction that is always rolled back, and lints inside it. */
async function lintAfter(setup: string): Promise<Violation[]> {
  await db.query("begin");
  try {
    await db.query(setup);
    return await lint(db);
  } finally {
    await db.query("rollback");
  }
}

// ------------------------------------------------------------------ tests

test("the migrated schema passes every rule", async () => {
  expect(await lint(db)).toEqual([]);
});

test("the grants are exactly the operations the API performs", async () => {
  const granted = Object.fromEntries(
    (await grantedOperations(db)).map(({ table, operations }) => [table, operations]),
  );
  expect(granted).toEqual(API_OPERATIONS);
});

test("every policy is for the request roles, never PUBLIC or another role", async () => {
  const { rows } = await db.query<{ policy: string; role: string }>(`
    select c.relname || '.' || p.polname as policy,
           case when r.oid = 0 then 'public' else pg_get_userbyid(r.oid) end as role
      from pg_policy p join pg_class c on c.oid = p.polrelid, unnest(p.polroles) as r(oid)
     where case when r.oid = 0 then 'public' else pg_get_userbyid(r.oid) end not in ('anonymous', 'authenticated')`);
  expect(rows).toEqual([]);
  const { rows: count } = await db.query<{ n: number }>("select count(*)::int as n from pg_policy");
  expect(count[0]!.n).toBeGreaterThan(100);
});

describe("each rule fires on a bad schema", () => {
  const rules = (violations: Violation[]) => violations.map((v) => `${v.rule} ${v.table}: ${v.detail}`);

  test("an identity helper called per row", async () => {
    const found = rules(
      await lintAfter(`
        create policy bad on orders for select to authenticated using (buyer_id = app.current_user_id());`),
    );
    expect(found).toEqual([
      expect.stringMatching(/^unwrapped-helper orders: orders.bad USING: app.current_user_id/),
    ]);
  });

  test("current_setting and has_role called per row, in USING and in WITH CHECK", async () => {
    const found = rules(
      await lintAfter(`
        create policy bad on designs for update to authenticated
          using (owner_id = (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')::uuid)
          with check (app.has_role('admin'));`),
    );
    expect(found).toEqual([
      expect.stringMatching(/^unwrapped-helper designs: designs.bad USING: current_setting/),
      expect.stringMatching(/^unwrapped-helper designs: designs.bad WITH CHECK: app.has_role/),
    ]);
  });

  test("a helper wrapped in a sub-select but still called per row inside it", async () => {
    const found = rules(
      await lintAfter(`
        create policy bad on order_items for select to authenticated
          using (order_id in (select o.id from orders o where o.buyer_id = app.current_user_id()));`),
    );
    expect(found).toEqual([expect.stringMatching(/^unwrapped-helper order_items: .*app.current_user_id/)]);
  });

  test("a row-argument helper in a policy", async () => {
    const found = rules(
      await lintAfter(
        `create policy bad on payments for select to authenticated using (app.is_buyer_of(order_id));`,
      ),
    );
    expect(found).toEqual([expect.stringMatching(/^unwrapped-helper payments: .*app.is_buyer_of\(row\)/)]);
  });

  test("a policy filtering on a column no index leads, also inside `col in (select …)`", async () => {
    const found = rules(
      await lintAfter(`
        create policy bad on orders for select to authenticated using (notes = 'vip');
        create policy bad2 on payments for select to authenticated
          using (method in (select d.title from designs d where d.owner_id = (select app.current_user_id())));`),
    );
    expect(found).toEqual([
      "unindexed-filter orders: orders.bad filters on notes, which leads no index",
      "unindexed-filter payments: payments.bad2 filters on method, which leads no index",
    ]);
    // An index on the column (leading) satisfies the rule.
    expect(
      rules(
        await lintAfter(`
          create index orders_notes_idx on orders (notes);
          create policy bad on orders for select to authenticated using (notes = 'vip');`),
      ),
    ).toEqual([]);
  });

  test("a table without RLS, or with RLS not forced", async () => {
    const found = rules(
      await lintAfter(`
        alter table orders no force row level security;
        create table public.lint_probe (id int);`),
    );
    expect(found).toEqual([
      "rls-off lint_probe: rls=false force=false",
      "rls-off orders: rls=true force=false",
    ]);
  });

  test("a privilege granted without a policy for it", async () => {
    const found = rules(
      await lintAfter(`
        grant delete on payments to authenticated;
        grant select (id, status) on orders to anonymous;`),
    );
    expect(found).toEqual([
      "no-policy orders: SELECT is granted to anonymous but no policy lets anonymous select any row",
      "no-policy payments: DELETE is granted to authenticated but no policy lets authenticated delete any row",
    ]);
  });

  test("an INSERT policy without WITH CHECK", async () => {
    const found = rules(await lintAfter(`create policy bad on messages for insert to authenticated;`));
    expect(found).toEqual(["no-with-check messages: messages.bad has no WITH CHECK"]);
  });
});
