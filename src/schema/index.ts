import { builder } from "../builder";
// Each domain module registers its types and root fields on the builder.
import "./errors";
import "./supplier/supplier.type";
import "./supplier/supplier.queries";
import "./supplier/supplier-verification.mutations";
import "./marketplace/marketplace-product.type";
import "./marketplace/marketplace-product.queries";
import "./marketplace/marketplace-review.mutations";
import "./order/order.type";
import "./order/supplier-order.type";
import "./order/production-stage.type";
import "./order/order.queries";
import "./order/order-tracking.queries";
import "./user/user.type";
import "./user/user-supplier";
import "./user/user-roles.mutations";
import "./auth/auth.type";
import "./auth/auth.queries";
import "./auth/auth.mutations";

export const schema = builder.toSchema();
