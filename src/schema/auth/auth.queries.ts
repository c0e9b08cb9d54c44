import { builder } from "../../builder";

builder.queryFields((t) => ({
  me: t.prismaField({
    type: "User",
    nullable: true,
    description: "The signed-in user (or the owner of the API key); null for anonymous callers.",
    authScopes: { public: true },
    resolve: (query, _root, _args, context) =>
      context.viewer.kind === "user"
        ? context.db.tx.user.findUnique({ ...query, where: { id: context.viewer.id } })
        : null,
  }),
}));
