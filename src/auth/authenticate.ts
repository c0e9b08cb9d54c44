import { GraphQLError } from "graphql";
import {
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import type { Logger } from "pino";
import type { Config } from "../config";
import type { PrismaClient } from "../db/prisma";
import { isUuid } from "../db/uuid";
import { type TransactionTimings, withRequestTransaction } from "../db/request-transaction";
import type { AppRole } from "../generated/prisma/client";
import { type ApiKeyStore, createApiKeyStore } from "./api-keys";
import { externalProfile, externalUserId, isUsableSubject, mappedRoles } from "./external-identity";
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_ROLE, ACCESS_TOKEN_TYPE, type TokenService } from "./tokens";
import { isAppRole } from "./roles";
import { ANONYMOUS_VIEWER, type Viewer } from "./viewer";

/**
 * Turns a request into a Viewer, before any GraphQL execution.
 *
 * - No `Authorization` and no `X-Api-Key`: anonymous.
 * - `Authorization: Bearer <JWT>`: our own access token (EdDSA, `typ: at+jwt`)
 *   or, when configured, an external identity provider's. Verification is
 *   pure computation against keys held in memory (the provider's key set is
 *   fetched over HTTP and cached, never from the database): a bad token is
 *   refused before a database connection is taken.
 * - `X-Api-Key: ll_…`: looked up by prefix, compared by hash.
 *
 * Anything offered and not valid is an error (UNAUTHENTICATED, HTTP 401 with
 * `WWW-Authenticate`), never a silent fall-back to anonymous.
 */

export interface Authenticator {
  authenticate(request: Request, requestId: string): Promise<Viewer>;
  readonly apiKeys: ApiKeyStore;
  /** Writes pending API key uses; call on shutdown. */
  close(): Promise<void>;
}

export type AuthenticatorConfig = Pick<
  Config,
  | "JWT_CLOCK_TOLERANCE_SECONDS"
  | "EXTERNAL_JWT_ISSUER"
  | "EXTERNAL_JWT_AUDIENCE"
  | "EXTERNAL_JWKS_URL"
  | "EXTERNAL_JWT_ALGORITHMS"
  | "EXTERNAL_JWT_TYP"
  | "EXTERNAL_ROLE_CLAIM"
  | "EXTERNAL_ROLE_MAP"
  | "EXTERNAL_JWKS_COOLDOWN_SECONDS"
  | "EXTERNAL_JWKS_CACHE_MAX_AGE_SECONDS"
  | "EXTERNAL_JWKS_TIMEOUT_MS"
  | "API_KEY_CACHE_TTL_SECONDS"
  | "API_KEY_TOUCH_INTERVAL_SECONDS"
  | "EXTERNAL_USER_RECHECK_SECONDS"
>;

export interface AuthenticatorOptions {
  config: AuthenticatorConfig;
  tokens: TokenService;
  /** The API's client: API key lookups and external first sign-ins, each in a request transaction. */
  prisma: PrismaClient;
  timings: TransactionTimings;
  logger: Logger;
}

/** A compact JWS: three base64url parts, the signature not empty (so never `alg: none`). */
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const MAX_TOKEN_LENGTH = 8 * 1024;
/** Our key ids are plain (config.ts); a provider's may carry base64 characters, never `/`, `\` or `:`. */
const OWN_KID = /^[A-Za-z0-9_-]{1,64}$/;
const EXTERNAL_KID = /^[A-Za-z0-9._+=-]{1,256}$/;
const MAX_REMEMBERED_EXTERNAL_USERS = 10_000;

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { config, tokens, logger } = options;
  const apiKeys = createApiKeyStore({
    prisma: options.prisma,
    timings: options.timings,
    logger,
    cacheTtlSeconds: config.API_KEY_CACHE_TTL_SECONDS,
    touchIntervalSeconds: config.API_KEY_TOUCH_INTERVAL_SECONDS,
  });
  const external = config.EXTERNAL_JWT_ISSUER ? createExternalVerifier(options) : null;

  const verifyOwnToken = async (token: string, header: ProtectedHeaderParameters): Promise<Viewer> => {
    if (typeof header.kid !== "string" || !OWN_KID.test(header.kid)) throw invalidToken("malformed kid");
    const { payload } = await jwtVerify(token, tokens.verificationKeys, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      typ: ACCESS_TOKEN_TYPE,
      issuer: tokens.issuer,
      audience: tokens.audience,
      requiredClaims: ["exp", "sub", "iat"],
      clockTolerance: config.JWT_CLOCK_TOLERANCE_SECONDS,
      // A token can live no longer than we issue them for, whatever its exp says.
      maxTokenAge: tokens.accessTokenTtlSeconds,
    });
    const roles = payload["roles"];
    if (
      payload["role"] !== ACCESS_TOKEN_ROLE ||
      typeof payload.sub !== "string" ||
      !isUuid(payload.sub) ||
      !Array.isArray(roles) ||
      !roles.every(isAppRole) ||
      payload["scopes"] !== undefined
    ) {
      throw invalidToken("unexpected claims");
    }
    return {
      kind: "user",
      id: payload.sub,
      roles: [...new Set(roles as AppRole[])],
      authMethod: "access_token",
      expiresAt: payload.exp! * 1000,
    };
  };

  const verifyBearer = async (token: string, requestId: string): Promise<Viewer> => {
    let header: ProtectedHeaderParameters;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw invalidToken("not a JWT");
    }
    // Routing only: the verifier chosen checks `iss` again, against the signature.
    if (claims.iss === tokens.issuer) return verifyOwnToken(token, header);
    if (external && claims.iss === config.EXTERNAL_JWT_ISSUER)
      return external.verify(token, header, requestId);
    throw invalidToken("unknown issuer");
  };

  return {
    apiKeys,

    async authenticate(request, requestId) {
      const authorization = request.headers.get("authorization");
      const apiKey = request.headers.get("x-api-key");
      if (authorization === null && apiKey === null) return ANONYMOUS_VIEWER;
      try {
        if (authorization !== null && apiKey !== null) {
          throw unauthenticated("Send either Authorization or X-Api-Key, not both.", "invalid_request");
        }
        if (apiKey !== null) {
          const record = await apiKeys.verify(apiKey.trim(), requestId);
          if (!record) throw unauthenticated("The API key is not valid.", "invalid_token");
          apiKeys.recordUse(record.id);
          return {
            kind: "user",
            id: record.userId,
            roles: record.roles,
            authMethod: "api_key",
            scopes: record.scopes,
            apiKeyId: record.id,
            ...(record.expiresAt ? { expiresAt: record.expiresAt.getTime() } : {}),
          };
        }
        const value = authorization!.trim();
        const bearer = value.length <= MAX_TOKEN_LENGTH ? BEARER.exec(value) : null;
        if (!bearer) throw unauthenticated('Authorization must be "Bearer <token>".', "invalid_request");
        return await verifyBearer(bearer[1]!, requestId);
      } catch (error) {
        throw asUnauthenticated(error, logger, requestId);
      }
    },

    close: () => apiKeys.close(),
  };
}

// ---------------------------------------------------------------- external provider

interface ExternalVerifier {
  verify(token: string, header: ProtectedHeaderParameters, requestId: string): Promise<Viewer>;
}

function createExternalVerifier({ config, prisma, timings }: AuthenticatorOptions): ExternalVerifier {
  const issuer = config.EXTERNAL_JWT_ISSUER!;
  const recheckMs = config.EXTERNAL_USER_RECHECK_SECONDS * 1000;
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.EXTERNAL_JWKS_URL!), {
    timeoutDuration: config.EXTERNAL_JWKS_TIMEOUT_MS,
    cooldownDuration: config.EXTERNAL_JWKS_COOLDOWN_SECONDS * 1000,
    cacheMaxAge: config.EXTERNAL_JWKS_CACHE_MAX_AGE_SECONDS * 1000,
  });
  /** users.id -> until when it is known to exist and be active, and its roles in user_roles then. */
  const knownUsers = new Map<string, { until: number; granted: ReadonlySet<AppRole> }>();

  /**
   * The first request of an external identity creates its user and profile,
   * and grants the roles its token maps to (app.auth_upsert_external_user, as
   * that very user). Every request then holds the roles its token maps to
   * AND user_roles still grants: the provider can narrow them, and an admin's
   * revokeRole narrows them too (a role the provider adds later holds only
   * once an admin grants it: the token never grants again, or revoking would
   * not stick). Status and user_roles are asked again after the re-check
   * interval (EXTERNAL_USER_RECHECK_SECONDS). After verification, never instead of it.
   */
  const grantedRoles = async (
    viewer: Viewer & { kind: "user" },
    subject: string,
    payload: JWTPayload,
    requestId: string,
  ): Promise<ReadonlySet<AppRole>> => {
    const known = knownUsers.get(viewer.id);
    if (known !== undefined && known.until > Date.now()) return known.granted;
    const { email, fullName } = externalProfile(payload);
    const { status, roles } = await withRequestTransaction(
      prisma,
      { viewer, requestId },
      { readOnly: false, timings },
      async (tx) => {
        const [row] = await tx.$queryRaw<{ status: string }[]>`
          select app.auth_upsert_external_user(
            ${issuer}, ${subject}, ${email}, ${fullName}, ${[...viewer.roles]}::app_role[]) as status`;
        // The user's own rows (RLS select_own), the same transaction: a first sign-in's grants included.
        const granted = await tx.$queryRaw<{ role: string }[]>`
          select role::text as role from user_roles where user_id = ${viewer.id}::uuid`;
        return { status: row?.status, roles: granted.map((entry) => entry.role).filter(isAppRole) };
      },
    );
    if (status !== "active") throw unauthenticated("This account is disabled.", "invalid_token");
    const granted = new Set(roles);
    knownUsers.delete(viewer.id);
    if (knownUsers.size >= MAX_REMEMBERED_EXTERNAL_USERS) knownUsers.delete(knownUsers.keys().next().value!);
    knownUsers.set(viewer.id, { until: Date.now() + recheckMs, granted });
    return granted;
  };

  return {
    async verify(token, header, requestId) {
      if (
        header.kid !== undefined &&
        (typeof header.kid !== "string" || !EXTERNAL_KID.test(header.kid) || header.kid.includes(".."))
      ) {
        throw invalidToken("malformed kid");
      }
      const { payload } = await jwtVerify(token, keys, {
        algorithms: config.EXTERNAL_JWT_ALGORITHMS,
        issuer,
        audience: config.EXTERNAL_JWT_AUDIENCE!,
        requiredClaims: ["exp", "sub", "iat"],
        clockTolerance: config.JWT_CLOCK_TOLERANCE_SECONDS,
        ...(config.EXTERNAL_JWT_TYP ? { typ: config.EXTERNAL_JWT_TYP } : {}),
      });
      if (!isUsableSubject(payload.sub)) throw invalidToken("unusable sub");
      const viewer = {
        kind: "user" as const,
        id: externalUserId(issuer, payload.sub),
        roles: mappedRoles(payload, config.EXTERNAL_ROLE_CLAIM, config.EXTERNAL_ROLE_MAP),
        authMethod: "external_token" as const,
        expiresAt: payload.exp! * 1000,
      };
      const granted = await grantedRoles(viewer, payload.sub, payload, requestId);
      return { ...viewer, roles: viewer.roles.filter((role) => granted.has(role)) };
    },
  };
}

// ---------------------------------------------------------------- errors

/** RFC 6750 `error` values. */
type BearerError = "invalid_request" | "invalid_token";

/** Verification failed: the reason is logged, never shown (it would guide an attacker). */
class InvalidToken extends Error {
  override name = "InvalidToken";
}

function invalidToken(reason: string): InvalidToken {
  return new InvalidToken(reason);
}

export function unauthenticated(message: string, bearerError: BearerError): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: "UNAUTHENTICATED",
      http: {
        status: 401,
        headers: { "WWW-Authenticate": `Bearer realm="loomline", error="${bearerError}"` },
      },
    },
  });
}

/**
 * A refusal as the client sees it. Failures that are not about the
 * credentials (the database or the provider's key set unreachable) stay
 * unexpected errors: masked, logged, 500.
 */
function asUnauthenticated(error: unknown, logger: Logger, requestId: string): unknown {
  if (error instanceof GraphQLError) return error;
  if (error instanceof joseErrors.JWTExpired)
    return unauthenticated("The token has expired.", "invalid_token");
  if (!(error instanceof InvalidToken || error instanceof joseErrors.JOSEError)) return error;
  // A key set that timed out is the provider's problem, not the caller's: worth a warning.
  const level = error instanceof joseErrors.JWKSTimeout ? "warn" : "debug";
  logger[level]({ requestId, reason: `${error.name}: ${error.message}` }, "credentials refused");
  return unauthenticated("The token is not valid.", "invalid_token");
}
