import crypto from "node:crypto";
import { createHash } from "node:crypto";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, type GraphQLResponse, dataOf, gql, startApiServer, withServerLog } from "./harness";
import { insertUser, signingEnv, sleep } from "./auth.scenario";

/**
 * Sign-up, sign-in, refresh, sign-out, me, API keys and the JWKS endpoint,
 * over HTTP against a real database (migrations 007 and 008).
 */

let db: TestDatabase;
let api: ApiServer;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startApiServer(db, {
    env: { ...signingEnv().env, API_KEY_TOUCH_INTERVAL_SECONDS: "1" },
  });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

// ---------------------------------------------------------------- documents

const SESSION = `
  fragment Session on AuthPayload {
    accessToken expiresAt refreshToken refreshTokenExpiresAt
    user { id email roles profile { fullName companyName phone } }
  }`;
const ERRORS = `... on UserError { code message field }`;

interface SessionData {
  __typename: string;
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: {
    id: string;
    email: string;
    roles: string[];
    profile: { fullName: string | null; companyName: string | null; phone: string | null } | null;
  };
  code?: string;
  message?: string;
  field?: string | null;
  reason?: string;
}

const SignUp = gql<{ signUp: SessionData }>(`
  mutation SignUp($input: SignUpInput!) { signUp(input: $input) { __typename ...Session ${ERRORS} ... on ConflictError { reason } } } ${SESSION}`);
const SignIn = gql<{ signIn: SessionData }>(`
  mutation SignIn($input: SignInInput!) { signIn(input: $input) { __typename ...Session ${ERRORS} ... on AuthError { reason } } } ${SESSION}`);
const Refresh = gql<{ refreshSession: SessionData }>(`
  mutation Refresh($input: RefreshSessionInput!) {
    refreshSession(input: $input) { __typename ...Session ${ERRORS} ... on AuthError { reason } }
  } ${SESSION}`);
const SignOut = gql<{ signOut: { success: boolean } }>(`
  mutation SignOut($input: SignOutInput!) { signOut(input: $input) { success } }`);
const Me = gql<{
  me: {
    id: string;
    email: string;
    roles: string[];
    profile: { fullName: string | null; phone: string | null } | null;
  } | null;
}>(`query Me { me { id email roles profile { fullName phone } } }`);

interface ApiKeyData {
  __typename: string;
  key?: string;
  apiKey?: {
    id: string;
    name: string;
    prefix: string;
    scopes: string[];
    expiresAt: string | null;
    revokedAt: string | null;
  };
  code?: string;
  field?: string | null;
}
const API_KEY_FIELDS = "apiKey { id name prefix scopes expiresAt revokedAt }";
const CreateApiKey = gql<{ createApiKey: ApiKeyData }>(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { key ${API_KEY_FIELDS} }
      ... on UserError { code message field }
    }
  }`);
const RevokeApiKey = gql<{ revokeApiKey: ApiKeyData }>(`
  mutation RevokeApiKey($input: RevokeApiKeyInput!) {
    revokeApiKey(input: $input) {
      __typename
      ... on RevokeApiKeyPayload { ${API_KEY_FIELDS} }
      ... on UserError { code message field }
    }
  }`);
const OrdersCount = gql<{ orders: { totalCount: number } }>(
  `query OrdersCount { orders(first: 1) { totalCount } }`,
);

// ---------------------------------------------------------------- helpers

const PASSWORD = "knit-one-purl-two";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const apiKeyHeader = (key: string) => ({ "x-api-key": key });
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
/** users.id inside a User global id. */
const rawId = (globalId: string) => decodeGlobalID(globalId).id;
let emails = 0;
const newEmail = (name: string) => `${name}.${++emails}.${Date.now()}@example.com`;

async function signUp(overrides: Record<string, unknown> = {}): Promise<SessionData> {
  const response = await api.graphql(SignUp, {
    input: {
      email: newEmail("buyer"),
      password: PASSWORD,
      fullName: "Ana Sousa",
      companyName: "Sousa Retail",
      role: "BUYER",
      ...overrides,
    },
  });
  return dataOf(response).signUp;
}

async function signIn(email: string, password = PASSWORD): Promise<SessionData> {
  return dataOf(await api.graphql(SignIn, { input: { email, password } })).signIn;
}

async function refresh(refreshToken: string): Promise<SessionData> {
  return dataOf(await api.graphql(Refresh, { input: { refreshToken } })).refreshSession;
}

function expectUnauthenticated(response: GraphQLResponse<unknown>): void {
  withServerLog(response, () => {
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(
      /^Bearer realm="loomline", error="invalid_(token|request)"$/,
    );
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(response.data ?? null).toBeNull();
  });
}

async function familyOf(refreshToken: string) {
  return withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query<{ token_hash: string; revoked: boolean; replaced: boolean }>(
      `select token_hash, revoked_at is not null as revoked, replaced_by is not null as replaced
         from refresh_tokens
        where family_id = (select family_id from refresh_tokens where token_hash = $1)
        order by created_at`,
      [sha256(refreshToken)],
    );
    return rows;
  });
}

// ---------------------------------------------------------------- sessions

describe("sign-up, sign-in, me", () => {
  test("sign-up signs in at once; sign-in works with the same password; me is the caller", async () => {
    const email = newEmail("Mixed.Case");
    const created = await signUp({ email, role: "SUPPLIER", companyName: "  Porto Knits  " });
    expect(created.__typename).toBe("AuthPayload");
    expect(created.user).toEqual({
      id: expect.any(String),
      email: email.toLowerCase(),
      roles: ["SUPPLIER"],
      profile: { fullName: "Ana Sousa", companyName: "Porto Knits", phone: null },
    });
    expect(new Date(created.expiresAt).getTime() - Date.now()).toBeGreaterThan(800_000);
    expect(new Date(created.refreshTokenExpiresAt).getTime()).toBeGreaterThan(
      new Date(created.expiresAt).getTime(),
    );

    const me = dataOf(await api.graphql(Me, {}, bearer(created.accessToken))).me;
    expect(me).toEqual({
      id: created.user.id,
      email: email.toLowerCase(),
      roles: ["SUPPLIER"],
      profile: { fullName: "Ana Sousa", phone: null },
    });

    const session = await signIn(email.toUpperCase());
    expect(session.__typename).toBe("AuthPayload");
    expect(session.user.id).toBe(created.user.id);
    expect(session.refreshToken).not.toBe(created.refreshToken);
    expect(dataOf(await api.graphql(Me, {}, bearer(session.accessToken))).me?.id).toBe(created.user.id);

    // Refresh tokens are stored as hashes only, one family per sign-in.
    await withAdminClient(db.adminUrl, async (client) => {
      const { rows } = await client.query(
        "select token_hash, family_id, user_agent from refresh_tokens where user_id = $1 order by created_at",
        [rawId(created.user.id)],
      );
      expect(rows.map((row) => row.token_hash)).toEqual([
        sha256(created.refreshToken),
        sha256(session.refreshToken),
      ]);
      expect(new Set(rows.map((row) => row.family_id)).size).toBe(2);
      const stored = JSON.stringify(
        (await client.query("select * from refresh_tokens where user_id = $1", [rawId(created.user.id)]))
          .rows,
      );
      expect(stored).not.toContain(created.refreshToken);
      const user = await client.query("select password_hash, last_sign_in_at from users where id = $1", [
        rawId(created.user.id),
      ]);
      expect(user.rows[0].password_hash).toMatch(/^scrypt\$/);
      expect(user.rows[0].last_sign_in_at).not.toBeNull();
    });
  });

  test("me is null for anonymous callers", async () => {
    expect(dataOf(await api.graphql(Me)).me).toBeNull();
  });

  test("sign-up refuses a taken email and a short password, as typed errors", async () => {
    const first = await signUp();
    const taken = await signUp({ email: first.user.email.toUpperCase() });
    expect(taken).toMatchObject({
      __typename: "ConflictError",
      code: "CONFLICT",
      reason: "EMAIL_TAKEN",
      field: "input.email",
    });
    const short = await signUp({ password: "short" });
    expect(short).toMatchObject({
      __typename: "InvalidInputError",
      code: "BAD_USER_INPUT",
      field: "input.password",
    });
    const blank = await signUp({ fullName: "   " });
    expect(blank).toMatchObject({ __typename: "InvalidInputError", field: "input.fullName" });
    // Admins are never signed up: the role enum has no such value.
    const admin = await api.graphql(SignUp, {
      input: { email: newEmail("x"), password: PASSWORD, fullName: "X", companyName: "X", role: "ADMIN" },
    });
    expect(admin.errors?.[0]?.message).toMatch(/ADMIN/);
  });

  test("a wrong password and an unknown email fail alike, and take the same scrypt work", async () => {
    const { user } = await signUp();
    await signIn(newEmail("warm-up"), "warm-up-password"); // the stand-in salt is made on first use
    // The work, not the time: each answer runs scrypt once, with the same
    // parameters (timings would measure the machine's load as much).
    const scrypt = jest.spyOn(crypto, "scrypt");
    const attempt = async (email: string) => {
      scrypt.mockClear();
      const result = await signIn(email, "not-the-password");
      const work = scrypt.mock.calls.map(([password, salt, keyLength, options]) => ({
        password,
        saltBytes: Buffer.from(salt as Buffer).length,
        keyLength,
        options,
      }));
      return { result, work };
    };
    try {
      const wrongPassword = await attempt(user.email);
      const unknownEmail = await attempt(newEmail("nobody"));
      expect(wrongPassword.result).toEqual(unknownEmail.result);
      expect(unknownEmail.result).toEqual({
        __typename: "AuthError",
        code: "FORBIDDEN",
        reason: "INVALID_CREDENTIALS",
        message: "The email or the password is wrong.",
        field: null,
      });
      expect(wrongPassword.work).toHaveLength(1);
      expect(unknownEmail.work).toEqual(wrongPassword.work);
    } finally {
      scrypt.mockRestore();
    }
  });

  test("a disabled user is refused; only the right password learns why", async () => {
    const created = await signUp();
    await withAdminClient(db.adminUrl, (client) =>
      client.query("update users set disabled_at = now() where id = $1", [rawId(created.user.id)]),
    );
    expect(await signIn(created.user.email)).toMatchObject({
      __typename: "AuthError",
      reason: "ACCOUNT_DISABLED",
    });
    expect(await signIn(created.user.email, "wrong-password")).toMatchObject({
      reason: "INVALID_CREDENTIALS",
    });
    // Its session cannot be refreshed either, and is over.
    expect(await refresh(created.refreshToken)).toMatchObject({
      __typename: "AuthError",
      reason: "ACCOUNT_DISABLED",
    });
    expect((await familyOf(created.refreshToken)).every((token) => token.revoked)).toBe(true);
  });

  test("an account from an external provider (no password) cannot sign in with one", async () => {
    const user = await insertUser(db.adminUrl, { email: newEmail("external") });
    expect(await signIn(user.email, "")).toMatchObject({ reason: "INVALID_CREDENTIALS" });
  });

  test("signIn must be the only field of its operation", async () => {
    const { user } = await signUp();
    const Combined = gql(`
      mutation Combined($input: SignInInput!) {
        signIn(input: $input) { __typename }
        signOut(input: { refreshToken: "x" }) { success }
      }`);
    const response = await api.graphql(Combined, { input: { email: user.email, password: PASSWORD } });
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "SESSION_MUTATION_NOT_ALONE",
    });
    const sessions = await withAdminClient(db.adminUrl, (client) =>
      client.query("select count(*)::int as n from refresh_tokens where user_id = $1", [rawId(user.id)]),
    );
    expect(sessions.rows[0].n).toBe(1); // the sign-up's only
  });
});

describe("refresh tokens", () => {
  test("refreshing rotates: new tokens, the old refresh token used up", async () => {
    const first = await signUp();
    const second = await refresh(first.refreshToken);
    expect(second.__typename).toBe("AuthPayload");
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.id).toBe(first.user.id);
    expect(dataOf(await api.graphql(Me, {}, bearer(second.accessToken))).me?.id).toBe(first.user.id);
    expect(await familyOf(first.refreshToken)).toEqual([
      { token_hash: sha256(first.refreshToken), revoked: true, replaced: true },
      { token_hash: sha256(second.refreshToken), revoked: false, replaced: false },
    ]);
    const third = await refresh(second.refreshToken);
    expect(third.__typename).toBe("AuthPayload");
  });

  test("reusing a rotated token revokes the whole family: the newer token stops working too", async () => {
    const first = await signUp();
    const second = await refresh(first.refreshToken);
    api.logs.length = 0;

    const replay = await refresh(first.refreshToken);
    expect(replay).toMatchObject({ __typename: "AuthError", reason: "INVALID_REFRESH_TOKEN" });
    expect(await refresh(second.refreshToken)).toMatchObject({ reason: "INVALID_REFRESH_TOKEN" });
    expect((await familyOf(first.refreshToken)).map((token) => token.revoked)).toEqual([true, true]);
    expect(api.logs.some((line) => line["msg"] === "refresh token reused: session revoked")).toBe(true);
    // A new sign-in is unaffected.
    expect((await signIn(first.user.email)).__typename).toBe("AuthPayload");
  });

  test("two refreshes racing with one token: one rotates, and the race ends the session", async () => {
    const first = await signUp();
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    const winners = results.filter((result) => result.__typename === "AuthPayload");
    expect(winners).toHaveLength(1);
    expect(await refresh(winners[0]!.refreshToken)).toMatchObject({ reason: "INVALID_REFRESH_TOKEN" });
  });

  test("unknown and malformed refresh tokens are refused alike", async () => {
    expect(await refresh("A".repeat(43))).toMatchObject({ reason: "INVALID_REFRESH_TOKEN" });
    expect(await refresh("' or 1=1 --")).toMatchObject({ reason: "INVALID_REFRESH_TOKEN" });
  });

  test("an expired refresh token is refused", async () => {
    const first = await signUp();
    await withAdminClient(db.adminUrl, (client) =>
      client.query(
        "update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = $1",
        [sha256(first.refreshToken)],
      ),
    );
    expect(await refresh(first.refreshToken)).toMatchObject({ reason: "INVALID_REFRESH_TOKEN" });
  });

  test("sign-out ends the session", async () => {
    const first = await signUp();
    const second = await refresh(first.refreshToken);
    expect(
      dataOf(await api.graphql(SignOut, { input: { refreshToken: second.refreshToken } })).signOut,
    ).toEqual({
      success: true,
    });
    expect(await refresh(second.refreshToken)).toMatchObject({ reason: "INVALID_REFRESH_TOKEN" });
    expect((await familyOf(first.refreshToken)).every((token) => token.revoked)).toBe(true);
    expect(dataOf(await api.graphql(SignOut, { input: { refreshToken: "A".repeat(43) } })).signOut).toEqual({
      success: false,
    });
  });
});

// ---------------------------------------------------------------- API keys

describe("API keys", () => {
  let owner: SessionData;
  beforeAll(async () => {
    owner = await signUp({ role: "SUPPLIER" });
  });

  async function createKey(scopes: string[], extra: Record<string, unknown> = {}, token = owner.accessToken) {
    return dataOf(
      await api.graphql(CreateApiKey, { input: { name: "ERP", scopes, ...extra } }, bearer(token)),
    ).createApiKey;
  }

  test("a key is shown once and stored as a hash under a visible prefix", async () => {
    const created = await createKey(["ORDERS_READ", "ORDERS_READ", "SUPPLIERS_READ"]);
    expect(created.__typename).toBe("CreateApiKeyPayload");
    expect(created.key).toMatch(/^ll_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({
      name: "ERP",
      prefix: created.key!.slice(3, 15),
      scopes: ["ORDERS_READ", "SUPPLIERS_READ"],
      expiresAt: null,
      revokedAt: null,
    });
    await withAdminClient(db.adminUrl, async (client) => {
      const { rows } = await client.query("select * from api_keys where prefix = $1", [
        created.apiKey!.prefix,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0].key_hash).toBe(sha256(created.key!));
      expect(rows[0].user_id).toBe(rawId(owner.user.id));
      expect(JSON.stringify(rows)).not.toContain(created.key!.slice(16));
      const audit = await client.query(
        "select new_data from audit_log where table_name = 'api_keys' and record_id = $1",
        [rows[0].id],
      );
      expect(audit.rows).toHaveLength(1);
      expect(audit.rows[0].new_data.key_hash).toBe("[redacted]");
    });
  });

  test("X-Api-Key acts as the owner within the key's scopes", async () => {
    const readsOrders = (await createKey(["ORDERS_READ"])).key!;
    const readsSuppliers = (await createKey(["SUPPLIERS_READ"])).key!;

    const me = dataOf(await api.graphql(Me, {}, apiKeyHeader(readsOrders))).me;
    expect(me?.id).toBe(owner.user.id);
    expect(dataOf(await api.graphql(OrdersCount, {}, apiKeyHeader(readsOrders))).orders.totalCount).toBe(0);

    const refused = await api.graphql(OrdersCount, {}, apiKeyHeader(readsSuppliers));
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: "FORBIDDEN",
      reason: "MISSING_API_SCOPE",
      scope: "orders:read",
    });

    // Keys cannot make keys, nor manage sessions.
    const minted = await api.graphql(
      CreateApiKey,
      { input: { name: "x", scopes: ["ORDERS_READ"] } },
      apiKeyHeader(readsOrders),
    );
    expect(minted.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  test("a wrong secret, a malformed key, or both headers at once are UNAUTHENTICATED", async () => {
    const key = (await createKey(["ORDERS_READ"])).key!;
    const wrongSecret = `${key.slice(0, 16)}${key.at(16) === "A" ? "B" : "A"}${key.slice(17)}`;
    expectUnauthenticated(await api.graphql(Me, {}, apiKeyHeader(wrongSecret)));
    expectUnauthenticated(await api.graphql(Me, {}, apiKeyHeader("ll_../../etc/passwd")));
    expectUnauthenticated(await api.graphql(Me, {}, { ...apiKeyHeader(key), ...bearer(owner.accessToken) }));
  });

  test("a revoked key stops working at once; only its owner can revoke it", async () => {
    const created = await createKey(["ORDERS_READ"]);
    expect(dataOf(await api.graphql(Me, {}, apiKeyHeader(created.key!))).me?.id).toBe(owner.user.id);

    const stranger = await signUp();
    const foreign = await api.graphql(
      RevokeApiKey,
      { input: { id: created.apiKey!.id } },
      bearer(stranger.accessToken),
    );
    expect(dataOf(foreign).revokeApiKey).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(dataOf(await api.graphql(Me, {}, apiKeyHeader(created.key!))).me?.id).toBe(owner.user.id);

    const revoked = dataOf(
      await api.graphql(RevokeApiKey, { input: { id: created.apiKey!.id } }, bearer(owner.accessToken)),
    ).revokeApiKey;
    expect(revoked.__typename).toBe("RevokeApiKeyPayload");
    expect(revoked.apiKey?.revokedAt).not.toBeNull();
    expectUnauthenticated(await api.graphql(Me, {}, apiKeyHeader(created.key!)));
  });

  test("an expired key is refused; expiry must lie ahead", async () => {
    const past = await createKey(["ORDERS_READ"], { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past).toMatchObject({ __typename: "InvalidInputError", field: "input.expiresAt" });

    // Valid long enough for the first request to be answered on a loaded machine.
    const expiresAt = Date.now() + 5_000;
    const created = await createKey(["ORDERS_READ"], { expiresAt: new Date(expiresAt).toISOString() });
    expect(dataOf(await api.graphql(Me, {}, apiKeyHeader(created.key!))).me?.id).toBe(owner.user.id);
    await sleep(expiresAt + 200 - Date.now());
    expectUnauthenticated(await api.graphql(Me, {}, apiKeyHeader(created.key!)));
  });

  test("last_used_at is written in batches, not on every request, and is not audited", async () => {
    const created = await createKey(["ORDERS_READ"]);
    api.statements.length = 0;
    for (let i = 0; i < 5; i++) await api.graphql(Me, {}, apiKeyHeader(created.key!));
    const lookups = api.statements.filter((statement) => statement.query.includes("app.auth_api_key"));
    expect(lookups).toHaveLength(1); // remembered after the first
    // Written within the touch interval (1 s here); a loaded machine may take longer.
    const touchesSoFar = () =>
      api.statements.filter((statement) => statement.query.includes("auth_touch_api_keys"));
    for (let waited = 0; waited < 30_000 && touchesSoFar().length === 0; waited += 250) await sleep(250);
    await sleep(1500);
    const touches = touchesSoFar();
    expect(touches.length).toBeGreaterThanOrEqual(1);
    expect(touches.length).toBeLessThanOrEqual(2);
    await withAdminClient(db.adminUrl, async (client) => {
      const { rows } = await client.query(
        "select k.last_used_at, (select count(*)::int from audit_log a where a.record_id = k.id) as audits from api_keys k where k.prefix = $1",
        [created.apiKey!.prefix],
      );
      expect(rows[0].last_used_at).not.toBeNull();
      expect(rows[0].audits).toBe(1); // its creation only
    });
  });

  test("anonymous callers cannot create keys", async () => {
    const response = await api.graphql(CreateApiKey, { input: { name: "x", scopes: ["ORDERS_READ"] } });
    expect(response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

// ---------------------------------------------------------------- JWKS

describe("GET /.well-known/jwks.json", () => {
  test("serves the public key, and an access token verifies against it", async () => {
    const response = await fetch(`${api.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/jwk-set+json");
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toEqual({
      kty: "OKP",
      crv: "Ed25519",
      x: expect.any(String),
      kid: expect.any(String),
      alg: "EdDSA",
      use: "sig",
    });
    expect(jwks.keys[0]).not.toHaveProperty("d");

    const session = await signUp();
    const { payload, protectedHeader } = await jwtVerify(
      session.accessToken,
      createLocalJWKSet(jwks as never),
      {
        algorithms: ["EdDSA"],
        typ: "at+jwt",
        issuer: api.config.JWT_ISSUER,
        audience: api.config.JWT_AUDIENCE,
        requiredClaims: ["exp", "sub", "iat"],
      },
    );
    expect(protectedHeader.kid).toBe(jwks.keys[0]!["kid"]);
    expect(decodeProtectedHeader(session.accessToken).typ).toBe("at+jwt");
    expect(payload).toMatchObject({ sub: rawId(session.user.id), role: "authenticated", roles: ["buyer"] });
    expect(payload.exp! - payload.iat!).toBe(api.config.ACCESS_TOKEN_TTL_SECONDS);

    expect((await fetch(`${api.url}/.well-known/jwks.json`, { method: "POST" })).status).toBe(405);
  });
});
