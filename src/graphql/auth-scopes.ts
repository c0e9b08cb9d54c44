import { isUuid } from "../db/uuid";
import { loaderByIds } from "./loaders";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { type AuthFailure, AuthScopeFailureType, type ForbiddenResult } from "@pothos/plugin-scope-auth";
import type { GraphQLError, GraphQLSchema } from "graphql";
import type { Context, Viewer } from "../context";
import { clientError } from "./errors";
import { parseUuid } from "./node-id";

/**
 * GraphQL-layer authorization: the first of the two layers DOMAIN.md asks
 * for. It refuses early and clearly (UNAUTHENTICATED, FORBIDDEN); row level
 * security in Postgres is the second layer and refuses anyway when a check
 * here is missing or wrong. Nothing here widens what RLS allows: a scope
 * only ever decides whether a resolver runs at all.
 *
 * - Role scopes (`admin`, `buyer`, `supplier`) come from the verified token's
 *   `roles`, the same claims the database policies read.
 * - `apiScope` limits API-key callers to the scopes their key was issued with
 *   (`orders:read` …). A signed-in session holds every API scope: its roles
 *   and RLS bound it already.
 * - `orderParty` is an owner-of-X check: the caller is the order's buyer,
 *   its supplier (assigned, or holding one of its supplier orders), or an
 *   admin — asked of the database (app.is_buyer_of / is_supplier_of /
 *   is_admin, the definitions RLS uses), batched: one statement per request.
 */

/**
 * Scopes an API key may carry (src/auth issues keys with a subset of these).
 * Each one gates fields: a scope is listed here only together with the
 * fields that require it (`authScopes: { apiScope: ... }`), so no key holds
 * a scope that grants nothing. The write scopes arrive with their mutations.
 */
export const API_SCOPES = [
  "orders:read",
  "orders:write",
  "payments:write",
  "production:write",
  "suppliers:read",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** The builder's `AuthScopes`: each scope's parameter type. */
export interface AuthScopes {
  /** Anyone, signed in or not (explicit, so a public field says so). */
  public: boolean;
  /** A signed-in user or an API key. */
  authenticated: boolean;
  /**
   * A person at a client, signed in with a session or anonymous: never an
   * API key. Session management (sign-in, sign-out, keys) is for people.
   */
  person: boolean;
  /** Admins signed in with a session; API keys never act as admins. */
  admin: boolean;
  buyer: boolean;
  supplier: boolean;
  /** The API-key scope a field needs; sessions hold them all. */
  apiScope: ApiScope;
  /** The caller is a party to this order (its uuid, its global id, or the parsed global id). */
  orderParty: OrderReference;
}

export type OrderReference = string | { typename: string; id: string };

type ScopeInitializer = {
  [K in keyof AuthScopes]: boolean | ((parameter: AuthScopes[K]) => boolean | Promise<boolean>);
};

// ---------------------------------------------------------------- viewer

type SignedInViewer = Extract<Viewer, { kind: "user" }>;

/** Whether anyone is signed in (with a session or an API key). */
export function isSignedIn(viewer: Viewer): viewer is SignedInViewer {
  return viewer.kind === "user";
}

/**
 * The scopes an API key was issued with, or null for a session (and for
 * anonymous callers): a key's viewer carries `scopes`, a session's does not.
 */
export function apiKeyScopes(viewer: Viewer): readonly string[] | null {
  return isSignedIn(viewer) ? (viewer.scopes ?? null) : null;
}

/**
 * An admin signed in with a session. An API key is for integrations (a
 * supplier's ERP): never for admin work, even when its owner is an admin.
 */
export function isAdminSession(viewer: Viewer): boolean {
  return isSignedIn(viewer) && apiKeyScopes(viewer) === null && viewer.roles.includes("admin");
}

// ---------------------------------------------------------------- initializer

/** The scope initializer: run once per request, on the first field that needs a scope. */
export function authScopesFor(context: Context): ScopeInitializer {
  const { viewer } = context;
  const signedIn = isSignedIn(viewer);
  const roles: readonly string[] = signedIn ? viewer.roles : [];
  const keyScopes = apiKeyScopes(viewer);
  const viaApiKey = keyScopes !== null;
  return {
    public: true,
    authenticated: signedIn,
    person: !viaApiKey,
    admin: isAdminSession(viewer),
    buyer: signedIn && roles.includes("buyer"),
    supplier: signedIn && roles.includes("supplier"),
    apiScope: signedIn ? (scope) => keyScopes === null || keyScopes.includes(scope) : false,
    orderParty: signedIn ? (order) => orderPartyLoader(context).load(orderUuid(order)) : false,
  };
}

/**
 * The raw uuid of an order named by a raw uuid or an Order global id. Scope
 * functions run before Pothos maps arguments (scope-auth is the first
 * plugin), so they see the global id as the client sent it.
 */
export function orderUuid(value: OrderReference): string {
  if (typeof value !== "string") return parseUuid(value.id, "id");
  if (isUuid(value)) return value;
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(value);
  } catch {
    throw clientError("BAD_USER_INPUT", '"id" is not a valid id.');
  }
  if (decoded.typename !== "Order") throw clientError("BAD_USER_INPUT", '"id" is not the id of an Order.');
  return parseUuid(decoded.id, "id");
}

/** One statement for every order a request asks about, whatever the number of fields asking. */
const orderPartyLoader = loaderByIds<boolean>(async (ids, context) => {
  // The database's own answers (migration 008), from the same claims RLS
  // reads; is_admin() once per statement, not once per id.
  const rows = await context.db.tx.$queryRaw<{ id: string; party: boolean }[]>`
    select t.id::text as id, (a.admin or app.is_buyer_of(t.id) or app.is_supplier_of(t.id)) as party
      from unnest(${[...ids]}::uuid[]) as t(id), (select app.is_admin() as admin) as a`;
  return rows.map((row) => [row.id, row.party] as const);
}, false);

// ---------------------------------------------------------------- node()

/**
 * Node types an anonymous caller may look up. For anonymous callers every
 * other type answers null without a query (the request roles' grants would
 * otherwise refuse the statement, and in the operation's one transaction a
 * refused statement fails every sibling field too). Add a type here only
 * when anonymous callers may read some of its rows.
 */
export const PUBLIC_NODE_TYPES: ReadonlySet<string> = new Set(["MarketplaceProduct", "Supplier"]);

/**
 * Types an API key may look up directly (node(), and their root fields) only
 * with a scope, although they are public to people: a supplier reached
 * through an order is part of that order (orders:read).
 */
const API_SCOPE_TO_LOOK_UP: Readonly<Record<string, ApiScope>> = { Supplier: "suppliers:read" };

/**
 * May node()/nodes() look up a node of this type for the caller at all? The
 * type's own static authScopes (e.g. `apiScope: "orders:read"`) decide for
 * signed-in callers, so an API key without the scope gets null, not rows it
 * would then be refused field by field. Which rows exist is still RLS's call.
 */
export async function mayResolveNode(
  context: Context,
  schema: GraphQLSchema,
  typename: string,
): Promise<boolean> {
  if (!isSignedIn(context.viewer)) return PUBLIC_NODE_TYPES.has(typename);
  const lookupScope = API_SCOPE_TO_LOOK_UP[typename];
  const keyScopes = apiKeyScopes(context.viewer);
  if (lookupScope && keyScopes && !keyScopes.includes(lookupScope)) return false;
  const extensions = schema.getType(typename)?.extensions as
    { pothosOptions?: { authScopes?: unknown } } | undefined;
  const typeScopes = extensions?.pothosOptions?.authScopes;
  // Scope functions depend on the row: the plugin runs them when the node's fields resolve.
  if (!typeScopes || typeof typeScopes !== "object") return true;
  return scopeMapAllows(authScopesFor(context), typeScopes as Record<string, unknown>, "any");
}

async function scopeMapAllows(
  scopes: ScopeInitializer,
  map: Record<string, unknown>,
  strategy: "any" | "all",
): Promise<boolean> {
  const results: boolean[] = [];
  for (const [name, parameter] of Object.entries(map)) {
    if (name === "$any" || name === "$all") {
      results.push(
        await scopeMapAllows(scopes, parameter as Record<string, unknown>, name === "$any" ? "any" : "all"),
      );
    } else if (name === "$granted") {
      // Granted by a parent field, which node() is not.
      results.push(false);
    } else {
      const scope = scopes[name as keyof AuthScopes] as ScopeInitializer[keyof AuthScopes] | undefined;
      results.push(
        typeof scope === "function"
          ? await (scope as (p: unknown) => boolean | Promise<boolean>)(parameter)
          : scope === true,
      );
    }
  }
  return strategy === "any" ? results.some(Boolean) : results.length > 0 && results.every(Boolean);
}

// ---------------------------------------------------------------- errors

/**
 * The plugin's unauthorized error, as a contract error: UNAUTHENTICATED when
 * nobody is signed in (sign in, then retry), FORBIDDEN otherwise. A missing
 * API-key scope names the scope, so an integrator knows what to ask for.
 */
export function unauthorizedError(context: Context, result: ForbiddenResult): GraphQLError {
  if (!isSignedIn(context.viewer)) return clientError("UNAUTHENTICATED", "Sign in to do that.");
  const viaApiKey = apiKeyScopes(context.viewer) !== null;
  // A scope the key could be given is the more useful answer: named first.
  const missingScope = viaApiKey ? missingApiScope(result.failure) : null;
  if (missingScope) {
    return clientError("FORBIDDEN", `This API key lacks the "${missingScope}" scope.`, {
      reason: "MISSING_API_SCOPE",
      scope: missingScope,
    });
  }
  if (viaApiKey && failedScope(result.failure, "person")) {
    return clientError("FORBIDDEN", "API keys cannot manage sessions or keys.", {
      reason: "API_KEY_NOT_ALLOWED",
    });
  }
  return clientError("FORBIDDEN", "You are not allowed to do that.");
}

function failedScope(failure: AuthFailure, scope: keyof AuthScopes): boolean {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return failure.scope === scope;
    case AuthScopeFailureType.AllAuthScopes:
    case AuthScopeFailureType.AnyAuthScopes:
      return failure.failures.some((child) => failedScope(child, scope));
    default:
      return false;
  }
}

function missingApiScope(failure: AuthFailure): string | null {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return failure.scope === "apiScope" ? String(failure.parameter) : null;
    case AuthScopeFailureType.AllAuthScopes:
    case AuthScopeFailureType.AnyAuthScopes:
      for (const child of failure.failures) {
        const scope = missingApiScope(child);
        if (scope) return scope;
      }
      return null;
    default:
      return null;
  }
}
