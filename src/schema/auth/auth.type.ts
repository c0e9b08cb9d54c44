import { builder } from "../../builder";
import { API_SCOPES, type ApiScope } from "../../graphql/auth-scopes";
import { UserError } from "../../graphql/user-errors";
import { UserErrorInterface } from "../errors";
import { findByUuid } from "../../graphql/node-id";

// ---------------------------------------------------------------- errors

export const AUTH_ERROR_REASONS = [
  "INVALID_CREDENTIALS",
  "ACCOUNT_DISABLED",
  "INVALID_REFRESH_TOKEN",
] as const;
export type AuthErrorReason = (typeof AUTH_ERROR_REASONS)[number];

/** A sign-in, sign-up or refresh that was refused; nothing was changed except, on reuse, the revoked session. */
export class AuthError extends UserError {
  override name = "AuthError";
  readonly code = "FORBIDDEN" as const;

  constructor(
    readonly reason: AuthErrorReason,
    message: string,
  ) {
    super(message);
  }
}

builder.objectType(AuthError, {
  name: "AuthError",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof AuthError,
  fields: (t) => ({
    // A String, like ConflictError.reason, so one selection can ask both.
    reason: t.string({
      description:
        "INVALID_CREDENTIALS: the email or the password is wrong (which one is never said). " +
        "ACCOUNT_DISABLED: the password was right but the account is disabled. " +
        "INVALID_REFRESH_TOKEN: unknown, expired, revoked or reused; sign in again.",
      resolve: (error) => error.reason,
    }),
  }),
});

// ---------------------------------------------------------------- sessions

export interface AuthPayloadShape {
  accessToken: string;
  expiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  userId: string;
}

export const AuthPayload = builder.objectRef<AuthPayloadShape>("AuthPayload").implement({
  description: "A session: send the access token as `Authorization: Bearer …`; renew it with refreshSession.",
  fields: (t) => ({
    accessToken: t.exposeString("accessToken", { description: "A JWT, valid until expiresAt." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", description: "When the access token expires." }),
    refreshToken: t.exposeString("refreshToken", {
      description: "Opaque; use once with refreshSession (which returns the next one). Keep it secret.",
    }),
    refreshTokenExpiresAt: t.expose("refreshTokenExpiresAt", { type: "DateTime" }),
    user: t.prismaField({
      type: "User",
      // The transaction already acts as this user (assumeIdentity): read under their own policies.
      resolve: (query, payload, _args, context) =>
        context.db.tx.user.findUniqueOrThrow({ ...query, where: { id: payload.userId } }),
    }),
  }),
});

export const SignOutPayload = builder.objectRef<{ success: boolean }>("SignOutPayload").implement({
  fields: (t) => ({
    success: t.exposeBoolean("success", { description: "True when the token named a session, now ended." }),
  }),
});

// ---------------------------------------------------------------- API keys

const scopeName = (scope: string) => scope.toUpperCase().replace(/[^A-Z0-9]+/g, "_");

export const ApiKeyScope = builder.enumType("ApiKeyScope", {
  description: "What an API key may do; see each field's required scope.",
  values: Object.fromEntries(API_SCOPES.map((scope) => [scopeName(scope), { value: scope }])) as Record<
    string,
    { value: ApiScope }
  >,
});

export const ApiKey = builder.prismaNode("ApiKey", {
  id: { resolve: (key) => key.id },
  findUnique: findByUuid,
  // Select mode: never key_hash.
  select: { id: true },
  nullable: true,
  fields: (t) => ({
    name: t.exposeString("name"),
    prefix: t.exposeString("prefix", { description: "The visible start of the key: ll_<prefix>_…" }),
    scopes: t.field({
      type: [ApiKeyScope],
      select: { scopes: true },
      resolve: (key) =>
        key.scopes.filter((scope): scope is ApiScope => API_SCOPES.includes(scope as ApiScope)),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true }),
    lastUsedAt: t.expose("lastUsedAt", {
      type: "DateTime",
      nullable: true,
      description: "Recorded in batches: may lag by a minute.",
    }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

export const CreateApiKeyPayload = builder
  .objectRef<{ apiKeyId: string; key: string }>("CreateApiKeyPayload")
  .implement({
    fields: (t) => ({
      key: t.exposeString("key", {
        description: "The key, shown this once: send it as `X-Api-Key`. Only its hash is stored.",
      }),
      apiKey: t.prismaField({
        type: "ApiKey",
        resolve: (query, payload, _args, context) =>
          context.db.tx.apiKey.findUniqueOrThrow({ ...query, where: { id: payload.apiKeyId } }),
      }),
    }),
  });

export const RevokeApiKeyPayload = builder.objectRef<{ apiKeyId: string }>("RevokeApiKeyPayload").implement({
  fields: (t) => ({
    apiKey: t.prismaField({
      type: "ApiKey",
      resolve: (query, payload, _args, context) =>
        context.db.tx.apiKey.findUniqueOrThrow({ ...query, where: { id: payload.apiKeyId } }),
    }),
  }),
});
