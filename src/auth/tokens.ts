import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { type JSONWebKeySet, type JWTVerifyGetKey, SignJWT, createLocalJWKSet } from "jose";
import type { Config, SigningJwk } from "../config";
import { devSecretFile, readOrCreateDevSecret } from "../services/dev-secrets";
import type { AppRole } from "../generated/prisma/client";

/**
 * Access tokens and refresh tokens.
 *
 * Access tokens are short-lived JWTs (RFC 9068 style: `typ: at+jwt`) signed
 * with Ed25519 (`alg: EdDSA`). The verifier (authenticate.ts) accepts exactly
 * that algorithm and type, so a token can never be re-signed with HS256 and
 * the public key, nor arrive unsigned. Keys come from JWT_PRIVATE_KEYS; the
 * first signs, all are published at /.well-known/jwks.json so a rotated-out
 * key keeps verifying the tokens it signed until they expire.
 *
 * Refresh tokens are opaque: 32 random bytes, base64url. Only their SHA-256
 * is stored (a 256-bit random value needs no slow hash: nothing to guess).
 */

export const ACCESS_TOKEN_ALGORITHM = "EdDSA";
/** The `typ` header of our access tokens (RFC 9068); the verifier requires it. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
/** The `role` claim: the database role of a signed-in caller (never read as a role by the verifier). */
export const ACCESS_TOKEN_ROLE = "authenticated";

/** Where the development signing key lives when JWT_PRIVATE_KEYS is unset (`.data/secrets/`, git-ignored). */
export const DEV_SIGNING_KEY_FILE = devSecretFile("jwt-signing-keys.json");

export class SigningKeyError extends Error {
  override name = "SigningKeyError";
}

export interface AccessTokenSubject {
  userId: string;
  roles: readonly AppRole[];
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

export interface TokenService {
  issueAccessToken(subject: AccessTokenSubject): Promise<IssuedAccessToken>;
  /** The public keys, as served at /.well-known/jwks.json. */
  readonly jwks: JSONWebKeySet;
  /** Key lookup for jwtVerify: by `kid`, among our public keys only. */
  readonly verificationKeys: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
}

export type TokenConfig = Pick<
  Config,
  "JWT_PRIVATE_KEYS" | "JWT_ISSUER" | "JWT_AUDIENCE" | "ACCESS_TOKEN_TTL_SECONDS" | "NODE_ENV"
>;

export interface TokenServiceOptions {
  /** Development key file used when JWT_PRIVATE_KEYS is unset; defaults to DEV_SIGNING_KEY_FILE. */
  devKeyFile?: string;
}

export function createTokenService(config: TokenConfig, options: TokenServiceOptions = {}): TokenService {
  const jwks = config.JWT_PRIVATE_KEYS ?? devSigningKeys(config.NODE_ENV, options.devKeyFile);
  const keys = jwks.map((jwk) => ({
    kid: jwk.kid,
    privateKey: importPrivateKey(jwk),
    publicJwk: publicPart(jwk),
  }));
  const [current] = keys;
  if (!current) throw new SigningKeyError("JWT_PRIVATE_KEYS names no key");
  const published: JSONWebKeySet = { keys: keys.map((key) => key.publicJwk) };
  const verificationKeys = createLocalJWKSet(published);

  return {
    jwks: published,
    verificationKeys,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,

    async issueAccessToken({ userId, roles }) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const expiresAt = issuedAt + config.ACCESS_TOKEN_TTL_SECONDS;
      const token = await new SignJWT({ role: ACCESS_TOKEN_ROLE, roles: [...roles] })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: current.kid })
        .setIssuer(config.JWT_ISSUER)
        .setAudience(config.JWT_AUDIENCE)
        .setSubject(userId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(current.privateKey);
      return { token, expiresAt: new Date(expiresAt * 1000) };
    },
  };
}

/** A new Ed25519 signing key as a private JWK, for JWT_PRIVATE_KEYS (`{"keys":[<this>, …older keys]}`). */
export function generateSigningKey(kid: string): SigningJwk {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(kid))
    throw new SigningKeyError(`invalid kid "${kid}": use 1-64 of [A-Za-z0-9_-]`);
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (typeof jwk.x !== "string" || typeof jwk.d !== "string")
    throw new SigningKeyError("Ed25519 key export failed");
  return { kty: "OKP", crv: "Ed25519", kid, x: jwk.x, d: jwk.d };
}

// ---------------------------------------------------------------- opaque tokens

/** An opaque refresh token as clients hold it: 32 random bytes, base64url. */
export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

// ---------------------------------------------------------------- internals

function importPrivateKey(jwk: SigningJwk): KeyObject {
  try {
    return createPrivateKey({ key: { ...jwk }, format: "jwk" });
  } catch (error) {
    throw new SigningKeyError(`JWT_PRIVATE_KEYS: key "${jwk.kid}" is not a valid Ed25519 private key`, {
      cause: error,
    });
  }
}

/** What the world may see of a key: never `d`. */
function publicPart(jwk: SigningJwk) {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: jwk.kid, alg: ACCESS_TOKEN_ALGORITHM, use: "sig" };
}

/**
 * The development key set: generated once and kept in `.data/secrets/` (0600), so
 * tokens issued before a restart still verify after it. Never used in
 * production (config.ts refuses to start there without JWT_PRIVATE_KEYS;
 * this is the second lock).
 */
function devSigningKeys(nodeEnv: Config["NODE_ENV"], file = DEV_SIGNING_KEY_FILE): SigningJwk[] {
  if (nodeEnv === "production") throw new SigningKeyError("JWT_PRIVATE_KEYS is required in production");
  return readOrCreateDevSecret(
    file,
    () => {
      const keys = [generateSigningKey(`dev-${randomBytes(4).toString("hex")}`)];
      return { text: JSON.stringify({ keys }), value: keys };
    },
    (text) => {
      try {
        const { keys } = JSON.parse(text) as { keys?: SigningJwk[] };
        if (!Array.isArray(keys) || keys.length === 0) throw new Error("no keys");
        if (!keys.every((key) => /^[A-Za-z0-9_-]{1,64}$/.test(String(key.kid)))) throw new Error("bad kid");
        return keys;
      } catch {
        throw new SigningKeyError(`${file} is not a JWK Set; delete it to generate a new development key`);
      }
    },
  );
}
