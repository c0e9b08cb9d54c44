import WebSocket from "ws";
import { stopOrderWorld } from "../graphql/orders.scenario";
import {
  type RealtimeSocket,
  STAGE_EVENTS,
  type StageEvent,
  type Stream,
  stageEvent,
  touchStage,
  untilStageLive,
  webSocketUrl,
} from "./clients";
import { type RealtimeWorld, startRealtimeWorld, connectAs } from "./world";

/**
 * The socket's limits (issue 11, item 5) and the promise of item 4: a
 * frame over the limit closes the socket (1009), a socket that never sends
 * `connection_init` is closed with 4408, a socket holds a bounded number of
 * operations; and an event costs the same SQL whether one dashboard of a
 * supplier watches it or twenty-four (across several sockets) do — each
 * event is resolved once per audience.
 */

const INIT_TIMEOUT_MS = 500;
const MAX_PER_SOCKET = 3;

let rt: RealtimeWorld;
const sockets: RealtimeSocket[] = [];

beforeAll(async () => {
  rt = await startRealtimeWorld({
    serverEnv: {
      REALTIME_CONNECTION_INIT_TIMEOUT_MS: String(INIT_TIMEOUT_MS),
      REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET: String(MAX_PER_SOCKET),
    },
  });
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});

afterAll(() => stopOrderWorld({ api: rt?.api, db: rt?.db }));

const supplierSocket = (label: string) => connectAs(rt, "northOwner", sockets, label);

/** A raw socket speaking graphql-transport-ws, and its close. */
function rawSocket(): { socket: WebSocket; closed: Promise<{ code: number; reason: string }> } {
  const socket = new WebSocket(webSocketUrl(rt.api.url), "graphql-transport-ws");
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on("error", () => undefined); // the close is what the tests read
  return { socket, closed };
}

test("a socket that sends no connection_init is closed with 4408", async () => {
  const { closed } = rawSocket();
  expect((await closed).code).toBe(4408);
});

test("a frame over the limit closes the socket with 1009 (message too big)", async () => {
  const { socket, closed } = rawSocket();
  await new Promise((resolve) => socket.once("open", resolve));
  socket.send(JSON.stringify({ type: "connection_init", payload: { padding: "x".repeat(100 * 1024) } }));
  expect((await closed).code).toBe(1009);
});

test("a socket holds at most the configured number of operations", async () => {
  const socket = await supplierSocket("north");
  const streams = Array.from({ length: MAX_PER_SOCKET + 1 }, (_, index) =>
    socket.subscribe<StageEvent>(STAGE_EVENTS, {}, `north #${index}`),
  );
  const refused = streams[MAX_PER_SOCKET]!;
  const end = await refused.ended();
  expect(end).toMatchObject({
    completed: false,
    error: [expect.objectContaining({ extensions: { code: "RATE_LIMITED" } })],
  });
  // The others stay live.
  const stage = rt.stages.a1North[0]!;
  await untilStageLive(streams[0]!, rt.db.adminUrl, stage);
  await touchStage(rt.db.adminUrl, stage, "after the refusal");
  for (const stream of streams.slice(0, MAX_PER_SOCKET))
    await stream.waitFor(stageEvent(stage, "after the refusal"));
});

test("an event costs the same SQL for twenty-four dashboards of one supplier as for one", async () => {
  const [live, ...fresh] = rt.stages.a1North.slice(1);
  /**
   * Request-pool statements (not the listener's) spent on one event until
   * every stream has it. Each event is about a stage touched only once: a
   * payload is read when it is delivered, so a late event of a stage touched
   * again would already show the later notes. The first event drains what
   * the live checks left in flight (a stream takes its events in order).
   */
  const sqlPerEvent = async (streams: Stream<StageEvent>[], [settle, measured]: string[]) => {
    await touchStage(rt.db.adminUrl, settle!, "settle");
    await Promise.all(streams.map((stream) => stream.waitFor(stageEvent(settle!))));
    const before = rt.api.statements.length;
    await touchStage(rt.db.adminUrl, measured!, "measured");
    await Promise.all(streams.map((stream) => stream.waitFor(stageEvent(measured!))));
    return rt.api.statements.slice(before).filter((event) => !event.query.startsWith("-- realtime")).length;
  };

  const one = (await supplierSocket("one")).subscribe<StageEvent>(STAGE_EVENTS, {}, "one dashboard");
  await untilStageLive(one, rt.db.adminUrl, live!);
  const alone = await sqlPerEvent([one], fresh.slice(0, 2));
  expect(alone).toBeGreaterThan(0);
  one.unsubscribe();

  const many: Stream<StageEvent>[] = [];
  for (let tab = 0; tab < 8; tab += 1) {
    const socket = await supplierSocket(`tab ${tab}`);
    for (let index = 0; index < MAX_PER_SOCKET; index += 1) {
      many.push(socket.subscribe<StageEvent>(STAGE_EVENTS, {}, `tab ${tab} #${index}`));
    }
  }
  await Promise.all(many.map((stream) => untilStageLive(stream, rt.db.adminUrl, live!)));
  expect(await sqlPerEvent(many, fresh.slice(2, 4))).toBe(alone);
});
