import type { StoresideDb } from './db.ts';

/**
 * One `create(db)` per device database, made on first use: the device's till
 * gate, its catalog index. Every screen asking for it gets the same one
 * without it being handed down.
 */
export function perDatabase<T>(create: (db: StoresideDb) => T): (db: StoresideDb) => T {
  const made = new WeakMap<StoresideDb, T>();
  return (db) => {
    let one = made.get(db);
    if (one === undefined) made.set(db, (one = create(db)));
    return one;
  };
}
