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

/**
 * The money a set of events moved: sales, returns and voids, their tenders and
 * tax, and the cash they (and a session's drawer movements) put in or took out.
 * A session's report is these figures plus who opened and closed it; the
 * figures of events made outside any session (`outsideFigures`) and of a whole
 * business day (`sumFigures`) have the same shape, so they add up line by line.
 */
export type TillFigures = {
  /** `cashRounding`: what rounding cash to the smallest coin added to the totals (negative: took) */
  sales: { count: number; subtotal: Minor; discounts: Minor; tax: Minor; total: Minor; cashRounding: Minor };
  /** what each kind of tender took in, net of change */
  byTender: TenderTotals;
  /** returns made at this till in the session, and what went back on each kind of tender */
  returns: { count: number; total: Minor; tax: Minor; cashRounding: Minor; byTender: TenderTotals };
  /** sales voided at this till in the session (any till's sale), and what went back on each kind of tender */
  voids: { count: number; total: Minor; byTender: TenderTotals };
  byTaxRate: TaxRateTotal[];
  /**
   * `refunds`: cash paid back by returns and voids. `expected`: the float, if
   * any, plus the cash these events moved: what a drawer holding them should
   * hold (outside a session there is no float, so it is the net cash taken).
   */
  cash: { paidIn: Minor; paidOut: Minor; drops: Minor; refunds: Minor; noSales: number; expected: Minor };
};

export type TillReport = TillFigures & {
  sessionId: string;
  openedBy: string;
  openedAt: string;
  float: Minor;
  /** null until the session is closed: an X report */
  close: { closedBy: string; counted: Minor; variance: Minor } | null;
};

/** The events that move money at a till whether or not a session is open: each is in a session's report or among the figures outside one. */
export const MONEY_EVENT_TYPES = ['sale.completed', 'refund.completed', 'sale.voided'] as const;
export type MoneyEvent = Extract<StoreEvent, { type: (typeof MONEY_EVENT_TYPES)[number] }>;
export const isMoneyEvent = (event: StoreEvent): event is MoneyEvent => (MONEY_EVENT_TYPES as readonly string[]).includes(event.type);

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
  // Keys in the order the report has always had, so its JSON reads as before.
  const { sales, byTender, returns, voids, byTaxRate, cash } = emptyFigures(float);
  return { sessionId, openedBy: opened.payload.staffName, openedAt: opened.hlc, float, sales, byTender, returns, voids, byTaxRate, cash, close: null };
}

/** No events yet: a drawer holding `float`. */
export function emptyFigures(float: Minor = 0): TillFigures {
  return {
    sales: { count: 0, subtotal: 0, discounts: 0, tax: 0, total: 0, cashRounding: 0 },
    byTender: {},
    returns: { count: 0, total: 0, tax: 0, cashRounding: 0, byTender: {} },
    voids: { count: 0, total: 0, byTender: {} },
    byTaxRate: [],
    cash: { paidIn: 0, paidOut: 0, drops: 0, refunds: 0, noSales: 0, expected: float },
  };
}

/**
 * The figures of sales, returns and voids made outside any till session (on a
 * kiosk, or where the store lets cash move without one): counted as a
 * session's report counts them, with no float and no drawer movements.
 * Events of other types are not money and are left out.
 */
export function outsideFigures(events: readonly StoreEvent[]): TillFigures {
  const figures = emptyFigures();
  for (const event of events) if (isMoneyEvent(event)) addMoneyEvent(figures, event);
  return figures;
}

/** Figures added line by line (sessions and what was outside them, into a day's). */
export function sumFigures(parts: readonly TillFigures[]): TillFigures {
  const sum = emptyFigures();
  const addTenders = (into: TenderTotals, from: TenderTotals) => {
    for (const [kind, amount] of Object.entries(from)) into[kind] = (into[kind] ?? 0) + amount;
  };
  for (const part of parts) {
    for (const key of ['count', 'subtotal', 'discounts', 'tax', 'total', 'cashRounding'] as const) sum.sales[key] += part.sales[key];
    addTenders(sum.byTender, part.byTender);
    for (const key of ['count', 'total', 'tax', 'cashRounding'] as const) sum.returns[key] += part.returns[key];
    addTenders(sum.returns.byTender, part.returns.byTender);
    for (const key of ['count', 'total'] as const) sum.voids[key] += part.voids[key];
    addTenders(sum.voids.byTender, part.voids.byTender);
    for (const row of part.byTaxRate) addTaxRow(sum.byTaxRate, row);
    for (const key of ['paidIn', 'paidOut', 'drops', 'refunds', 'noSales', 'expected'] as const) sum.cash[key] += part.cash[key];
  }
  return sum;
}

/** Just the figures of a report, without who opened and closed its session. */
export function figuresOf({ sales, byTender, returns, voids, byTaxRate, cash }: TillFigures): TillFigures {
  return { sales, byTender, returns, voids, byTaxRate, cash };
}

/** Adds one event of the session to its open report, in place. */
function addToReport(report: TillReport, event: StoreEvent): void {
  if (isMoneyEvent(event)) {
    addMoneyEvent(report, event);
  } else if (event.type === 'till.cash_moved' && event.payload.sessionId === report.sessionId) {
    const moved = event.payload;
    if (moved.kind === 'no_sale') {
      report.cash.noSales += 1;
      return;
    }
    report.cash.expected = expectedCash(report.cash.expected, [{ kind: moved.kind, amount: moved.amount }]);
    if (moved.kind === 'paid_in') report.cash.paidIn += moved.amount;
    else if (moved.kind === 'paid_out') report.cash.paidOut += moved.amount;
    else report.cash.drops += moved.amount;
  } else if (event.type === 'till.closed' && event.payload.sessionId === report.sessionId) {
    const { counted, variance } = closeDrawer(report.cash.expected, [], event.payload.counted);
    report.close = { closedBy: event.payload.staffName, counted, variance };
  }
}

/** Adds a sale, return or void to the figures, in place: in a session's report or outside any. */
function addMoneyEvent(figures: TillFigures, event: MoneyEvent): void {
  const move = (movement: DrawerMovement) => (figures.cash.expected = expectedCash(figures.cash.expected, [movement]));
  if (event.type === 'sale.completed') {
    const sale = currentSale(event);
    figures.sales.count += 1;
    figures.sales.subtotal += sale.subtotal;
    figures.sales.discounts += sale.discountTotal;
    figures.sales.tax += sale.tax;
    figures.sales.total += sale.total;
    figures.sales.cashRounding += sale.cashRounding;
    for (const tender of sale.tenders) {
      figures.byTender[tender.kind] = (figures.byTender[tender.kind] ?? 0) + tender.amount;
      if (tender.kind === 'cash') move({ kind: 'cash_sale', amount: tender.amount });
    }
    for (const row of sale.taxBreakdown) addTaxRow(figures.byTaxRate, row);
    return;
  }
  const into = event.type === 'refund.completed' ? figures.returns : figures.voids;
  into.count += 1;
  into.total += event.payload.total;
  if (event.type === 'refund.completed') {
    figures.returns.tax += event.payload.tax;
    figures.returns.cashRounding += event.payload.cashRounding;
  }
  for (const tender of event.payload.tenders) {
    into.byTender[tender.kind] = (into.byTender[tender.kind] ?? 0) + tender.amount;
    if (tender.kind !== 'cash') continue;
    figures.cash.refunds += tender.amount;
    move({ kind: 'cash_refund', amount: tender.amount });
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
