import { stopOrderWorld } from "../graphql/orders.scenario";
import {
  type RealtimeSocket,
  STAGE_EVENTS,
  type StageEvent,
  gid,
  openSocket,
  stageEvent,
  untilStageLive,
} from "./clients";
import { type ServerProcess, startServerProcess } from "./processes";
import { type RealtimeWorld, startRealtimeWorld } from "./world";

/**
 * Two API instances on one database (issue 11, item 3): the test's
 * in-process server and a second server process (`tsx src/server.ts`, the
 * real entry point, as the API login role only). An update through either
 * instance's API reaches a subscriber on the other: events are born in
 * PostgreSQL and each instance listens itself.
 */

let rt: RealtimeWorld;
let second: ServerProcess | undefined;
const sockets: RealtimeSocket[] = [];

beforeAll(async () => {
  rt = await startRealtimeWorld();
  second = await startServerProcess(rt.db.apiUrl);
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});

afterAll(async () => {
  await second?.stop();
  await stopOrderWorld({ api: rt?.api, db: rt?.db });
});

const UPDATE_STAGE = `
  mutation UpdateStage($input: UpdateProductionStageInput!) {
    updateProductionStage(input: $input) {
      __typename
      ... on UserError { code message field }
    }
  }`;

/** updateProductionStage as northOwner, over HTTP to the instance at `url`. */
async function updateStageThrough(url: string, stageId: string, notes: string): Promise<void> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await rt.token(rt.world.users.northOwner)}`,
    },
    body: JSON.stringify({
      query: UPDATE_STAGE,
      variables: { input: { id: gid("ProductionStage", stageId), notes } },
    }),
  });
  const body = (await response.json()) as { data?: { updateProductionStage?: { __typename: string } } };
  expect(body).toEqual({ data: { updateProductionStage: { __typename: "UpdateProductionStagePayload" } } });
}

async function dashboardOn(url: string, label: string) {
  const serverLogs = url === rt.api.url ? () => rt.api.logs : () => second!.logLines();
  const socket = openSocket(url, { token: await rt.token(rt.world.users.northOwner), label, serverLogs });
  sockets.push(socket);
  await socket.connected;
  const stream = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, label);
  await untilStageLive(stream, rt.db.adminUrl, rt.stages.a1North[7]!);
  return stream;
}

describe("two server processes on one database", () => {
  test("an update through one instance reaches a subscriber on the other, both ways", async () => {
    const { stages } = rt;
    const onSecond = await dashboardOn(second!.url, "dashboard on the second process");
    const onFirst = await dashboardOn(rt.api.url, "dashboard on the in-process server");

    await updateStageThrough(rt.api.url, stages.a1North[0]!, "written through the first");
    await onSecond.waitFor(stageEvent(stages.a1North[0]!, "written through the first"));
    await onFirst.waitFor(stageEvent(stages.a1North[0]!, "written through the first"));

    await updateStageThrough(second!.url, stages.a1North[1]!, "written through the second");
    const event = await onFirst.waitFor(stageEvent(stages.a1North[1]!, "written through the second"));
    expect(event).toMatchObject({ kind: "UPDATED", order: { id: gid("Order", rt.world.orders.a1) } });
    await onSecond.waitFor(stageEvent(stages.a1North[1]!, "written through the second"));
  });

  test("a cursor from one instance resumes the stream on the other", async () => {
    const { stages } = rt;
    const onFirst = await dashboardOn(rt.api.url, "dashboard on the in-process server");
    await updateStageThrough(rt.api.url, stages.a1North[2]!, "seen on the first");
    const seen = await onFirst.waitFor(stageEvent(stages.a1North[2]!, "seen on the first"));
    onFirst.unsubscribe();
    await updateStageThrough(rt.api.url, stages.a1North[3]!, "missed");

    const socket = openSocket(second!.url, {
      serverLogs: () => second!.logLines(),
      token: await rt.token(rt.world.users.northOwner),
      label: "second",
    });
    sockets.push(socket);
    const resumed = socket.subscribe<StageEvent>(
      STAGE_EVENTS,
      { after: seen.cursor },
      "resumed on the second",
    );
    const missed = await resumed.waitFor(stageEvent(stages.a1North[3]!, "missed"));
    expect(resumed.items.indexOf(missed)).toBe(0);
  });
});
