import { wrap, type Remote } from 'comlink';
import type { CartLine } from '../domain/cart-line.ts';
import type { PricingContext, Promotion, SaleTotals, ShelfSign, SignProduct, TaxConfig } from '../domain/pricing/index.ts';
import type { PricingApi } from '../workers/pricing-api.ts';
import type { PricingWorkerApi } from '../workers/pricing.worker.ts';
import { decodeTotals } from '../workers/totals-codec.ts';

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
  let remote: Remote<PricingWorkerApi> | null = null;
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
    remote = wrap<PricingWorkerApi>(worker);
    workerDied = new Promise((_, reject) => worker.addEventListener('error', (event) => reject(new Error(`pricing worker failed: ${event.message}`)), { once: true }));
    workerDied.catch((error: unknown) => {
      console.warn('pricing on the main thread from now on', error);
      remote = null;
    });
  } catch (error) {
    console.warn('pricing worker unavailable; pricing on the main thread', error);
  }

  /** Runs `inWorker` in the worker, or `inline` on this thread once the worker is gone. */
  async function run<T>(inWorker: (worker: Remote<PricingWorkerApi>) => Promise<T>, inline: (api: PricingApi) => T): Promise<T> {
    if (remote) {
      try {
        return await Promise.race([inWorker(remote), workerDied]);
      } catch (error) {
        if (remote) throw error; // the call itself failed: the caller says why
      }
    }
    return inline(await inlineApi());
  }

  return {
    async setPromotions(promotions, storeId) {
      lastPromotions = [promotions, storeId];
      await run(
        (worker) => worker.setPromotions(promotions, storeId),
        (api) => api.setPromotions(promotions, storeId),
      );
    },
    priceSale: (cart, taxConfig, context) =>
      run(
        async (worker) => decodeTotals(cart, await worker.priceSale(JSON.stringify(cart), taxConfig, context)),
        (api) => api.priceSale(cart, taxConfig, context),
      ),
    shelfSigns: (products, taxConfig, at) =>
      run(
        (worker) => worker.shelfSigns(products, taxConfig, at),
        (api) => api.shelfSigns(products, taxConfig, at),
      ),
  };
}

let shared: PricingClient | null = null;

/**
 * The page's one pricing client, started on first use: the checkout and the
 * shelf signs share its worker and the promotions it holds. Not at page load:
 * the enrollment and PIN screens price nothing.
 */
export function pricingClient(): PricingClient {
  return (shared ??= createPricingClient());
}

