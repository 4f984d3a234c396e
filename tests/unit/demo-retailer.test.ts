import type { TaxConfig } from '../../src/domain/pricing/tax.ts';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as v from 'valibot';
import { isValidGtin } from '../../src/domain/barcode.ts';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { formatMoney } from '../../src/domain/money.ts';
import { createPromotionBook, priceSale } from '../../src/domain/pricing/index.ts';
import { StockRecordSchema, StoreRecordSchema, type StoreRecord } from '../../src/protocol/entities.ts';
import { generateDemoRetailer, type DemoRetailer } from '../../src/server/demo/demo-retailer.ts';

const demo = generateDemoRetailer({ seed: 42, productCount: 5_000 });
const TAX_CATEGORIES = ['standard', 'reduced', 'zero', 'exempt'];

function storeById(retailer: DemoRetailer, id: string) {
  const found = retailer.stores.find((entry) => entry.store.id === id);
  if (!found) throw new Error(`no store ${id}`);
  return found;
}

/** What a category pays in all: the rates of every authority that taxes it, added up. */
function combinedRate(config: TaxConfig, category: string): number {
  return config.jurisdictions.reduce((sum, j) => sum + (j.rates[category] ?? 0), 0);
}

/**
 * What a customer of `store` pays for one unit of each of these products, no promotions, as the
 * receipt prints it: the total, the tax in it, and the tax by authority.
 */
function paid(store: StoreRecord, products: { price: number; taxCategory: string }[]) {
  const lines = products.map((product, i) => cartLineFor({ sku: `SKU-T${i}`, name: `Item ${i}`, category: 'apparel', priceVersion: 1, ...product }, 1));
  const totals = priceSale(lines, createPromotionBook([], store.id), store.taxConfig, { at: 0 });
  const money = (amount: number) => formatMoney(amount, store.currency, store.locale);
  return { total: money(totals.total), tax: money(totals.tax), breakdown: totals.taxBreakdown.map((row) => `${row.label}: ${money(row.tax)}`) };
}

describe('generateDemoRetailer', () => {
  it('produces the same retailer for the same seed and count', () => {
    expect(generateDemoRetailer({ seed: 42, productCount: 5_000 })).toEqual(demo);
  });

  it('produces a different catalog, prices and staff for a different seed', () => {
    const other = generateDemoRetailer({ seed: 43, productCount: 5_000 });
    expect(other.products.map((p) => p.barcode)).not.toEqual(demo.products.map((p) => p.barcode));
    expect(other.products.map((p) => p.name)).not.toEqual(demo.products.map((p) => p.name));
    expect([...other.stores[0]!.prices.values()]).not.toEqual([...demo.stores[0]!.prices.values()]);
    expect(other.stores.map((s) => s.staff)).not.toEqual(demo.stores.map((s) => s.staff));
  });

  it('makes a smaller catalog the first products of a larger one with the same seed', () => {
    const small = generateDemoRetailer({ seed: 42, productCount: 300 });
    expect(small.products).toEqual(demo.products.slice(0, 300));
    small.stores.forEach((store, s) => {
      expect(store.stock).toEqual(demo.stores[s]!.stock.slice(0, 300));
      for (const [sku, price] of store.prices) expect(demo.stores[s]!.prices.get(sku)).toBe(price);
      expect(store.staff).toEqual(demo.stores[s]!.staff);
    });
  });

  // What each demo store's customer pays, worked out by hand from the store's real-world tax: the
  // demo exists to show the three regimes, so a store that drifted from its own would mislead.
  it('has a tax-exclusive US store: an Austin customer pays 8.25 % on top, each authority’s share rounded half-up on the whole invoice', () => {
    const austin = storeById(demo, 'store-us-austin').store;
    // $10.00: Texas 6.25 % = 62.5¢ → 63¢ (half-up), City of Austin 1 % = 10¢, Capital Metro 1 % = 10¢.
    expect(paid(austin, [{ price: 1_000, taxCategory: 'standard' }])).toEqual({
      total: '$10.83',
      tax: '$0.83',
      breakdown: ['Texas 6.25 %: $0.63', 'City of Austin 1 %: $0.10', 'Capital Metro 1 %: $0.10'],
    });
    // Two lines of 10¢: Texas takes 6.25 % of the invoice's 20¢ = 1.25¢ → 1¢ (line by line it would be 1¢ + 1¢),
    // the city and the transit district 0.2¢ each → 0¢.
    expect(paid(austin, [{ price: 10, taxCategory: 'standard' }, { price: 10, taxCategory: 'standard' }])).toMatchObject({ total: '$0.21', tax: '$0.01' });
    // Groceries are taxed by none of the three.
    expect(paid(austin, [{ price: 1_000, taxCategory: 'reduced' }])).toMatchObject({ total: '$10.00', tax: '$0.00' });
  });

  it('has a tax-inclusive German store: a Berlin customer pays the shelf price, MwSt. inside it and rounded on each line', () => {
    const berlin = storeById(demo, 'store-de-berlin').store;
    const euros = (text: string) => text.replace(' ', '\u00a0'); // de-DE puts a no-break space before the €
    // €10.00 at 19 %: 10.00 × 19 / 119 = 1.5966 → €1.60.
    expect(paid(berlin, [{ price: 1_000, taxCategory: 'standard' }])).toEqual({ total: euros('10,00 €'), tax: euros('1,60 €'), breakdown: [`MwSt. 19 %: ${euros('1,60 €')}`] });
    // Two lines of €10.00: 1.60 + 1.60 = €3.20 (on the invoice it would be 20.00 × 19 / 119 = 3.193 → €3.19).
    expect(paid(berlin, [{ price: 1_000, taxCategory: 'standard' }, { price: 1_000, taxCategory: 'standard' }])).toMatchObject({ total: euros('20,00 €'), tax: euros('3,20 €') });
    // Food at 7 %: 10.00 × 7 / 107 = 0.654 → €0.65.
    expect(paid(berlin, [{ price: 1_000, taxCategory: 'reduced' }])).toMatchObject({ total: euros('10,00 €'), tax: euros('0,65 €') });
  });

  it('has a tax-inclusive UK store: a London customer pays the shelf price, VAT inside it and rounded half to even on the whole invoice', () => {
    const london = storeById(demo, 'store-gb-london').store;
    // £10.00 at 20 %: 10.00 × 20 / 120 = 1.6667 → £1.67.
    expect(paid(london, [{ price: 1_000, taxCategory: 'standard' }])).toEqual({ total: '£10.00', tax: '£1.67', breakdown: ['VAT 20 %: £1.67'] });
    // 5p + 10p: VAT on the invoice's 15p is 15 / 6 = 2.5p → 2p, the even neighbour (half-up would say 3p;
    // line by line, 0.83p + 1.67p → 1p + 2p = 3p).
    expect(paid(london, [{ price: 5, taxCategory: 'standard' }, { price: 10, taxCategory: 'standard' }])).toMatchObject({ total: '£0.15', tax: '£0.02' });
    // Reduced 5 %: 10.50 × 5 / 105 = £0.50 exactly.
    expect(paid(london, [{ price: 1_050, taxCategory: 'reduced' }])).toMatchObject({ total: '£10.50', tax: '£0.50' });
  });

  it('defines the same four tax categories, with zero and exempt at 0 %, in every store', () => {
    for (const { store } of demo.stores) {
      expect(Object.keys(store.taxConfig.categories).sort()).toEqual([...TAX_CATEGORIES].sort());
      expect(combinedRate(store.taxConfig, 'zero')).toBe(0);
      expect(combinedRate(store.taxConfig, 'exempt')).toBe(0);
    }
  });

  it('emits store and stock records that pass the protocol schemas', () => {
    for (const { store, stock } of demo.stores) {
      expect(v.safeParse(StoreRecordSchema, store).success).toBe(true);
      for (const record of stock.slice(0, 500)) expect(v.safeParse(StockRecordSchema, record).success).toBe(true);
    }
  });

  it('gives every product a unique zero-padded SKU', () => {
    expect(demo.products[0]!.sku).toBe('SKU-000001');
    expect(demo.products.every((p) => /^SKU-\d{6}$/.test(p.sku))).toBe(true);
    expect(new Set(demo.products.map((p) => p.sku)).size).toBe(demo.products.length);
  });

  it('spreads products over at least ten categories, each with a tax category every store knows', () => {
    expect(new Set(demo.products.map((p) => p.category)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(demo.products.map((p) => p.taxCategory))).toEqual(new Set(TAX_CATEGORIES));
    for (const { store } of demo.stores) {
      const untaxable = demo.products.filter((p) => store.taxConfig.categories[p.taxCategory] === undefined);
      expect(untaxable, store.id).toEqual([]);
    }
  });

  it('prices and stocks every product in every store', () => {
    for (const { store, prices, stock } of demo.stores) {
      expect(prices.size).toBe(demo.products.length);
      expect(stock.map((s) => s.sku)).toEqual(demo.products.map((p) => p.sku));
      const unpriced = demo.products.filter((p) => {
        const price = prices.get(p.sku);
        return price === undefined || !Number.isSafeInteger(price) || price <= 0;
      });
      expect(unpriced, store.id).toEqual([]);
      const misplaced = stock.filter(
        (s) => s.onHand < 0 || s.onHand > 200 || !/^[A-Z]\d{1,2}$/.test(s.aisle) || !/^B\d-\d{2}$/.test(s.bin),
      );
      expect(misplaced, store.id).toEqual([]);
      expect(stock.some((s) => s.onHand === 0)).toBe(true);
      expect(stock.some((s) => s.onHand > 100)).toBe(true);
    }
  });

  it('includes charm prices and awkward prices that exercise rounding', () => {
    for (const { prices } of demo.stores) {
      const cents = [...prices.values()].map((price) => price % 100);
      expect(cents).toContain(99);
      expect(cents.some((c) => c === 10 || c === 33 || c === 1)).toBe(true);
    }
  });

  it('issues valid, unique 13-digit barcodes, both EAN-13 and UPC-A, across 100,000 products', () => {
    const large = generateDemoRetailer({ seed: 7, productCount: 100_000 });
    const seen = new Set<string>();
    let upc = 0;
    let germanEan = 0;
    for (const { barcode } of large.products) {
      if (barcode.length !== 13 || !isValidGtin(barcode)) throw new Error(`invalid barcode ${barcode}`);
      seen.add(barcode);
      if (barcode.startsWith('0')) {
        upc += 1;
        // the stored form is a UPC-A with a leading zero, and the UPC-A alone is valid too
        if (!isValidGtin(barcode.slice(1))) throw new Error(`invalid UPC-A ${barcode}`);
      }
      const prefix = Number(barcode.slice(0, 3));
      if (prefix >= 400 && prefix <= 440) germanEan += 1;
    }
    expect(seen.size).toBe(100_000);
    expect(upc).toBeGreaterThan(10_000);
    expect(germanEan).toBeGreaterThan(10_000);
  });

  it('keeps barcodes valid and unique and prices positive for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (seed) => {
        const retailer = generateDemoRetailer({ seed, productCount: 200 });
        const barcodes = retailer.products.map((p) => p.barcode);
        expect(barcodes.every((code) => /^\d{13}$/.test(code) && isValidGtin(code))).toBe(true);
        expect(new Set(barcodes).size).toBe(barcodes.length);
        for (const { prices } of retailer.stores) expect([...prices.values()].every((price) => price > 0)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('staffs each store with one manager and four associates holding distinct 4-digit PINs', () => {
    for (const { store, staff } of demo.stores) {
      const slug = store.id.replace(/^store-/, '');
      expect(staff.map((member) => member.id)).toEqual([1, 2, 3, 4, 5].map((n) => `staff-${slug}-${n}`));
      expect(staff.filter((member) => member.role === 'manager')).toHaveLength(1);
      expect(staff.filter((member) => member.role === 'associate')).toHaveLength(4);
      expect(staff.every((member) => /^\d{4}$/.test(member.pin))).toBe(true);
      expect(new Set(staff.map((member) => member.pin)).size).toBe(staff.length);
      expect(new Set(staff.map((member) => member.name)).size).toBe(staff.length);
    }
  });

  it('does not let a caller who edits one retailer change the next', () => {
    const first = generateDemoRetailer({ seed: 1, productCount: 10 });
    first.stores[0]!.store.taxConfig.jurisdictions[0]!.rates['standard'] = 1;
    const second = generateDemoRetailer({ seed: 1, productCount: 10 });
    expect(combinedRate(second.stores[0]!.store.taxConfig, 'standard')).toBe(82_500);
  });

  it('rejects a product count that is negative, fractional or beyond six-digit SKUs', () => {
    expect(() => generateDemoRetailer({ seed: 1, productCount: -1 })).toThrow(RangeError);
    expect(() => generateDemoRetailer({ seed: 1, productCount: 2.5 })).toThrow(RangeError);
    expect(() => generateDemoRetailer({ seed: 1, productCount: 1_000_000 })).toThrow(RangeError);
    expect(generateDemoRetailer({ seed: 1, productCount: 0 }).products).toEqual([]);
  });
});
