import { expose } from 'comlink';
import type { CartLine } from '../../../src/domain/cart-line.ts';
import type { PricingContext, TaxConfig } from '../../../src/domain/pricing/index.ts';
import { createPricingApi } from '../../../src/workers/pricing-api.ts';

/**
 * The production pricing API, plus one call that times `priceSale` inside the
 * worker: the computation alone, without the message round trip.
 */
const api = createPricingApi();
expose({
  ...api,
  timedPriceSale(cart: CartLine[], taxConfig: TaxConfig, context: PricingContext): number {
    const start = performance.now();
    api.priceSale(cart, taxConfig, context);
    return performance.now() - start;
  },
});
