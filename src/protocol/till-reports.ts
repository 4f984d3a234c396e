import * as v from 'valibot';
import { isCalendarDay } from '../domain/business-day.ts';
import type { Minor } from '../domain/money.ts';
import type { TillFigures, TillReport } from '../domain/till-session.ts';

/**
 * HQ's till reports (issue 11), HQ token:
 *
 *   GET /api/v1/hq/till-sessions?store=&from=&to=&limit=&before=
 *     a store's till sessions that ran at any moment of [from, to) (ms since
 *     the epoch; `to` defaults to now, `from` to a week before it, at most
 *     MAX_SESSION_WINDOW_DAYS apart), newest opening first, a page at a time:
 *     `next` is the `before` of the page after it, or null on the last.
 *   GET /api/v1/hq/day-report?store=&day=YYYY-MM-DD
 *     the store's business day in its own time zone: every session that ran
 *     in it with its X or Z report, every sale, return and void made that day
 *     outside any session, and the day's totals, which are their sum.
 *
 * Times are the devices' hybrid logical clocks (the wall time they carry):
 * the clock each event was journaled with, as on its receipt.
 */
export const MAX_SESSION_PAGE = 200;
export const MAX_SESSION_WINDOW_DAYS = 92;
const DAY_MS = 86_400_000;

const storeId = v.pipe(v.string(), v.minLength(1, 'name a store: ?store=<id>'), v.maxLength(64));
const msFromQuery = v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a time in ms since the epoch'), v.transform(Number));

export const TillSessionsQuerySchema = v.pipe(
  v.strictObject({
    store: storeId,
    from: v.optional(msFromQuery),
    to: v.optional(msFromQuery),
    /** the `next` of the page before: the HLC its last session was opened at */
    before: v.optional(v.pipe(v.string(), v.regex(/^\d{15}-\d{6}-.{1,64}$/, 'must be the next of an earlier page'))),
    limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/, 'must be a whole number'), v.transform(Number), v.minValue(1), v.maxValue(MAX_SESSION_PAGE)), '50'),
  }),
  v.check((query) => query.from === undefined || query.to === undefined || query.from < query.to, 'from must be before to'),
  v.check(
    (query) => query.from === undefined || query.to === undefined || query.to - query.from <= MAX_SESSION_WINDOW_DAYS * DAY_MS,
    `from and to may be at most ${MAX_SESSION_WINDOW_DAYS} days apart: ask for a shorter window`,
  ),
);
export type TillSessionsQuery = v.InferOutput<typeof TillSessionsQuerySchema>;

/** The window a sessions query asks for, its defaults filled in. */
export function sessionWindow(query: Pick<TillSessionsQuery, 'from' | 'to'>, now: number): { from: number; to: number } {
  const to = query.to ?? (query.from === undefined ? now : Math.max(now, query.from + 1));
  const from = query.from ?? to - 7 * DAY_MS;
  return { from, to: Math.min(to, from + MAX_SESSION_WINDOW_DAYS * DAY_MS) };
}

export const DayReportQuerySchema = v.strictObject({
  store: storeId,
  day: v.pipe(v.string(), v.check(isCalendarDay, 'must be a calendar day written YYYY-MM-DD, e.g. 2026-03-14')),
});

/** One till session as HQ lists it. Times in ms since the epoch; money in minor units. */
export type TillSessionSummary = {
  deviceId: string;
  /** the device's role: a kiosk has no drawer, and opens a session only where the store asks it to */
  role: string;
  sessionId: string;
  /** `unclosed`: ended by a later opening of the same device without a close (a journal taken up again after a loss) */
  status: 'open' | 'closed' | 'unclosed';
  openedBy: string;
  openedAt: number;
  float: Minor;
  closedBy: string | null;
  closedAt: number | null;
  /** cash the drawer should hold: the float and what the session moved (at its close, or so far) */
  expected: Minor;
  /** null until closed */
  counted: Minor | null;
  variance: Minor | null;
};
export type TillSessionsPage = { from: number; to: number; sessions: TillSessionSummary[]; next: string | null };

/** A sale, return or void made outside any till session, as the day report lists it. */
export type OutsideSessionEvent = {
  deviceId: string;
  role: string;
  seq: number;
  id: string;
  type: 'sale.completed' | 'refund.completed' | 'sale.voided';
  /** when it was journaled, ms since the epoch (its HLC's wall time) */
  at: number;
  receiptNumber: string;
  /** the sale's total, or what the return or void paid back */
  total: Minor;
  /** cash it moved: taken in (positive) or paid back (negative) */
  cash: Minor;
  /** `rejected`: quarantined by the ledger, and counted all the same (see the day-report route) */
  status: 'applied' | 'rejected';
};

export type DayReportSession = { deviceId: string; role: string; status: TillSessionSummary['status']; openedAt: number; closedAt: number | null; report: TillReport };

export type DayReport = {
  store: string;
  day: string;
  timeZone: string;
  /** the day's span in the store's time zone, ms since the epoch: from ≤ t < to */
  from: number;
  to: number;
  /** every session that ran at some moment of the day, whole: one that spans midnight is listed on both days */
  sessions: DayReportSession[];
  outside: { figures: TillFigures; events: OutsideSessionEvent[] };
  /** the sessions' figures and the outside figures, added line by line */
  totals: TillFigures;
};
