import { adminRows, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, startApiServer } from "../graphql/harness";
import {
  type OrderWorldServer,
  type WorldUser,
  insertOrderWorld,
  signIn,
  worldCipher,
} from "../graphql/orders.scenario";
import { type RealtimeSocket, openSocket, stageIdsOf } from "./clients";

/**
 * The order world of the API tests (test/graphql/orders.scenario.ts) with
 * what the realtime tests need beside it: every accepted supplier order's
 * stage ids, and access tokens the server accepts.
 *
 *   a1North  northKnit's supplier order on buyerA's order a1 (accepted: 8 stages)
 *   a1South  southLoom's on a1 — accepted here too (`acceptA1South`), so
 *            southLoom is a supplier of a1 and still must not see northKnit's stages
 *   b1South  southLoom's on buyerB's order b1
 *   bulk[i]  northKnit's on buyerA's bulk orders (one order each: no shared order lock)
 */
export interface RealtimeWorld extends OrderWorldServer {
  stages: { a1North: string[]; a1South: string[]; b1South: string[]; bulk: string[][] };
  bulkSupplierOrders: string[];
  token(user: WorldUser): Promise<string>;
}

export async function startRealtimeWorld(
  options: { bulkOrders?: number; acceptA1South?: boolean; serverEnv?: Record<string, string> } = {},
): Promise<RealtimeWorld> {
  // startOrderWorld's steps, with the server's environment open to the test.
  const db = await createTestDatabase();
  const world = await withAdminClient(db.adminUrl, (client) =>
    insertOrderWorld(client, worldCipher(), { bulkOrders: options.bulkOrders ?? 0 }),
  );
  const api = await startApiServer(db, { env: options.serverEnv ?? {} });
  const started: OrderWorldServer = { db, world, api, as: signIn(api) };
  if (options.acceptA1South) {
    await adminRows(db.adminUrl, "update supplier_orders set acceptance_status = 'accepted' where id = $1", [
      world.supplierOrders.a1South,
    ]);
  }
  const bulkSupplierOrders: string[] = [];
  for (const orderId of world.orders.bulk) {
    const [row] = await adminRows<{ id: string }>(
      db.adminUrl,
      "select id::text from supplier_orders where buyer_order_id = $1",
      [orderId],
    );
    bulkSupplierOrders.push(row!.id);
  }
  const bulk: string[][] = [];
  for (const id of bulkSupplierOrders) bulk.push(await stageIdsOf(db.adminUrl, id));
  return {
    ...started,
    bulkSupplierOrders,
    stages: {
      a1North: await stageIdsOf(db.adminUrl, world.supplierOrders.a1North),
      a1South: options.acceptA1South ? await stageIdsOf(db.adminUrl, world.supplierOrders.a1South) : [],
      b1South: await stageIdsOf(db.adminUrl, world.supplierOrders.b1South),
      bulk,
    },
    token: tokenFor(started.api),
  };
}

/** An access token of `user` signed by the server's own token service. */
export function tokenFor(api: Pick<ApiServer, "app">): (user: WorldUser) => Promise<string> {
  return async (user) =>
    (await api.app.tokens.issueAccessToken({ userId: user.id, roles: user.roles })).token;
}

/** The order's status as SQL holds it. */
export async function orderStatusOf(adminUrl: string, orderId: string): Promise<string> {
  const [row] = await adminRows<{ status: string }>(
    adminUrl,
    "select status::text from orders where id = $1",
    [orderId],
  );
  return row!.status;
}

/**
 * An order status change written as plain SQL: in_production <-> quality_check
 * (both allowed by the workflow), so it can be repeated. Returns the new status.
 */
export async function toggleOrderStatus(adminUrl: string, orderId: string): Promise<string> {
  const [row] = await adminRows<{ status: string }>(
    adminUrl,
    `update orders set status = case status when 'in_production' then 'quality_check'::order_status
                                            else 'in_production'::order_status end
      where id = $1 and status in ('in_production', 'quality_check') returning status::text`,
    [orderId],
  );
  if (!row) throw new Error(`order ${orderId} is neither in production nor in quality check`);
  return row.status;
}

/**
 * A graphql-ws socket of `user` on the world's server, connected (acknowledged);
 * `opened` collects it for the test file's cleanup.
 */
export async function connectAs(
  rt: RealtimeWorld,
  user: keyof RealtimeWorld["world"]["users"],
  opened: RealtimeSocket[],
  label: string = user,
): Promise<RealtimeSocket> {
  const socket = openSocket(rt.api.url, {
    serverLogs: () => rt.api.logs,
    token: await rt.token(rt.world.users[user]),
    label,
  });
  opened.push(socket);
  await socket.connected;
  return socket;
}
