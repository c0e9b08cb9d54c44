import { builder } from "../../builder";
import { ConflictError, NotFoundError } from "../../graphql/user-errors";
import { parseUuid } from "../../graphql/node-id";
import { Supplier } from "./supplier.type";

/**
 * An admin's verdict on a supplier: VERIFIED (public, may be assigned
 * orders), REJECTED, or SUSPENDED (hidden from buyers and anonymous
 * visitors again). The audit trigger on suppliers records the change with
 * the admin as actor (contact fields redacted).
 */

const SupplierVerificationDecision = builder.enumType("SupplierVerificationDecision", {
  values: {
    VERIFIED: { value: "verified" },
    REJECTED: { value: "rejected" },
    SUSPENDED: { value: "suspended" },
  } as const,
});

const VerifySupplierInput = builder.inputType("VerifySupplierInput", {
  fields: (t) => ({
    id: t.globalID({ for: Supplier, required: true, description: "The supplier's id." }),
    status: t.field({ type: SupplierVerificationDecision, required: true }),
  }),
});

const VerifySupplierPayload = builder.objectRef<{ supplierId: string }>("VerifySupplierPayload").implement({
  fields: (t) => ({
    supplier: t.prismaField({
      type: "Supplier",
      description: "The supplier after the change.",
      resolve: (query, payload, _args, context) =>
        context.db.tx.supplier.findUniqueOrThrow({ ...query, where: { id: payload.supplierId } }),
    }),
  }),
});

builder.mutationField("verifySupplier", (t) =>
  t.field({
    type: VerifySupplierPayload,
    description: "Set a supplier's verification status (admins).",
    authScopes: { admin: true },
    args: { input: t.arg({ type: VerifySupplierInput, required: true }) },
    errors: { types: [NotFoundError, ConflictError], directResult: true },
    resolve: async (_root, { input }, context) => {
      const id = parseUuid(input.id.id, "input.id");
      const tx = context.db.tx;
      const supplier = await tx.supplier.findUnique({ where: { id }, select: { verificationStatus: true } });
      if (!supplier) throw new NotFoundError("No such supplier.", { field: "input.id" });
      if (supplier.verificationStatus === input.status) {
        throw new ConflictError(`The supplier is already ${input.status}.`, {
          field: "input.status",
          reason: "UNCHANGED",
        });
      }
      const { count } = await tx.supplier.updateMany({
        where: { id, verificationStatus: supplier.verificationStatus },
        data: { verificationStatus: input.status },
      });
      if (count !== 1) {
        throw new ConflictError("The supplier changed concurrently; reload it.", {
          field: "input.id",
          reason: "CONCURRENT_UPDATE",
        });
      }
      return { supplierId: id };
    },
  }),
);
