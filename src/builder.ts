import SchemaBuilder from "@pothos/core";
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
import type { Context } from "./context";
import { badUserInput } from "./graphql/errors";
import type { Prisma } from "./generated/prisma/client";
import type PrismaTypes from "./generated/pothos-types";
import { getDatamodel } from "./generated/pothos-types";
import { type AuthScopes, authScopesFor, mayResolveNode, unauthorizedError } from "./graphql/auth-scopes";
import { DecimalScalar } from "./graphql/decimal-scalar";
import MutationErrorsPlugin from "./graphql/mutation-errors-plugin";

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./graphql/connection-args";
import { assertNodeType } from "./graphql/node-id";

/**
 * The schema builder: plugins, scalars and shared options. No types are
 * defined here; each domain module under schema/ adds its own.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
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
  // mutationErrors right after errors: its wrapper runs inside the errors plugin's.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, MutationErrorsPlugin, PrismaPlugin, RelayPlugin],
  scopeAuth: {
    // Scopes and their loaders live in src/graphql/auth-scopes.ts (one place to review).
    authScopes: authScopesFor,
    // UNAUTHENTICATED / FORBIDDEN in extensions.code instead of the plugin's plain Error.
    unauthorizedError: (_parent, context, _info, result) => unauthorizedError(context, result),
    // A subscription field's scopes are checked when it subscribes (there is
    // no transaction per event for scope loaders); each event is then
    // checked by RLS as it is resolved (src/schema/realtime).
    authorizeOnSubscribe: true,
  },
  errors: {
    // Each mutation lists the UserError classes it may throw (schema/errors.ts).
    defaultTypes: [],
    // `reviewMarketplaceProduct` -> ReviewMarketplaceProductResult (payload | errors).
    defaultUnionOptions: {
      name: ({ parentTypeName, fieldName }) =>
        `${parentTypeName === "Mutation" ? "" : parentTypeName}${capitalize(fieldName)}Result`,
    },
    defaultResultOptions: {
      name: ({ parentTypeName, fieldName }) =>
        `${parentTypeName === "Mutation" ? "" : parentTypeName}${capitalize(fieldName)}Success`,
    },
  },
  prisma: {
    // The operation's transaction, identity set and "query" relation
    // strategy by default (src/db/request-transaction.ts). Pothos only uses
    // the model delegates, which the transaction client has.
    client: (context) => context.db.tx as unknown as PothosPrismaClient,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    // In development only: `me` for an anonymous caller answers null without its query, by design.
    onUnusedQuery: (process.env.NODE_ENV ?? "development") === "development" ? "warn" : null,
  },
  relay: {
    cursorType: "String",
    clientMutationId: "omit",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: {
      nullable: true,
      resolve: async (_root, { id }, context, info, resolveNode) => {
        assertNodeType(info, id.typename);
        // Types the caller may not read at all answer null without a query (schema/auth-scopes.ts).
        if (!(await mayResolveNode(context, info.schema, id.typename))) return null;
        return resolveNode(id);
      },
    },
    nodesQueryOptions: {
      resolve: async (_root, { ids }, context, info, resolveNodes) => {
        if (ids.length > MAX_PAGE_SIZE) {
          throw badUserInput(`"ids" may name at most ${MAX_PAGE_SIZE} nodes (got ${ids.length}).`, {
            argument: "ids",
          });
        }
        for (const id of ids) assertNodeType(info, id.typename);
        const allowed = await Promise.all(ids.map((id) => mayResolveNode(context, info.schema, id.typename)));
        const lookups = ids.filter((_id, index) => allowed[index]);
        const found = lookups.length > 0 ? await resolveNodes(lookups) : [];
        let next = 0;
        return ids.map((_id, index) => (allowed[index] ? found[next++] : null));
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

// Every connection counts its matches the same way: resolvers hand over a
// count function (prismaConnection's totalCount) or Pothos' own count
// (relatedConnection with totalCount: true); it runs only when selected.
builder.globalConnectionField("totalCount", (t) =>
  t.int({
    description: "Items matching the arguments other than the paging ones.",
    resolve: (connection) => {
      const { totalCount } = connection as { totalCount?: number | (() => Promise<number> | number) };
      if (totalCount === undefined) throw new Error("connection resolved without totalCount");
      return typeof totalCount === "function" ? totalCount() : totalCount;
    },
  }),
);

builder.queryType({});
builder.mutationType({});

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
