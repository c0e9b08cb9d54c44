import { parseArgs } from "node:util";
import pg from "pg";
import { pgTransaction } from "../db/pg-transaction";
import { passwordProblem } from "../auth/password-policy";
import { hashPassword } from "../auth/passwords";
import { ConfigError, loadConfig } from "../config";
import { resolveDatabase } from "../db/resolve";
import { createLogger } from "../logger";

/**
 * Accounts from the command line, as the migrator (DATABASE_URL): the only
 * way to make the first admin, since sign-up makes buyers and suppliers and
 * no request can write user_roles.
 *
 *   npm run user:create -- --email E (--password P | --password-stdin) --role admin|buyer|supplier
 *                          [--name "Full Name"] [--company "Company"]
 *   npm run user:grant  -- --email E --role admin|buyer|supplier
 *
 * Every change runs in one transaction whose request id names the command,
 * so the audit trigger on user_roles records where a grant came from.
 */

export const ROLES = ["admin", "buyer", "supplier"] as const;
export type Role = (typeof ROLES)[number];

/** A refusal worth a one-line message (bad input, unknown user, duplicate), not a stack trace. */
export class UserCommandError extends Error {
  override name = "UserCommandError";
}

export interface CreateUserInput {
  email: string;
  password: string;
  role: Role;
  fullName?: string | null;
  companyName?: string | null;
}

export async function createUser(adminUrl: string, input: CreateUserInput): Promise<{ id: string }> {
  const email = normalizeEmail(input.email);
  assertRole(input.role);
  const problem = passwordProblem(input.password);
  if (problem) throw new UserCommandError(problem);
  const passwordHash = await hashPassword(input.password);

  return inTransaction(adminUrl, "cli:user:create", async (client) => {
    const created = await client.query<{ id: string }>(
      `insert into users (email, password_hash, email_verified_at) values ($1, $2, now())
       on conflict (email) do nothing returning id::text`,
      [email, passwordHash],
    );
    const id = created.rows[0]?.id;
    if (!id)
      throw new UserCommandError(
        `A user with the email ${email} exists already (npm run user:grant adds a role).`,
      );
    await client.query("insert into profiles (id, full_name, company_name) values ($1, $2, $3)", [
      id,
      input.fullName?.trim() || null,
      input.companyName?.trim() || null,
    ]);
    await client.query("insert into user_roles (user_id, role) values ($1, $2)", [id, input.role]);
    await client.query("insert into user_preferences (user_id) values ($1)", [id]);
    return { id };
  });
}

/** Adds a role; `granted` is false when the user held it already. */
export async function grantRole(
  adminUrl: string,
  input: { email: string; role: Role },
): Promise<{ userId: string; granted: boolean }> {
  const email = normalizeEmail(input.email);
  assertRole(input.role);
  return inTransaction(adminUrl, "cli:user:grant", async (client) => {
    const user = await client.query<{ id: string }>("select id::text from users where email = $1", [email]);
    const userId = user.rows[0]?.id;
    if (!userId) throw new UserCommandError(`No user has the email ${email}.`);
    const inserted = await client.query(
      "insert into user_roles (user_id, role) values ($1, $2) on conflict (user_id, role) do nothing",
      [userId, input.role],
    );
    return { userId, granted: inserted.rowCount === 1 };
  });
}

// ---------------------------------------------------------------- internals

function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalized) || normalized.length > 254) {
    throw new UserCommandError(`"${email}" is not an email address.`);
  }
  return normalized;
}

function assertRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UserCommandError(`--role must be one of ${ROLES.join(", ")} (got "${role}").`);
  }
}

async function inTransaction<T>(
  adminUrl: string,
  requestId: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "loomline-cli" });
  await client.connect();
  try {
    return await pgTransaction(client, async () => {
      // audit_log.request_id of every row the audit trigger writes in this transaction.
      await client.query("select set_config('request.id', $1, true)", [requestId]);
      return fn(client);
    });
  } catch (error) {
    if ((error as { code?: string }).code === "23514") {
      throw new UserCommandError("A value was refused by the database's checks (is the email valid?).");
    }
    throw error;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------- CLI

const USAGE = `Usage:
  npm run user:create -- --email E (--password P | --password-stdin) --role admin|buyer|supplier [--name N] [--company C]
  npm run user:grant  -- --email E --role admin|buyer|supplier

--password-stdin reads the password from standard input (keeps it out of the shell history).
DATABASE_URL selects the server; unset, the embedded PostgreSQL is started from EMBEDDED_PG_DIR.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        email: { type: "string" },
        password: { type: "string" },
        "password-stdin": { type: "boolean", default: false },
        role: { type: "string" },
        name: { type: "string" },
        company: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if ((command !== "create" && command !== "grant") || extra.length > 0 || !values.email || !values.role) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }

  const config = loadConfig();
  // Logs on stderr; stdout is the command's report.
  const logger = createLogger({
    ...config,
    LOG_LEVEL: config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL,
  });
  const database = await resolveDatabase(config, logger);
  try {
    const role = values.role as Role;
    if (command === "create") {
      const password = values["password-stdin"] ? await readStdin() : values.password;
      if (!password || (values["password-stdin"] && values.password)) {
        process.stderr.write("Give the password with --password or --password-stdin (one of them).\n");
        return 2;
      }
      const { id } = await createUser(database.adminUrl, {
        email: values.email,
        password,
        role,
        fullName: values.name ?? null,
        companyName: values.company ?? null,
      });
      process.stdout.write(
        `user:create: created ${values.email.trim().toLowerCase()} (${id}) with role ${role}\n`,
      );
    } else {
      const { userId, granted } = await grantRole(database.adminUrl, { email: values.email, role });
      process.stdout.write(
        granted
          ? `user:grant: ${values.email.trim().toLowerCase()} (${userId}) now has role ${role}\n`
          : `user:grant: ${values.email.trim().toLowerCase()} (${userId}) already had role ${role}\n`,
      );
    }
    return 0;
  } finally {
    await database.stop();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const expected = error instanceof UserCommandError || error instanceof ConfigError;
      process.stderr.write(
        `${expected ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`,
      );
      process.exitCode = 1;
    },
  );
}
