import { builder } from "../builder";
// Each domain module registers its types and root fields on the builder.
import "./supplier/supplier.type";
import "./marketplace/marketplace-product.type";
import "./marketplace/marketplace-product.queries";

export const schema = builder.toSchema();
