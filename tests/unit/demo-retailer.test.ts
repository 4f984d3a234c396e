import type { TaxConfig } from '../../src/domain/pricing/tax.ts';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as v from 'valibot';
import { isValidGtin } from '../../src/domain/barcode.ts';
import { StockRecordSchema, StoreRecordSchema } from '../../src/protocol/entities.ts';
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

  it('opens a tax-exclusive US store and tax-inclusive German and UK stores', () => {
    expect(demo.stores.map((s) => s.store.id)).toEqual(['store-us-austin', 'store-de-berlin', 'store-gb-london']);

    const austin = storeById(demo, 'store-us-austin').store;
    expect(austin).toMatchObject({ currency: 'USD', locale: 'en-US', timezone: 'America/Chicago' });
    expect(austin.taxConfig).toMatchObject({ version: 1, mode: 'exclusive', rounding: 'half-up', level: 'invoice' });
    expect(combinedRate(austin.taxConfig, 'standard')).toBe(82_500);
    expect(combinedRate(austin.taxConfig, 'reduced')).toBe(0);

    const berlin = storeById(demo, 'store-de-berlin').store;
    expect(berlin).toMatchObject({ currency: 'EUR', locale: 'de-DE', timezone: 'Europe/Berlin' });
    expect(berlin.taxConfig).toMatchObject({ version: 1, mode: 'inclusive', rounding: 'half-up', level: 'line' });
    expect(combinedRate(berlin.taxConfig, 'standard')).toBe(190_000);
    expect(combinedRate(berlin.taxConfig, 'reduced')).toBe(70_000);

    const london = storeById(demo, 'store-gb-london').store;
    expect(london).toMatchObject({ currency: 'GBP', locale: 'en-GB', timezone: 'Europe/London' });
    expect(london.taxConfig).toMatchObject({ version: 1, mode: 'inclusive', rounding: 'half-even', level: 'invoice' });
    expect(combinedRate(london.taxConfig, 'standard')).toBe(200_000);
    expect(combinedRate(london.taxConfig, 'reduced')).toBe(50_000);
  });

  it('stacks Texas, City of Austin and Capital Metro taxes in Austin, each its own authority', () => {
    const austin = storeById(demo, 'store-us-austin').store;
    expect(austin.taxConfig.jurisdictions.map((j) => [j.id, j.rates['standard']])).toEqual([
      ['us-tx', 62_500],
      ['us-tx-austin', 10_000],
      ['us-tx-capmetro', 10_000],
    ]);
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
