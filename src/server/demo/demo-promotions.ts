import { PROMOTION_NAME_MAX, type PromotionDefinition } from '../../protocol/promotions.ts';
import { seededRandom, type DemoRetailer } from './demo-retailer.ts';

/**
 * A promotion set like a real grocer's week: percent and amount offs on single
 * products, category sales, multi-buys, bundles, spend thresholds, coupons and
 * a staff discount — every kind, in every store, deterministic from the seed.
 * Without a `revision`: the server gives each one when it stores it.
 */
/** Every demo promotion starts here, so a fresh demo has them all active. */
export const DEMO_PROMOTIONS_FROM = Date.UTC(2026, 0, 1);
const UNTIL = Date.UTC(2028, 0, 1);

const SALE_CATEGORIES = ['dairy', 'bakery', 'produce', 'pantry', 'frozen', 'beverages', 'snacks', 'household', 'personal-care', 'pet', 'apparel'];
const MULTIBUY_CATEGORIES = ['beverages', 'snacks', 'dairy', 'frozen', 'pantry'];
const PERCENTS = [10, 15, 20, 25, 30, 12.5];

function fitName(name: string): string {
  return name.length <= PROMOTION_NAME_MAX ? name : `${name.slice(0, PROMOTION_NAME_MAX - 1).trimEnd()}…`;
}

export function generateDemoPromotions(retailer: DemoRetailer, seed: number): PromotionDefinition[] {
  const random = seededRandom(seed ^ 0x5eed_0003);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Gift cards are money, never discounted: no promotion names them, and basket-wide
  // promotions name every other category rather than "everything".
  const products = retailer.products.filter((product) => product.category !== 'gift-cards');
  const merchandise = { skus: [], categories: [...new Set(products.map((product) => product.category))].sort() };
  if (products.length < 4) return [];
  const skusOf = (count: number) => [...new Set(Array.from({ length: count }, () => pick(products).sku))];

  const promotions: PromotionDefinition[] = [];
  // Names built from two product names can outgrow what the protocol allows, and a till refuses
  // to load a record the protocol does not allow: such a name is cut short.
  const add = (definition: Omit<PromotionDefinition, 'validFrom' | 'validTo' | 'priority' | 'stacking' | 'coupon'> & Partial<PromotionDefinition>) =>
    promotions.push({ validFrom: DEMO_PROMOTIONS_FROM, validTo: UNTIL, priority: 10, stacking: 'combinable', coupon: null, ...definition, name: fitName(definition.name) } as PromotionDefinition);

  for (const { store } of retailer.stores) {
    const stores = [store.id];
    const tag = store.receiptPrefix.toLowerCase();
    const price = (usdCents: number) => (store.currency === 'USD' ? usdCents : Math.round(usdCents * 0.9));
    let n = 0;
    const id = (kind: string) => `${tag}-${kind}-${String(++n).padStart(3, '0')}`;

    for (let i = 0; i < 30; i++) {
      const product = pick(products);
      const percent = pick(PERCENTS);
      add({ id: id('pct'), name: `${percent} % off ${product.name}`, stores, kind: 'percent_off', target: { skus: [product.sku], categories: [] }, percent });
    }
    for (let i = 0; i < 15; i++) {
      const product = pick(products);
      const amount = pick([25, 50, 75, 100]);
      add({ id: id('off'), name: `${(amount / 100).toFixed(2)} off ${product.name}`, stores, kind: 'amount_off', target: { skus: [product.sku], categories: [] }, amount: price(amount) });
    }
    for (let i = 0; i < 8; i++) {
      const product = pick(products);
      add({ id: id('fixed'), name: `${product.name}: special price`, stores, kind: 'fixed_price', target: { skus: [product.sku], categories: [] }, price: price(pick([99, 149, 199, 299])) });
    }
    for (const category of SALE_CATEGORIES.slice(0, 4 + Math.floor(random() * 4))) {
      add({ id: id('cat'), name: `${pick([5, 10])} % off all ${category}`, stores, kind: 'percent_off', target: { skus: [], categories: [category] }, percent: pick([5, 10]), priority: 5 });
    }
    for (let i = 0; i < 8; i++) {
      const product = pick(products);
      add({
        id: id('bogo'),
        name: `Buy one ${product.name}, get one free`,
        stores,
        kind: 'buy_x_get_y',
        buy: { target: { skus: [product.sku], categories: [] }, quantity: 1 },
        get: { target: { skus: [product.sku], categories: [] }, quantity: 1, percent: 100 },
        priority: 20,
      });
    }
    for (let i = 0; i < 4; i++) {
      const [buy, get] = [pick(products), pick(products)];
      add({
        id: id('bxgy'),
        name: `Buy 2 ${buy.name}, get ${get.name} half price`,
        stores,
        kind: 'buy_x_get_y',
        buy: { target: { skus: [buy.sku], categories: [] }, quantity: 2 },
        get: { target: { skus: [get.sku], categories: [] }, quantity: 1, percent: 50 },
      });
    }
    for (const category of MULTIBUY_CATEGORIES) {
      add({ id: id('mix'), name: `Any 3 ${category} for ${(price(1000) / 100).toFixed(2)}`, stores, kind: 'mix_match', target: { skus: [], categories: [category] }, quantity: 3, price: price(1000) });
    }
    for (let i = 0; i < 4; i++) {
      const group = skusOf(6);
      add({ id: id('mix'), name: `Mix and match: any 2 for ${(price(500) / 100).toFixed(2)}`, stores, kind: 'mix_match', target: { skus: group, categories: [] }, quantity: 2, price: price(500) });
    }
    for (let i = 0; i < 5; i++) {
      const components = skusOf(3).map((sku) => ({ sku, quantity: 1 }));
      if (components.length < 2) continue;
      add({ id: id('bundle'), name: `Bundle of ${components.length} for ${(price(999) / 100).toFixed(2)}`, stores, kind: 'bundle', components, price: price(999) });
    }
    add({
      id: id('spend'),
      name: 'Spend 50, save 5 — spend 100, save 15',
      stores,
      kind: 'tiered_spend',
      target: merchandise,
      tiers: [
        { threshold: 5000, amount: 500 },
        { threshold: 10000, amount: 1500 },
      ],
    });
    add({ id: id('spend'), name: 'Household: 10 % off when you spend 30', stores, kind: 'tiered_spend', target: { skus: [], categories: ['household'] }, tiers: [{ threshold: 3000, percent: 10 }] });
    add({ id: id('staff'), name: 'Staff discount 15 %', stores, kind: 'staff', target: merchandise, percent: 15 });
    add({
      id: id('coupon'),
      name: 'Coupon: 5 off when you spend 25',
      stores,
      kind: 'tiered_spend',
      target: merchandise,
      tiers: [{ threshold: 2500, amount: 500 }],
      coupon: { codes: Array.from({ length: 20 }, (_, k) => `${store.receiptPrefix}-FIVE-${String(k + 1).padStart(3, '0')}`), singleUse: true },
    });
    add({
      id: id('excl'),
      name: 'Clearance: 40 % off electronics (no other offers)',
      stores,
      kind: 'percent_off',
      target: { skus: [], categories: ['electronics'] },
      percent: 40,
      stacking: 'exclusive',
      priority: 50,
    });
  }
  // Fleet-wide: in every store. A coupon code names one promotion, so a code every store takes is one promotion for all.
  add({
    id: 'all-coupon-welcome10',
    name: 'Coupon WELCOME10: 10 % off your basket',
    stores: null,
    kind: 'tiered_spend',
    target: merchandise,
    tiers: [{ threshold: 0, percent: 10 }],
    coupon: { codes: ['WELCOME10'], singleUse: false },
  });
  add({
    id: 'all-coupon-extra5',
    name: 'Coupon EXTRA5: extra 5 % off dairy',
    stores: null,
    kind: 'percent_off',
    target: { skus: [], categories: ['dairy'] },
    percent: 5,
    stacking: 'stackable',
    coupon: { codes: ['EXTRA5'], singleUse: false },
  });
  add({ id: 'all-books-3for2', name: 'Books: buy 2, get 1 free', stores: null, kind: 'buy_x_get_y', buy: { target: { skus: [], categories: ['books'] }, quantity: 2 }, get: { target: { skus: [], categories: ['books'] }, quantity: 1, percent: 100 } });
  add({ id: 'all-kids-20', name: '20 % off kids clothing', stores: null, kind: 'percent_off', target: { skus: [], categories: ['kids-clothing'] }, percent: 20 });
  return promotions;
}
