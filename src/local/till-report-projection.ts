import type { StoreEvent } from '../domain/events.ts';
import { foldTillReport, openedReport, tillReport, type TillReport } from '../domain/till-session.ts';
import type { StoresideDb } from './db.ts';

/**
 * The newest till session's report, kept current as the journal grows: each
 * append folds its event in, in the same transaction (journal.ts), so the X
 * report of a 2,000-sale shift is one read instead of reading the shift back.
 * It is what `tillReport` computes from the journal, by construction
 * (`foldTillReport`). Where the kept report is not current (a device updated
 * from a version that kept none, or a journal re-sequenced after a loss) the
 * next append computes it from the journal again, once.
 */

/** The report an append keeps: the newest session's, as of journal seq `throughSeq`. */
export type KeptTillReport = { report: TillReport | null; throughSeq: number };

/**
 * The kept report with `events` (just drafted, in seq order) folded in; null
 * when `kept` is not the report as of the event before the first of them (a
 * device that kept none, or a journal re-sequenced after a loss), and the
 * append must compute it from the journal instead (`tillReportFromJournal`,
 * once the events are in). Pure: the append reads `kept` with its chain head,
 * in one round, and writes the result with it.
 */
export function foldKeptTillReport(kept: KeptTillReport | undefined, events: readonly StoreEvent[]): KeptTillReport | null {
  let folded: KeptTillReport | null = kept ?? null;
  for (const event of events) {
    if (event.type === 'till.opened') folded = { report: openedReport(event), throughSeq: event.seq };
    else if (folded?.throughSeq === event.seq - 1) folded = { report: folded.report && foldTillReport(folded.report, event), throughSeq: event.seq };
    else folded = null;
  }
  return folded;
}

/** The kept report computed from the journal as it is now, inside the caller's transaction (meta and journal in its scope). */
export async function tillReportFromJournal(db: StoresideDb): Promise<KeptTillReport> {
  return { report: await reportFromJournal(db), throughSeq: await db.journalHeadSeq() };
}

/**
 * The report of this till's newest session (X while open, Z once closed); null
 * when it never opened one. Only reads, so a live query can watch it.
 */
export async function tillSessionReport(db: StoresideDb): Promise<TillReport | null> {
  return db.transaction('r', db.meta, db.journal, async () => {
    const kept = await db.getMeta('tillReport');
    if (kept && kept.throughSeq === (await db.journalHeadSeq())) return kept.report;
    return reportFromJournal(db);
  });
}

/** The newest session's report computed from its events: one read of the journal, newest first, back to its till.opened. */
async function reportFromJournal(db: StoresideDb): Promise<TillReport | null> {
  const newestFirst = await db.journal.reverse().until((event) => event.type === 'till.opened', true).toArray();
  return newestFirst.at(-1)?.type === 'till.opened' ? tillReport(newestFirst.reverse()) : null;
}
