import type { StoreEvent } from '../domain/events.ts';
import { parseHlc } from '../domain/hlc.ts';
import type { StoresideDb } from './db.ts';

/**
 * The outbox: the journal's events the server has not acknowledged yet (seq
 * above `ackedSeq`). Apart from committing, so that what only reads it (the
 * sync indicator, sign-out) does not load the journal's writer.
 */
/** Events committed on this device that the server has not acknowledged yet, oldest first. */
export async function pendingEvents(db: StoresideDb, limit: number): Promise<StoreEvent[]> {
  const acked = (await db.getMeta('ackedSeq')) ?? 0;
  return db.journal.where('seq').above(acked).limit(limit).toArray();
}

export async function pendingCount(db: StoresideDb): Promise<number> {
  return (await outboxState(db)).count;
}

/** How many events wait to be sent, and when the oldest of them was made (device clock), in one read. */
export async function outboxState(db: StoresideDb): Promise<{ count: number; oldestAt: number | null }> {
  return db.transaction('r', db.meta, db.journal, async () => {
    const head = (await db.getMeta('chainHead'))?.seq ?? 0;
    const acked = (await db.getMeta('ackedSeq')) ?? 0;
    const count = Math.max(0, head - acked);
    const oldest = count > 0 ? await db.journal.get(acked + 1) : undefined;
    return { count, oldestAt: oldest ? (parseHlc(oldest.hlc)?.wallMs ?? null) : null };
  });
}

