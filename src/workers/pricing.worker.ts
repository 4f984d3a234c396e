import { expose, transfer } from 'comlink';
import type { CartLine } from '../domain/cart-line.ts';
import type { PricingContext } from '../domain/pricing/index.ts';
import type { TaxConfig } from '../domain/pricing/tax.ts';
import { createPricingApi } from './pricing-api.ts';
import { encodeTotals } from './totals-codec.ts';

const api = createPricingApi();

/**
 * The pricing API as the page sees it across the thread. Structured clone copies
 * object by object, which for a 200-line cart cost more than pricing it: the
 * cart comes in as JSON text (one string to copy), and the totals go back
 * encoded, their buffers transferred (see totals-codec.ts).
 */
const workerApi = {
  setPromotions: api.setPromotions,
  shelfSigns: api.shelfSigns,
  priceSale(cartJson: string, taxConfig: TaxConfig, context: PricingContext) {
    const cart = JSON.parse(cartJson) as CartLine[];
    const encoded = encodeTotals(api.priceSale(cart, taxConfig, context));
    return transfer(encoded, [encoded.lineNumbers.buffer, encoded.taxParts.buffer, encoded.lineDiscounts.buffer]);
  },
};
export type PricingWorkerApi = typeof workerApi;

expose(workerApi);
