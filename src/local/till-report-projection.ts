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

/** Folds a just-journaled event into the kept report. Runs inside the append's transaction (meta and journal in its scope). */
export async function advanceTillReport(db: StoresideDb, event: StoreEvent): Promise<void> {
  if (event.type === 'till.opened') {
    await db.setMeta('tillReport', { report: openedReport(event), throughSeq: event.seq });
    return;
  }
  const kept = await db.getMeta('tillReport');
  if (kept?.throughSeq !== event.seq - 1) {
    await db.setMeta('tillReport', { report: await reportFromJournal(db), throughSeq: event.seq });
    return;
  }
  await db.setMeta('tillReport', { report: kept.report && foldTillReport(kept.report, event), throughSeq: event.seq });
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
