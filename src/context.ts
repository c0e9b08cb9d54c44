import type DataLoader from "dataloader";
import type { RequestAuth } from "./auth/request-auth";
import type { Viewer } from "./auth/viewer";
import { RequestDb } from "./db/request-transaction";
import type { Logger } from "./logger";
import type { FieldCipher } from "./services/field-encryption";

export type { Viewer };

/**
 * What every resolver receives. A fresh object per request: per-request
 * caches (Pothos' and the loaders below) are keyed by it. Yoga merges it
 * into its own context object with Object.assign, so it holds plain
 * properties only (no getters, no class instance of its own).
 */
export interface Context {
  readonly requestId: string;
  readonly viewer: Viewer;
  /** Child logger: every line carries the request id. */
  readonly logger: Logger;
  /**
   * The operation's database transaction, as `db.tx`: identity already set,
   * reads on the "query" relation strategy (src/db/request-transaction.ts).
   * The only way resolvers reach the database; the Pothos Prisma plugin uses it too.
   */
  readonly db: RequestDb;
  /** Decrypts the fields encrypted at rest (one per application, from its configuration). */
  readonly fieldCipher: FieldCipher;
  /** What the session mutations need: token service, refresh lifetime, the client's address. */
  readonly auth: RequestAuth;
  /** DataLoaders for data Prisma does not load itself, created on first use. */
  readonly loaders: LoaderRegistry;
}

export function createContext(init: Omit<Context, "db" | "loaders">): Context {
  return { ...init, db: new RequestDb(), loaders: new LoaderRegistry() };
}

/** Request-scoped DataLoaders, one per key, so batching and caching never cross requests. */
export class LoaderRegistry {
  readonly #loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(key: string, create: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.#loaders.get(key);
    if (!loader) {
      loader = create() as DataLoader<unknown, unknown>;
      this.#loaders.set(key, loader);
    }
    return loader as DataLoader<K, V>;
  }
}
