/**
 * The README's first command, end to end, as a newcomer runs it: `npm start`
 * exactly as written (spawned through npm with the caller's environment),
 * then wait for /readyz, run the README's example query (read out of
 * README.md, so the two cannot drift apart), sign in as the demo buyer with
 * the README's mutation and read `me` and `orders`, sign in as the demo
 * supplier and watch its own stage update arrive over a graphql-ws
 * subscription (the dashboard's path), then Ctrl-C (SIGINT to
 * the process group, as a terminal sends it) and check that the process
 * exited cleanly and that no postgres process it started is left.
 *
 * Used by .ci/run: `tsx scripts/smoke-start.ts`. Any failure exits non-zero
 * with the server's output.
 */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const ROOT = path.resolve(__dirname, "..");
const READY_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 30_000;
const DEMO_BUYER = { email: "buyer@loomline.dev", password: "loomline-demo" };
const DEMO_SUPPLIER = { email: "supplier@loomline.dev", password: "loomline-demo" };
const DELIVERY_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  const port = process.env.PORT ? Number(process.env.PORT) : await defaultOrFreePort(4000);
  const output: string[] = [];
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    detached: true, // its own process group, so SIGINT reaches npm, tsx and node as Ctrl-C would
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((result) => (exit = result));
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => output.push(...chunk.split("\n").filter(Boolean)));
  }
  const fail = (message: string): never => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
    throw new Error(`${message}\n--- npm start output ---\n${output.join("\n")}`);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit) fail(`npm start exited (${JSON.stringify(exit)}) before /readyz answered`);
    if (Date.now() > deadline) fail(`/readyz did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await sleep(500);
  }
  console.log(`ready on ${url}`);

  // The server's own log line says where the embedded cluster lives.
  const started = output.map(parseJson).find((line) => line?.msg === "embedded PostgreSQL started");
  const dataDir = typeof started?.dataDir === "string" ? started.dataDir : undefined;
  const embedded = !process.env.DATABASE_URL;
  if (embedded && !dataDir) fail("no 'embedded PostgreSQL started' log line with its dataDir");

  const [exampleQuery, signInMutation] = readmeGraphqlBlocks();
  const example = await graphql(url, exampleQuery!);
  const listings = (example.marketplaceProducts as { totalCount: number }).totalCount;
  if (!(listings > 0)) fail(`the README query found no listings: ${JSON.stringify(example)}`);
  console.log(`README query: ${listings} listings match`);

  const signIn = (await graphql(url, signInMutation!)).signIn as { accessToken?: string };
  if (!signIn.accessToken) fail(`signIn returned no token: ${JSON.stringify(signIn)}`);
  const mine = await graphql(
    url,
    "{ me { email roles } orders(first: 5) { totalCount edges { node { orderNumber status } } } }",
    signIn.accessToken,
  );
  const me = mine.me as { email: string; roles: string[] };
  const orders = mine.orders as { totalCount: number; edges: unknown[] };
  if (me.email !== DEMO_BUYER.email || !me.roles.includes("BUYER")) fail(`me: ${JSON.stringify(me)}`);
  if (!(orders.totalCount > 0 && orders.edges.length > 0))
    fail(`the demo buyer has no orders: ${JSON.stringify(orders)}`);
  console.log(`signed in as ${me.email}: ${orders.totalCount} orders`);

  await watchOwnStageUpdate(url, fail);

  const postmaster = dataDir ? postgresProcessesOf(dataDir) : [];
  if (embedded && postmaster.length === 0) fail(`no postgres process runs on ${dataDir}`);

  process.kill(-child.pid!, "SIGINT");
  const result = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => undefined)]);
  if (!result) fail(`npm start did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGINT`);
  // npm itself receives the SIGINT too and exits by it; the server below must exit 0 ("shutting down" then nothing failed).
  if (!output.some((line) => parseJson(line)?.msg === "shutting down"))
    fail("the server never logged 'shutting down'");
  if (output.some((line) => /shutdown failed|shutdown step failed/.test(line)))
    fail("the shutdown reported a failure");
  if (dataDir) {
    // npm returns at once on SIGINT; the server and its postgres finish their
    // shutdown behind it (slower on a loaded machine): give them a bounded while.
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    let left = postgresProcessesOf(dataDir);
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(200);
      left = postgresProcessesOf(dataDir);
    }
    if (left.length > 0) fail(`postgres processes left running on ${dataDir}: ${left.join(", ")}`);
  }
  console.log(`stopped on SIGINT (${JSON.stringify(result)}); no postgres process left`);
}

/**
 * The supplier dashboard's path: a graphql-ws subscription to
 * productionStageUpdated as the demo supplier receives the update it makes
 * to one of its running stages. graphql-ws does not acknowledge a
 * subscription, so the update is repeated (a new note each second) until
 * one arrives.
 */
async function watchOwnStageUpdate(url: string, fail: (message: string) => never): Promise<void> {
  const token = (
    (
      await graphql(
        url,
        `mutation { signIn(input: { email: "${DEMO_SUPPLIER.email}", password: "${DEMO_SUPPLIER.password}" }) {
         ... on AuthPayload { accessToken } } }`,
      )
    ).signIn as { accessToken: string }
  ).accessToken;
  const page = (await graphql(
    url,
    "{ orders(first: 50) { edges { node { supplierOrders { status productionStages { id status } } } } } }",
    token,
  )) as {
    orders: {
      edges: { node: { supplierOrders: { status: string; productionStages: { id: string }[] }[] } }[];
    };
  };
  const stage = page.orders.edges
    .flatMap((edge) => edge.node.supplierOrders)
    .find((supplierOrder) => supplierOrder.status === "ACCEPTED" && supplierOrder.productionStages.length > 0)
    ?.productionStages[0]?.id;
  if (!stage) fail(`the demo supplier has no running production stage: ${JSON.stringify(page)}`);

  const client = createClient({
    url: `${url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  try {
    const notes: string[] = [];
    const arrived = new Promise<string>((resolve, reject) => {
      client.subscribe<{ productionStageUpdated: { stage: { id: string; notes: string | null } } }>(
        { query: "subscription { productionStageUpdated { cursor kind stage { id notes } } }" },
        {
          next: ({ data, errors }) => {
            if (errors) reject(new Error(JSON.stringify(errors)));
            const event = data?.productionStageUpdated;
            if (event?.stage.id === stage && notes.includes(event.stage.notes ?? ""))
              resolve(event.stage.notes!);
          },
          error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
          complete: () => reject(new Error("the subscription completed")),
        },
      );
    });
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    let received: string | undefined;
    while (!received && Date.now() < deadline) {
      notes.push(`smoke ${new Date().toISOString()}`);
      await graphql(
        url,
        `mutation { updateProductionStage(input: { id: "${stage}", notes: "${notes.at(-1)}" }) { __typename } }`,
        token,
      );
      received = await Promise.race([arrived, sleep(1_000).then(() => undefined)]);
    }
    if (!received) fail(`no productionStageUpdated event within ${DELIVERY_TIMEOUT_MS / 1000} s`);
    console.log(`subscription: the demo supplier's stage update arrived over graphql-ws`);
  } finally {
    await client.dispose();
  }
}

/** The ```graphql blocks of README.md, in order. */
function readmeGraphqlBlocks(): string[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

async function graphql(url: string, query: string, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (!response.ok || body.errors || !body.data) {
    throw new Error(`HTTP ${response.status} for ${query.trim().split("\n")[0]}: ${JSON.stringify(body)}`);
  }
  return body.data;
}

/** Live processes whose command line names this data directory (the postmaster and its children). */
function postgresProcessesOf(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (commandLine.includes(dataDir) && commandLine.some((arg) => path.basename(arg) === "postgres")) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function defaultOrFreePort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => {
      const other = net.createServer();
      other.listen(0, "127.0.0.1", () => {
        const { port } = other.address() as net.AddressInfo;
        other.close(() => resolve(port));
      });
    });
    probe.listen(preferred, () => probe.close(() => resolve(preferred)));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
