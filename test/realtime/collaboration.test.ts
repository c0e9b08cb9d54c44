import { adminRows } from "../helpers/database";
import { stopOrderWorld } from "../graphql/orders.scenario";
import { type RealtimeSocket, type Stream, untilLive } from "./clients";
import { type RealtimeWorld, startRealtimeWorld, connectAs } from "./world";

/**
 * notificationReceived and messageReceived: a user receives their own
 * notifications and the messages sent to them, and nobody else's (another
 * user's arrive first in the log and are proven absent by a marker of the
 * subscriber's own committed after them). Notifications made by the
 * database's own triggers (a stage's status change notifies the buyer)
 * arrive like those inserted directly.
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

interface NotificationItem {
  id: string;
  type: string;
  title: string;
  data: Record<string, unknown>;
}

interface MessageItem {
  id: string;
  subject: string | null;
  body: string;
  sender: { fullName: string } | null;
}

async function subscribe<T>(
  user: keyof RealtimeWorld["world"]["users"],
  query: string,
): Promise<{ stream: Stream<T>; socket: RealtimeSocket }> {
  const socket = await connectAs(rt, user, sockets);
  return { socket, stream: socket.subscribe<T>(query, {}, `${user} ${query.split("{")[1]!.trim()}`) };
}

const NOTIFICATIONS = `subscription { notificationReceived { id type title data } }`;
const MESSAGES = `subscription { messageReceived { id subject body sender { fullName } } }`;

const notify = async (userId: string, title: string): Promise<void> => {
  await adminRows(
    rt.db.adminUrl,
    "insert into notifications (user_id, type, title) values ($1, 'system', $2)",
    [userId, title],
  );
};

const message = async (from: string, to: string, body: string): Promise<void> => {
  await adminRows(
    rt.db.adminUrl,
    "insert into messages (sender_id, recipient_id, body) values ($1, $2, $3)",
    [from, to, body],
  );
};

test("a user receives their own notifications, those the database makes too, and not another user's", async () => {
  const { users, supplierOrders } = rt.world;
  const { stream } = await subscribe<NotificationItem>("buyerA", NOTIFICATIONS);
  await untilLive(
    stream,
    (marker) => notify(users.buyerA.id, marker),
    (item) => item.title.startsWith("live-check-"),
  );

  await notify(users.buyerB.id, "for buyer B");
  // A stage of buyer A's order changes status: the trigger notifies buyer A.
  await adminRows(
    rt.db.adminUrl,
    "update production_stages set completion_percentage = 50 where supplier_order_id = $1 and stage_number = 1",
    [supplierOrders.a1North],
  );
  await notify(users.buyerA.id, "marker for buyer A");

  await stream.waitFor((item) => item.title === "marker for buyer A");
  const stageUpdate = await stream.waitFor((item) => item.type === "STAGE_UPDATE");
  expect(stageUpdate.data).toMatchObject({ stageNumber: 1, status: "in_progress" });
  expect(stream.items.map((item) => item.title)).not.toContain("for buyer B");
});

test("a user receives the messages sent to them, with the sender's public name, and not others' messages", async () => {
  const { users } = rt.world;
  const { stream } = await subscribe<MessageItem>("buyerA", MESSAGES);
  await untilLive(
    stream,
    (marker) => message(users.northOwner.id, users.buyerA.id, marker),
    (item) => item.body.startsWith("live-check-"),
  );

  await message(users.northOwner.id, users.buyerB.id, "to buyer B");
  await message(users.buyerA.id, users.northOwner.id, "sent by buyer A");
  await message(users.northOwner.id, users.buyerA.id, "to buyer A");

  const received = await stream.waitFor((item) => item.body === "to buyer A");
  expect(received.sender?.fullName).toEqual(expect.any(String));
  expect(stream.items.map((item) => item.body).filter((body) => !body.startsWith("live-check-"))).toEqual([
    "to buyer A",
  ]);
});
