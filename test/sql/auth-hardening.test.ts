/**
 * Security review, issue 8, findings 1 and 8 (migration 010), in SQL as the
 * request roles: connected as loomline_api, switched to anonymous or
 * authenticated with claims, the way the API runs a request (withRole) — so
 * what holds here holds for any SQL a request could be made to run.
 *
 *   1. The request roles never read a password, token or key hash, and never
 *      present one as proof: sign-in compares the scrypt key inside the
 *      database, refresh tokens are drawn there, an API key is answered only
 *      for the key itself; scrypt parameters are bounded where written and
 *      where read.
 *   8. A revocation is final: revoked_at, once set, never changes again.
 */
import { createHash, randomBytes, scryptSync } from "node:crypto";
import type { Client } from "pg";
import pg from "pg";
import { generateApiKey } from "../../src/auth/api-keys";
import { derivePasswordKey, hashPassword, scryptSaltOf } from "../../src/auth/passwords";
import { REFRESH_TOKEN_PATTERN } from "../../src/auth/tokens";
import { signedClaimsQuery } from "../../src/db/identity";
import { migrate } from "../../src/db/migrator";
import { createTestDatabase, withAdminClient, withRole, type TestDatabase } from "../helpers/database";

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const U = { admin: id(0xa1), external: id(0xe1), heavy: id(0xb1), buyer: id(0xc1) } as const;
const EMAIL = {
  admin: "admin@loomline.dev",
  external: "external@example.com",
  heavy: "heavy@example.com",
  buyer: "buyer@example.com",
} as const;
const ADMIN_PASSWORD = "admin-password-0123";
const ADMIN_CLAIMS = { sub: U.admin, role: "authenticated", roles: ["admin"] };

const sha256Hex = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");
const refreshToken = () => randomBytes(32).toString("base64url");
const b64 = (bytes: number, fill: number) => Buffer.alloc(bytes, fill).toString("base64");
/** What the pre-010 sign-up accepted: N=2^20, r=32, p=16 (about 2000 times a normal sign-in). */
const HEAVY_HASH = `scrypt$${2 ** 20}$32$16$${b64(16, 3)}$${b64(32, 4)}`;

let database: TestDatabase;
let adminHash: string;
const TOKEN = { live: refreshToken(), revoked: refreshToken() };
const TOKEN_ID = { live: id(0x7001), revoked: id(0x7002) };
const KEY = { live: generateApiKey(), revoked: generateApiKey() };
const KEY_ID = { live: id(0x8001), revoked: id(0x8002) };

beforeAll(async () => {
  database = await createTestDatabase();
  adminHash = await hashPassword(ADMIN_PASSWORD);
  await withAdminClient(database.adminUrl, async (client) => {
    await client.query("begin");
    await client.query(
      `insert into users (id, email, password_hash) values
         ($1, $2, $3), ($4, $5, null), ($6, $7, $8), ($9, $10, $3)`,
      [
        U.admin,
        EMAIL.admin,
        adminHash,
        U.external,
        EMAIL.external,
        U.heavy,
        EMAIL.heavy,
        HEAVY_HASH,
        U.buyer,
        EMAIL.buyer,
      ],
    );
    await client.query(
      `insert into user_roles (user_id, role) values ($1, 'admin'), ($2, 'buyer'), ($3, 'buyer'), ($4, 'buyer')`,
      [U.admin, U.external, U.heavy, U.buyer],
    );
    await client.query(
      `insert into refresh_tokens (id, user_id, token_hash, family_id, expires_at, revoked_at) values
         ($1, $3, $4, gen_random_uuid(), now() + interval '30 days', null),
         ($2, $3, $5, gen_random_uuid(), now() + interval '30 days', now() - interval '1 hour')`,
      [TOKEN_ID.live, TOKEN_ID.revoked, U.admin, sha256Hex(TOKEN.live), sha256Hex(TOKEN.revoked)],
    );
    await client.query(
      `insert into api_keys (id, user_id, name, prefix, key_hash, scopes, revoked_at) values
         ($1, $3, 'erp', $4, $5, '{orders:read}', null),
         ($2, $3, 'old erp', $6, $7, '{orders:read}', now() - interval '1 hour')`,
      [
        KEY_ID.live,
        KEY_ID.revoked,
        U.admin,
        KEY.live.prefix,
        KEY.live.hash,
        KEY.revoked.prefix,
        KEY.revoked.hash,
      ],
    );
    await client.query("commit");
  });
});

afterAll(async () => {
  await database?.drop();
});

// ---------------------------------------------------------------- helpers

const asAnonymous = <T>(fn: (client: Client) => Promise<T>) =>
  withRole(database.apiUrl, "anonymous", null, fn);
/** Claims count only when the API signed them (011): set signed, as the API does. */
const asAdmin = <T>(fn: (client: Client) => Promise<T>) =>
  withRole(database.apiUrl, "authenticated", null, async (client) => {
    await client.query(signedClaimsQuery(ADMIN_CLAIMS));
    return fn(client);
  });

interface Outcome {
  rows?: Record<string, unknown>[];
  columns?: string[];
  rowCount?: number;
  error?: { code: string; message: string };
}

/** `sql` in a savepoint (rolled back when it fails, so the transaction goes on). */
async function attempt(client: Client, sql: string, params: unknown[] = []): Promise<Outcome> {
  await client.query("savepoint attempt");
  try {
    const result = await client.query(sql, params);
    await client.query("release savepoint attempt");
    return {
      rows: result.rows,
      columns: result.fields.map((field) => field.name),
      rowCount: result.rowCount ?? 0,
    };
  } catch (error) {
    await client.query("rollback to savepoint attempt");
    const { code, message } = error as { code: string; message: string };
    return { error: { code, message } };
  }
}

const refused = (code: string, message?: RegExp) => ({
  error: { code, message: message ? expect.stringMatching(message) : expect.any(String) },
});
const undefinedFunction = refused("42883", /does not exist/);
const permissionDenied = refused("42501", /^permission denied/);

async function passwordParams(client: Client, email: string) {
  const { rows, fields } = await client.query("select * from app.auth_password_params($1)", [email]);
  expect(rows).toHaveLength(1);
  expect(fields.map((field) => field.name)).toEqual(["salt", "n", "r", "p"]);
  return rows[0] as { salt: string; n: number; r: number; p: number };
}

/** What the API sends for `password`: scrypt with the salt and parameters the database gave. */
async function derivedKey(client: Client, email: string, password: string): Promise<Buffer> {
  return (await derivePasswordKey(password, scryptSaltOf(await passwordParams(client, email))))!;
}

async function signIn(client: Client, email: string, key: Buffer, newHash: string | null = null) {
  return attempt(
    client,
    `select app.auth_sign_in($1, $2, $3, now() + interval '30 days', 'test', null) as result`,
    [email, key, newHash],
  );
}

const resultOf = (outcome: Outcome) => (outcome.rows?.[0] as { result: Record<string, unknown> }).result;
const INVALID = { status: "invalid" };

/** The parts of a stored hash: salt, and the sealed verifier (SHA-256 of the scrypt key). */
function partsOf(stored: string) {
  const [, , , , salt, last] = stored.split("$") as [string, string, string, string, string, string];
  return { salt, verifier: Buffer.from(last.replace(/^sha256:/, ""), "base64") };
}

// ---------------------------------------------------------------- finding 1

describe("no hash is handed out", () => {
  test("the functions of 007 that returned hashes or took them as proof are gone", async () => {
    await asAnonymous(async (client) => {
      expect(
        await attempt(client, "select user_id, password_hash from app.auth_credentials($1)", [EMAIL.admin]),
      ).toMatchObject(undefinedFunction);
      expect(
        await attempt(
          client,
          `select app.auth_start_session($1::uuid, $2, null, $3, now() + interval '1 day', null, null)`,
          [U.admin, adminHash, sha256Hex(refreshToken())],
        ),
      ).toMatchObject(undefinedFunction);
      expect(
        await attempt(
          client,
          `select app.auth_sign_up($1, $2, 'X', 'X', 'buyer', $3, now() + interval '1 day', null, null)`,
          ["new@example.com", adminHash, sha256Hex(refreshToken())],
        ),
      ).toMatchObject(undefinedFunction);
      expect(
        await attempt(
          client,
          `select app.auth_rotate_refresh_token($1, $2, now() + interval '1 day', null, null)`,
          [sha256Hex(TOKEN.live), sha256Hex(refreshToken())],
        ),
      ).toMatchObject(undefinedFunction);
      // Same name, same argument: now the key itself, and never its hash in the answer.
      const byPrefix = await attempt(client, "select * from app.auth_api_key($1)", [KEY.live.prefix]);
      expect(byPrefix.rows).toEqual([]);
      expect(byPrefix.columns).toEqual(["id", "user_id", "scopes", "roles", "expires_at"]);
    });
  });

  test("no function a request role may call returns a column named like a hash or a secret", async () => {
    const rows = await withAdminClient(database.adminUrl, async (client) => {
      const result = await client.query<{ fn: string; outputs: string[] | null; returns: string }>(`
        select p.oid::regprocedure::text as fn, p.prorettype::regtype::text as returns,
               (select array_agg(name) from unnest(p.proargnames, p.proargmodes) as a(name, mode)
                 where mode in ('o', 'b', 't')) as outputs
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname in ('app', 'app_private')
           and (has_function_privilege('anonymous', p.oid, 'execute')
                or has_function_privilege('authenticated', p.oid, 'execute'))`);
      return result.rows;
    });
    expect(rows.length).toBeGreaterThan(20);
    const leaking = rows.filter(
      (row) =>
        (row.outputs ?? []).some((name) => /hash|secret|verifier|token|key$/i.test(name)) ||
        ["users", "refresh_tokens", "api_keys", "app_private.auth_secret"].includes(row.returns),
    );
    expect(leaking).toEqual([]);
  });

  test("the secret and the hash helpers are the owner's", async () => {
    for (const run of [asAnonymous, asAdmin]) {
      await run(async (client) => {
        expect(await attempt(client, "select * from app_private.auth_secret")).toMatchObject(
          permissionDenied,
        );
        expect(await attempt(client, "select app_private.auth_hmac('\\x00'::bytea)")).toMatchObject(
          permissionDenied,
        );
        expect(
          await attempt(client, "select * from app_private.password_hash_parts($1)", [adminHash]),
        ).toMatchObject(permissionDenied);
      });
    }
  });

  test("sign-in step 1 gives a salt and parameters only, alike for known and unknown emails", async () => {
    await asAnonymous(async (client) => {
      const admin = await passwordParams(client, EMAIL.admin);
      expect(admin).toEqual({ salt: partsOf(adminHash).salt, n: 32768, r: 8, p: 1 });
      expect(JSON.stringify(admin)).not.toContain(partsOf(adminHash).verifier.toString("base64"));
      expect(await passwordParams(client, EMAIL.admin.toUpperCase())).toEqual(admin);

      // Unknown, without a password, or with parameters outside the bound: a
      // stand-in salt (the same one each time) with today's parameters.
      for (const email of ["nobody@example.com", EMAIL.external, EMAIL.heavy]) {
        const first = await passwordParams(client, email);
        expect(first).toEqual({ salt: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/), n: 32768, r: 8, p: 1 });
        expect(await passwordParams(client, email)).toEqual(first);
        expect(first.salt).not.toBe(admin.salt);
      }
      expect((await passwordParams(client, "a@example.com")).salt).not.toBe(
        (await passwordParams(client, "b@example.com")).salt,
      );
    });
  });
});

describe("no hash is proof", () => {
  test("a stored hash does not sign in; the scrypt key of the password does, checked in the database", async () => {
    await asAnonymous(async (client) => {
      const { verifier } = partsOf(adminHash);
      expect(resultOf(await signIn(client, EMAIL.admin, verifier))).toEqual(INVALID);
      expect(resultOf(await signIn(client, EMAIL.admin, Buffer.from(adminHash)))).toEqual(INVALID);
      expect(resultOf(await signIn(client, EMAIL.admin, Buffer.alloc(32)))).toEqual(INVALID);
      const wrong = await derivedKey(client, EMAIL.admin, "not-the-password");
      expect(resultOf(await signIn(client, EMAIL.admin, wrong))).toEqual(INVALID);
      // Unknown emails and accounts without a password fail alike.
      expect(resultOf(await signIn(client, "nobody@example.com", wrong))).toEqual(INVALID);
      expect(resultOf(await signIn(client, EMAIL.external, wrong))).toEqual(INVALID);

      const key = await derivedKey(client, EMAIL.admin, ADMIN_PASSWORD);
      const session = resultOf(await signIn(client, EMAIL.admin, key));
      expect(session).toEqual({
        status: "signed_in",
        user: { id: U.admin, email: EMAIL.admin, roles: ["admin"] },
        refreshToken: expect.stringMatching(REFRESH_TOKEN_PATTERN),
      });
    });
  });

  test("a hash with parameters outside the bound is never used: its account cannot sign in", async () => {
    await asAnonymous(async (client) => {
      const scryptKey = Buffer.from(HEAVY_HASH.split("$")[5]!, "base64");
      expect(resultOf(await signIn(client, EMAIL.heavy, scryptKey))).toEqual(INVALID);
      const key = await derivedKey(client, EMAIL.heavy, "anything-at-all");
      expect(resultOf(await signIn(client, EMAIL.heavy, key))).toEqual(INVALID);
    });
  });

  test("sign-in changes no password: not without the key, and never a hash with today's parameters", async () => {
    const attackerHash = await hashPassword("attacker-password");
    await asAnonymous(async (client) => {
      const wrong = await derivedKey(client, EMAIL.admin, "attacker-password");
      expect(resultOf(await signIn(client, EMAIL.admin, wrong, attackerHash))).toEqual(INVALID);
      const right = await derivedKey(client, EMAIL.admin, ADMIN_PASSWORD);
      expect(await signIn(client, EMAIL.admin, right, attackerHash)).toMatchObject(
        refused("22023", /does not replace it/),
      );
      // Nothing changed: the salt is the same, the attacker's password still fails, the admin's works.
      expect((await passwordParams(client, EMAIL.admin)).salt).toBe(partsOf(adminHash).salt);
      const attacker = await derivedKey(client, EMAIL.admin, "attacker-password");
      expect(resultOf(await signIn(client, EMAIL.admin, attacker))).toEqual(INVALID);
      expect(resultOf(await signIn(client, EMAIL.admin, right))).toMatchObject({ status: "signed_in" });
    });
  });

  test("a hash of the earlier form (the scrypt key stored) signs in once and is sealed at once", async () => {
    const salt = Buffer.alloc(16, 5);
    const key = scryptSync("earlier-form-password", salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 2 ** 26 });
    const earlier = `scrypt$32768$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
    const sealed = `scrypt$32768$8$1$${salt.toString("base64")}$sha256:${createHash("sha256").update(key).digest("base64")}`;
    await withAdminClient(database.adminUrl, (client) =>
      client.query("insert into users (id, email, password_hash) values ($1, 'earlier@example.com', $2)", [
        id(0xd1),
        earlier,
      ]),
    );
    try {
      // Committed, as the API would: loomline_api, anonymous.
      const api = new pg.Client({ connectionString: database.apiUrl });
      await api.connect();
      try {
        await api.query("begin");
        await api.query("set local role anonymous");
        expect(await passwordParams(api, "earlier@example.com")).toEqual({
          salt: salt.toString("base64"),
          n: 32768,
          r: 8,
          p: 1,
        });
        expect(resultOf(await signIn(api, "earlier@example.com", key))).toMatchObject({
          status: "signed_in",
        });
        await api.query("commit");
      } finally {
        await api.end();
      }
      const stored = await withAdminClient(database.adminUrl, (client) =>
        client.query("select password_hash from users where id = $1", [id(0xd1)]),
      );
      expect(stored.rows[0].password_hash).toBe(sealed);
      await asAnonymous(async (client) => {
        expect(resultOf(await signIn(client, "earlier@example.com", key))).toMatchObject({
          status: "signed_in",
        });
      });
    } finally {
      await withAdminClient(database.adminUrl, (client) =>
        client.query("delete from users where id = $1", [id(0xd1)]),
      );
    }
  });

  test("010 seals every stored hash of the earlier form, and leaves the rest as they are", async () => {
    const fresh = await createTestDatabase({ empty: true });
    try {
      await migrate(fresh.adminUrl, { target: 9 });
      const salt = b64(16, 6);
      const key = Buffer.alloc(32, 7);
      const rows = {
        earlier: `scrypt$32768$8$1$${salt}$${key.toString("base64")}`,
        older: `scrypt$16384$8$1$${salt}$${key.toString("base64")}`,
        heavy: HEAVY_HASH,
        other: "not-a-hash",
      };
      await withAdminClient(fresh.adminUrl, (client) =>
        client.query(
          `insert into users (email, password_hash) select k || '@example.com', v from json_each_text($1) as e(k, v)`,
          [JSON.stringify(rows)],
        ),
      );
      await migrate(fresh.adminUrl, { target: 10 });
      const { rows: after } = await withAdminClient(fresh.adminUrl, (client) =>
        client.query<{ email: string; password_hash: string }>(
          "select email::text, password_hash from users order by email",
        ),
      );
      const verifier = createHash("sha256").update(key).digest("base64");
      expect(Object.fromEntries(after.map((row) => [row.email.split("@")[0], row.password_hash]))).toEqual({
        earlier: `scrypt$32768$8$1$${salt}$sha256:${verifier}`,
        older: `scrypt$16384$8$1$${salt}$sha256:${verifier}`,
        heavy: HEAVY_HASH,
        other: "not-a-hash",
      });
    } finally {
      await fresh.drop();
    }
  });
});

describe("sign-up takes today's scrypt parameters only", () => {
  const signUp = (client: Client, email: string, hash: string | null) =>
    attempt(
      client,
      `select app.auth_sign_up($1, $2, 'New Person', 'New Co', 'buyer', now() + interval '30 days', 'test', null) as result`,
      [email, hash],
    );

  test("a heavier, lighter, unsealed or malformed hash is refused", async () => {
    const salt = b64(16, 1);
    const verifier = `sha256:${b64(32, 2)}`;
    await asAnonymous(async (client) => {
      for (const hash of [
        `scrypt$${2 ** 20}$32$16$${salt}$${verifier}`,
        `scrypt$${2 ** 16}$8$1$${salt}$${verifier}`,
        `scrypt$${2 ** 15}$16$1$${salt}$${verifier}`,
        `scrypt$${2 ** 15}$8$2$${salt}$${verifier}`,
        `scrypt$${2 ** 14}$8$1$${salt}$${verifier}`,
        `scrypt$${2 ** 15}$8$1$${salt}$${b64(32, 2)}`, // the earlier form: the key itself
        `scrypt$${2 ** 15}$8$1$${b64(8, 1)}$${verifier}`,
        "plaintext",
        null,
      ]) {
        expect([hash, await signUp(client, "new@example.com", hash)]).toEqual([
          hash,
          refused("22023", /password hash must be/),
        ]);
      }
    });
  });

  test("today's hash is taken, and the session's refresh token is drawn by the database", async () => {
    const hash = await hashPassword("a-new-password");
    await asAnonymous(async (client) => {
      const result = resultOf(await signUp(client, "New@Example.com", hash));
      expect(result).toEqual({
        user: { id: expect.any(String), email: "new@example.com", roles: ["buyer"] },
        refreshToken: expect.stringMatching(REFRESH_TOKEN_PATTERN),
      });
      expect(resultOf(await signUp(client, "new@example.com", hash))).toBeNull();
    });
  });
});

describe("refresh tokens: drawn by the database, presented as themselves", () => {
  const rotate = (client: Client, presented: string) =>
    attempt(
      client,
      `select app.auth_rotate_refresh_token($1, now() + interval '30 days', 'test', null) as result`,
      [presented],
    );

  test("rotation takes the token, not its hash, and returns a new token nobody chose", async () => {
    await asAnonymous(async (client) => {
      expect(resultOf(await rotate(client, sha256Hex(TOKEN.live)))).toEqual(INVALID);
      const rotated = resultOf(await rotate(client, TOKEN.live));
      expect(rotated).toEqual({
        status: "rotated",
        user: { id: U.admin, email: EMAIL.admin, roles: ["admin"] },
        refreshToken: expect.stringMatching(REFRESH_TOKEN_PATTERN),
      });
      expect(rotated["refreshToken"]).not.toBe(TOKEN.live);
      expect(resultOf(await rotate(client, rotated["refreshToken"] as string))).toMatchObject({
        status: "rotated",
      });
    });
  });

  test("no request role can issue a token row of its choosing", async () => {
    for (const run of [asAnonymous, asAdmin]) {
      await run(async (client) => {
        expect(
          await attempt(
            client,
            `select * from app_private.auth_issue_refresh_token($1, gen_random_uuid(), now() + interval '1 day', null, null)`,
            [U.admin],
          ),
        ).toMatchObject(permissionDenied);
        expect(
          await attempt(
            client,
            `insert into refresh_tokens (user_id, token_hash, family_id, expires_at)
             values ($1, $2, gen_random_uuid(), now() + interval '1 day')`,
            [U.admin, sha256Hex(refreshToken())],
          ),
        ).toMatchObject(permissionDenied);
      });
    }
  });

  test("sign-out takes the token, not its hash", async () => {
    await asAnonymous(async (client) => {
      const out = (presented: string) =>
        attempt(client, "select app.auth_revoke_refresh_token($1) as revoked", [presented]);
      expect((await out(sha256Hex(TOKEN.live))).rows).toEqual([{ revoked: false }]);
      expect((await out(TOKEN.live)).rows).toEqual([{ revoked: true }]);
    });
  });
});

describe("API keys: answered for the key only", () => {
  const lookUp = (client: Client, presented: string) =>
    attempt(client, "select * from app.auth_api_key($1)", [presented]);

  test("a prefix, a wrong secret, the key's hash or a revoked key get nothing; the key gets its owner", async () => {
    await asAnonymous(async (client) => {
      const wrongSecret = `ll_${KEY.live.prefix}_${randomBytes(32).toString("base64url")}`;
      for (const presented of [KEY.live.prefix, wrongSecret, KEY.live.hash, KEY.revoked.key, ""]) {
        expect([presented, (await lookUp(client, presented)).rows]).toEqual([presented, []]);
      }
      expect((await lookUp(client, KEY.live.key)).columns).not.toContain("key_hash");
      const found = await attempt(
        client,
        "select id, user_id, scopes, roles::text[] as roles, expires_at from app.auth_api_key($1)",
        [KEY.live.key],
      );
      expect(found.rows).toEqual([
        { id: KEY_ID.live, user_id: U.admin, scopes: ["orders:read"], roles: ["admin"], expires_at: null },
      ]);
    });
  });
});

// ---------------------------------------------------------------- finding 8

describe("a revocation is final", () => {
  test.each([
    ["refresh_tokens", TOKEN_ID],
    ["api_keys", KEY_ID],
  ] as const)("%s: an admin revokes, and can never restore or move a revocation", async (table, ids) => {
    const final = refused("LLAPP", new RegExp(`^${table}\\.revoked_at is final`));
    await asAdmin(async (client) => {
      expect(
        await attempt(client, `update ${table} set revoked_at = null where id = $1`, [ids.revoked]),
      ).toMatchObject(final);
      expect(
        await attempt(client, `update ${table} set revoked_at = now() where id = $1`, [ids.revoked]),
      ).toMatchObject(final);
      expect(
        await attempt(client, `update ${table} set revoked_at = revoked_at where id = $1`, [ids.revoked]),
      ).toMatchObject({ rowCount: 1 });

      expect(
        await attempt(client, `update ${table} set revoked_at = now() where id = $1`, [ids.live]),
      ).toMatchObject({ rowCount: 1 });
      expect(
        await attempt(client, `update ${table} set revoked_at = null where id = $1`, [ids.live]),
      ).toMatchObject(final);
    });
  });

  test("for everyone: the owner and the migrator cannot undo one either", async () => {
    await withAdminClient(database.adminUrl, async (client) => {
      await client.query("begin");
      try {
        for (const [table, revoked] of [
          ["refresh_tokens", TOKEN_ID.revoked],
          ["api_keys", KEY_ID.revoked],
        ] as const) {
          expect(
            await attempt(client, `update ${table} set revoked_at = null where id = $1`, [revoked]),
          ).toMatchObject(refused("LLAPP"));
          await client.query("set local role loomline_owner");
          expect(
            await attempt(client, `update ${table} set revoked_at = null where id = $1`, [revoked]),
          ).toMatchObject(refused("LLAPP"));
          await client.query("reset role");
        }
      } finally {
        await client.query("rollback");
      }
    });
  });
});
