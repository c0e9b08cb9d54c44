import { generateKeyPairSync, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { print } from "graphql";
import { SignJWT } from "jose";
import { type App, createApp } from "../../src/app";
import { externalUserId } from "../../src/auth/external-identity";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import { ENCRYPTED_COLUMNS, createFieldCipher } from "../../src/services/field-encryption";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { TEST_SERVER_TIMINGS, gql } from "../graphql/harness";
import { insertUser, sleep } from "../graphql/auth.scenario";

/**
 * Roles of an external identity provider's users (security review, issue 8,
 * finding 3). Such a user holds the roles its token maps to AND user_roles
 * still grants, asked again on the cadence of the disabled-account check
 * (EXTERNAL_USER_RECHECK_SECONDS, shortened here): an admin's revokeRole
 * takes the role away at the next re-check although every token still
 * carries it, and the token never grants it back. The first sign-in grants
 * the mapped roles, so the intersection starts full.
 *
 * What a role changes is observed where it matters, in PostgreSQL: a
 * supplier reads its own company's contact fields only while its claims
 * carry `supplier` (app.current_supplier_id()); the company row itself stays
 * visible (its owner's), so a null contact means the role is gone.
 */

const ISSUER = "https://idp.roles.example.test/";
const AUDIENCE = "loomline-roles-test";
const ROLE_CLAIM = "https://loomline.dev/roles";
const RECHECK_SECONDS = 1;
const FIELD_KEY = `k-roles:${Buffer.alloc(32, 5).toString("base64")}`;

let db: TestDatabase;
let app: App;
let idp: {
  jwksUrl: string;
  token(subject: string, roles: string[]): Promise<string>;
  close(): Promise<void>;
};
let adminToken: string;

beforeAll(async () => {
  db = await createTestDatabase();
  idp = await startIdentityProvider();
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_POOL_MAX: "4",
    DATABASE_POOL_ACQUIRE_TIMEOUT_MS: String(TEST_SERVER_TIMINGS.acquireTimeoutMs),
    DATABASE_STATEMENT_TIMEOUT_MS: String(TEST_SERVER_TIMINGS.statementTimeoutMs),
    FIELD_ENCRYPTION_KEYS: FIELD_KEY,
    EXTERNAL_JWT_ISSUER: ISSUER,
    EXTERNAL_JWT_AUDIENCE: AUDIENCE,
    EXTERNAL_JWKS_URL: idp.jwksUrl,
    EXTERNAL_ROLE_CLAIM: ROLE_CLAIM,
    EXTERNAL_ROLE_MAP: JSON.stringify({ buyer: "buyer", factory: "supplier" }),
    EXTERNAL_USER_RECHECK_SECONDS: String(RECHECK_SECONDS),
  });
  app = createApp({ config, logger: createLogger(config), apiUrl: db.apiUrl });
  const admin = await insertUser(db.adminUrl, { email: "roles.admin@example.com", roles: ["admin"] });
  adminToken = (await app.tokens.issueAccessToken({ userId: admin.id, roles: ["admin"] })).token;
});

afterAll(async () => {
  await app?.close();
  await idp?.close();
  await db?.drop();
});

// ---------------------------------------------------------------- helpers

interface Me {
  me: { roles: string[]; supplier: { companyName: string; contactEmail: string | null } | null } | null;
}
const ME = gql<Me>("query Me { me { roles supplier { companyName contactEmail } } }");

const ROLE_CHANGE = (verb: "grant" | "revoke") =>
  gql(`
    mutation RoleChange($input: ${verb === "grant" ? "Grant" : "Revoke"}RoleInput!) {
      result: ${verb}Role(input: $input) {
        __typename
        ... on ${verb === "grant" ? "Grant" : "Revoke"}RolePayload { user { roles } }
      }
    }`);

async function graphql<T>(
  document: ReturnType<typeof gql<T>>,
  variables: Record<string, unknown>,
  token: string,
): Promise<T> {
  const response = await app.yoga.fetch("http://loomline.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (response.status !== 200 || body.errors || !body.data) {
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.data;
}

/** What the external user's request holds: its roles in user_roles, and whether it acts as its supplier. */
async function meAs(subject: string, providerRoles: string[]) {
  const { me } = await graphql(ME, {}, await idp.token(subject, providerRoles));
  return { roles: me!.roles, contactEmail: me!.supplier?.contactEmail ?? null, ownsSupplier: !!me!.supplier };
}

async function changeRole(verb: "grant" | "revoke", userId: string, role: "SUPPLIER" | "BUYER") {
  const { result } = await graphql<{ result: { __typename: string; user?: { roles: string[] } } }>(
    ROLE_CHANGE(verb),
    { input: { userId: encodeGlobalID("User", userId), role } },
    adminToken,
  );
  expect(result.__typename).toBe(verb === "grant" ? "GrantRolePayload" : "RevokeRolePayload");
  return result.user!.roles;
}

/** A supplier company owned by the external user, with a contact email only its supplier may read. */
async function giveCompany(userId: string, email: string): Promise<void> {
  const cipher = createFieldCipher({ FIELD_ENCRYPTION_KEYS: FIELD_KEY, NODE_ENV: "test" });
  const id = randomUUID();
  await withAdminClient(db.adminUrl, (client) =>
    client.query(
      `insert into suppliers (id, user_id, company_name, country, contact_email)
       values ($1, $2, $3, 'PT', $4)`,
      [id, userId, `Company of ${email}`, cipher.encrypt(email, ENCRYPTED_COLUMNS.supplierContactEmail, id)],
    ),
  );
}

async function userRolesInDatabase(userId: string): Promise<string[]> {
  return withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query<{ role: string }>(
      "select role::text as role from user_roles where user_id = $1 order by role",
      [userId],
    );
    return rows.map((row) => row.role);
  });
}

const afterRecheck = () => sleep(RECHECK_SECONDS * 1000 + 400);

// ---------------------------------------------------------------- tests

test("revokeRole takes the role from an external user at the next re-check, though the token still carries it", async () => {
  const subject = `auth0|${randomUUID()}`;
  const userId = externalUserId(ISSUER, subject);

  // First sign-in: the mapped roles are granted in user_roles, so the user holds them.
  expect(await meAs(subject, ["buyer", "factory"])).toMatchObject({ roles: ["BUYER", "SUPPLIER"] });
  expect(await userRolesInDatabase(userId)).toEqual(["buyer", "supplier"]);
  await giveCompany(userId, "works@factory.example");
  expect(await meAs(subject, ["buyer", "factory"])).toEqual({
    roles: ["BUYER", "SUPPLIER"],
    contactEmail: "works@factory.example",
    ownsSupplier: true,
  });

  expect(await changeRole("revoke", userId, "SUPPLIER")).toEqual(["BUYER"]);
  await afterRecheck();

  // Same provider roles, new tokens: the supplier role is gone, and not granted back.
  for (let i = 0; i < 2; i++) {
    expect(await meAs(subject, ["buyer", "factory"])).toEqual({
      roles: ["BUYER"],
      contactEmail: null,
      ownsSupplier: true,
    });
  }
  expect(await userRolesInDatabase(userId)).toEqual(["buyer"]);

  // Granted again by an admin: held again at the next re-check.
  expect(await changeRole("grant", userId, "SUPPLIER")).toEqual(["BUYER", "SUPPLIER"]);
  await afterRecheck();
  expect(await meAs(subject, ["buyer", "factory"])).toMatchObject({
    roles: ["BUYER", "SUPPLIER"],
    contactEmail: "works@factory.example",
  });

  // The provider narrows too, at once: a token without the role does not hold it.
  expect(await meAs(subject, ["buyer"])).toMatchObject({ contactEmail: null, ownsSupplier: true });
});

test("a role the provider maps only after the first sign-in is held once an admin grants it", async () => {
  const subject = `auth0|${randomUUID()}`;
  const userId = externalUserId(ISSUER, subject);
  expect(await meAs(subject, ["buyer"])).toMatchObject({ roles: ["BUYER"] });
  await giveCompany(userId, "later@factory.example");
  await afterRecheck();

  expect(await meAs(subject, ["buyer", "factory"])).toEqual({
    roles: ["BUYER"],
    contactEmail: null,
    ownsSupplier: true,
  });
  expect(await userRolesInDatabase(userId)).toEqual(["buyer"]);

  await changeRole("grant", userId, "SUPPLIER");
  await afterRecheck();
  expect(await meAs(subject, ["buyer", "factory"])).toMatchObject({ contactEmail: "later@factory.example" });
});

test("revoking every role leaves a signed-in user with none", async () => {
  const subject = `auth0|${randomUUID()}`;
  const userId = externalUserId(ISSUER, subject);
  expect(await meAs(subject, ["factory"])).toMatchObject({ roles: ["SUPPLIER"] });
  await giveCompany(userId, "gone@factory.example");
  expect(await meAs(subject, ["factory"])).toMatchObject({ contactEmail: "gone@factory.example" });

  await changeRole("revoke", userId, "SUPPLIER");
  await afterRecheck();
  expect(await meAs(subject, ["factory"])).toEqual({ roles: [], contactEmail: null, ownsSupplier: true });
});

// ---------------------------------------------------------------- the provider

/** A provider with one RS256 key, its key set served over HTTP (as in jwt-attacks.test.ts). */
async function startIdentityProvider() {
  const kid = "roles-rsa-1";
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwks = JSON.stringify({
    keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }],
  });
  const server = http.createServer((request, response) => {
    if (request.url !== "/.well-known/jwks.json") {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    token(subject: string, roles: string[]) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ [ROLE_CLAIM]: roles })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(subject)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
