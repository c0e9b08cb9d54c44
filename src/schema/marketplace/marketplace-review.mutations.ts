import { builder } from "../../builder";
import { ConflictError, InvalidInputError, NotFoundError } from "../../graphql/user-errors";
import { parseUuid } from "../../graphql/node-id";
import { MarketplaceProduct } from "./marketplace-product.type";

/**
 * An admin's review of a listing a supplier submitted: APPROVE puts it on
 * the marketplace, REJECT sends it back with a reason. Only a listing
 * pending approval can be reviewed. The database does the rest: the
 * approval trigger stamps approval_date/approved_by (the admin, from the
 * claims), the audit trigger records the status change with the admin as
 * actor, and the supplier is notified.
 */

const MAX_REASON_LENGTH = 2_000;

const ReviewDecision = builder.enumType("ReviewDecision", {
  values: {
    APPROVE: { description: "Publish the listing." },
    REJECT: { description: "Send it back to the supplier; a reason is required." },
  } as const,
});

const ReviewMarketplaceProductInput = builder.inputType("ReviewMarketplaceProductInput", {
  fields: (t) => ({
    id: t.globalID({ for: MarketplaceProduct, required: true, description: "The listing's id." }),
    decision: t.field({ type: ReviewDecision, required: true }),
    reason: t.string({
      description: `Why (required to reject; shown to the supplier). At most ${MAX_REASON_LENGTH} characters.`,
    }),
  }),
});

const ReviewMarketplaceProductPayload = builder
  .objectRef<{ listingId: string }>("ReviewMarketplaceProductPayload")
  .implement({
    fields: (t) => ({
      marketplaceProduct: t.prismaField({
        type: "MarketplaceProduct",
        description: "The listing after the review.",
        resolve: (query, payload, _args, context) =>
          context.db.tx.marketplaceProduct.findUniqueOrThrow({
            ...query,
            where: { id: payload.listingId },
          }),
      }),
    }),
  });

builder.mutationField("reviewMarketplaceProduct", (t) =>
  t.field({
    type: ReviewMarketplaceProductPayload,
    description: "Approve or reject a listing pending approval (admins).",
    authScopes: { admin: true },
    args: { input: t.arg({ type: ReviewMarketplaceProductInput, required: true }) },
    errors: { types: [NotFoundError, InvalidInputError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      const reason = input.reason?.trim() || null;
      if (input.decision === "REJECT" && !reason) {
        throw new InvalidInputError("A rejection needs a reason for the supplier.", {
          field: "input.reason",
        });
      }
      if (reason && reason.length > MAX_REASON_LENGTH) {
        throw new InvalidInputError(`"reason" may be at most ${MAX_REASON_LENGTH} characters.`, {
          field: "input.reason",
        });
      }

      const tx = context.db.tx;
      const listing = await tx.marketplaceProduct.findUnique({ where: { id }, select: { status: true } });
      if (!listing) throw new NotFoundError("No such listing.", { field: "input.id" });
      if (listing.status !== "pending_approval") {
        throw new ConflictError(
          `Only a listing pending approval can be reviewed; this one is ${listing.status}.`,
          {
            field: "input.id",
            reason: "INVALID_TRANSITION",
          },
        );
      }

      // Conditional on the status read above: a concurrent review changes nothing twice.
      const { count } = await tx.marketplaceProduct.updateMany({
        where: { id, status: "pending_approval" },
        data:
          input.decision === "APPROVE"
            ? { status: "approved", adminFeedback: reason }
            : { status: "rejected", rejectionReason: reason, adminFeedback: reason },
      });
      if (count !== 1) {
        throw new ConflictError("The listing was reviewed concurrently; reload it.", {
          field: "input.id",
          reason: "CONCURRENT_UPDATE",
        });
      }
      return { listingId: id };
    },
  }),
);
