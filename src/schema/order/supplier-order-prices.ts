import { loaderByIds } from "../../graphql/loaders";
import { isSignedIn } from "../../graphql/auth-scopes";
import type { Prisma } from "../../generated/prisma/client";

/**
 * The money columns of supplier_orders under DOMAIN.md's column rule: a
 * supplier never sees buyer_price or margin, a buyer never sees
 * supplier_price or margin, admins see all. The request roles cannot select
 * those columns at all; the narrowed security-definer function of migration
 * 008 returns them with what the caller may not see already nulled (and no
 * row for a supplier order the caller may not read). One statement per
 * request for every supplier order on a page.
 */
export interface SupplierOrderPrices {
  buyerPrice: Prisma.Decimal | null;
  supplierPrice: Prisma.Decimal | null;
  margin: Prisma.Decimal | null;
  counterOfferPrice: Prisma.Decimal | null;
}

const NONE: SupplierOrderPrices = Object.freeze({
  buyerPrice: null,
  supplierPrice: null,
  margin: null,
  counterOfferPrice: null,
});

interface PriceRow {
  id: string;
  buyer_price: Prisma.Decimal | null;
  supplier_price: Prisma.Decimal | null;
  margin: Prisma.Decimal | null;
  counter_offer_price: Prisma.Decimal | null;
}

export const supplierOrderPricesLoader = loaderByIds<SupplierOrderPrices>(async (ids, context) => {
  if (!isSignedIn(context.viewer)) return [];
  const rows = await context.db.tx.$queryRaw<PriceRow[]>`
    select p.supplier_order_id::text as id, p.buyer_price, p.supplier_price, p.margin, p.counter_offer_price
      from app.supplier_order_prices(${[...ids]}::uuid[]) as p`;
  return rows.map((row): [string, SupplierOrderPrices] => [
    row.id,
    {
      buyerPrice: row.buyer_price,
      supplierPrice: row.supplier_price,
      margin: row.margin,
      counterOfferPrice: row.counter_offer_price,
    },
  ]);
}, NONE);
