import { builder } from "../../builder";
import { httpsUrls, optionalText } from "../../graphql/input-validation";
import type { Prisma } from "../../generated/prisma/client";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../graphql/user-errors";
import { parseUuid } from "../../graphql/node-id";
import { StageStatus } from "./order-enums";
import { ProductionStage } from "./production-stage.type";

/**
 * A supplier reports progress on one of its production stages. The database
 * owns every rule: RLS admits only the stages of the caller's own supplier
 * orders (another's is "not found"); the status follows the completion
 * (005: 0 pending, 1–99 in progress, 100 completed; `delayed` only past the
 * target date), a completed stage does not go back and a stage of a supplier
 * order that is no longer running does not change (015, INVALID_TRANSITION);
 * the target date is an admin-only column (005, FORBIDDEN); photos are https
 * URLs, at most 20 (015 CHECK). The order follows by trigger: stage 6 under
 * way moves it to quality_check, stage 8 completed to shipped. The input
 * checks here only name the field at fault.
 *
 * API keys need the `production:write` scope (a supplier's ERP reporting
 * progress).
 */

const MAX_NOTES_LENGTH = 4_000;
const MAX_PHOTOS = 20;

const UpdateProductionStageInput = builder.inputType("UpdateProductionStageInput", {
  fields: (t) => ({
    id: t.globalID({ for: ProductionStage, required: true }),
    completionPercentage: t.field({ type: "Decimal", description: "0 to 100; the status follows it." }),
    status: t.field({
      type: StageStatus,
      description: "Only DELAYED is a choice (past the target date); other statuses follow the completion.",
    }),
    notes: t.string({ description: `At most ${MAX_NOTES_LENGTH} characters; an empty string clears them.` }),
    photos: t.field({
      type: ["URL"],
      description: `Replaces the stage's photos: https URLs, at most ${MAX_PHOTOS}.`,
    }),
    targetDate: t.field({ type: "Date", description: "Admins only (the database refuses it to suppliers)." }),
  }),
});

const UpdateProductionStagePayload = builder
  .objectRef<{ stageId: string }>("UpdateProductionStagePayload")
  .implement({
    fields: (t) => ({
      productionStage: t.prismaField({
        type: "ProductionStage",
        description: "The stage after the update.",
        resolve: (query, payload, _args, context) =>
          context.db.tx.productionStage.findUniqueOrThrow({ ...query, where: { id: payload.stageId } }),
      }),
    }),
  });

builder.mutationField("updateProductionStage", (t) =>
  t.field({
    type: UpdateProductionStagePayload,
    description: "Report progress on a production stage (the supplier of its supplier order).",
    authScopes: { $all: { supplier: true, apiScope: "production:write" } },
    args: { input: t.arg({ type: UpdateProductionStageInput, required: true }) },
    errors: { types: [NotFoundError, InvalidInputError, ForbiddenError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      const data: Prisma.ProductionStageUpdateManyMutationInput = {};
      const completion = input.completionPercentage;
      if (completion !== null && completion !== undefined) {
        if (completion.isNegative() || completion.greaterThan(100) || completion.decimalPlaces() > 2) {
          throw new InvalidInputError("A percentage from 0 to 100, with at most 2 decimals.", {
            field: "input.completionPercentage",
          });
        }
        data.completionPercentage = completion;
      }
      if (input.status) data.status = input.status;
      if (input.notes !== null && input.notes !== undefined) {
        data.notes = optionalText(input.notes, "input.notes", MAX_NOTES_LENGTH);
      }
      if (input.photos) data.photos = httpsUrls(input.photos, "input.photos", MAX_PHOTOS);
      if (input.targetDate) data.targetDate = input.targetDate;
      if (Object.keys(data).length === 0) {
        throw new InvalidInputError("Nothing to change.", { field: "input" });
      }

      const { count } = await context.db.tx.productionStage.updateMany({ where: { id }, data });
      if (count !== 1) throw new NotFoundError("No such production stage.", { field: "input.id" });
      return { stageId: id };
    },
  }),
);
