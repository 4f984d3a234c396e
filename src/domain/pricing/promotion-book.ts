import { isActive, normaliseCouponCode, targetsOf, type Promotion } from './promotion.ts';

/**
 * A store's promotions indexed by what they touch, built once per sync of the
 * promotion set. Pricing a cart looks up each line's SKU and category, so its
 * cost grows with the promotions that can apply to the cart, not with the
 * thousands that cannot.
 */
export type PromotionBook = {
  storeId: string;
  /** highest promotion revision in the set: sales record it so the server can re-price with the same set */
  revision: number;
  bySku: Map<string, Promotion[]>;
  byCategory: Map<string, Promotion[]>;
  /** basket promotions without a target: every cart may meet them */
  storeWide: Promotion[];
  byCouponCode: Map<string, Promotion>;
};

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Indexes the promotions that can ever apply in `storeId`; validity windows are
 * checked when a cart is priced, so a book stays right as the clock moves.
 */
export function createPromotionBook(promotions: readonly Promotion[], storeId: string, revision?: number): PromotionBook {
  const book: PromotionBook = {
    storeId,
    revision: revision ?? promotions.reduce((max, promotion) => Math.max(max, promotion.revision), 0),
    bySku: new Map(),
    byCategory: new Map(),
    storeWide: [],
    byCouponCode: new Map(),
  };
  for (const promotion of promotions) {
    if (promotion.stores !== null && !promotion.stores.includes(storeId)) continue;
    const targets = targetsOf(promotion);
    if (targets.length === 0) book.storeWide.push(promotion);
    const skus = new Set(targets.flatMap((target) => target.skus));
    const categories = new Set(targets.flatMap((target) => target.categories));
    for (const sku of skus) push(book.bySku, sku, promotion);
    for (const category of categories) push(book.byCategory, category, promotion);
    for (const code of promotion.coupon?.codes ?? []) book.byCouponCode.set(normaliseCouponCode(code), promotion);
  }
  return book;
}

/** The promotions of the book active at `at`, in the store: what a shelf sign for one product may show. */
export function promotionsForProduct(book: PromotionBook, sku: string, category: string, at: number): Promotion[] {
  const found = new Set([...(book.bySku.get(sku) ?? []), ...(book.byCategory.get(category) ?? [])]);
  return [...found].filter((promotion) => isActive(promotion, book.storeId, at));
}
