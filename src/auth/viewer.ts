import type { AppRole } from "../generated/prisma/client";

/**
 * How a caller proved who they are (src/auth/authenticate.ts): an access
 * token this API issued, an external identity provider's token, or an API key.
 */
export type AuthMethod = "access_token" | "external_token" | "api_key";

/** Who is calling: built by src/auth/authenticate.ts from the request, before any database work. */
export type Viewer =
  | { readonly kind: "anonymous" }
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
    };

export type UserViewer = Extract<Viewer, { kind: "user" }>;

export const ANONYMOUS_VIEWER: Viewer = Object.freeze({ kind: "anonymous" });
