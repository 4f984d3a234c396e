import * as v from 'valibot';
import type { StoresideDb } from '../local/db.ts';
import { JournalLostDetailsSchema, type JournalLostDetails } from '../protocol/messages.ts';
import type { ApiFailure } from './api-client.ts';

/** The server's `journal_lost` answer, when that is what `failure` is. */
export function journalLost(failure: ApiFailure): JournalLostDetails | null {
  if (failure.kind !== 'http' || failure.code !== 'journal_lost') return null;
  const details = v.safeParse(JournalLostDetailsSchema, failure.details);
  return details.success ? details.output : null;
}

/**
 * This device lost its local data (wiped, or restored from an old copy) and
 * the server said where its journal continues. The chain resumes there, past
 * the events that were lost, so no seq or receipt number is used twice; the
 * store's data is read afresh by pulling from the start (every live row and
 * every deletion), while the catalogue already here stays usable. Nothing
 * unsent is dropped: the journal's own events all lie below the resume point.
 *
 * Does nothing when the journal is not in fact behind (the answer raced a
 * push from another context).
 */
export async function continueAfterLostJournal(db: StoresideDb, details: JournalLostDetails, now: number): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const head = (await db.getMeta('chainHead'))?.seq ?? 0;
    if (head >= details.resumeSeq) return false;
    const counter = (await db.getMeta('receiptCounter')) ?? 0;
    await db.meta.bulkPut([
      { key: 'chainHead', value: { seq: details.resumeSeq, hash: details.resumeHash } },
      { key: 'ackedSeq', value: details.resumeSeq },
      // A receipt's counter never exceeds its event's seq: every lost receipt number lies below this.
      { key: 'receiptCounter', value: Math.max(counter, details.resumeSeq) },
      { key: 'cursor', value: 0 },
      { key: 'journalLoss', value: { ...details, noticedAt: now } },
    ]);
    return true;
  });
}
