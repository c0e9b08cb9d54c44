import { builder } from "../builder";
import type { UserError } from "../graphql/user-errors";
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  USER_ERROR_CODES,
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
