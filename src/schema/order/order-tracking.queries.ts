import { builder } from "../../builder";
import { Prisma } from "../../generated/prisma/client";
import {
  type OrderStatus as OrderStatusValue,
  type StageStatus as StageStatusValue,
} from "../../generated/prisma/client";
import { OrderStatus, StageStatus } from "./order-enums";

/**
 * The public tracking link: anyone holding an order's tracking token sees a
 * narrow view of it — number, status, stage progress, dates. No ids, no
 * people, no prices, no notes: TrackedOrder has no field that could lead
 * anywhere else in the graph. The view comes from the database
 * (app.order_by_tracking_token, security definer, migration 008); anonymous
 * callers cannot read orders otherwise.
 */

/** Tokens are random and short; anything longer is not one (and is not sent to SQL). */
const MAX_TOKEN_LENGTH = 128;

interface TrackedStageShape {
  stageNumber: number;
  stageName: string;
  status: StageStatusValue;
  completionPercentage: Prisma.Decimal;
}

interface TrackedOrderShape {
  orderNumber: string;
  status: OrderStatusValue;
  currentStage: number | null;
  stages: TrackedStageShape[];
  targetDate: Date | null;
  expectedDeliveryDate: Date | null;
  actualDeliveryDate: Date | null;
  updatedAt: Date;
}

const TrackedStage = builder.objectRef<TrackedStageShape>("TrackedStage").implement({
  description:
    "One production stage as the public tracking page shows it (across the order's supplier orders).",
  fields: (t) => ({
    stageNumber: t.exposeInt("stageNumber"),
    stageName: t.exposeString("stageName"),
    status: t.expose("status", { type: StageStatus }),
    completionPercentage: t.field({
      type: "Decimal",
      description: "0.00 to 100.00, averaged over the order's active supplier orders.",
      resolve: (stage) => stage.completionPercentage,
    }),
  }),
});

const TrackedOrder = builder.objectRef<TrackedOrderShape>("TrackedOrder").implement({
  description: "The public view of an order behind its tracking link.",
  fields: (t) => ({
    orderNumber: t.exposeString("orderNumber"),
    status: t.expose("status", { type: OrderStatus }),
    currentStage: t.exposeInt("currentStage", { nullable: true }),
    stages: t.expose("stages", { type: [TrackedStage] }),
    targetDate: t.expose("targetDate", { type: "Date", nullable: true }),
    expectedDeliveryDate: t.expose("expectedDeliveryDate", { type: "Date", nullable: true }),
    actualDeliveryDate: t.expose("actualDeliveryDate", { type: "Date", nullable: true }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

interface TrackingRow {
  order_number: string;
  status: OrderStatusValue;
  current_stage: number | null;
  stages: Prisma.JsonValue;
  target_date: Date | null;
  expected_delivery_date: Date | null;
  actual_delivery_date: Date | null;
  updated_at: Date;
}

builder.queryField("orderByTrackingToken", (t) =>
  t.field({
    type: TrackedOrder,
    nullable: true,
    description: "An order by its public tracking token (no sign-in needed); null for an unknown token.",
    authScopes: { public: true },
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_root, { token }, context) => {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
      const [row] = await context.db.tx.$queryRaw<TrackingRow[]>`
        select t.order_number, t.status::text as status, t.current_stage, t.stages, t.target_date,
               t.expected_delivery_date, t.actual_delivery_date, t.updated_at
          from app.order_by_tracking_token(${token}) as t`;
      if (!row) return null;
      return {
        orderNumber: row.order_number,
        status: row.status,
        currentStage: row.current_stage,
        stages: trackedStages(row.stages),
        targetDate: row.target_date,
        expectedDeliveryDate: row.expected_delivery_date,
        actualDeliveryDate: row.actual_delivery_date,
        updatedAt: row.updated_at,
      };
    },
  }),
);

function trackedStages(stages: Prisma.JsonValue): TrackedStageShape[] {
  if (!Array.isArray(stages)) return [];
  return stages.flatMap((stage) => {
    if (!stage || typeof stage !== "object" || Array.isArray(stage)) return [];
    const { stageNumber, stageName, status, completionPercentage } = stage as Record<string, unknown>;
    if (typeof stageNumber !== "number" || typeof stageName !== "string" || typeof status !== "string")
      return [];
    return [
      {
        stageNumber,
        stageName,
        status: status as StageStatusValue,
        // Exact: through the number's shortest text form, never float arithmetic.
        completionPercentage: new Prisma.Decimal(String(completionPercentage ?? 0)).toDecimalPlaces(2),
      },
    ];
  });
}
