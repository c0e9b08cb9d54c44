import { adminRows } from "../helpers/database";
import { stopOrderWorld } from "../graphql/orders.scenario";
import {
  type RealtimeSocket,
  STAGE_EVENTS,
  type StageEvent,
  openSocket,
  stageEvent,
  touchStage,
  untilStageLive,
} from "./clients";
import { type RealtimeWorld, startRealtimeWorld } from "./world";

/**
 * A database set to `loomline.realtime_notify = off` (migration 017: no
 * NOTIFY, for write throughput) still delivers every event: the instance
 * reads the log every REALTIME_POLL_INTERVAL_MS instead of on a wake-up.
 */

let rt: RealtimeWorld;
let socket: RealtimeSocket | undefined;

beforeAll(async () => {
  rt = await startRealtimeWorld({ serverEnv: { REALTIME_POLL_INTERVAL_MS: "100" } });
  const [{ db }] = await adminRows<{ db: string }>(rt.db.adminUrl, "select current_database() as db");
  await adminRows(rt.db.adminUrl, `alter database "${db!}" set loomline.realtime_notify = 'off'`);
});

afterAll(async () => {
  await socket?.dispose();
  await stopOrderWorld({ api: rt?.api, db: rt?.db });
});

test("events arrive by polling when the database does not NOTIFY", async () => {
  const [live, stage] = rt.stages.a1North;
  socket = openSocket(rt.api.url, {
    serverLogs: () => rt.api.logs,
    token: await rt.token(rt.world.users.northOwner),
  });
  await socket.connected;
  const stream = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, "north dashboard");
  await untilStageLive(stream, rt.db.adminUrl, live!);
  // New sessions take the database's setting: this update sends no NOTIFY.
  const [{ setting }] = await adminRows<{ setting: string }>(
    rt.db.adminUrl,
    "select current_setting('loomline.realtime_notify', true) as setting",
  );
  expect(setting).toBe("off");
  await touchStage(rt.db.adminUrl, stage!, "polled");
  await stream.waitFor(stageEvent(stage!, "polled"));
});
