import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/db/migrator";

/**
 * A second API instance: the real server process (`tsx src/server.ts`) on a
 * test's database, as the API login role only (DATABASE_API_URL without
 * DATABASE_URL: src/db/bootstrap.ts serves the database without migrating).
 * It signs and verifies with the same development keys as the test process
 * (.data/secrets/, shared by every process of this checkout), so a token
 * issued by the in-process server is valid on this one too, and its claims
 * key is the one the template database was migrated with.
 */
export interface ServerProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Everything the process wrote so far (for failure messages). */
  output(): string;
  /** Its JSON log lines so far. */
  logLines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

const LISTENING = /GraphQL API listening on http:\/\/[^\s:]+:(\d+)\/graphql/;

export async function startServerProcess(
  apiUrl: string,
  { env = {}, startTimeoutMs = 90_000 }: { env?: Record<string, string>; startTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  // The API login only: with DATABASE_URL the process would resolve (and migrate) another database.
  delete childEnv.DATABASE_URL;
  delete childEnv.DATABASE_LISTEN_URL;
  Object.assign(childEnv, {
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_API_URL: apiUrl,
    ...env,
  });
  const child = spawn(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["src/server.ts"], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server process did not listen within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited (${code}) before listening:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    logLines: () =>
      output.split("\n").flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    stop: () => stopProcess(child, exited),
  };
}

/** SIGTERM (the server drains), then SIGKILL if it is still there after 15 s. */
async function stopProcess(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
