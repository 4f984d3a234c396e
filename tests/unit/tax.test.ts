import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { computeTax, RATE_SCALE, UnknownTaxCategoryError, type TaxConfig } from '../../src/domain/pricing/tax.ts';
import { createPromotionBook, priceSale } from '../../src/domain/pricing/index.ts';
import { MAX_LINE_QUANTITY, type CartLine } from '../../src/domain/cart-line.ts';
import { cashTender } from '../../src/domain/tender.ts';
import type { RoundingMode } from '../../src/domain/money.ts';

const germanVat: TaxConfig = {
  version: 3,
  mode: 'inclusive',
  rounding: 'half-up',
  level: 'line',
  categories: { standard: { label: 'Standard' }, reduced: { label: 'Reduced' } },
  jurisdictions: [{ id: 'de', label: 'MwSt', rates: { standard: 190_000, reduced: 70_000 } }],
};

const texasSalesTax: TaxConfig = {
  version: 1,
  mode: 'exclusive',
  rounding: 'half-up',
  level: 'invoice',
  categories: { standard: { label: 'Standard' } },
  jurisdictions: [{ id: 'us-tx-combined', label: 'Sales tax', rates: { standard: 82_500 } }],
};

/** The same 8.25 % as three authorities, each computing and rounding its own tax. */
const texasStacked: TaxConfig = {
  ...texasSalesTax,
  jurisdictions: [
    { id: 'us-tx', label: 'Texas', rates: { standard: 62_500 } },
    { id: 'us-tx-austin', label: 'City of Austin', rates: { standard: 10_000 } },
    { id: 'us-tx-capmetro', label: 'Capital Metro', rates: { standard: 10_000 } },
  ],
};

function line(sku: string, quantity: number, unitPrice: number, taxCategory: string): CartLine {
  return { sku, name: sku, quantity, unitPrice, taxCategory, category: 'general', priceVersion: 1 };
}

/** Tax alone: the engine with no promotions. */
const priceCart = (lines: CartLine[], config: TaxConfig) => priceSale(lines, createPromotionBook([], 'test'), config, { at: 0 });

/** round(n / d) over BigInt, written independently of src/domain/money.ts (d > 0). */
function referenceRound(n: bigint, d: bigint, mode: RoundingMode): number {
  const negative = n < 0n;
  const an = negative ? -n : n;
  let q = (2n * an + d) / (2n * d);
  if (mode === 'half-even' && (2n * an) % (2n * d) === d && q % 2n === 1n) q -= 1n;
  return Number(negative ? -q : q);
}


describe('a German VAT-inclusive receipt rounded per line', () => {
  const receipt = [
    line('KAFFEE', 1, 899, 'standard'), // 899 × 19/119 = 17081/119 = 143.54 → 144
    line('SCHOKOLADE', 1, 499, 'standard'), // 499 × 19/119 = 9481/119 = 79.67 → 80
    line('BROT', 2, 249, 'reduced'), // 498 × 7/107 = 3486/107 = 32.58 → 33
    line('AEPFEL', 1, 149, 'reduced'), // 149 × 7/107 = 1043/107 = 9.75 → 10
  ];

  it('extracts round(gross × r / (1 + r)) from each line and leaves the total at the shelf prices', () => {
    const totals = priceCart(receipt, germanVat);
    expect(totals.lines.map((l) => l.lineTotal)).toEqual([899, 499, 498, 149]);
    expect(totals.lines.map((l) => l.tax)).toEqual([144, 80, 33, 10]);
    expect(totals.subtotal).toBe(2045);
    expect(totals.tax).toBe(267);
    expect(totals.total).toBe(2045);
    expect(totals.taxIncluded).toBe(true);
  });

  it('lists one breakdown row per rate, highest first, with the gross base and the sum of its line taxes', () => {
    expect(priceCart(receipt, germanVat).taxBreakdown).toEqual([
      { jurisdiction: 'de', label: 'MwSt 19 %', rate: 190_000, base: 1398, tax: 224 },
      { jurisdiction: 'de', label: 'MwSt 7 %', rate: 70_000, base: 647, tax: 43 },
    ]);
  });

  it('gives a different tax when the same receipt is rounded once per rate instead', () => {
    // 1398 × 19/119 = 26562/119 = 223.21 → 223; 647 × 7/107 = 4529/107 = 42.33 → 42
    const totals = priceCart(receipt, { ...germanVat, level: 'invoice' });
    expect(totals.taxBreakdown.map((row) => row.tax)).toEqual([223, 42]);
    expect(totals.tax).toBe(265);
    expect(totals.total).toBe(2045);
  });
});

describe('a US tax-exclusive receipt at 8.25 % rounded on the invoice', () => {
  const receipt = [
    line('SODA-12PK', 3, 199, 'standard'), // 597
    line('CEREAL', 1, 1049, 'standard'), // 1049
    line('BANANAS', 2, 325, 'standard'), // 650
  ];

  it('taxes the summed base once: 2296 × 0.0825 = 189.42 → 189, not the 190 that per-line rounding gives', () => {
    const totals = priceCart(receipt, texasSalesTax);
    expect(totals.subtotal).toBe(2296);
    expect(totals.tax).toBe(189);
    expect(totals.total).toBe(2485);
    expect(totals.taxIncluded).toBe(false);
    // Per line: 49.25 → 49, 86.54 → 87, 53.63 → 54 = 190.
    expect(priceCart(receipt, { ...texasSalesTax, level: 'line' }).tax).toBe(190);
  });

  it('allocates the invoice tax back to the lines so that they add up to it', () => {
    // 189 × 597/2296 = 49.14, 189 × 1049/2296 = 86.35, 189 × 650/2296 = 53.51:
    // floors 49 + 86 + 53 = 188, and the last cent goes to the largest remainder (.51).
    const totals = priceCart(receipt, texasSalesTax);
    expect(totals.lines.map((l) => l.tax)).toEqual([49, 86, 54]);
    expect(totals.taxBreakdown).toEqual([{ jurisdiction: 'us-tx-combined', label: 'Sales tax 8.25 %', rate: 82_500, base: 2296, tax: 189 }]);
  });

  it('charges each stacked authority its own rounded tax: 143.50 → 144 + 22.96 → 23 + 22.96 → 23 = 190', () => {
    const totals = priceCart(receipt, texasStacked);
    expect(totals.taxBreakdown).toEqual([
      { jurisdiction: 'us-tx', label: 'Texas 6.25 %', rate: 62_500, base: 2296, tax: 144 },
      { jurisdiction: 'us-tx-austin', label: 'City of Austin 1 %', rate: 10_000, base: 2296, tax: 23 },
      { jurisdiction: 'us-tx-capmetro', label: 'Capital Metro 1 %', rate: 10_000, base: 2296, tax: 23 },
    ]);
    expect(totals.tax).toBe(190);
    expect(totals.total).toBe(2296 + 190);
    expect(totals.lines.reduce((sum, l) => sum + l.tax, 0)).toBe(190);
  });

  it('leaves groceries untaxed where no authority taxes their category', () => {
    const groceries = { ...texasStacked, categories: { ...texasStacked.categories, reduced: { label: 'Grocery food' } } };
    const totals = priceCart([line('MILK', 2, 329, 'reduced'), line('SOAP', 1, 499, 'standard')], groceries);
    expect(totals.lines.map((l) => l.tax)).toEqual([0, 41]); // 499 × 6.25 % = 31.19 → 31, + 4.99 → 5, + 5 = 41
    expect(totals.taxBreakdown.every((row) => row.base === 499)).toBe(true);
  });
});

describe('rounding mode on a tie', () => {
  const tenPercent = (rounding: RoundingMode): TaxConfig => ({
    version: 1,
    mode: 'exclusive',
    rounding,
    level: 'line',
    categories: { standard: { label: 'Standard' } },
    jurisdictions: [{ id: 'x', label: 'Tax', rates: { standard: 100_000 } }],
  });

  it('rounds 10 % of 25 cents (2.5) up to 3 half-up and down to 2 half-even', () => {
    expect(computeTax([{ amount: 25, taxCategory: 'standard' }], tenPercent('half-up')).tax).toBe(3);
    expect(computeTax([{ amount: 25, taxCategory: 'standard' }], tenPercent('half-even')).tax).toBe(2);
  });

  it('rounds 10 % of 35 cents (3.5) to 4 in both modes', () => {
    expect(computeTax([{ amount: 35, taxCategory: 'standard' }], tenPercent('half-up')).tax).toBe(4);
    expect(computeTax([{ amount: 35, taxCategory: 'standard' }], tenPercent('half-even')).tax).toBe(4);
  });
});

describe('tax categories', () => {
  it('refuses a line whose tax category the store has not configured', () => {
    expect(() => priceCart([line('CIGARS', 1, 999, 'luxury')], germanVat)).toThrow(UnknownTaxCategoryError);
    try {
      computeTax([{ amount: 100, taxCategory: 'luxury' }], germanVat);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownTaxCategoryError);
      expect((error as UnknownTaxCategoryError).category).toBe('luxury');
    }
  });

  // Object.prototype names once slipped through a truthiness check and crashed booking.
  it('refuses any unconfigured category name with UnknownTaxCategoryError, including Object.prototype names', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf')),
        (category) => {
          fc.pre(!Object.hasOwn(germanVat.categories, category));
          expect(() => computeTax([{ amount: 100, taxCategory: category }], germanVat)).toThrow(UnknownTaxCategoryError);
        },
      ),
    );
  });
});

const CATEGORY_NAMES = ['standard', 'reduced', 'zero', 'exempt'] as const;

const taxConfigArb: fc.Arbitrary<TaxConfig> = fc
  .record({
    version: fc.nat({ max: 100 }),
    mode: fc.constantFrom('exclusive' as const, 'inclusive' as const),
    rounding: fc.constantFrom('half-up' as const, 'half-even' as const),
    level: fc.constantFrom('line' as const, 'invoice' as const),
    // one authority (VAT) to three stacked ones (state, county, city), each with its own rates
    jurisdictionRates: fc.array(fc.tuple(...CATEGORY_NAMES.map(() => fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200_000 })))), { minLength: 1, maxLength: 3 }),
  })
  .map(({ jurisdictionRates, ...rest }) => ({
    ...rest,
    categories: Object.fromEntries(CATEGORY_NAMES.map((name) => [name, { label: name }])),
    jurisdictions: jurisdictionRates.map((rates, j) => ({ id: `j${j}`, label: `J${j}`, rates: Object.fromEntries(CATEGORY_NAMES.map((name, i) => [name, rates[i]!])) })),
  }));

/**
 * The breakdown straight from the definition, written apart from src/domain/tax.ts:
 * per authority and rate, the base, and the tax rounded per line or once per
 * (rate, divisor) — in inclusive stores the divisor is 1 + the category's combined rate.
 */
function referenceBreakdown(lines: readonly CartLine[], config: TaxConfig) {
  const rows = new Map<string, { jurisdiction: string; rate: number; base: number; tax: number }>();
  config.jurisdictions.forEach((j) => {
    const invoiceGroups = new Map<string, { rate: number; divisor: number; base: number }>();
    for (const l of lines) {
      const rate = j.rates[l.taxCategory] ?? 0;
      if (rate === 0) continue;
      const combined = config.jurisdictions.reduce((sum, other) => sum + (other.rates[l.taxCategory] ?? 0), 0);
      const divisor = config.mode === 'exclusive' ? RATE_SCALE : RATE_SCALE + combined;
      const amount = l.quantity * l.unitPrice;
      const row = rows.get(`${j.id}|${rate}`) ?? { jurisdiction: j.id, rate, base: 0, tax: 0 };
      row.base += amount;
      if (config.level === 'line') row.tax += referenceRound(BigInt(amount) * BigInt(rate), BigInt(divisor), config.rounding);
      rows.set(`${j.id}|${rate}`, row);
      const group = invoiceGroups.get(`${rate}|${divisor}`) ?? { rate, divisor, base: 0 };
      group.base += amount;
      invoiceGroups.set(`${rate}|${divisor}`, group);
    }
    if (config.level === 'invoice') {
      for (const group of invoiceGroups.values()) {
        rows.get(`${j.id}|${group.rate}`)!.tax += referenceRound(BigInt(group.base) * BigInt(group.rate), BigInt(group.divisor), config.rounding);
      }
    }
  });
  return rows;
}

const cartLineArb: fc.Arbitrary<CartLine> = fc.record({
  sku: fc.string({ minLength: 1, maxLength: 8 }),
  name: fc.string({ minLength: 1, maxLength: 20 }),
  quantity: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: MAX_LINE_QUANTITY })),
  unitPrice: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 10_000_000 })),
  taxCategory: fc.constantFrom(...CATEGORY_NAMES),
  category: fc.constant('general'),
  priceVersion: fc.constant(1),
});

const cartArb = fc.array(cartLineArb, { minLength: 1, maxLength: 30 });

describe('cart totals over random carts and tax configurations', () => {
  it('do not depend on the order the lines were scanned in', () => {
    const cartAndShuffle = cartArb.chain((lines) =>
      fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length })),
    );
    fc.assert(
      fc.property(cartAndShuffle, taxConfigArb, ([lines, shuffled], config) => {
        const a = priceCart(lines, config);
        const b = priceCart(shuffled, config);
        expect(b.subtotal).toBe(a.subtotal);
        expect(b.tax).toBe(a.tax);
        expect(b.total).toBe(a.total);
        expect(b.taxBreakdown).toEqual(a.taxBreakdown);
      }),
    );
  });

  it('charge subtotal + tax in exclusive stores and the shelf subtotal in inclusive ones', () => {
    fc.assert(
      fc.property(cartArb, taxConfigArb, (lines, config) => {
        const totals = priceCart(lines, config);
        const shelfSum = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
        expect(totals.subtotal).toBe(shelfSum);
        expect(totals.total).toBe(config.mode === 'exclusive' ? shelfSum + totals.tax : shelfSum);
        expect(totals.taxIncluded).toBe(config.mode === 'inclusive');
      }),
    );
  });

  it('have breakdown rows, one per authority and rate in use, that sum to the tax', () => {
    fc.assert(
      fc.property(cartArb, taxConfigArb, (lines, config) => {
        const totals = priceCart(lines, config);
        expect(totals.taxBreakdown.reduce((sum, row) => sum + row.tax, 0)).toBe(totals.tax);
        const expected = referenceBreakdown(lines, config);
        expect(totals.taxBreakdown.map((row) => `${row.jurisdiction}|${row.rate}`).sort()).toEqual([...expected.keys()].sort());
        for (const row of totals.taxBreakdown) expect(row.base).toBe(expected.get(`${row.jurisdiction}|${row.rate}`)!.base);
      }),
    );
  });

  it('have line taxes that sum to the tax', () => {
    fc.assert(
      fc.property(cartArb, taxConfigArb, (lines, config) => {
        const totals = priceCart(lines, config);
        expect(totals.lines.reduce((sum, l) => sum + l.tax, 0)).toBe(totals.tax);
      }),
    );
  });

  it('tax each authority and rate exactly as the definition says, per line or once per invoice', () => {
    fc.assert(
      fc.property(cartArb, taxConfigArb, (lines, config) => {
        const expected = referenceBreakdown(lines, config);
        for (const row of priceCart(lines, config).taxBreakdown) expect(row.tax).toBe(expected.get(`${row.jurisdiction}|${row.rate}`)!.tax);
      }),
    );
  });

  it('give each line, at line level, the sum of its rounded taxes from every authority', () => {
    fc.assert(
      fc.property(cartArb, taxConfigArb, (lines, config) => {
        const totals = priceCart(lines, { ...config, level: 'line' });
        totals.lines.forEach((l) => {
          const combined = config.jurisdictions.reduce((sum, j) => sum + (j.rates[l.taxCategory] ?? 0), 0);
          const divisor = config.mode === 'exclusive' ? RATE_SCALE : RATE_SCALE + combined;
          const expected = config.jurisdictions.reduce(
            (sum, j) => sum + referenceRound(BigInt(l.lineTotal) * BigInt(j.rates[l.taxCategory] ?? 0), BigInt(divisor), config.rounding),
            0,
          );
          expect(l.tax).toBe(expected);
        });
      }),
    );
  });
});

describe('line quantities', () => {
  it('refuses a quantity of 0, 10000 or a fraction', () => {
    for (const quantity of [0, MAX_LINE_QUANTITY + 1, 10_000, 1.5, -1]) {
      expect(() => priceCart([line('MILK', quantity, 119, 'reduced')], germanVat)).toThrow(RangeError);
    }
  });

  it('accepts 1 and 9999', () => {
    expect(priceCart([line('MILK', 1, 119, 'reduced')], germanVat).subtotal).toBe(119);
    expect(priceCart([line('MILK', 9999, 119, 'reduced')], germanVat).subtotal).toBe(1_189_881);
  });

  it('refuses a unit price that is not a whole number of minor units', () => {
    expect(() => priceCart([line('MILK', 1, 1.19, 'reduced')], germanVat)).toThrow(RangeError);
  });
});

describe('cashTender', () => {
  it('gives the customer change for the amount over the total', () => {
    expect(cashTender(1234, 2000)).toEqual({ kind: 'cash', amount: 1234, tendered: 2000, change: 766 });
  });

  it('gives no change when the customer hands over the exact total', () => {
    expect(cashTender(1234, 1234)).toEqual({ kind: 'cash', amount: 1234, tendered: 1234, change: 0 });
  });

  it('refuses cash that falls short and says by how much', () => {
    const result = cashTender(1234, 1000);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toContain('234');
  });

  it('always takes the total and returns the rest as change', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), fc.nat({ max: 10_000_000 }), (total, extra) => {
        const tender = cashTender(total, total + extra);
        expect(tender).toEqual({ kind: 'cash', amount: total, tendered: total + extra, change: extra });
      }),
    );
  });
});

describe('a tax category the store does not know, from the pricing worker', () => {
  it('is known again by its name and message alone, as a structured clone brings it back, with its category', () => {
    const cloned = Object.assign(new Error('tax category "luxury" is not configured for this store'), { name: 'UnknownTaxCategoryError' });
    expect(UnknownTaxCategoryError.from(cloned)?.category).toBe('luxury');
    expect(UnknownTaxCategoryError.from(new Error('tax category "luxury" is not configured for this store'))).toBeNull();
    expect(UnknownTaxCategoryError.from('not an error')).toBeNull();
  });
});
