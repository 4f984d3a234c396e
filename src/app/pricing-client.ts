import { wrap, type Remote } from 'comlink';
import type { CartTotals } from '../domain/cart.ts';
import type { CartLine } from '../domain/cart-line.ts';
import type { TaxConfig } from '../domain/tax.ts';
import type { PricingApi } from '../workers/pricing-api.ts';

export type PricingClient = { priceCart(lines: CartLine[], taxConfig: TaxConfig): Promise<CartTotals> };

/**
 * Totals are computed in a Comlink worker so a long cart or a large promotion set
 * never blocks a scan. If the worker cannot start, the same domain code runs inline.
 */
export function createPricingClient(): PricingClient {
  let remote: Remote<PricingApi> | null = null;
  try {
    remote = wrap<PricingApi>(new Worker(new URL('../workers/pricing.worker.ts', import.meta.url), { type: 'module', name: 'pricing' }));
  } catch (error) {
    console.warn('pricing worker unavailable; pricing on the main thread', error);
  }
  return {
    async priceCart(lines, taxConfig) {
      if (remote) return remote.priceCart(lines, taxConfig);
      const { pricingApi } = await import('../workers/pricing-api.ts');
      return pricingApi.priceCart(lines, taxConfig);
    },
  };
}
