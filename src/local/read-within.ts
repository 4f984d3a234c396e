import Dexie, { type Table, type Transaction } from 'dexie';
import type { StoresideDb } from './db.ts';

/**
 * Runs `read` inside the caller's transaction when there is one that covers
 * `tables` (a sale's commit checking the offline limits with the same reads
 * it commits on), or in a read transaction of its own. Not a nested Dexie
 * transaction: Dexie holds every other request of the outer one back until a
 * nested one ends, which would turn requests issued together into a queue.
 */
export function readWithin<T>(db: StoresideDb, tables: readonly Table[], read: () => Promise<T>): Promise<T> {
  const current = Dexie.currentTransaction as Transaction | null | undefined;
  if (current?.db === db && current.active && tables.every((table) => current.storeNames.includes(table.name))) return read();
  return db.transaction('r', tables, read);
}
