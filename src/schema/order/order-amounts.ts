import { loaderByIds } from "../../graphql/loaders";
import { isSignedIn } from "../../graphql/auth-scopes";
import type { Prisma } from "../../generated/prisma/client";

/**
 * orders.total_amount is the buyer's price: its buyer and admins may read it
 * (a supplier who did would know the buyer price, and so the margin). The
 * request roles cannot select the column; migration 008's
 * app.order_amounts() returns it where the caller may. One statement per
 * request for every order on a page.
 */
export const orderAmountLoader = loaderByIds<Prisma.Decimal | null>(async (ids, context) => {
  if (!isSignedIn(context.viewer)) return [];
  const rows = await context.db.tx.$queryRaw<{ id: string; total_amount: Prisma.Decimal }[]>`
    select a.order_id::text as id, a.total_amount from app.order_amounts(${[...ids]}::uuid[]) as a`;
  return rows.map((row) => [row.id, row.total_amount] as const);
}, null);
