import * as v from 'valibot';
import Dexie, { RangeSet, type ObservabilitySet } from 'dexie';
import type { BootstrapProgress, StoresideDb } from '../local/db.ts';
import { recordSchema } from '../protocol/entities.ts';
import { SYNCED_ENTITIES, toDeviceRow, type EntityName } from '../protocol/entity-registry.ts';
import { SnapshotPageSchema, type SnapshotPage } from '../protocol/messages.ts';
import type { ApiClient, ApiFailure } from './api-client.ts';
import { pullChanges } from './pull-changes.ts';

export const SNAPSHOT_PAGE_SIZE = 10_000;

/**
 * Loads the store's slice into IndexedDB, page by page (DESIGN.md "snapshot").
 * The next page is fetched while the current one is written. Each page is written
 * in one transaction together with the position to resume from, so a bootstrap
 * cut off by a reload or a dropped connection continues where it stopped.
 *
 * Writes go straight to IndexedDB with relaxed durability: catalogue pages can be
 * fetched again, unlike sales, which use Dexie's strict transactions.
 *
 * The pages are read one after another while the store's data goes on
 * changing, so a row of an early page can be older than a row of a later one:
 * two promotions that were never live together, which the till would sell with
 * and the server would price differently. So the bootstrap ends with a pull from
 * the first page's cursor, which brings every row up to date, and only then is
 * it done.
 *
 *   pages (resumable) ──last page writes the cursor──▶ catch-up pull ──▶ done
 */
export async function bootstrap(
  db: StoresideDb,
  api: ApiClient,
  onProgress: (rowsLoaded: number) => void = () => {},
  pageSize = SNAPSHOT_PAGE_SIZE,
): Promise<{ ok: true } | { ok: false; failure: ApiFailure }> {
  let progress: BootstrapProgress = (await db.getMeta('bootstrap')) ?? { cursor: 0, next: null, done: false };
  if (progress.done) return { ok: true };
  // Every page is in already; only the catch-up was cut off.
  if ((await db.getMeta('cursor')) !== undefined) return catchUp(db, api, progress);
  const idb = db.backendDB();
  const fetchPage = (after: string | null) =>
    api.request('GET', `/api/v1/sync/snapshot?limit=${pageSize}${after ? `&after=${encodeURIComponent(after)}` : ''}`, SnapshotPageSchema);

  let loaded = 0;
  let nextPage = fetchPage(progress.next);
  for (;;) {
    const result = await nextPage;
    if (!result.ok) return result;
    const page = result.value;
    if (page.next) nextPage = fetchPage(page.next);
    progress = { cursor: page.cursor, next: page.next, done: false };
    await writePage(idb, page, progress);
    announceWritten(db, page);
    loaded += page.groups.reduce((sum, group) => sum + group.rows.length, 0);
    onProgress(loaded);
    if (progress.next === null) return catchUp(db, api, progress);
  }
}

async function catchUp(db: StoresideDb, api: ApiClient, progress: BootstrapProgress): Promise<{ ok: true } | { ok: false; failure: ApiFailure }> {
  const pulled = await pullChanges(db, api);
  if (!pulled.ok) return pulled;
  await db.setMeta('bootstrap', { ...progress, done: true });
  return { ok: true };
}

function writePage(idb: IDBDatabase, page: SnapshotPage, progress: BootstrapProgress): Promise<void> {
  const tables = [...new Set(page.groups.map((group) => SYNCED_ENTITIES[group.entity].table))];
  const tx = idb.transaction([...tables, 'meta'], 'readwrite', { durability: 'relaxed' });
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('bootstrap page write aborted'));
  });
  for (const group of page.groups) putGroup(tx.objectStore(SYNCED_ENTITIES[group.entity].table), group.entity, group.rows);
  const meta = tx.objectStore('meta');
  meta.put({ key: 'bootstrap', value: progress });
  // The cursor, once written, says every page is in: pulls may start from it.
  if (progress.next === null) meta.put({ key: 'cursor', value: progress.cursor });
  tx.commit();
  return done;
}

/**
 * Tells Dexie's observers (live queries and the product index, in this tab
 * and the others) that the page's tables changed: written straight to
 * IndexedDB, they are not seen by Dexie's own change tracking. Each table is
 * announced whole, keys and indexes, as Dexie announces a new database.
 */
function announceWritten(db: StoresideDb, page: SnapshotPage): void {
  const parts: ObservabilitySet = {};
  for (const table of new Set(page.groups.map((group) => SYNCED_ENTITIES[group.entity].table))) {
    for (const part of ['', ':dels', ...db.table(table).schema.indexes.map((index) => index.name)]) {
      parts[`idb://${db.name}/${table}/${part}`] = new RangeSet(-Infinity, [[]]);
    }
  }
  Dexie.on('storagemutated').fire(parts);
}

function putGroup<K extends EntityName>(objectStore: IDBObjectStore, entity: K, rows: readonly unknown[]): void {
  for (const row of rows) objectStore.put(toDeviceRow(entity, v.parse(recordSchema(entity), row)));
}
