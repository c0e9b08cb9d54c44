import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { PrismaClient } from "../db/prisma";
import type { AppRole } from "../generated/prisma/client";
import { type TransactionTimings, withRequestTransaction } from "../db/request-transaction";
import { ANONYMOUS_VIEWER } from "./viewer";
import { sha256Hex } from "./tokens";
import { isAppRole } from "./roles";

/**
 * API keys for integrations (a supplier's ERP): `ll_<prefix>_<secret>`.
 *
 * - The prefix (12 hex characters) is stored in clear and shown in lists, so
 *   a key can be recognised and found without its secret; the secret is 32
 *   random bytes. Only the SHA-256 of the whole key is stored, and the key is
 *   shown once, when created.
 * - A request with `X-Api-Key` acts as the key's owner, limited to the key's
 *   scopes (src/schema/auth-scopes.ts decides what each scope opens).
 * - A presented key goes to `app.auth_api_key` (migration 010), which finds
 *   it by prefix and answers only when the SHA-256 matches: the request
 *   roles never read a key's hash or owner without the key. A verified key
 *   is remembered for a short while (by prefix, with the SHA-256 of the key
 *   presented, so only that same key is answered from memory);
 *   `last_used_at` is written in batches, never on the request's path.
 */

export const API_KEY_PATTERN = /^ll_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** Shown to its owner once; never stored. */
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString("hex");
  const key = `ll_${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, hash: sha256Hex(key) };
}

/** The prefix of a well-formed key, or null (then nothing is looked up). */
export function apiKeyPrefix(key: string): string | null {
  return API_KEY_PATTERN.exec(key)?.[1] ?? null;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  scopes: string[];
  /** The owner's roles when the key was looked up. */
  roles: AppRole[];
  expiresAt: Date | null;
}

export interface ApiKeyStore {
  /** The usable key `key` names (active, unexpired, owner not disabled), or null. */
  verify(key: string, requestId: string): Promise<ApiKeyRecord | null>;
  /** Notes a use; written to last_used_at with the next batch. */
  recordUse(id: string): void;
  /** Drops a key from this process' memory (it was revoked here). */
  forget(prefix: string): void;
  /** Writes the pending uses; no more batches afterwards. */
  close(): Promise<void>;
}

export interface ApiKeyStoreOptions {
  prisma: PrismaClient;
  timings: TransactionTimings;
  logger: Pick<Logger, "warn" | "error" | "debug">;
  cacheTtlSeconds: number;
  touchIntervalSeconds: number;
}

/** Keys remembered at most (oldest dropped first): memory stays bounded whatever the traffic. */
const MAX_CACHED_KEYS = 10_000;
/** Uses waiting for a batch at most; more are dropped (last_used_at is a hint, not an audit). */
const MAX_PENDING_USES = 50_000;

interface KeyRow {
  id: string;
  user_id: string;
  scopes: string[];
  roles: string[];
  expires_at: Date | null;
}

export function createApiKeyStore(options: ApiKeyStoreOptions): ApiKeyStore {
  /** By prefix: the verified key's record, and the SHA-256 of that key. */
  const cache = new Map<string, { digest: Buffer; record: ApiKeyRecord; until: number }>();
  const pendingUses = new Set<string>();
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;

  const lookup = async (key: string, prefix: string, requestId: string): Promise<ApiKeyRecord | null> => {
    const digest = createHash("sha256").update(key, "utf8").digest();
    const cached = cache.get(prefix);
    if (cached && cached.until > Date.now()) {
      // Another secret under a remembered prefix is asked about, never answered from memory.
      if (timingSafeEqual(cached.digest, digest)) return cached.record;
    } else {
      cache.delete(prefix);
    }
    const rows = await withRequestTransaction(
      options.prisma,
      { viewer: ANONYMOUS_VIEWER, requestId },
      { readOnly: true, timings: options.timings },
      (tx) => tx.$queryRaw<KeyRow[]>`
        select id::text, user_id::text, scopes, roles::text[] as roles, expires_at
          from app.auth_api_key(${key})`,
    );
    const row = rows[0];
    if (!row) return null;
    const record: ApiKeyRecord = {
      id: row.id,
      userId: row.user_id,
      scopes: row.scopes,
      roles: row.roles.filter(isAppRole),
      expiresAt: row.expires_at,
    };
    if (options.cacheTtlSeconds > 0) {
      cache.delete(prefix);
      if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
      cache.set(prefix, { digest, record, until: Date.now() + options.cacheTtlSeconds * 1000 });
    }
    return record;
  };

  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (pendingUses.size === 0) return;
      const ids = [...pendingUses];
      pendingUses.clear();
      try {
        await withRequestTransaction(
          options.prisma,
          { viewer: ANONYMOUS_VIEWER, requestId: "api-key-usage" },
          { readOnly: false, timings: options.timings },
          (tx) => tx.$executeRaw`select app.auth_touch_api_keys(${ids}::uuid[])`,
        );
      } catch (error) {
        options.logger.warn({ err: error, keys: ids.length }, "could not record API key use");
      }
    });
    return flushing;
  };

  const timer = setInterval(() => void flush(), options.touchIntervalSeconds * 1000);
  timer.unref();

  return {
    async verify(key, requestId) {
      const prefix = apiKeyPrefix(key);
      if (!prefix) return null;
      const record = await lookup(key, prefix, requestId);
      if (!record) return null;
      // The database checks expiry too; this covers a key that expired while remembered.
      if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) {
        cache.delete(prefix);
        return null;
      }
      return record;
    },

    recordUse(id) {
      if (closed || pendingUses.size >= MAX_PENDING_USES) return;
      pendingUses.add(id);
    },

    forget(prefix) {
      cache.delete(prefix);
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await flush();
    },
  };
}
