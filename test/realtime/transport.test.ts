import { runInNewContext } from "node:vm";
import v8 from "node:v8";
import { dataOf, gql } from "../graphql/harness";
import { stopOrderWorld } from "../graphql/orders.scenario";
import {
  DELIVERY_TIMEOUT_MS,
  type RealtimeSocket,
  STAGE_EVENTS,
  type StageEvent,
  type Stream,
  closeCodeOf,
  gid,
  openSocket,
  sseSubscribe,
  stageEvent,
  touchStage,
  untilStageLive,
} from "./clients";
import { type RealtimeWorld, startRealtimeWorld } from "./world";

/**
 * The transports (issue 11, item 5): Server-Sent Events deliver a stage
 * event like the WebSocket does; the upgrade request's Authorization header
 * authenticates a socket as well as connectionParams; a subscription
 * without credentials delivers nothing; and closing subscriptions frees
 * what they held — 1,000 subscribe/unsubscribe cycles on one socket leave
 * the server's registry empty and the heap where it was.
 */

let rt: RealtimeWorld;
const sockets: RealtimeSocket[] = [];

beforeAll(async () => {
  rt = await startRealtimeWorld();
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});

afterAll(() => stopOrderWorld({ api: rt?.api, db: rt?.db }));

const UPDATE_STAGE = gql(`
  mutation UpdateStage($input: UpdateProductionStageInput!) {
    updateProductionStage(input: $input) { __typename }
  }`);

type RealtimeStats = ReturnType<RealtimeWorld["api"]["app"]["realtime"]["stats"]>;

/**
 * The server's registry: `subscriptions` live, and the routing indexes
 * (`users`, `suppliers`: one entry per audience key) that must empty with them.
 */
const stats = (): RealtimeStats => rt.api.app.realtime.stats();

/** Waits until the registry satisfies `done` (polled: the registry has no event to wait on). */
async function registryUntil(done: (current: RealtimeStats) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  while (!done(stats())) {
    if (Date.now() > deadline) throw new Error(`registry never reached ${what}: ${JSON.stringify(stats())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("Server-Sent Events", () => {
  test("deliver a stage event to a buyer, authenticated by the Authorization header", async () => {
    const { world, stages, db } = rt;
    const headers = { authorization: `Bearer ${await rt.token(world.users.buyerA)}` };
    const stream = sseSubscribe<StageEvent>(
      rt.api.url,
      STAGE_EVENTS,
      { orderId: gid("Order", world.orders.a1) },
      headers,
      "buyerA over SSE",
    );
    try {
      const response = await stream.response;
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      await untilStageLive(stream, db.adminUrl, stages.a1North[7]!);

      const updated = dataOf(
        await rt.api.graphql(
          UPDATE_STAGE,
          {
            input: {
              id: gid("ProductionStage", stages.a1North[2]!),
              completionPercentage: "12",
              notes: "over SSE",
            },
          },
          { authorization: `Bearer ${await rt.token(world.users.northOwner)}` },
        ),
      ).updateProductionStage;
      expect(updated.__typename).toBe("UpdateProductionStagePayload");
      expect(await stream.waitFor(stageEvent(stages.a1North[2]!, "over SSE"))).toMatchObject({
        kind: "UPDATED",
        stage: { stageNumber: 3, completionPercentage: "12.00" },
        order: { id: gid("Order", world.orders.a1) },
      });
    } finally {
      stream.unsubscribe();
    }
  });

  test("without credentials deliver nothing: the subscription fails", async () => {
    const stream = sseSubscribe<StageEvent>(rt.api.url, STAGE_EVENTS, {}, {}, "anonymous SSE");
    const end = await stream.ended();
    expect(end.completed).toBe(false);
    expect(stream.items).toEqual([]);
    expect(JSON.stringify(stream.errors)).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });
});

describe("graphql-ws", () => {
  test("the upgrade request's Authorization header authenticates the socket", async () => {
    const { world, stages, db } = rt;
    const socket = openSocket(rt.api.url, {
      serverLogs: () => rt.api.logs,
      token: await rt.token(world.users.northOwner),
      tokenIn: "header",
      label: "header-authenticated",
    });
    sockets.push(socket);
    await socket.connected;
    const dashboard = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, "north dashboard");
    await untilStageLive(dashboard, db.adminUrl, stages.a1North[7]!);
    await touchStage(db.adminUrl, stages.a1North[3]!, "header auth");
    await dashboard.waitFor(stageEvent(stages.a1North[3]!, "header auth"));
  });

  test("a subscription without credentials delivers nothing: refused or closed", async () => {
    const { stages, db } = rt;
    const socket = openSocket(rt.api.url, { serverLogs: () => rt.api.logs, label: "anonymous" });
    sockets.push(socket);
    const stream = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, "anonymous dashboard");
    await touchStage(db.adminUrl, stages.a1North[4]!, "for nobody");
    const end = await stream.ended();
    expect(end.completed).toBe(false);
    const code = closeCodeOf(end);
    if (code === undefined) expect(JSON.stringify(stream.errors)).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    else expect([4401, 4403]).toContain(code);
    expect(stream.items).toEqual([]);
  });

  test("1,000 subscribe/unsubscribe cycles on one socket leave nothing registered and no heap growth", async () => {
    const { world, stages, db } = rt;
    const socket = openSocket(rt.api.url, {
      serverLogs: () => rt.api.logs,
      token: await rt.token(world.users.northOwner),
      label: "churn",
    });
    sockets.push(socket);
    await socket.connected;
    await registryUntil((current) => current.subscriptions === 0, "no subscription before the cycles");
    const gc = exposeGc();

    const BATCH = 50;
    const cycles = async (count: number) => {
      for (let done = 0; done < count; done += BATCH) {
        const batch: Stream<StageEvent>[] = [];
        for (let i = 0; i < BATCH; i++) {
          // Alternating shapes: the dashboard, one order, one supplier order.
          const variables =
            i % 3 === 0
              ? {}
              : i % 3 === 1
                ? { orderId: gid("Order", world.orders.a1) }
                : { supplierOrderId: gid("SupplierOrder", world.supplierOrders.a1North) };
          batch.push(socket.subscribe<StageEvent>(STAGE_EVENTS, variables, `churn ${done + i}`));
        }
        await registryUntil((current) => current.subscriptions === BATCH, `${BATCH} subscriptions`);
        for (const stream of batch) stream.unsubscribe();
        await registryUntil((current) => current.subscriptions === 0, "0 subscriptions");
      }
    };

    await cycles(100); // warm-up: caches, JIT, pools
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    await cycles(1_000);
    await registryUntil(
      (current) => current.subscriptions === 0 && current.users === 0 && current.suppliers === 0,
      "no subscription and no routing entry",
    );
    gc();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    // Loose: client and server share this heap; a leak of a few KB per cycle would pass 5 MB.
    expect(growth).toBeLessThan(5 * 1024 * 1024);

    // The socket is still good for real work.
    expect(socket.closeInfo).toBeUndefined();
    const dashboard = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, "after the churn");
    await untilStageLive(dashboard, db.adminUrl, stages.a1North[7]!);
    expect(stats()).toMatchObject({ subscriptions: 1, suppliers: 1, connected: true });
  });
});

/** The V8 collector, whether or not the process was started with --expose-gc. */
function exposeGc(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
