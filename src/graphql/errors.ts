import { PothosError, PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { type ClientErrorCode, classifyDatabaseError } from "../db/errors";
import { ConflictError, UserError } from "./user-errors";

/**
 * GraphQL errors that are part of the contract (API.md: `extensions.code`).
 * Resolvers and plugins throw these for refusals; src/graphql/error-policy.ts
 * lets them through masking and masks everything else.
 */

export function clientError(
  code: ClientErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return clientError("BAD_USER_INPUT", message, extensions);
}

/**
 * Any thrown value as a GraphQL error: itself when it already is one, else
 * "Unexpected error." carrying the original (masked and logged by the error
 * policy unless it classifies as part of the contract).
 */
export function asGraphQLError(error: unknown): GraphQLError {
  return error instanceof GraphQLError
    ? error
    : new GraphQLError("Unexpected error.", { originalError: error as Error });
}

/**
 * What the client may see of an error raised while executing an operation:
 * the error itself when it is already part of the contract, a classified
 * replacement for known database and input failures, or null (unexpected:
 * the error policy logs it and masks it).
 */
export function toClientError(error: GraphQLError): GraphQLError | null {
  const source = error.originalError ?? error;
  if (source instanceof PothosValidationError) {
    // Pothos' argument checks: malformed global ids or cursors, ids of the wrong type.
    return new GraphQLError(source.message, { ...locationOf(error), extensions: { code: "BAD_USER_INPUT" } });
  }
  // A typed mutation error on a field that does not list its type.
  if (source instanceof UserError) {
    return new GraphQLError(source.message, {
      ...locationOf(error),
      extensions: {
        code: source.code,
        ...(source instanceof ConflictError ? { reason: source.reason } : {}),
      },
    });
  }
  // Other Pothos errors (PothosSchemaError) are bugs of ours.
  if (source instanceof PothosError) return null;
  // Raised as a GraphQLError on purpose (validation, clientError()); graphql-js
  // copies the thrown error's extensions onto the located one.
  if (source instanceof GraphQLError) return error;
  const classified = classifyDatabaseError(source);
  if (!classified) return null;
  return new GraphQLError(classified.message, {
    ...locationOf(error),
    extensions: { code: classified.code, reason: classified.reason },
  });
}

function locationOf(error: GraphQLError) {
  return { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path };
}
