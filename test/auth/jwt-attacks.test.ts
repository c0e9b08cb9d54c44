import { type KeyObject, createPrivateKey, generateKeyPairSync, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { SignJWT, base64url } from "jose";
import { externalUserId, mappedRoles } from "../../src/auth/external-identity";
import { generateSigningKey } from "../../src/auth/tokens";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, type GraphQLResponse, gql, startApiServer, withServerLog } from "../graphql/harness";
import { insertUser, signingEnv, sleep } from "../graphql/auth.scenario";

/**
 * Hostile tokens: every one is UNAUTHENTICATED (HTTP 401 with
 * WWW-Authenticate), and none costs a database connection. Then an external
 * identity provider, served from a local JWKS endpoint: its tokens are
 * accepted, its roles go through the allow-list, a first sign-in creates the
 * user, and unknown key ids refetch the key set at most once per cooldown.
 */

const EXTERNAL_ISSUER = "https://idp.example.test/";
const EXTERNAL_AUDIENCE = "loomline-test";
const ROLE_CLAIM = "https://loomline.dev/roles";
const COOLDOWN_SECONDS = 2;

const own = signingEnv("own-key");
const ownPrivateKey = createPrivateKey({ key: { ...own.key }, format: "jwk" });

let db: TestDatabase;
let api: ApiServer;
let idp: FakeIdentityProvider;

beforeAll(async () => {
  db = await createTestDatabase();
  idp = await startIdentityProvider();
  api = await startApiServer(db, {
    env: {
      ...own.env,
      EXTERNAL_JWT_ISSUER: EXTERNAL_ISSUER,
      EXTERNAL_JWT_AUDIENCE: EXTERNAL_AUDIENCE,
      EXTERNAL_JWKS_URL: idp.jwksUrl,
      EXTERNAL_ROLE_CLAIM: ROLE_CLAIM,
      EXTERNAL_ROLE_MAP: JSON.stringify({ buyer: "buyer", factory: "supplier", admin: "buyer" }),
      EXTERNAL_JWKS_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS),
    },
  });
});

afterAll(async () => {
  await api?.close();
  await idp?.close();
  await db?.drop();
});

const Me = gql<{
  me: { id: string; email: string; roles: string[]; profile: { fullName: string | null } | null } | null;
}>("query Me { me { id email roles profile { fullName } } }");

// ---------------------------------------------------------------- token makers

const now = () => Math.floor(Date.now() / 1000);
const USER_ID = "7d0c2f5e-5d2b-4f7e-9a51-3b8f7c1e2a44";

interface OwnTokenOptions {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  omit?: ("exp" | "sub" | "iat")[];
}

/** A token shaped like ours, signed with our key unless told otherwise. */
async function ownToken(options: OwnTokenOptions = {}, key: Parameters<SignJWT["sign"]>[0] = ownPrivateKey) {
  const issuedAt = now();
  const claims: Record<string, unknown> = {
    iss: api.config.JWT_ISSUER,
    aud: api.config.JWT_AUDIENCE,
    sub: USER_ID,
    iat: issuedAt,
    exp: issuedAt + 600,
    role: "authenticated",
    roles: ["buyer"],
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: own.key.kid, ...options.header } as never)
    .sign(key);
}

/** Hand-made compact JWS: header and payload as given, any signature. */
function rawToken(header: object, payload: object, signature = ""): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  return `${part(header)}.${part(payload)}.${signature}`;
}

function validClaims() {
  return {
    iss: api.config.JWT_ISSUER,
    aud: api.config.JWT_AUDIENCE,
    sub: USER_ID,
    iat: now(),
    exp: now() + 600,
    role: "authenticated",
    roles: ["admin"],
  };
}

async function me(token: string): Promise<GraphQLResponse<{ me: unknown }>> {
  return api.graphql(Me, {}, { authorization: `Bearer ${token}` });
}

function expectUnauthenticated(response: GraphQLResponse<unknown>): void {
  withServerLog(response, () => {
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(
      /^Bearer realm="loomline", error="invalid_(token|request)"$/,
    );
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(response.data ?? null).toBeNull();
    // Yoga's transport details stay internal.
    expect(response.errors?.[0]?.extensions).not.toHaveProperty("http");
  });
}

// ---------------------------------------------------------------- attacks

describe("hostile tokens are UNAUTHENTICATED before any database work", () => {
  const attacks: [string, () => Promise<string> | string][] = [
    [
      "alg none, no signature",
      () => rawToken({ alg: "none", typ: "at+jwt", kid: own.key.kid }, validClaims()),
    ],
    [
      "alg none with a signature part",
      () => rawToken({ alg: "none", typ: "at+jwt", kid: own.key.kid }, validClaims(), "c2lnbmF0dXJl"),
    ],
    [
      "HS256 keyed with our public key's bytes (algorithm confusion)",
      () =>
        new SignJWT(validClaims())
          .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: own.key.kid })
          .sign(base64url.decode(own.key.x)),
    ],
    [
      "HS256 keyed with our published JWK as text",
      async () => {
        const jwks = await (await fetch(`${api.url}/.well-known/jwks.json`)).text();
        return new SignJWT(validClaims())
          .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: own.key.kid })
          .sign(new TextEncoder().encode(jwks));
      },
    ],
    ["a wrong issuer", () => ownToken({ claims: { iss: "https://evil.example/" } })],
    ["no issuer", () => ownToken({ claims: { iss: undefined } })],
    ["a wrong audience", () => ownToken({ claims: { aud: "someone-else" } })],
    ["expired", () => ownToken({ claims: { iat: now() - 1_000, exp: now() - 60 } })],
    ["not yet valid (nbf ahead)", () => ownToken({ claims: { nbf: now() + 300 } })],
    ["no exp", () => ownToken({ omit: ["exp"] })],
    ["no sub", () => ownToken({ omit: ["sub"] })],
    ["no iat", () => ownToken({ omit: ["iat"] })],
    [
      "issued too long ago for our lifetime",
      () => ownToken({ claims: { iat: now() - 2_000, exp: now() + 3_600 } }),
    ],
    ["an unknown kid", () => ownToken({ header: { kid: "retired-long-ago" } })],
    ["no kid", () => ownToken({ header: { kid: undefined } })],
    ["a kid with path traversal", () => ownToken({ header: { kid: "../../../../etc/passwd" } })],
    ["a kid that is a URL", () => ownToken({ header: { kid: "https://evil.example/jwks.json" } })],
    ["a kid with SQL", () => ownToken({ header: { kid: "' or '1'='1" } })],
    ["no typ", () => ownToken({ header: { typ: undefined } })],
    ["typ JWT instead of at+jwt", () => ownToken({ header: { typ: "JWT" } })],
    [
      "a tampered payload (another sub, the original signature)",
      async () => {
        const [header, , signature] = (await ownToken()).split(".");
        return `${header}.${base64url.encode(JSON.stringify({ ...validClaims(), sub: randomUUID() }))}.${signature}`;
      },
    ],
    [
      "signed by another Ed25519 key under our kid",
      () => ownToken({}, createPrivateKey({ key: { ...generateSigningKey("x") }, format: "jwk" })),
    ],
    ["a database role in `role`", () => ownToken({ claims: { role: "loomline_owner" } })],
    ["an unknown role in `roles`", () => ownToken({ claims: { roles: ["buyer", "superuser"] } })],
    ["a sub that is no user id", () => ownToken({ claims: { sub: "1 or 1=1" } })],
    ["scopes in an access token", () => ownToken({ claims: { scopes: ["orders:read"] } })],
    [
      "the external issuer, HS256 keyed with the provider's public RSA key",
      () =>
        new SignJWT({ ...idp.claims("mallory") })
          .setProtectedHeader({ alg: "HS256", kid: "rsa-1" })
          .sign(new TextEncoder().encode(idp.rsaPublicPem)),
    ],
    [
      "the external issuer, alg none",
      () => rawToken({ alg: "none", kid: "rsa-1" }, idp.claims("mallory"), "eA"),
    ],
    [
      "the external issuer, a wrong audience",
      () => idp.sign("rsa-1", { ...idp.claims("mallory"), aud: "another-api" }),
    ],
    [
      "the external issuer, expired",
      () => idp.sign("rsa-1", { ...idp.claims("mallory"), iat: now() - 600, exp: now() - 60 }),
    ],
    [
      "the external issuer, nbf ahead",
      () => idp.sign("rsa-1", { ...idp.claims("mallory"), nbf: now() + 300 }),
    ],
    ["the external issuer, no exp", () => idp.sign("rsa-1", { ...idp.claims("mallory"), exp: undefined })],
    ["the external issuer, signed by a stranger's key under its kid", () => idp.signWithStranger("rsa-1")],
    [
      "the external issuer, an algorithm it is not pinned to (PS256)",
      () => idp.sign("rsa-1", idp.claims("mallory"), "PS256"),
    ],
  ];

  beforeEach(() => {
    api.statements.length = 0;
  });

  test.each(attacks)("%s", async (_name, make) => {
    const response = await me(await make());
    expectUnauthenticated(response);
    expect(api.statements).toEqual([]);
  });

  test.each([
    ["Basic credentials", "Basic YWRtaW46YWRtaW4="],
    ["an empty bearer", "Bearer "],
    ["a bearer that is no JWT", "Bearer not.a-jwt"],
    ["an oversized token", `Bearer ${"a".repeat(9_000)}.${"b".repeat(10)}.${"c".repeat(10)}`],
  ])("%s in Authorization", async (_name, authorization) => {
    expectUnauthenticated(await api.graphql(Me, {}, { authorization }));
    expect(api.statements).toEqual([]);
  });

  test("a malformed API key is refused without a lookup", async () => {
    for (const key of ["ll_../../x_y", "' or 1=1 --", `ll_${"a".repeat(12)}_short`]) {
      expectUnauthenticated(await api.graphql(Me, {}, { "x-api-key": key }));
    }
    expect(api.statements).toEqual([]);
  });

  test("after all of the above, the API never opened a database session", async () => {
    const sessions = await withAdminClient(db.adminUrl, (client) =>
      client.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'loomline-api'",
      ),
    );
    expect(sessions.rows[0].n).toBe(0);
  });

  test("a valid token of ours passes (the attacks above fail for their flaw alone)", async () => {
    const user = await insertUser(db.adminUrl, { email: "real.user@example.com", roles: ["buyer"] });
    const token = await ownToken({ claims: { sub: user.id, roles: ["buyer"] } });
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.data?.me).toMatchObject({ email: "real.user@example.com", roles: ["BUYER"] });
  });
});

// ---------------------------------------------------------------- external provider

describe("an external identity provider", () => {
  test("accepts its RS256 tokens: the first sign-in creates user and profile; roles go through the allow-list", async () => {
    const subject = `auth0|${randomUUID()}`;
    const token = await idp.sign("rsa-1", {
      ...idp.claims(subject),
      email: "Factory.Owner@Example.com",
      email_verified: true,
      name: "Factory Owner",
      [ROLE_CLAIM]: ["factory", "admin", "hacker", "__proto__", "toString"],
    });
    const response = await me(token);
    expect(response.errors).toBeUndefined();
    const id = externalUserId(EXTERNAL_ISSUER, subject);
    // "admin" maps to buyer here: the map decides, and it can never say admin.
    expect(response.data?.me).toEqual({
      id: expect.any(String),
      email: "factory.owner@example.com",
      roles: ["BUYER", "SUPPLIER"],
      profile: { fullName: "Factory Owner" },
    });
    expect(decodeGlobalID((response.data!.me as { id: string }).id).id).toBe(id);

    await withAdminClient(db.adminUrl, async (client) => {
      const { rows } = await client.query(
        `select u.email, u.password_hash, u.email_verified_at is not null as verified,
                (select array_agg(role::text order by role) from user_roles where user_id = u.id) as roles,
                (select count(*)::int from user_preferences where user_id = u.id) as preferences
           from users u where u.id = $1`,
        [id],
      );
      expect(rows).toEqual([
        {
          email: "factory.owner@example.com",
          password_hash: null,
          verified: true,
          roles: ["buyer", "supplier"],
          preferences: 1,
        },
      ]);
    });

    // Known now: the next request provisions nothing.
    api.statements.length = 0;
    expect((await me(token)).data?.me).toMatchObject({ email: "factory.owner@example.com" });
    expect(api.statements.some((statement) => statement.query.includes("auth_upsert_external_user"))).toBe(
      false,
    );
  });

  test("accepts its ES256 tokens; unknown roles give no role; an unverified email is not used", async () => {
    const subject = `google-oauth2|${randomUUID()}`;
    const response = await me(
      await idp.sign("ec-1", {
        ...idp.claims(subject),
        email: "someone@example.com",
        [ROLE_CLAIM]: "janitor",
      }),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.me).toMatchObject({
      roles: [],
      email: expect.stringMatching(/^[0-9a-f]{32}@external\.invalid$/),
    });
  });

  test("a verified email another account already has is not taken over", async () => {
    await insertUser(db.adminUrl, { email: "taken@example.com" });
    const response = await me(
      await idp.sign("rsa-1", {
        ...idp.claims(`auth0|${randomUUID()}`),
        email: "taken@example.com",
        email_verified: true,
      }),
    );
    expect(response.data?.me).toMatchObject({ email: expect.stringMatching(/@external\.invalid$/) });
  });

  test("a disabled external user is refused", async () => {
    const subject = `auth0|${randomUUID()}`;
    await withAdminClient(db.adminUrl, (client) =>
      client.query("insert into users (id, email, disabled_at) values ($1, $2, now())", [
        externalUserId(EXTERNAL_ISSUER, subject),
        "gone@example.com",
      ]),
    );
    expectUnauthenticated(await me(await idp.sign("rsa-1", idp.claims(subject))));
  });

  test("an unknown kid refetches the key set at most once per cooldown; a rotated-in key is picked up", async () => {
    const unknownKid = () => idp.signWithStranger(`rotated-${randomUUID()}`);

    await sleep(COOLDOWN_SECONDS * 1000 + 200);
    const before = idp.fetches;
    const burst = await Promise.all(Array.from({ length: 5 }, async () => me(await unknownKid())));
    burst.forEach(expectUnauthenticated);
    expect(idp.fetches - before).toBeLessThanOrEqual(1);
    const afterBurst = idp.fetches;
    for (let i = 0; i < 5; i++) expectUnauthenticated(await me(await unknownKid()));
    expect(idp.fetches).toBe(afterBurst);

    // The provider rotates in a new key: once the cooldown has passed, one refetch finds it.
    idp.addKey("rsa-2");
    await sleep(COOLDOWN_SECONDS * 1000 + 200);
    const beforeRotation = idp.fetches;
    const response = await me(await idp.sign("rsa-2", idp.claims(`auth0|${randomUUID()}`)));
    expect(response.errors).toBeUndefined();
    expect(idp.fetches - beforeRotation).toBe(1);
  });

  test("role claims: a nested path works too, and nothing outside the map gets through", () => {
    const map = Object.assign(Object.create(null), { buyer: "buyer", factory: "supplier" });
    expect(mappedRoles({ app_metadata: { roles: ["factory", "owner"] } }, "app_metadata.roles", map)).toEqual(
      ["supplier"],
    );
    expect(mappedRoles({ roles: "buyer" }, "roles", map)).toEqual(["buyer"]);
    expect(mappedRoles({ roles: ["constructor", "__proto__", 42, null] }, "roles", map)).toEqual([]);
    expect(mappedRoles({ roles: ["buyer"] }, undefined, map)).toEqual([]);
  });
});

// ---------------------------------------------------------------- the fake provider

interface FakeIdentityProvider {
  jwksUrl: string;
  /** Key set requests served so far. */
  readonly fetches: number;
  /** The provider's RSA public key, as a PEM text (what an attacker can download). */
  rsaPublicPem: string;
  claims(subject: string): Record<string, unknown>;
  /** Signs with one of its keys (by kid), with the key's algorithm unless told otherwise. */
  sign(kid: string, claims: Record<string, unknown>, alg?: string): Promise<string>;
  signWithStranger(kid: string): Promise<string>;
  addKey(kid: string): void;
  close(): Promise<void>;
}

async function startIdentityProvider(): Promise<FakeIdentityProvider> {
  const signers = new Map<string, { privateKey: KeyObject; alg: string }>();
  const published: JsonWebKey[] = [];
  const addKey = (kid: string, alg: "RS256" | "ES256") => {
    const { privateKey, publicKey } =
      alg === "RS256"
        ? generateKeyPairSync("rsa", { modulusLength: 2048 })
        : generateKeyPairSync("ec", { namedCurve: "P-256" });
    signers.set(kid, { privateKey, alg });
    published.push({ ...publicKey.export({ format: "jwk" }), kid, alg, use: "sig" } as JsonWebKey);
    return publicKey;
  };
  const rsaPublic = addKey("rsa-1", "RS256");
  const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
  addKey("ec-1", "ES256");

  let fetches = 0;
  const server = http.createServer((request, response) => {
    if (request.url !== "/.well-known/jwks.json") {
      response.writeHead(404).end();
      return;
    }
    fetches++;
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const claims = (subject: string) => ({
    iss: EXTERNAL_ISSUER,
    aud: EXTERNAL_AUDIENCE,
    sub: subject,
    iat: now(),
    exp: now() + 600,
  });

  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    rsaPublicPem: rsaPublic.export({ format: "pem", type: "spki" }).toString(),
    claims,
    sign(kid, payload, alg) {
      const signer = signers.get(kid);
      if (!signer) throw new Error(`no key ${kid}`);
      return new SignJWT(payload)
        .setProtectedHeader({ alg: alg ?? signer.alg, kid, typ: "JWT" })
        .sign(signer.privateKey);
    },
    signWithStranger(kid) {
      return new SignJWT(claims("mallory"))
        .setProtectedHeader({ alg: "RS256", kid })
        .sign(stranger.privateKey);
    },
    addKey: (kid) => void addKey(kid, "RS256"),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
