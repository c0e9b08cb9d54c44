import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { AppRole } from "../../src/generated/prisma/client";

/**
 * The one way the API tests make people: a user with its profile and roles,
 * inserted as the migrator (past RLS) on the caller's connection, so named
 * scenarios (orders.scenario.ts, auth.scenario.ts) build on it inside their
 * own transactions. SQL fixtures of the policy tests keep their literal
 * inserts: there the exact rows are the point.
 */

export interface ScenarioUser {
  id: string;
  email: string;
  roles: AppRole[];
}

export interface ScenarioUserInput {
  email: string;
  /** Default: buyer. */
  roles?: AppRole[];
  /** A stored password hash (src/auth/passwords.ts); none: sign-in is impossible. */
  passwordHash?: string | null;
  /** Default: the email's local part. */
  fullName?: string;
  companyName?: string | null;
  phone?: string | null;
  disabled?: boolean;
}

export async function insertScenarioUser(
  client: pg.ClientBase,
  user: ScenarioUserInput,
): Promise<ScenarioUser> {
  const id = randomUUID();
  const roles = user.roles ?? ["buyer"];
  await client.query("insert into users (id, email, password_hash, disabled_at) values ($1, $2, $3, $4)", [
    id,
    user.email,
    user.passwordHash ?? null,
    user.disabled ? new Date() : null,
  ]);
  await client.query("insert into profiles (id, full_name, company_name, phone) values ($1, $2, $3, $4)", [
    id,
    user.fullName ?? user.email.split("@")[0],
    user.companyName ?? null,
    user.phone ?? null,
  ]);
  for (const role of roles) {
    await client.query("insert into user_roles (user_id, role) values ($1, $2)", [id, role]);
  }
  return { id, email: user.email, roles };
}
