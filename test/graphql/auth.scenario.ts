import { randomUUID } from "node:crypto";
import { hashPassword } from "../../src/auth/passwords";
import { generateSigningKey } from "../../src/auth/tokens";
import type { SigningJwk } from "../../src/config";
import type { AppRole } from "../../src/generated/prisma/client";
import { pgTransaction } from "../../src/db/pg-transaction";
import { withAdminClient } from "../helpers/database";
import { type ScenarioUser, insertScenarioUser } from "../helpers/scenario";

/**
 * Shared pieces of the authentication tests: a signing key of the test's
 * own (so no test depends on the development key in `.data/`), documents
 * written inline, and users inserted as the migrator.
 */

/** Environment for startApiServer with a fresh Ed25519 key; the key too, to sign tokens the server must refuse. */
export function signingEnv(kid = `test-${randomUUID().slice(0, 8)}`): {
  env: Record<string, string>;
  key: SigningJwk;
} {
  const key = generateSigningKey(kid);
  return { env: { JWT_PRIVATE_KEYS: JSON.stringify({ keys: [key] }) }, key };
}

export type TestUser = ScenarioUser;

let passwordHashes = new Map<string, Promise<string>>();

/** scrypt is slow on purpose: one hash per distinct password per test file. */
function hashOnce(password: string): Promise<string> {
  let hash = passwordHashes.get(password);
  if (!hash) {
    hash = hashPassword(password);
    passwordHashes.set(password, hash);
  }
  return hash;
}

export function forgetPasswordHashes(): void {
  passwordHashes = new Map();
}

/** A user with profile and roles, as the migrator (past RLS). No password: sign-in is impossible. */
export async function insertUser(
  adminUrl: string,
  user: { email: string; roles?: AppRole[]; password?: string; fullName?: string; disabled?: boolean },
): Promise<TestUser> {
  const passwordHash = user.password ? await hashOnce(user.password) : null;
  return withAdminClient(adminUrl, (client) =>
    pgTransaction(client, () =>
      insertScenarioUser(client, { ...user, passwordHash, phone: "+351 220 000 000" }),
    ),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
