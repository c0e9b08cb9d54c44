import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener } from "node:http";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { type ExecutionResult, GraphQLError } from "graphql";
import { type Plugin, type YogaServerInstance, createYoga, useReadinessCheck } from "graphql-yoga";
import { type Authenticator, createAuthenticator } from "./auth/authenticate";
import { type ClientInfo, bindRequestAuth } from "./auth/request-auth";
import { useSessionMutationGuard } from "./auth/session-mutation-guard";
import { type TokenService, createTokenService } from "./auth/tokens";
import type { Config } from "./config";
import { type Context, createContext } from "./context";
import { toClientError } from "./db/errors";
import type { PrismaClient } from "./db/prisma";
import type { ReadinessCheck } from "./db/readiness";
import { transactionTimings, useRequestTransaction } from "./db/request-transaction";
import { type Logger, requestLogger } from "./logger";
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

/** A caller's request id is kept only when it is short and plain (it reaches logs and the audit trail). */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** Connected as the API login role (subject to RLS), see createPrismaClient. */
  apiPrisma: PrismaClient;
  readiness: ReadinessCheck;
}

export interface App {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  /** For `http.createServer(app.handler)`. */
  handler: RequestListener;
  /** Signs access tokens (JWT_PRIVATE_KEYS, or the development key). */
  tokens: TokenService;
  /** Request -> Viewer; also for the WebSocket handshake (build a Request from the upgrade's headers). */
  authenticator: Authenticator;
  /** Writes what is still buffered (API key last-use times). Call after the server stopped accepting requests. */
  close(): Promise<void>;
}

/**
 * The HTTP application: GraphQL (and GraphiQL) at /graphql, /healthz,
 * /readyz. Used by server.ts and by the tests, which listen on port 0.
 */
export function createApp({ config, logger, apiPrisma, readiness }: AppOptions): App {
  const timings = transactionTimings(config);
  const tokens = createTokenService(config);
  const authenticator = createAuthenticator({ config, tokens, prisma: apiPrisma, timings, logger });
  const requestIds = new WeakMap<Request, string>();
  const requestIdOf = (request: Request): string => {
    let id = requestIds.get(request);
    if (!id) {
      const offered = request.headers.get(REQUEST_ID_HEADER);
      id = offered && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
      requestIds.set(request, id);
    }
    return id;
  };

  const fieldCipher = createFieldCipher(config);

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
    maskedErrors: {
      isDev: false,
      maskError: (error, message) => maskError(error, message),
    },
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    batching: false,
    logging: yogaLogger(logger),
    // Who is calling, before anything touches the database: a bad token is
    // UNAUTHENTICATED (401) here, and execution never starts.
    context: async (initial) => {
      const { request } = initial;
      const requestId = requestIdOf(request);
      const viewer = await authenticator.authenticate(request, requestId);
      const context = createContext({
        requestId,
        viewer,
        logger: requestLogger(logger, requestId),
        fieldCipher,
      });
      return bindRequestAuth(context, {
        tokens,
        refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
        apiKeys: authenticator.apiKeys,
        client: clientInfo(request, (initial as { req?: IncomingMessage }).req),
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
      useErrorClassification(),
      useSessionMutationGuard(),
      useRequestTransaction<Context>({
        prisma: apiPrisma,
        timings,
        identityOf: (context) => ({ viewer: context.viewer, requestId: context.requestId }),
      }),
    ],
  });

  return {
    yoga,
    handler: yoga as unknown as RequestListener,
    tokens,
    authenticator,
    close: () => authenticator.close(),
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

function clientInfo(request: Request, req: IncomingMessage | undefined): ClientInfo {
  const userAgent = request.headers.get("user-agent");
  return {
    userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
    ip: req?.socket.remoteAddress ?? null,
  };
}

/**
 * Echoes the request id on every response (/healthz and errors included) and
 * writes one access-log line per request; probes log at debug only.
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
 * Execution errors, seen with their request: known ones (database refusals,
 * bad input) become contract errors with a code; unexpected ones are logged
 * here with the request id and left for Yoga's masking.
 */
function useErrorClassification(): Plugin<Context> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          if (!isPlainResult(result) || !result.errors?.length) return;
          const errors = result.errors.map((error) => {
            const classified = toClientError(error);
            if (classified) return classified;
            args.contextValue.logger.error(
              { err: error.originalError ?? error, path: error.path },
              "unexpected error",
            );
            return markLogged(error);
          });
          setResult({ ...result, errors });
        },
      };
    },
  };
}

const loggedErrors = new WeakSet<object>();

function markLogged(error: GraphQLError): GraphQLError {
  loggedErrors.add(error);
  return error;
}

/** Yoga's masking, after classification: also the backstop for errors outside execution. */
function maskError(error: unknown, message: string): Error {
  if (error instanceof GraphQLError) {
    const classified = loggedErrors.has(error) ? null : toClientError(error);
    if (classified) return classified;
    return new GraphQLError(message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: {
        code: "INTERNAL_SERVER_ERROR",
        ...(error.extensions?.["http"] ? { http: error.extensions["http"] } : {}),
      },
    });
  }
  return new GraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

function isPlainResult(result: unknown): result is ExecutionResult {
  return typeof result === "object" && result !== null && !(Symbol.asyncIterator in result);
}

/** Yoga's own log lines, through pino. */
function yogaLogger(logger: Logger) {
  const yogaLog = logger.child({ component: "yoga" });
  return {
    debug: (...args: unknown[]) => yogaLog.debug(args.length === 1 ? args[0] : args),
    info: (...args: unknown[]) => yogaLog.info(args.length === 1 ? args[0] : args),
    warn: (...args: unknown[]) => yogaLog.warn(args.length === 1 ? args[0] : args),
    error: (...args: unknown[]) => {
      const [first] = args;
      // Already logged with its request id by useErrorClassification.
      if (typeof first === "object" && first !== null && loggedErrors.has(first)) return;
      if (first instanceof Error) yogaLog.error({ err: first }, first.message);
      else yogaLog.error(args.length === 1 ? first : args);
    },
  };
}
