import { describe, it, expect } from 'vitest';
import { createPromotionBook, priceSale, type PricingContext, type Promotion, type SaleTotals, type TaxConfig } from '../../src/domain/pricing/index.ts';
import type { BasketPromotion, ItemPromotion } from '../../src/domain/pricing/promotion.ts';
import type { CartLine } from '../../src/domain/cart-line.ts';

/**
 * Worked examples of the pricing engine, one behaviour per test. Amounts are
 * minor units (cents); the arithmetic behind every expected number is written
 * out beside it.
 */

const STORE = 'store-1';
const NOW = Date.UTC(2025, 5, 15, 12);
const HOUR = 3_600_000;

/** Most examples are about discounts alone: a store whose authorities tax nothing. */
const untaxed: TaxConfig = {
  version: 1,
  mode: 'exclusive',
  rounding: 'half-up',
  level: 'line',
  categories: { standard: { label: 'Standard' } },
  jurisdictions: [],
};

const salesTax10: TaxConfig = {
  version: 2,
  mode: 'exclusive',
  rounding: 'half-up',
  level: 'line',
  categories: { standard: { label: 'Standard' } },
  jurisdictions: [{ id: 'state', label: 'State', rates: { standard: 100_000 } }],
};

type CommonFields = Pick<Promotion, 'name' | 'revision' | 'validFrom' | 'validTo' | 'stores' | 'priority' | 'stacking' | 'coupon'>;

function promotion(id: string, kind: ItemPromotion | BasketPromotion, fields: Partial<CommonFields> = {}): Promotion {
  return { id, name: id, revision: 1, validFrom: 0, validTo: null, stores: null, priority: 0, stacking: 'combinable', coupon: null, ...fields, ...kind };
}

function item(sku: string, quantity: number, unitPrice: number, category = 'general', taxCategory = 'standard'): CartLine {
  return { sku, name: sku, quantity, unitPrice, taxCategory, category, priceVersion: 1 };
}

function price(cart: CartLine[], promotions: Promotion[], context: Partial<PricingContext> = {}, taxConfig: TaxConfig = untaxed): SaleTotals {
  return priceSale(cart, createPromotionBook(promotions, STORE), taxConfig, { at: NOW, ...context });
}

/** Discount lines as `label: amount`, the way a receipt lists them. */
function receiptDiscounts(totals: SaleTotals): string[] {
  return totals.discounts.map((d) => `${d.label}: ${d.amount}`);
}

const skus = (...list: string[]) => ({ skus: list, categories: [] });
const categories = (...list: string[]) => ({ skus: [], categories: list });

describe('percent_off', () => {
  it('takes the percentage off each targeted line, rounded half-up per line', () => {
    // 3 × 3.33 = 9.99; 12.5 % of 999 = 124.875 → 124.88 half-up; the bread is not targeted
    const totals = price([item('COFFEE', 3, 333, 'coffee'), item('BREAD', 1, 250, 'bakery')], [promotion('p', { kind: 'percent_off', target: categories('coffee'), percent: 12.5 }, { name: 'Coffee 12.5 % off' })]);
    expect(totals.lines.map((l) => l.discount)).toEqual([125, 0]);
    expect(receiptDiscounts(totals)).toEqual(['Coffee 12.5 % off: 125']);
    expect(totals.total).toBe(999 + 250 - 125);
  });
});

describe('amount_off', () => {
  it('takes the amount off every unit, but never more than the unit costs', () => {
    // 2 × (1.00 off 4.00) = 2.00; 3 × min(1.00, 0.80) = 2.40
    const totals = price([item('SOAP', 2, 400), item('GUM', 3, 80)], [promotion('p', { kind: 'amount_off', target: skus('SOAP', 'GUM'), amount: 100 })]);
    expect(totals.lines.map((l) => l.discount)).toEqual([200, 240]);
    expect(totals.lines.map((l) => l.net)).toEqual([600, 0]);
    expect(totals.discountTotal).toBe(440);
  });
});

describe('fixed_price', () => {
  it('sells each unit at the promotion price and leaves units already cheaper alone', () => {
    // WINE 2 × (12.99 − 9.99) = 6.00; CIDER at 8.50 is under 9.99 already
    const totals = price([item('WINE', 2, 1299, 'wine'), item('CIDER', 1, 850, 'wine')], [promotion('p', { kind: 'fixed_price', target: categories('wine'), price: 999 })]);
    expect(totals.lines.map((l) => l.net)).toEqual([1998, 850]);
    expect(totals.discountTotal).toBe(600);
  });
});

describe('buy_x_get_y', () => {
  const bogo = promotion('bogo', { kind: 'buy_x_get_y', buy: { target: skus('SOCKS'), quantity: 1 }, get: { target: skus('SOCKS'), quantity: 1, percent: 100 } }, { name: 'Socks: buy one get one free' });

  it('gives one unit free for each one bought when the same item is both bought and given (BOGO)', () => {
    // 5 units: two pairs → 2 × 3.00 free; the fifth sock is paid in full
    const totals = price([item('SOCKS', 5, 300)], [bogo]);
    expect(receiptDiscounts(totals)).toEqual(['Socks: buy one get one free: 600']);
    expect(totals.total).toBe(900);
  });

  it('gives the cheaper unit of each pair when the group mixes prices', () => {
    // dearest first: (8.00, 5.00) → 5.00 free; (5.00, 2.00) → 2.00 free
    const pairs = promotion('pairs', { kind: 'buy_x_get_y', buy: { target: categories('socks'), quantity: 1 }, get: { target: categories('socks'), quantity: 1, percent: 100 } });
    const totals = price([item('WOOL', 1, 800, 'socks'), item('COTTON', 2, 500, 'socks'), item('BASIC', 1, 200, 'socks')], [pairs]);
    expect(totals.discountTotal).toBe(700);
    expect(totals.lines.map((l) => l.discount)).toEqual([0, 500, 200]);
  });

  it('buy 2 of A, get 1 of B at 50 %: one B at half price for every two A', () => {
    // 5 A buy two sets (the fifth A buys nothing); 3 B, so two of them at 50 %: 2 × 3.00
    const promo = promotion('ab', { kind: 'buy_x_get_y', buy: { target: skus('PASTA'), quantity: 2 }, get: { target: skus('SAUCE'), quantity: 1, percent: 50 } });
    const totals = price([item('PASTA', 5, 150), item('SAUCE', 3, 600)], [promo]);
    expect(totals.lines.map((l) => l.discount)).toEqual([0, 600]);
    expect(totals.total).toBe(750 + 1800 - 600);
  });

  it('gives nothing when the bought units are missing', () => {
    const promo = promotion('ab', { kind: 'buy_x_get_y', buy: { target: skus('PASTA'), quantity: 2 }, get: { target: skus('SAUCE'), quantity: 1, percent: 50 } });
    const totals = price([item('PASTA', 1, 150), item('SAUCE', 3, 600)], [promo]);
    expect(totals.discounts).toEqual([]);
  });

  it('leaves a unit the BOGO did not use free for another promotion', () => {
    // 3 × 1.00 of A: the BOGO uses two units (1.00 off); the third takes the 10 % (0.10)
    const tenPercent = promotion('ten', { kind: 'percent_off', target: categories('general'), percent: 10 });
    const totals = price([item('A', 3, 100)], [promotion('bogo', { kind: 'buy_x_get_y', buy: { target: skus('A'), quantity: 1 }, get: { target: skus('A'), quantity: 1, percent: 100 } }), tenPercent]);
    expect(receiptDiscounts(totals)).toEqual(['bogo: 100', 'ten: 10']);
  });

  it('leaves the B units it did not give at a discount free for another promotion', () => {
    // buy 2 A get 1 B at 50 %: one B at 3.00 off; the second B takes 10 % of 6.00 = 0.60
    const promo = promotion('ab', { kind: 'buy_x_get_y', buy: { target: skus('PASTA'), quantity: 2 }, get: { target: skus('SAUCE'), quantity: 1, percent: 50 } });
    const tenPercent = promotion('ten', { kind: 'percent_off', target: skus('SAUCE'), percent: 10 });
    const totals = price([item('PASTA', 2, 150), item('SAUCE', 2, 600)], [promo, tenPercent]);
    expect(receiptDiscounts(totals)).toEqual(['ab: 300', 'ten: 60']);
  });
});

describe('mix_match', () => {
  const threeForTen = promotion('m', { kind: 'mix_match', target: categories('candles'), quantity: 3, price: 1000 }, { name: 'Candles: 3 for 10.00' });

  it('sells any three of the group for 10.00 and the rest at the shelf price', () => {
    // 7 candles at 4.00: two groups of three at 10.00 (2 × 2.00 off); the seventh at 4.00
    const totals = price([item('VANILLA', 4, 400, 'candles'), item('PINE', 3, 400, 'candles')], [threeForTen]);
    expect(receiptDiscounts(totals)).toEqual(['Candles: 3 for 10.00: 400']);
    expect(totals.total).toBe(2 * 1000 + 400);
  });

  it('groups the dearest units first and spreads a group’s saving by value', () => {
    // dearest first: 5.00, 5.00, 3.50 = 13.50 → 3.50 off, shared by value between the lines:
    //   BIG 350 × 1000/1350 = 259.26 → 259, SMALL 350 × 350/1350 = 90.74 → 91 (the spare cent to the larger remainder)
    // the second group 3.50, 3.50, 3.50 = 10.50 → 0.50 off, all SMALL: SMALL 91 + 50 = 141
    const totals = price([item('BIG', 2, 500, 'candles'), item('SMALL', 4, 350, 'candles')], [threeForTen]);
    expect(totals.discountTotal).toBe(350 + 50);
    const big = totals.lines[0]!;
    const small = totals.lines[1]!;
    expect(big.discount + small.discount).toBe(400);
    expect(big.discount).toBe(259);
    expect(small.discount).toBe(141);
  });

  it('gives nothing when the group is cheaper than the deal price', () => {
    const totals = price([item('TEA', 3, 300, 'candles')], [threeForTen]);
    expect(totals.discounts).toEqual([]);
  });
});

describe('bundle', () => {
  const lunch = promotion('lunch', { kind: 'bundle', components: [{ sku: 'SANDWICH', quantity: 1 }, { sku: 'CRISPS', quantity: 1 }, { sku: 'DRINK', quantity: 1 }], price: 500 }, { name: 'Meal deal 5.00' });

  it('sells the components together at the bundle price as many times as they are all present', () => {
    // (3.50 + 1.20 + 1.80) − 5.00 = 1.50 per bundle; only two drinks, so two bundles
    const totals = price([item('SANDWICH', 3, 350), item('CRISPS', 2, 120), item('DRINK', 2, 180)], [lunch]);
    expect(receiptDiscounts(totals)).toEqual(['Meal deal 5.00: 300']);
    // each bundle's 1.50 by value: 150 × 350/650 = 80.77 → 81, 150 × 120/650 = 27.69 → 28, 150 × 180/650 = 41.54 → 41
    // (floors 80 + 27 + 41 = 148; the two spare cents go to the largest remainders .77 and .69); two bundles double it
    expect(totals.lines.map((l) => l.discount)).toEqual([162, 56, 82]);
  });

  it('gives nothing while a component is missing', () => {
    expect(price([item('SANDWICH', 1, 350), item('CRISPS', 1, 120)], [lunch]).discounts).toEqual([]);
  });
});

describe('tiered_spend', () => {
  const tiers = promotion('spend', { kind: 'tiered_spend', target: null, tiers: [{ threshold: 5000, amount: 500 }, { threshold: 10_000, amount: 1500 }] }, { name: 'Spend & save' });

  it('gives nothing below the first threshold', () => {
    expect(price([item('A', 1, 4999)], [tiers]).discounts).toEqual([]);
  });

  it('gives 5.00 off at exactly 50.00', () => {
    expect(price([item('A', 1, 5000)], [tiers]).discountTotal).toBe(500);
  });

  it('gives only the highest tier reached: 15.00 off at 120.00, not 5.00 + 15.00', () => {
    const totals = price([item('A', 1, 8000), item('B', 1, 4000)], [tiers]);
    expect(receiptDiscounts(totals)).toEqual(['Spend & save: 1500']);
    // spread by value: 1500 × 8000/12000 = 1000, 1500 × 4000/12000 = 500
    expect(totals.lines.map((l) => l.discount)).toEqual([1000, 500]);
  });

  it('measures spend on the target only, when it has one', () => {
    const onToys = promotion('toys', { kind: 'tiered_spend', target: categories('toys'), tiers: [{ threshold: 5000, percent: 10 }] });
    // toys 40.00 + books 30.00: the toys alone do not reach 50.00
    expect(price([item('TRAIN', 1, 4000, 'toys'), item('NOVEL', 1, 3000, 'books')], [onToys]).discounts).toEqual([]);
    // toys 60.00: 10 % of the toys = 6.00, all on the toy line
    const totals = price([item('TRAIN', 1, 6000, 'toys'), item('NOVEL', 1, 3000, 'books')], [onToys]);
    expect(totals.lines.map((l) => l.discount)).toEqual([600, 0]);
  });
});

describe('coupons', () => {
  const welcome = promotion('welcome', { kind: 'percent_off', target: categories('general'), percent: 10 }, { name: 'Welcome 10 %', coupon: { codes: ['WELCOME10'], singleUse: false } });
  const once = promotion('once', { kind: 'amount_off', target: categories('general'), amount: 200 }, { name: 'Thank-you 2.00', coupon: { codes: ['THANKS-A1B2', 'THANKS-C3D4'], singleUse: true } });
  const expired = promotion('old', { kind: 'percent_off', target: categories('general'), percent: 50 }, { name: 'Old 50 %', validTo: NOW - HOUR, coupon: { codes: ['HALF'], singleUse: false } });
  const cart = [item('A', 1, 1000)];
  const promotions = [welcome, once, expired];

  it('does not apply a couponed promotion without its code', () => {
    const totals = price(cart, promotions);
    expect(totals.discounts).toEqual([]);
    expect(totals.coupons).toEqual([]);
  });

  it('applies a code entered in any case and with stray spaces, and records it on the discount source', () => {
    const totals = price(cart, promotions, { coupons: ['  welcome10 '] });
    expect(totals.discounts).toEqual([{ source: { type: 'promotion', promotionId: 'welcome', revision: 1, kind: 'percent_off', coupon: 'WELCOME10' }, label: 'Welcome 10 %', amount: 100 }]);
    expect(totals.coupons).toEqual([{ code: 'WELCOME10', status: 'applied', promotionName: 'Welcome 10 %' }]);
  });

  it('keeps applying a multi-use code the device has seen redeemed before', () => {
    const totals = price(cart, promotions, { coupons: ['WELCOME10'], redeemedCoupons: ['welcome10'] });
    expect(totals.coupons).toEqual([{ code: 'WELCOME10', status: 'applied', promotionName: 'Welcome 10 %' }]);
    expect(totals.discountTotal).toBe(100);
  });

  it('applies a single-use code that has not been redeemed yet', () => {
    const totals = price(cart, promotions, { coupons: ['thanks-a1b2'], redeemedCoupons: ['THANKS-C3D4'] });
    expect(totals.coupons).toEqual([{ code: 'THANKS-A1B2', status: 'applied', promotionName: 'Thank-you 2.00' }]);
    expect(totals.discountTotal).toBe(200);
  });

  it('refuses a single-use code already redeemed as already_used', () => {
    const totals = price(cart, promotions, { coupons: ['THANKS-A1B2'], redeemedCoupons: [' thanks-a1b2'] });
    expect(totals.coupons).toEqual([{ code: 'THANKS-A1B2', status: 'already_used', promotionName: 'Thank-you 2.00' }]);
    expect(totals.discounts).toEqual([]);
  });

  it('reports an unknown code as unknown, an expired one as not_valid_now, and one that changes nothing as no_effect', () => {
    const totals = price([item('B', 1, 1000, 'other')], promotions, { coupons: ['NOPE', 'half', 'WELCOME10'] });
    expect(totals.coupons).toEqual([
      { code: 'NOPE', status: 'unknown' },
      { code: 'HALF', status: 'not_valid_now', promotionName: 'Old 50 %' },
      { code: 'WELCOME10', status: 'no_effect', promotionName: 'Welcome 10 %' },
    ]);
    expect(totals.discounts).toEqual([]);
  });

  it('lists a code entered twice once', () => {
    expect(price(cart, promotions, { coupons: ['WELCOME10', 'welcome10'] }).coupons).toEqual([{ code: 'WELCOME10', status: 'applied', promotionName: 'Welcome 10 %' }]);
  });
});

describe('staff discount', () => {
  const staff = promotion('staff', { kind: 'staff', target: null, percent: 20 }, { name: 'Staff 20 %' });

  it('applies only to a staff purchase', () => {
    expect(price([item('A', 1, 1000)], [staff]).discounts).toEqual([]);
    expect(price([item('A', 1, 1000)], [staff], { staffPurchase: false }).discounts).toEqual([]);
    const totals = price([item('A', 1, 1000)], [staff], { staffPurchase: true });
    expect(receiptDiscounts(totals)).toEqual(['Staff 20 %: 200']);
    expect(totals.discounts[0]!.source).toEqual({ type: 'promotion', promotionId: 'staff', revision: 1, kind: 'staff' });
  });

  it('applies only to its target when it has one', () => {
    const staffClothing = promotion('staff', { kind: 'staff', target: categories('clothing'), percent: 30 });
    const totals = price([item('SHIRT', 1, 2000, 'clothing'), item('TV', 1, 30_000, 'electronics')], [staffClothing], { staffPurchase: true });
    expect(totals.lines.map((l) => l.discount)).toEqual([600, 0]);
  });
});

describe('manual discounts', () => {
  it('takes a line discount off the line it names and records reason and approver', () => {
    const totals = price([item('A', 1, 1000), item('B', 1, 2000)], [], {
      manualDiscounts: [{ id: 'm1', scope: 1, percent: 15, reason: 'damaged box', approvedBy: 'mgr-42' }],
    });
    expect(totals.lines.map((l) => l.discount)).toEqual([0, 300]);
    expect(totals.discounts).toEqual([{ source: { type: 'manual', manualId: 'm1', reason: 'damaged box', approvedBy: 'mgr-42' }, label: 'Manager discount: damaged box', amount: 300 }]);
  });

  it('takes a line discount off the price the promotions left', () => {
    // 20 % promotion: 10.00 → 8.00; manager 10 % of 8.00 = 0.80
    const totals = price([item('A', 1, 1000)], [promotion('p', { kind: 'percent_off', target: skus('A'), percent: 20 })], {
      manualDiscounts: [{ id: 'm1', scope: 0, percent: 10, reason: 'loyal customer', approvedBy: 'mgr-1' }],
    });
    expect(receiptDiscounts(totals)).toEqual(['p: 200', 'Manager discount: loyal customer: 80']);
  });

  it('takes a basket amount off last, spread by what each line still costs, and never more than the basket', () => {
    const totals = price([item('A', 1, 300), item('B', 1, 100)], [], {
      manualDiscounts: [{ id: 'm2', scope: 'basket', amount: 100, reason: 'price match', approvedBy: 'mgr-7' }],
    });
    expect(totals.lines.map((l) => l.discount)).toEqual([75, 25]);
    expect(totals.discounts[0]!.source).toEqual({ type: 'manual', manualId: 'm2', reason: 'price match', approvedBy: 'mgr-7' });
    const capped = price([item('A', 1, 300)], [], { manualDiscounts: [{ id: 'm3', scope: 'basket', amount: 5000, reason: 'goodwill', approvedBy: 'mgr-7' }] });
    expect(capped.discountTotal).toBe(300);
    expect(capped.total).toBe(0);
  });

  it('comes after the spend thresholds, so a manager’s discount never makes the customer pay more', () => {
    // 10.00 + 42.00 = 52.00 reaches "spend 50 save 5" (47.00); 3.00 off the mug then makes it 44.00, not 49.00.
    const spend = promotion('spend', { kind: 'tiered_spend', target: null, tiers: [{ threshold: 5000, amount: 500 }] });
    const without = price([item('MUG', 1, 1000), item('KETTLE', 1, 4200)], [spend]);
    const withManager = price([item('MUG', 1, 1000), item('KETTLE', 1, 4200)], [spend], {
      manualDiscounts: [{ id: 'm', scope: 0, amount: 300, reason: 'chipped', approvedBy: 'mgr' }],
    });
    expect(without.total).toBe(4700);
    expect(withManager.total).toBe(4400);
  });

  it('refuses a line discount on a line the cart does not have', () => {
    expect(() => price([item('A', 1, 300)], [], { manualDiscounts: [{ id: 'm', scope: 1, amount: 10, reason: 'x', approvedBy: 'mgr' }] })).toThrow(RangeError);
  });
});

describe('validity window and store scope', () => {
  const window = promotion('w', { kind: 'amount_off', target: skus('A'), amount: 100 }, { validFrom: NOW, validTo: NOW + HOUR });
  const cart = [item('A', 1, 1000)];
  const at = (time: number) => priceSale(cart, createPromotionBook([window], STORE), untaxed, { at: time }).discountTotal;

  it('applies from validFrom inclusive up to validTo exclusive', () => {
    expect(at(NOW - 1)).toBe(0);
    expect(at(NOW)).toBe(100);
    expect(at(NOW + HOUR - 1)).toBe(100);
    expect(at(NOW + HOUR)).toBe(0);
  });

  it('applies in the stores it names and nowhere else', () => {
    const scoped = promotion('s', { kind: 'amount_off', target: skus('A'), amount: 100 }, { stores: ['store-2', STORE] });
    const elsewhere = promotion('e', { kind: 'amount_off', target: skus('A'), amount: 300 }, { stores: ['store-9'] });
    expect(receiptDiscounts(price(cart, [scoped, elsewhere]))).toEqual(['s: 100']);
  });
});

describe('stacking and the best deal', () => {
  const cart = [item('A', 1, 1000, 'food')];

  it('applies a stackable percent on the price after the item promotion', () => {
    // 20 % of 10.00 = 2.00; the extra 10 % is of 8.00 = 0.80, not of 10.00
    const totals = price(cart, [
      promotion('item', { kind: 'percent_off', target: skus('A'), percent: 20 }),
      promotion('extra', { kind: 'percent_off', target: categories('food'), percent: 10 }, { stacking: 'stackable' }),
    ]);
    expect(receiptDiscounts(totals)).toEqual(['item: 200', 'extra: 80']);
  });

  it('gives each unit at most one combinable item promotion: the larger saving', () => {
    const totals = price(cart, [
      promotion('small', { kind: 'percent_off', target: skus('A'), percent: 10 }),
      promotion('large', { kind: 'amount_off', target: skus('A'), amount: 250 }),
    ]);
    expect(receiptDiscounts(totals)).toEqual(['large: 250']);
  });

  it('chooses the exclusive promotion alone when it saves more than the combination', () => {
    const totals = price(cart, [
      promotion('item', { kind: 'percent_off', target: skus('A'), percent: 20 }),
      promotion('extra', { kind: 'percent_off', target: skus('A'), percent: 10 }, { stacking: 'stackable' }),
      promotion('clearance', { kind: 'percent_off', target: skus('A'), percent: 30 }, { stacking: 'exclusive' }),
    ]);
    // combination 2.00 + 0.80 = 2.80 < 3.00
    expect(receiptDiscounts(totals)).toEqual(['clearance: 300']);
  });

  it('chooses the combination when it saves more than the exclusive promotion', () => {
    const totals = price(cart, [
      promotion('item', { kind: 'percent_off', target: skus('A'), percent: 20 }),
      promotion('extra', { kind: 'percent_off', target: skus('A'), percent: 10 }, { stacking: 'stackable' }),
      promotion('clearance', { kind: 'percent_off', target: skus('A'), percent: 25 }, { stacking: 'exclusive' }),
    ]);
    // 2.80 > 2.50
    expect(receiptDiscounts(totals)).toEqual(['item: 200', 'extra: 80']);
  });

  it('never combines two exclusive promotions', () => {
    const totals = price([item('A', 1, 1000), item('B', 1, 1000)], [
      promotion('x', { kind: 'amount_off', target: skus('A'), amount: 300 }, { stacking: 'exclusive' }),
      promotion('y', { kind: 'amount_off', target: skus('B'), amount: 200 }, { stacking: 'exclusive' }),
    ]);
    expect(receiptDiscounts(totals)).toEqual(['x: 300']);
  });

  it('breaks a tie between equal savings by priority', () => {
    const totals = price(cart, [
      promotion('low', { kind: 'amount_off', target: skus('A'), amount: 300 }, { stacking: 'exclusive', priority: 1 }),
      promotion('high', { kind: 'amount_off', target: skus('A'), amount: 300 }, { stacking: 'exclusive', priority: 5 }),
    ]);
    expect(receiptDiscounts(totals)).toEqual(['high: 300']);
  });

  it('keeps the basket promotion alone when item discounts would pull the basket under its threshold', () => {
    // with the item 5 %: 100.00 − 5.00 = 95.00 reaches only the 50.00 tier → 5.00 + 5.00 = 10.00
    // the spend promotion alone: 100.00 reaches the 100.00 tier → 15.00, the better deal
    const totals = price([item('A', 1, 10_000, 'food')], [
      promotion('five', { kind: 'percent_off', target: skus('A'), percent: 5 }),
      promotion('spend', { kind: 'tiered_spend', target: null, tiers: [{ threshold: 5000, amount: 500 }, { threshold: 10_000, amount: 1500 }] }),
    ]);
    expect(receiptDiscounts(totals)).toEqual(['spend: 1500']);
  });

  it('names the promotion on every discount line: source.promotionId, its revision and kind, and label = its name', () => {
    const totals = price([item('A', 2, 1000, 'food'), item('B', 1, 500, 'drink')], [
      promotion('p-17', { kind: 'percent_off', target: skus('A'), percent: 10 }, { name: 'Fresh food 10 %', revision: 17 }),
      promotion('p-18', { kind: 'amount_off', target: skus('B'), amount: 50 }, { name: 'Drinks 0.50 off', revision: 18 }),
    ]);
    expect(totals.discounts).toEqual([
      { source: { type: 'promotion', promotionId: 'p-17', revision: 17, kind: 'percent_off' }, label: 'Fresh food 10 %', amount: 200 },
      { source: { type: 'promotion', promotionId: 'p-18', revision: 18, kind: 'amount_off' }, label: 'Drinks 0.50 off', amount: 50 },
    ]);
    expect(totals.lines[0]!.discounts).toEqual([{ discount: 0, amount: 200 }]);
    expect(totals.lines[1]!.discounts).toEqual([{ discount: 1, amount: 50 }]);
    expect(totals.promotionsRevision).toBe(18);
  });
});

describe('tax on discounted prices', () => {
  it('taxes what the line sells for after its discount, not the shelf price', () => {
    // 10.00 − 2.00 = 8.00; 10 % tax of 8.00 = 0.80
    const totals = price([item('A', 1, 1000)], [promotion('p', { kind: 'amount_off', target: skus('A'), amount: 200 })], {}, salesTax10);
    expect(totals.lines[0]).toMatchObject({ lineTotal: 1000, discount: 200, net: 800, tax: 80, paid: 880 });
    expect(totals).toMatchObject({ subtotal: 1000, discountTotal: 200, tax: 80, total: 880 });
    expect(totals.taxBreakdown).toEqual([{ jurisdiction: 'state', label: 'State 10 %', rate: 100_000, base: 800, tax: 80 }]);
  });

  it('charges an exempt customer no tax and records the certificate and the tax not charged', () => {
    const totals = price([item('A', 1, 1000)], [], { taxExemption: { certificate: 'TX-EX-0042' } }, salesTax10);
    expect(totals).toMatchObject({ tax: 0, total: 1000, taxBreakdown: [], taxExemption: { certificate: 'TX-EX-0042', exemptedTax: 100 } });
    expect(totals.lines[0]).toMatchObject({ tax: 0, paid: 1000, taxParts: [] });
  });

  it('charges an exempt customer of a VAT store the gross less the VAT it holds', () => {
    // 11.90 gross at 19 % holds 11.90 × 19/119 = 1.90; the exempt buyer pays 10.00
    const vat: TaxConfig = { ...salesTax10, mode: 'inclusive', jurisdictions: [{ id: 'de', label: 'MwSt.', rates: { standard: 190_000 } }] };
    const totals = price([item('A', 1, 1190)], [], { taxExemption: { certificate: 'EU-DIPLO-7' } }, vat);
    expect(totals).toMatchObject({ subtotal: 1190, discountTotal: 0, tax: 0, total: 1000, taxIncluded: true, taxExemption: { certificate: 'EU-DIPLO-7', exemptedTax: 190 } });
    expect(totals.lines[0]).toMatchObject({ net: 1190, tax: 0, paid: 1000 });
  });

  it('records no exemption for an ordinary customer', () => {
    expect(price([item('A', 1, 1000)], [], {}, salesTax10).taxExemption).toBeNull();
  });
});

describe('a German VAT receipt (prices include 19 % and 7 % MwSt.) with a promotion and a manager discount', () => {
  const germany: TaxConfig = {
    version: 4,
    mode: 'inclusive',
    rounding: 'half-up',
    level: 'line',
    categories: { standard: { label: 'Regelsatz' }, reduced: { label: 'ermäßigt' } },
    jurisdictions: [{ id: 'de', label: 'MwSt.', rates: { standard: 190_000, reduced: 70_000 } }],
  };
  const cart = [
    item('KAFFEE', 1, 899, 'coffee', 'standard'),
    item('SCHOKOLADE', 2, 149, 'sweets', 'standard'),
    item('BROT', 1, 249, 'bakery', 'reduced'),
    item('MILCH', 3, 119, 'dairy', 'reduced'),
  ];
  const kaffeeAktion = promotion('kaffee-20', { kind: 'percent_off', target: categories('coffee'), percent: 20 }, { name: 'Kaffee −20 %', revision: 9 });
  const totals = price(cart, [kaffeeAktion], { manualDiscounts: [{ id: 'kulanz-1', scope: 'basket', amount: 100, reason: 'Kulanz', approvedBy: 'filialleitung-3' }] }, germany);

  it('prints every line as computed by hand', () => {
    // Line totals: KAFFEE 8.99; SCHOKOLADE 2 × 1.49 = 2.98; BROT 2.49; MILCH 3 × 1.19 = 3.57. Subtotal 18.03.
    // Promotion: 20 % of 8.99 = 1.798 → 1.80 (half-up). KAFFEE 8.99 − 1.80 = 7.19.
    // Manager 1.00 off the basket, split by what each line still costs (canonical order BROT, KAFFEE, MILCH, SCHOKOLADE;
    // sum 2.49 + 7.19 + 3.57 + 2.98 = 16.23):
    //   BROT 100 × 249/1623 = 15 rem 555, KAFFEE 100 × 719/1623 = 44 rem 488,
    //   MILCH 100 × 357/1623 = 21 rem 1617, SCHOKOLADE 100 × 298/1623 = 18 rem 586
    //   floors add to 98; the 2 cents left go to the largest remainders: MILCH → 22, SCHOKOLADE → 19.
    // Net: KAFFEE 719 − 44 = 675, SCHOKOLADE 298 − 19 = 279, BROT 249 − 15 = 234, MILCH 357 − 22 = 335.
    // VAT held, per line (gross × r / (1 + r), half-up):
    //   KAFFEE 675 × 19/119 = 12825/119 = 107.77 → 108
    //   SCHOKOLADE 279 × 19/119 = 5301/119 = 44.55 → 45
    //   BROT 234 × 7/107 = 1638/107 = 15.31 → 15
    //   MILCH 335 × 7/107 = 2345/107 = 21.92 → 22
    expect(totals.lines.map(({ sku, lineTotal, discount, net, tax, paid, taxParts }) => ({ sku, lineTotal, discount, net, tax, paid, taxParts }))).toEqual([
      { sku: 'KAFFEE', lineTotal: 899, discount: 224, net: 675, tax: 108, paid: 675, taxParts: [108, 0] },
      { sku: 'SCHOKOLADE', lineTotal: 298, discount: 19, net: 279, tax: 45, paid: 279, taxParts: [45, 0] },
      { sku: 'BROT', lineTotal: 249, discount: 15, net: 234, tax: 15, paid: 234, taxParts: [0, 15] },
      { sku: 'MILCH', lineTotal: 357, discount: 22, net: 335, tax: 22, paid: 335, taxParts: [0, 22] },
    ]);
    expect(totals.lines[0]!.discounts).toEqual([
      { discount: 0, amount: 180 },
      { discount: 1, amount: 44 },
    ]);
  });

  it('lists the promotion and the manager discount as discount lines', () => {
    expect(totals.discounts).toEqual([
      { source: { type: 'promotion', promotionId: 'kaffee-20', revision: 9, kind: 'percent_off' }, label: 'Kaffee −20 %', amount: 180 },
      { source: { type: 'manual', manualId: 'kulanz-1', reason: 'Kulanz', approvedBy: 'filialleitung-3' }, label: 'Manager discount: Kulanz', amount: 100 },
    ]);
  });

  it('prints the VAT summary per rate, with the gross base, and a total that includes the VAT', () => {
    // 19 %: base 675 + 279 = 954, VAT 108 + 45 = 153.  7 %: base 234 + 335 = 569, VAT 15 + 22 = 37.
    expect(totals.taxBreakdown).toEqual([
      { jurisdiction: 'de', label: 'MwSt. 19 %', rate: 190_000, base: 954, tax: 153 },
      { jurisdiction: 'de', label: 'MwSt. 7 %', rate: 70_000, base: 569, tax: 37 },
    ]);
    // 18.03 − (1.80 + 1.00) = 15.23, of which 1.90 VAT
    expect(totals).toMatchObject({ subtotal: 1803, discountTotal: 280, tax: 190, total: 1523, taxIncluded: true, taxExemption: null, taxConfigVersion: 4, promotionsRevision: 9 });
  });
});

describe('a US receipt taxed by Texas, the City of Austin and Capital Metro, with a BOGO-half-price promotion', () => {
  const austin: TaxConfig = {
    version: 7,
    mode: 'exclusive',
    rounding: 'half-up',
    level: 'invoice',
    categories: { standard: { label: 'General merchandise' }, grocery: { label: 'Grocery (exempt)' } },
    jurisdictions: [
      { id: 'us-tx', label: 'Texas', rates: { standard: 62_500 } },
      { id: 'us-tx-austin', label: 'City of Austin', rates: { standard: 10_000 } },
      { id: 'us-tx-capmetro', label: 'Capital Metro', rates: { standard: 10_000 } },
    ],
  };
  const cart = [
    item('TSHIRT', 2, 1999, 'apparel', 'standard'),
    item('MUG', 1, 1250, 'kitchen', 'standard'),
    item('COFFEE-BEANS', 1, 1499, 'grocery', 'grocery'),
  ];
  const tees = promotion('tees-bogo-half', { kind: 'buy_x_get_y', buy: { target: categories('apparel'), quantity: 1 }, get: { target: categories('apparel'), quantity: 1, percent: 50 } }, { name: 'Tees: buy one, get one half price', revision: 3 });
  const totals = price(cart, [tees], {}, austin);

  it('prints every line as computed by hand', () => {
    // TSHIRT 2 × 19.99 = 39.98; the second shirt at half price: 50 % of 19.99 = 9.995 → 10.00 (half-up) → net 29.98.
    // MUG 12.50; COFFEE-BEANS 14.99, a grocery no authority taxes.
    // Taxable base 29.98 + 12.50 = 42.48, taxed once per authority (invoice level):
    //   Texas 42.48 × 6.25 % = 2.655 → 2.66;  Austin 42.48 × 1 % = 0.4248 → 0.42;  Capital Metro → 0.42
    // Each authority's tax back to the lines by net (canonical order MUG, TSHIRT):
    //   Texas 266: MUG 266 × 1250/4248 = 78 rem 1156, TSHIRT 266 × 2998/4248 = 187 rem 3092 → the spare cent to TSHIRT: 78 / 188
    //   Austin 42: MUG 42 × 1250/4248 = 12 rem 1524, TSHIRT 42 × 2998/4248 = 29 rem 2724 → 12 / 30; Capital Metro likewise 12 / 30
    // Line tax: TSHIRT 188 + 30 + 30 = 248, MUG 78 + 12 + 12 = 102, BEANS 0.
    expect(totals.lines.map(({ sku, lineTotal, discount, net, tax, paid, taxParts }) => ({ sku, lineTotal, discount, net, tax, paid, taxParts }))).toEqual([
      { sku: 'TSHIRT', lineTotal: 3998, discount: 1000, net: 2998, tax: 248, paid: 3246, taxParts: [188, 30, 30] },
      { sku: 'MUG', lineTotal: 1250, discount: 0, net: 1250, tax: 102, paid: 1352, taxParts: [78, 12, 12] },
      { sku: 'COFFEE-BEANS', lineTotal: 1499, discount: 0, net: 1499, tax: 0, paid: 1499, taxParts: [0, 0, 0] },
    ]);
  });

  it('names the promotion on its discount line', () => {
    expect(totals.discounts).toEqual([{ source: { type: 'promotion', promotionId: 'tees-bogo-half', revision: 3, kind: 'buy_x_get_y' }, label: 'Tees: buy one, get one half price', amount: 1000 }]);
  });

  it('prints one tax row per authority and totals subtotal − discount + tax', () => {
    expect(totals.taxBreakdown).toEqual([
      { jurisdiction: 'us-tx', label: 'Texas 6.25 %', rate: 62_500, base: 4248, tax: 266 },
      { jurisdiction: 'us-tx-austin', label: 'City of Austin 1 %', rate: 10_000, base: 4248, tax: 42 },
      { jurisdiction: 'us-tx-capmetro', label: 'Capital Metro 1 %', rate: 10_000, base: 4248, tax: 42 },
    ]);
    // 67.47 − 10.00 + 3.50 = 60.97 = 32.46 + 13.52 + 14.99
    expect(totals).toMatchObject({ subtotal: 6747, discountTotal: 1000, tax: 350, total: 6097, taxIncluded: false, taxExemption: null, taxConfigVersion: 7 });
  });
});

describe('the order lines were scanned in', () => {
  it('does not decide what a manager’s discount on one of two identical lines is worth', () => {
    // two mugs at 10.00, split into two lines so the manager can take 10 % off the chipped one; BOGO on mugs:
    // one mug is free, and the 10 % comes off the one paid for (1.00), whichever line was scanned first
    const bogo = promotion('bogo', { kind: 'buy_x_get_y', buy: { target: skus('MUG'), quantity: 1 }, get: { target: skus('MUG'), quantity: 1, percent: 100 } });
    const mug = item('MUG', 1, 1000);
    const chipped = (scope: number) => ({ manualDiscounts: [{ id: 'm1', scope, percent: 10, reason: 'chipped', approvedBy: 'mgr-1' }] });
    const first = price([mug, { ...mug }], [bogo], chipped(0));
    const second = price([mug, { ...mug }], [bogo], chipped(1));
    expect(receiptDiscounts(first)).toEqual(['bogo: 1000', 'Manager discount: chipped: 100']);
    expect(receiptDiscounts(second)).toEqual(receiptDiscounts(first));
    expect(second.lines.map((l) => l.net)).toEqual([...first.lines.map((l) => l.net)].reverse());
  });

  it('does not decide the tax when one SKU sells at two rates (eaten in, taken away)', () => {
    // 2 for 10.00 over three 10.00 sandwiches, one eaten in (19 %), two taken away (7 %), exclusive tax per line:
    // the discount goes to the same two sandwiches in either order
    const vat: TaxConfig = { ...salesTax10, categories: { standard: { label: 'Eat in' }, reduced: { label: 'Take away' } }, jurisdictions: [{ id: 'vat', label: 'VAT', rates: { standard: 190_000, reduced: 70_000 } }] };
    const deal = promotion('two-for-ten', { kind: 'mix_match', target: skus('SANDWICH'), quantity: 2, price: 1000 });
    const eatIn = item('SANDWICH', 1, 1000, 'food', 'standard');
    const takeAway = item('SANDWICH', 1, 1000, 'food', 'reduced');
    const a = price([eatIn, takeAway, { ...takeAway }], [deal], {}, vat);
    const b = price([takeAway, { ...takeAway }, eatIn], [deal], {}, vat);
    expect(b.tax).toBe(a.tax);
    expect(b.taxBreakdown).toEqual(a.taxBreakdown);
    expect(b.total).toBe(a.total);
  });
});

describe('money stays exact', () => {
  it('prices 3 × 0.10 at exactly 0.30', () => {
    const totals = price([item('NAIL', 3, 10)], []);
    expect(totals.lines[0]!.lineTotal).toBe(30);
    expect(totals.total).toBe(30);
    // and three separate 0.10 lines add to 0.30 too, where 0.1 + 0.1 + 0.1 in floats is 0.30000000000000004
    expect(price([item('N1', 1, 10), item('N2', 1, 10), item('N3', 1, 10)], []).total).toBe(30);
  });

  it('splits a 10.00 basket discount over three equal lines into 3.34 + 3.33 + 3.33, exactly 10.00', () => {
    const totals = price([item('A', 1, 1000), item('B', 1, 1000), item('C', 1, 1000)], [], {
      manualDiscounts: [{ id: 'm', scope: 'basket', amount: 1000, reason: 'one third each', approvedBy: 'mgr' }],
    });
    expect(totals.lines.map((l) => l.discount)).toEqual([334, 333, 333]);
    expect(totals.discountTotal).toBe(1000);
    expect(totals.total).toBe(2000);
  });

  it('splits a tiered 10.00 off over three 1.00-weighted lines to exactly 10.00', () => {
    const totals = price([item('A', 10, 100), item('B', 10, 100), item('C', 10, 100)], [promotion('t', { kind: 'tiered_spend', target: null, tiers: [{ threshold: 3000, amount: 1000 }] })]);
    expect(totals.lines.map((l) => l.discount)).toEqual([334, 333, 333]);
    expect(totals.lines.reduce((sum, l) => sum + l.discount, 0)).toBe(1000);
  });
});

describe('input checks', () => {
  it('refuses a quantity that is not a whole number from 1 to 9999 and a negative or fractional price', () => {
    expect(() => price([item('A', 0, 100)], [])).toThrow(RangeError);
    expect(() => price([item('A', 1.5, 100)], [])).toThrow(RangeError);
    expect(() => price([item('A', 10_000, 100)], [])).toThrow(RangeError);
    expect(() => price([item('A', 1, -1)], [])).toThrow(RangeError);
    expect(() => price([item('A', 1, 0.5)], [])).toThrow(RangeError);
  });

  it('prices an empty cart at zero', () => {
    expect(price([], [])).toMatchObject({ lines: [], discounts: [], subtotal: 0, discountTotal: 0, tax: 0, total: 0 });
  });
});
