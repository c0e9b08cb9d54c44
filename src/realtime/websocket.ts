import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { ExecutionArgs } from "graphql";
import { GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { YogaServerInstance } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { Authenticator } from "../auth/authenticate";
import type { Context } from "../context";
import { asGraphQLError } from "../graphql/errors";
import type { Logger } from "../logger";
import type { RealtimeConnection } from "./subscriptions";

/**
 * graphql-ws (the `graphql-transport-ws` protocol) on the HTTP server's
 * GraphQL path, running the same envelop plugins as HTTP (authentication
 * in the context factory, depth limit, input guard, masking, the request
 * transaction for queries and mutations): each operation's arguments come
 * from `yoga.getEnveloped` (TRAPS.md: `ws` alone would bypass them).
 *
 * - Credentials: `connectionParams.authorization` ("Bearer <JWT>") or
 *   `connectionParams["x-api-key"]`, else the upgrade request's own
 *   Authorization / X-Api-Key headers. A bad credential closes the socket
 *   at `connection_init` with 4403.
 * - Each operation authenticates again (the context factory), so an
 *   expired token fails the next one; a live subscription closes the socket
 *   with 4403 when its token expires or its user loses access
 *   (src/realtime/subscriptions.ts).
 * - Limits: a frame is at most MAX_FRAME_BYTES, `connection_init` must come
 *   within `connectionInitTimeoutMs` (4408), a socket holds at most
 *   `maxSubscriptionsPerSocket` operations; the server pings every 12 s and
 *   drops a peer that does not answer (graphql-ws' keep-alive).
 */

export interface WebSocketOptions {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  authenticator: Authenticator;
  path: string;
  maxSubscriptionsPerSocket: number;
  /** `connection_init` must arrive within this (else 4408). */
  connectionInitTimeoutMs: number;
  logger: Logger;
}

export interface WebSocketTransport {
  /** Open sockets (tests). */
  readonly clients: number;
  close(): Promise<void>;
}

/** A GraphQL operation with generous variables; far below ws' 100 MiB default. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** How long closing sockets get to answer the close frame before they are cut. */
const CLOSE_GRACE_MS = 1_000;

interface ConnectionParams extends Record<string, unknown> {
  authorization?: unknown;
  "x-api-key"?: unknown;
}

// A type (not an interface): graphql-ws wants an index signature.
type ConnectionState = {
  /** The upgrade request as a Fetch request, with the connection's credentials. */
  fetchRequest?: Request;
};

type Envelope = ReturnType<WebSocketOptions["yoga"]["getEnveloped"]>;

export function attachWebSockets(server: http.Server, options: WebSocketOptions): WebSocketTransport {
  const { yoga, authenticator, logger } = options;
  const wss = new WebSocketServer({ server, path: options.path, maxPayload: MAX_FRAME_BYTES });
  const envelopes = new WeakMap<object, Envelope>();

  const disposable = useServer<ConnectionParams, ConnectionState>(
    {
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const request = fetchRequest(ctx.extra.request, ctx.connectionParams);
        try {
          await authenticator.authenticate(request, randomUUID());
        } catch {
          return false; // 4403 Forbidden
        }
        ctx.extra.fetchRequest = request;
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws has already reserved this operation's slot.
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(
              `A socket may hold at most ${options.maxSubscriptionsPerSocket} operations at once.`,
              { extensions: { code: "RATE_LIMITED" } },
            ),
          ];
        }
        const connection: RealtimeConnection = {
          close: (code, reason) => ctx.extra.socket.close(code, reason),
        };
        const envelope = yoga.getEnveloped({
          request: ctx.extra.fetchRequest,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          realtimeConnection: connection,
        });
        let document;
        try {
          document = envelope.parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError("The document does not parse.")];
        }
        const errors = envelope.validate(envelope.schema, document);
        if (errors.length > 0) return errors;
        let contextValue: object;
        try {
          contextValue = await envelope.contextFactory();
        } catch (error) {
          return [asGraphQLError(error)];
        }
        envelopes.set(contextValue, envelope);
        return {
          schema: envelope.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue,
        } satisfies ExecutionArgs;
      },
      execute: (args) => envelopeOf(args).execute(args),
      subscribe: (args) => envelopeOf(args).subscribe(args),
    },
    wss,
  );

  function envelopeOf(args: ExecutionArgs): Envelope {
    const envelope = envelopes.get(args.contextValue as object);
    if (!envelope) throw new Error("operation without its envelope");
    return envelope;
  }

  wss.on("error", (error) => logger.warn({ err: error }, "WebSocket server error"));
  let closed: Promise<void> | null = null;

  return {
    get clients() {
      return wss.clients.size;
    },
    async close() {
      if (closed) return closed;
      closed = (async () => {
        // 1001 "going away": clients reconnect (and resume by cursor) elsewhere.
        for (const socket of wss.clients) socket.close(1001, "Server shutting down");
        await disposable.dispose();
        const stragglers = setTimeout(() => {
          for (const socket of wss.clients) socket.terminate();
        }, CLOSE_GRACE_MS);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        clearTimeout(stragglers);
      })();
      return closed;
    },
  };
}

/** The upgrade request as a Fetch Request, carrying the connection's credentials. */
function fetchRequest(
  upgrade: http.IncomingMessage,
  params: Readonly<ConnectionParams> | undefined,
): Request {
  const headers = new Headers();
  const forward = (name: string, value: string | string[] | undefined) => {
    if (typeof value === "string") headers.set(name, value);
  };
  forward("user-agent", upgrade.headers["user-agent"]);
  forward("x-request-id", upgrade.headers["x-request-id"]);
  const authorization = typeof params?.authorization === "string" ? params.authorization : null;
  const apiKey = typeof params?.["x-api-key"] === "string" ? params["x-api-key"] : null;
  if (authorization !== null || apiKey !== null) {
    if (authorization !== null) headers.set("authorization", authorization);
    if (apiKey !== null) headers.set("x-api-key", apiKey);
  } else {
    forward("authorization", upgrade.headers.authorization);
    forward("x-api-key", upgrade.headers["x-api-key"]);
  }
  // The URL only has to be valid: the host header is the client's to choose.
  return new Request(`http://localhost${(upgrade.url ?? "/").split("?")[0]}`, { headers });
}
