import { createTokenService, generateSigningKey } from "../../src/auth/tokens";
import { adminRows } from "../helpers/database";
import { stopOrderWorld } from "../graphql/orders.scenario";
import {
  DELIVERY_TIMEOUT_MS,
  type RealtimeSocket,
  STAGE_EVENTS,
  type StageEvent,
  closeCodeOf,
  gid,
  openSocket,
  stageEvent,
  touchStage,
  untilStageLive,
} from "./clients";
import { type RealtimeWorld, startRealtimeWorld } from "./world";

/**
 * Authorization at connection and at delivery (issue 11, items 4 and 5): a
 * token that is not ours, malformed or expired is refused with 4403 before
 * any subscription; a live subscription ends with 4403 when its user is
 * disabled, loses its role, or its token expires — and what is committed
 * after that is not delivered.
 */

/** A short-lived token: long enough to get the subscription live on a busy machine. */
const SHORT_TTL_SECONDS = 10;

let rt: RealtimeWorld;
const sockets: RealtimeSocket[] = [];

beforeAll(async () => {
  // No clock tolerance: the token is expired at its `exp`, not 5 s later.
  rt = await startRealtimeWorld({ serverEnv: { JWT_CLOCK_TOLERANCE_SECONDS: "0" } });
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});

afterAll(() => stopOrderWorld({ api: rt?.api, db: rt?.db }));

function track(socket: RealtimeSocket): RealtimeSocket {
  sockets.push(socket);
  return socket;
}

/** Resolves with the socket's close code, or fails after `timeoutMs`. */
async function closeCode(socket: RealtimeSocket, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the socket did not close within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return (await Promise.race([socket.closed, timeout])).code;
  } finally {
    clearTimeout(timer);
  }
}

describe("a connection without a valid token", () => {
  const user = () => rt.world.users.northOwner;

  test.each([
    ["a malformed token", async () => "not-a-jwt"],
    [
      "a token signed with a key that is not ours",
      async () => {
        const foreign = createTokenService({
          ...rt.api.config,
          JWT_PRIVATE_KEYS: [generateSigningKey(`dev-${"f".repeat(8)}`)],
        });
        return (await foreign.issueAccessToken({ userId: user().id, roles: user().roles })).token;
      },
    ],
    [
      "an expired token",
      async () => {
        const expired = createTokenService({ ...rt.api.config, ACCESS_TOKEN_TTL_SECONDS: -60 });
        return (await expired.issueAccessToken({ userId: user().id, roles: user().roles })).token;
      },
    ],
  ])("is refused with 4403: %s (connectionParams and Authorization header)", async (_what, makeToken) => {
    const token = await makeToken();
    for (const tokenIn of ["connectionParams", "header"] as const) {
      const socket = track(
        openSocket(rt.api.url, { serverLogs: () => rt.api.logs, token, tokenIn, label: tokenIn }),
      );
      const stream = socket.subscribe<StageEvent>(STAGE_EVENTS, {});
      await expect(socket.connected).rejects.toThrow(/closed 4403/);
      expect(await closeCode(socket)).toBe(4403);
      expect(closeCodeOf(await stream.ended())).toBe(4403);
      expect(stream.items).toEqual([]);
    }
  });
});

describe("a live subscription", () => {
  test("ends with 4403 when its user is disabled; later events are not delivered", async () => {
    const { world, stages, db } = rt;
    const socket = track(
      openSocket(rt.api.url, {
        serverLogs: () => rt.api.logs,
        token: await rt.token(world.users.southOwner),
        label: "south",
      }),
    );
    const dashboard = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, "south dashboard");
    await untilStageLive(dashboard, db.adminUrl, stages.b1South[7]!);

    await adminRows(db.adminUrl, "update users set disabled_at = now() where id = $1", [
      world.users.southOwner.id,
    ]);
    await touchStage(db.adminUrl, stages.b1South[0]!, "after disabling");
    expect(await closeCode(socket)).toBe(4403);
    expect(closeCodeOf(await dashboard.ended())).toBe(4403);
    expect(dashboard.items.filter(stageEvent(stages.b1South[0]!, "after disabling"))).toEqual([]);
  });

  test("ends with 4403 when its user loses the role it watches with", async () => {
    const { world, stages, db } = rt;
    const buyer = world.users.buyerB;
    const socket = track(
      openSocket(rt.api.url, {
        serverLogs: () => rt.api.logs,
        token: await rt.token(buyer),
        label: "buyerB",
      }),
    );
    const stream = socket.subscribe<StageEvent>(
      STAGE_EVENTS,
      { orderId: gid("Order", world.orders.b1) },
      "buyerB",
    );
    await untilStageLive(stream, db.adminUrl, stages.b1South[6]!);

    await adminRows(db.adminUrl, "delete from user_roles where user_id = $1", [buyer.id]);
    await touchStage(db.adminUrl, stages.b1South[1]!, "after the role is gone");
    expect(await closeCode(socket)).toBe(4403);
    expect(stream.items.filter(stageEvent(stages.b1South[1]!, "after the role is gone"))).toEqual([]);
  });

  test("ends with 4403 when its token expires; an event committed after the expiry is not delivered", async () => {
    const { world, stages, db } = rt;
    const north = world.users.northOwner;
    const shortLived = createTokenService({ ...rt.api.config, ACCESS_TOKEN_TTL_SECONDS: SHORT_TTL_SECONDS });
    const { token, expiresAt } = await shortLived.issueAccessToken({ userId: north.id, roles: north.roles });
    const socket = track(
      openSocket(rt.api.url, { serverLogs: () => rt.api.logs, token, label: "short-lived north" }),
    );
    const dashboard = socket.subscribe<StageEvent>(STAGE_EVENTS, {}, "north dashboard");
    await untilStageLive(dashboard, db.adminUrl, stages.a1North[7]!);
    expect(Date.now()).toBeLessThan(expiresAt.getTime()); // else the machine was too slow to prove anything

    // Time itself is what is under test here: wait for the expiry, then write.
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 500));
    await touchStage(db.adminUrl, stages.a1North[0]!, "after the expiry");
    expect(await closeCode(socket)).toBe(4403);
    expect(dashboard.items.filter(stageEvent(stages.a1North[0]!, "after the expiry"))).toEqual([]);
  });
});
