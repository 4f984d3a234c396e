import * as v from 'valibot';
import { canonicalJson } from '../domain/canonical-json.ts';
import type { StoreEvent } from '../domain/events.ts';
import type { StoresideDb } from '../local/db.ts';
import { webSha256Hex } from '../local/web-sha256.ts';
import { JournalBehindDetailsSchema, JournalResumeSchema, type JournalResume } from '../protocol/messages.ts';
import type { ApiClient, ApiFailure } from './api-client.ts';

/** The server's `journal_lost` answer (it holds this device's events up to `ackedSeq`), when that is what `failure` is. */
export function journalBehind(failure: ApiFailure): { ackedSeq: number } | null {
  if (failure.kind !== 'http' || failure.code !== 'journal_lost') return null;
  const details = v.safeParse(JournalBehindDetailsSchema, failure.details);
  return details.success ? details.output : null;
}

/**
 * The server holds this device's journal further than the device does: its
 * local data was wiped with its credential kept, or restored from an old copy.
 * Checks that it is so (an answer to a request held up on the network says the
 * same of a healthy journal), confirms it to the server, which alarms HQ, and
 * continues from where the server says. Returns whether it did.
 */
export async function recoverLostJournal(db: StoresideDb, api: ApiClient, behind: { ackedSeq: number }, now: number): Promise<boolean> {
  const headSeq = await db.journalHeadSeq();
  if (headSeq >= behind.ackedSeq) return false;
  const answer = await api.request('POST', '/api/v1/sync/journal-lost', JournalResumeSchema, { headSeq });
  if (!answer.ok) return false;
  return continueAfterLostJournal(db, answer.value, headSeq, now);
}

/**
 * Takes up the server's resume point. The chain continues there, past the
 * events that were lost, so no seq is used twice; events made here that the
 * server has not acknowledged (sales rung up since the data was lost, say) are
 * moved after it, same ids and payloads, and sent: nothing made here is
 * dropped, and one the server has already is recognised by its id and not
 * booked twice. The store's data is read afresh by pulling from the start,
 * while the catalogue already here stays usable.
 *
 * All in one transaction, provided the journal still ends at `headSeq`.
 */
async function continueAfterLostJournal(db: StoresideDb, resume: JournalResume, headSeq: number, now: number): Promise<boolean> {
  const acked = (await db.getMeta('ackedSeq')) ?? 0;
  const unsent = await db.journal.where('seq').above(acked).toArray();
  // Hashing is asynchronous, which an IndexedDB transaction cannot wait for: the new chain is built first.
  const moved: { from: number; event: StoreEvent }[] = [];
  let head = { seq: resume.resumeSeq, hash: resume.resumeHash };
  for (const event of unsent) {
    const next = { ...event, seq: head.seq + 1, prev: head.hash } as StoreEvent;
    head = { seq: next.seq, hash: await webSha256Hex(canonicalJson(next)) };
    moved.push({ from: event.seq, event: next });
  }
  return db.transaction('rw', [db.meta, db.journal, db.sales], async () => {
    if ((await db.journalHeadSeq()) !== headSeq || ((await db.getMeta('ackedSeq')) ?? 0) !== acked) return false;
    await db.journal.bulkDelete(moved.map(({ from }) => from));
    await db.journal.bulkAdd(moved.map(({ event }) => event));
    for (const { from, event } of moved) await db.sales.where('eventSeq').equals(from).modify({ eventSeq: event.seq });
    const counter = (await db.getMeta('receiptCounter')) ?? 0;
    await db.meta.bulkPut([
      { key: 'chainHead', value: head },
      { key: 'ackedSeq', value: resume.resumeSeq },
      // A receipt's counter never exceeds its event's seq: the lost receipt numbers all lie below this.
      { key: 'receiptCounter', value: Math.max(counter, resume.resumeSeq) },
      { key: 'cursor', value: 0 },
      { key: 'journalLoss', value: { ...resume, noticedAt: now } },
    ]);
    return true;
  });
}
