import { z } from "zod";

/**
 * The environment, parsed and validated once. Every setting the process reads
 * lives here, with its default, so a bad value fails at start-up with a clear
 * message instead of somewhere deep in a request.
 */
const booleanFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const postgresUrl = z
  .string()
  .url()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), "must start with postgres:// or postgresql://");

/** Asymmetric JWS algorithms an external provider may use: never HS* (a public key is no secret), never none. */
const EXTERNAL_JWT_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;

/** A private Ed25519 signing key as a JWK. `kid` is ours: plain characters only. */
const signingJwk = z.object({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  kid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "kid must be 1-64 of [A-Za-z0-9_-]"),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "x must be a base64url Ed25519 public key"),
  d: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "d must be a base64url Ed25519 private key"),
});
export type SigningJwk = z.infer<typeof signingJwk>;

function parseSigningKeys(text: string, ctx: z.RefinementCtx): SigningJwk[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    ctx.addIssue({
      code: "custom",
      message: 'must be a JWK Set: {"keys":[{"kty":"OKP","crv":"Ed25519",…}]}',
    });
    return z.NEVER;
  }
  const parsed = z.object({ keys: z.array(signingJwk).min(1) }).safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: "custom", message: `${issue.path.join(".")}: ${issue.message}` });
    }
    return z.NEVER;
  }
  const kids = parsed.data.keys.map((key) => key.kid);
  const duplicate = kids.find((kid, index) => kids.indexOf(kid) !== index);
  if (duplicate) {
    ctx.addIssue({ code: "custom", message: `kid "${duplicate}" appears twice` });
    return z.NEVER;
  }
  // Only the fields named above: nothing else of the JSON travels further.
  return parsed.data.keys.map(({ kty, crv, kid, x, d }) => ({ kty, crv, kid, x, d }));
}

/** Roles an external provider's role names may map to (admin only through npm run user:grant). */
export const EXTERNAL_ROLE_TARGETS = ["buyer", "supplier"] as const;
export type ExternalRoleTarget = (typeof EXTERNAL_ROLE_TARGETS)[number];

function parseRoleMap(text: string, ctx: z.RefinementCtx): Record<string, ExternalRoleTarget> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: "custom", message: 'must be a JSON object such as {"factory":"supplier"}' });
    return z.NEVER;
  }
  const parsed = z.record(z.string().min(1).max(200), z.enum(EXTERNAL_ROLE_TARGETS)).safeParse(json);
  if (!parsed.success) {
    ctx.addIssue({
      code: "custom",
      message: `must map provider role names to one of ${EXTERNAL_ROLE_TARGETS.join(", ")}`,
    });
    return z.NEVER;
  }
  // A null-prototype copy: "__proto__" or "constructor" in a token can never match by accident.
  return Object.assign(Object.create(null) as Record<string, ExternalRoleTarget>, parsed.data);
}

const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  /**
   * Administrative connection: runs migrations, seeds and CLI jobs. A superuser
   * on a development machine, or a role with CREATEROLE, CREATEDB and
   * BYPASSRLS on managed Postgres. Unset: an embedded PostgreSQL is started.
   */
  DATABASE_URL: postgresUrl.optional(),
  /**
   * The API's login role (subject to RLS). Unset: derived from DATABASE_URL
   * with the user `loomline_api` and DATABASE_API_PASSWORD.
   */
  DATABASE_API_URL: postgresUrl.optional(),
  DATABASE_API_PASSWORD: z.string().min(12).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** How long a request may wait for a pooled connection before failing. */
  DATABASE_POOL_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /**
   * The realtime listener's own connection (LISTEN needs a session, not a
   * transaction-mode pooler). Unset: the API login role's URL.
   */
  DATABASE_LISTEN_URL: postgresUrl.optional(),
  /** How long realtime events stay resumable by cursor; pruned after (at least a day). */
  REALTIME_EVENT_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(24)
    .max(24 * 30)
    .default(48),
  /**
   * How often the realtime listener reads the event log without a wake-up:
   * its health check, and the delivery path when the database is set to
   * `loomline.realtime_notify = off` (migration 017).
   */
  REALTIME_POLL_INTERVAL_MS: z.coerce.number().int().min(20).max(60_000).default(5_000),
  /** How long a new WebSocket may wait before its graphql-ws `connection_init` (then 4408). */
  REALTIME_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Subscriptions one WebSocket may hold at once. */
  REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(1_000).default(100),
  /** Where the embedded PostgreSQL keeps its data (ignored by git). */
  EMBEDDED_PG_DIR: z.string().min(1).default(".data/postgres"),
  /** 0 picks a free port. */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),

  /** Apply pending migrations when the server starts (always on with the embedded database). */
  MIGRATE_ON_START: booleanFromEnv.default(false),
  /** Seed demo data on first start when the database has none (embedded database only by default). */
  SEED_ON_START: booleanFromEnv.optional(),

  GRAPHIQL: booleanFromEnv.optional(),

  /**
   * AES-256-GCM keys for fields encrypted at rest, `keyId:base64key` pairs
   * separated by commas; the first encrypts, all decrypt (rotation). Unset
   * outside production: a development key is generated and kept under .data/secrets/.
   */
  FIELD_ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,64}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,64}:[A-Za-z0-9+/]{43}=)*$/,
      "must be keyId:base64(32 bytes) pairs separated by commas",
    )
    .optional(),

  /**
   * The key that signs each request's claims for PostgreSQL (HMAC-SHA256,
   * src/db/identity.ts): base64 of 32 or more random bytes. The migrator
   * stores it where only the owner reads it; app.current_claims() accepts
   * only claims signed with it, so SQL run as a request role cannot make
   * itself someone else. The server, the migrator and the CLIs must share it.
   * Unset outside production: a development key is generated and kept under
   * .data/secrets/. Required in production.
   */
  DATABASE_CLAIMS_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43,}={0,2}$/, "must be base64 of at least 32 random bytes")
    .refine(
      (value) => Buffer.from(value, "base64").length >= 32,
      "must be base64 of at least 32 random bytes",
    )
    .optional(),

  // ------------------------------------------------------------ authentication

  /**
   * Ed25519 keys that sign access tokens: a JWK Set (`{"keys":[...]}`) of
   * private OKP keys, each with a `kid`. The first signs; all are published
   * at /.well-known/jwks.json (keep a retired key listed until its last token
   * expired). Unset outside production: a development key is generated and
   * kept under .data/secrets/.
   */
  JWT_PRIVATE_KEYS: z.string().transform(parseSigningKeys).optional(),
  /** `iss` of the access tokens this API issues (and the only issuer it accepts for them). */
  JWT_ISSUER: z
    .string()
    .regex(/^\S{1,200}$/, "must be 1-200 characters without spaces")
    .default("loomline"),
  /** `aud` of the access tokens this API issues and accepts. */
  JWT_AUDIENCE: z
    .string()
    .regex(/^\S{1,200}$/, "must be 1-200 characters without spaces")
    .default("loomline-api"),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  /** Lifetime of a refresh token; every refresh issues a new one (rotation). */
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3_600)
    .max(365 * 86_400)
    .default(30 * 86_400),
  /** Clock skew accepted on exp/nbf/iat, for our tokens and an external provider's. */
  JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),

  /**
   * An external identity provider (Auth0, Supabase, Keycloak…) whose access
   * tokens are accepted too: all three or none.
   */
  EXTERNAL_JWT_ISSUER: z
    .string()
    .regex(/^\S{1,500}$/, "must be 1-500 characters without spaces")
    .optional(),
  EXTERNAL_JWT_AUDIENCE: z
    .string()
    .regex(/^\S{1,500}$/, "must be 1-500 characters without spaces")
    .optional(),
  EXTERNAL_JWKS_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), "must be an http(s) URL")
    .optional(),
  /** Accepted `alg` values, comma-separated; asymmetric only (no HS*, never none). */
  EXTERNAL_JWT_ALGORITHMS: z
    .string()
    .transform((value) => value.split(",").map((alg) => alg.trim()))
    .pipe(z.array(z.enum(EXTERNAL_JWT_ALGORITHMS)).min(1))
    .default(["RS256", "ES256"]),
  /** Pins the `typ` header of the provider's tokens (e.g. `at+jwt`) when it sets one. */
  EXTERNAL_JWT_TYP: z.string().min(1).max(100).optional(),
  /**
   * Where the provider puts roles: a claim name (`https://example.com/roles`),
   * or a dot path into nested claims (`app_metadata.roles`). A string or an
   * array of strings; each goes through EXTERNAL_ROLE_MAP.
   */
  EXTERNAL_ROLE_CLAIM: z.string().min(1).max(200).optional(),
  /**
   * The allow-list from the provider's role names to Loomline's:
   * `{"buyer":"buyer","factory":"supplier"}`. Unlisted names give no role;
   * admin is never granted from outside (npm run user:grant).
   */
  EXTERNAL_ROLE_MAP: z.string().transform(parseRoleMap).optional(),
  EXTERNAL_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  EXTERNAL_JWKS_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  EXTERNAL_JWKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  /**
   * How long an external provider's user found active, and its user_roles,
   * are remembered before asking again: disabling and revokeRole take
   * effect within it.
   */
  EXTERNAL_USER_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),

  // ------------------------------------------------------------ workflow

  /** How long a stock hold lasts before it expires (the policy caps it at a day). */
  STOCK_HOLD_MINUTES: z.coerce.number().int().min(1).max(1_440).default(30),

  /**
   * How long a verified API key is remembered by this process (0: look it up
   * on every request). A revoked key stops working here at once, on other
   * instances within this time.
   */
  API_KEY_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** api_keys.last_used_at is written in batches at most this often (and at shutdown). */
  API_KEY_TOUCH_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
});

export type Config = Omit<z.infer<typeof configSchema>, "DATABASE_API_PASSWORD"> & {
  /** Set explicitly in production; a development default elsewhere. */
  DATABASE_API_PASSWORD: string;
  /** GraphiQL is served outside production unless switched off. */
  graphiql: boolean;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === "production" && !config.FIELD_ENCRYPTION_KEYS) {
    throw new ConfigError("Invalid configuration:\n  FIELD_ENCRYPTION_KEYS: required in production");
  }
  if (config.NODE_ENV === "production" && !config.DATABASE_API_URL && !config.DATABASE_API_PASSWORD) {
    throw new ConfigError(
      "Invalid configuration:\n  DATABASE_API_PASSWORD: required in production (or set DATABASE_API_URL)",
    );
  }
  const authProblems = authConfigProblems(config);
  if (authProblems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${authProblems.map((line) => `  ${line}`).join("\n")}`);
  }
  return {
    ...config,
    DATABASE_API_PASSWORD: config.DATABASE_API_PASSWORD ?? "loomline_api_dev_password",
    graphiql: config.GRAPHIQL ?? config.NODE_ENV !== "production",
  };
}

function authConfigProblems(config: z.infer<typeof configSchema>): string[] {
  const problems: string[] = [];
  const production = config.NODE_ENV === "production";
  if (production && !config.JWT_PRIVATE_KEYS) problems.push("JWT_PRIVATE_KEYS: required in production");
  const external = [config.EXTERNAL_JWT_ISSUER, config.EXTERNAL_JWT_AUDIENCE, config.EXTERNAL_JWKS_URL];
  if (external.some(Boolean) && !external.every(Boolean)) {
    problems.push(
      "EXTERNAL_JWT_ISSUER, EXTERNAL_JWT_AUDIENCE, EXTERNAL_JWKS_URL: set all three to accept an external identity provider, or none",
    );
  }
  if (config.EXTERNAL_JWT_ISSUER && config.EXTERNAL_JWT_ISSUER === config.JWT_ISSUER) {
    problems.push("EXTERNAL_JWT_ISSUER: must differ from JWT_ISSUER");
  }
  if (production && config.EXTERNAL_JWKS_URL && !config.EXTERNAL_JWKS_URL.startsWith("https://")) {
    problems.push("EXTERNAL_JWKS_URL: must be https in production");
  }
  if (config.EXTERNAL_ROLE_MAP && !config.EXTERNAL_ROLE_CLAIM) {
    problems.push("EXTERNAL_ROLE_MAP: needs EXTERNAL_ROLE_CLAIM (where the provider puts roles)");
  }
  return problems;
}
