import { businessDay, calendarDayAt } from '../domain/business-day.ts';
import { parseHlc } from '../domain/hlc.ts';
import { isMoneyEvent, outsideFigures, type TillFigures } from '../domain/till-session.ts';
import type { StoresideDb } from './db.ts';
import { tillSessionReport } from './till-report-projection.ts';

/** Sales, returns and voids this till made outside any session since `since` (ms): the start of today, or a close later than that (`sinceClose`). */
export type OutsideSession = { since: number; sinceClose: boolean; figures: TillFigures };

/**
 * What this till took and paid back outside any till session (issue 11) —
 * where its store lets cash move without one, or by card on a kiosk — so the
 * till shows it too, not only HQ's day report: today's, since its last close.
 *
 * Read from the journal, newest first: events of the session open now are its
 * X report's, and are passed over; the read stops at the last close (or the
 * opening of an earlier session never closed: what follows it is that
 * session's) or at the start of today in the store's time zone. So it reads
 * the open session's events and one day's at most, when the Till panel is
 * shown, never as a sale is made (the X report itself is kept, not read back).
 */
export async function outsideSession(db: StoresideDb, at: { now: number; timeZone: string }): Promise<OutsideSession> {
  const today = businessDay(calendarDayAt(at.now, at.timeZone), at.timeZone).start;
  return db.transaction('r', db.meta, db.journal, async () => {
    const current = await tillSessionReport(db);
    const sessionOpen = current !== null && current.close === null;
    let passedOpenSession = !sessionOpen;
    // Newest first, through the open session's events to its opening, then on to the stop: an event
    // from before today, or the last close or earlier opening (kept, as the stop entry, to say since when).
    const newestFirst = await db.journal
      .reverse()
      .until((event) => {
        if (!passedOpenSession) {
          passedOpenSession = event.type === 'till.opened';
          return false;
        }
        return (parseHlc(event.hlc)?.wallMs ?? 0) < today || event.type === 'till.closed' || event.type === 'till.opened';
      }, true)
      .toArray();
    // The open session's events are its X report's; without its opening in the journal, none are outside.
    const opening = sessionOpen ? newestFirst.findIndex((event) => event.type === 'till.opened') : -1;
    const afterSession = sessionOpen ? (opening === -1 ? [] : newestFirst.slice(opening + 1)) : newestFirst;
    const stop = afterSession.at(-1);
    const stopMs = parseHlc(stop?.hlc ?? '')?.wallMs ?? 0;
    const sinceClose = stop !== undefined && (stop.type === 'till.closed' || stop.type === 'till.opened') && stopMs >= today;
    const since = sinceClose ? stopMs : today;
    // Stopped at an earlier session's opening (one never closed): what follows it is that session's, as tillReport counts it.
    const outside = stop?.type === 'till.opened' ? [] : afterSession.filter((event) => isMoneyEvent(event) && (parseHlc(event.hlc)?.wallMs ?? 0) >= today);
    return { since, sinceClose, figures: outsideFigures(outside.reverse()) };
  });
}
