import { generateSigningKey } from "../../src/auth/tokens";
import { ConfigError, loadConfig } from "../../src/config";

/** The authentication settings fail at start-up, naming the variable, rather than in a request. */

const keys = JSON.stringify({ keys: [generateSigningKey("k1")] });
const production = {
  NODE_ENV: "production",
  FIELD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString("base64")}`,
  DATABASE_API_PASSWORD: "a-long-enough-password",
};
const external = {
  EXTERNAL_JWT_ISSUER: "https://idp.example.com/",
  EXTERNAL_JWT_AUDIENCE: "loomline",
  EXTERNAL_JWKS_URL: "https://idp.example.com/.well-known/jwks.json",
};

test("defaults: 15-minute access tokens, 30-day refresh tokens, 5 s clock tolerance, RS256/ES256 from outside", () => {
  const config = loadConfig({ NODE_ENV: "test" });
  expect(config).toMatchObject({
    ACCESS_TOKEN_TTL_SECONDS: 900,
    REFRESH_TOKEN_TTL_SECONDS: 30 * 86_400,
    JWT_CLOCK_TOLERANCE_SECONDS: 5,
    EXTERNAL_JWT_ALGORITHMS: ["RS256", "ES256"],
  });
  expect(config.JWT_PRIVATE_KEYS).toBeUndefined();
});

test("JWT_PRIVATE_KEYS: required in production, a JWK Set of Ed25519 private keys with plain unique kids", () => {
  expect(() => loadConfig(production)).toThrow(/JWT_PRIVATE_KEYS: required in production/);
  expect(loadConfig({ ...production, JWT_PRIVATE_KEYS: keys }).JWT_PRIVATE_KEYS).toHaveLength(1);
  const key = generateSigningKey("k1");
  for (const bad of [
    "not json",
    JSON.stringify({ keys: [] }),
    JSON.stringify({ keys: [{ ...key, crv: "P-256" }] }),
    JSON.stringify({ keys: [{ ...key, kid: "../../etc/passwd" }] }),
    JSON.stringify({ keys: [{ ...key, d: undefined }] }),
    JSON.stringify({ keys: [key, key] }),
  ]) {
    expect(() => loadConfig({ NODE_ENV: "test", JWT_PRIVATE_KEYS: bad })).toThrow(ConfigError);
  }
});

test("an external provider needs issuer, audience and JWKS URL together; https in production; no HS or none", () => {
  expect(loadConfig({ NODE_ENV: "test", ...external }).EXTERNAL_JWT_ISSUER).toBe(
    external.EXTERNAL_JWT_ISSUER,
  );
  expect(() => loadConfig({ NODE_ENV: "test", EXTERNAL_JWT_ISSUER: external.EXTERNAL_JWT_ISSUER })).toThrow(
    /set all three/,
  );
  expect(() =>
    loadConfig({
      ...production,
      JWT_PRIVATE_KEYS: keys,
      ...external,
      EXTERNAL_JWKS_URL: "http://idp.example.com/jwks",
    }),
  ).toThrow(/must be https in production/);
  expect(() => loadConfig({ NODE_ENV: "test", ...external, EXTERNAL_JWT_ISSUER: "loomline" })).toThrow(
    /must differ from JWT_ISSUER/,
  );
  for (const algorithms of ["HS256", "none", "RS256,HS512", ""]) {
    expect(() => loadConfig({ NODE_ENV: "test", ...external, EXTERNAL_JWT_ALGORITHMS: algorithms })).toThrow(
      /EXTERNAL_JWT_ALGORITHMS/,
    );
  }
});

test("EXTERNAL_ROLE_MAP maps to buyer or supplier only, and needs EXTERNAL_ROLE_CLAIM", () => {
  const base = { NODE_ENV: "test", ...external, EXTERNAL_ROLE_CLAIM: "roles" };
  const config = loadConfig({ ...base, EXTERNAL_ROLE_MAP: '{"factory":"supplier"}' });
  expect({ ...config.EXTERNAL_ROLE_MAP }).toEqual({ factory: "supplier" });
  expect(Object.getPrototypeOf(config.EXTERNAL_ROLE_MAP)).toBeNull();
  expect(() => loadConfig({ ...base, EXTERNAL_ROLE_MAP: '{"boss":"admin"}' })).toThrow(/EXTERNAL_ROLE_MAP/);
  expect(() => loadConfig({ ...base, EXTERNAL_ROLE_MAP: "[1]" })).toThrow(/EXTERNAL_ROLE_MAP/);
  expect(() =>
    loadConfig({ NODE_ENV: "test", ...external, EXTERNAL_ROLE_MAP: '{"factory":"supplier"}' }),
  ).toThrow(/needs EXTERNAL_ROLE_CLAIM/);
});
