import type { StoreEvent } from './events.ts';
import { currentSale } from './sale.ts';
import { figuresOf, isMoneyEvent, outsideFigures, sumFigures, type MoneyEvent, type TillFigures, type TillReport } from './till-session.ts';

/**
 * Which of a device's events belong to a till session, and a store's business
 * day as the sessions that ran in it plus everything outside them (issue 11).
 *
 * A device's session runs, in its journal's seq order, from its `till.opened`
 * to its `till.closed` — or to the event before the next `till.opened`, if it
 * was never closed — exactly the events `tillReport` counts. Every sale,
 * return and void of the device is in at most one session; one in none is
 * "outside", and is reported with the day it was made on. So a day report
 * (its sessions whole, plus what was outside them that day) counts each event
 * once.
 */
export type TillOpenedEvent = Extract<StoreEvent, { type: 'till.opened' }>;
export type TillClosedEvent = Extract<StoreEvent, { type: 'till.closed' }>;
export type TillEvent = TillOpenedEvent | TillClosedEvent;

export type TillSessionSpan = {
  opened: TillOpenedEvent;
  /** its till.closed; null while open, or when a later opening ended it unclosed */
  closed: TillClosedEvent | null;
  /** the seq of its last event (its till.closed, or the one before the next opening); null while it is open */
  endSeq: number | null;
  /** the HLC it ended at (its till.closed, or the next opening's); null while open */
  endHlc: string | null;
};

export const isTillEvent = (event: StoreEvent): event is TillEvent => event.type === 'till.opened' || event.type === 'till.closed';

/**
 * A device's sessions from its till events, in seq order. A `till.closed`
 * naming another session than the open one ends nothing (tillReport ignores it
 * too); an opening ends the session before it.
 */
export function tillSessionSpans(tillEvents: readonly TillEvent[]): TillSessionSpan[] {
  const spans: TillSessionSpan[] = [];
  let open: TillSessionSpan | null = null;
  for (const event of tillEvents) {
    if (event.type === 'till.opened') {
      if (open) Object.assign(open, { endSeq: event.seq - 1, endHlc: event.hlc });
      open = { opened: event, closed: null, endSeq: null, endHlc: null };
      spans.push(open);
    } else if (open && event.payload.sessionId === open.opened.payload.sessionId) {
      Object.assign(open, { closed: event, endSeq: event.seq, endHlc: event.hlc });
      open = null;
    }
  }
  return spans;
}

/** Whether the device's event at `seq` is inside one of its sessions. */
export function inSession(spans: readonly TillSessionSpan[], seq: number): boolean {
  return spans.some((span) => span.opened.seq < seq && (span.endSeq === null || seq <= span.endSeq));
}

/** The span's state: open, closed with a count, or ended by a later opening without one. */
export function spanStatus(span: TillSessionSpan): 'open' | 'closed' | 'unclosed' {
  return span.closed ? 'closed' : span.endSeq === null ? 'open' : 'unclosed';
}

/** Whether a session ran at any moment of [fromHlc, toHlc): opened before the end, and not ended before the start. */
export function spanOverlaps(span: TillSessionSpan, fromHlc: string, toHlc: string): boolean {
  return span.opened.hlc < toHlc && (span.endHlc === null || span.endHlc >= fromHlc);
}

/** Money events (sales, returns, voids) of the devices that fall in none of their sessions. */
export function outsideAnySession<E extends StoreEvent>(events: readonly E[], spansOf: (deviceId: string) => readonly TillSessionSpan[]): (E & MoneyEvent)[] {
  return events.filter((event): event is E & MoneyEvent => isMoneyEvent(event) && !inSession(spansOf(event.deviceId), event.seq));
}

/**
 * A day's figures: the sessions that ran in it (each whole, as its X or Z
 * report) and the money events outside any session made that day, summed. By
 * construction the sessions' figures and the outside figures add up to the
 * day's, line by line.
 */
export function dayFigures(sessions: readonly TillReport[], outside: readonly StoreEvent[]): { outside: TillFigures; totals: TillFigures } {
  const outsideTotals = outsideFigures(outside);
  return { outside: outsideTotals, totals: sumFigures([...sessions.map(figuresOf), outsideTotals]) };
}

/** What a sale, return or void shows in a list: its receipt, its total, and the cash it took in (positive) or paid back (negative). */
export function moneyEventSummary(event: MoneyEvent): { receiptNumber: string; total: number; cash: number } {
  const cashOf = (tenders: readonly { kind: string; amount: number }[]) => tenders.reduce((sum, tender) => sum + (tender.kind === 'cash' ? tender.amount : 0), 0);
  if (event.type === 'sale.completed') {
    const sale = currentSale(event);
    return { receiptNumber: sale.receiptNumber, total: sale.total, cash: cashOf(sale.tenders) };
  }
  const receiptNumber = event.type === 'refund.completed' ? event.payload.receiptNumber : event.payload.sale.receiptNumber;
  return { receiptNumber, total: event.payload.total, cash: -cashOf(event.payload.tenders) };
}
