import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import { type GraphQLFieldResolver, type GraphQLResolveInfo, Kind } from "graphql";
import type { Context } from "../context";
import { classifyDatabaseError } from "../db/errors";
import { UserError, userErrorFor } from "./user-errors";

/**
 * Mutations whose field lists error types (`errors: { types: [...] }`):
 *
 * - a classified database refusal raised inside them (a trigger's LLTRN, a
 *   unique violation, a failed WITH CHECK…) becomes the matching typed
 *   error (src/graphql/user-errors.ts) instead of a top-level GraphQL error,
 *   so the rules the database enforces reach clients as results;
 * - a mutation that throws a typed error changes nothing: when it is the
 *   operation's only field, the operation's transaction rolls back; when the
 *   operation has several fields, the field ran inside a savepoint and only
 *   its own work is undone. A resolver that must keep what it wrote while
 *   refusing (a reused refresh token revokes its session) throws
 *   `error.keepingChanges()`.
 *
 * Runs inside the errors plugin's wrapper (it comes after it in the
 * builder's plugin list), which then turns the typed error into the result.
 */
export class MutationErrorsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    if (fieldConfig.kind !== "Mutation" || !fieldConfig.extensions?.["pothosErrors"]) return resolver;
    return async (parent, args, context, info) => {
      const { db } = context as unknown as Context;
      const savepoint = hasSiblingFields(info);
      if (savepoint) await db.tx.$executeRawUnsafe("savepoint mutation_field");
      try {
        const result = await resolver(parent, args, context, info);
        if (savepoint) await db.tx.$executeRawUnsafe("release savepoint mutation_field");
        return result;
      } catch (error) {
        const classified = error instanceof UserError ? null : classifyDatabaseError(error);
        const userError = error instanceof UserError ? error : classified && userErrorFor(classified);
        if (!userError) throw error;
        if (savepoint) {
          const undo = userError.keepsChanges ? "release savepoint" : "rollback to savepoint";
          await db.tx.$executeRawUnsafe(`${undo} mutation_field`);
        } else if (!userError.keepsChanges) {
          db.rollbackOnly();
        }
        throw userError;
      }
    };
  }
}

/** True unless the field is the operation's single root selection (aliases and fragments count as more). */
function hasSiblingFields(info: GraphQLResolveInfo): boolean {
  const { selections } = info.operation.selectionSet;
  return selections.length !== 1 || selections[0]?.kind !== Kind.FIELD;
}

const pluginName = "mutationErrors";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Pothos' plugin registration
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      mutationErrors: MutationErrorsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, MutationErrorsPlugin);

export default pluginName;
