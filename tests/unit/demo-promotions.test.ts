import { describe, it, expect } from 'vitest';
import * as v from 'valibot';
import { createPromotionBook, priceSale, type Promotion } from '../../src/domain/pricing/index.ts';
import { PromotionSchema } from '../../src/protocol/promotions.ts';
import { generateDemoPromotions } from '../../src/server/demo/demo-promotions.ts';
import { generateDemoRetailer } from '../../src/server/demo/demo-retailer.ts';
import { checkPromotion } from '../../src/server/hq/check-promotion.ts';

const retailer = generateDemoRetailer({ seed: 42, productCount: 5_000 });
const definitions = generateDemoPromotions(retailer, 42);
const promotions: Promotion[] = definitions.map((definition, i) => ({ ...definition, revision: i + 1 }));
const NOW = Date.UTC(2026, 10, 21);

describe('the demo promotion set', () => {
  it('is the same for the same seed', () => {
    expect(generateDemoPromotions(retailer, 42)).toEqual(definitions);
  });

  it('has at least 200 promotions active today, of every kind and stacking, in every store', () => {
    const active = promotions.filter((p) => p.validFrom <= NOW && (p.validTo === null || NOW < p.validTo));
    expect(active.length).toBeGreaterThanOrEqual(200);
    expect(new Set(active.map((p) => p.kind))).toEqual(new Set(['percent_off', 'amount_off', 'fixed_price', 'buy_x_get_y', 'mix_match', 'bundle', 'tiered_spend', 'staff']));
    expect(new Set(active.map((p) => p.stacking))).toEqual(new Set(['combinable', 'stackable', 'exclusive']));
    expect(active.some((p) => p.coupon?.singleUse)).toBe(true);
    expect(active.some((p) => p.coupon && !p.coupon.singleUse)).toBe(true);
    for (const { store } of retailer.stores) {
      expect(active.filter((p) => p.stores === null || p.stores.includes(store.id)).length, store.id).toBeGreaterThanOrEqual(60);
    }
  });

  it('passes the checks HQ would make when creating each one, against the catalogue and the others', async () => {
    const categories = new Map(retailer.products.map((p) => [p.sku, p.category]));
    const storeIds = retailer.stores.map((s) => s.store.id);
    expect(new Set(promotions.map((p) => p.id)).size).toBe(promotions.length);
    for (const [index, definition] of definitions.entries()) {
      const parsed = v.safeParse(PromotionSchema, definition);
      expect(parsed.success, `${definition.id}: ${JSON.stringify(parsed.issues?.[0]?.message)}`).toBe(true);
      const problems = await checkPromotion(definition, {
        storeIds,
        categoriesOf: async (skus) => new Map(skus.flatMap((sku) => (categories.has(sku) ? [[sku, categories.get(sku)!] as const] : []))),
        current: promotions.filter((_, other) => other < index),
      });
      expect(problems, definition.id).toEqual([]);
    }
  });

  it('fits the protocol for the demo `npm start` seeds, so every store\'s tills can load their promotions', () => {
    // Found by the simulation (tests/sim): the default demo gave Berlin a "buy 2, get 1 half price"
    // promotion whose name, made of two long product names, was 121 characters; the tills' bootstrap
    // refuses a record the protocol does not allow, so no Berlin till could load its catalogue.
    // 20261121 is DEMO_SEED's default (src/server/config.ts); 21 and 31 made over-long names too.
    for (const seed of [20261121, 21, 31]) {
      const demo = generateDemoRetailer({ seed, productCount: 5_000 });
      for (const definition of generateDemoPromotions(demo, seed)) {
        const parsed = v.safeParse(PromotionSchema, definition);
        expect(parsed.success, `seed ${seed} ${definition.id}: ${JSON.stringify(parsed.issues?.[0]?.message)}`).toBe(true);
      }
    }
  });

  it('never discounts a gift card, which is money', () => {
    for (const { store, prices } of retailer.stores) {
      const book = createPromotionBook(promotions, store.id);
      const giftCard = retailer.products.find((p) => p.category === 'gift-cards')!;
      const cart = [{ ...giftCard, quantity: 3, unitPrice: prices.get(giftCard.sku)!, priceVersion: 1 }];
      for (const context of [{ at: NOW }, { at: NOW, staffPurchase: true }, { at: NOW, coupons: ['WELCOME10'] }]) {
        expect(priceSale(cart, book, store.taxConfig, context).discountTotal, `${store.id} ${JSON.stringify(context)}`).toBe(0);
      }
    }
  });

  it('discounts a typical basket in each store', () => {
    for (const { store, prices } of retailer.stores) {
      const book = createPromotionBook(promotions, store.id);
      const cart = retailer.products.slice(0, 60).map((p) => ({ ...p, name: p.name, quantity: 2, unitPrice: prices.get(p.sku)!, priceVersion: 1 }));
      const totals = priceSale(cart, book, store.taxConfig, { at: NOW });
      expect(totals.discounts.length, store.id).toBeGreaterThan(0);
      expect(totals.discountTotal).toBeLessThan(totals.subtotal);
    }
  });
});
