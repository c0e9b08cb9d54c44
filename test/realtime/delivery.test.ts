import { adminRows } from "../helpers/database";
import { dataOf, gql } from "../graphql/harness";
import { stopOrderWorld } from "../graphql/orders.scenario";
import {
  ORDER_STATUS_EVENTS,
  type OrderStatusEvent,
  type RealtimeSocket,
  STAGE_EVENTS,
  type StageEvent,
  type Stream,
  gid,
  stageEvent,
  untilLive,
  untilStageLive,
} from "./clients";
import { type RealtimeWorld, startRealtimeWorld, toggleOrderStatus, connectAs } from "./world";

/**
 * Who receives what (issue 11, items 4 and 6), over real WebSockets to the
 * real server, events born in PostgreSQL: a supplier's dashboard receives
 * its stage update made through the API and another supplier's nothing —
 * not even southLoom, a supplier of the same order; a buyer receives its
 * order's stage and status events and not another buyer's; a plain SQL
 * update (no API involved) is delivered like any other. Absence is proven
 * by a marker event committed after the one that must not arrive: the
 * marker's arrival means anything earlier would have arrived before it.
 */

let rt: RealtimeWorld;
const sockets: RealtimeSocket[] = [];

beforeAll(async () => {
  rt = await startRealtimeWorld({ acceptA1South: true });
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});

afterAll(() => stopOrderWorld({ api: rt?.api, db: rt?.db }));

const connect = (user: keyof RealtimeWorld["world"]["users"]) => connectAs(rt, user, sockets);

const UPDATE_STAGE = gql(`
  mutation UpdateStage($input: UpdateProductionStageInput!) {
    updateProductionStage(input: $input) {
      __typename
      ... on UpdateProductionStagePayload { productionStage { id completionPercentage notes } }
      ... on UserError { code message field }
    }
  }`);

/** Fails unless every event `stream` received is about one of `allowedStageIds`. */
function expectOnlyStages(stream: Stream<StageEvent>, allowedStageIds: string[]): void {
  const allowed = new Set(allowedStageIds.map((id) => gid("ProductionStage", id)));
  const strangers = stream.items.filter((event) => !allowed.has(event.stage.id));
  if (strangers.length) throw new Error(`events about stages the caller may not read:${stream.received()}`);
}

/** The database's clock now, in ms: status events changed at or after it were committed after this call. */
async function databaseNow(): Promise<number> {
  const [row] = await adminRows<{ ms: string }>(
    rt.db.adminUrl,
    "select floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text as ms",
  );
  return Number(row!.ms);
}

/**
 * A status event of `orderId`, changed at or after `sinceMs` (status events
 * carry no marker text: the change time tells a marker from the earlier
 * live-check toggles of the same order).
 */
const statusEventOf =
  (orderId: string, sinceMs = 0) =>
  (event: OrderStatusEvent): boolean =>
    event.order.id === orderId && Date.parse(event.changedAt) >= sinceMs;

describe("a supplier's dashboard", () => {
  test("receives its stage update made through updateProductionStage; another supplier's dashboard and order stream receive nothing", async () => {
    const { world, stages, db } = rt;
    const north = (await connect("northOwner")).subscribe<StageEvent>(STAGE_EVENTS, {}, "north dashboard");
    const southSocket = await connect("southOwner");
    const south = southSocket.subscribe<StageEvent>(STAGE_EVENTS, {}, "south dashboard");
    // southLoom supplies order a1 too (a1South), so it may watch a1: still not northKnit's stages.
    const southOnA1 = southSocket.subscribe<StageEvent>(
      STAGE_EVENTS,
      { orderId: gid("Order", world.orders.a1) },
      "south on order a1",
    );
    await untilStageLive(north, db.adminUrl, stages.a1North[7]!);
    await untilStageLive(south, db.adminUrl, stages.b1South[7]!);
    await untilStageLive(southOnA1, db.adminUrl, stages.a1South[7]!);

    const stage = stages.a1North[2]!;
    const updated = dataOf(
      await rt.api.graphql(
        UPDATE_STAGE,
        {
          input: {
            id: gid("ProductionStage", stage),
            completionPercentage: "35",
            notes: "knitting under way",
          },
        },
        { authorization: `Bearer ${await rt.token(world.users.northOwner)}` },
      ),
    ).updateProductionStage;
    expect(updated.__typename).toBe("UpdateProductionStagePayload");

    const event = await north.waitFor(stageEvent(stage, "knitting under way"));
    expect(event).toMatchObject({
      kind: "UPDATED",
      stage: { stageNumber: 3, status: "IN_PROGRESS", completionPercentage: "35.00" },
      order: { id: gid("Order", world.orders.a1) },
    });
    expect(typeof event.cursor).toBe("string");

    // Markers committed after the update: once they arrive, the update would have arrived before them.
    await adminRows(db.adminUrl, "update production_stages set notes = 'south marker' where id = $1", [
      stages.a1South[0],
    ]);
    await south.waitFor(stageEvent(stages.a1South[0]!, "south marker"));
    await southOnA1.waitFor(stageEvent(stages.a1South[0]!, "south marker"));
    expectOnlyStages(south, [...stages.b1South, ...stages.a1South]);
    expectOnlyStages(southOnA1, stages.a1South);
    expect(north.end).toBeUndefined();
  });
});

describe("a buyer", () => {
  test("receives its order's stage and status events, and not another buyer's", async () => {
    const { world, stages, db } = rt;
    const a = await connect("buyerA");
    const b = await connect("buyerB");
    const a1 = gid("Order", world.orders.a1);
    const b1 = gid("Order", world.orders.b1);
    const stagesOfA1 = a.subscribe<StageEvent>(STAGE_EVENTS, { orderId: a1 }, "buyerA stages of a1");
    const statusOfA1 = a.subscribe<OrderStatusEvent>(
      ORDER_STATUS_EVENTS,
      { orderId: a1 },
      "buyerA status of a1",
    );
    const allStatusA = a.subscribe<OrderStatusEvent>(ORDER_STATUS_EVENTS, {}, "buyerA all statuses");
    const allStagesB = b.subscribe<StageEvent>(STAGE_EVENTS, {}, "buyerB all stages");
    const allStatusB = b.subscribe<OrderStatusEvent>(ORDER_STATUS_EVENTS, {}, "buyerB all statuses");

    const toggle = (orderId: string) => async () => void (await toggleOrderStatus(db.adminUrl, orderId));
    await untilStageLive(stagesOfA1, db.adminUrl, stages.a1North[7]!);
    await untilStageLive(allStagesB, db.adminUrl, stages.b1South[7]!);
    await untilLive(statusOfA1, toggle(world.orders.a1), statusEventOf(a1));
    await untilLive(allStatusA, toggle(world.orders.a1), statusEventOf(a1));
    await untilLive(allStatusB, toggle(world.orders.b1), statusEventOf(b1));
    // In production, so that stage 6 under way moves it to quality check (the stage trigger).
    await adminRows(
      db.adminUrl,
      "update orders set status = 'in_production' where id = $1 and status <> 'in_production'",
      [world.orders.a1],
    );
    const beforeUpdate = await databaseNow();

    const stage6 = stages.a1North[5]!;
    const updated = dataOf(
      await rt.api.graphql(
        UPDATE_STAGE,
        {
          input: {
            id: gid("ProductionStage", stage6),
            completionPercentage: "10",
            notes: "inspection started",
          },
        },
        { authorization: `Bearer ${await rt.token(world.users.northOwner)}` },
      ),
    ).updateProductionStage;
    expect(updated.__typename).toBe("UpdateProductionStagePayload");

    expect(await stagesOfA1.waitFor(stageEvent(stage6, "inspection started"))).toMatchObject({
      kind: "UPDATED",
      stage: { stageNumber: 6, completionPercentage: "10.00" },
      order: { id: a1 },
    });
    for (const stream of [statusOfA1, allStatusA]) {
      const event = await stream.waitFor(
        (item) => statusEventOf(a1, beforeUpdate)(item) && item.toStatus === "QUALITY_CHECK",
      );
      expect(event).toMatchObject({
        fromStatus: "IN_PRODUCTION",
        toStatus: "QUALITY_CHECK",
        order: { id: a1, status: "QUALITY_CHECK" },
      });
    }

    // buyerB: markers of its own order, committed after; then nothing of a1 may have arrived.
    const beforeMarkers = await databaseNow();
    await adminRows(db.adminUrl, "update production_stages set notes = 'b marker' where id = $1", [
      stages.b1South[1],
    ]);
    await toggleOrderStatus(db.adminUrl, world.orders.b1);
    await allStagesB.waitFor(stageEvent(stages.b1South[1]!, "b marker"));
    await allStatusB.waitFor(statusEventOf(b1, beforeMarkers));
    expectOnlyStages(allStagesB, stages.b1South);
    expect(allStatusB.items.filter((event) => event.order.id !== b1)).toEqual([]);

    // And the other way round: b1's status change (committed before this marker) never reached buyerA.
    const beforeLastMarker = await databaseNow();
    await toggleOrderStatus(db.adminUrl, world.orders.a1);
    await allStatusA.waitFor(statusEventOf(a1, beforeLastMarker));
    expect(allStatusA.items.filter((event) => event.order.id !== a1)).toEqual([]);
    expect(statusOfA1.items.filter((event) => event.order.id !== a1)).toEqual([]);
    expectOnlyStages(stagesOfA1, [...stages.a1North, ...stages.a1South]);
  });
});

describe("naming another's order or supplier order", () => {
  test("yields none of its events: a buyer on another buyer's order, a supplier on another's supplier order", async () => {
    const { world, stages, db } = rt;
    const b = await connect("buyerB");
    const south = await connect("southOwner");
    const a = await connect("buyerA");
    const watchers = [
      b.subscribe<StageEvent>(STAGE_EVENTS, { orderId: gid("Order", world.orders.a1) }, "buyerB on order a1"),
      south.subscribe<StageEvent>(
        STAGE_EVENTS,
        { supplierOrderId: gid("SupplierOrder", world.supplierOrders.a1North) },
        "southOwner on a1North",
      ),
    ];
    // Each watcher's socket also carries a subscription of its own, for the live check and the marker.
    const ownB = b.subscribe<StageEvent>(STAGE_EVENTS, {}, "buyerB dashboard");
    const ownSouth = south.subscribe<StageEvent>(STAGE_EVENTS, {}, "south dashboard");
    const owner = a.subscribe<StageEvent>(
      STAGE_EVENTS,
      { orderId: gid("Order", world.orders.a1) },
      "buyerA on a1",
    );
    await untilStageLive(ownB, db.adminUrl, stages.b1South[7]!);
    await untilStageLive(ownSouth, db.adminUrl, stages.b1South[7]!);
    await untilStageLive(owner, db.adminUrl, stages.a1North[7]!);

    await adminRows(db.adminUrl, "update production_stages set notes = 'not for B or South' where id = $1", [
      stages.a1North[1],
    ]);
    await owner.waitFor(stageEvent(stages.a1North[1]!, "not for B or South"));
    await adminRows(db.adminUrl, "update production_stages set notes = 'marker after' where id = $1", [
      stages.b1South[2],
    ]);
    await ownB.waitFor(stageEvent(stages.b1South[2]!, "marker after"));
    await ownSouth.waitFor(stageEvent(stages.b1South[2]!, "marker after"));
    for (const watcher of watchers) {
      // Refused at subscribe (an error) or silent: either way, no event of that order.
      expect({ stream: watcher.label, items: watcher.items }).toEqual({ stream: watcher.label, items: [] });
    }
  });
});

describe("a plain SQL update", () => {
  test("is delivered to the supplier and the buyer, one event per stage of a two-stage transaction", async () => {
    const { world, stages, db } = rt;
    const supplier = (await connect("northOwner")).subscribe<StageEvent>(STAGE_EVENTS, {}, "north dashboard");
    const buyer = (await connect("buyerA")).subscribe<StageEvent>(
      STAGE_EVENTS,
      { supplierOrderId: gid("SupplierOrder", world.supplierOrders.a1North) },
      "buyerA on a1North",
    );
    await untilStageLive(supplier, db.adminUrl, stages.a1North[7]!);
    await untilStageLive(buyer, db.adminUrl, stages.a1North[7]!);

    // The migrator's connection, no API: a job, a psql session, another service.
    const [first, second] = [stages.a1North[3]!, stages.a1North[4]!];
    await adminRows(
      db.adminUrl,
      `with changed as (
         update production_stages
            set completion_percentage = case id when $1::uuid then 20 else 5 end,
                notes = case id when $1::uuid then 'sql first' else 'sql second' end
          where id in ($1::uuid, $2::uuid) returning id)
       select count(*) from changed`,
      [first, second],
    );
    for (const stream of [supplier, buyer]) {
      expect(await stream.waitFor(stageEvent(first, "sql first"))).toMatchObject({
        kind: "UPDATED",
        stage: { completionPercentage: "20.00", status: "IN_PROGRESS" },
      });
      expect(await stream.waitFor(stageEvent(second, "sql second"))).toMatchObject({
        stage: { completionPercentage: "5.00" },
      });
    }
  });
});
