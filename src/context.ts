import type { RequestAuth } from "./auth/request-auth";
import type { Viewer } from "./auth/viewer";
import { RequestDb } from "./db/request-transaction";
import type { Logger } from "./logger";
import type { Realtime } from "./realtime/subscriptions";
import type { FieldCipher } from "./services/field-encryption";

export type { Viewer };

/**
 * What every resolver receives. A fresh object per request: per-request
 * caches (Pothos' context cache, src/graphql/loaders.ts) are keyed by it.
 * Yoga merges it into its own context object with Object.assign, so the
 * context itself holds plain properties only (no getters).
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
  /** Subscriptions: the instance's realtime hub (src/realtime/). */
  readonly realtime: Realtime;
  /** Workflow settings from the configuration. */
  readonly settings: { readonly stockHoldMinutes: number };
}

export function createContext(init: Omit<Context, "db">): Context {
  return { ...init, db: new RequestDb() };
}
