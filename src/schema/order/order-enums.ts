import {
  AcceptanceStatus as AcceptanceStatusValues,
  OrderStatus as OrderStatusValues,
  PaymentStatus as PaymentStatusValues,
  PaymentTransactionStatus as PaymentTransactionStatusValues,
  StageStatus as StageStatusValues,
  SupplierOrderStatus as SupplierOrderStatusValues,
} from "../../generated/prisma/enums";
import { prismaEnum } from "../../graphql/prisma-enum";

/** The enums of orders and production, shared by their types, filters and mutations. */
export const OrderStatus = prismaEnum("OrderStatus", OrderStatusValues);
export const PaymentStatus = prismaEnum("PaymentStatus", PaymentStatusValues);
export const SupplierOrderStatus = prismaEnum("SupplierOrderStatus", SupplierOrderStatusValues);
export const AcceptanceStatus = prismaEnum("AcceptanceStatus", AcceptanceStatusValues);
export const StageStatus = prismaEnum("StageStatus", StageStatusValues);
export const PaymentTransactionStatus = prismaEnum(
  "PaymentTransactionStatus",
  PaymentTransactionStatusValues,
);
