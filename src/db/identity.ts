import { createHmac } from "node:crypto";
import { isIP } from "node:net";
import pg from "pg";
import type { AuthMethod, Viewer } from "../auth/viewer";
import { loadConfig } from "../config";
import { type AppRole, Prisma } from "../generated/prisma/client";
import { databaseClaimsKey } from "./resolve";

/**
 * A viewer as PostgreSQL sees it: the request role and the claims the
 * policies read. The statements that set them are built here only.
 *
 * The claims are signed. Any SQL a request role runs (an injection
 * included) can `set_config('request.jwt.claims', …)` itself, and even
 * `reset role` back to the login role inside its transaction; so a claim
 * counts only with its HMAC-SHA256 under DATABASE_CLAIMS_KEY, a key this
 * process and the migrator hold and the database keeps where only its owner
 * reads it (`app_private.claims_key`, migration 011). app.current_claims()
 * checks the HMAC and the expiry; a missing or bad one is nobody (null
 * claims: no user, no role). Sessions that may act as the owner (the
 * migrator, CLIs, seeds) could read the key anyway: their claims need no
 * signature.
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
 * app.current_user_id() from `sub`, app.has_role() from `roles`,
 * app.is_admin() also from `auth_method` and `scopes`).
 */
export interface DatabaseClaims {
  role: DatabaseRole;
  sub?: string;
  roles?: AppRole[];
  /** Present only for API-key callers: the scopes of the key. */
  scopes?: string[];
  /** How the caller signed in; an `api_key` (or any claims with `scopes`) is never an admin in SQL. */
  auth_method?: AuthMethod;
  /** API keys: api_keys.id (audit_log.api_key_id). */
  api_key_id?: string;
}

/** What one request transaction signs: the caller's claims and the request's provenance. */
export interface RequestClaims extends DatabaseClaims {
  /** The server's id of the request (audit_log.request_id). */
  request_id: string;
  /** The client's own x-request-id, sanitized (audit_log.client_request_id); never trusted as ours. */
  client_request_id?: string;
  /** The client's address (audit_log.ip). */
  client_ip?: string;
  /** Unix seconds after which the database refuses these claims (a captured pair is not replayable later). */
  exp: number;
}

export interface RequestIdentity {
  viewer: Viewer;
  /** The server's id of the request: audit_log.request_id, every log line. */
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
        ...(viewer.authMethod ? { auth_method: viewer.authMethod } : {}),
        ...(viewer.apiKeyId ? { api_key_id: viewer.apiKeyId } : {}),
      };
  }
}

/**
 * How long signed claims are accepted after they were signed. The database
 * compares `exp` with now(), the time its transaction started, which is
 * never later than the signing (BEGIN comes first): so this only needs to
 * cover the clock difference between this host and PostgreSQL's, however
 * long the transaction then runs. A signed pair seen later is worthless.
 */
export const CLAIMS_LIFETIME_SECONDS = 60;

export function requestClaims({ viewer, requestId }: RequestIdentity, now = Date.now()): RequestClaims {
  const clientRequestId = viewer.origin?.clientRequestId;
  const clientIp = inetAddress(viewer.origin?.clientAddress);
  return {
    ...claimsFor(viewer),
    request_id: requestId,
    ...(clientRequestId ? { client_request_id: clientRequestId } : {}),
    ...(clientIp ? { client_ip: clientIp } : {}),
    exp: Math.floor(now / 1000) + CLAIMS_LIFETIME_SECONDS,
  };
}

/**
 * The first statement of every request transaction: role, signed claims,
 * request id and (for queries) read-only mode, all transaction-local
 * (`is_local = true`), so the pooled connection goes back clean.
 * (`request.id` is informational: the audit trail takes the request id from
 * the signed claims.)
 */
export function identityStatement(identity: RequestIdentity, readOnly: boolean): Prisma.Sql {
  // Going read-only is allowed at any point of a transaction (only the way back is not).
  const readOnlyMode = readOnly
    ? Prisma.sql`, set_config('transaction_read_only', 'on', true)`
    : Prisma.empty;
  return Prisma.sql`
    select ${roleAndClaims(identity)},
           set_config('request.id', ${identity.requestId}, true)${readOnlyMode}`;
}

/**
 * Makes the rest of a transaction act as `identity` (the new viewer, with
 * the request's id and origin). Only for the sign-in mutations (signUp,
 * signIn, refreshSession), right after they proved who the caller now is,
 * so the payload's `user` is read under that user's own policies;
 * src/graphql/session-mutation-guard.ts keeps those mutations the only
 * field of their operation, so nothing else runs under the new identity.
 * Transaction-local like the first statement.
 */
export async function assumeIdentity(
  tx: { $executeRaw(query: Prisma.Sql): Promise<number> },
  identity: RequestIdentity,
): Promise<void> {
  await tx.$executeRaw(Prisma.sql`select ${roleAndClaims(identity)}`);
}

/** The role and the signed claims: what both statements above set. */
function roleAndClaims(identity: RequestIdentity): Prisma.Sql {
  const signed = signClaims(requestClaims(identity));
  return Prisma.sql`set_config('role', ${databaseRoleFor(identity.viewer)}, true),
           set_config('request.jwt.claims', ${signed.text}, true),
           set_config('request.jwt.claims_hmac', ${signed.signature}, true)`;
}

/** SQL's name of an isolation level, as BEGIN takes it. */
export type IsolationLevel = "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE";

/**
 * BEGIN and the identity statement in one query text, so a request
 * transaction starts in one round trip instead of three (BEGIN, SET
 * TRANSACTION, identity): sent by the pooled connection in place of the
 * driver adapter's BEGIN (src/db/prisma.ts, TransactionOpening). It sets
 * exactly what identityStatement sets — the same role, the same signed
 * claims, the same request id — and says the isolation level and read-only
 * mode in BEGIN itself.
 *
 * Two statements in one text go only through the simple query protocol,
 * which takes no parameters, so the values are SQL literals here. They are
 * safe as literals: the role comes from the allow-list above, the claims are
 * JSON.stringify's output (control characters escaped, never a raw NUL),
 * the signature is hex, and every value goes through pg's escapeLiteral,
 * which doubles quotes and backslashes and switches to an E'' literal when
 * there is a backslash, so the text means the same whatever
 * standard_conforming_strings says. A NUL (which the protocol cannot carry)
 * is refused before anything is sent. The signature is computed over the
 * exact claims text, as for the parameterised statement: the database checks
 * it the same way (app.current_claims()), so nothing of the signed-claims
 * scheme changes.
 *
 * `logged` is the parameterised form of the same statement, for query logs
 * and statement counts: no literal claims in logs, and the same text for
 * every request.
 */
export function identityOpening(
  identity: RequestIdentity,
  readOnly: boolean,
  isolationLevel: IsolationLevel,
): { text: string; logged: { query: string; params: string } } {
  const signed = signClaims(requestClaims(identity));
  const values = [databaseRoleFor(identity.viewer), signed.text, signed.signature, identity.requestId];
  if (values.some((value) => value.includes("\0"))) throw new Error("A NUL in the identity of a request.");
  const begin = `BEGIN ISOLATION LEVEL ${isolationLevel}${readOnly ? " READ ONLY" : ""}`;
  const settings = (value: (index: number) => string) =>
    `select set_config('role', ${value(0)}, true), set_config('request.jwt.claims', ${value(1)}, true), ` +
    `set_config('request.jwt.claims_hmac', ${value(2)}, true), set_config('request.id', ${value(3)}, true)`;
  return {
    text: `${begin}; ${settings((index) => pg.escapeLiteral(values[index]!))}`,
    logged: {
      query: `${begin}; ${settings((index) => `$${index + 1}`)}`,
      params: JSON.stringify(values),
    },
  };
}

// ---------------------------------------------------------------- signing

export interface SignedClaims {
  /** The claims' JSON text, exactly as signed: `request.jwt.claims`. */
  text: string;
  /** HMAC-SHA256 of `text` under the claims key, lowercase hex: `request.jwt.claims_hmac`. */
  signature: string;
}

/**
 * Signs `claims` (an `exp` CLAIMS_LIFETIME_SECONDS from now is added when
 * they carry none) with this process' claims key, or `key`.
 */
export function signClaims(claims: object, key: Buffer = processClaimsKey()): SignedClaims {
  const text = JSON.stringify(
    "exp" in claims ? claims : { ...claims, exp: Math.floor(Date.now() / 1000) + CLAIMS_LIFETIME_SECONDS },
  );
  return { text, signature: createHmac("sha256", key).update(text, "utf8").digest("hex") };
}

/**
 * For node-postgres callers that act as a request themselves (tests,
 * benchmarks), inside a transaction that already switched role: the
 * statement that sets `claims`, signed.
 */
export function signedClaimsQuery(claims: object, key?: Buffer): { text: string; values: [string, string] } {
  const signed = signClaims(claims, key);
  return {
    text: "select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claims_hmac', $2, true)",
    values: [signed.text, signed.signature],
  };
}

let processKey: Buffer | undefined;

/** This process' claims key: databaseClaimsKey() of its environment, read once. */
export function processClaimsKey(): Buffer {
  processKey ??= databaseClaimsKey(loadConfig());
  return processKey;
}

/** An address PostgreSQL's inet accepts, or undefined (an IPv6 zone is dropped, IPv4-mapped IPv6 unmapped). */
function inetAddress(address: string | null | undefined): string | undefined {
  if (!address) return undefined;
  const bare = address.split("%")[0]!;
  if (bare.toLowerCase().startsWith("::ffff:") && isIP(bare.slice(7)) === 4) return bare.slice(7);
  return isIP(bare) ? bare : undefined;
}
