import { builder } from "../../builder";
import type { AppRole as AppRoleValue } from "../../generated/prisma/client";
import { ConflictError, ForbiddenError, NotFoundError } from "../../graphql/user-errors";
import { parseUuid } from "../../graphql/node-id";
import { AppRole, User } from "./user.type";

/**
 * Admins grant and revoke the buyer and supplier roles. The admin role
 * itself is not granted over the API (`npm run user:grant` does that): a
 * stolen admin session cannot mint more admins. The audit trigger on
 * user_roles records every change with the admin as actor. A changed role
 * reaches the user's access token at its next refresh.
 *
 * Users of an external identity provider hold the roles their token maps
 * to AND user_roles grants (src/auth/authenticate.ts), read again every
 * EXTERNAL_USER_RECHECK_SECONDS: a revoked role is gone at their first
 * request after that, whatever the provider's token says, and a role the
 * provider maps only after their first sign-in needs a grant here too.
 */

/** GrantRoleInput / RevokeRoleInput and their payloads: the same shape, a name each (they may grow apart). */
function roleChangeTypes(verb: "Grant" | "Revoke") {
  const input = builder.inputType(`${verb}RoleInput`, {
    fields: (t) => ({
      userId: t.globalID({ for: User, required: true, description: "The User's id." }),
      role: t.field({ type: AppRole, required: true, description: "BUYER or SUPPLIER." }),
    }),
  });
  const payload = builder.objectRef<{ userId: string }>(`${verb}RolePayload`).implement({
    fields: (t) => ({
      user: t.prismaField({
        type: "User",
        description: "The user, with their roles after the change.",
        resolve: (query, payload, _args, context) =>
          context.db.tx.user.findUniqueOrThrow({ ...query, where: { id: payload.userId } }),
      }),
    }),
  });
  return { input, payload };
}

const Grant = roleChangeTypes("Grant");
const Revoke = roleChangeTypes("Revoke");

interface RoleChange {
  userId: string;
  role: AppRoleValue;
}

function parseRoleChange(input: { userId: { id: string }; role: AppRoleValue }): RoleChange {
  if (input.role === "admin") {
    throw new ForbiddenError(
      "The admin role is granted and revoked with the CLI (npm run user:grant), not the API.",
      {
        field: "input.role",
      },
    );
  }
  return { userId: parseUuid(input.userId.id, "input.userId"), role: input.role };
}

builder.mutationFields((t) => ({
  grantRole: t.field({
    type: Grant.payload,
    description: "Give a user the buyer or supplier role (admins).",
    authScopes: { admin: true },
    args: { input: t.arg({ type: Grant.input, required: true }) },
    errors: { types: [NotFoundError, ForbiddenError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const { userId, role } = parseRoleChange(input);
      const tx = context.db.tx;
      const user = await tx.user.findUnique({
        where: { id: userId },
        select: { roles: { where: { role }, select: { id: true } } },
      });
      if (!user) throw new NotFoundError("No such user.", { field: "input.userId" });
      if (user.roles.length > 0) {
        throw new ConflictError(`The user already has the ${role} role.`, {
          field: "input.role",
          reason: "UNCHANGED",
        });
      }
      await tx.userRole.create({ data: { userId, role }, select: { id: true } });
      return { userId };
    },
  }),

  revokeRole: t.field({
    type: Revoke.payload,
    description: "Take the buyer or supplier role from a user (admins).",
    authScopes: { admin: true },
    args: { input: t.arg({ type: Revoke.input, required: true }) },
    errors: { types: [NotFoundError, ForbiddenError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const { userId, role } = parseRoleChange(input);
      const tx = context.db.tx;
      const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!user) throw new NotFoundError("No such user.", { field: "input.userId" });
      const { count } = await tx.userRole.deleteMany({ where: { userId, role } });
      if (count === 0) {
        throw new ConflictError(`The user does not have the ${role} role.`, {
          field: "input.role",
          reason: "UNCHANGED",
        });
      }
      return { userId };
    },
  }),
}));
