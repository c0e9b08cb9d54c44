import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse, print } from "graphql";
import { type App, REQUEST_ID_HEADER, createApp } from "../../src/app";
import { type Config, loadConfig } from "../../src/config";
import type { PrismaClient, QueryEvent } from "../../src/db/prisma";
import { createLogger } from "../../src/logger";
import type { TestDatabase } from "../helpers/database";

/**
 * The real application, connected to a test database as the API role, and
 * listening on a real socket (port 0) for tests that talk HTTP to `url`.
 * `graphql()` hands its requests to the application in-process by default
 * (`app.yoga.fetch`: the same request pipeline, no socket); `transport:
 * "socket"` sends them over HTTP instead. Records every SQL statement Prisma
 * sends and every log line, so tests can assert on round trips and on what
 * was logged, and failed requests show the server's side (`dataOf`).
 */

export interface GraphQLErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** One pino line, parsed. */
export type LogLine = Record<string, unknown>;

export interface GraphQLResponse<TData> {
  status: number;
  headers: Headers;
  data: TData | null | undefined;
  errors: GraphQLErrorJson[] | undefined;
  /** The request's id, as the server answered it (x-request-id). */
  requestId: string | null;
  /** The server's log lines of this request (those carrying its requestId). */
  serverLogs(): LogLine[];
}

export interface ApiServer {
  url: string;
  config: Config;
  /** The application: its token service signs tokens the server accepts. */
  app: App;
  prisma: PrismaClient;
  /** SQL statements sent since the server started (clear it to scope a test). */
  statements: QueryEvent[];
  logs: LogLine[];
  /** One GraphQL request; the response knows its server-side request id and log lines. */
  graphql<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

/**
 * Timing defaults of a test server: generous, because the suite runs on
 * shared two-core machines, often beside other jobs, where opening a
 * connection or waiting for a pooled one can take seconds (measured under
 * load: a first connection 0.5-1.3 s, a burst of 200 requests on 3
 * connections 22 s). Tests about a timeout pass their own; the rest must not
 * fail because the machine is busy. Kept below jest's testTimeout, so a
 * starved request fails as itself (with the server's log, `dataOf`), not as
 * a jest timeout.
 */
export const TEST_SERVER_TIMINGS = {
  /** Waiting for a pooled connection, opening one included (pg's connectionTimeoutMillis). */
  acquireTimeoutMs: 30_000,
  /** Bounds each statement; Prisma's transaction timeout is twice this (transactionTimings). */
  statementTimeoutMs: 20_000,
} as const;

export interface ApiServerOptions {
  /** Environment overrides for loadConfig (NODE_ENV is "test"). */
  env?: Record<string, string>;
  poolMax?: number;
  acquireTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** The API role's connection; defaults to the test database's. */
  apiUrl?: string;
  /**
   * How `graphql()` reaches the application: "in-process" (default) calls
   * `app.yoga.fetch`; "socket" sends HTTP to `url` (the connection's remote
   * address is then known: in-process requests have no client ip).
   */
  transport?: "in-process" | "socket";
}

export async function startApiServer(db: TestDatabase, options: ApiServerOptions = {}): Promise<ApiServer> {
  const config: Config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATABASE_POOL_MAX: String(options.poolMax ?? 4),
    DATABASE_POOL_ACQUIRE_TIMEOUT_MS: String(
      options.acquireTimeoutMs ?? TEST_SERVER_TIMINGS.acquireTimeoutMs,
    ),
    DATABASE_STATEMENT_TIMEOUT_MS: String(
      options.statementTimeoutMs ?? TEST_SERVER_TIMINGS.statementTimeoutMs,
    ),
    ...options.env,
  });
  const logs: LogLine[] = [];
  const logger = createLogger(
    config,
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)) as LogLine);
        done();
      },
    }),
  );
  const statements: QueryEvent[] = [];
  const app = createApp({
    config,
    logger,
    apiUrl: options.apiUrl ?? db.apiUrl,
    onQuery: (event) => statements.push(event),
  });
  const server = http.createServer(app.handler);
  const sockets = app.attachWebSockets(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send: (input: string, init: RequestInit) => Promise<Response> =
    options.transport === "socket" ? fetch : (input, init) => Promise.resolve(app.yoga.fetch(input, init));

  return {
    url,
    config,
    app,
    prisma: app.prisma,
    statements,
    logs,
    async graphql(document, variables, headers = {}) {
      const response = await send(`${url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          ...headers,
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: GraphQLErrorJson[] };
      const requestId = response.headers.get(REQUEST_ID_HEADER);
      return {
        status: response.status,
        headers: response.headers,
        data: body.data as never,
        errors: body.errors,
        requestId,
        serverLogs: () => (requestId ? logs.filter((line) => line["requestId"] === requestId) : []),
      };
    },
    async close() {
      await sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

/** The data of a response that must have succeeded; otherwise an error showing the server's log of it. */
export function dataOf<TData>(response: GraphQLResponse<TData>): TData {
  if (response.errors?.length || !response.data) {
    const error = new Error(`GraphQL errors: ${JSON.stringify(response.errors)}${serverLogOf(response)}`);
    Error.captureStackTrace(error, dataOf); // the failure points at the test's line
    throw error;
  }
  return response.data;
}

/** `extensions.code` of each error of the response, in order. */
export function errorCodesOf(response: GraphQLResponse<unknown>): (string | undefined)[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

/**
 * Asserts the error codes of a response that must fail (`["FORBIDDEN"]`);
 * when they differ, the failure shows the server's log of the request (an
 * INTERNAL_SERVER_ERROR's real error and stack).
 */
export function expectErrorCodes(response: GraphQLResponse<unknown>, codes: string[]): void {
  withServerLog(response, () => expect(errorCodesOf(response)).toEqual(codes));
}

/** Runs assertions about `response`; when one fails, its message gains the server's log of the request. */
export function withServerLog(response: GraphQLResponse<unknown>, assertions: () => void): void {
  try {
    assertions();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const explained = new Error(`${error.message}${serverLogOf(response)}`);
    // The assertion's own frames, which lead to the test's line.
    const frames = (error.stack ?? "")
      .split("\n")
      .filter((line) => /^\s+at /.test(line) && !line.includes(__filename));
    explained.stack = [explained.message, ...frames].join("\n");
    throw explained;
  }
}

/** The server's log lines of a request, readable in a test failure ("" when there are none). */
export function serverLogOf(response: GraphQLResponse<unknown>): string {
  const lines = response.serverLogs();
  if (!lines.length) return `\n\nNo server log line for request ${response.requestId ?? "(no request id)"}.`;
  return `\n\nServer log of request ${response.requestId}:\n${lines.map(formatLogLine).join("\n")}`;
}

const LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};

function formatLogLine(line: LogLine): string {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- left out of the printed details
  const { level, msg, err, time, service, pid, hostname, requestId, ...details } = line;
  let text = `  [${LEVELS[level as number] ?? String(level)}] ${String(msg)}`;
  if (Object.keys(details).length) text += ` ${JSON.stringify(details)}`;
  if (err && typeof err === "object") {
    const { stack, message, type, ...rest } = err as Record<string, unknown>;
    const head = typeof stack === "string" ? stack : `${String(type)}: ${String(message)}`;
    text += `\n${indent(head)}`;
    if (Object.keys(rest).length) text += `\n${indent(JSON.stringify(rest, null, 2))}`;
  }
  return text;
}

/**
 * Indented and marked with "| ": a server stack inside the message must not
 * read as the test's own stack (jest takes the first "at …:line:col" line
 * for the start of the stack).
 */
const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `      | ${line}`)
    .join("\n");

/** A document spelled inline, for tests that do not go through codegen. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read inline documents' data loosely
export function gql<TData = any>(source: string): TypedDocumentNode<TData, Record<string, unknown>> {
  return parse(source) as TypedDocumentNode<TData, Record<string, unknown>>;
}
