import { spawn } from "node:child_process";
import path from "node:path";
import { decodeProtectedHeader, decodeJwt } from "jose";
import { verifyPassword } from "../../src/auth/passwords";
import { UserCommandError, createUser, grantRole } from "../../src/cli/user";
import { PROJECT_ROOT } from "../../src/db/migrator";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { dataOf, gql, startApiServer } from "../graphql/harness";
import { signingEnv } from "../graphql/auth.scenario";

/**
 * npm run user:create / user:grant: the only way to make an admin, audited.
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const PASSWORD = "first-admin-password";

async function accountOf(email: string) {
  return withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query(
      `select u.id::text, u.email::text, u.password_hash, u.email_verified_at is not null as verified,
              p.full_name, p.company_name,
              (select array_agg(r.role::text order by r.role) from user_roles r where r.user_id = u.id) as roles,
              (select count(*)::int from user_preferences up where up.user_id = u.id) as preferences
         from users u left join profiles p on p.id = u.id
        where u.email = $1`,
      [email],
    );
    return rows[0];
  });
}

async function roleAudit(userId: string) {
  return withAdminClient(db.adminUrl, async (client) => {
    const { rows } = await client.query(
      `select action, request_id, new_data ->> 'role' as role from audit_log
        where table_name = 'user_roles' and new_data ->> 'user_id' = $1 order by created_at`,
      [userId],
    );
    return rows;
  });
}

test("user:create makes an admin who can sign in; the grant is audited", async () => {
  const { id } = await createUser(db.adminUrl, {
    email: " Root@Example.com ",
    password: PASSWORD,
    role: "admin",
    fullName: "Root Admin",
    companyName: "Loomline",
  });
  const account = await accountOf("root@example.com");
  expect(account).toMatchObject({
    id,
    email: "root@example.com",
    verified: true,
    full_name: "Root Admin",
    company_name: "Loomline",
    roles: ["admin"],
    preferences: 1,
  });
  expect(await verifyPassword(PASSWORD, account.password_hash)).toBe(true);
  expect(await roleAudit(id)).toEqual([{ action: "insert", request_id: "cli:user:create", role: "admin" }]);

  const api = await startApiServer(db, { env: signingEnv().env });
  try {
    const SignIn = gql<{ signIn: { __typename: string; accessToken: string } }>(`
      mutation SignIn($input: SignInInput!) { signIn(input: $input) { __typename ... on AuthPayload { accessToken } } }`);
    const session = dataOf(
      await api.graphql(SignIn, { input: { email: "root@example.com", password: PASSWORD } }),
    ).signIn;
    expect(session.__typename).toBe("AuthPayload");
    expect(decodeProtectedHeader(session.accessToken).typ).toBe("at+jwt");
    expect(decodeJwt(session.accessToken)).toMatchObject({ sub: id, roles: ["admin"] });
  } finally {
    await api.close();
  }
});

test("user:create refuses a taken email, a short password, an unknown role, a bad email", async () => {
  await createUser(db.adminUrl, { email: "taken@example.com", password: PASSWORD, role: "buyer" });
  await expect(
    createUser(db.adminUrl, { email: "TAKEN@example.com", password: PASSWORD, role: "buyer" }),
  ).rejects.toThrow(/exists already/);
  await expect(
    createUser(db.adminUrl, { email: "a@example.com", password: "short", role: "buyer" }),
  ).rejects.toThrow(UserCommandError);
  await expect(
    createUser(db.adminUrl, { email: "b@example.com", password: PASSWORD, role: "owner" as never }),
  ).rejects.toThrow(/--role must be one of admin, buyer, supplier/);
  await expect(
    createUser(db.adminUrl, { email: "not-an-email", password: PASSWORD, role: "buyer" }),
  ).rejects.toThrow(/not an email/);
  expect(await accountOf("a@example.com")).toBeUndefined();
});

test("user:grant adds a role once, audited; an unknown email is an error", async () => {
  const { id } = await createUser(db.adminUrl, {
    email: "grow@example.com",
    password: PASSWORD,
    role: "buyer",
  });
  expect(await grantRole(db.adminUrl, { email: "Grow@Example.com", role: "supplier" })).toEqual({
    userId: id,
    granted: true,
  });
  expect(await grantRole(db.adminUrl, { email: "grow@example.com", role: "supplier" })).toEqual({
    userId: id,
    granted: false,
  });
  expect((await accountOf("grow@example.com")).roles).toEqual(["buyer", "supplier"]);
  expect(await roleAudit(id)).toEqual([
    { action: "insert", request_id: "cli:user:create", role: "buyer" },
    { action: "insert", request_id: "cli:user:grant", role: "supplier" },
  ]);
  await expect(grantRole(db.adminUrl, { email: "nobody@example.com", role: "admin" })).rejects.toThrow(
    /No user/,
  );
});

describe("the command line", () => {
  function run(
    args: string[],
    stdin?: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
        ["src/cli/user.ts", ...args],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, DATABASE_URL: db.adminUrl, NODE_ENV: "test", LOG_LEVEL: "warn" },
          stdio: ["pipe", "pipe", "pipe"],
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin ?? "");
    });
  }

  test("create (password on stdin) and grant; usage errors exit 2, refusals 1", async () => {
    const created = await run(
      [
        "create",
        "--email",
        "cli@example.com",
        "--password-stdin",
        "--role",
        "supplier",
        "--name",
        "Cli User",
      ],
      `${PASSWORD}\n`,
    );
    expect(created).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^user:create: created cli@example.com \(/),
    });
    const account = await accountOf("cli@example.com");
    expect(account).toMatchObject({ roles: ["supplier"], full_name: "Cli User" });
    expect(await verifyPassword(PASSWORD, account.password_hash)).toBe(true);

    const granted = await run(["grant", "--email", "cli@example.com", "--role", "admin"]);
    expect(granted).toMatchObject({ code: 0, stdout: expect.stringMatching(/now has role admin/) });
    expect((await accountOf("cli@example.com")).roles).toEqual(["admin", "supplier"]);

    expect((await run(["grant", "--email", "cli@example.com"])).code).toBe(2);
    expect((await run(["promote", "--email", "cli@example.com", "--role", "admin"])).code).toBe(2);
    const refused = await run(["grant", "--email", "ghost@example.com", "--role", "admin"]);
    expect(refused).toMatchObject({ code: 1, stderr: "No user has the email ghost@example.com.\n" });
  }, 300_000); // five CLI processes, each starting tsx: over 100 s on a loaded machine
});
