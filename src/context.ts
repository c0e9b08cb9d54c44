import type DataLoader from "dataloader";
import { type RequestTransactionClient, type Viewer, requestClient } from "./db/request-transaction";
import type { Logger } from "./logger";
import type { FieldCipher } from "./services/field-encryption";

export type { Viewer };

/**
 * What every resolver receives. A fresh object per request: per-request
 * caches (Pothos' and the loaders below) are keyed by it. The Prisma client
 * is deliberately not here: see db().
 */
export interface Context {
  readonly requestId: string;
  readonly viewer: Viewer;
  /** Child logger: every line carries the request id. */
  readonly logger: Logger;
  /** Decrypts the fields encrypted at rest (one per application, from its configuration). */
  readonly fieldCipher: FieldCipher;
  /** DataLoaders for data Prisma does not load itself, created on first use. */
  readonly loaders: LoaderRegistry;
}

export function createContext(init: {
  requestId: string;
  viewer: Viewer;
  logger: Logger;
  fieldCipher: FieldCipher;
}): Context {
  return { ...init, loaders: new LoaderRegistry() };
}

/**
 * The operation's database transaction (identity already set). Also what the
 * Pothos Prisma plugin uses, through its `client: (ctx) => ...` option.
 */
export function db(context: Context): RequestTransactionClient {
  return requestClient(context);
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
