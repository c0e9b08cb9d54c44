import type { AppRole } from "../generated/prisma/client";

/**
 * How a caller proved who they are (src/auth/authenticate.ts): an access
 * token this API issued, an external identity provider's token, or an API key.
 */
export type AuthMethod = "access_token" | "external_token" | "api_key";

/**
 * Where a request came from, recorded with its claims in the audit trail
 * (src/db/identity.ts). Set per request by src/app.ts; never used to decide
 * what the caller may do.
 */
export interface RequestOrigin {
  /** The socket peer's address (a proxy's, behind one: forwarded headers are not trusted); null in-process. */
  readonly clientAddress: string | null;
  /**
   * The client's own `x-request-id`, when short and plain: kept for
   * correlation beside the server's request id, never instead of it.
   */
  readonly clientRequestId: string | null;
}

/**
 * Who is calling (and, for a request, from where): built by
 * src/auth/authenticate.ts from the request, before any database work.
 */
export type Viewer =
  | { readonly kind: "anonymous"; readonly origin?: RequestOrigin }
  | {
      readonly kind: "user";
      /** users.id */
      readonly id: string;
      readonly roles: readonly AppRole[];
      /** Absent for viewers built in code (jobs, tests). */
      readonly authMethod?: AuthMethod;
      /**
       * API keys: what the key may do (src/graphql/auth-scopes.ts). Absent for
       * sessions, which are bounded by their roles and RLS alone.
       */
      readonly scopes?: readonly string[];
      /** API keys: the key's id (usage tracking, revocation). */
      readonly apiKeyId?: string;
      /** When the credential stops being valid (ms since epoch): long-lived subscriptions end then. */
      readonly expiresAt?: number;
      readonly origin?: RequestOrigin;
    };

export type UserViewer = Extract<Viewer, { kind: "user" }>;

export const ANONYMOUS_VIEWER: Viewer = Object.freeze({ kind: "anonymous" });

/** `viewer` as the caller of one request from `origin` (a copy; `viewer` is unchanged). */
export function withOrigin(viewer: Viewer, origin: RequestOrigin | undefined): Viewer {
  return origin ? Object.freeze({ ...viewer, origin }) : viewer;
}
