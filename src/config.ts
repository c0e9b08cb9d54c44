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
   * outside production: a development key is generated and kept under .data/.
   */
  FIELD_ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,64}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,64}:[A-Za-z0-9+/]{43}=)*$/,
      "must be keyId:base64(32 bytes) pairs separated by commas",
    )
    .optional(),
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
  return {
    ...config,
    DATABASE_API_PASSWORD: config.DATABASE_API_PASSWORD ?? "loomline_api_dev_password",
    graphiql: config.GRAPHIQL ?? config.NODE_ENV !== "production",
  };
}
