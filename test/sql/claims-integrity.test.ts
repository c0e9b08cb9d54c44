/**
 * What PostgreSQL believes about a request cannot be forged from SQL
 * (security review, issue 8; migration 011). Everything here runs as the
 * API's login role, loomline_api, the way injected SQL would:
 *
 *   4  claims set with set_config are nobody unless the API signed them
 *      (HMAC under a key only the owner reads), and signed ones expire;
 *   2  an admin's API key is no admin in Postgres;
 *   5  app.is_order_party answers about the caller only;
 *   6  audit rows carry the server's request id, the client's address and
 *      own request id, the auth method, key id and roles, from the signed
 *      claims, whatever the transaction's plain settings say.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { type Viewer, withOrigin } from "../../src/auth/viewer";
import { identityStatement, processClaimsKey, signClaims, signedClaimsQuery } from "../../src/db/identity";
import { createTestDatabase, withAdminClient, type TestDatabase } from "../helpers/database";

let database: TestDatabase;

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const U = { admin: id(0xe1), buyerA: id(0xa1), buyerB: id(0xb1), supplier: id(0xc1) } as const;
const SUPPLIER = id(0x5c);
const O = { A1: id(0x2a1), B1: id(0x2b1) } as const;
const ADMIN_KEY = id(0x7e1);
const BUYER_KEY = id(0x7a1);

beforeAll(async () => {
  database = await createTestDatabase();
  await withAdminClient(database.adminUrl, (client) =>
    client.query(`
      insert into users (id, email) values
        ('${U.admin}', 'admin@claims.example'), ('${U.buyerA}', 'a@claims.example'),
        ('${U.buyerB}', 'b@claims.example'), ('${U.supplier}', 's@claims.example');
      insert into user_roles (user_id, role) values
        ('${U.admin}', 'admin'), ('${U.buyerA}', 'buyer'), ('${U.buyerB}', 'buyer'), ('${U.supplier}', 'supplier');
      insert into suppliers (id, user_id, company_name, country, verification_status)
        values ('${SUPPLIER}', '${U.supplier}', 'Claims Knit', 'PT', 'verified');
      insert into orders (id, buyer_id, supplier_id, product_type, quantity, status) values
        ('${O.A1}', '${U.buyerA}', '${SUPPLIER}', 'sweater', 100, 'confirmed'),
        ('${O.B1}', '${U.buyerB}', null, 'sweater', 100, 'confirmed');
      insert into api_keys (id, user_id, name, prefix, key_hash, scopes) values
        ('${ADMIN_KEY}', '${U.admin}', 'ops', 'll_adm', 'hash-admin', '{orders:read}'),
        ('${BUYER_KEY}', '${U.buyerA}', 'erp', 'll_buy', 'hash-buyer', '{orders:read}');`),
  );
});

afterAll(async () => {
  await database?.drop();
});

/** `fn` on a fresh loomline_api connection, inside a transaction that is rolled back. */
async function asApiRole<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.apiUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ login: string }>("select session_user::text as login");
    expect(rows[0]!.login).toBe("loomline_api");
    await client.query("begin");
    try {
      return await fn(client);
    } finally {
      await client.query("rollback");
    }
  } finally {
    await client.end();
  }
}

/** The first statement of a request transaction, exactly as the API sends it. */
async function actAs(client: pg.Client, viewer: Viewer, requestId = randomUUID()): Promise<void> {
  const statement = identityStatement({ viewer, requestId }, false);
  await client.query(statement.text, statement.values);
}

interface Seen {
  uid: string | null;
  admin: boolean;
  orders: number;
}
const seen = async (client: pg.Client): Promise<Seen> =>
  (
    await client.query<Seen>(
      "select app.current_user_id()::text as uid, app.is_admin() as admin, (select count(*)::int from orders) as orders",
    )
  ).rows[0]!;

const NOBODY: Seen = { uid: null, admin: false, orders: 0 };
const adminClaims = { role: "authenticated", sub: U.admin, roles: ["admin"] };
const setPlain = (client: pg.Client, claims: string, signature = "") =>
  client.query(
    "select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claims_hmac', $2, true)",
    [claims, signature],
  );

/** The SQLSTATE of `sql` (null: it ran), in a savepoint so the transaction goes on. */
async function code(client: pg.Client, sql: string, params: unknown[] = []): Promise<string | null> {
  await client.query("savepoint attempt");
  try {
    await client.query(sql, params);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? "?";
  } finally {
    await client.query("rollback to savepoint attempt");
  }
}

describe("claims count only when the API signed them (finding 4)", () => {
  test("signed admin claims are an admin; the same claims set by hand are nobody", async () => {
    await asApiRole(async (client) => {
      await client.query("set local role authenticated");
      await client.query(signedClaimsQuery(adminClaims));
      expect(await seen(client)).toEqual({ uid: U.admin, admin: true, orders: 2 });

      await setPlain(client, JSON.stringify(adminClaims));
      expect(await seen(client)).toEqual(NOBODY);
    });
  });

  test("a made-up, tampered, foreign-key or expired signature is nobody", async () => {
    await asApiRole(async (client) => {
      await client.query("set local role authenticated");
      const forged = [
        // A signature of the right shape, made up.
        { text: JSON.stringify(adminClaims), signature: randomBytes(32).toString("hex") },
        // A buyer's genuine signature over claims edited afterwards.
        (() => {
          const genuine = signClaims({ role: "authenticated", sub: U.buyerA, roles: ["buyer"] });
          return { text: genuine.text.replace('["buyer"]', '["admin"]'), signature: genuine.signature };
        })(),
        // Signed with another key.
        signClaims(adminClaims, randomBytes(32)),
        // Genuine, but expired: a captured pair cannot be replayed later.
        signClaims({ ...adminClaims, exp: Math.floor(Date.now() / 1000) - 1 }),
        // Genuine, without an expiry.
        (() => {
          const text = JSON.stringify(adminClaims);
          return { text, signature: createHmac("sha256", processClaimsKey()).update(text).digest("hex") };
        })(),
      ];
      for (const { text, signature } of forged) {
        await setPlain(client, text, signature);
        expect([text, await seen(client)]).toEqual([text, NOBODY]);
        expect((await client.query("select app.current_claims() as c")).rows[0].c).toBeNull();
      }
    });
  });

  test("reset role in the request's own transaction gains nothing: the key is unreadable, and claims still need it", async () => {
    await asApiRole(async (client) => {
      await actAs(client, { kind: "user", id: U.buyerA, roles: ["buyer"], authMethod: "access_token" });
      await client.query("reset role");
      expect(await code(client, "select key from app_private.claims_key")).toBe("42501");
      await client.query("set local role authenticated");
      expect(await code(client, "select key from app_private.claims_key")).toBe("42501");
      await setPlain(client, JSON.stringify(adminClaims));
      expect(await seen(client)).toEqual(NOBODY);
      // The buyer's own signed claims, taken back, are still only the buyer.
      await actAs(client, { kind: "user", id: U.buyerA, roles: ["buyer"], authMethod: "access_token" });
      expect(await seen(client)).toEqual({ uid: U.buyerA, admin: false, orders: 1 });
    });
  });
});

describe("an admin's API key is no admin in Postgres (finding 2)", () => {
  const adminVia = (authMethod: "access_token" | "api_key"): Viewer => ({
    kind: "user",
    id: U.admin,
    roles: ["admin"],
    authMethod,
    ...(authMethod === "api_key" ? { scopes: ["orders:read"], apiKeyId: ADMIN_KEY } : {}),
  });

  test("the admin's session is an admin; the admin's orders:read key reads no order, margin or audit entry", async () => {
    await asApiRole(async (client) => {
      await actAs(client, adminVia("access_token"));
      expect(await seen(client)).toEqual({ uid: U.admin, admin: true, orders: 2 });

      await actAs(client, adminVia("api_key"));
      expect(await seen(client)).toEqual({ uid: U.admin, admin: false, orders: 0 });
      const { rows } = await client.query(
        "select (select count(*)::int from audit_log) as audit, (select count(*)::int from app.order_amounts($1)) as amounts",
        [[O.A1, O.B1]],
      );
      expect(rows[0]).toEqual({ audit: 0, amounts: 0 });
    });
  });

  test("signed claims with scopes, or with auth_method api_key, are never an admin", async () => {
    await asApiRole(async (client) => {
      await client.query("set local role authenticated");
      for (const claims of [
        { ...adminClaims, scopes: ["orders:read"] },
        { ...adminClaims, auth_method: "api_key" },
      ]) {
        await client.query(signedClaimsQuery(claims));
        expect(await seen(client)).toEqual({ uid: U.admin, admin: false, orders: 0 });
      }
    });
  });
});

describe("app.is_order_party asks about the caller only (finding 5)", () => {
  const buyerA: Viewer = { kind: "user", id: U.buyerA, roles: ["buyer"], authMethod: "access_token" };

  test("the two-argument form is refused to requests; the one-argument form is about the caller", async () => {
    await asApiRole(async (client) => {
      await actAs(client, buyerA);
      expect(await code(client, "select app.is_order_party($1, $2)", [O.A1, U.admin])).toBe("42501");
      const { rows } = await client.query(
        "select app.is_order_party($1::uuid) as own, app.is_order_party($2::uuid) as other",
        [O.A1, O.B1],
      );
      expect(rows[0]).toEqual({ own: true, other: false });
    });
  });

  test("a message names no one but its sender: sending as someone else fails alike, party or not", async () => {
    await asApiRole(async (client) => {
      await actAs(client, buyerA);
      const send = (sender: string, order: string) =>
        code(
          client,
          "insert into messages (sender_id, recipient_id, order_id, body) values ($1, $2, $3, 'hello')",
          [sender, U.supplier, order],
        );
      expect(await send(U.buyerA, O.A1)).toBeNull();
      expect(await send(U.buyerA, O.B1)).toBe("LLRUL");
      // buyerB is a party to B1 and not to A1: the same refusal either way.
      expect(await send(U.buyerB, O.B1)).toBe("42501");
      expect(await send(U.buyerB, O.A1)).toBe("42501");
    });
  });
});

describe("audit provenance comes from the signed claims (finding 6)", () => {
  interface AuditRow {
    actor_id: string | null;
    actor_role: string | null;
    request_id: string | null;
    client_request_id: string | null;
    ip: string | null;
    auth_method: string | null;
    api_key_id: string | null;
    actor_roles: string[] | null;
  }
  const auditOf = (client: pg.Client, orderId: string) =>
    client
      .query<AuditRow>(
        `select actor_id::text, actor_role, request_id, client_request_id, host(ip) as ip, auth_method,
                api_key_id::text, actor_roles
           from audit_log where table_name = 'orders' and record_id = $1`,
        [orderId],
      )
      .then((result) => result.rows);

  test("an API key's write records the server's request id, the client's address and id, the method, key and roles", async () => {
    let orderId = "";
    const requestId = randomUUID();
    const viewer = withOrigin(
      {
        kind: "user",
        id: U.buyerA,
        roles: ["buyer"],
        authMethod: "api_key",
        scopes: ["orders:read"],
        apiKeyId: BUYER_KEY,
      },
      { clientAddress: "::ffff:203.0.113.7", clientRequestId: "cli:user-grant:1" },
    );
    // Committed (audit_log is for admins to read), then read as the migrator.
    const client = new pg.Client({ connectionString: database.apiUrl });
    await client.connect();
    try {
      await client.query("begin");
      await actAs(client, viewer, requestId);
      // What injected SQL would try: plain settings do not reach the audit trail.
      await client.query(
        "select set_config('request.id', 'cli:forged', true), set_config('request.ip', '198.51.100.1', true)",
      );
      const { rows } = await client.query<{ id: string }>(
        "insert into orders (buyer_id, product_type, quantity) values ($1, 'sweater', 10) returning id",
        [U.buyerA],
      );
      orderId = rows[0]!.id;
      await client.query("commit");
    } finally {
      await client.end();
    }
    await withAdminClient(database.adminUrl, async (admin) => {
      try {
        expect(await auditOf(admin, orderId)).toEqual([
          {
            actor_id: U.buyerA,
            actor_role: "authenticated",
            request_id: requestId,
            client_request_id: "cli:user-grant:1",
            ip: "203.0.113.7",
            auth_method: "api_key",
            api_key_id: BUYER_KEY,
            actor_roles: ["buyer"],
          },
        ]);
      } finally {
        await admin.query("delete from orders where id = $1", [orderId]);
      }
    });
  });

  test("the owner's sessions (CLIs) still name their run in request.id; unsigned claims there are theirs", async () => {
    await withAdminClient(database.adminUrl, async (admin) => {
      await admin.query("begin");
      try {
        await admin.query("select set_config('request.id', 'cli:user:grant:42', true)");
        await setPlain(admin, JSON.stringify({ role: "authenticated", sub: U.admin, roles: ["admin"] }));
        const orderId = randomUUID();
        await admin.query(
          "insert into orders (id, buyer_id, product_type, quantity) values ($1, $2, 'sweater', 10)",
          [orderId, U.buyerB],
        );
        expect(await auditOf(admin, orderId)).toEqual([
          {
            actor_id: U.admin,
            actor_role: "authenticated",
            request_id: "cli:user:grant:42",
            client_request_id: null,
            ip: null,
            auth_method: null,
            api_key_id: null,
            actor_roles: ["admin"],
          },
        ]);
      } finally {
        await admin.query("rollback");
      }
    });
  });
});
