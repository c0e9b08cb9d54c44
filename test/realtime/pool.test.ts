import { adminRows, withAdminClient } from "../helpers/database";
import { dataOf, gql } from "../graphql/harness";
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
import { type RealtimeWorld, startRealtimeWorld } from "./world";

/**
 * An event committed while the request pool is exhausted (TRAPS.md: test
 * pool exhaustion) is not lost. Each event is resolved for its audience in a
 * transaction from the request pool; when every pooled connection stays busy
 * longer than the pool's acquisition timeout, the server may deliver the
 * event late on the same stream, or end the stream with SERVICE_UNAVAILABLE
 * so that the client resumes from its last cursor — but never send an error
 * result in place of the event and go on (the client could neither tell what
 * it missed nor resume: the old behaviour, fixed in 43c8370 after this test
 * caught it).
 *
 * Made deterministic with a pool of one connection and a 500 ms acquisition
 * timeout: an updateProductionStage request holds the only connection,
 * blocked on a row lock the test holds, while another stage's update
 * commits; held for a short and for a long time (within and beyond whatever
 * retrying the server does).
 */

const ACQUIRE_TIMEOUT_MS = 500;

let rt: RealtimeWorld;
const sockets: RealtimeSocket[] = [];

beforeAll(async () => {
  rt = await startRealtimeWorld({
    bulkOrders: 1,
    serverEnv: { DATABASE_POOL_MAX: "1", DATABASE_POOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS) },
  });
});

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await stopOrderWorld({ api: rt?.api, db: rt?.db });
});

const UPDATE_STAGE = gql(`
  mutation UpdateStage($input: UpdateProductionStageInput!) {
    updateProductionStage(input: $input) { __typename }
  }`);

test.each([
  ["briefly", 2, 0],
  ["for long", 10, 2],
])(
  "an event committed while every pooled connection is busy (%s) is delivered late or resumable, never replaced by an error",
  async (_how, holdTimeouts, slot) => {
    const { db, stages, world } = rt;
    const locked = stages.a1North[slot]!;
    // Another order: no lock in common with the blocked request.
    const duringOutage = stages.bulk[0]![slot]!;
    const marker = stages.bulk[0]![slot + 1]!;
    const notes = { blocked: `blocked ${slot}`, during: `while busy ${slot}`, marker: `after ${slot}` };
    const socket = openSocket(rt.api.url, {
      serverLogs: () => rt.api.logs,
      token: await rt.token(world.users.northOwner),
      label: "north",
    });
    sockets.push(socket);
    await socket.connected;
    const dashboard = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, "north dashboard");
    dashboard.endOnErrorResult = false; // what follows an error result is the point here
    await untilStageLive(dashboard, db.adminUrl, stages.a1North[7]!);

    await withAdminClient(db.adminUrl, async (holder) => {
      await holder.query("begin");
      await holder.query("select 1 from production_stages where id = $1 for update", [locked]);
      // The request takes the pool's only connection and waits for the row lock.
      const blocked = rt.api.graphql(
        UPDATE_STAGE,
        { input: { id: gid("ProductionStage", locked), notes: notes.blocked } },
        { authorization: `Bearer ${await rt.token(world.users.northOwner)}` },
      );
      await until(async () => {
        const [row] = await adminRows<{ n: number }>(
          db.adminUrl,
          `select count(*)::int as n from pg_stat_activity
            where usename = 'loomline_api' and wait_event_type = 'Lock'`,
        );
        return row!.n === 1;
      }, "the request waiting for the row lock");

      await touchStage(db.adminUrl, duringOutage, notes.during);
      // Time is what is under test: the event's resolution waits longer than the acquisition timeout.
      await new Promise((resolve) => setTimeout(resolve, holdTimeouts * ACQUIRE_TIMEOUT_MS));
      await holder.query("rollback");
      expect(dataOf(await blocked).updateProductionStage.__typename).toBe("UpdateProductionStagePayload");
    });
    await touchStage(db.adminUrl, marker, notes.marker);

    let received: Stream<StageEvent> = dashboard;
    try {
      await dashboard.waitFor(stageEvent(marker, notes.marker));
    } catch (error) {
      if (!dashboard.end) throw error;
      // Ended: it must say so in a way a client acts on, and the last cursor must bring back the rest.
      expect(JSON.stringify(dashboard.errors)).toMatch(/SERVICE_UNAVAILABLE/);
      received = socket.subscribe<StageEvent>(
        STAGE_EVENTS,
        { after: dashboard.items.at(-1)!.cursor },
        "north dashboard, resumed",
      );
      await received.waitFor(stageEvent(marker, notes.marker));
    }
    const position = (matches: (event: StageEvent) => boolean) => received.items.findIndex(matches);
    const got = {
      errorResultsOnALiveStream: received === dashboard ? dashboard.errors.length : received.errors.length,
      committedWhileBusy: position(stageEvent(duringOutage, notes.during)) >= 0,
      blockedRequestsUpdate: position(stageEvent(locked, notes.blocked)) >= 0,
    };
    if (got.errorResultsOnALiveStream || !got.committedWhileBusy || !got.blockedRequestsUpdate) {
      throw new Error(`events lost while the pool was busy: ${JSON.stringify(got)}${received.received()}`);
    }
    expect(position(stageEvent(duringOutage))).toBeLessThan(position(stageEvent(marker)));
  },
);

async function until(done: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
