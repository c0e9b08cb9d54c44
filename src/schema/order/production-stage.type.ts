import { builder } from "../../builder";
import { uuidNode } from "../../graphql/node-id";
import { PublicProfile, publicProfileLoader } from "../user/public-profile";
import { StageStatus } from "./order-enums";

/**
 * One of the eight stages of a supplier order. Buyers read the stages of
 * their orders, suppliers those of their own supplier orders (RLS); status,
 * startedAt and completedAt are derived by a trigger from completionPercentage.
 */
export const ProductionStage = builder.prismaNode("ProductionStage", {
  ...uuidNode,
  authScopes: { apiScope: "orders:read" },
  fields: (t) => ({
    stageNumber: t.exposeInt("stageNumber", { description: "1 (Yarn sourcing) to 8 (Shipment)." }),
    stageName: t.exposeString("stageName"),
    description: t.exposeString("description", { nullable: true }),
    status: t.expose("status", { type: StageStatus }),
    completionPercentage: t.expose("completionPercentage", {
      type: "Decimal",
      description: "0.00 to 100.00.",
    }),
    targetDate: t.expose("targetDate", { type: "Date", nullable: true }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true }),
    photos: t.expose("photos", { type: ["URL"] }),
    notes: t.exposeString("notes", { nullable: true }),
    updatedBy: t.expose("updatedBy", {
      type: "UUID",
      nullable: true,
      description: "The user who last reported progress; null for changes by the system.",
    }),
    updatedByProfile: t.field({
      type: PublicProfile,
      nullable: true,
      description: "The public profile of updatedBy; null for the system or where the caller may not see it.",
      select: { updatedBy: true },
      resolve: (stage, _args, context) =>
        stage.updatedBy ? publicProfileLoader(context).load(stage.updatedBy) : null,
    }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    supplierOrder: t.relation("supplierOrder", {
      nullable: true,
      description: "null when the caller may not see the supplier order.",
    }),
  }),
});
