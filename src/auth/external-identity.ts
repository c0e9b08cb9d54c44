import { createHash } from "node:crypto";
import type { JWTPayload } from "jose";
import type { ExternalRoleTarget } from "../config";
import type { AppRole } from "../generated/prisma/client";

/**
 * Users from an external identity provider, derived from its verified token
 * alone (no database): a deterministic id, roles through the allow-list, and
 * the profile data a first sign-in creates the user with.
 */

/**
 * Namespace of the UUID v5 ids of external users. Also spelled in
 * sql/migrations/007.do.auth-functions.sql, which recomputes the id before it
 * creates a user: change neither.
 */
export const EXTERNAL_USER_NAMESPACE = "1fe4173b-8d31-4c19-9d01-0bb73d73a379";

/**
 * users.id of an external identity: UUID v5 (RFC 9562) of "<issuer> <subject>".
 * The issuer never contains a space (config.ts), so the pair is unambiguous.
 */
export function externalUserId(issuer: string, subject: string): string {
  const namespace = Buffer.from(EXTERNAL_USER_NAMESPACE.replace(/-/g, ""), "hex");
  const hash = createHash("sha1")
    .update(namespace)
    .update(`${issuer} ${subject}`, "utf8")
    .digest()
    .subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A provider's `sub`: any printable string of sane length (it only ever feeds a hash). */
export function isUsableSubject(subject: unknown): subject is string {
  return (
    typeof subject === "string" && subject.length > 0 && subject.length <= 255 && !/\p{Cc}/u.test(subject)
  );
}

/**
 * The provider's role names at `claim` (a top-level claim name, which may
 * itself contain dots as namespaced Auth0 claims do, or else a dot path),
 * mapped through the allow-list. Unknown names, non-strings and admin give
 * nothing: the result is a subset of the map's values.
 *
 * The most a token can give: a first sign-in grants these in user_roles, and
 * every request holds only those user_roles still grants (authenticate.ts),
 * so an admin's revokeRole sticks.
 */
export function mappedRoles(
  payload: JWTPayload,
  claim: string | undefined,
  roleMap: Readonly<Record<string, ExternalRoleTarget>> | undefined,
): AppRole[] {
  if (!claim || !roleMap) return [];
  const value = claimAt(payload, claim);
  const names = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
  const roles = new Set<AppRole>();
  for (const name of names.slice(0, 50)) {
    if (typeof name !== "string" || !Object.hasOwn(roleMap, name)) continue;
    const role = roleMap[name];
    if (role === "buyer" || role === "supplier") roles.add(role);
  }
  return [...roles].sort();
}

export interface ExternalProfile {
  /** Lower-cased, and only when the provider says it is verified. */
  email: string | null;
  fullName: string | null;
}

const SANE_EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{1,63}$/;

export function externalProfile(payload: JWTPayload): ExternalProfile {
  const {
    email,
    email_verified: emailVerified,
    name,
  } = payload as {
    email?: unknown;
    email_verified?: unknown;
    name?: unknown;
  };
  const verifiedEmail =
    typeof email === "string" && emailVerified === true && email.length <= 254 && SANE_EMAIL.test(email)
      ? email.toLowerCase()
      : null;
  const fullName =
    typeof name === "string"
      ? name
          .replace(/\p{Cc}/gu, " ")
          .trim()
          .slice(0, 200) || null
      : null;
  return { email: verifiedEmail, fullName };
}

function claimAt(payload: JWTPayload, claim: string): unknown {
  if (Object.hasOwn(payload, claim)) return payload[claim];
  let current: unknown = payload;
  for (const part of claim.split(".")) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
