import { describe, it, expect } from 'vitest';
import { createPromotionBook, priceSale, refundFor, type Promotion, type Refund, type RefundableSale, type TaxConfig } from '../../src/domain/pricing/index.ts';
import type { CartLine } from '../../src/domain/cart-line.ts';

/** Returns against a priced sale: what the customer paid comes back, discounts and tax included, to the cent. */

const cityAndState: TaxConfig = {
  version: 1,
  mode: 'exclusive',
  rounding: 'half-up',
  level: 'line',
  categories: { standard: { label: 'Standard' }, grocery: { label: 'Grocery' } },
  jurisdictions: [
    { id: 'state', label: 'State', rates: { standard: 100_000 } },
    { id: 'city', label: 'City', rates: { standard: 10_000 } },
  ],
};

function item(sku: string, quantity: number, unitPrice: number, taxCategory = 'standard'): CartLine {
  return { sku, name: sku, quantity, unitPrice, taxCategory, category: 'general', priceVersion: 1 };
}

function refunded(result: Refund | { error: string }): Refund {
  if ('error' in result) throw new Error(`expected a refund, got: ${result.error}`);
  return result;
}

describe('refundFor', () => {
  // PEN 3 × 3.33 = 9.99: State 10 % = 0.999 → 1.00, City 1 % = 0.0999 → 0.10; paid 9.99 + 1.10 = 11.09
  // RICE 5.00, a grocery neither authority taxes: paid 5.00
  const sale = priceSale([item('PEN', 3, 333), item('RICE', 1, 500, 'grocery')], createPromotionBook([], 's'), cityAndState, { at: 0 });

  it('starts from a sale whose lines are as computed by hand', () => {
    expect(sale.lines.map((l) => [l.paid, l.tax, l.taxParts])).toEqual([
      [1109, 110, [100, 10]],
      [500, 0, [0, 0]],
    ]);
    expect(sale.total).toBe(1609);
  });

  it('gives back one unit’s share of what was paid, tax included, and the tax per authority', () => {
    // 1109 / 3 = 369.67 → 3.70, of which State 100 / 3 = 33.3 → 0.33 and City 10 / 3 = 3.3 → 0.03
    expect(refundFor(sale, [], [{ line: 0, quantity: 1 }])).toEqual({
      lines: [{ line: 0, sku: 'PEN', quantity: 1, amount: 370, tax: 36 }],
      taxBreakdown: [
        { jurisdiction: 'state', label: 'State 10 %', rate: 100_000, tax: 33 },
        { jurisdiction: 'city', label: 'City 1 %', rate: 10_000, tax: 3 },
      ],
      tax: 36,
      total: 370,
    });
  });

  it('gives the cents earlier returns left over back with the later ones, so the steps add up to what was paid', () => {
    // cumulative shares of 1109 after 1, 2, 3 units: 369.67 → 370, 739.33 → 739, 1109 → steps 370, 369, 370
    const steps = [0, 1, 2].map((before) => refunded(refundFor(sale, [before], [{ line: 0, quantity: 1 }])).total);
    expect(steps).toEqual([370, 369, 370]);
    expect(steps.reduce((a, b) => a + b)).toBe(1109);
    // two units after one: 1109 − 370 = 739, tax (100 − 33) + (10 − 3) = 74
    expect(refunded(refundFor(sale, [1], [{ line: 0, quantity: 2 }]))).toMatchObject({ total: 739, tax: 74 });
  });

  it('leaves out tax rows that give nothing back', () => {
    expect(refunded(refundFor(sale, [], [{ line: 1, quantity: 1 }]))).toEqual({ lines: [{ line: 1, sku: 'RICE', quantity: 1, amount: 500, tax: 0 }], taxBreakdown: [], tax: 0, total: 500 });
  });

  it('adds two requests for the same line together', () => {
    expect(refundFor(sale, [], [{ line: 0, quantity: 1 }, { line: 0, quantity: 2 }])).toEqual(refundFor(sale, [], [{ line: 0, quantity: 3 }]));
  });

  it('gives back what the customer paid after discounts, not the shelf price', () => {
    // BOGO: two 3.00 socks for 3.00, no tax: each sock returned gives back 1.50
    const socks = { skus: ['SOCK'], categories: [] };
    const bogo: Promotion = { id: 'bogo', name: 'BOGO', revision: 1, validFrom: 0, validTo: null, stores: null, priority: 0, stacking: 'combinable', coupon: null, kind: 'buy_x_get_y', buy: { target: socks, quantity: 1 }, get: { target: socks, quantity: 1, percent: 100 } };
    const untaxed: TaxConfig = { ...cityAndState, jurisdictions: [] };
    const socksSale = priceSale([item('SOCK', 2, 300)], createPromotionBook([bogo], 's'), untaxed, { at: 0 });
    expect(socksSale.total).toBe(300);
    expect(refunded(refundFor(socksSale, [], [{ line: 0, quantity: 1 }])).total).toBe(150);
  });

  it('refuses a line the sale does not have, a quantity that is not a whole number above zero, and more than is left', () => {
    const small: RefundableSale = { lines: [{ sku: 'PEN', quantity: 3, paid: 999, taxParts: [] }], taxBreakdown: [] };
    expect(refundFor(small, [], [{ line: 1, quantity: 1 }])).toEqual({ error: 'the sale has no line 2' });
    expect(refundFor(small, [], [{ line: 0, quantity: 0 }])).toHaveProperty('error');
    expect(refundFor(small, [], [{ line: 0, quantity: 1.5 }])).toHaveProperty('error');
    expect(refundFor(small, [2], [{ line: 0, quantity: 2 }])).toEqual({ error: 'line 1 (PEN) has 1 of 3 left to return, not 2' });
    expect(refundFor(small, [1], [{ line: 0, quantity: 1 }, { line: 0, quantity: 2 }])).toHaveProperty('error');
  });
});
