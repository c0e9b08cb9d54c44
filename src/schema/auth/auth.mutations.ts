import { builder } from "../../builder";
import { requiredText } from "../../graphql/input-validation";
import type { Context } from "../../context";
import { withOrigin } from "../../auth/viewer";
import { assumeIdentity } from "../../db/identity";
import { generateApiKey } from "../../auth/api-keys";
import { MIN_PASSWORD_LENGTH, passwordProblem } from "../../auth/password-policy";
import {
  type ScryptSalt,
  areCurrent,
  derivePasswordKey,
  hashPassword,
  randomScryptSalt,
  scryptSaltOf,
} from "../../auth/passwords";
import { isAppRole } from "../../auth/roles";
import { REFRESH_TOKEN_PATTERN } from "../../auth/tokens";
import { ConflictError, InvalidInputError, NotFoundError } from "../../graphql/user-errors";
import { parseUuid } from "../../graphql/node-id";
import {
  ApiKey,
  ApiKeyScope,
  AuthError,
  AuthPayload,
  type AuthPayloadShape,
  CreateApiKeyPayload,
  RevokeApiKeyPayload,
  SignOutPayload,
} from "./auth.type";

/**
 * Sign-up, sign-in, refresh, sign-out and API keys. Every database step is a
 * security-definer function of migrations 007 and 010 (the request roles
 * cannot read users, refresh_tokens or api_keys otherwise), called in the
 * operation's transaction. They never hand out a password, token or key
 * hash: sign-in sends the scrypt key derived here and the database compares;
 * refresh tokens are drawn by the database and returned once. Expected
 * refusals are typed results (AuthError, …), so the transaction commits what
 * a refusal must keep: a reused refresh token's revoked family.
 */

const MAX_NAME_LENGTH = 200;
const MAX_API_KEY_NAME_LENGTH = 100;
const SAME_ERROR = "The email or the password is wrong.";

// ---------------------------------------------------------------- inputs

const SignUpRole = builder.enumType("SignUpRole", {
  values: { BUYER: { value: "buyer" }, SUPPLIER: { value: "supplier" } } as const,
});

const SignUpInput = builder.inputType("SignUpInput", {
  fields: (t) => ({
    email: t.field({ type: "EmailAddress", required: true }),
    password: t.string({ required: true, description: `At least ${MIN_PASSWORD_LENGTH} characters.` }),
    fullName: t.string({ required: true }),
    companyName: t.string({ required: true }),
    role: t.field({ type: SignUpRole, required: true }),
  }),
});

const SignInInput = builder.inputType("SignInInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const RefreshTokenInput = (name: string) =>
  builder.inputType(name, {
    fields: (t) => ({ refreshToken: t.string({ required: true }) }),
  });
const RefreshSessionInput = RefreshTokenInput("RefreshSessionInput");
const SignOutInput = RefreshTokenInput("SignOutInput");

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "Tells your keys apart, e.g. “ERP production”." }),
    scopes: t.field({ type: [ApiKeyScope], required: true }),
    expiresAt: t.field({ type: "DateTime", description: "Omit for a key that does not expire." }),
  }),
});

const RevokeApiKeyInput = builder.inputType("RevokeApiKeyInput", {
  fields: (t) => ({ id: t.globalID({ required: true, for: ApiKey }) }),
});

// ---------------------------------------------------------------- mutations

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    description: "Creates a buyer or supplier account and signs it in.",
    authScopes: { person: true },
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    errors: {
      types: [InvalidInputError, ConflictError],
      directResult: true,
      union: { name: "SignUpResult" },
    },
    resolve: async (_root, { input }, context) => {
      const email = input.email.trim().toLowerCase();
      const fullName = requiredText(input.fullName, "input.fullName", MAX_NAME_LENGTH);
      const companyName = requiredText(input.companyName, "input.companyName", MAX_NAME_LENGTH);
      const problem = passwordProblem(input.password);
      if (problem) throw new InvalidInputError(problem, { field: "input.password" });
      const { client, refreshTokenTtlSeconds } = context.auth;
      const passwordHash = await hashPassword(input.password);
      const refreshExpiresAt = expiresIn(refreshTokenTtlSeconds);
      const [row] = await context.db.tx.$queryRaw<{ session: NewSession | null }[]>`
        select app.auth_sign_up(
          ${email}, ${passwordHash}, ${fullName}, ${companyName}, ${input.role}::app_role,
          ${refreshExpiresAt}, ${client.userAgent}, ${client.ip}::inet) as session`;
      if (!row?.session) {
        throw new ConflictError("An account with this email already exists.", {
          field: "input.email",
          reason: "EMAIL_TAKEN",
        });
      }
      return startSession(context, row.session.user, row.session.refreshToken, refreshExpiresAt);
    },
  }),

  signIn: t.field({
    type: AuthPayload,
    description: "Email and password. A wrong email and a wrong password fail alike.",
    authScopes: { person: true },
    args: { input: t.arg({ type: SignInInput, required: true }) },
    errors: { types: [AuthError], directResult: true, union: { name: "SignInResult" } },
    resolve: async (_root, { input }, context) => {
      const tx = context.db.tx;
      const email = input.email.trim().toLowerCase();
      // No address is longer (and a longer one is no reason for a query).
      const lookUp = email.length <= 254;
      // The salt and parameters to derive with. For an unknown email, or an
      // account without a password (external provider), the database gives a
      // stand-in salt: the same scrypt work, then the same answer.
      const params = lookUp ? await passwordParams(context, email) : randomScryptSalt();
      const key = await derivePasswordKey(input.password, params);
      const { client, refreshTokenTtlSeconds } = context.auth;
      // A hash made with older parameters is replaced, if the key matches.
      const rehash = key && !areCurrent(params) ? await hashPassword(input.password) : null;
      const refreshExpiresAt = expiresIn(refreshTokenTtlSeconds);
      const [row] =
        lookUp && key
          ? await tx.$queryRaw<{ result: SignInResult }[]>`
              select app.auth_sign_in(
                ${email}, decode(${key.toString("hex")}, 'hex'), ${rehash},
                ${refreshExpiresAt}, ${client.userAgent}, ${client.ip}::inet) as result`
          : [];
      const result = row?.result;
      if (result?.status === "signed_in" && result.user && result.refreshToken) {
        return startSession(context, result.user, result.refreshToken, refreshExpiresAt);
      }
      // For monitoring (guessing shows up as a stream of these); never the email or password.
      const reason = result?.status === "disabled" ? "ACCOUNT_DISABLED" : "INVALID_CREDENTIALS";
      context.logger.info({ userId: result?.userId ?? null, reason }, "sign-in refused");
      throw reason === "ACCOUNT_DISABLED"
        ? new AuthError(reason, "This account is disabled.")
        : new AuthError(reason, SAME_ERROR);
    },
  }),

  refreshSession: t.field({
    type: AuthPayload,
    description:
      "A new access token and a new refresh token for a refresh token, which is used up. " +
      "Presenting a used refresh token again ends the whole session.",
    authScopes: { person: true },
    args: { input: t.arg({ type: RefreshSessionInput, required: true }) },
    errors: { types: [AuthError], directResult: true, union: { name: "RefreshSessionResult" } },
    resolve: async (_root, { input }, context) => {
      const invalid = () => new AuthError("INVALID_REFRESH_TOKEN", "The session has ended: sign in again.");
      if (!REFRESH_TOKEN_PATTERN.test(input.refreshToken)) throw invalid();
      const { client, refreshTokenTtlSeconds } = context.auth;
      const nextExpiresAt = expiresIn(refreshTokenTtlSeconds);
      const [row] = await context.db.tx.$queryRaw<{ result: RotationResult }[]>`
        select app.auth_rotate_refresh_token(
          ${input.refreshToken}, ${nextExpiresAt}, ${client.userAgent}, ${client.ip}::inet) as result`;
      const result = row?.result;
      if (result?.status === "rotated" && result.user && result.refreshToken) {
        return startSession(context, result.user, result.refreshToken, nextExpiresAt);
      }
      if (result?.status === "reused") {
        // Someone else holds (or held) this session's tokens. The family is
        // revoked, and the refusal keeps that change.
        context.logger.warn(
          { userId: result.userId, familyId: result.familyId },
          "refresh token reused: session revoked",
        );
      }
      // Rotation revokes the session of a disabled account or a reused token: kept.
      if (result?.status === "disabled") {
        throw new AuthError("ACCOUNT_DISABLED", "This account is disabled.").keepingChanges();
      }
      throw invalid().keepingChanges();
    },
  }),

  signOut: t.field({
    type: SignOutPayload,
    description: "Ends the session the refresh token belongs to. Access tokens expire on their own.",
    authScopes: { person: true },
    args: { input: t.arg({ type: SignOutInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      if (!REFRESH_TOKEN_PATTERN.test(input.refreshToken)) return { success: false };
      const [row] = await context.db.tx.$queryRaw<{ revoked: boolean }[]>`
        select app.auth_revoke_refresh_token(${input.refreshToken}) as revoked`;
      return { success: row?.revoked === true };
    },
  }),

  createApiKey: t.field({
    type: CreateApiKeyPayload,
    description: "A key for integrations, acting as you within its scopes. The key is shown once.",
    authScopes: { $all: { authenticated: true, person: true } },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    errors: { types: [InvalidInputError], directResult: true, union: { name: "CreateApiKeyResult" } },
    resolve: async (_root, { input }, context) => {
      const name = requiredText(input.name, "input.name", MAX_API_KEY_NAME_LENGTH);
      const scopes = [...new Set(input.scopes)].sort();
      if (scopes.length === 0)
        throw new InvalidInputError("Give the key at least one scope.", { field: "input.scopes" });
      if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
        throw new InvalidInputError("expiresAt must be in the future.", { field: "input.expiresAt" });
      }
      const created = generateApiKey();
      const [row] = await context.db.tx.$queryRaw<{ id: string }[]>`
        select app.auth_create_api_key(
          ${name}, ${created.prefix}, ${created.hash}, ${scopes}::text[], ${input.expiresAt ?? null}::timestamptz
        )::text as id`;
      return { apiKeyId: row!.id, key: created.key };
    },
  }),

  revokeApiKey: t.field({
    type: RevokeApiKeyPayload,
    description:
      "Revokes one of your API keys at once (other API instances within API_KEY_CACHE_TTL_SECONDS).",
    authScopes: { $all: { authenticated: true, person: true } },
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true }) },
    errors: { types: [NotFoundError], directResult: true, union: { name: "RevokeApiKeyResult" } },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      const [row] = await context.db.tx.$queryRaw<{ prefix: string | null }[]>`
        select app.auth_revoke_api_key(${id}::uuid) as prefix`;
      if (!row?.prefix) throw new NotFoundError("No such API key.", { field: "input.id" });
      context.auth.apiKeys.forget(row.prefix);
      return { apiKeyId: id };
    },
  }),
}));

// ---------------------------------------------------------------- internals

/** What the auth functions return about a user: enough to issue an access token. */
interface SessionUser {
  id: string;
  email: string;
  roles: string[];
}

/** A session the database started: its user, and the refresh token it drew (shown once). */
interface NewSession {
  user: SessionUser;
  refreshToken: string;
}

interface SignInResult {
  status: "signed_in" | "disabled" | "invalid";
  user?: SessionUser;
  refreshToken?: string;
  userId?: string;
}

interface RotationResult {
  status: "rotated" | "invalid" | "expired" | "reused" | "revoked" | "disabled";
  user?: SessionUser;
  refreshToken?: string;
  userId?: string;
  familyId?: string;
}

/**
 * The rest of the operation acts as the user just authenticated (so the
 * payload's `user` is read under their policies), and their tokens are issued.
 */
async function startSession(
  context: Context,
  user: SessionUser,
  refreshToken: string,
  refreshTokenExpiresAt: Date,
): Promise<AuthPayloadShape> {
  const roles = user.roles.filter(isAppRole);
  // The new user, still from this request's origin and with its id.
  await assumeIdentity(context.db.tx, {
    viewer: withOrigin(
      { kind: "user", id: user.id, roles, authMethod: "access_token" },
      context.viewer.origin,
    ),
    requestId: context.requestId,
  });
  const access = await context.auth.tokens.issueAccessToken({ userId: user.id, roles });
  return {
    accessToken: access.token,
    expiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt,
    userId: user.id,
  };
}

function expiresIn(seconds: number): Date {
  return new Date(Date.now() + seconds * 1000);
}

interface PasswordParamsRow {
  salt: string;
  n: number;
  r: number;
  p: number;
}

/**
 * The salt and scrypt parameters for `email` (app.auth_password_params: one
 * row, a stand-in for unknown emails). Parameters outside the bound would be
 * a database that does not hold it: logged, and a random salt used instead
 * (the sign-in then fails like a wrong password).
 */
async function passwordParams(context: Context, email: string): Promise<ScryptSalt> {
  const [row] = await context.db.tx.$queryRaw<PasswordParamsRow[]>`
    select salt, n, r, p from app.auth_password_params(${email})`;
  try {
    if (!row) throw new Error("app.auth_password_params returned no row");
    return scryptSaltOf(row);
  } catch (error) {
    context.logger.error({ err: error }, "password parameters are unreadable");
    return randomScryptSalt();
  }
}
