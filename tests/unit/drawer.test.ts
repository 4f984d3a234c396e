import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeDrawer, countValue, denominationsOf, expectedCash, type DrawerMovement } from '../../src/domain/drawer.ts';

describe('the cash drawer', () => {
  it('values a count by denomination, and refuses a coin the currency does not have', () => {
    // A US float: 2 × $20, 5 × $10, 10 × $1, 1 roll of quarters (40), 2 rolls of dimes (100).
    expect(countValue('USD', { 2000: 2, 1000: 5, 100: 10, 25: 40, 10: 100 })).toBe(4_000 + 5_000 + 1_000 + 1_000 + 1_000);
    expect(countValue('EUR', { 200: 3, 2: 7 })).toBe(614);
    expect(countValue('USD', { 200: 1 })).toEqual({ problem: { code: 'unknown_denomination', currency: 'USD', denomination: 200 } });
    expect(countValue('GBP', { 100: 1.5 })).toEqual({ problem: { code: 'pieces_not_whole', denomination: 100 } });
    // A currency whose notes and coins are not known here is counted as one amount.
    expect(denominationsOf('SEK')).toBeNull();
    expect(countValue('SEK', { 1: 150_000 })).toBe(150_000);
  });

  it('expects float + cash sales − cash refunds + paid in − paid out − drops, and reports the variance of a blind count', () => {
    const movements: DrawerMovement[] = [
      { kind: 'cash_sale', amount: 1_250 },
      { kind: 'cash_sale', amount: 830 },
      { kind: 'cash_refund', amount: 400 },
      { kind: 'paid_in', amount: 2_000 },
      { kind: 'paid_out', amount: 650 },
      { kind: 'drop', amount: 5_000 },
      { kind: 'no_sale' },
    ];
    expect(expectedCash(10_000, movements)).toBe(10_000 + 1_250 + 830 - 400 + 2_000 - 650 - 5_000);
    expect(closeDrawer(10_000, movements, 8_000)).toEqual({ expected: 8_030, counted: 8_000, variance: -30 });
  });

  it('does not depend on the order of the movements', () => {
    const movement = fc.oneof(
      fc.record({ kind: fc.constantFrom('cash_sale' as const, 'cash_refund' as const, 'paid_in' as const, 'paid_out' as const, 'drop' as const), amount: fc.integer({ min: 0, max: 100_000 }) }),
      fc.constant({ kind: 'no_sale' as const }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), fc.array(movement, { maxLength: 30 }).chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))), (float, [list, shuffled]) => {
        expect(expectedCash(float, shuffled)).toBe(expectedCash(float, list));
      }),
    );
  });
});
