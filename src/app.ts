import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, Server } from "node:http";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { GraphQLError, execute as graphqlJsExecute } from "graphql";
import { type Plugin, type YogaServerInstance, createYoga, useReadinessCheck } from "graphql-yoga";
import { type Authenticator, createAuthenticator } from "./auth/authenticate";
import type { ClientInfo } from "./auth/request-auth";
import { withOrigin } from "./auth/viewer";
import { type TokenService, createTokenService } from "./auth/tokens";
import type { Config } from "./config";
import { type Context, createContext } from "./context";
import { type PrismaClient, type QueryEvent, createPrismaClient } from "./db/prisma";
import { createReadinessCheck } from "./db/readiness";
import { transactionTimings } from "./db/request-transaction";
import { createErrorPolicy } from "./graphql/error-policy";
import { useInputGuard } from "./graphql/input-guard";
import { useRequestTransaction } from "./graphql/request-transaction-plugin";
import { useSessionMutationGuard } from "./graphql/session-mutation-guard";
import { type Logger, requestLogger } from "./logger";
import { EventHub } from "./realtime/hub";
import { useSharedSubscriptionExecution } from "./realtime/shared-execution";
import { Realtime } from "./realtime/subscriptions";
import { type WebSocketTransport, attachWebSockets } from "./realtime/websocket";
import { schema } from "./schema";
import { createFieldCipher } from "./services/field-encryption";

export const GRAPHQL_PATH = "/graphql";
export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
/** The public keys of our access tokens, where verifiers conventionally look. */
export const JWKS_PATH = "/.well-known/jwks.json";
export const REQUEST_ID_HEADER = "x-request-id";
/** GraphQL documents are small; 1 MiB leaves room for big variables and stops abuse early. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * Deepest selection accepted (fragments counted where they are spread). The
 * deepest query of the clients today is 7 levels; cycles such as
 * order → supplierOrders → order… would otherwise run until Prisma's own
 * recursion limit fails them as an unexpected error.
 */
export const MAX_QUERY_DEPTH = 15;

/**
 * A client's own x-request-id is kept (as its client request id, beside
 * ours) only when it is short and plain: it reaches logs and the audit trail.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** The API login role's connection (subject to RLS): src/db/bootstrap.ts or apiLogin(). */
  apiUrl: string;
  /**
   * Every SQL statement the request pool sends (tests count round trips).
   * Unset: statements are logged at trace level when that level is on.
   */
  onQuery?: (event: QueryEvent) => void;
}

export interface App {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  /** For `http.createServer(app.handler)`. */
  handler: RequestListener;
  /** Signs access tokens (JWT_PRIVATE_KEYS, or the development key). */
  tokens: TokenService;
  /** Request -> Viewer; also for the WebSocket handshake (build a Request from the upgrade's headers). */
  authenticator: Authenticator;
  /** The request pool's client, as the API login role (jobs and tests use it too). */
  prisma: PrismaClient;
  /** Subscriptions: the realtime hub of this instance (started by the first subscriber). */
  realtime: Realtime;
  /** graphql-ws on the server's GraphQL path (call once per HTTP server). */
  attachWebSockets(server: Server): WebSocketTransport;
  /**
   * Closes the WebSockets and the realtime listener, writes what is still
   * buffered (API key last-use times), then closes the pools. Call after
   * the server stopped accepting requests.
   */
  close(): Promise<void>;
}

/**
 * The HTTP application: GraphQL (and GraphiQL) at /graphql, /healthz,
 * /readyz, with everything it needs (request pool, readiness probe, token
 * service). Used by server.ts, the benchmarks and the tests, which listen on port 0.
 */
export function createApp({ config, logger, apiUrl, onQuery }: AppOptions): App {
  const prisma = createPrismaClient({
    url: apiUrl,
    poolMax: config.DATABASE_POOL_MAX,
    acquireTimeoutMs: config.DATABASE_POOL_ACQUIRE_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    onPoolError: (error) => logger.warn({ err: error }, "idle database connection failed"),
    ...(onQuery
      ? { onQuery }
      : logger.isLevelEnabled("trace")
        ? { onQuery: (event) => logger.trace({ sql: event.query, durationMs: event.durationMs }, "sql") }
        : {}),
  });
  const readiness = createReadinessCheck({ url: apiUrl, logger });
  const timings = transactionTimings(config);
  const tokens = createTokenService(config);
  const authenticator = createAuthenticator({ config, tokens, prisma, timings, logger });
  const errorPolicy = createErrorPolicy(logger);
  // The request id is always the server's own (logs, the x-request-id
  // response header, audit_log.request_id): a client's header must not
  // pass for ours (it once could, a CLI's marker included).
  const requestIds = new WeakMap<Request, string>();
  const requestIdOf = (request: Request): string => {
    let id = requestIds.get(request);
    if (!id) {
      id = randomUUID();
      requestIds.set(request, id);
    }
    return id;
  };

  const fieldCipher = createFieldCipher(config);
  const realtime = new Realtime({
    hub: new EventHub({
      listenUrl: config.DATABASE_LISTEN_URL ?? apiUrl,
      logger,
      retentionHours: config.REALTIME_EVENT_RETENTION_HOURS,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      healthIntervalMs: config.REALTIME_POLL_INTERVAL_MS,
      ...(onQuery
        ? { onStatement: () => onQuery({ query: "-- realtime listener", params: "[]", durationMs: 0 }) }
        : {}),
    }),
    prisma,
    timings,
    retentionHours: config.REALTIME_EVENT_RETENTION_HOURS,
    logger,
  });
  const sockets: WebSocketTransport[] = [];

  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: HEALTH_PATH,
    landingPage: false,
    // Bundled GraphiQL assets: the default page loads them from a CDN.
    graphiql: config.graphiql ? { title: "Loomline GraphQL" } : false,
    renderGraphiQL,
    // Pinned to production behaviour whatever NODE_ENV says: unexpected
    // errors never carry their original message or stack to the client.
    maskedErrors: { isDev: false, maskError: errorPolicy.maskError },
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    batching: false,
    logging: errorPolicy.yogaLogger,
    // Who is calling, before anything touches the database: a bad token is
    // UNAUTHENTICATED (401) here, and execution never starts.
    context: async (initial) => {
      const { request } = initial;
      const requestId = requestIdOf(request);
      const client = clientInfo(request, (initial as { req?: IncomingMessage }).req);
      // Where the request came from travels with the caller into the signed
      // claims (src/db/identity.ts), so the audit trail records it.
      const viewer = withOrigin(await authenticator.authenticate(request, requestId), {
        clientAddress: client.ip,
        clientRequestId: clientRequestIdOf(request),
      });
      return createContext({
        requestId,
        viewer,
        logger: requestLogger(logger, requestId),
        fieldCipher,
        realtime,
        settings: { stockHoldMinutes: config.STOCK_HOLD_MINUTES },
        auth: {
          tokens,
          refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
          apiKeys: authenticator.apiKeys,
          client,
        },
      });
    },
    plugins: [
      useRequestLifecycle(logger, requestIdOf),
      useJwks(tokens),
      useReadinessCheck({
        endpoint: READY_PATH,
        check: async ({ fetchAPI }) => {
          const { ready, ...details } = await readiness.check();
          return new fetchAPI.Response(
            JSON.stringify(ready ? { status: "ready" } : { status: "unavailable", ...details }),
            {
              status: ready ? 200 : 503,
              headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
            },
          );
        },
      }),
      errorPolicy.plugin,
      maxDepthPlugin({
        n: MAX_QUERY_DEPTH,
        flattenFragments: true,
        propagateOnRejection: false,
        onReject: [
          (context, error) =>
            context?.reportError(
              new GraphQLError(error.message.replace(/^Syntax Error: /, ""), {
                extensions: { code: "BAD_USER_INPUT", reason: "QUERY_TOO_DEEP" },
              }),
            ),
        ],
      }),
      useInputGuard(),
      useSessionMutationGuard(),
      useGraphqlJsExecute(),
      useRequestTransaction({ prisma, timings }),
      // Half the pool at most for events, the rest stays for requests.
      useSharedSubscriptionExecution({
        prisma,
        timings,
        concurrency: Math.max(1, Math.floor(config.DATABASE_POOL_MAX / 2)),
      }),
    ],
  });

  return {
    yoga,
    handler: yoga as unknown as RequestListener,
    tokens,
    authenticator,
    prisma,
    realtime,
    attachWebSockets(server) {
      const transport = attachWebSockets(server, {
        yoga,
        authenticator,
        path: GRAPHQL_PATH,
        maxSubscriptionsPerSocket: config.REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET,
        connectionInitTimeoutMs: config.REALTIME_CONNECTION_INIT_TIMEOUT_MS,
        logger,
      });
      sockets.push(transport);
      return transport;
    },
    async close() {
      await Promise.all(sockets.map((transport) => transport.close()));
      await realtime.hub.close();
      await authenticator.close();
      await prisma.$disconnect();
      await readiness.close();
    },
  };
}

/** GET /.well-known/jwks.json: the public keys, for anyone who verifies our access tokens. */
function useJwks(tokens: TokenService): Plugin {
  const body = JSON.stringify(tokens.jwks);
  return {
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname !== JWKS_PATH) return;
      const allowed = request.method === "GET" || request.method === "HEAD";
      endResponse(
        allowed
          ? new fetchAPI.Response(request.method === "HEAD" ? null : body, {
              status: 200,
              headers: {
                "content-type": "application/jwk-set+json",
                // Short: a newly added key must reach verifiers before it signs.
                "cache-control": "public, max-age=300",
              },
            })
          : new fetchAPI.Response(null, { status: 405, headers: { allow: "GET, HEAD" } }),
      );
    },
  };
}

const MAX_USER_AGENT_LENGTH = 512;

/** The client's own x-request-id when short and plain; null otherwise. For correlation only. */
function clientRequestIdOf(request: Request): string | null {
  const offered = request.headers.get(REQUEST_ID_HEADER);
  return offered && SANE_REQUEST_ID.test(offered) ? offered : null;
}

function clientInfo(request: Request, req: IncomingMessage | undefined): ClientInfo {
  const userAgent = request.headers.get("user-agent");
  return {
    userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
    ip: req?.socket.remoteAddress ?? null,
  };
}

/**
 * Sends the server's request id on every response (/healthz and errors
 * included) and writes one access-log line per request, with the client's
 * own id when it sent a sane one; probes log at debug only.
 */
function useRequestLifecycle(logger: Logger, requestIdOf: (request: Request) => string): Plugin {
  const startedAt = new WeakMap<Request, number>();
  const operationNames = new WeakMap<Request, string>();
  return {
    onRequest({ request }) {
      startedAt.set(request, performance.now());
      requestIdOf(request);
    },
    onParams({ params, request }) {
      if (params.operationName) operationNames.set(request, params.operationName);
    },
    onResponse({ request, response }) {
      const requestId = requestIdOf(request);
      response.headers.set(REQUEST_ID_HEADER, requestId);
      const path = new URL(request.url).pathname;
      const probe = path === HEALTH_PATH || path === READY_PATH;
      logger[probe ? "debug" : "info"](
        {
          requestId,
          clientRequestId: clientRequestIdOf(request) ?? undefined,
          method: request.method,
          path,
          status: response.status,
          operationName: operationNames.get(request),
          durationMs: Math.round(performance.now() - (startedAt.get(request) ?? performance.now())),
        },
        "request completed",
      );
    },
  };
}

/**
 * graphql-js' own `execute` instead of Yoga's default (@graphql-tools'
 * normalizedExecutor, which adds @defer/@stream support we do not enable):
 * the latter was a quarter of the server's CPU in a profile of W1.
 */
function useGraphqlJsExecute(): Plugin {
  return {
    onExecute({ setExecuteFn }) {
      setExecuteFn(graphqlJsExecute);
    },
  };
}
