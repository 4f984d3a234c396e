import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { appendToChain, EventSchema, GENESIS_HASH, type ChainHead, type NewEvent, type StoreEvent } from '../../src/domain/events.ts';
import { createPromotionBook, priceSale } from '../../src/domain/pricing/index.ts';
import { completedSalePayload, type SaleCompletedPayload } from '../../src/domain/sale.ts';
import { saleRecordOf } from '../../src/domain/sale-record.ts';
import { voidTenders } from '../../src/domain/sale-void.ts';
import { cashTender, type TenderRecord } from '../../src/domain/tender.ts';
import { dayFigures, inSession, isTillEvent, moneyEventSummary, outsideAnySession, spanStatus, tillSessionSpans } from '../../src/domain/till-day.ts';
import { figuresOf, outsideFigures, sumFigures, tillReport } from '../../src/domain/till-session.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import { sha256Hex } from '../../src/server/sha256.ts';
import { testStore } from '../support/test-store.ts';

const AT = Date.UTC(2026, 10, 21, 9, 0, 0);
/** The test store's sales tax: what the figures add up is the point here, not the rate. */
const TAX = testStore().taxConfig;
const MUG = { sku: 'MUG', name: 'Mug', price: 1_299, taxCategory: 'standard', category: 'home', priceVersion: 1 };

/** One till's journal, built as the device builds it: opened and closed sessions, cash and card sales, voids. */
function journal(deviceId = 'till-1') {
  const events: StoreEvent[] = [];
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  let n = 0;
  let session: string | null = null;
  const sales: SaleCompletedPayload[] = [];
  const add = (body: Pick<NewEvent, 'type' | 'payload'>) => {
    n += 1;
    const fields = { id: uuidv7(AT + n, new Uint8Array(10).fill(n % 256)), deviceId, storeId: 'store-1', staffId: 'staff-1', hlc: { wallMs: AT + n * 1000, counter: 0, node: deviceId }, ...body } as NewEvent;
    const appended = appendToChain(head, fields, sha256Hex);
    expect(v.safeParse(EventSchema, appended.event).success, JSON.stringify(v.safeParse(EventSchema, appended.event).issues?.[0]?.message)).toBe(true);
    events.push(appended.event);
    head = appended.head;
    return appended.event;
  };
  return {
    events,
    get open() {
      return session !== null;
    },
    openTill(float = 10_000) {
      session = uuidv7(AT + n, new Uint8Array(10).fill(n % 256));
      add({ type: 'till.opened', payload: { sessionId: session, staffName: 'Ana', float, count: {} } });
    },
    closeTill(counted = 0) {
      add({ type: 'till.closed', payload: { sessionId: session!, staffName: 'Bo', counted, count: {} } });
      session = null;
    },
    drop(amount: number) {
      add({ type: 'till.cash_moved', payload: { sessionId: session!, staffName: 'Ana', kind: 'drop', amount, reason: 'safe' } });
    },
    sell(quantity: number, by: 'cash' | 'card') {
      const totals = priceSale([cartLineFor(MUG, quantity)], createPromotionBook([], 'store-1'), TAX, { at: AT });
      const tender: TenderRecord | { error: string } =
        by === 'cash' ? cashTender(totals.total, totals.total) : { kind: 'card', amount: totals.total, brand: 'Visa', last4: '4242', approvalCode: 'A1', terminalRef: `T-${n}`, offline: false };
      if ('error' in tender) throw new Error(tender.error);
      const payload = completedSalePayload({ saleId: uuidv7(AT + n, new Uint8Array(10).fill(200 - (n % 200))), receiptNumber: `R-${n}`, currency: 'USD', totals, pricing: { at: AT, staffPurchase: false, manualDiscounts: [] }, tenders: [tender], cashRounding: 0, customer: null, receiptToken: n.toString(16).padStart(32, '0'), overrides: [], completedAt: AT + n });
      sales.push(payload);
      return add({ type: 'sale.completed', payload });
    },
    voidLastSale() {
      const sale = sales.pop();
      if (!sale) return;
      const record = saleRecordOf(sale, { deviceId, hlc: '' });
      const tenders = voidTenders(record.tenders);
      if ('error' in tenders) throw new Error(tenders.error);
      add({ type: 'sale.voided', payload: { voidId: uuidv7(AT + n, new Uint8Array(10).fill(99)), sale: { saleId: record.id, receiptNumber: record.receiptNumber }, tenders, total: tenders.reduce((sum, t) => sum + t.amount, 0), reason: 'rang twice', approvedBy: 'staff-9', completedAt: AT + n } });
    },
  };
}

/** The sessions' reports and the outside figures of one device's whole journal, as the day report composes them. */
function split(events: readonly StoreEvent[]) {
  const spans = tillSessionSpans(events.filter(isTillEvent));
  const reports = spans.map((span) => tillReport(events.filter((event) => event.seq >= span.opened.seq && (span.endSeq === null || event.seq <= span.endSeq))));
  const outside = outsideAnySession(events, () => spans);
  return { spans, reports, outside, day: dayFigures(reports, outside) };
}

describe('a till’s sessions and what falls outside them', () => {
  it('puts four sales and a void before the opening and three after the close outside any session, and the rest in it', () => {
    const till = journal();
    for (let i = 0; i < 4; i++) till.sell(1, i % 2 ? 'card' : 'cash');
    till.voidLastSale();
    till.openTill(10_000);
    till.sell(2, 'cash');
    till.drop(1_000);
    till.sell(1, 'card');
    till.closeTill(10_000);
    for (let i = 0; i < 3; i++) till.sell(1, 'cash');

    const { spans, reports, outside, day } = split(till.events);
    expect(spans.map(spanStatus)).toEqual(['closed']);
    expect(reports[0]!.sales.count).toBe(2);
    expect(outside.map((event) => event.type)).toEqual(['sale.completed', 'sale.completed', 'sale.completed', 'sale.completed', 'sale.voided', 'sale.completed', 'sale.completed', 'sale.completed']);
    expect(day.outside.sales.count).toBe(7);
    expect(day.outside.voids.count).toBe(1);
    expect(day.totals.sales.count).toBe(9);
    // The drawer's own movements are the session's; outside there is only what sales and refunds moved.
    expect(day.outside.cash).toMatchObject({ drops: 0, expected: day.outside.byTender['cash']! - day.outside.cash.refunds });
    expect(day.totals.cash.expected).toBe(reports[0]!.cash.expected + day.outside.cash.expected);
  });

  it('keeps a session open to the end of the journal, and ends one never closed at the next opening', () => {
    const till = journal();
    till.openTill();
    const inFirst = till.sell(1, 'cash');
    till.openTill();
    const inSecond = till.sell(1, 'cash');
    const spans = tillSessionSpans(till.events.filter(isTillEvent));
    expect(spans.map(spanStatus)).toEqual(['unclosed', 'open']);
    expect(spans[0]!.endSeq).toBe(inSecond.seq - 2);
    expect(inSession(spans.slice(0, 1), inFirst.seq)).toBe(true);
    expect(inSession(spans.slice(0, 1), inSecond.seq)).toBe(false);
    expect(inSession(spans, inSecond.seq)).toBe(true);
    // A close naming another session ends nothing, as the till's report ignores it.
    const stray = { ...till.events[0]!, seq: 99, type: 'till.closed', payload: { sessionId: uuidv7(AT, new Uint8Array(10)), staffName: 'X', counted: 0, count: {} } } as StoreEvent;
    expect(tillSessionSpans([...till.events.filter(isTillEvent), stray].filter(isTillEvent)).map(spanStatus)).toEqual(['unclosed', 'open']);
  });

  it('says what each outside event was: its receipt, total and the cash it moved', () => {
    const till = journal();
    const sale = till.sell(1, 'cash');
    till.voidLastSale();
    const [sold, voided] = outsideAnySession(till.events, () => []);
    const total = (sale.payload as SaleCompletedPayload).total;
    expect(moneyEventSummary(sold!)).toEqual({ receiptNumber: 'R-0', total, cash: total });
    expect(moneyEventSummary(voided!)).toEqual({ receiptNumber: 'R-0', total, cash: -total });
  });

  it('counts every sale and void exactly once, in a session or outside, whatever the order of opening, selling and closing (property)', () => {
    const action = fc.oneof(
      fc.record({ do: fc.constant('sell' as const), quantity: fc.integer({ min: 1, max: 3 }), by: fc.constantFrom('cash' as const, 'card' as const) }),
      fc.record({ do: fc.constant('void' as const) }),
      fc.record({ do: fc.constant('toggle' as const), float: fc.integer({ min: 0, max: 20_000 }) }),
      fc.record({ do: fc.constant('drop' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 30 }), (actions) => {
        const till = journal();
        let floats = 0;
        let drops = 0;
        for (const step of actions) {
          if (step.do === 'sell') till.sell(step.quantity, step.by);
          else if (step.do === 'void') till.voidLastSale();
          else if (step.do === 'drop' && till.open) (till.drop(step.amount), (drops += step.amount));
          else if (step.do === 'toggle') till.open ? till.closeTill() : (till.openTill(step.float), (floats += step.float));
        }
        const { day } = split(till.events);
        // All of the journal's money, counted once as if no session existed: the day must say the same.
        const everything = outsideFigures(till.events);
        expect({ ...figuresOf(day.totals), cash: undefined }).toEqual({ ...everything, cash: undefined });
        expect(day.totals.cash.refunds).toBe(everything.cash.refunds);
        expect(day.totals.cash.expected).toBe(floats + everything.cash.expected - drops);
        expect(sumFigures([day.totals])).toEqual(day.totals);
      }),
      { numRuns: 150 },
    );
  });
});
