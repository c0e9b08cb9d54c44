import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin, { type PrismaClient as PothosPrismaClient } from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import {
  DateResolver,
  DateTimeResolver,
  EmailAddressResolver,
  JSONResolver,
  URLResolver,
  UUIDResolver,
} from "graphql-scalars";
import { type Context, db } from "./context";
import { badUserInput, clientError } from "./db/errors";
import type { Prisma } from "./generated/prisma/client";
import type PrismaTypes from "./generated/pothos-types";
import { getDatamodel } from "./generated/pothos-types";
import { DecimalScalar } from "./schema/decimal-scalar";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./schema/connection-args";
import { assertNodeType } from "./schema/node-id";

/**
 * The schema builder: plugins, scalars and shared options. No types are
 * defined here; each domain module under schema/ adds its own.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** Anyone, signed in or not (explicit, so a public field says so). */
    public: boolean;
    authenticated: boolean;
    admin: boolean;
    buyer: boolean;
    supplier: boolean;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
    /** Money and other exact numbers: strings on the wire, Prisma.Decimal inside. */
    Decimal: { Input: Prisma.Decimal; Output: Prisma.Decimal | string };
    JSON: { Input: unknown; Output: unknown };
    EmailAddress: { Input: string; Output: string };
    URL: { Input: URL; Output: URL | string };
    UUID: { Input: string; Output: string };
  };
  // Non-null unless a field says otherwise: nullability is part of the contract.
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  defaultFieldNullability: false,
  // scope-auth first, so no other plugin's wrapper runs before authorization.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  scopeAuth: {
    authScopes: (context) => {
      const roles = context.viewer.kind === "user" ? context.viewer.roles : [];
      return {
        public: true,
        authenticated: context.viewer.kind === "user",
        admin: roles.includes("admin"),
        buyer: roles.includes("buyer"),
        supplier: roles.includes("supplier"),
      };
    },
    // A typed, unmasked error instead of the plugin's plain Error.
    unauthorizedError: (_parent, context) =>
      context.viewer.kind === "anonymous"
        ? clientError("UNAUTHENTICATED", "Sign in to do that.")
        : clientError("FORBIDDEN", "You are not allowed to do that."),
  },
  errors: {
    defaultTypes: [],
  },
  prisma: {
    // The operation's transaction, with the caller's identity already set
    // (src/db/request-transaction.ts). Pothos only uses the model delegates,
    // which the transaction client has.
    client: (context) => db(context) as unknown as PothosPrismaClient,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
  },
  relay: {
    cursorType: "String",
    clientMutationId: "omit",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: {
      nullable: true,
      resolve: (_root, { id }, _context, info, resolveNode) => {
        assertNodeType(info, id.typename);
        return resolveNode(id);
      },
    },
    nodesQueryOptions: {
      resolve: (_root, { ids }, _context, info, resolveNodes) => {
        if (ids.length > MAX_PAGE_SIZE) {
          throw badUserInput(`"ids" may name at most ${MAX_PAGE_SIZE} nodes (got ${ids.length}).`, {
            argument: "ids",
          });
        }
        for (const id of ids) assertNodeType(info, id.typename);
        return resolveNodes(ids);
      },
    },
  },
});

builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("Date", DateResolver);
builder.addScalarType("Decimal", DecimalScalar);
builder.addScalarType("JSON", JSONResolver);
builder.addScalarType("EmailAddress", EmailAddressResolver);
builder.addScalarType("URL", URLResolver);
builder.addScalarType("UUID", UUIDResolver);

builder.queryType({});
