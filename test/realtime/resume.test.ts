import { withAdminClient } from "../helpers/database";
import { stopOrderWorld } from "../graphql/orders.scenario";
import {
  type RealtimeSocket,
  STAGE_EVENTS,
  type StageEvent,
  type Stream,
  gid,
  openSocket,
  stageEvent,
  touchStage,
  untilStageLive,
} from "./clients";
import { type RealtimeWorld, startRealtimeWorld, connectAs } from "./world";

/**
 * Resuming a stream with `after:` (issue 11, item 2): exactly the events the
 * client missed, in commit order, none lost, none twice — also when two
 * transactions commit in the opposite order of their event ids (an id
 * cursor would skip the lower one forever).
 *
 * Stage events carry the stage as it is when delivered (resolved then, under
 * the subscriber's identity), so an event is told apart by its stage: every
 * update below touches a stage of its own, and the stages sit on different
 * orders where two transactions must overlap (a stage update locks its order).
 */

let rt: RealtimeWorld;
const sockets: RealtimeSocket[] = [];

beforeAll(async () => {
  // 3 bulk orders of northKnit: 24 more stages, each order its own lock.
  rt = await startRealtimeWorld({ bulkOrders: 3 });
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});

afterAll(() => stopOrderWorld({ api: rt?.api, db: rt?.db }));

const northSocket = (label: string) => connectAs(rt, "northOwner", sockets, label);

/**
 * What identifies a delivered stage event here: its stage and kind. Not the
 * notes: a replayed event shows the stage as it is now, and the live checks
 * touch one stage several times.
 */
const identity = (event: StageEvent) => `${event.stage.id} ${event.kind}`;

/** Items of `stream` up to and including the first that `isLast` matches (waits for it). */
async function itemsThrough(stream: Stream<StageEvent>, isLast: (event: StageEvent) => boolean) {
  const last = await stream.waitFor(isLast);
  return stream.items.slice(0, stream.items.indexOf(last) + 1);
}

/** Identities in a canonical order: the same events, whatever order they came in. */
const sameEvents = (events: StageEvent[]) => events.map(identity).sort();

/**
 * Each of `streams` resumed after `delivered[i]`: commits one more update of
 * `endStage` and checks that stream i received exactly the events after
 * `delivered[i]` — the same events, none missing, none twice — and then
 * that update, last. Returns what each received.
 *
 * The same events, not necessarily in the live stream's order: two
 * transactions that overlapped (neither waited for the other) may be
 * replayed in id order within the interval that holds both (017: "within an
 * interval rows go by id"); updates of one row, or of one order, wait for
 * each other and keep their order.
 */
async function resumeEach(
  streams: Stream<StageEvent>[],
  delivered: StageEvent[],
  endStage: string,
  endNotes: string,
  label: string,
): Promise<StageEvent[][]> {
  await touchStage(rt.db.adminUrl, endStage, endNotes);
  const received: StageEvent[][] = [];
  for (const [index, stream] of streams.entries()) {
    const got = await itemsThrough(stream, stageEvent(endStage, endNotes));
    expect({ after: `${label} #${index}`, events: sameEvents(got.slice(0, -1)) }).toEqual({
      after: `${label} #${index}`,
      events: sameEvents(delivered.slice(index + 1)),
    });
    received.push(got);
  }
  return received;
}

describe("after: resumes in commit order", () => {
  test("two overlapping transactions: the later id commits first; resuming from every delivered cursor yields exactly what followed it", async () => {
    const { db, stages } = rt;
    const live = (await northSocket("live")).subscribe<StageEvent>(STAGE_EVENTS, {}, "north dashboard");
    await untilStageLive(live, db.adminUrl, stages.a1North[7]!);

    const x = stages.bulk[0]![1]!; // order bulk[0]
    const y = stages.bulk[1]![1]!; // order bulk[1]: T2 does not wait for T1's order lock
    await withAdminClient(db.adminUrl, async (t1) => {
      await t1.query("begin");
      await t1.query("update production_stages set notes = 'x from T1' where id = $1", [x]);
      // T1 holds the lower event id and stays open while T2 writes, commits, and is delivered.
      await touchStage(db.adminUrl, y, "y from T2");
      await live.waitFor(stageEvent(y, "y from T2"));
      expect(live.items.filter(stageEvent(x))).toEqual([]);
      await t1.query("commit");
    });
    await live.waitFor(stageEvent(x, "x from T1"));
    // The last event of the original stream, committed while it is still live.
    await touchStage(db.adminUrl, stages.bulk[2]![0]!, "closing marker");
    const original = await itemsThrough(live, stageEvent(stages.bulk[2]![0]!, "closing marker"));
    const positionOfY = original.findIndex(stageEvent(y));
    expect(positionOfY).toBeGreaterThanOrEqual(0);
    expect(original.findIndex(stageEvent(x))).toBeGreaterThan(positionOfY);
    live.unsubscribe();

    // Resume from each delivered cursor (on a new socket: the old one is gone); one more
    // event, committed after, ends each stream.
    const resumedSocket = await northSocket("resumed");
    const resumed = original.map((event, index) =>
      resumedSocket.subscribe<StageEvent>(STAGE_EVENTS, { after: event.cursor }, `resumed after #${index}`),
    );
    const replays = await resumeEach(resumed, original, stages.bulk[2]![1]!, "after resuming", "live");

    // The cursors of a replay resume just as well: from each, exactly the rest of that replay.
    const chain = replays[0]!;
    const chained = chain.map((event, index) =>
      resumedSocket.subscribe<StageEvent>(STAGE_EVENTS, { after: event.cursor }, `chained after #${index}`),
    );
    await resumeEach(chained, chain, stages.bulk[2]![2]!, "after chaining", "replayed");

    // Resuming after Y in particular: X (the lower id, committed later) comes, Y does not come again.
    const afterY = resumed[positionOfY]!;
    expect(afterY.items.filter(stageEvent(y))).toEqual([]);
    expect(afterY.items.filter(stageEvent(x))).toHaveLength(1);
  });

  test("a client that disconnects and misses 20 updates receives exactly those 20, in order, then live ones", async () => {
    const { db, stages } = rt;
    const first = await northSocket("before the outage");
    const live = first.subscribe<StageEvent>(STAGE_EVENTS, {}, "north dashboard");
    await untilStageLive(live, db.adminUrl, stages.a1North[7]!);
    await touchStage(db.adminUrl, stages.a1North[6]!, "last seen");
    const lastSeen = await live.waitFor(stageEvent(stages.a1North[6]!, "last seen"));
    await first.dispose();

    // 20 stages of three orders, one update each, in this commit order.
    const missed = [...stages.bulk[0]!, ...stages.bulk[1]!, ...stages.bulk[2]!.slice(0, 4)];
    expect(missed).toHaveLength(20);
    for (const [index, stage] of missed.entries())
      await touchStage(db.adminUrl, stage, `missed ${index + 1}`);

    const resumed = (await northSocket("after the outage")).subscribe<StageEvent>(
      STAGE_EVENTS,
      { after: lastSeen.cursor },
      "resumed dashboard",
    );
    const replayed = await itemsThrough(resumed, stageEvent(missed[19]!, "missed 20"));
    expect(replayed.map((event) => `${identity(event)} ${event.stage.notes}`)).toEqual(
      missed.map((stage, index) => `${gid("ProductionStage", stage)} UPDATED missed ${index + 1}`),
    );

    // Then live: the next update arrives after them, and nothing else came in between.
    await touchStage(db.adminUrl, stages.bulk[2]![7]!, "live again");
    const all = await itemsThrough(resumed, stageEvent(stages.bulk[2]![7]!, "live again"));
    expect(all.slice(20).map(identity)).toEqual([`${gid("ProductionStage", stages.bulk[2]![7]!)} UPDATED`]);
    // Every cursor differs: a client can resume from any of them.
    expect(new Set(all.map((event) => event.cursor)).size).toBe(all.length);
  });

  test("a replay carries only what the subscriber may read", async () => {
    const { db, stages, world } = rt;
    const socket = openSocket(rt.api.url, {
      serverLogs: () => rt.api.logs,
      token: await rt.token(world.users.buyerB),
      label: "buyerB",
    });
    sockets.push(socket);
    await socket.connected;
    const live = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, "buyerB dashboard");
    await untilStageLive(live, db.adminUrl, stages.b1South[7]!);
    // Committed after every live check: the last event before leaving.
    await touchStage(db.adminUrl, stages.b1South[6]!, "last seen by B");
    const lastSeen = await live.waitFor(stageEvent(stages.b1South[6]!, "last seen by B"));
    live.unsubscribe();

    // While away: buyerA's orders change (not buyerB's to read), then buyerB's own.
    await touchStage(db.adminUrl, stages.a1North[5]!, "buyerA's, while B was away");
    await touchStage(db.adminUrl, stages.bulk[0]![5]!, "buyerA's too");
    await touchStage(db.adminUrl, stages.b1South[3]!, "buyerB's, while away");

    const resumed = socket.subscribe<StageEvent>(STAGE_EVENTS, { after: lastSeen.cursor }, "buyerB resumed");
    await touchStage(db.adminUrl, stages.b1South[4]!, "buyerB's, live");
    const got = await itemsThrough(resumed, stageEvent(stages.b1South[4]!, "buyerB's, live"));
    expect(got.map((event) => `${identity(event)} ${event.stage.notes}`)).toEqual([
      `${gid("ProductionStage", stages.b1South[3]!)} UPDATED buyerB's, while away`,
      `${gid("ProductionStage", stages.b1South[4]!)} UPDATED buyerB's, live`,
    ]);
  });

  test("a cursor that is not one of the server's is refused with BAD_USER_INPUT", async () => {
    const socket = await northSocket("forged cursor");
    for (const after of ["not-a-cursor", Buffer.from("v1|1:1:|1:1:|1|0").toString("base64url")]) {
      const stream = socket.subscribe<StageEvent>(STAGE_EVENTS, { after }, `after ${after}`);
      await stream.ended();
      expect(stream.items).toEqual([]);
      expect(JSON.stringify(stream.errors)).toMatch(/BAD_USER_INPUT/);
    }
  });
});
