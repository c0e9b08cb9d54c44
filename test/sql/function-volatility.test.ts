/**
 * Every function of ours declares a reviewed volatility (sql/CONVENTIONS.md):
 *
 *   IMMUTABLE  a pure function of its arguments (no table, setting, clock or
 *              random state): CHECK helpers, lookups of constants;
 *   STABLE     reads tables, request settings or now(), writes nothing: the
 *              identity and set helpers policies call as `(select app.f())`,
 *              the narrowed-read functions. Postgres runs it once per scan
 *              argument and may use it as an index condition's value;
 *   VOLATILE   writes, or uses nextval, random bytes or pg_notify; every
 *              trigger function.
 *
 * A function created without a volatility is VOLATILE, which hides a pure or
 * read-only helper from the planner; a wrong STABLE or IMMUTABLE is worse
 * (a cached or folded result). So the catalog is compared with EXPECTED
 * below, and a new function fails this test until its volatility is decided
 * here. Extension members (pgcrypto, citext in `public`) are the extension's.
 */
import { Client } from "pg";
import { migrate, rollback } from "../../src/db/migrator";
import { createTestDatabase, withAdminClient, type TestDatabase } from "../helpers/database";

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

type Volatility = "immutable" | "stable" | "volatile";

const SCHEMAS = ["public", "app", "app_private"];

/** Keyed by `schema.name(argument types)`, as `alter function` names it. */
const EXPECTED: Record<string, Volatility> = {
  // Identity helpers: read request.jwt.claims (a setting) and, for the
  // supplier ids, the tables. Policies call them as `(select app.f())`.
  "app.current_claims()": "stable",
  "app.current_user_id()": "stable",
  "app.has_role(app_role)": "stable",
  "app.is_admin()": "stable",
  "app.current_supplier_id()": "stable",
  "app.current_listing_supplier_id()": "stable",
  // Set helpers of the policies (`col in (select app.f())`), security definer, read tables.
  "app.orders_as_buyer()": "stable",
  "app.orders_as_supplier()": "stable",
  "app.supplier_orders_as_buyer()": "stable",
  "app.supplier_orders_as_supplier()": "stable",
  "app.suppliers_of_my_orders()": "stable",
  "app.counterparty_user_ids()": "stable",
  "app.correspondent_user_ids()": "stable",
  "app.contact_supplier_ids()": "stable",
  // Approved listings matching a search: an access path through the GIN index under RLS (018).
  "app.approved_listing_matches(tsquery)": "stable",
  // Row-argument helpers of the GraphQL layer: read tables.
  "app.is_buyer_of(uuid)": "stable",
  "app.is_supplier_of(uuid)": "stable",
  "app.is_order_party(uuid, uuid)": "stable",
  "app.is_order_party(uuid)": "stable",
  "app.shares_order_with(uuid)": "stable",
  "app.has_accepted_order_with(uuid)": "stable",
  // Narrowed reads and the anonymous tracking page: read tables.
  "app.order_amounts(uuid[])": "stable",
  "app.profile_phones(uuid[])": "stable",
  "app.quote_pricing(uuid[])": "stable",
  "app.supplier_contacts(uuid[])": "stable",
  "app.supplier_order_prices(uuid[])": "stable",
  "app.order_by_tracking_token(text)": "stable",
  // Pure: the listing row and the filter are arguments (009; was STABLE).
  "app.listing_matches_filter(marketplace_products, jsonb)": "immutable",
  "app.order_status_transition_allowed(order_status, order_status)": "immutable",
  "app.order_transitions(order_status, boolean)": "immutable",
  // Column defaults: random bytes, sequences.
  "app.new_tracking_token()": "volatile",
  "app.next_order_number()": "volatile",
  "app.next_supplier_order_number()": "volatile",
  // Payments (016): who may reads the claims; recording and refunding write.
  "app.can_write_payments()": "stable",
  "app.record_payment(uuid, numeric, text, text, text)": "volatile",
  "app.refund_payment(uuid, numeric, text, text)": "volatile",
  // Quotes (013): the pricing model is pure; the transitions a constant; the
  // contact a narrowed read; requesting and converting write.
  "app.quote_estimate(text, integer, complexity_level, text, production_route, text)": "immutable",
  "app.quote_status_next(quote_status)": "immutable",
  "app.quote_contacts(uuid[])": "stable",
  "app.quote_leads(uuid[])": "stable",
  "app.request_quote(uuid, text, text, text, text, text, text, integer, complexity_level, text, text)":
    "volatile",
  "app.convert_quote_to_order(uuid, uuid)": "volatile",
  // Authentication (007, 010): lookups read tables (and now()); the flows
  // write, and draw refresh tokens (random bytes).
  "app.auth_api_key(text)": "stable",
  "app.auth_password_params(text)": "stable",
  "app.auth_create_api_key(text, text, text, text[], timestamp with time zone)": "volatile",
  "app.auth_revoke_api_key(uuid)": "volatile",
  "app.auth_revoke_refresh_token(text)": "volatile",
  "app.auth_rotate_refresh_token(text, timestamp with time zone, text, inet)": "volatile",
  "app.auth_sign_in(text, bytea, text, timestamp with time zone, text, inet)": "volatile",
  "app.auth_sign_up(text, text, text, text, app_role, timestamp with time zone, text, inet)": "volatile",
  "app.auth_touch_api_keys(uuid[])": "volatile",
  "app.auth_upsert_external_user(text, text, text, text, app_role[])": "volatile",
  "app_private.auth_issue_refresh_token(uuid, uuid, timestamp with time zone, text, inet)": "volatile",
  "app_private.auth_user_summary(uuid)": "stable",
  // 010: reads the secret's table; parses a stored hash (pure).
  "app_private.auth_hmac(bytea)": "stable",
  "app_private.password_hash_parts(text)": "immutable",
  "app_private.is_current_password_hash(text)": "immutable",
  "app_private.sealed_password_hash(text)": "immutable",
  // The id of an external identity must never change for an issuer and
  // subject (src/auth/external-identity.ts computes the same). Its body's
  // convert_to(name, 'UTF8') is catalogued STABLE only because a conversion
  // could be redefined; to UTF-8 in a UTF-8 database it converts nothing.
  "app_private.uuid_v5(uuid, text)": "immutable",
  // CHECK helpers (a CHECK must be immutable) and constants.
  "app_private.is_http_url(text)": "immutable",
  "app_private.are_http_urls(text[])": "immutable",
  "app_private.are_https_urls(text[])": "immutable",
  "app_private.is_email(text)": "immutable",
  "app_private.is_ciphertext(text)": "immutable",
  "app_private.is_listing_filter(jsonb)": "immutable",
  "app_private.stage_name(integer)": "immutable",
  // Reads a request setting.
  "app_private.request_setting(text)": "stable",
  // Reads the catalog (may the session act as the owner?: 011).
  "app_private.is_trusted_session()": "stable",
  // Write (notifications, orders) or send (pg_notify).
  "app_private.notify_user(uuid, notification_type, text, text, jsonb)": "volatile",
  "app_private.publish(text, uuid, jsonb)": "volatile",
  "app_private.events_prune(interval)": "volatile",
  // The realtime log's readers (017): read only.
  "app_private.events_poll(pg_snapshot, integer)": "stable",
  "app_private.events_between(pg_snapshot, pg_snapshot, bigint, event_topic[], uuid, uuid, uuid, uuid, boolean, integer)":
    "stable",
  "app_private.refresh_order_progress(uuid)": "volatile",
  "app_private.refresh_payment_status(uuid)": "volatile",
  "app_private.release_expired_stock_reservations(integer)": "volatile",
  // Trigger functions: always VOLATILE (a STABLE one could not write and
  // would not see the statement's own changes).
  ...Object.fromEntries(
    [
      "tg__admin_only_columns",
      "tg__append_only",
      "tg__audit",
      "tg__non_admin_transitions",
      "tg__request_insert_defaults",
      "tg__revocation_is_final",
      "tg__set_updated_at",
      "tg_audit_log__retention",
      "tg_marketplace_products__approval",
      "tg_marketplace_products__published",
      "tg_marketplace_products__sold_out",
      "tg_messages__delivered",
      "tg_messages__rules",
      "tg_notifications__publish",
      "tg_order_items__order_total",
      "tg_order_items__price",
      "tg_orders__cancel",
      "tg_orders__commit_stock",
      "tg_orders__payment_status",
      "tg_orders__status_history",
      "tg_orders__status_by_role",
      "tg_orders__status_transition",
      "tg_orders__version",
      "tg_payments__order_payment_status",
      "tg_payments__rules",
      "tg_production_stages__order_progress",
      "tg_production_stages__rules",
      "tg_production_stages__status",
      "tg_quotes__estimate",
      "tg_quotes__replied",
      "tg_quotes__status_transition",
      "tg_stock_reservations__hold_rules",
      "tg_stock_reservations__reserve",
      "tg_stock_reservations__settle",
      "tg_supplier_orders__accepted",
      "tg_users__access_revoked",
      "tg_supplier_orders__created_by",
      "tg_supplier_orders__order_progress",
      "tg_supplier_orders__quantities",
      "tg_supplier_orders__response",
      "tg_supplier_orders__workflow",
    ].map((name) => [`app_private.${name}()`, "volatile" as const]),
  ),
};

/** Our functions (not extension members) in SCHEMAS, with their volatility. */
async function declaredVolatility(client: Client): Promise<Record<string, Volatility>> {
  const { rows } = await client.query<{ signature: string; volatility: Volatility }>(
    `select n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')' as signature,
            case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end as volatility
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any ($1)
        and not exists (select from pg_depend d
                         where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`,
    [SCHEMAS],
  );
  return Object.fromEntries(rows.map((row) => [row.signature, row.volatility]));
}

/**
 * Functions of ours that an object which must not see a changing value
 * calls with a looser volatility: a policy (evaluated against a statement's
 * snapshot; its helpers must be STABLE or IMMUTABLE), a CHECK constraint or
 * an index expression (IMMUTABLE). Read from pg_depend, which records the
 * functions these expressions call.
 */
async function misusedFunctions(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ line: string }>(`
    with uses as (
      select format('policy %s.%s', c.relname, pol.polname) as used_by, d.refobjid as fn, 'si' as allowed
        from pg_policy pol
        join pg_class c on c.oid = pol.polrelid
        join pg_depend d on d.classid = 'pg_policy'::regclass and d.objid = pol.oid
       where d.refclassid = 'pg_proc'::regclass
      union all
      select format('check %s.%s', c.relname, con.conname), d.refobjid, 'i'
        from pg_constraint con
        join pg_class c on c.oid = con.conrelid
        join pg_depend d on d.classid = 'pg_constraint'::regclass and d.objid = con.oid
       where con.contype = 'c' and d.refclassid = 'pg_proc'::regclass
      union all
      select format('index %s', i.relname), d.refobjid, 'i'
        from pg_class i
        join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = i.oid
       where i.relkind in ('i', 'I') and d.refclassid = 'pg_proc'::regclass
    )
    select format('%s calls %s (%s)', u.used_by, p.oid::regprocedure,
                  case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end) as line
      from uses u join pg_proc p on p.oid = u.fn
     where position(p.provolatile in u.allowed) = 0`);
  return rows.map((row) => row.line).sort();
}

test("every function of public, app and app_private has its reviewed volatility", async () => {
  // On failure: a new function needs its volatility decided in EXPECTED (and
  // declared in its migration); a changed one needs a migration and a review.
  expect(await declaredVolatility(db)).toEqual(EXPECTED);
});

test("policies call only STABLE or IMMUTABLE functions; CHECKs and indexes only IMMUTABLE ones", async () => {
  expect(await misusedFunctions(db)).toEqual([]);
  // The check reads something: policies do call our helpers.
  const { rows } = await db.query<{ n: number }>(`
    select count(distinct d.refobjid)::int as n from pg_depend d
     where d.classid = 'pg_policy'::regclass and d.refclassid = 'pg_proc'::regclass`);
  expect(rows[0]!.n).toBeGreaterThan(5);
});

test("a helper left VOLATILE, or a CHECK helper made STABLE, is reported", async () => {
  await db.query("begin");
  try {
    await db.query(`
      alter function app.orders_as_buyer() volatile;
      alter function app_private.is_email(text) stable;`);
    const found = await misusedFunctions(db);
    expect(found).toContain("policy payments.select_buyer calls app.orders_as_buyer() (volatile)");
    expect(found).toContain("check users.users_email_check calls app_private.is_email(text) (stable)");
    expect(found.every((line) => /app\.orders_as_buyer|app_private\.is_email/.test(line))).toBe(true);
    const declared = await declaredVolatility(db);
    expect(declared["app.orders_as_buyer()"]).toBe("volatile");
  } finally {
    await db.query("rollback");
  }
});

test("009 changes only what it says, and its undo restores the volatility 008 left", async () => {
  const empty = await createTestDatabase({ empty: true });
  try {
    const volatility = () => withAdminClient(empty.adminUrl, declaredVolatility);
    await migrate(empty.adminUrl, { target: 8 });
    const before = await volatility();
    await migrate(empty.adminUrl, { target: 9 });
    const after = await volatility();
    const changed = Object.keys(after).filter((signature) => after[signature] !== before[signature]);
    expect(changed.map((signature) => `${signature}: ${before[signature]} -> ${after[signature]}`)).toEqual([
      "app.listing_matches_filter(marketplace_products, jsonb): stable -> immutable",
    ]);
    expect((await rollback(empty.adminUrl))?.version).toBe(9);
    expect(await volatility()).toEqual(before);
  } finally {
    await empty.drop();
  }
});
