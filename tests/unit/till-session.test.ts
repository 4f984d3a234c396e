import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { appendToChain, EventSchema, GENESIS_HASH, type ChainHead, type NewEvent, type StoreEvent } from '../../src/domain/events.ts';
import { createPromotionBook, priceSale, type TaxConfig } from '../../src/domain/pricing/index.ts';
import { completedSalePayload } from '../../src/domain/sale.ts';
import { foldTillReport, openedReport, tillReport } from '../../src/domain/till-session.ts';
import { cashTender } from '../../src/domain/tender.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import { sha256Hex } from '../../src/server/sha256.ts';

const AT = Date.UTC(2026, 10, 21, 9, 0, 0);
const SESSION = uuidv7(AT, new Uint8Array(10).fill(7));
const TAX: TaxConfig = {
  version: 1,
  mode: 'exclusive',
  rounding: 'half-up',
  level: 'line',
  categories: { standard: { label: 'Standard' }, food: { label: 'Food' } },
  jurisdictions: [{ id: 'tx', label: 'Texas', rates: { standard: 62_500, food: 0 } }],
};
const PRODUCTS = [
  { sku: 'MUG', name: 'Mug', price: 1_299, taxCategory: 'standard', category: 'home', priceVersion: 1 },
  { sku: 'BREAD', name: 'Bread', price: 449, taxCategory: 'food', category: 'bakery', priceVersion: 1 },
];

/** One till's journal, built event by event as the device builds it. */
function journal() {
  const events: StoreEvent[] = [];
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  let n = 0;
  const add = (body: Pick<NewEvent, 'type' | 'payload'>) => {
    n += 1;
    const fields = { id: uuidv7(AT + n, new Uint8Array(10).fill(n % 256)), deviceId: 'till-1', storeId: 'store-1', staffId: 'staff-1', hlc: { wallMs: AT + n, counter: 0, node: 'till-1' }, ...body } as NewEvent;
    const appended = appendToChain(head, fields, sha256Hex);
    expect(v.safeParse(EventSchema, appended.event).success).toBe(true);
    events.push(appended.event);
    head = appended.head;
  };
  const sell = (quantities: readonly [number, number], tendered?: number) => {
    const lines = PRODUCTS.flatMap((product, i) => (quantities[i]! > 0 ? [cartLineFor(product, quantities[i]!)] : []));
    const totals = priceSale(lines, createPromotionBook([], 'store-1'), TAX, { at: AT });
    const tender = cashTender(totals.total, tendered ?? totals.total);
    if ('error' in tender) throw new Error(tender.error);
    const payload = completedSalePayload({ saleId: uuidv7(AT + n, new Uint8Array(10).fill(200 - n)), receiptNumber: `R-${n}`, currency: 'USD', totals, pricing: { at: AT, staffPurchase: false, manualDiscounts: [] }, tenders: [tender], cashRounding: 0, customer: null, receiptToken: n.toString(16).padStart(32, '0'), overrides: [], completedAt: AT + n });
    add({ type: 'sale.completed', payload });
    return payload;
  };
  return { events, add, sell };
}

describe('a till session’s report', () => {
  it('adds up the session’s sales by tender and tax rate, and expects float + cash sales + paid in − paid out − drops', () => {
    const till = journal();
    till.add({ type: 'till.opened', payload: { sessionId: SESSION, staffName: 'Ana', float: 15_000, count: { 2000: 5, 1000: 5 } } });
    const first = till.sell([2, 1], 5_000);
    const second = till.sell([0, 3]);
    till.add({ type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ana', kind: 'paid_in', amount: 2_000, reason: 'change from the safe' } });
    till.add({ type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ana', kind: 'paid_out', amount: 650, reason: 'window cleaner' } });
    till.add({ type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ana', kind: 'drop', amount: 10_000, reason: 'safe drop' } });
    till.add({ type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ana', kind: 'no_sale', reason: 'customer change', approvedBy: 'staff-9' } });

    const x = tillReport(till.events);
    const takings = first.total + second.total;
    expect(x.sales).toEqual({ cashRounding: 0, count: 2, subtotal: first.subtotal + second.subtotal, discounts: 0, tax: first.tax + second.tax, total: takings });
    expect(x.byTender).toEqual({ cash: takings });
    // Bread is zero-rated: the sales' tax breakdowns carry no row for it.
    expect(x.byTaxRate).toEqual([{ jurisdiction: 'tx', label: 'Texas 6.25 %', rate: 62_500, base: 1_299 * 2, tax: first.tax }]);
    expect(x.cash).toEqual({ paidIn: 2_000, paidOut: 650, drops: 10_000, refunds: 0, noSales: 1, expected: 15_000 + takings + 2_000 - 650 - 10_000 });
    expect(x.close).toBeNull();

    // Closed with a blind count two dollars short; a sale after the close belongs to no session.
    till.add({ type: 'till.closed', payload: { sessionId: SESSION, staffName: 'Bo', counted: x.cash.expected - 200, count: {} } });
    till.sell([1, 0]);
    const z = tillReport(till.events);
    expect(z.sales.count).toBe(2);
    expect(z.close).toEqual({ closedBy: 'Bo', counted: x.cash.expected - 200, variance: -200 });
  });

  it('totals exactly the sum of the journal’s sales, whatever they were', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 })), { maxLength: 25 }), (sales) => {
        const till = journal();
        till.add({ type: 'till.opened', payload: { sessionId: SESSION, staffName: 'Ana', float: 0, count: {} } });
        const made = sales.map((quantities) => till.sell(quantities));
        const report = tillReport(till.events);
        expect(report.sales.total).toBe(made.reduce((sum, sale) => sum + sale.total, 0));
        expect(report.sales.tax).toBe(made.reduce((sum, sale) => sum + sale.tax, 0));
        expect(report.byTaxRate.reduce((sum, row) => sum + row.tax, 0)).toBe(report.sales.tax);
        expect(report.cash.expected).toBe(report.sales.total);
      }),
      { numRuns: 100 },
    );
  });

  it('is the same report kept event by event (foldTillReport) as computed from the journal, at every step, without changing the report folded on', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 })), fc.constantFrom('paid_in', 'paid_out', 'drop', 'no_sale', 'close')), { maxLength: 20 }),
        (steps) => {
          const till = journal();
          till.add({ type: 'till.opened', payload: { sessionId: SESSION, staffName: 'Ana', float: 5_000, count: {} } });
          for (const [index, step] of steps.entries()) {
            if (Array.isArray(step)) till.sell(step);
            else if (step === 'close') till.add({ type: 'till.closed', payload: { sessionId: SESSION, staffName: 'Ana', counted: 4_000, count: {} } });
            else if (step === 'no_sale') till.add({ type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ana', kind: 'no_sale', reason: 'check', approvedBy: 'mgr' } });
            else till.add({ type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ana', kind: step, amount: 100 + index, reason: 'test' } });
          }
          let kept = openedReport(till.events[0] as Extract<StoreEvent, { type: 'till.opened' }>);
          for (const [index, event] of till.events.slice(1).entries()) {
            const before = structuredClone(kept);
            const next = foldTillReport(kept, event);
            expect(kept).toEqual(before);
            kept = next;
            expect(kept).toEqual(tillReport(till.events.slice(0, index + 2)));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('counts returns and voids apart from sales, by tender, and takes the cash they paid back out of the drawer', () => {
    const till = journal();
    till.add({ type: 'till.opened', payload: { sessionId: SESSION, staffName: 'Ana', float: 10_000, count: {} } });
    const sale = till.sell([2, 1]);
    const kept = till.sell([1, 0]);
    till.add({
      type: 'refund.completed',
      payload: {
        returnId: uuidv7(AT, new Uint8Array(10).fill(91)),
        receiptNumber: 'R-90',
        currency: 'USD',
        sale: { saleId: sale.saleId, receiptNumber: sale.receiptNumber, returnedBefore: [0, 0] },
        lines: [{ line: 0, sku: 'MUG', name: 'Mug', quantity: 1, amount: 1_380, tax: 81 }],
        taxBreakdown: [{ jurisdiction: 'tx', label: 'Texas 6.25 %', rate: 62_500, tax: 81 }],
        tax: 81,
        total: 1_380,
        tenders: [{ kind: 'store_credit', amount: 380, accountId: 'SC-1' }, { kind: 'cash', amount: 1_000 }],
        cashRounding: 0,
        reason: 'too small',
        approvedBy: null,
        completedAt: AT,
      },
    });
    till.add({
      type: 'sale.voided',
      payload: { voidId: uuidv7(AT, new Uint8Array(10).fill(92)), sale: { saleId: kept.saleId, receiptNumber: kept.receiptNumber }, tenders: [{ kind: 'cash', amount: kept.total }], total: kept.total, reason: 'rang twice', approvedBy: 'mgr-1', completedAt: AT },
    });
    const report = tillReport(till.events);
    expect(report.sales.count).toBe(2);
    expect(report.sales.total).toBe(sale.total + kept.total);
    expect(report.returns).toEqual({ count: 1, total: 1_380, tax: 81, cashRounding: 0, byTender: { store_credit: 380, cash: 1_000 } });
    expect(report.voids).toEqual({ count: 1, total: kept.total, byTender: { cash: kept.total } });
    expect(report.cash.refunds).toBe(1_000 + kept.total);
    expect(report.cash.expected).toBe(10_000 + sale.total + kept.total - 1_000 - kept.total);
  });

  it('takes exactly the cash every return and void paid back out of the expected drawer, whatever they were', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom('keep', 'return-cash', 'return-credit', 'void')), { minLength: 1, maxLength: 15 }),
        (sales) => {
          const till = journal();
          till.add({ type: 'till.opened', payload: { sessionId: SESSION, staffName: 'Ana', float: 5_000, count: {} } });
          let cashBack = 0;
          let returned = 0;
          let voided = 0;
          let taken = 0;
          for (const [mugs, bread, what] of sales) {
            const sale = till.sell([mugs, bread]);
            taken += sale.total;
            if (what === 'void') {
              till.add({ type: 'sale.voided', payload: { voidId: uuidv7(AT, new Uint8Array(10).fill(5)), sale: { saleId: sale.saleId, receiptNumber: sale.receiptNumber }, tenders: [{ kind: 'cash', amount: sale.total }], total: sale.total, reason: 'void', approvedBy: 'mgr', completedAt: AT } });
              cashBack += sale.total;
              voided += sale.total;
            } else if (what !== 'keep') {
              const line = sale.lines[0]!;
              const tender = what === 'return-cash' ? { kind: 'cash' as const, amount: line.paid } : { kind: 'store_credit' as const, amount: line.paid, accountId: 'SC-1' };
              till.add({
                type: 'refund.completed',
                payload: {
                  returnId: uuidv7(AT, new Uint8Array(10).fill(6)),
                  receiptNumber: 'R',
                  currency: 'USD',
                  sale: { saleId: sale.saleId, receiptNumber: sale.receiptNumber, returnedBefore: sale.lines.map(() => 0) },
                  lines: [{ line: 0, sku: line.sku, name: line.name, quantity: line.quantity, amount: line.paid, tax: line.tax }],
                  taxBreakdown: [],
                  tax: line.tax,
                  total: line.paid,
                  tenders: [tender],
                  cashRounding: 0,
                  reason: 'return',
                  approvedBy: null,
                  completedAt: AT,
                },
              });
              if (what === 'return-cash') cashBack += line.paid;
              returned += line.paid;
            }
          }
          const report = tillReport(till.events);
          expect(report.sales.total).toBe(taken);
          expect(report.returns.total).toBe(returned);
          expect(report.voids.total).toBe(voided);
          expect(Object.values(report.returns.byTender).reduce((a, b) => a + b, 0)).toBe(returned);
          expect(report.cash.refunds).toBe(cashBack);
          expect(report.cash.expected).toBe(5_000 + taken - cashBack);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('starts only at the event that opened the session', () => {
    expect(() => tillReport([])).toThrow(/starts at the event that opened the session/);
  });
});
