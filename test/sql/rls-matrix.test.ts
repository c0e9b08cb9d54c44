/**
 * DOMAIN.md's access matrix, run in SQL the way the API runs a request
 * (loomline_api -> anonymous/authenticated with claims, via withRole), for
 * every table x role x operation, against one fixture world committed once
 * for this file.
 *
 * The matrix is data (MATRIX below): for each table and operation, what each
 * of six callers gets —
 *   "denied"   the request role lacks the privilege: 42501 "permission denied";
 *   "rls"      an INSERT that the policies refuse: 42501 "row-level security";
 *   "ok"       an INSERT that succeeds (one row);
 *   a Scope    (SELECT/UPDATE/DELETE) the rows the caller sees or changes,
 *              as an SQL predicate over the table evaluated by the migrator
 *              (RLS bypassed) — NONE means the statement runs and touches
 *              nothing (policies hide every row), not that it is refused;
 *   { code }   any other SQLSTATE (e.g. 23505).
 * Every case runs in its own savepoint of a rolled-back transaction, so the
 * world is the same for each. Column rules, the narrowed functions, the
 * tracking lookup, WITH CHECK and the guard triggers follow as named cases.
 */
import { randomUUID } from "node:crypto";
import type { Client } from "pg";
import { signedClaimsQuery } from "../../src/db/identity";
import { createTestDatabase, withAdminClient, withRole, type TestDatabase } from "../helpers/database";

// ------------------------------------------------------------- the world

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

const U = {
  buyerA: id(0xa1),
  buyerB: id(0xb1),
  supplierA: id(0xc1),
  supplierB: id(0xd1),
  admin: id(0xe1),
  pendingSupplier: id(0xf1),
} as const;
const S = { A: id(0x5a), B: id(0x5b), pending: id(0x5c) } as const;
const L = {
  aApproved: id(0x1a1),
  aDraft: id(0x1a2),
  aPending: id(0x1a3),
  aRejected: id(0x1a4),
  bApproved: id(0x1b1),
  bArchived: id(0x1b2),
} as const;
const O = { A1: id(0x2a1), A2: id(0x2a2), B1: id(0x2b1) } as const;
const SO = { A1byA: id(0x3a1), A1byB: id(0x3a2), B1byB: id(0x3b1) } as const;
const Q = { anonymous: id(0x4001), A: id(0x4a1), B: id(0x4b1) } as const;
const TRACKING_A1 = "trackA1-0123456789abcdefghijklmn";
const CIPHER = (tag: string) => `enc:v1:k1:AAAAAAAAAAAAAAAA:${tag}`;

const FIXTURE = `
insert into users (id, email, password_hash) values
  ('${U.buyerA}', 'buyer-a@example.com', 'scrypt$secret'), ('${U.buyerB}', 'buyer-b@example.com', 'scrypt$secret'),
  ('${U.supplierA}', 'supplier-a@example.com', null), ('${U.supplierB}', 'supplier-b@example.com', null),
  ('${U.admin}', 'admin@example.com', null), ('${U.pendingSupplier}', 'supplier-c@example.com', null);
insert into user_roles (user_id, role) values
  ('${U.buyerA}', 'buyer'), ('${U.buyerB}', 'buyer'), ('${U.supplierA}', 'supplier'), ('${U.supplierB}', 'supplier'),
  ('${U.admin}', 'admin'), ('${U.pendingSupplier}', 'supplier');
insert into profiles (id, full_name, company_name, phone)
  select id, 'Person ' || left(email, 8), 'Co', '+351 200 000 000' from users;
insert into user_preferences (user_id) values ('${U.buyerA}'), ('${U.buyerB}'), ('${U.supplierA}');
insert into refresh_tokens (user_id, token_hash, family_id, expires_at)
  select u, 'hash-' || u, gen_random_uuid(), now() + interval '30 days'
    from unnest(array['${U.buyerA}', '${U.buyerB}', '${U.supplierA}']::uuid[]) u;
insert into api_keys (user_id, name, prefix, key_hash)
  values ('${U.buyerA}', 'erp', 'll_a', 'keyhash-a'), ('${U.supplierA}', 'erp', 'll_s', 'keyhash-s');
insert into api_usage (user_id, operation_name, status, duration_ms)
  values ('${U.buyerA}', 'orders', 'ok', 12), ('${U.supplierA}', 'orders', 'ok', 9);

insert into suppliers (id, user_id, company_name, country, verification_status, can_list_products,
                       address, contact_email, contact_phone) values
  ('${S.A}', '${U.supplierA}', 'Porto Knit', 'PT', 'verified', true, '${CIPHER("YWRkcg")}', '${CIPHER("bWFpbA")}', '${CIPHER("cGhvbmU")}'),
  ('${S.B}', '${U.supplierB}', 'Braga Knit', 'PT', 'verified', false, '${CIPHER("YWRkcjI")}', '${CIPHER("bWFpbDI")}', null),
  ('${S.pending}', '${U.pendingSupplier}', 'Pending Knit', 'PT', 'pending', false, null, null, null);
insert into products (supplier_id, name, category, base_price) values
  ('${S.A}', 'Crew', 'knitwear', 10), ('${S.B}', 'Cardigan', 'knitwear', 12);
insert into marketplace_products (id, supplier_id, product_type, title, category, slug, base_price, stock_quantity, status, rejection_reason) values
  ('${L.aApproved}', '${S.A}', 'sweater', 'A approved', 'knitwear', 'a-approved', 20, 10, 'approved', null),
  ('${L.aDraft}', '${S.A}', 'sweater', 'A draft', 'knitwear', 'a-draft', 20, 10, 'draft', null),
  ('${L.aPending}', '${S.A}', 'sweater', 'A pending', 'knitwear', 'a-pending', 20, 10, 'pending_approval', null),
  ('${L.aRejected}', '${S.A}', 'sweater', 'A rejected', 'knitwear', 'a-rejected', 20, 10, 'rejected', 'blurry'),
  ('${L.bApproved}', '${S.B}', 'sweater', 'B approved', 'knitwear', 'b-approved', 25, 10, 'approved', null),
  ('${L.bArchived}', '${S.B}', 'sweater', 'B archived', 'knitwear', 'b-archived', 25, 10, 'archived', null);
insert into factory_capacity (supplier_id, date, capacity_units) values
  ('${S.A}', '2030-01-01', 1000), ('${S.B}', '2030-01-01', 800);
insert into capacity_utilization_logs (supplier_id, date, utilization_pct) values
  ('${S.A}', '2030-01-01', 50), ('${S.B}', '2030-01-01', 40);

insert into designs (owner_id, title, is_public) values
  ('${U.buyerA}', 'A private', false), ('${U.buyerA}', 'A public', true), ('${U.buyerB}', 'B private', false);
insert into quotes (id, customer_email, requested_by, product_type, quantity, total_price, base_cost, specialty_cost,
                    admin_markup, assigned_supplier_id, status) values
  ('${Q.anonymous}', 'visitor@example.com', null, 'sweater', 100, 1000, 700, 0, 300, null, 'sent'),
  ('${Q.A}', 'buyer-a@example.com', '${U.buyerA}', 'sweater', 500, 5000, 3500, 100, 1400, '${S.A}', 'sent'),
  ('${Q.B}', 'buyer-b@example.com', '${U.buyerB}', 'sweater', 300, 3000, 2000, 0, 1000, '${S.B}', 'sent');

insert into orders (id, buyer_id, quote_id, product_type, quantity, status, total_amount, tracking_token, target_date) values
  ('${O.A1}', '${U.buyerA}', '${Q.A}', 'sweater', 500, 'confirmed', 5000, '${TRACKING_A1}', current_date + 40),
  ('${O.A2}', '${U.buyerA}', null, 'sweater', 50, 'draft', 400, default, null),
  ('${O.B1}', '${U.buyerB}', '${Q.B}', 'sweater', 300, 'confirmed', 3000, default, null);
insert into supplier_orders (id, supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price, target_date) values
  ('${SO.A1byA}', '${S.A}', '${O.A1}', 'sweater', 300, 3000, 2100, current_date + 40),
  ('${SO.A1byB}', '${S.B}', '${O.A1}', 'sweater', 200, 2000, 1500, current_date + 40),
  ('${SO.B1byB}', '${S.B}', '${O.B1}', 'sweater', 300, 3000, 2000, current_date + 40);
-- Acceptance creates the eight stages and starts production (005).
update supplier_orders set acceptance_status = 'accepted' where id in ('${SO.A1byA}', '${SO.B1byB}');
update production_stages set completion_percentage = 50 where supplier_order_id = '${SO.A1byA}' and stage_number = 1;
insert into order_items (order_id, marketplace_product_id, description, quantity, unit_price) values
  ('${O.A1}', null, 'Custom crew', 500, 10), ('${O.B1}', null, 'Custom cardigan', 300, 10),
  ('${O.A2}', '${L.aApproved}', 'A approved', 5, 22);
insert into stock_reservations (marketplace_product_id, order_id, reserved_by, quantity, expires_at)
  values ('${L.aApproved}', '${O.A2}', '${U.buyerA}', 2, now() + interval '1 hour');
insert into payments (order_id, amount, method, idempotency_key) values
  ('${O.A1}', 1000, 'card', 'fixture-payment-a1'), ('${O.B1}', 500, 'card', 'fixture-payment-b1');
insert into messages (sender_id, recipient_id, order_id, body) values
  ('${U.buyerA}', '${U.supplierA}', '${O.A1}', 'When does knitting start?'),
  ('${U.supplierA}', '${U.buyerA}', '${O.A1}', 'Monday.'),
  ('${U.buyerB}', '${U.supplierB}', '${O.B1}', 'Hello');
insert into notifications (user_id, type, title) values
  ('${U.buyerA}', 'system', 'Welcome'), ('${U.supplierA}', 'system', 'Welcome');
insert into saved_searches (user_id, name) values ('${U.buyerA}', 'crews'), ('${U.buyerB}', 'cardigans');
insert into feedback (user_id, message) values (null, 'anonymous idea'), ('${U.buyerA}', 'more colours');
`;

// ------------------------------------------------------------ the callers

type Role = "anonymous" | "buyer" | "otherBuyer" | "supplier" | "otherSupplier" | "admin";
const ROLES: readonly Role[] = ["anonymous", "buyer", "otherBuyer", "supplier", "otherSupplier", "admin"];

interface Caller {
  dbRole: "anonymous" | "authenticated";
  claims: Record<string, unknown> | null;
  /** users.id, or null. */
  me: string | null;
  /** suppliers.id, or null. */
  supplier: string | null;
}

const user = (sub: string, roles: string[]) => ({ sub, role: "authenticated", roles });
const CALLERS: Record<Role, Caller> = {
  anonymous: { dbRole: "anonymous", claims: null, me: null, supplier: null },
  buyer: { dbRole: "authenticated", claims: user(U.buyerA, ["buyer"]), me: U.buyerA, supplier: null },
  otherBuyer: { dbRole: "authenticated", claims: user(U.buyerB, ["buyer"]), me: U.buyerB, supplier: null },
  supplier: {
    dbRole: "authenticated",
    claims: user(U.supplierA, ["supplier"]),
    me: U.supplierA,
    supplier: S.A,
  },
  otherSupplier: {
    dbRole: "authenticated",
    claims: user(U.supplierB, ["supplier"]),
    me: U.supplierB,
    supplier: S.B,
  },
  admin: { dbRole: "authenticated", claims: user(U.admin, ["admin"]), me: U.admin, supplier: null },
};

// Claims count only when the API signed them (011): set signed, as the API does.
const asCaller = <T>(role: Role, fn: (client: Client) => Promise<T>) =>
  withRole(database.apiUrl, CALLERS[role].dbRole, null, async (client) => {
    const { claims } = CALLERS[role];
    if (claims) await client.query(signedClaimsQuery(claims));
    return fn(client);
  });

/** :me and :supplier as SQL literals for `caller`. */
function bind(sql: string, caller: Caller): string {
  const literal = (value: string | null) => (value === null ? "null::uuid" : `'${value}'::uuid`);
  return sql.replaceAll(":me", literal(caller.me)).replaceAll(":supplier", literal(caller.supplier));
}

// ------------------------------------------------------------- the matrix

type Scope = string;
const ALL: Scope = "true";
const NONE: Scope = "false";
type ReadExpect = "denied" | Scope;
type InsertExpect = "ok" | "denied" | "rls" | { code: string };
type PerRole<T> = Record<Role, T>;

interface TableMatrix {
  select: PerRole<ReadExpect>;
  /** One row for the caller to insert (:me, :supplier bound per caller). */
  insert: { sql: string | ((caller: Caller) => string); expect: PerRole<InsertExpect> };
  /** `update <table> set <set>` over every row; the scope is the rows changed. */
  update: { set: string; expect: PerRole<ReadExpect> };
  /** `delete from <table>` over every row; the scope is the rows deleted. */
  delete: PerRole<ReadExpect>;
}

const everyone = <T>(value: T): PerRole<T> =>
  Object.fromEntries(ROLES.map((role) => [role, value])) as PerRole<T>;
/** anonymous refused; each signed-in caller gets `own`; admins `admin`. */
const signedIn = <T>(anonymous: T, own: T, admin: T): PerRole<T> => ({
  anonymous,
  buyer: own,
  otherBuyer: own,
  supplier: own,
  otherSupplier: own,
  admin,
});
const byKind = <T>(values: { anonymous: T; buyers: T; suppliers: T; admin: T }): PerRole<T> => ({
  anonymous: values.anonymous,
  buyer: values.buyers,
  otherBuyer: values.buyers,
  supplier: values.suppliers,
  otherSupplier: values.suppliers,
  admin: values.admin,
});

const OWN_ORDERS = "(select o.id from orders o where o.buyer_id = :me)";
const SUPPLIED_ORDERS = `(select o.id from orders o where o.supplier_id = :supplier
                          union select so.buyer_order_id from supplier_orders so where so.supplier_id = :supplier)`;
const OWN_SUPPLIER_ORDERS = "(select so.id from supplier_orders so where so.supplier_id = :supplier)";
const SUPPLIER_ORDERS_OF_OWN_ORDERS = `(select so.id from supplier_orders so where so.buyer_order_id in ${OWN_ORDERS})`;
const DENIED_WRITES = { update: { set: "updated_at = now()", expect: everyone<ReadExpect>("denied") } };

const MATRIX: Record<string, TableMatrix> = {
  users: {
    select: signedIn("denied", "id = :me", ALL),
    insert: { sql: "insert into users (email) values ('new@example.com')", expect: everyone("denied") },
    ...DENIED_WRITES,
    delete: everyone("denied"),
  },
  profiles: {
    // Own row, and the people on the other side of the caller's orders.
    select: {
      anonymous: "denied",
      buyer: `id in (:me, '${U.supplierA}', '${U.supplierB}')`,
      otherBuyer: `id in (:me, '${U.supplierB}')`,
      supplier: `id in (:me, '${U.buyerA}')`,
      otherSupplier: `id in (:me, '${U.buyerA}', '${U.buyerB}')`,
      admin: ALL,
    },
    insert: { sql: "insert into profiles (id, full_name) values (:me, 'x')", expect: everyone("denied") },
    update: { set: "full_name = 'Matrix'", expect: signedIn("denied", "id = :me", ALL) },
    delete: everyone("denied"),
  },
  user_roles: {
    select: signedIn("denied", "user_id = :me", ALL),
    // Admins grant and revoke buyer and supplier; the admin role is the CLI's.
    insert: {
      sql: "insert into user_roles (user_id, role) values (:me, 'supplier')",
      expect: signedIn<InsertExpect>("denied", "rls", "ok"),
    },
    ...DENIED_WRITES,
    delete: signedIn("denied", NONE, "role <> 'admin'"),
  },
  refresh_tokens: {
    select: signedIn("denied", "user_id = :me", ALL),
    insert: {
      sql: "insert into refresh_tokens (user_id, token_hash, family_id, expires_at) values (:me, 'h', gen_random_uuid(), now())",
      expect: everyone("denied"),
    },
    update: { set: "revoked_at = now()", expect: signedIn("denied", NONE, ALL) },
    delete: everyone("denied"),
  },
  api_keys: {
    select: signedIn("denied", "user_id = :me", ALL),
    insert: {
      sql: "insert into api_keys (user_id, name, prefix, key_hash) values (:me, 'k', 'll_new', 'h')",
      expect: everyone("denied"),
    },
    update: { set: "revoked_at = now()", expect: signedIn("denied", NONE, ALL) },
    delete: everyone("denied"),
  },
  api_usage: {
    select: signedIn("denied", "user_id = :me", ALL),
    insert: {
      sql: "insert into api_usage (user_id, status, duration_ms) values (:me, 'ok', 1)",
      expect: everyone("denied"),
    },
    ...DENIED_WRITES,
    delete: everyone("denied"),
  },
  user_preferences: {
    select: signedIn("denied", "user_id = :me", ALL),
    insert: { sql: "insert into user_preferences (user_id) values (:me)", expect: everyone("denied") },
    update: { set: "locale = 'de'", expect: signedIn("denied", "user_id = :me", NONE) },
    delete: everyone("denied"),
  },
  suppliers: {
    select: {
      anonymous: "verification_status = 'verified'",
      buyer: "verification_status = 'verified'",
      otherBuyer: "verification_status = 'verified'",
      supplier: "verification_status = 'verified' or id = :supplier",
      otherSupplier: "verification_status = 'verified' or id = :supplier",
      admin: ALL,
    },
    insert: {
      sql: "insert into suppliers (user_id, company_name, country) values (:me, 'New Knit', 'PT')",
      // A supplier already has its company (one per user: suppliers_user_id_key).
      expect: byKind<InsertExpect>({
        anonymous: "denied",
        buyers: "rls",
        suppliers: { code: "23505" },
        admin: "ok",
      }),
    },
    update: {
      set: "city = 'Braga'",
      expect: byKind({ anonymous: "denied", buyers: NONE, suppliers: "id = :supplier", admin: ALL }),
    },
    delete: everyone("denied"),
  },
  products: {
    select: byKind({ anonymous: "denied", buyers: NONE, suppliers: "supplier_id = :supplier", admin: ALL }),
    insert: {
      sql: `insert into products (supplier_id, name, category, base_price) values (coalesce(:supplier, '${S.A}'), 'New', 'knitwear', 9)`,
      expect: byKind<InsertExpect>({ anonymous: "denied", buyers: "rls", suppliers: "ok", admin: "ok" }),
    },
    update: {
      set: "name = 'Matrix'",
      expect: byKind({ anonymous: "denied", buyers: NONE, suppliers: "supplier_id = :supplier", admin: ALL }),
    },
    delete: byKind({ anonymous: "denied", buyers: NONE, suppliers: "supplier_id = :supplier", admin: ALL }),
  },
  marketplace_products: {
    select: byKind({
      anonymous: "status = 'approved'",
      buyers: "status = 'approved'",
      suppliers: "status = 'approved' or supplier_id = :supplier",
      admin: ALL,
    }),
    insert: {
      sql: (caller) =>
        `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price)
         values (coalesce(:supplier, '${S.A}'), 'sweater', 'New', 'knitwear', 'new-${Math.abs(hash(caller.me ?? "anon"))}', 10)`,
      // Supplier B is verified but may not list (can_list_products false).
      expect: {
        anonymous: "denied",
        buyer: "rls",
        otherBuyer: "rls",
        supplier: "ok",
        otherSupplier: "rls",
        admin: "ok",
      },
    },
    update: {
      set: "title = 'Matrix'",
      expect: {
        anonymous: "denied",
        buyer: NONE,
        otherBuyer: NONE,
        supplier: "supplier_id = :supplier",
        otherSupplier: NONE,
        admin: ALL,
      },
    },
    delete: {
      anonymous: "denied",
      buyer: NONE,
      otherBuyer: NONE,
      supplier: "supplier_id = :supplier and status in ('draft', 'rejected')",
      otherSupplier: NONE,
      admin: ALL,
    },
  },
  stock_reservations: {
    select: byKind({
      anonymous: "denied",
      buyers: `reserved_by = :me or order_id in ${OWN_ORDERS}`,
      suppliers:
        "marketplace_product_id in (select id from marketplace_products where supplier_id = :supplier)",
      admin: ALL,
    }),
    insert: {
      sql: `insert into stock_reservations (marketplace_product_id, order_id, reserved_by, quantity, expires_at)
            values ('${L.aApproved}', '${O.A2}', :me, 1, now() + interval '1 hour')`,
      expect: {
        anonymous: "denied",
        buyer: "ok",
        otherBuyer: "rls",
        supplier: "rls",
        otherSupplier: "rls",
        admin: "ok",
      },
    },
    update: {
      set: "status = 'released'",
      expect: byKind({ anonymous: "denied", buyers: "reserved_by = :me", suppliers: NONE, admin: ALL }),
    },
    delete: everyone("denied"),
  },
  factory_capacity: {
    select: byKind({ anonymous: "denied", buyers: NONE, suppliers: "supplier_id = :supplier", admin: ALL }),
    insert: {
      sql: `insert into factory_capacity (supplier_id, date, capacity_units) values (coalesce(:supplier, '${S.A}'), '2030-02-01', 10)`,
      expect: byKind<InsertExpect>({ anonymous: "denied", buyers: "rls", suppliers: "ok", admin: "ok" }),
    },
    update: {
      set: "capacity_units = 99",
      expect: byKind({ anonymous: "denied", buyers: NONE, suppliers: "supplier_id = :supplier", admin: ALL }),
    },
    delete: byKind({ anonymous: "denied", buyers: NONE, suppliers: "supplier_id = :supplier", admin: ALL }),
  },
  capacity_utilization_logs: {
    select: byKind({ anonymous: "denied", buyers: NONE, suppliers: "supplier_id = :supplier", admin: ALL }),
    insert: {
      sql: `insert into capacity_utilization_logs (supplier_id, date, utilization_pct) values (coalesce(:supplier, '${S.A}'), '2030-02-01', 10)`,
      expect: byKind<InsertExpect>({ anonymous: "denied", buyers: "rls", suppliers: "ok", admin: "ok" }),
    },
    ...DENIED_WRITES,
    delete: everyone("denied"),
  },
  designs: {
    select: signedIn("denied", "owner_id = :me or is_public", ALL),
    insert: {
      sql: "insert into designs (owner_id, title) values (:me, 'New')",
      expect: signedIn("denied", "ok", "ok"),
    },
    update: { set: "title = 'Matrix'", expect: signedIn("denied", "owner_id = :me", ALL) },
    delete: signedIn("denied", "owner_id = :me", ALL),
  },
  quotes: {
    select: byKind({
      anonymous: "denied",
      buyers: "requested_by = :me",
      suppliers: "requested_by = :me or assigned_supplier_id = :supplier",
      admin: ALL,
    }),
    insert: {
      sql: (caller) =>
        caller.me
          ? "insert into quotes (customer_email, product_type, quantity, requested_by) values ('q@example.com', 'sweater', 50, :me)"
          : "insert into quotes (customer_email, product_type, quantity) values ('q@example.com', 'sweater', 50)",
      expect: everyone<InsertExpect>("ok"),
    },
    update: { set: "status = 'accepted'", expect: signedIn("denied", "requested_by = :me", ALL) },
    delete: everyone("denied"),
  },
  orders: {
    select: byKind({
      anonymous: "denied",
      buyers: "buyer_id = :me",
      suppliers: `id in ${SUPPLIED_ORDERS}`,
      admin: ALL,
    }),
    insert: {
      sql: "insert into orders (buyer_id, product_type, quantity) values (:me, 'sweater', 10)",
      expect: byKind<InsertExpect>({ anonymous: "denied", buyers: "ok", suppliers: "rls", admin: "ok" }),
    },
    update: {
      set: "notes = 'Matrix'",
      expect: byKind({ anonymous: "denied", buyers: "buyer_id = :me", suppliers: NONE, admin: ALL }),
    },
    delete: everyone("denied"),
  },
  order_items: {
    select: byKind({ anonymous: "denied", buyers: `order_id in ${OWN_ORDERS}`, suppliers: NONE, admin: ALL }),
    insert: {
      sql: `insert into order_items (order_id, description, quantity, unit_price) values ('${O.A2}', 'Extra', 1, 5)`,
      expect: {
        anonymous: "denied",
        buyer: "ok",
        otherBuyer: "rls",
        supplier: "rls",
        otherSupplier: "rls",
        admin: "ok",
      },
    },
    update: {
      set: "description = 'Matrix'",
      expect: byKind({ anonymous: "denied", buyers: NONE, suppliers: NONE, admin: ALL }),
    },
    delete: byKind({ anonymous: "denied", buyers: NONE, suppliers: NONE, admin: ALL }),
  },
  order_status_history: {
    select: byKind({
      anonymous: "denied",
      buyers: `order_id in ${OWN_ORDERS}`,
      suppliers: `order_id in ${SUPPLIED_ORDERS}`,
      admin: ALL,
    }),
    insert: {
      sql: `insert into order_status_history (order_id, to_status) values ('${O.A1}', 'cancelled')`,
      expect: everyone("denied"),
    },
    ...DENIED_WRITES,
    delete: everyone("denied"),
  },
  supplier_orders: {
    select: byKind({
      anonymous: "denied",
      buyers: `buyer_order_id in ${OWN_ORDERS}`,
      suppliers: "supplier_id = :supplier",
      admin: ALL,
    }),
    insert: {
      sql: `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price)
            values ('${S.A}', '${O.A2}', 'sweater', 50, 400, 300)`,
      expect: byKind<InsertExpect>({ anonymous: "denied", buyers: "rls", suppliers: "rls", admin: "ok" }),
    },
    update: {
      set: "counter_offer_notes = 'Matrix'",
      expect: byKind({ anonymous: "denied", buyers: NONE, suppliers: "supplier_id = :supplier", admin: ALL }),
    },
    delete: everyone("denied"),
  },
  production_stages: {
    select: byKind({
      anonymous: "denied",
      buyers: `supplier_order_id in ${SUPPLIER_ORDERS_OF_OWN_ORDERS}`,
      suppliers: `supplier_order_id in ${OWN_SUPPLIER_ORDERS}`,
      admin: ALL,
    }),
    insert: {
      sql: `insert into production_stages (supplier_order_id, stage_number, stage_name) values ('${SO.A1byB}', 1, 'Yarn sourcing')`,
      expect: everyone("denied"),
    },
    update: {
      set: "notes = 'Matrix'",
      expect: byKind({
        anonymous: "denied",
        buyers: NONE,
        suppliers: `supplier_order_id in ${OWN_SUPPLIER_ORDERS}`,
        admin: ALL,
      }),
    },
    delete: everyone("denied"),
  },
  payments: {
    select: byKind({ anonymous: "denied", buyers: `order_id in ${OWN_ORDERS}`, suppliers: NONE, admin: ALL }),
    insert: {
      sql: `insert into payments (order_id, amount, method, idempotency_key, recorded_by)
            values ('${O.A1}', 10, 'card', 'matrix-' || gen_random_uuid(), :me)`,
      expect: {
        anonymous: "denied",
        buyer: "ok",
        otherBuyer: "rls",
        supplier: "rls",
        otherSupplier: "rls",
        admin: "ok",
      },
    },
    update: {
      set: "provider_reference = 'Matrix'",
      expect: byKind({ anonymous: "denied", buyers: NONE, suppliers: NONE, admin: ALL }),
    },
    delete: everyone("denied"),
  },
  messages: {
    select: signedIn("denied", "sender_id = :me or recipient_id = :me", ALL),
    insert: {
      sql: `insert into messages (sender_id, recipient_id, body) values (:me, '${U.supplierA}', 'Hi')`,
      expect: signedIn<InsertExpect>("denied", "ok", "ok"),
    },
    // Only recipients mark messages read (admins read, never mark).
    update: { set: "read_at = now()", expect: signedIn("denied", "recipient_id = :me", NONE) },
    delete: everyone("denied"),
  },
  notifications: {
    select: signedIn("denied", "user_id = :me", ALL),
    insert: {
      sql: "insert into notifications (user_id, type, title) values (:me, 'system', 'x')",
      expect: everyone("denied"),
    },
    update: { set: "read_at = now()", expect: signedIn("denied", "user_id = :me", NONE) },
    delete: everyone("denied"),
  },
  saved_searches: {
    select: signedIn("denied", "user_id = :me", ALL),
    insert: {
      sql: "insert into saved_searches (user_id, name) values (:me, 'New')",
      expect: signedIn("denied", "ok", "ok"),
    },
    update: { set: "name = 'Matrix'", expect: signedIn("denied", "user_id = :me", NONE) },
    delete: signedIn("denied", "user_id = :me", NONE),
  },
  feedback: {
    select: signedIn("denied", "user_id = :me", ALL),
    insert: {
      sql: (caller) =>
        caller.me
          ? "insert into feedback (user_id, message) values (:me, 'Idea')"
          : "insert into feedback (message) values ('Idea')",
      expect: everyone<InsertExpect>("ok"),
    },
    update: { set: "status = 'in_progress'", expect: signedIn("denied", NONE, ALL) },
    delete: everyone("denied"),
  },
  // The realtime log: read by the API's login role through app_private
  // functions only (017); no request role reads or writes it.
  events: {
    select: everyone("denied"),
    insert: {
      sql: "insert into events (topic, kind, entity_id) values ('stage', 'updated', gen_random_uuid())",
      expect: everyone("denied"),
    },
    ...DENIED_WRITES,
    delete: everyone("denied"),
  },
  audit_log: {
    select: signedIn("denied", NONE, ALL),
    insert: {
      sql: "insert into audit_log (action, table_name) values ('insert', 'orders')",
      expect: everyone("denied"),
    },
    ...DENIED_WRITES,
    delete: everyone("denied"),
  },
};

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

// ----------------------------------------------------------- the running

interface Attempt {
  ids?: string[];
  rowCount?: number;
  error?: { code: string; message: string };
}

/** Runs `sql` in a savepoint that is always rolled back: every case sees the same world. */
async function attempt(client: Client, sql: string): Promise<Attempt> {
  await client.query("savepoint matrix_case");
  try {
    const result = await client.query<{ id: string }>(sql);
    return { ids: result.rows.map((row) => row.id).sort(), rowCount: result.rowCount ?? 0 };
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { error: { code, message } };
  } finally {
    await client.query("rollback to savepoint matrix_case");
  }
}

function describeAttempt(result: Attempt): string {
  if (result.error) return `${result.error.code} ${result.error.message}`;
  return result.ids ? `rows ${JSON.stringify(result.ids)}` : `${result.rowCount} rows`;
}

const isDenied = (result: Attempt) =>
  result.error?.code === "42501" && /^permission denied/.test(result.error.message);
const isRls = (result: Attempt) =>
  result.error?.code === "42501" && /row-level security policy/.test(result.error.message);

let database: TestDatabase;
const counts = new Map<string, number>();
let extraCases = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  await withAdminClient(database.adminUrl, async (client) => {
    await client.query("begin");
    await client.query(FIXTURE);
    await client.query("commit");
  });
});

afterAll(async () => {
  await database?.drop();
  const matrixCases = [...counts.values()].reduce((a, b) => a + b, 0);
  const perTable = [...counts.entries()].map(([table, n]) => `${table} ${n}`).join(", ");
  console.log(
    `RLS matrix: ${matrixCases + extraCases} cases — ${matrixCases} table x role x operation ` +
      `(${counts.size} tables x ${ROLES.length} roles x 4 operations) + ${extraCases} column, function, ` +
      `WITH CHECK and guard cases.\nPer table: ${perTable}`,
  );
});

/** The ids `scope` names for `caller`, read by the migrator (RLS bypassed). */
async function expectedIds(table: string, scope: Scope, caller: Caller): Promise<string[]> {
  return withAdminClient(database.adminUrl, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `select id from ${table} where ${bind(scope, caller)} order by id`,
    );
    return rows.map((row) => row.id).sort();
  });
}

test("the matrix covers every table of the schema", async () => {
  const tables = await withAdminClient(database.adminUrl, async (client) => {
    const { rows } = await client.query<{ relname: string }>(
      `select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' order by 1`,
    );
    return rows.map((row) => row.relname);
  });
  expect(Object.keys(MATRIX).sort()).toEqual(tables);
  expect(tables).toHaveLength(27);
});

describe.each(Object.entries(MATRIX))("%s", (table, spec) => {
  test("select, insert, update and delete for every caller", async () => {
    const mismatches: string[] = [];
    let cases = 0;
    for (const role of ROLES) {
      const caller = CALLERS[role];
      const expected = {
        select: spec.select[role],
        update: spec.update.expect[role],
        delete: spec.delete[role],
      };
      const want: Record<string, string[] | "denied"> = {};
      for (const [operation, scope] of Object.entries(expected)) {
        want[operation] = scope === "denied" ? "denied" : await expectedIds(table, scope, caller);
      }
      // anonymous holds no SELECT on most tables: RETURNING would be refused for that alone.
      const returning = caller.dbRole === "authenticated" ? " returning id" : "";
      await asCaller(role, async (client) => {
        const check = (operation: string, result: Attempt, expectation: string[] | "denied") => {
          cases += 1;
          const ok =
            expectation === "denied"
              ? isDenied(result)
              : !result.error && JSON.stringify(result.ids) === JSON.stringify(expectation);
          if (!ok) {
            mismatches.push(
              `${role} ${operation}: expected ${expectation === "denied" ? "permission denied" : `rows ${JSON.stringify(expectation)}`}, got ${describeAttempt(result)}`,
            );
          }
        };
        check("select", await attempt(client, `select id from ${table}`), want.select!);
        check(
          "update",
          await attempt(client, `update ${table} set ${spec.update.set}${returning}`),
          want.update!,
        );
        check("delete", await attempt(client, `delete from ${table}${returning}`), want.delete!);

        cases += 1;
        const insertSql = typeof spec.insert.sql === "function" ? spec.insert.sql(caller) : spec.insert.sql;
        const inserted = await attempt(client, bind(insertSql, caller));
        const expectation = spec.insert.expect[role];
        const insertOk =
          expectation === "ok"
            ? !inserted.error && inserted.rowCount === 1
            : expectation === "denied"
              ? isDenied(inserted)
              : expectation === "rls"
                ? isRls(inserted)
                : inserted.error?.code === expectation.code;
        if (!insertOk) {
          mismatches.push(
            `${role} insert: expected ${JSON.stringify(expectation)}, got ${describeAttempt(inserted)}`,
          );
        }
      });
    }
    counts.set(table, cases);
    expect(mismatches).toEqual([]);
  });
});

// ----------------------------------------------------------- named cases

/** Runs one statement as `role` and returns its outcome (savepoint, rolled back). */
async function run(role: Role, sql: string, params: unknown[] = []): Promise<Attempt & { rows?: unknown[] }> {
  extraCases += 1;
  return asCaller(role, async (client) => {
    try {
      const result = await client.query(bind(sql, CALLERS[role]), params);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      const { code, message } = error as { code: string; message: string };
      return { error: { code, message } };
    }
  });
}

const denied = { error: { code: "42501", message: expect.stringMatching(/^permission denied/) } };
const rlsRefused = { error: { code: "42501", message: expect.stringMatching(/row-level security policy/) } };
const guardRefused = (pattern: RegExp) => ({
  error: { code: "42501", message: expect.stringMatching(pattern) },
});

describe("column rules", () => {
  test.each([
    ["buyer", "select supplier_price from supplier_orders"],
    ["buyer", "select margin from supplier_orders"],
    ["buyer", "select counter_offer_price from supplier_orders"],
    ["supplier", "select buyer_price from supplier_orders"],
    ["supplier", "select margin from supplier_orders"],
    ["admin", "select margin from supplier_orders"],
    ["supplier", "select total_amount from orders"],
    ["buyer", "select total_amount from orders"],
    ["supplier", "select total_price from quotes"],
    ["buyer", "select admin_markup from quotes"],
    // The assigned supplier sees the quote, not the customer's contact (013).
    ["supplier", "select customer_email from quotes"],
    ["supplier", "select phone_number from quotes"],
    ["buyer", "select contact_email from suppliers"],
    ["supplier", "select address from suppliers"],
    ["anonymous", "select contact_phone from suppliers"],
    ["supplier", "select phone from profiles"],
    ["buyer", "select password_hash from users"],
    ["buyer", "select key_hash from api_keys"],
    ["buyer", "select token_hash from refresh_tokens"],
    // Filtering on a column is reading it: no oracle through WHERE either.
    ["supplier", "select id from supplier_orders where buyer_price > 1000"],
  ] as [Role, string][])("%s: %s is refused (read it through the narrowed functions)", async (role, sql) => {
    expect(await run(role, sql)).toMatchObject(denied);
  });

  const prices = (role: Role) =>
    run(
      role,
      `select supplier_order_id as id, buyer_price, supplier_price, margin, counter_offer_price
         from app.supplier_order_prices($1::uuid[]) order by 1`,
      [[SO.A1byA, SO.A1byB, SO.B1byB]],
    );

  test("supplier_order_prices: a buyer sees buyer_price of their own supplier orders, never supplier_price or margin", async () => {
    expect((await prices("buyer")).rows).toEqual([
      { id: SO.A1byA, buyer_price: "3000.00", supplier_price: null, margin: null, counter_offer_price: null },
      { id: SO.A1byB, buyer_price: "2000.00", supplier_price: null, margin: null, counter_offer_price: null },
    ]);
  });

  test("supplier_order_prices: a supplier sees supplier_price of its own, never buyer_price or margin", async () => {
    expect((await prices("supplier")).rows).toEqual([
      { id: SO.A1byA, buyer_price: null, supplier_price: "2100.00", margin: null, counter_offer_price: null },
    ]);
    expect((await prices("otherSupplier")).rows).toEqual([
      { id: SO.A1byB, buyer_price: null, supplier_price: "1500.00", margin: null, counter_offer_price: null },
      { id: SO.B1byB, buyer_price: null, supplier_price: "2000.00", margin: null, counter_offer_price: null },
    ]);
  });

  test("supplier_order_prices: admins see everything; anonymous may not call it", async () => {
    expect((await prices("admin")).rows).toEqual([
      {
        id: SO.A1byA,
        buyer_price: "3000.00",
        supplier_price: "2100.00",
        margin: "900.00",
        counter_offer_price: null,
      },
      {
        id: SO.A1byB,
        buyer_price: "2000.00",
        supplier_price: "1500.00",
        margin: "500.00",
        counter_offer_price: null,
      },
      {
        id: SO.B1byB,
        buyer_price: "3000.00",
        supplier_price: "2000.00",
        margin: "1000.00",
        counter_offer_price: null,
      },
    ]);
    expect((await prices("otherBuyer")).rows).toEqual([
      { id: SO.B1byB, buyer_price: "3000.00", supplier_price: null, margin: null, counter_offer_price: null },
    ]);
    expect(await prices("anonymous")).toMatchObject(denied);
  });

  const contacts = (role: Role) =>
    run(role, "select supplier_id as id, contact_email from app.supplier_contacts($1::uuid[]) order by 1", [
      [S.A, S.B, S.pending],
    ]);

  test("supplier_contacts: a buyer with an accepted order sees that supplier's contact fields, and only those", async () => {
    // Buyer A: supplier A accepted A1; supplier B's supplier order on A1 is still pending.
    expect((await contacts("buyer")).rows).toEqual([{ id: S.A, contact_email: CIPHER("bWFpbA") }]);
    // Buyer B: supplier B accepted B1; nothing with supplier A.
    expect((await contacts("otherBuyer")).rows).toEqual([{ id: S.B, contact_email: CIPHER("bWFpbDI") }]);
  });

  test("supplier_contacts: a supplier sees its own, admins all, anonymous nothing", async () => {
    expect((await contacts("supplier")).rows).toEqual([{ id: S.A, contact_email: CIPHER("bWFpbA") }]);
    expect((await contacts("otherSupplier")).rows).toEqual([{ id: S.B, contact_email: CIPHER("bWFpbDI") }]);
    expect((await contacts("admin")).rows).toHaveLength(3);
    expect(await contacts("anonymous")).toMatchObject(denied);
  });

  test("order_amounts, quote_pricing and profile_phones follow the same rule", async () => {
    const amounts = (role: Role) =>
      run(role, "select order_id as id, total_amount from app.order_amounts($1::uuid[]) order by 1", [
        [O.A1, O.B1],
      ]);
    expect((await amounts("buyer")).rows).toEqual([{ id: O.A1, total_amount: "5000.00" }]);
    expect((await amounts("supplier")).rows).toEqual([]);
    expect((await amounts("admin")).rows).toHaveLength(2);

    const pricing = (role: Role) =>
      run(
        role,
        "select total_price, base_cost, specialty_cost, admin_markup from app.quote_pricing($1::uuid[])",
        [[Q.A]],
      );
    expect((await pricing("buyer")).rows).toEqual([
      { total_price: "5000.00", base_cost: null, specialty_cost: null, admin_markup: null },
    ]);
    expect((await pricing("supplier")).rows).toEqual([
      { total_price: null, base_cost: "3500.00", specialty_cost: "100.00", admin_markup: null },
    ]);
    expect((await pricing("otherBuyer")).rows).toEqual([]);
    expect((await pricing("admin")).rows).toEqual([
      { total_price: "5000.00", base_cost: "3500.00", specialty_cost: "100.00", admin_markup: "1400.00" },
    ]);

    const phones = (role: Role) =>
      run(role, "select profile_id as id from app.profile_phones($1::uuid[]) order by 1", [
        [U.buyerA, U.supplierA],
      ]);
    expect((await phones("buyer")).rows).toEqual([{ id: U.buyerA }]);
    expect((await phones("supplier")).rows).toEqual([{ id: U.supplierA }]);
    expect((await phones("admin")).rows).toHaveLength(2);
  });
});

describe("order tracking by token", () => {
  const track = (role: Role, token: string) =>
    run(role, "select * from app.order_by_tracking_token($1)", [token]);

  test("anonymous gets the narrow public view for a valid token", async () => {
    const { rows, error } = await track("anonymous", TRACKING_A1);
    expect(error).toBeUndefined();
    expect(rows).toHaveLength(1);
    const row = rows![0] as Record<string, unknown>;
    // Exactly these columns: no ids of people or orders, no prices, no notes.
    expect(Object.keys(row).sort()).toEqual(
      [
        "actual_delivery_date",
        "current_stage",
        "expected_delivery_date",
        "order_number",
        "stages",
        "status",
        "target_date",
        "updated_at",
      ].sort(),
    );
    expect(row).toMatchObject({ status: "in_production", current_stage: 1 });
    const stages = row.stages as { stageNumber: number; status: string; completionPercentage: number }[];
    expect(stages.map((stage) => stage.stageNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Only supplier A's supplier order is live (accepted) on A1; B's is pending, without stages.
    expect(stages[0]).toMatchObject({
      stageName: "Yarn sourcing",
      status: "in_progress",
      completionPercentage: 50,
    });
    expect(stages[1]).toMatchObject({ status: "pending", completionPercentage: 0 });
    expect(JSON.stringify(row)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  test("a wrong, truncated or empty token gets nothing; signed-in callers use the same function", async () => {
    expect((await track("anonymous", TRACKING_A1.replace("A1", "B1"))).rows).toEqual([]);
    expect((await track("anonymous", TRACKING_A1.slice(0, 10))).rows).toEqual([]);
    expect((await track("anonymous", "")).rows).toEqual([]);
    expect((await track("otherBuyer", TRACKING_A1)).rows).toHaveLength(1);
  });

  test("anonymous still cannot read orders directly", async () => {
    expect(
      await run("anonymous", `select id from orders where tracking_token = '${TRACKING_A1}'`),
    ).toMatchObject(denied);
  });
});

describe("WITH CHECK: rows cannot be written out of their owner's reach", () => {
  test("a buyer cannot place an order for another buyer", async () => {
    expect(
      await run(
        "buyer",
        `insert into orders (buyer_id, product_type, quantity) values ('${U.buyerB}', 'sweater', 5)`,
      ),
    ).toMatchObject(rlsRefused);
  });

  test("a buyer cannot add items to another buyer's order, nor reserve stock for it", async () => {
    expect(
      await run(
        "buyer",
        `insert into order_items (order_id, description, quantity, unit_price) values ('${O.B1}', 'x', 1, 1)`,
      ),
    ).toMatchObject(rlsRefused);
    expect(
      await run(
        "buyer",
        `insert into stock_reservations (marketplace_product_id, order_id, reserved_by, quantity, expires_at)
         values ('${L.aApproved}', '${O.B1}', :me, 1, now() + interval '1 hour')`,
      ),
    ).toMatchObject(rlsRefused);
  });

  test("a stock hold must expire within a day", async () => {
    expect(
      await run(
        "buyer",
        `insert into stock_reservations (marketplace_product_id, order_id, reserved_by, quantity, expires_at)
         values ('${L.aApproved}', '${O.A2}', :me, 1, now() + interval '30 days')`,
      ),
    ).toMatchObject(rlsRefused);
  });

  test("a supplier cannot move its listing to another supplier, nor list for one", async () => {
    expect(
      await run(
        "supplier",
        `update marketplace_products set supplier_id = '${S.B}' where id = '${L.aDraft}'`,
      ),
    ).toMatchObject(rlsRefused);
    expect(
      await run(
        "supplier",
        `insert into products (supplier_id, name, category, base_price) values ('${S.B}', 'x', 'knitwear', 1)`,
      ),
    ).toMatchObject(rlsRefused);
  });

  test("a supplier cannot insert a listing straight into approved", async () => {
    expect(
      await run(
        "supplier",
        `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, stock_quantity, status)
         values (:supplier, 'sweater', 'x', 'knitwear', 'straight-approved', 5, 5, 'approved')`,
      ),
    ).toMatchObject(rlsRefused);
  });

  test("only the recipient marks a message read", async () => {
    const mark = (role: Role, sender: string) =>
      run(role, `update messages set read_at = now() where sender_id = '${sender}' returning id`);
    // Buyer A sent the first message: marking it changes nothing; supplier A, its recipient, can.
    expect(await mark("buyer", U.buyerA)).toMatchObject({ rowCount: 0 });
    expect(await mark("supplier", U.buyerA)).toMatchObject({ rowCount: 1 });
    expect(await mark("otherSupplier", U.buyerA)).toMatchObject({ rowCount: 0 });
    // And the recipient may change nothing else.
    expect(await run("supplier", "update messages set body = 'edited'")).toMatchObject(denied);
  });

  test("a message is sent as oneself, to someone one may address", async () => {
    const send = (role: Role, sender: string, recipient: string) =>
      run(
        role,
        `insert into messages (sender_id, recipient_id, body) values ('${sender}', '${recipient}', 'x')`,
      );
    expect(await send("buyer", U.buyerB, U.supplierA)).toMatchObject(rlsRefused);
    // Strangers: no shared order, not a supplier, never wrote first — nor a made-up id (no FK oracle).
    expect(await send("buyer", U.buyerA, U.buyerB)).toMatchObject(rlsRefused);
    expect(await send("supplier", U.supplierA, U.buyerB)).toMatchObject(rlsRefused);
    expect(await send("buyer", U.buyerA, randomUUID())).toMatchObject(rlsRefused);
    // The other side of an order, a supplier's owner (an inquiry), and replies are fine.
    expect(await send("otherSupplier", U.supplierB, U.buyerA)).toMatchObject({ rowCount: 1 });
    expect(await send("otherBuyer", U.buyerB, U.supplierA)).toMatchObject({ rowCount: 1 });
    expect(await send("admin", U.admin, U.buyerB)).toMatchObject({ rowCount: 1 });
  });

  test("a quote or an order item may only name a design the caller can read", async () => {
    const privateOfB = `(select id from designs where title = 'B private')`;
    const designB = await withAdminClient(database.adminUrl, async (client) => {
      const { rows } = await client.query<{ id: string }>(`select ${privateOfB} as id`);
      return rows[0]!.id;
    });
    expect(
      await run(
        "buyer",
        `insert into quotes (customer_email, product_type, quantity, requested_by, design_id)
         values ('a@example.com', 'sweater', 5, :me, '${designB}')`,
      ),
    ).toMatchObject(rlsRefused);
  });
});

describe("guards: admin-only columns and transitions", () => {
  test("no request makes or unmakes an admin, not even an admin's", async () => {
    expect(
      await run("admin", `insert into user_roles (user_id, role) values ('${U.buyerA}', 'admin')`),
    ).toMatchObject(rlsRefused);
    expect(await run("admin", "delete from user_roles where role = 'admin' returning id")).toMatchObject({
      rowCount: 0,
    });
    expect(
      await run(
        "admin",
        `insert into user_roles (user_id, role) values ('${U.buyerA}', 'supplier') returning id`,
      ),
    ).toMatchObject({ rowCount: 1 });
    expect(
      await run("supplier", `insert into user_roles (user_id, role) values (:me, 'buyer')`),
    ).toMatchObject(rlsRefused);
  });

  test("a supplier cannot verify itself or allow itself to list", async () => {
    expect(
      await run("supplier", "update suppliers set verification_status = 'verified' where id = :supplier"),
    ).toMatchObject(guardRefused(/only an administrator may change suppliers/));
    expect(
      await run("otherSupplier", "update suppliers set can_list_products = true where id = :supplier"),
    ).toMatchObject(guardRefused(/only an administrator/));
    expect(
      await run("admin", `update suppliers set can_list_products = true where id = '${S.B}' returning id`),
    ).toMatchObject({ rowCount: 1 });
  });

  test("a supplier cannot approve its own listing; it may submit it", async () => {
    expect(
      await run("supplier", `update marketplace_products set status = 'approved' where id = '${L.aPending}'`),
    ).toMatchObject(guardRefused(/only an administrator may set marketplace_products.status to approved/));
    expect(
      await run(
        "supplier",
        `update marketplace_products set status = 'pending_approval' where id = '${L.aDraft}'`,
      ),
    ).toMatchObject({ rowCount: 1 });
    expect(
      await run("admin", `update marketplace_products set status = 'approved' where id = '${L.aPending}'`),
    ).toMatchObject({ rowCount: 1 });
  });

  test("a supplier cannot even assign a price it may not read (no guessing oracle)", async () => {
    // 3000 is the true buyer_price: an unchanged value is refused all the same.
    expect(
      await run("supplier", `update supplier_orders set buyer_price = 3000 where id = '${SO.A1byA}'`),
    ).toMatchObject(guardRefused(/only an administrator may change supplier_orders/));
  });

  test("a buyer submits and cancels orders but cannot confirm them or change their price", async () => {
    expect(await run("buyer", `update orders set status = 'confirmed' where id = '${O.A2}'`)).toMatchObject(
      guardRefused(/only an administrator may set orders.status to confirmed/),
    );
    // Totals come from the lines (014): nobody is granted UPDATE of total_amount.
    expect(await run("buyer", `update orders set total_amount = 1 where id = '${O.A2}'`)).toMatchObject(
      denied,
    );
    expect(
      await run(
        "buyer",
        `update orders set status = 'submitted', version = 1 where id = '${O.A2}' returning version`,
      ),
    ).toMatchObject({ rows: [{ version: 2 }] });
    // The optimistic lock: naming a stale version is a conflict (005), not a write.
    expect(
      await run("buyer", `update orders set notes = 'x', version = 7 where id = '${O.A2}'`),
    ).toMatchObject({
      error: { code: "LLCNF" },
    });
  });

  test("a supplier answers its supplier order, and the stages appear though it cannot insert them", async () => {
    const accepted = await asCaller("otherSupplier", async (client) => {
      await client.query(
        `update supplier_orders set acceptance_status = 'accepted' where id = '${SO.A1byB}'`,
      );
      const { rows } = await client.query(
        `select count(*)::int as n from production_stages where supplier_order_id = '${SO.A1byB}'`,
      );
      return rows[0].n as number;
    });
    extraCases += 1;
    expect(accepted).toBe(8);
    expect(
      await run("otherSupplier", `update supplier_orders set status = 'completed' where id = '${SO.B1byB}'`),
    ).toMatchObject(guardRefused(/only an administrator/));
  });

  test("a supplier reports progress but cannot move a stage's target date", async () => {
    expect(
      await run(
        "supplier",
        `update production_stages set completion_percentage = 100 where supplier_order_id = '${SO.A1byA}' and stage_number = 1 returning status`,
      ),
    ).toMatchObject({ rows: [{ status: "completed" }] });
    expect(
      await run(
        "supplier",
        `update production_stages set target_date = current_date + 90 where supplier_order_id = '${SO.A1byA}'`,
      ),
    ).toMatchObject(guardRefused(/only an administrator/));
    // Buyers read stages and never write them.
    expect(
      await run(
        "buyer",
        `update production_stages set completion_percentage = 100 where supplier_order_id = '${SO.A1byA}' returning id`,
      ),
    ).toMatchObject({ rowCount: 0 });
  });

  test("a buyer may release a hold but not commit it", async () => {
    expect(await run("buyer", "update stock_reservations set status = 'committed'")).toMatchObject(
      guardRefused(/only an administrator may set stock_reservations.status to committed/),
    );
  });

  test("new rows carry the server's defaults: Prisma's explicit defaults pass, other values are refused", async () => {
    // What Prisma's create sends: every default of the Prisma schema, timestamps from the client.
    const created = await run(
      "buyer",
      `insert into orders (buyer_id, product_type, quantity, status, payment_status, stage_progress, total_amount,
                           currency, version, created_at, updated_at)
       values (:me, 'sweater', 5, 'draft', 'unpaid', '{}', 0, 'USD', 1, '2001-01-01', '2001-01-01')
       returning created_at > now() - interval '1 minute' as fresh`,
    );
    expect(created).toMatchObject({ rows: [{ fresh: true }] });
    expect(
      await run(
        "buyer",
        "insert into orders (buyer_id, product_type, quantity, version) values (:me, 'sweater', 5, 9)",
      ),
    ).toMatchObject(guardRefused(/version of a new orders row is set by the database/));
    expect(
      await run(
        "supplier",
        `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, platform_fee_percentage)
         values (:supplier, 'sweater', 'x', 'knitwear', 'no-fee', 5, 0)`,
      ),
    ).toMatchObject(
      guardRefused(/platform_fee_percentage of a new marketplace_products row is set by an administrator/),
    );
    expect(
      await run("anonymous", "insert into feedback (message, priority) values ('urgent!', 'urgent')"),
    ).toMatchObject(guardRefused(/priority of a new feedback row/));
    expect(
      await run(
        "admin",
        `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price, acceptance_status)
         values ('${S.A}', '${O.A2}', 'sweater', 1, 1, 1, 'accepted')`,
      ),
    ).toMatchObject(guardRefused(/acceptance_status of a new supplier_orders row is set by the database/));
  });

  test("anonymous creates a quote but cannot read it back (insert without RETURNING)", async () => {
    const quoteId = randomUUID();
    expect(
      await run(
        "anonymous",
        `insert into quotes (id, customer_email, product_type, quantity) values ('${quoteId}', 'v@example.com', 'sweater', 10)`,
      ),
    ).toMatchObject({ rowCount: 1 });
    expect(
      await run(
        "anonymous",
        "insert into quotes (customer_email, product_type, quantity) values ('v@example.com', 'sweater', 10) returning id",
      ),
    ).toMatchObject(denied);
    expect(
      await run(
        "anonymous",
        "insert into quotes (customer_email, product_type, quantity, requested_by) values ('v@example.com', 'sweater', 10, :me)",
      ),
    ).toMatchObject(denied);
  });
});
