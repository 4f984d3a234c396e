import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { roundToCoin, settleTenders, tenderProblem, type Settlement, type TenderInput } from '../../src/domain/split-tender.ts';
import { TenderRecordSchema } from '../../src/domain/tender.ts';

const settled = (total: number, tenders: TenderInput[], coin = 1) => settleTenders(total, tenders, coin) as Settlement;

describe('split tender', () => {
  it('takes card, gift card and cash for one sale, with change from the cash only', () => {
    const result = settled(10_000, [
      { kind: 'card', amount: 6_000 },
      { kind: 'gift_card', amount: 2_500 },
      { kind: 'cash', tendered: 2_000 },
    ]);
    expect(result).toEqual({ total: 10_000, paidOtherwise: 8_500, remaining: 0, cashDue: 1_500, cashAmount: 1_500, cashRounding: 0, change: 500, settled: true });
  });

  it('says what is left while the tenders fall short', () => {
    expect(settled(10_000, [{ kind: 'card', amount: 4_000 }, { kind: 'cash', tendered: 1_000 }])).toMatchObject({ remaining: 5_000, settled: false, change: 0 });
    expect(settled(10_000, [])).toMatchObject({ remaining: 10_000, settled: false });
  });

  it('refuses a card, gift card or store credit payment of more than is left: only cash gives change', () => {
    expect(settleTenders(5_000, [{ kind: 'card', amount: 5_001 }])).toEqual({ problem: { code: 'more_than_left', kind: 'card', excess: 1 } });
    expect(settleTenders(5_000, [{ kind: 'store_credit', amount: 3_000 }, { kind: 'gift_card', amount: 2_500 }])).toEqual({ problem: { code: 'more_than_left', kind: 'gift_card', excess: 500 } });
    expect(settleTenders(5_000, [{ kind: 'card', amount: 0 }])).toEqual({ problem: { code: 'nothing_paid', kind: 'card' } });
  });

  it('rounds the cash part to the smallest coin, like Swiss 5-rappen rounding, and records the difference', () => {
    // CHF 10.02 in cash: 10.00; 10.03: 10.05. The total itself stays exact.
    expect(settled(1_002, [{ kind: 'cash', tendered: 2_000 }], 5)).toMatchObject({ cashAmount: 1_000, cashRounding: -2, change: 1_000 });
    expect(settled(1_003, [{ kind: 'cash', tendered: 2_000 }], 5)).toMatchObject({ cashAmount: 1_005, cashRounding: 2, change: 995 });
    // A card pays to the unit; only the cash part is rounded.
    expect(settled(1_003, [{ kind: 'card', amount: 501 }, { kind: 'cash', tendered: 500 }], 5)).toMatchObject({ cashDue: 500, cashRounding: -2, settled: true, change: 0 });
    // Cash short of the rounded amount is still short, even when it covers the exact one.
    expect(settled(1_003, [{ kind: 'cash', tendered: 1_004 }], 5)).toMatchObject({ remaining: 1, settled: false });
    // Without a cash payment nothing is rounded: two cents are still owed.
    expect(settled(1_002, [{ kind: 'card', amount: 1_000 }], 5)).toMatchObject({ remaining: 2, settled: false, cashRounding: 0 });
  });

  it('rounds half away from zero at the coin, refunds included', () => {
    expect([1, 2, 3, 4, 5, 7, 8].map((amount) => roundToCoin(amount, 5))).toEqual([0, 0, 5, 5, 5, 5, 10]);
    expect(roundToCoin(-3, 5)).toBe(-5);
    expect(roundToCoin(-2, 5)).toBe(0);
    expect(roundToCoin(149, 100)).toBe(100);
    expect(roundToCoin(150, 100)).toBe(200);
    expect(() => roundToCoin(10, 0)).toThrow(/smallest coin/);
  });

  it('always adds up: tenders pay the total plus the cash rounding, change is never negative, rounding is under half a coin', () => {
    const tender = fc.oneof(
      fc.record({ kind: fc.constantFrom('card' as const, 'gift_card' as const, 'store_credit' as const, 'other_till' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ kind: fc.constant('cash' as const), tendered: fc.integer({ min: 0, max: 20_000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), fc.array(tender, { maxLength: 5 }), fc.constantFrom(1, 5, 10, 100), (total, tenders, coin) => {
        const result = settleTenders(total, tenders, coin);
        const otherwise = tenders.reduce((sum, t) => sum + (t.kind === 'cash' ? 0 : t.amount), 0);
        if ('problem' in result) {
          expect(otherwise).toBeGreaterThan(total);
          return;
        }
        const cash = tenders.reduce((sum, t) => sum + (t.kind === 'cash' ? t.tendered : 0), 0);
        expect(result.paidOtherwise).toBe(otherwise);
        expect(result.change).toBeGreaterThanOrEqual(0);
        expect(Math.abs(result.cashRounding) * 2).toBeLessThanOrEqual(coin);
        if (result.settled) {
          expect(result.paidOtherwise + result.cashAmount).toBe(total + result.cashRounding);
          expect(result.cashAmount + result.change).toBe(cash);
        } else {
          const hasCash = tenders.some((t) => t.kind === 'cash');
          expect(result.remaining).toBe(hasCash ? result.cashDue - cash : total - otherwise);
          expect(result.remaining).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('a recorded sale’s tenders', () => {
  const card = { kind: 'card', amount: 1_000, brand: 'Visa', last4: '4242', approvalCode: 'A1B2C3', terminalRef: 'T-17-0042', offline: false } as const;

  it('accepts what a settlement records: card plus cash rounded to the 5-rappen coin', () => {
    const settlement = settled(2_013, [{ kind: 'card', amount: 1_000 }, { kind: 'cash', tendered: 2_000 }], 5);
    const tenders = [card, { kind: 'cash', amount: settlement.cashAmount, tendered: 2_000, change: settlement.change } as const];
    expect(tenderProblem({ total: 2_013, cashRounding: settlement.cashRounding, tenders }, 5)).toBeNull();
    expect(settlement.cashRounding).toBe(2);
  });

  it('names what does not add up: tenders short of the total, change that was not given, rounding the coin does not make', () => {
    const cash = (amount: number, tendered: number, change: number) => ({ kind: 'cash', amount, tendered, change }) as const;
    expect(tenderProblem({ total: 2_000, cashRounding: 0, tenders: [card, cash(999, 999, 0)] }, 1)).toBe('tenders add up to 1999 but the sale total is 2000 with 0 cash rounding');
    expect(tenderProblem({ total: 1_000, cashRounding: 0, tenders: [cash(1_000, 2_000, 900)] }, 1)).toBe('cash tender 1 takes 1000 from 2000 but gives 900 change');
    expect(tenderProblem({ total: 1_003, cashRounding: 2, tenders: [cash(1_005, 1_005, 0)] }, 1)).toBe(
      "cash rounding is 2 but rounding 1003 to the store's smallest coin (1) gives 0",
    );
    // Without cash there is nothing to round.
    expect(tenderProblem({ total: 1_003, cashRounding: 2, tenders: [{ ...card, amount: 1_005 }] }, 5)).toBe('cash rounding is 2 but the sale took no cash');
  });
});

describe('a card tender', () => {
  const card = { kind: 'card', amount: 1_000, brand: 'Visa', last4: '4242', approvalCode: 'A1B2C3', terminalRef: 'T-17-0042', offline: false };
  const problems = (tender: object) => v.safeParse(TenderRecordSchema, tender).issues?.map((issue) => issue.message) ?? [];

  it('keeps the terminal’s reference, and refuses any field that could hold a card number', () => {
    expect(problems(card)).toEqual([]);
    expect(problems({ ...card, terminalRef: '4111111111111111' })).toEqual(["the terminal's reference could hold a card number; record the terminal's reference, never the card's number"]);
    // Grouped as printed on the card, or with other separators.
    expect(problems({ ...card, terminalRef: '4111-1111-1111-1111' }).length).toBe(1);
    expect(problems({ ...card, terminalRef: '4111.1111.1111.1111' }).length).toBe(1);
    expect(problems({ ...card, terminalRef: 'T1-20261122-000042' })).toEqual([]);
    expect(problems({ ...card, last4: '41111' })).toEqual(['last four digits are four digits']);
    expect(problems({ ...card, pan: '4111111111111111' }).length).toBe(1);
  });
});
