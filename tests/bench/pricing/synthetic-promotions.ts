import type { CartLine } from '../../../src/domain/cart-line.ts';
import type { Promotion, PromotionTarget } from '../../../src/domain/pricing/index.ts';
import { seededRandom } from '../../../src/server/demo/demo-retailer.ts';

/**
 * A grocer-sized catalogue, a 200-line cart and a large promotion set of every
 * kind, deterministic from the seed. Promotions crowd onto a "promoted" part of
 * the catalogue that half the cart comes from, as they do in a real store, so
 * many of them meet the cart and the engine has real work to do.
 */
export const PRODUCTS = 20_000;
const PROMOTED = 4_000;
const CATEGORIES = Array.from({ length: 15 }, (_, i) => `cat-${i + 1}`);
export const BENCH_STORE = 'store-bench';

const sku = (index: number) => `P-${String(index).padStart(5, '0')}`;
const categoryOf = (index: number) => CATEGORIES[index % CATEGORIES.length]!;
const priceOf = (index: number) => 49 + ((index * 7919) % 4950);

export function benchCart(lines: number, seed = 1): CartLine[] {
  const random = seededRandom(seed);
  const chosen = new Set<number>();
  while (chosen.size < lines) {
    const promoted = chosen.size % 2 === 0;
    chosen.add(promoted ? Math.floor(random() * PROMOTED) : PROMOTED + Math.floor(random() * (PRODUCTS - PROMOTED)));
  }
  return [...chosen].map((index) => ({
    sku: sku(index),
    name: `Product ${index}`,
    quantity: 1 + Math.floor(random() * 4),
    unitPrice: priceOf(index),
    taxCategory: index % 3 === 0 ? 'reduced' : 'standard',
    category: categoryOf(index),
    priceVersion: 1,
  }));
}

export function benchPromotions(count: number, seed = 2): Promotion[] {
  const random = seededRandom(seed);
  const promotedSku = () => sku(Math.floor(random() * PROMOTED));
  const skus = (n: number): PromotionTarget => ({ skus: Array.from({ length: n }, promotedSku), categories: [] });
  const category = (): PromotionTarget => ({ skus: [], categories: [CATEGORIES[Math.floor(random() * CATEGORIES.length)]!] });
  const promotions: Promotion[] = [];
  for (let i = 0; i < count; i++) {
    const common = {
      id: `bench-${String(i).padStart(5, '0')}`,
      name: `Bench promotion ${i}`,
      revision: i + 1,
      validFrom: 0,
      validTo: null,
      stores: [BENCH_STORE],
      priority: 10,
      stacking: 'combinable' as const,
      coupon: null,
    };
    const roll = random();
    if (roll < 0.4) promotions.push({ ...common, kind: 'percent_off', target: skus(1), percent: 5 + Math.floor(random() * 30) });
    else if (roll < 0.55) promotions.push({ ...common, kind: 'amount_off', target: skus(1), amount: 10 + Math.floor(random() * 200) });
    else if (roll < 0.65) promotions.push({ ...common, kind: 'fixed_price', target: skus(1), price: 99 + Math.floor(random() * 500) });
    else if (roll < 0.72) {
      const target = skus(1);
      promotions.push({ ...common, kind: 'buy_x_get_y', buy: { target, quantity: 1 }, get: { target, quantity: 1, percent: 100 } });
    } else if (roll < 0.75) {
      promotions.push({ ...common, kind: 'buy_x_get_y', buy: { target: skus(1), quantity: 2 }, get: { target: skus(1), quantity: 1, percent: 50 } });
    } else if (roll < 0.83) promotions.push({ ...common, kind: 'mix_match', target: skus(5), quantity: 3, price: 500 + Math.floor(random() * 500) });
    else if (roll < 0.9) {
      const components = [...new Set(skus(3).skus)].map((s) => ({ sku: s, quantity: 1 }));
      if (components.length < 2) components.push({ sku: sku(PROMOTED - 1 - i), quantity: 1 });
      promotions.push({ ...common, kind: 'bundle', components, price: 400 + Math.floor(random() * 800) });
    } else if (roll < 0.94) promotions.push({ ...common, kind: 'percent_off', target: category(), percent: 5, priority: 5 });
    else if (roll < 0.97) promotions.push({ ...common, kind: 'percent_off', target: skus(1), percent: 5, stacking: 'stackable' });
    else if (roll < 0.99) {
      promotions.push({ ...common, kind: 'tiered_spend', target: category(), tiers: [{ threshold: 5000, amount: 500 }, { threshold: 10000, amount: 1500 }] });
    } else promotions.push({ ...common, kind: 'percent_off', target: category(), percent: 25, stacking: 'exclusive', priority: 20 + i });
  }
  return promotions;
}
