import { builder } from "../builder";
import type { UserError } from "../graphql/user-errors";
import {
  ConflictError,
  ForbiddenError,
  InsufficientStockError,
  InvalidInputError,
  InvalidTransitionError,
  NotFoundError,
  USER_ERROR_CODES,
  VersionConflictError,
} from "../graphql/user-errors";

/** GraphQL types of the typed mutation errors (classes: src/graphql/user-errors.ts). */

const UserErrorCodeEnum = builder.enumType("UserErrorCode", {
  values: USER_ERROR_CODES,
});

export const UserErrorInterface = builder.interfaceRef<UserError>("UserError").implement({
  description: "An expected failure of a mutation: nothing was changed.",
  fields: (t) => ({
    code: t.field({ type: UserErrorCodeEnum, resolve: (error) => error.code }),
    message: t.exposeString("message"),
    field: t.exposeString("field", {
      nullable: true,
      description: 'The input field at fault, e.g. "input.reason".',
    }),
  }),
});

for (const [ErrorClass, name] of [
  [NotFoundError, "NotFoundError"],
  [InvalidInputError, "InvalidInputError"],
  [ForbiddenError, "ForbiddenError"],
] as const) {
  builder.objectType(ErrorClass, {
    name,
    interfaces: [UserErrorInterface],
    isTypeOf: (value) => value instanceof ErrorClass,
  });
}

builder.objectType(ConflictError, {
  name: "ConflictError",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({
    reason: t.exposeString("reason"),
  }),
});

builder.objectType(VersionConflictError, {
  name: "VersionConflictError",
  description: "A stale expectedVersion: nothing was changed; read the record again.",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof VersionConflictError,
  fields: (t) => ({
    reason: t.exposeString("reason"),
    currentVersion: t.exposeInt("currentVersion"),
  }),
});

builder.objectType(InvalidTransitionError, {
  name: "InvalidTransitionError",
  description:
    "A status change that is not allowed from the current status (for this caller): nothing was changed.",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof InvalidTransitionError,
  fields: (t) => ({
    reason: t.exposeString("reason"),
    allowedTransitions: t.exposeStringList("allowedTransitions", {
      description: "The statuses the caller may move it to from here (may be empty).",
    }),
  }),
});

builder.objectType(InsufficientStockError, {
  name: "InsufficientStockError",
  interfaces: [UserErrorInterface],
  isTypeOf: (value) => value instanceof InsufficientStockError,
  fields: (t) => ({
    reason: t.exposeString("reason"),
    available: t.exposeInt("available", { description: "How many are available now." }),
  }),
});
