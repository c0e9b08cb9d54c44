import type pg from "pg";
import type { TokenService } from "../../src/auth/tokens";
import { loadConfig } from "../../src/config";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { insertScenarioUser } from "../helpers/scenario";
import { type ApiServer, startApiServer } from "./harness";
import { ENCRYPTED_COLUMNS, type FieldCipher, createFieldCipher } from "../../src/services/field-encryption";

/**
 * The order world, inserted as the migrator (past RLS) the way the workflow
 * leaves it: two buyers, two suppliers (each owned by a supplier user), an
 * admin, orders with supplier orders whose acceptance created the eight
 * stages (triggers), stage progress, items and payments. Everything the
 * database derives (order numbers, stages, current_stage, payment status)
 * is left to it; tests compare the API with what SQL holds.
 *
 *   buyerA  — orders A1 (supplier orders with northKnit, accepted + with
 *             southLoom, pending), A2 (northKnit, pending: no accepted order),
 *             and `bulkOrders` more with northKnit, accepted
 *   buyerB  — order B1 (southLoom, accepted)
 *   outsider — a buyer with no orders at all
 */

export interface WorldUser {
  id: string;
  email: string;
  roles: ("admin" | "buyer" | "supplier")[];
}

export interface SupplierContactPlain {
  address: string;
  contactEmail: string;
  contactPhone: string;
}

export interface OrderWorld {
  users: {
    admin: WorldUser;
    buyerA: WorldUser;
    buyerB: WorldUser;
    outsider: WorldUser;
    northOwner: WorldUser;
    southOwner: WorldUser;
  };
  suppliers: { northKnit: string; southLoom: string };
  contacts: { northKnit: SupplierContactPlain; southLoom: SupplierContactPlain };
  orders: { a1: string; a2: string; b1: string; bulk: string[] };
  supplierOrders: { a1North: string; a1South: string; a2North: string; b1South: string };
  /** Each supplier order's prices as inserted (margin is generated: buyer − supplier). */
  prices: Record<string, { buyer: string; supplier: string }>;
  payments: { a1: string; b1: string };
  items: { a1: string; b1: string };
  trackingTokens: { a1: string; b1: string };
}

export const CONTACTS = {
  northKnit: {
    address: "Rua das Malhas 12, 4000-001 Porto",
    contactEmail: "sales@northknit.example",
    contactPhone: "+351 220 000 001",
  },
  southLoom: {
    address: "12 Loom Road, Dhaka 1207",
    contactEmail: "orders@southloom.example",
    contactPhone: "+880 2 000 0002",
  },
} satisfies Record<string, SupplierContactPlain>;

export async function insertOrderWorld(
  client: pg.Client,
  cipher: FieldCipher,
  options: { bulkOrders?: number } = {},
): Promise<OrderWorld> {
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => {
    const { rows } = await client.query(sql, params);
    if (!rows[0]) throw new Error(`no row from: ${sql}`);
    return rows[0] as T;
  };

  const user = async (
    key: string,
    roles: WorldUser["roles"],
    fullName: string,
    companyName: string,
  ): Promise<WorldUser> => {
    return insertScenarioUser(client, {
      email: `${key.toLowerCase()}@world.example`,
      roles,
      fullName,
      companyName,
      phone: "+1 555 0100",
    });
  };

  const users = {
    admin: await user("admin", ["admin"], "Ada Admin", "Loomline"),
    buyerA: await user("buyerA", ["buyer"], "Alice Buyer", "Alpha Apparel"),
    buyerB: await user("buyerB", ["buyer"], "Bob Buyer", "Beta Brands"),
    outsider: await user("outsider", ["buyer"], "Olga Outsider", "Omega Outfits"),
    northOwner: await user("northOwner", ["supplier"], "Nuno North", "North Knit"),
    southOwner: await user("southOwner", ["supplier"], "Sara South", "South Loom"),
  };

  const supplier = async (owner: WorldUser, name: string, country: string, contact: SupplierContactPlain) => {
    // Contact ciphertext is bound to its row: the id is chosen before the insert.
    const id = crypto.randomUUID();
    return (
      await one<{ id: string }>(
        `insert into suppliers (id, user_id, company_name, country, city, verification_status, specializations,
                                address, contact_email, contact_phone, can_list_products)
         values ($8, $1, $2, $3, 'Capital', 'verified', $4, $5, $6, $7, true) returning id`,
        [
          owner.id,
          name,
          country,
          country === "PT" ? ["knitwear", "merino"] : ["knitwear", "cotton"],
          cipher.encrypt(contact.address, ENCRYPTED_COLUMNS.supplierAddress, id),
          cipher.encrypt(contact.contactEmail, ENCRYPTED_COLUMNS.supplierContactEmail, id),
          cipher.encrypt(contact.contactPhone, ENCRYPTED_COLUMNS.supplierContactPhone, id),
          id,
        ],
      )
    ).id;
  };

  const suppliers = {
    northKnit: await supplier(users.northOwner, "North Knit", "PT", CONTACTS.northKnit),
    southLoom: await supplier(users.southOwner, "South Loom", "BD", CONTACTS.southLoom),
  };

  let createdSeconds = 0;
  const order = async (buyer: WorldUser, productType: string, quantity: number) => {
    // Distinct creation instants, oldest first, so "newest first" is deterministic.
    createdSeconds += 60;
    return (
      await one<{ id: string }>(
        `insert into orders (buyer_id, product_type, quantity, status, total_amount, target_date, expected_delivery_date,
                             created_at)
         values ($1, $2, $3, 'confirmed', 10000, current_date + 50, current_date + 60,
                 now() - interval '10 days' + make_interval(secs => $4))
         returning id`,
        [buyer.id, productType, quantity, createdSeconds],
      )
    ).id;
  };

  const prices: OrderWorld["prices"] = {};
  const supplierOrder = async (
    orderId: string,
    supplierId: string,
    buyerPrice: string,
    supplierPrice: string,
    accept: boolean,
  ) => {
    const { id } = await one<{ id: string }>(
      `insert into supplier_orders (supplier_id, buyer_order_id, product_type, quantity, buyer_price, supplier_price,
                                    target_date)
       values ($1, $2, 'sweater', 500, $3, $4, current_date + 40) returning id`,
      [supplierId, orderId, buyerPrice, supplierPrice],
    );
    prices[id] = { buyer: buyerPrice, supplier: supplierPrice };
    // Acceptance creates the eight stages and assigns the order (trigger).
    if (accept)
      await client.query("update supplier_orders set acceptance_status = 'accepted' where id = $1", [id]);
    return id;
  };

  const setStage = (supplierOrderId: string, stage: number, pct: number) =>
    client.query(
      "update production_stages set completion_percentage = $3 where supplier_order_id = $1 and stage_number = $2",
      [supplierOrderId, stage, pct],
    );

  const a1 = await order(users.buyerA, "merino sweater", 500);
  const a1North = await supplierOrder(a1, suppliers.northKnit, "10000.00", "7000.00", true);
  const a1South = await supplierOrder(a1, suppliers.southLoom, "2500.50", "2000.25", false);
  await setStage(a1North, 1, 100);
  await setStage(a1North, 2, 40);

  const a2 = await order(users.buyerA, "cotton hoodie", 300);
  const a2North = await supplierOrder(a2, suppliers.northKnit, "4000.00", "3100.00", false);

  const b1 = await order(users.buyerB, "linen shirt", 200);
  const b1South = await supplierOrder(b1, suppliers.southLoom, "6000.00", "4500.00", true);
  await setStage(b1South, 1, 60);

  const bulk: string[] = [];
  for (let i = 0; i < (options.bulkOrders ?? 0); i++) {
    const id = await order(users.buyerA, `bulk item ${i}`, 100 + i);
    const so = await supplierOrder(id, suppliers.northKnit, "1000.00", "800.00", true);
    await setStage(so, 1, 10 + i);
    await client.query(
      "insert into order_items (order_id, description, quantity, unit_price) values ($1, 'bulk line', 10, 5)",
      [id],
    );
    bulk.push(id);
  }

  const item = async (orderId: string, description: string) =>
    (
      await one<{ id: string }>(
        "insert into order_items (order_id, description, quantity, unit_price) values ($1, $2, 100, 12.5) returning id",
        [orderId, description],
      )
    ).id;
  const payment = async (orderId: string, key: string) =>
    (
      await one<{ id: string }>(
        `insert into payments (order_id, amount, currency, method, idempotency_key, status)
         values ($1, 2500, 'USD', 'wire', $2, 'succeeded') returning id`,
        [orderId, key],
      )
    ).id;

  const tokens = await client.query<{ id: string; tracking_token: string }>(
    "select id::text, tracking_token from orders where id = any($1::uuid[])",
    [[a1, b1]],
  );
  const tokenOf = (id: string) => tokens.rows.find((row) => row.id === id)!.tracking_token;

  return {
    users,
    suppliers,
    contacts: CONTACTS,
    orders: { a1, a2, b1, bulk },
    supplierOrders: { a1North, a1South, a2North, b1South },
    prices,
    payments: { a1: await payment(a1, "world-payment-a1"), b1: await payment(b1, "world-payment-b1") },
    items: { a1: await item(a1, "Merino crew, navy"), b1: await item(b1, "Linen shirt, white") },
    trackingTokens: { a1: tokenOf(a1), b1: tokenOf(b1) },
  };
}

// ---------------------------------------------------------------- callers

export type Headers = Record<string, string>;

/**
 * Headers that sign a world user in: an access token from the test server's
 * own token service, carrying the user's roles.
 */
export function signIn(api: { app: { tokens: TokenService } }): (user: WorldUser) => Promise<Headers> {
  return async (user) => {
    const { token } = await api.app.tokens.issueAccessToken({ userId: user.id, roles: user.roles });
    return { authorization: `Bearer ${token}` };
  };
}

/** The field cipher of the test server (no FIELD_ENCRYPTION_KEYS: the development key in `.data/`). */
export function worldCipher(): FieldCipher {
  return createFieldCipher(loadConfig({ NODE_ENV: "test" }));
}

export interface OrderWorldServer {
  db: TestDatabase;
  world: OrderWorld;
  api: ApiServer;
  /** Sign-in headers of a world user (an access token the server accepts). */
  as: (user: WorldUser) => Promise<Headers>;
}

/** The usual start of an API test file: a cloned database with the order world, and a server on it. */
export async function startOrderWorld(options: { bulkOrders?: number } = {}): Promise<OrderWorldServer> {
  const db = await createTestDatabase();
  const world = await withAdminClient(db.adminUrl, (client) =>
    insertOrderWorld(client, worldCipher(), options),
  );
  const api = await startApiServer(db);
  return { db, world, api, as: signIn(api) };
}

/** Its end: the server closed, the database dropped (either may be missing when the start failed). */
export async function stopOrderWorld(started: Partial<Pick<OrderWorldServer, "db" | "api">>): Promise<void> {
  await started.api?.close();
  await started.db?.drop();
}
