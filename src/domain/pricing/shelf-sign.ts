import { cartLineFor, type PricedProduct } from '../cart-line.ts';
import type { Minor } from '../money.ts';
import { priceSale } from './price-sale.ts';
import { promotionsForProduct, type PromotionBook } from './promotion-book.ts';
import type { PromotionKind } from './promotion.ts';
import type { TaxConfig } from './tax.ts';

/** What a shelf sign needs to know of a product. */
export type SignProduct = PricedProduct;

export type ShelfSign = {
  sku: string;
  name: string;
  /** the shelf price, as the till rings it before promotions */
  price: Minor;
  /** what one unit costs at the till now, promotions applied: equal to `price` when none lowers it */
  pricePerOne: Minor;
  /** every promotion a shopper can get on this product without a code or a staff card */
  offers: { promotionId: string; name: string; kind: PromotionKind }[];
};

/**
 * A product's sign, from the engine the till uses: `pricePerOne` is a one-unit
 * cart priced by `priceSale`, so a sign can never promise what the till will
 * not charge. Multi-buys (3 for 10, buy one get one) do not lower one unit's
 * price; they are listed as offers.
 */
export function shelfSign(product: SignProduct, book: PromotionBook, taxConfig: TaxConfig, at: number): ShelfSign {
  const one = priceSale([cartLineFor(product, 1)], book, taxConfig, { at });
  const offers = promotionsForProduct(book, product.sku, product.category, at)
    .filter((promotion) => promotion.coupon === null && promotion.kind !== 'staff')
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1))
    .map((promotion) => ({ promotionId: promotion.id, name: promotion.name, kind: promotion.kind }));
  return { sku: product.sku, name: product.name, price: product.price, pricePerOne: one.lines[0]!.net, offers };
}
