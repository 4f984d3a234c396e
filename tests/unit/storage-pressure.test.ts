import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc.ts';
import { GENESIS_HASH, type StoreEvent } from '../../src/domain/events.ts';
import { StoresideDb } from '../../src/local/db.ts';
import { relieveStoragePressure } from '../../src/local/storage-pressure.ts';

const NOW = 1_800_000_000_000;
const DAY = 24 * 3_600_000;

/** Journal events 1..count, made `ageDays(seq)` days before NOW; the payloads do not matter here. */
async function deviceWithJournal(name: string, count: number, acked: number, ageDays: (seq: number) => number) {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'till-1', storeId: 'store-1', role: 'tablet', token: 't' });
  await db.setMeta('ackedSeq', acked);
  const events = Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    return { seq, id: `e${seq}`, deviceId: 'till-1', storeId: 'store-1', type: 'task.claimed', v: 1, staffId: 's', prev: GENESIS_HASH, hlc: formatHlc({ wallMs: NOW - ageDays(seq) * DAY, counter: 0, node: 'till-1' }), payload: { taskId: 't', staffName: 'A' } } as StoreEvent;
  });
  await db.journal.bulkAdd(events);
  return db;
}

/** Cache Storage with these caches in it. */
function cachesOf(names: string[]) {
  const live = new Set(names);
  return { live, storage: { keys: async () => [...live], delete: async (name: string) => live.delete(name) } };
}

describe('storage pressure', () => {
  it('sheds image caches first, and stops there once that is enough', async () => {
    const db = await deviceWithJournal('pressure-images', 10, 10, () => 90);
    const { live, storage } = cachesOf(['workbox-precache-v2-https://till/', 'storeside-images-v1']);
    let usage = 95;
    const relief = await relieveStoragePressure({
      db,
      caches: { ...storage, delete: async (name) => ((usage = 50), storage.delete(name)) },
      estimate: async () => ({ usage, quota: 100 }),
      now: NOW,
    });
    expect(relief).toEqual({ cachesDeleted: ['storeside-images-v1'], eventsPruned: 0 });
    expect([...live]).toEqual(['workbox-precache-v2-https://till/']);
    expect(await db.journal.count()).toBe(10);
  });

  it('then prunes only old events the server acknowledged: never an unsent one, a recent one, or one an allotment counts', async () => {
    // Seq 1–8 are 60 days old, 9–10 two days old; the server has 1–9; an allotment counts from seq 6 on.
    const db = await deviceWithJournal('pressure-journal', 12, 9, (seq) => (seq <= 8 ? 60 : seq <= 10 ? 2 : 70));
    await db.allotments.put({ id: 'till-1/SKU-1', deviceId: 'till-1', sku: 'SKU-1', units: 2, asOfSeq: 5, grantedAt: 0 });
    await db.allotments.put({ id: 'till-2/SKU-1', deviceId: 'till-2', sku: 'SKU-1', units: 2, asOfSeq: 1, grantedAt: 0 });
    const relief = await relieveStoragePressure({ db, caches: undefined, estimate: async () => ({ usage: 99, quota: 100 }), now: NOW });
    expect(relief.eventsPruned).toBe(5);
    expect(await db.journal.toCollection().primaryKeys()).toEqual([6, 7, 8, 9, 10, 11, 12]);
  });

  it('keeps a month of acknowledged events for audits and lookups: under pressure one made 31 days ago goes, one made 29 days ago stays', async () => {
    // Seq 1 is 31 days old, seq 2 is 29 days old; the server has both.
    const db = await deviceWithJournal('pressure-month', 2, 2, (seq) => (seq === 1 ? 31 : 29));
    const relief = await relieveStoragePressure({ db, caches: undefined, estimate: async () => ({ usage: 99, quota: 100 }), now: NOW });
    expect(relief.eventsPruned).toBe(1);
    expect(await db.journal.toCollection().primaryKeys()).toEqual([2]);
  });

  it('does nothing while there is room', async () => {
    const db = await deviceWithJournal('pressure-none', 4, 4, () => 365);
    const { storage } = cachesOf(['storeside-images-v1']);
    expect(await relieveStoragePressure({ db, caches: storage, estimate: async () => ({ usage: 10, quota: 100 }), now: NOW })).toEqual({ cachesDeleted: [], eventsPruned: 0 });
    expect(await db.journal.count()).toBe(4);
  });
});
