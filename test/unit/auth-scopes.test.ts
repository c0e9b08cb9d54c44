import { encodeGlobalID } from "@pothos/plugin-relay";
import { AuthScopeFailureType } from "@pothos/plugin-scope-auth";
import pino from "pino";
import { createTokenService } from "../../src/auth/tokens";
import { loadConfig } from "../../src/config";
import { type Viewer, createContext } from "../../src/context";
import {
  API_SCOPES,
  authScopesFor,
  mayResolveNode,
  orderUuid,
  unauthorizedError,
} from "../../src/graphql/auth-scopes";
import { schema } from "../../src/schema";
import { createFieldCipher } from "../../src/services/field-encryption";

/**
 * The GraphQL-layer authorization rules on their own: what each kind of
 * viewer holds, and the errors refusals produce. (The HTTP tests in
 * test/graphql prove them end to end.)
 */

const logger = pino({ enabled: false });
const config = loadConfig({ NODE_ENV: "test" });
const fieldCipher = createFieldCipher(config);
const auth = {
  tokens: createTokenService(config),
  refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  apiKeys: { forget: () => undefined },
  client: { userAgent: null, ip: null },
};
// Scopes never reach realtime; a value that fails loudly if they did.
const realtime = undefined as never;
const contextOf = (viewer: Viewer) =>
  createContext({
    requestId: "unit",
    viewer,
    logger,
    fieldCipher,
    auth,
    realtime,
    settings: { stockHoldMinutes: 30 },
  });

const ANONYMOUS: Viewer = { kind: "anonymous" };
const ADMIN: Viewer = { kind: "user", id: "6f1c7c1e-0d5a-4a38-9a2b-4f6a2f0f9b11", roles: ["admin"] };
const BUYER_SUPPLIER: Viewer = {
  kind: "user",
  id: "6f1c7c1e-0d5a-4a38-9a2b-4f6a2f0f9b12",
  roles: ["buyer", "supplier"],
};
const ADMIN_KEY: Viewer = { ...ADMIN, authMethod: "api_key", scopes: ["orders:read"], apiKeyId: "k" };

describe("authScopesFor", () => {
  test("anonymous callers hold only `public`", () => {
    const scopes = authScopesFor(contextOf(ANONYMOUS));
    expect(scopes).toMatchObject({
      public: true,
      authenticated: false,
      admin: false,
      buyer: false,
      supplier: false,
      apiScope: false,
      orderParty: false,
    });
  });

  test("a session holds its roles and every API scope", async () => {
    const admin = authScopesFor(contextOf(ADMIN));
    expect(admin).toMatchObject({ authenticated: true, admin: true, buyer: false, supplier: false });
    const both = authScopesFor(contextOf(BUYER_SUPPLIER));
    expect(both).toMatchObject({ admin: false, buyer: true, supplier: true });
    for (const scope of API_SCOPES) {
      expect(await (both.apiScope as (s: string) => boolean)(scope)).toBe(true);
    }
  });

  test("an API key holds only its own scopes, and never admin", async () => {
    const key = authScopesFor(contextOf(ADMIN_KEY));
    expect(key).toMatchObject({ authenticated: true, admin: false });
    const apiScope = key.apiScope as (s: string) => boolean;
    expect(await apiScope("orders:read")).toBe(true);
    expect(await apiScope("orders:write")).toBe(false);
  });
});

describe("unauthorizedError", () => {
  const failure = (scope: string, parameter: unknown) => ({
    message: "denied",
    failure: {
      kind: AuthScopeFailureType.AllAuthScopes as const,
      failures: [{ kind: AuthScopeFailureType.AuthScope as const, scope, parameter, error: null }],
    },
  });

  test("UNAUTHENTICATED without a viewer, FORBIDDEN with one", () => {
    expect(unauthorizedError(contextOf(ANONYMOUS), failure("admin", true)).extensions).toEqual({
      code: "UNAUTHENTICATED",
    });
    expect(unauthorizedError(contextOf(BUYER_SUPPLIER), failure("admin", true)).extensions).toEqual({
      code: "FORBIDDEN",
    });
  });

  test("a key missing a scope is told which", () => {
    expect(unauthorizedError(contextOf(ADMIN_KEY), failure("apiScope", "orders:write")).extensions).toEqual({
      code: "FORBIDDEN",
      reason: "MISSING_API_SCOPE",
      scope: "orders:write",
    });
  });
});

describe("orderUuid", () => {
  const id = "0b0f3c2e-9d7a-4c1e-8f5a-2d6b7e8f9a10";

  test("accepts a uuid, an Order global id and a parsed global id", () => {
    expect(orderUuid(id)).toBe(id);
    expect(orderUuid(encodeGlobalID("Order", id))).toBe(id);
    expect(orderUuid({ typename: "Order", id })).toBe(id);
  });

  test("refuses another type's id and garbage with BAD_USER_INPUT", () => {
    for (const bad of [
      encodeGlobalID("Supplier", id),
      "garbage",
      encodeGlobalID("Order", "1; drop table orders"),
    ]) {
      expect(() => orderUuid(bad)).toThrow(
        expect.objectContaining({ extensions: { code: "BAD_USER_INPUT" } }),
      );
    }
  });
});

describe("mayResolveNode", () => {
  test("anonymous callers may look up public types only", async () => {
    const anonymous = contextOf(ANONYMOUS);
    expect(await mayResolveNode(anonymous, schema, "MarketplaceProduct")).toBe(true);
    expect(await mayResolveNode(anonymous, schema, "Supplier")).toBe(true);
    for (const type of ["Order", "SupplierOrder", "ProductionStage", "Payment", "User"]) {
      expect(await mayResolveNode(anonymous, schema, type)).toBe(false);
    }
  });

  test("the type's own scopes decide for signed-in callers (an API key without orders:read gets no orders)", async () => {
    expect(await mayResolveNode(contextOf(BUYER_SUPPLIER), schema, "Order")).toBe(true);
    const noOrders = contextOf({ ...BUYER_SUPPLIER, scopes: ["suppliers:read"] });
    expect(await mayResolveNode(noOrders, schema, "Order")).toBe(false);
    expect(await mayResolveNode(noOrders, schema, "Supplier")).toBe(true);
  });
});
