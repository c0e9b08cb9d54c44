import { loaderByIds } from "../../graphql/loaders";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../builder";

/**
 * The public face of a person on an order (the buyer a supplier works for,
 * the supplier's contact a buyer deals with): a name, a company, an avatar.
 * Never the email or phone. Which rows exist for the caller is decided by
 * RLS on `profiles` (own row, counterparties on shared orders, admins all):
 * a hidden profile reads as null.
 */
export interface PublicProfileShape {
  id: string;
  fullName: string | null;
  companyName: string | null;
  avatarUrl: string | null;
}

export const PublicProfile = builder.objectRef<PublicProfileShape>("PublicProfile").implement({
  description: "A counterparty's public profile. null where the caller may not see it.",
  fields: (t) => ({
    userId: t.id({
      description: "The person's User id (node() answers it only to those who may read that User).",
      resolve: (profile) => encodeGlobalID("User", profile.id),
    }),
    fullName: t.exposeString("fullName", { nullable: true }),
    companyName: t.exposeString("companyName", { nullable: true }),
    avatarUrl: t.expose("avatarUrl", { type: "URL", nullable: true }),
  }),
});

/** Profiles by user id, one statement per request for every order on a page. */
export const publicProfileLoader = loaderByIds<PublicProfileShape | null>(async (ids, context) => {
  const rows = await context.db.tx.profile.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, fullName: true, companyName: true, avatarUrl: true },
  });
  return rows.map((row) => [row.id, row] as const);
}, null);
