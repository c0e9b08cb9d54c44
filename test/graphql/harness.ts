import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse, print } from "graphql";
import { type App, createApp } from "../../src/app";
import { type Config, loadConfig } from "../../src/config";
import type { PrismaClient, QueryEvent } from "../../src/db/prisma";
import { createLogger } from "../../src/logger";
import type { TestDatabase } from "../helpers/database";

/**
 * The real application on a real socket (port 0), connected to a test
 * database as the API role. Records every SQL statement Prisma sends and
 * every log line, so tests can assert on round trips and on what was logged.
 */

export interface GraphQLErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResponse<TData> {
  status: number;
  headers: Headers;
  data: TData | null | undefined;
  errors: GraphQLErrorJson[] | undefined;
}

export interface ApiServer {
  url: string;
  config: Config;
  /** The application: its token service signs tokens the server accepts. */
  app: App;
  prisma: PrismaClient;
  /** SQL statements sent since the server started (clear it to scope a test). */
  statements: QueryEvent[];
  logs: Record<string, unknown>[];
  graphql<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  /** Environment overrides for loadConfig (NODE_ENV is "test"). */
  env?: Record<string, string>;
  poolMax?: number;
  acquireTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** The API role's connection; defaults to the test database's. */
  apiUrl?: string;
}

export async function startApiServer(db: TestDatabase, options: ApiServerOptions = {}): Promise<ApiServer> {
  const config: Config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATABASE_POOL_MAX: String(options.poolMax ?? 4),
    DATABASE_POOL_ACQUIRE_TIMEOUT_MS: String(options.acquireTimeoutMs ?? 2_000),
    DATABASE_STATEMENT_TIMEOUT_MS: String(options.statementTimeoutMs ?? 10_000),
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger(
    config,
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)) as Record<string, unknown>);
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    config,
    app,
    prisma: app.prisma,
    statements,
    logs,
    async graphql(document, variables, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          ...headers,
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: GraphQLErrorJson[] };
      return {
        status: response.status,
        headers: response.headers,
        data: body.data as never,
        errors: body.errors,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

/** The data of a response that must have succeeded. */
export function dataOf<TData>(response: GraphQLResponse<TData>): TData {
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

/** A document spelled inline, for tests that do not go through codegen. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read inline documents' data loosely
export function gql<TData = any>(source: string): TypedDocumentNode<TData, Record<string, unknown>> {
  return parse(source) as TypedDocumentNode<TData, Record<string, unknown>>;
}
