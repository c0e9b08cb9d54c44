import { builder } from "../../builder";

/** `User.supplier`: the supplier company a user owns (suppliers.user_id), as RLS lets the caller see it. */
builder.prismaObjectField("User", "supplier", (t) =>
  t.relation("supplier", {
    nullable: true,
    description: "The supplier company this user owns; null for users who own none.",
  }),
);
