import type { CartLine } from '../domain/cart-line.ts';
import { createPromotionBook, priceSale, shelfSign, type PricingContext, type Promotion, type SignProduct, type TaxConfig } from '../domain/pricing/index.ts';

/**
 * What the pricing worker offers; the page runs the same object inline when
 * workers are unavailable. The promotion set is sent once per sync and indexed
 * here, so pricing a cart sends only the cart across the thread boundary.
 */
export function createPricingApi() {
  let book = createPromotionBook([], '');
  return {
    setPromotions(promotions: Promotion[], storeId: string) {
      book = createPromotionBook(promotions, storeId);
    },
    priceSale(cart: CartLine[], taxConfig: TaxConfig, context: PricingContext) {
      return priceSale(cart, book, taxConfig, context);
    },
    shelfSigns(products: SignProduct[], taxConfig: TaxConfig, at: number) {
      return products.map((product) => shelfSign(product, book, taxConfig, at));
    },
  };
}
export type PricingApi = ReturnType<typeof createPricingApi>;
