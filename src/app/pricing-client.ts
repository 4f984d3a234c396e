import { wrap, type Remote } from 'comlink';
import type { CartLine } from '../domain/cart-line.ts';
import type { PricingContext, Promotion, SaleTotals, ShelfSign, SignProduct, TaxConfig } from '../domain/pricing/index.ts';
import type { PricingApi } from '../workers/pricing-api.ts';

export type PricingClient = {
  /** The store's promotion set changed (or arrived): price from now on with this one. */
  setPromotions(promotions: Promotion[], storeId: string): Promise<void>;
  priceSale(cart: CartLine[], taxConfig: TaxConfig, context: PricingContext): Promise<SaleTotals>;
  shelfSigns(products: SignProduct[], taxConfig: TaxConfig, at: number): Promise<ShelfSign[]>;
};

/**
 * Totals are computed in a Comlink worker so a long cart or a large promotion set
 * never blocks a scan. If the worker cannot start, or dies, the same domain code
 * runs inline instead, with the promotions last sent: a till that cannot price
 * cannot sell.
 */
export function createPricingClient(): PricingClient {
  let remote: Remote<PricingApi> | null = null;
  let workerDied: Promise<never> = new Promise(() => {});
  let lastPromotions: [Promotion[], string] = [[], ''];
  let inline: Promise<PricingApi> | null = null;
  const inlineApi = () =>
    (inline ??= import('../workers/pricing-api.ts').then(({ createPricingApi }) => {
      const api = createPricingApi();
      api.setPromotions(...lastPromotions);
      return api;
    }));

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

  /** Runs `call` in the worker, or inline once the worker is gone. */
  async function run<T>(call: (api: PricingApi | Remote<PricingApi>) => T | Promise<T>): Promise<T> {
    if (remote) {
      try {
        return await Promise.race([call(remote), workerDied]);
      } catch (error) {
        if (remote) throw error; // the call itself failed: the caller says why
      }
    }
    return call(await inlineApi());
  }

  return {
    async setPromotions(promotions, storeId) {
      lastPromotions = [promotions, storeId];
      if (inline) (await inline).setPromotions(promotions, storeId);
      await run((api) => api.setPromotions(promotions, storeId));
    },
    priceSale: (cart, taxConfig, context) => run((api) => api.priceSale(cart, taxConfig, context)),
    shelfSigns: (products, taxConfig, at) => run((api) => api.shelfSigns(products, taxConfig, at)),
  };
}
