import { builder } from "../../builder";

/** The enums of orders and production, shared by their types, filters and mutations. */

export const OrderStatus = builder.enumType("OrderStatus", {
  values: {
    DRAFT: { value: "draft" },
    SUBMITTED: { value: "submitted" },
    CONFIRMED: { value: "confirmed" },
    IN_PRODUCTION: { value: "in_production" },
    QUALITY_CHECK: { value: "quality_check" },
    SHIPPED: { value: "shipped" },
    DELIVERED: { value: "delivered" },
    CANCELLED: { value: "cancelled" },
  } as const,
});

export const PaymentStatus = builder.enumType("PaymentStatus", {
  values: {
    UNPAID: { value: "unpaid" },
    PARTIALLY_PAID: { value: "partially_paid" },
    PAID: { value: "paid" },
    REFUNDED: { value: "refunded" },
  } as const,
});

export const SupplierOrderStatus = builder.enumType("SupplierOrderStatus", {
  values: {
    PENDING: { value: "pending" },
    ACCEPTED: { value: "accepted" },
    REJECTED: { value: "rejected" },
    CANCELLED: { value: "cancelled" },
    COMPLETED: { value: "completed" },
  } as const,
});

export const AcceptanceStatus = builder.enumType("AcceptanceStatus", {
  values: {
    PENDING: { value: "pending" },
    ACCEPTED: { value: "accepted" },
    REJECTED: { value: "rejected" },
    COUNTER_OFFERED: { value: "counter_offered" },
  } as const,
});

export const StageStatus = builder.enumType("StageStatus", {
  values: {
    PENDING: { value: "pending" },
    IN_PROGRESS: { value: "in_progress" },
    COMPLETED: { value: "completed" },
    DELAYED: { value: "delayed" },
  } as const,
});

export const PaymentTransactionStatus = builder.enumType("PaymentTransactionStatus", {
  values: {
    PENDING: { value: "pending" },
    SUCCEEDED: { value: "succeeded" },
    FAILED: { value: "failed" },
    REFUNDED: { value: "refunded" },
  } as const,
});
