import * as v from 'valibot';
import { closeDrawer, expectedCash, type DrawerMovement } from './drawer.ts';
import type { Minor } from './money.ts';
import type { StoreEvent } from './events.ts';
import { currentSale } from './sale.ts';


/**
 * A till session (issue 5): opened with a counted float, closed with a blind
 * count. Everything in between is in the device's journal: the sales it made
 * and the cash moved in and out of the drawer. The session's X report (during)
 * and Z report (at close) are computed from those events by `tillReport`, the
 * same function on the device and on the server, so both print the same.
 * Returns and voids made at the till are counted apart from its sales; cash
 * they paid back leaves the drawer:
 *   expected = float + cash sales − cash refunds + paid in − paid out − drops
 */
const minor = v.pipe(v.number(), v.safeInteger());
const positive = v.pipe(v.number(), v.safeInteger(), v.minValue(1, 'must be more than nothing'));
const sessionId = v.pipe(v.string(), v.uuid());
const staffName = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const CountSchema = v.pipe(
  v.record(v.pipe(v.string(), v.regex(/^\d{1,7}$/)), v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  v.check((count) => Object.keys(count).length <= 30, 'a count has at most 30 denominations'),
);

export const TillOpenedPayloadSchema = v.strictObject({ sessionId, staffName, float: v.pipe(minor, v.minValue(0)), count: CountSchema });
export const TillCashMovedPayloadSchema = v.variant('kind', [
  v.strictObject({ sessionId, staffName, kind: v.picklist(['paid_in', 'paid_out', 'drop']), amount: positive, reason: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
  // Opening the drawer without a sale needs a manager.
  v.strictObject({ sessionId, staffName, kind: v.literal('no_sale'), reason: v.pipe(v.string(), v.minLength(1), v.maxLength(200)), approvedBy: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) }),
]);
export const TillClosedPayloadSchema = v.strictObject({ sessionId, staffName, counted: v.pipe(minor, v.minValue(0)), count: CountSchema });

export type TillOpenedPayload = v.InferOutput<typeof TillOpenedPayloadSchema>;
export type TillCashMovedPayload = v.InferOutput<typeof TillCashMovedPayloadSchema>;
export type TillClosedPayload = v.InferOutput<typeof TillClosedPayloadSchema>;

export type TenderTotals = Record<string, Minor>;
export type TaxRateTotal = { jurisdiction: string; label: string; rate: number; base: Minor; tax: Minor };

export type TillReport = {
  sessionId: string;
  openedBy: string;
  openedAt: string;
  float: Minor;
  /** `cashRounding`: what rounding cash to the smallest coin added to the totals (negative: took) */
  sales: { count: number; subtotal: Minor; discounts: Minor; tax: Minor; total: Minor; cashRounding: Minor };
  /** what each kind of tender took in, net of change */
  byTender: TenderTotals;
  /** returns made at this till in the session, and what went back on each kind of tender */
  returns: { count: number; total: Minor; tax: Minor; cashRounding: Minor; byTender: TenderTotals };
  /** sales voided at this till in the session (any till's sale), and what went back on each kind of tender */
  voids: { count: number; total: Minor; byTender: TenderTotals };
  byTaxRate: TaxRateTotal[];
  /** `refunds`: cash paid back by returns and voids */
  cash: { paidIn: Minor; paidOut: Minor; drops: Minor; refunds: Minor; noSales: number; expected: Minor };
  /** null until the session is closed: an X report */
  close: { closedBy: string; counted: Minor; variance: Minor } | null;
};

/**
 * The report of the session opened by the first event in `journal` (one
 * device's events in seq order, from its `till.opened`): every sale and cash
 * movement up to its `till.closed`, or to the end of the journal for an X report.
 */
export function tillReport(journal: readonly StoreEvent[]): TillReport {
  const opened = journal[0];
  if (opened?.type !== 'till.opened') throw new Error('a till report starts at the event that opened the session');
  const report = openedReport(opened);
  for (const event of journal.slice(1)) {
    if (event.type === 'till.opened' || report.close) break;
    addToReport(report, event);
  }
  return report;
}

/**
 * The report one more event of the device's journal makes of `report`: a
 * fold, so a till can keep its session's report current as it journals each
 * event (local/till-session.ts) instead of reading the whole shift back, and
 * still get exactly what `tillReport` computes from the journal. A closed
 * report, and events of another session, leave it as it is.
 */
export function foldTillReport(report: TillReport, event: StoreEvent): TillReport {
  if (report.close) return report;
  const next = structuredClone(report);
  addToReport(next, event);
  return next;
}

/** The X report of a session just opened: its float, nothing else yet. */
export function openedReport(opened: Extract<StoreEvent, { type: 'till.opened' }>): TillReport {
  const { sessionId, float } = opened.payload;
  return {
    sessionId,
    openedBy: opened.payload.staffName,
    openedAt: opened.hlc,
    float,
    sales: { count: 0, subtotal: 0, discounts: 0, tax: 0, total: 0, cashRounding: 0 },
    byTender: {},
    returns: { count: 0, total: 0, tax: 0, cashRounding: 0, byTender: {} },
    voids: { count: 0, total: 0, byTender: {} },
    byTaxRate: [],
    cash: { paidIn: 0, paidOut: 0, drops: 0, refunds: 0, noSales: 0, expected: float },
    close: null,
  };
}

/** Adds one event of the session to its open report, in place. */
function addToReport(report: TillReport, event: StoreEvent): void {
  const move = (movement: DrawerMovement) => (report.cash.expected = expectedCash(report.cash.expected, [movement]));
  if (event.type === 'sale.completed') {
    const sale = currentSale(event);
    report.sales.count += 1;
    report.sales.subtotal += sale.subtotal;
    report.sales.discounts += sale.discountTotal;
    report.sales.tax += sale.tax;
    report.sales.total += sale.total;
    report.sales.cashRounding += sale.cashRounding;
    for (const tender of sale.tenders) {
      report.byTender[tender.kind] = (report.byTender[tender.kind] ?? 0) + tender.amount;
      if (tender.kind === 'cash') move({ kind: 'cash_sale', amount: tender.amount });
    }
    for (const row of sale.taxBreakdown) addTaxRow(report.byTaxRate, row);
  } else if (event.type === 'refund.completed' || event.type === 'sale.voided') {
    const into = event.type === 'refund.completed' ? report.returns : report.voids;
    into.count += 1;
    into.total += event.payload.total;
    if (event.type === 'refund.completed') {
      report.returns.tax += event.payload.tax;
      report.returns.cashRounding += event.payload.cashRounding;
    }
    for (const tender of event.payload.tenders) {
      into.byTender[tender.kind] = (into.byTender[tender.kind] ?? 0) + tender.amount;
      if (tender.kind !== 'cash') continue;
      report.cash.refunds += tender.amount;
      move({ kind: 'cash_refund', amount: tender.amount });
    }
  } else if (event.type === 'till.cash_moved' && event.payload.sessionId === report.sessionId) {
    const moved = event.payload;
    if (moved.kind === 'no_sale') {
      report.cash.noSales += 1;
      return;
    }
    move({ kind: moved.kind, amount: moved.amount });
    if (moved.kind === 'paid_in') report.cash.paidIn += moved.amount;
    else if (moved.kind === 'paid_out') report.cash.paidOut += moved.amount;
    else report.cash.drops += moved.amount;
  } else if (event.type === 'till.closed' && event.payload.sessionId === report.sessionId) {
    const { counted, variance } = closeDrawer(report.cash.expected, [], event.payload.counted);
    report.close = { closedBy: event.payload.staffName, counted, variance };
  }
}

/** Adds a sale's tax row to the report's, kept in order of jurisdiction, then rate. */
function addTaxRow(rows: TaxRateTotal[], row: { jurisdiction: string; label: string; rate: number; base: Minor; tax: Minor }): void {
  let index = rows.findIndex((total) => total.jurisdiction === row.jurisdiction && total.rate === row.rate);
  if (index === -1) {
    rows.push({ jurisdiction: row.jurisdiction, label: row.label, rate: row.rate, base: 0, tax: 0 });
    rows.sort((a, b) => (a.jurisdiction === b.jurisdiction ? a.rate - b.rate : a.jurisdiction < b.jurisdiction ? -1 : 1));
    index = rows.findIndex((total) => total.jurisdiction === row.jurisdiction && total.rate === row.rate);
  }
  rows[index]!.base += row.base;
  rows[index]!.tax += row.tax;
}
