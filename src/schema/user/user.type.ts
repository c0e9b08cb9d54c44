import { loaderByIds } from "../../graphql/loaders";
import { builder } from "../../builder";
import { AppRole as AppRoleValues } from "../../generated/prisma/enums";
import { prismaEnum } from "../../graphql/prisma-enum";
import { findByUuid } from "../../graphql/node-id";

export const AppRole = prismaEnum("AppRole", AppRoleValues);

/**
 * A person's profile (what `me` and the sign-in payloads show). Select mode:
 * the request roles may read only some columns of `profiles` (migration 008);
 * the phone is the person's own and admins', through app.profile_phones.
 */
export const Profile = builder.prismaObject("Profile", {
  select: { id: true },
  fields: (t) => ({
    fullName: t.exposeString("fullName", { nullable: true }),
    companyName: t.exposeString("companyName", { nullable: true }),
    phone: t.string({
      nullable: true,
      description: "Only for the person themselves and admins.",
      resolve: (profile, _args, context) => profilePhoneLoader(context).load(profile.id),
    }),
    avatarUrl: t.expose("avatarUrl", { type: "URL", nullable: true }),
  }),
});

/** Phones of the profiles on a page, in one statement; null where the caller may not see them. */
const profilePhoneLoader = loaderByIds<string | null>(async (ids, context) => {
  const rows = await context.db.tx.$queryRaw<{ id: string; phone: string | null }[]>`
    select profile_id::text as id, phone from app.profile_phones(${[...ids]}::uuid[])`;
  return rows.map((row) => [row.id, row.phone] as const);
}, null);

/**
 * An account. Which rows exist for the caller is decided by RLS on `users`
 * (own row; admins all): node() answers null for anyone else's. Select mode:
 * never `select *`, so password_hash is never read. Other modules add fields
 * with builder.prismaObjectField("User", …) (e.g. `supplier`).
 */
export const User = builder.prismaNode("User", {
  id: { resolve: (user) => user.id },
  findUnique: findByUuid,
  select: { id: true },
  nullable: true,
  fields: (t) => ({
    email: t.expose("email", { type: "EmailAddress" }),
    profile: t.relation("profile", { nullable: true }),
    roles: t.field({
      type: [AppRole],
      select: { roles: { select: { role: true }, orderBy: { role: "asc" } } },
      resolve: (user) => user.roles.map((entry) => entry.role),
    }),
  }),
});
