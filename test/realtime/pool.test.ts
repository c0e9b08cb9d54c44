import { adminRows, withAdminClient } from "../helpers/database";
import { dataOf, gql } from "../graphql/harness";
import { stopOrderWorld } from "../graphql/orders.scenario";
import {
  type RealtimeSocket,
  STAGE_EVENTS,
  type StageEvent,
  gid,
  openSocket,
  stageEvent,
  touchStage,
  untilStageLive,
} from "./clients";
import { type RealtimeWorld, startRealtimeWorld } from "./world";

/**
 * An event committed while the request pool is exhausted (TRAPS.md: test
 * pool exhaustion) is delivered late, not lost. Each event is resolved for
 * its audience in a transaction from the request pool; when every pooled
 * connection is busy for longer than the pool's acquisition timeout, the
 * resolution must wait (or be retried), and the subscriber must never get an
 * error result in place of an event it can neither identify nor resume from
 * (it has no cursor), while its stream goes on as if nothing was missing.
 *
 * Made deterministic with a pool of one connection and a 500 ms acquisition
 * timeout: an updateProductionStage request holds the only connection,
 * blocked on a row lock the test holds, while another stage's update commits.
 *
 * FAILS against the server as of 4ff9aee (reported to the realtime lead, not
 * a test defect): src/realtime/shared-execution.ts executeEvent turns the
 * pool's "timeout exceeded when trying to connect" into an INTERNAL_SERVER_ERROR
 * result for the subscriber and the stream continues without the event. The
 * benchmark shows the same under load (bench/results/realtime.json: missing
 * deliveries at 50 and 100 updates/s).
 */

const ACQUIRE_TIMEOUT_MS = 500;

let rt: RealtimeWorld;
let socket: RealtimeSocket | undefined;

beforeAll(async () => {
  rt = await startRealtimeWorld({
    bulkOrders: 1,
    serverEnv: { DATABASE_POOL_MAX: "1", DATABASE_POOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS) },
  });
});

afterAll(async () => {
  await socket?.dispose();
  await stopOrderWorld({ api: rt?.api, db: rt?.db });
});

const UPDATE_STAGE = gql(`
  mutation UpdateStage($input: UpdateProductionStageInput!) {
    updateProductionStage(input: $input) { __typename }
  }`);

test("an event committed while every pooled connection is busy arrives once the pool frees up, with no error result", async () => {
  const { db, stages, world } = rt;
  const locked = stages.a1North[0]!;
  const duringOutage = stages.bulk[0]![0]!; // another order: no lock in common with the blocked request
  const marker = stages.bulk[0]![1]!;
  socket = openSocket(rt.api.url, {
    serverLogs: () => rt.api.logs,
    token: await rt.token(world.users.northOwner),
    label: "north",
  });
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
      { input: { id: gid("ProductionStage", locked), notes: "through the busy pool" } },
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

    await touchStage(db.adminUrl, duringOutage, "committed while the pool was busy");
    // Time is what is under test: the event's resolution waits longer than the acquisition timeout.
    await new Promise((resolve) => setTimeout(resolve, 4 * ACQUIRE_TIMEOUT_MS));
    await holder.query("rollback");
    expect(dataOf(await blocked).updateProductionStage.__typename).toBe("UpdateProductionStagePayload");
  });

  await touchStage(db.adminUrl, marker, "after the pool freed up");
  await dashboard.waitFor(stageEvent(marker, "after the pool freed up"));
  const position = (matches: (event: StageEvent) => boolean) => dashboard.items.findIndex(matches);
  const got = {
    errorResults: dashboard.errors.length,
    committedWhileBusy: position(stageEvent(duringOutage, "committed while the pool was busy")) >= 0,
    blockedRequestsUpdate: position(stageEvent(locked, "through the busy pool")) >= 0,
  };
  if (got.errorResults || !got.committedWhileBusy || !got.blockedRequestsUpdate) {
    throw new Error(`events lost while the pool was busy: ${JSON.stringify(got)}${dashboard.received()}`);
  }
  expect(position(stageEvent(duringOutage))).toBeLessThan(position(stageEvent(marker)));
});

async function until(done: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
