import type { Minor } from './money.ts';

/**
 * A line of a cart before pricing. Kept apart from the pricing code so the
 * page can work with lines without loading the tax engine, which runs in the
 * pricing worker.
 */
export type CartLine = {
  sku: string;
  name: string;
  quantity: number;
  /** shelf price of one unit: net in exclusive stores, gross in inclusive ones */
  unitPrice: Minor;
  taxCategory: string;
  /** merchandise category: promotions may target it */
  category: string;
  /** the catalogue version the unit price came from */
  priceVersion: number;
};

export const MAX_LINE_QUANTITY = 9999;

/** What a product record holds of a cart line. */
export type PricedProduct = { sku: string; name: string; price: Minor; taxCategory: string; category: string; priceVersion: number };

/** `quantity` of a product as a cart line, at its shelf price and price version. */
export function cartLineFor(product: PricedProduct, quantity: number): CartLine {
  return {
    sku: product.sku,
    name: product.name,
    quantity,
    unitPrice: product.price,
    taxCategory: product.taxCategory,
    category: product.category,
    priceVersion: product.priceVersion,
  };
}
