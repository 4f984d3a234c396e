import { wrap } from 'comlink';
import type { CartLine } from '../../../src/domain/cart-line.ts';
import { createPromotionBook, promotionsForProduct, type Promotion, type TaxConfig } from '../../../src/domain/pricing/index.ts';
import { createPricingClient } from '../../../src/app/pricing-client.ts';
import { createPricingApi, type PricingApi } from '../../../src/workers/pricing-api.ts';

type BenchWorker = PricingApi & { timedPriceSale: PricingApi['priceSale'] extends (...args: infer A) => unknown ? (...args: A) => number : never };

export type PricingBenchInput = {
  cart: CartLine[];
  taxConfig: TaxConfig;
  storeId: string;
  promotions: Promotion[];
  headlineCount: number;
  scaleCounts: number[];
  iterations: number;
  warmup: number;
};

export type PricingBenchOutput = {
  headline: { inline: number[]; workerCompute: number[]; workerRoundTrip: number[]; sameTotals: boolean; discountLines: number };
  scaling: { promotions: number; applicable: number; inline: number[] }[];
};

/** The same call three ways: inline on this thread, through the till's own client and worker, and timed inside a worker. */
const inline = createPricingApi();
const client = createPricingClient();
const worker = wrap<BenchWorker>(new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' }));

/** Promotions whose index entries the cart's lines reach: what the engine may have to weigh. */
function applicable(promotions: Promotion[], storeId: string, cart: CartLine[]): number {
  const book = createPromotionBook(promotions, storeId);
  const reached = new Set<string>();
  for (const line of cart) for (const promotion of promotionsForProduct(book, line.sku, line.category, 0)) reached.add(promotion.id);
  for (const promotion of book.storeWide) reached.add(promotion.id);
  return reached.size;
}

async function run(input: PricingBenchInput): Promise<PricingBenchOutput> {
  const { cart, taxConfig, storeId, iterations, warmup } = input;
  const context = { at: 1 };
  const headlineSet = input.promotions.slice(0, input.headlineCount);
  inline.setPromotions(headlineSet, storeId);
  await client.setPromotions(headlineSet, storeId);
  await worker.setPromotions(headlineSet, storeId);

  const timeInline = () => {
    const start = performance.now();
    inline.priceSale(cart, taxConfig, context);
    return performance.now() - start;
  };
  const timeRoundTrip = async () => {
    const start = performance.now();
    await client.priceSale(cart, taxConfig, context);
    return performance.now() - start;
  };
  for (let i = 0; i < warmup; i++) {
    timeInline();
    await timeRoundTrip();
    await worker.timedPriceSale(cart, taxConfig, context);
  }
  // Interleaved, so a slow spell of the machine lands on all three alike.
  const headline = { inline: [] as number[], workerCompute: [] as number[], workerRoundTrip: [] as number[] };
  for (let i = 0; i < iterations; i++) {
    headline.inline.push(timeInline());
    headline.workerRoundTrip.push(await timeRoundTrip());
    headline.workerCompute.push(await worker.timedPriceSale(cart, taxConfig, context));
  }
  const page = inline.priceSale(cart, taxConfig, context);
  const fromWorker = await client.priceSale(cart, taxConfig, context);

  const scaling: PricingBenchOutput['scaling'] = [];
  for (const count of input.scaleCounts) {
    const set = input.promotions.slice(0, count);
    inline.setPromotions(set, storeId);
    for (let i = 0; i < warmup; i++) timeInline();
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) samples.push(timeInline());
    scaling.push({ promotions: count, applicable: applicable(set, storeId, cart), inline: samples });
  }
  return {
    headline: { ...headline, sameTotals: JSON.stringify(page) === JSON.stringify(fromWorker), discountLines: page.discounts.length },
    scaling,
  };
}

(globalThis as unknown as { pricingBench: typeof run }).pricingBench = run;
document.title = 'ready';
