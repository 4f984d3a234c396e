import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { createPromotionBook, priceSale, type TaxConfig } from '../../src/domain/pricing/index.ts';
import { completedSalePayload } from '../../src/domain/sale.ts';
import { refundedTenders, returnableSale, returnCharges, saleRecordOf, withClaim, type ReturnClaim, type SaleRecord } from '../../src/domain/sale-record.ts';
import { exchangeBalance, lowestRecentPrice, NOTHING_REFUNDED, RefundCompletedPayloadSchema, refundTenders, returnFigures, returnProblem, withinReturnWindow, type RefundCompletedPayload, type RefundTender } from '../../src/domain/sale-return.ts';
import { voidProblem, voidTenders } from '../../src/domain/sale-void.ts';
import { readReceiptReference } from '../../src/domain/receipt-lookup.ts';
import type { TenderRecord } from '../../src/domain/tender.ts';
import { roundToCoin } from '../../src/domain/split-tender.ts';
import { refundTenderProblem } from '../../src/domain/refund-check.ts';
import { scaleRounded } from '../../src/domain/money.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';

const AT = Date.UTC(2026, 10, 21, 9, 0, 0);
const TAX: TaxConfig = {
  version: 1,
  mode: 'exclusive',
  rounding: 'half-up',
  level: 'line',
  categories: { standard: { label: 'Standard' }, food: { label: 'Food' } },
  jurisdictions: [
    { id: 'tx', label: 'Texas', rates: { standard: 62_500, food: 0 } },
    { id: 'austin', label: 'Austin', rates: { standard: 20_000, food: 0 } },
  ],
};
const PRODUCTS = [
  { sku: 'MUG', name: 'Mug', price: 1_299, taxCategory: 'standard', category: 'home', priceVersion: 1 },
  { sku: 'BREAD', name: 'Bread', price: 449, taxCategory: 'food', category: 'bakery', priceVersion: 1 },
  { sku: 'LAMP', name: 'Lamp', price: 3_333, taxCategory: 'standard', category: 'home', priceVersion: 1 },
];
const CARD: TenderRecord = { kind: 'card', amount: 0, brand: 'Visa', last4: '4242', approvalCode: 'A1', terminalRef: 'T-1', offline: false };

/** A sale of the given units of each product, with a 10 % manager discount on the basket so every line carries an allocated discount. */
function saleOf(quantities: readonly number[], tenders?: (total: number) => TenderRecord[]): SaleRecord {
  const lines = PRODUCTS.flatMap((product, i) => ((quantities[i] ?? 0) > 0 ? [cartLineFor(product, quantities[i]!)] : []));
  const manualDiscounts = [{ id: 'm1', scope: 'basket' as const, percent: 10, reason: 'loyal', approvedBy: 'mgr' }];
  const totals = priceSale(lines, createPromotionBook([], 'store-1'), TAX, { at: AT, manualDiscounts });
  const paid = tenders?.(totals.total) ?? [{ kind: 'cash', amount: totals.total, tendered: totals.total, change: 0 }];
  const payload = completedSalePayload({
    saleId: uuidv7(AT, new Uint8Array(10).fill(3)),
    receiptNumber: 'AUS-0001-000001',
    currency: 'USD',
    totals,
    pricing: { at: AT, staffPurchase: false, manualDiscounts },
    tenders: paid,
    cashRounding: 0,
    customer: null,
    receiptToken: 'ab'.repeat(16),
    overrides: [],
    completedAt: AT,
  });
  return saleRecordOf(payload, { deviceId: 'till-1', hlc: '000000000000001-000000-till-1' });
}

const quantitiesArb = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 3 }).filter((q) => q.some((n) => n > 0));

describe('returns of one sale in any number of steps', () => {
  it('never give back more than was paid for a line, and give back exactly what was paid once everything is returned', () => {
    fc.assert(
      fc.property(quantitiesArb, fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 4 })), { maxLength: 30 }), (quantities, steps) => {
        const sale = saleOf(quantities);
        const returned = sale.lines.map(() => 0);
        const refunded = sale.lines.map(() => 0);
        const refund = (line: number, quantity: number) => {
          const figures = returnFigures(returnableSale(sale), returned, [{ line, quantity }]);
          if ('error' in figures) throw new Error(figures.error);
          // What the till writes, the server's check accepts.
          const payload: RefundCompletedPayload = {
            returnId: uuidv7(AT, new Uint8Array(10)),
            receiptNumber: 'R-1',
            currency: 'USD',
            sale: { saleId: sale.id, receiptNumber: sale.receiptNumber, returnedBefore: [...returned] },
            ...figures,
            tenders: [{ kind: 'cash', amount: figures.total }],
            cashRounding: 0,
            reason: 'changed mind',
            approvedBy: null,
            completedAt: AT,
          };
          expect(v.safeParse(RefundCompletedPayloadSchema, payload).success).toBe(true);
          expect(returnProblem(payload, returnableSale(sale))).toBeNull();
          returned[line]! += quantity;
          refunded[line]! += figures.total;
        };
        for (const [pick, wanted] of steps) {
          const line = pick % sale.lines.length;
          const left = sale.lines[line]!.quantity - returned[line]!;
          if (left === 0) {
            expect(returnFigures(returnableSale(sale), returned, [{ line, quantity: 1 }])).toEqual({ error: expect.stringMatching(/has 0 of \d+ left to return/) });
            continue;
          }
          refund(line, Math.min(left, wanted));
          expect(refunded[line]).toBeLessThanOrEqual(sale.lines[line]!.paid);
        }
        // The rest of every line, in one last return.
        for (const [line, original] of sale.lines.entries()) if (original.quantity > returned[line]!) refund(line, original.quantity - returned[line]!);
        expect(refunded).toEqual(sale.lines.map((line) => line.paid));
        expect(refunded.reduce((a, b) => a + b, 0)).toBe(sale.total);
      }),
      { numRuns: 200 },
    );
  });

  it('are refused by the server’s check when the amounts are not the allocation’s, or the line is not the sale’s', () => {
    const sale = saleOf([2, 1, 0]);
    const figures = returnFigures(returnableSale(sale), [0, 0], [{ line: 0, quantity: 1 }]);
    if ('error' in figures) throw new Error(figures.error);
    const payload: RefundCompletedPayload = {
      returnId: uuidv7(AT, new Uint8Array(10)),
      receiptNumber: 'R-1',
      currency: 'USD',
      sale: { saleId: sale.id, receiptNumber: sale.receiptNumber, returnedBefore: [0, 0] },
      ...figures,
      tenders: [{ kind: 'cash', amount: figures.total }],
      cashRounding: 0,
      reason: 'damaged',
      approvedBy: null,
      completedAt: AT,
    };
    const inflated = { ...payload, lines: [{ ...payload.lines[0]!, amount: payload.lines[0]!.amount + 1 }], total: payload.total + 1, tenders: [{ kind: 'cash' as const, amount: payload.total + 1 }] };
    expect(returnProblem(inflated, returnableSale(sale))).toMatch(/the sale's allocation gives/);
    expect(returnProblem({ ...payload, lines: [{ ...payload.lines[0]!, sku: 'LAMP' }] }, returnableSale(sale))).toMatch(/line 1 of the sale is MUG, not LAMP/);
    expect(returnProblem({ ...payload, sale: { ...payload.sale!, returnedBefore: [2, 0] } }, returnableSale(sale))).toMatch(/has 0 of 2 left to return/);
  });

  it('without a receipt need a manager, and the lines and tenders must add up', () => {
    const base = {
      returnId: uuidv7(AT, new Uint8Array(10)),
      receiptNumber: 'R-1',
      currency: 'USD',
      sale: null,
      lines: [{ line: null, sku: 'MUG', name: 'Mug', quantity: 1, amount: 1_400, tax: 101 }],
      taxBreakdown: [],
      tax: 101,
      total: 1_400,
      tenders: [{ kind: 'cash', amount: 1_400 }],
      cashRounding: 0,
      reason: 'gift',
      approvedBy: 'mgr-1',
      completedAt: AT,
    };
    expect(v.safeParse(RefundCompletedPayloadSchema, base).success).toBe(true);
    const unapproved = v.safeParse(RefundCompletedPayloadSchema, { ...base, approvedBy: null });
    expect(unapproved.success).toBe(false);
    expect(unapproved.issues?.[0]?.message).toMatch(/without a receipt needs a manager/);
    expect(v.safeParse(RefundCompletedPayloadSchema, { ...base, tenders: [{ kind: 'cash', amount: 1_300 }] }).issues?.[0]?.message).toMatch(/tenders add up/);
    expect(v.safeParse(RefundCompletedPayloadSchema, { ...base, total: 1_500, tenders: [{ kind: 'cash', amount: 1_500 }] }).issues?.[0]?.message).toMatch(/lines add up/);
  });
});

describe('where a refund goes', () => {
  it('back to the card first, up to what it paid across every return, then cash, then the store’s fallback', () => {
    const paid: TenderRecord[] = [{ ...CARD, amount: 3_000 }, { kind: 'cash', amount: 1_000, tendered: 2_000, change: 1_000 }];
    const first = refundTenders(2_500, paid, NOTHING_REFUNDED, { kind: 'cash' });
    expect(first).toEqual({ tenders: [{ kind: 'card', amount: 2_500, brand: 'Visa', last4: '4242', terminalRef: 'T-1' }], cashRounding: 0 });
    const second = refundTenders(1_200, paid, { tenders: first.tenders, cashRounding: 0 }, { kind: 'cash' });
    expect(second.tenders).toEqual([{ kind: 'card', amount: 500, brand: 'Visa', last4: '4242', terminalRef: 'T-1' }, { kind: 'cash', amount: 700 }]);
    const third = refundTenders(800, paid, { tenders: [...first.tenders, ...second.tenders], cashRounding: 0 }, { kind: 'store_credit', accountId: 'SC-1' });
    // The cash left (1,000 − 700) goes back in cash; what is left over, by the store's fallback.
    expect(third.tenders).toEqual([{ kind: 'store_credit', amount: 500, accountId: 'SC-1' }, { kind: 'cash', amount: 300 }]);
  });

  it('never gives more back to a tender than it paid, and always gives back the whole refund', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 5_000 }), fc.array(fc.integer({ min: 1, max: 3_000 }), { maxLength: 6 }), (card, cash, refunds) => {
        const paid: TenderRecord[] = [...(card > 0 ? [{ ...CARD, amount: card }] : []), ...(cash > 0 ? [{ kind: 'cash' as const, amount: cash, tendered: cash, change: 0 }] : [])];
        const before: RefundTender[] = [];
        for (const total of refunds) {
          const { tenders, cashRounding } = refundTenders(total, paid, { tenders: before, cashRounding: 0 }, { kind: 'cash' });
          expect(tenders.reduce((sum, t) => sum + t.amount, 0)).toBe(total + cashRounding);
          before.push(...tenders);
          expect(before.filter((t) => t.kind === 'card').reduce((sum, t) => sum + t.amount, 0)).toBeLessThanOrEqual(card);
        }
      }),
    );
  });

  it('rounds cash to the smallest coin', () => {
    expect(refundTenders(1_003, [{ kind: 'cash', amount: 2_000, tendered: 2_000, change: 0 }], NOTHING_REFUNDED, { kind: 'cash' }, 5)).toEqual({ tenders: [{ kind: 'cash', amount: 1_005 }], cashRounding: 2 });
  });

  it('rounds cash over partial returns cumulatively: returning the units one at a time hands back the cash the sale took, not more', () => {
    // Three units at 1.03 paid 3.10 in cash with a 5-cent coin (3.09 rounded).
    const paid: TenderRecord[] = [{ kind: 'cash', amount: 310, tendered: 310, change: 0 }];
    const claims: Pick<ReturnClaim, 'tenders' | 'lines'>[] = [];
    const cashBack: number[] = [];
    for (let unit = 0; unit < 3; unit += 1) {
      const { tenders, cashRounding } = refundTenders(103, paid, refundedTenders(claims), { kind: 'cash' }, 5);
      expect(tenders.reduce((sum, t) => sum + t.amount, 0)).toBe(103 + cashRounding);
      cashBack.push(tenders.find((t) => t.kind === 'cash')?.amount ?? 0);
      claims.push({ tenders, lines: [{ line: 0, quantity: 1, amount: 103 }] });
    }
    expect(cashBack).toEqual([105, 100, 105]);
  });

  it('rounds the fallback’s cash to the coin when the sale took no cash (paid at another till)', () => {
    const paid: TenderRecord[] = [{ kind: 'other_till', amount: 206, reference: 'TILL-2' }];
    const first = refundTenders(103, paid, NOTHING_REFUNDED, { kind: 'cash' }, 5);
    expect(first).toEqual({ tenders: [{ kind: 'cash', amount: 105 }], cashRounding: 2 });
    const second = refundTenders(103, paid, refundedTenders([{ tenders: first.tenders, lines: [{ line: 0, quantity: 1, amount: 103 }] }]), { kind: 'cash' }, 5);
    expect(second).toEqual({ tenders: [{ kind: 'cash', amount: 100 }], cashRounding: -3 });
  });

  it('partial returns that take everything back refund exactly the cash the sale took, never more at any step, no other tender more than it paid, and the server accepts each plan', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 5, 10),
        fc.integer({ min: 0, max: 4_000 }),
        fc.integer({ min: 0, max: 4_000 }),
        fc.integer({ min: 1, max: 6_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (coin, card, giftCard, cashExact, weights, creditFallback) => {
          const cashPaid = roundToCoin(cashExact, coin);
          fc.pre(cashPaid > 0);
          const total = card + giftCard + cashExact;
          const paid: TenderRecord[] = [
            ...(card > 0 ? [{ ...CARD, amount: card }] : []),
            ...(giftCard > 0 ? [{ kind: 'gift_card' as const, amount: giftCard, accountId: 'GC-1', last4: '0001', offline: false }] : []),
            { kind: 'cash', amount: cashPaid, tendered: cashPaid, change: 0 },
          ];
          // The sale's total split into partial returns, each at least a cent, the last taking the rest.
          const weightSum = weights.reduce((sum, w) => sum + w, 0);
          const parts: number[] = [];
          let given = 0;
          let weightBefore = 0;
          for (const weight of weights) {
            weightBefore += weight;
            const upTo = Math.floor((total * weightBefore) / weightSum);
            if (upTo > given) parts.push(upTo - given);
            given = Math.max(given, upTo);
          }
          const claims: Pick<ReturnClaim, 'tenders' | 'lines'>[] = [];
          const back = (kind: RefundTender['kind']) => claims.flatMap((claim) => claim.tenders).filter((t) => t.kind === kind).reduce((sum, t) => sum + t.amount, 0);
          for (const part of parts) {
            const fallback = creditFallback ? ({ kind: 'store_credit', accountId: 'SC-NEW' } as const) : ({ kind: 'cash' } as const);
            const { tenders, cashRounding } = refundTenders(part, paid, refundedTenders(claims), fallback, coin, cashPaid - cashExact);
            expect(tenders.reduce((sum, t) => sum + t.amount, 0)).toBe(part + cashRounding);
            // What the sale paid covers every refund: no new credit slip, and the server's check passes the till's plan.
            expect(tenders.filter((t) => t.kind === 'store_credit')).toEqual([]);
            expect(refundTenderProblem(tenders, cashRounding, { tenders: paid, cashRounding: cashPaid - cashExact }, coin)).toBeNull();
            claims.push({ tenders, lines: [{ line: 0, quantity: 1, amount: part }] });
            expect(back('cash')).toBeLessThanOrEqual(cashPaid);
            expect(back('card')).toBeLessThanOrEqual(card);
            expect(back('gift_card')).toBeLessThanOrEqual(giftCard);
          }
          expect(back('cash')).toBe(cashPaid);
        },
      ),
    );
  });

  it('settles an exchange as one balance', () => {
    expect(exchangeBalance(3_000, 5_000)).toEqual({ carried: 3_000, customerPays: 2_000, customerGets: 0 });
    expect(exchangeBalance(5_000, 3_000)).toEqual({ carried: 3_000, customerPays: 0, customerGets: 2_000 });
  });

  it('a void pays back each of the sale’s tenders what it paid, and nothing else', () => {
    const paid: TenderRecord[] = [{ ...CARD, amount: 1_000 }, { kind: 'other_till', amount: 300, reference: 'TILL-2' }, { kind: 'cash', amount: 200, tendered: 500, change: 300 }];
    const back = voidTenders(paid);
    expect(back).toEqual([{ kind: 'card', amount: 1_000, brand: 'Visa', last4: '4242', terminalRef: 'T-1' }, { kind: 'cash', amount: 300 }, { kind: 'cash', amount: 200 }]);
    const payload = { voidId: uuidv7(AT, new Uint8Array(10)), sale: { saleId: uuidv7(AT, new Uint8Array(10)), receiptNumber: 'R' }, tenders: back as RefundTender[], total: 1_500, reason: 'wrong card', approvedBy: 'mgr', completedAt: AT };
    expect(voidProblem(payload, paid)).toBeNull();
    expect(voidProblem({ ...payload, tenders: [{ kind: 'cash', amount: 1_500 }] }, paid)).toMatch(/pays back the sale’s own tenders/);
    expect(voidTenders([{ kind: 'exchange', amount: 1, returnId: uuidv7(AT, new Uint8Array(10)) }])).toEqual({ error: expect.stringMatching(/cannot be voided/) });
  });
});

describe('a line returned on two tills while they were apart', () => {
  const claim = (id: string, hlc: string, lines: [number, number][]): ReturnClaim => ({
    id,
    kind: 'return',
    receiptNumber: `R-${id}`,
    deviceId: 'till',
    hlc,
    lines: lines.map(([line, quantity]) => ({ line, quantity, amount: quantity * 100 })),
    tenders: [],
    charged: [],
  });

  it('charges the later return by HLC, whichever arrives first', () => {
    const sale = saleOf([1, 0, 0]);
    const early = claim('a', '000000000000005-000000-t1', [[0, 1]]);
    const late = claim('b', '000000000000009-000000-t2', [[0, 1]]);
    const lateFirst = withClaim(withClaim(sale, late).record, early);
    const earlyFirst = withClaim(withClaim(sale, early).record, late);
    expect(lateFirst.charges).toEqual([{ claimId: 'b', line: 0, quantity: 1, amount: sale.lines[0]!.paid }]);
    expect(earlyFirst.charges).toEqual(lateFirst.charges);
    expect(lateFirst.record).toEqual(earlyFirst.record);
    // The same claim again changes nothing.
    expect(withClaim(lateFirst.record, early)).toEqual({ record: lateFirst.record, charges: [] });
  });

  /** The conflicts a server holds after the claims arrive in this order: each new or changed charge written over its (claim, line). */
  const conflictsAfter = (sale: SaleRecord, arrivals: readonly ReturnClaim[]) => {
    const conflicts = new Map<string, { quantity: number; amount: number }>();
    let record = sale;
    for (const arrival of arrivals) {
      const settled = withClaim(record, arrival);
      for (const charge of settled.charges) conflicts.set(`${charge.claimId}/${charge.line}`, { quantity: charge.quantity, amount: charge.amount });
      record = settled.record;
    }
    return { record, conflicts: new Map([...conflicts].sort(([a], [b]) => (a < b ? -1 : 1))) };
  };

  it('charges the same conflicts whatever order the pushes arrive in, never more than was paid for the units over', () => {
    // Two units paid 3.33; X and Y each returned one (1.67), B both (3.33), in that HLC order.
    const sale = saleOf([2, 0, 0]);
    const line = { ...sale.lines[0]!, paid: 333 };
    const record = { ...sale, lines: [line] };
    const x = { ...claim('x', '000000000000001-000000-t1', [[0, 1]]), lines: [{ line: 0, quantity: 1, amount: 167 }] };
    const y = { ...claim('y', '000000000000002-000000-t2', [[0, 1]]), lines: [{ line: 0, quantity: 1, amount: 167 }] };
    const b = { ...claim('b', '000000000000003-000000-t3', [[0, 2]]), lines: [{ line: 0, quantity: 2, amount: 333 }] };
    const expected = new Map([['b/0', { quantity: 2, amount: 333 }]]);
    for (const order of [[b, x, y], [x, y, b], [y, b, x], [b, y, x]]) expect(conflictsAfter(record, order).conflicts, order.map((c) => c.id).join('')).toEqual(expected);
  });

  it('in every arrival order, the conflicts (ids, units, amounts) are the same, only grow, and add up to what was paid for the units over', () => {
    const claimsArb = fc.uniqueArray(
      fc.record({ at: fc.integer({ min: 1, max: 999 }), lines: fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 3 }) }),
      { selector: (c) => c.at, minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(quantitiesArb, fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 3, maxLength: 3 }), claimsArb, (quantities, paid, drawn) => {
        const sold = saleOf(quantities);
        const sale = { ...sold, lines: sold.lines.map((line, i) => ({ ...line, paid: paid[i]! })) };
        const claims = drawn.map((c, i) => claim(`c${i}`, `${String(c.at).padStart(15, '0')}-000000-t`, uniqueLines(c.lines.map(([line, q]) => [line % sale.lines.length, q]))));
        const first = conflictsAfter(sale, claims);
        for (const order of permutations(claims)) {
          const { record, conflicts } = conflictsAfter(sale, order);
          expect(conflicts).toEqual(first.conflicts);
          expect(record).toEqual(first.record);
          // Every charge an earlier arrival wrote is still there, for as many units or more: nothing is left to withdraw.
          let known = sale;
          let before = new Map<string, number>();
          for (const arrival of order) {
            known = withClaim(known, arrival).record;
            const now = new Map(returnCharges(known, known.returns).map((c) => [`${c.claimId}/${c.line}`, c.quantity]));
            for (const [id, quantity] of before) expect(now.get(id) ?? 0).toBeGreaterThanOrEqual(quantity);
            before = now;
          }
        }
        for (const [index, line] of sale.lines.entries()) {
          const claimed = claims.reduce((sum, c) => sum + c.lines.filter((l) => l.line === index).reduce((s, l) => s + l.quantity, 0), 0);
          const over = Math.max(0, claimed - line.quantity);
          const charged = [...first.conflicts].filter(([id]) => id.endsWith(`/${index}`)).map(([, c]) => c);
          expect(charged.reduce((sum, c) => sum + c.quantity, 0)).toBe(over);
          const total = charged.reduce((sum, c) => sum + c.amount, 0);
          expect(total).toBe(scaleRounded(line.paid, over, line.quantity, 'half-up'));
          // Taken back at most twice over, a line is charged at most what was paid for it.
          if (over <= line.quantity) expect(total).toBeLessThanOrEqual(line.paid);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('charges the same units to the same claims in any arrival order, and keeps exactly what was sold', () => {
    const claimsArb = fc.uniqueArray(
      fc.record({ at: fc.integer({ min: 1, max: 999 }), lines: fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 3 }) }),
      { selector: (c) => c.at, minLength: 1, maxLength: 7 },
    );
    fc.assert(
      fc.property(quantitiesArb, claimsArb, fc.nat(), (quantities, drawn, seed) => {
        const sale = saleOf(quantities);
        const claims = drawn.map((c, i) => claim(`c${i}`, `${String(c.at).padStart(15, '0')}-000000-t`, uniqueLines(c.lines.map(([line, q]) => [line % sale.lines.length, q]))));
        const shuffled = [...claims].sort((a, b) => ((hash(a.id, seed) - hash(b.id, seed)) || 0));
        const inOrder = claims.reduce((record, c) => withClaim(record, c).record, sale);
        const inShuffle = shuffled.reduce((record, c) => withClaim(record, c).record, sale);
        expect(inShuffle).toEqual(inOrder);
        for (const [index, line] of sale.lines.entries()) {
          const claimed = inOrder.returns.reduce((sum, c) => sum + c.lines.filter((l) => l.line === index).reduce((s, l) => s + l.quantity, 0), 0);
          const charged = inOrder.returns.reduce((sum, c) => sum + c.charged.filter((l) => l.line === index).reduce((s, l) => s + l.quantity, 0), 0);
          expect(claimed - charged).toBe(Math.min(claimed, line.quantity));
        }
      }),
      { numRuns: 300 },
    );
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
function uniqueLines(lines: [number, number][]): [number, number][] {
  const merged = new Map<number, number>();
  for (const [line, quantity] of lines) merged.set(line, (merged.get(line) ?? 0) + quantity);
  return [...merged];
}
function hash(text: string, seed: number): number {
  let h = seed | 0;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 2654435761);
  return h >>> 0;
}

describe('the return window and the lowest recent price', () => {
  it('counts days from the sale', () => {
    expect(withinReturnWindow(AT, AT + 30 * 86_400_000, 30)).toBe(true);
    expect(withinReturnWindow(AT, AT + 30 * 86_400_000 + 1, 30)).toBe(false);
  });
  it('is the lowest the product sold for in the window, never above today’s price', () => {
    const now = AT + 40 * 86_400_000;
    expect(lowestRecentPrice(1_299, [{ unitPrice: 999, completedAt: AT }, { unitPrice: 1_099, completedAt: now - 86_400_000 }], now, 30)).toBe(1_099);
    expect(lowestRecentPrice(899, [{ unitPrice: 1_099, completedAt: now }], now, 30)).toBe(899);
  });
});

describe('a scanned or typed receipt reference', () => {
  it('reads the QR code’s address, a bare token, or a receipt number', () => {
    const token = '0123456789abcdef0123456789ABCDEF';
    expect(readReceiptReference(`https://shop.example/r/${token}`)).toEqual({ kind: 'token', token: token.toLowerCase() });
    expect(readReceiptReference(`/r/${token}?utm=qr`)).toEqual({ kind: 'token', token: token.toLowerCase() });
    expect(readReceiptReference(` ${token} `)).toEqual({ kind: 'token', token: token.toLowerCase() });
    expect(readReceiptReference('AUS-8F3A-000042')).toEqual({ kind: 'number', receiptNumber: 'AUS-8F3A-000042' });
    expect(readReceiptReference('https://shop.example/r/short')).toBeNull();
    expect(readReceiptReference('   ')).toBeNull();
  });
});
