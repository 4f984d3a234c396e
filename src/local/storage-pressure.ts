import { parseHlc } from '../domain/hlc.ts';
import type { StoresideDb } from './db.ts';

/** Past this share of its quota the device starts making room, before the browser evicts anything itself. */
export const PRESSURE_RATIO = 0.8;
/** Acknowledged events younger than this stay on the device, for audit and lookups. */
export const KEEP_ACKED_EVENTS_MS = 30 * 24 * 3_600_000;
/** Caches that only hold what can be fetched again (product images); the app shell's precache is not among them. */
export const SHEDDABLE_CACHE = /^storeside-images/;

export type StorageEstimate = { usage: number; quota: number };
export type Relief = { cachesDeleted: string[]; eventsPruned: number };

/**
 * Makes room when the origin's storage is nearly full (DESIGN.md "Storage
 * durability"), cheapest loss first: image caches, which the network refills;
 * then journal events the server acknowledged more than KEEP_ACKED_EVENTS_MS
 * ago (the sales themselves stay, for receipts and returns). An event the
 * server has not acknowledged is never deleted, nor one an allotment of a
 * scarce product still counts.
 */
export async function relieveStoragePressure(deps: {
  db: StoresideDb;
  estimate: () => Promise<StorageEstimate>;
  caches: Pick<CacheStorage, 'keys' | 'delete'> | undefined;
  now: number;
}): Promise<Relief> {
  const relief: Relief = { cachesDeleted: [], eventsPruned: 0 };
  const pressed = async () => {
    const { usage, quota } = await deps.estimate();
    return quota > 0 && usage / quota >= PRESSURE_RATIO;
  };
  if (!(await pressed())) return relief;
  for (const name of (await deps.caches?.keys()) ?? []) {
    if (SHEDDABLE_CACHE.test(name) && (await deps.caches!.delete(name))) relief.cachesDeleted.push(name);
  }
  if (relief.cachesDeleted.length > 0 && !(await pressed())) return relief;
  relief.eventsPruned = await pruneAcknowledgedEvents(deps.db, deps.now - KEEP_ACKED_EVENTS_MS);
  return relief;
}

/** Deletes journal events made before `before` that nothing on the device still needs; returns how many. */
async function pruneAcknowledgedEvents(db: StoresideDb, before: number): Promise<number> {
  return db.transaction('rw', [db.meta, db.journal, db.allotments], async () => {
    const enrollment = await db.getMeta('enrollment');
    const acked = (await db.getMeta('ackedSeq')) ?? 0;
    const own = enrollment ? await db.allotments.where('id').startsWith(`${enrollment.deviceId}/`).toArray() : [];
    // An allotment counts this device's sales after its seq; those must stay.
    const limit = Math.min(acked, ...own.map((allotment) => allotment.asOfSeq));
    const old = await db.journal
      .where('seq')
      .belowOrEqual(limit)
      .filter((event) => (parseHlc(event.hlc)?.wallMs ?? Infinity) < before)
      .primaryKeys();
    await db.journal.bulkDelete(old);
    return old.length;
  });
}
