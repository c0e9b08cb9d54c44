import type { Viewer } from "../auth/viewer";
import { type AppRole, Prisma } from "../generated/prisma/client";

/**
 * A viewer as PostgreSQL sees it: the request role and the claims the
 * policies read. The statements that set them are built here only.
 */

/**
 * The allow-list of database roles a request may assume, keyed by the kind
 * of viewer. The role never comes from input: only from this map.
 */
const DATABASE_ROLES = {
  anonymous: "anonymous",
  user: "authenticated",
} as const satisfies Record<Viewer["kind"], string>;

export type DatabaseRole = (typeof DATABASE_ROLES)[Viewer["kind"]];

/**
 * `request.jwt.claims` as the policies read them (app.current_claims(),
 * app.current_user_id() from `sub`, app.has_role() from `roles`).
 */
export interface DatabaseClaims {
  role: DatabaseRole;
  sub?: string;
  roles?: AppRole[];
  /** Present only for API-key callers: the scopes of the key. */
  scopes?: string[];
}

export interface RequestIdentity {
  viewer: Viewer;
  /** Correlates the transaction with the request (audit_log.request_id). */
  requestId: string;
}

export function databaseRoleFor(viewer: Viewer): DatabaseRole {
  return DATABASE_ROLES[viewer.kind];
}

export function claimsFor(viewer: Viewer): DatabaseClaims {
  switch (viewer.kind) {
    case "anonymous":
      return { role: DATABASE_ROLES.anonymous };
    case "user":
      return {
        role: DATABASE_ROLES.user,
        sub: viewer.id,
        roles: [...viewer.roles],
        ...(viewer.scopes ? { scopes: [...viewer.scopes] } : {}),
      };
  }
}

/**
 * The first statement of every request transaction: role, claims, request
 * id and (for queries) read-only mode, all transaction-local
 * (`is_local = true`), so the pooled connection goes back clean.
 */
export function identityStatement({ viewer, requestId }: RequestIdentity, readOnly: boolean): Prisma.Sql {
  const claims = JSON.stringify(claimsFor(viewer));
  // Going read-only is allowed at any point of a transaction (only the way back is not).
  const readOnlyMode = readOnly
    ? Prisma.sql`, set_config('transaction_read_only', 'on', true)`
    : Prisma.empty;
  return Prisma.sql`
    select set_config('role', ${databaseRoleFor(viewer)}, true),
           set_config('request.jwt.claims', ${claims}, true),
           set_config('request.id', ${requestId}, true)${readOnlyMode}`;
}

/**
 * Makes the rest of a transaction act as `viewer`. Only for the sign-in
 * mutations (signUp, signIn, refreshSession), right after they proved who
 * the caller now is, so the payload's `user` is read under that user's own
 * policies; src/graphql/session-mutation-guard.ts keeps those mutations the
 * only field of their operation, so nothing else runs under the new
 * identity. Transaction-local like the first statement.
 */
export async function assumeIdentity(
  tx: { $executeRaw(query: Prisma.Sql): Promise<number> },
  viewer: Viewer,
): Promise<void> {
  const claims = JSON.stringify(claimsFor(viewer));
  await tx.$executeRaw(Prisma.sql`
    select set_config('role', ${databaseRoleFor(viewer)}, true),
           set_config('request.jwt.claims', ${claims}, true)`);
}
