import DataLoader from "dataloader";
import type { Context } from "../../context";
import { isSignedIn } from "../../graphql/auth-scopes";
import type { Prisma } from "../../generated/prisma/client";

/**
 * orders.total_amount is the buyer's price: its buyer and admins may read it
 * (a supplier who did would know the buyer price, and so the margin). The
 * request roles cannot select the column; migration 008's
 * app.order_amounts() returns it where the caller may. One statement per
 * request for every order on a page.
 */
export function orderAmountLoader(context: Context): DataLoader<string, string | null> {
  return context.loaders.get("order:totalAmount", () => {
    return new DataLoader<string, string | null>(async (ids) => {
      if (!isSignedIn(context.viewer)) return ids.map(() => null);
      const rows = await context.db.tx.$queryRaw<{ id: string; total_amount: Prisma.Decimal }[]>`
        select a.order_id::text as id, a.total_amount from app.order_amounts(${[...ids]}::uuid[]) as a`;
      const byId = new Map(rows.map((row) => [row.id, row.total_amount.toFixed(2)]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  });
}
