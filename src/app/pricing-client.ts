import { wrap, type Remote } from 'comlink';
import type { CartTotals } from '../domain/cart.ts';
import type { CartLine } from '../domain/cart-line.ts';
import type { TaxConfig } from '../domain/tax.ts';
import type { PricingApi } from '../workers/pricing-api.ts';

export type PricingClient = { priceCart(lines: CartLine[], taxConfig: TaxConfig): Promise<CartTotals> };

const priceInline: PricingClient['priceCart'] = async (lines, taxConfig) => (await import('../workers/pricing-api.ts')).pricingApi.priceCart(lines, taxConfig);

/**
 * Totals are computed in a Comlink worker so a long cart or a large promotion set
 * never blocks a scan. If the worker cannot start, or dies, the same domain code
 * runs inline instead: a till that cannot price cannot sell.
 */
export function createPricingClient(): PricingClient {
  let remote: Remote<PricingApi> | null = null;
  let workerDied: Promise<never> = new Promise(() => {});
  try {
    const worker = new Worker(new URL('../workers/pricing.worker.ts', import.meta.url), { type: 'module', name: 'pricing' });
    remote = wrap<PricingApi>(worker);
    workerDied = new Promise((_, reject) => worker.addEventListener('error', (event) => reject(new Error(`pricing worker failed: ${event.message}`)), { once: true }));
    workerDied.catch((error: unknown) => {
      console.warn('pricing on the main thread from now on', error);
      remote = null;
    });
  } catch (error) {
    console.warn('pricing worker unavailable; pricing on the main thread', error);
  }
  return {
    async priceCart(lines, taxConfig) {
      if (!remote) return priceInline(lines, taxConfig);
      try {
        return await Promise.race([remote.priceCart(lines, taxConfig), workerDied]);
      } catch (error) {
        if (remote) throw error; // the pricing itself failed: the caller says why
        return priceInline(lines, taxConfig);
      }
    },
  };
}
