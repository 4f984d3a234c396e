import * as v from 'valibot';
import type { Table } from 'dexie';
import type { StoresideDb } from '../local/db.ts';
import { describeIssues } from '../protocol/describe-issues.ts';
import { ENTITY_SCHEMAS, type EntityRecords } from '../protocol/entities.ts';
import { ENTITY_NAMES, toDeviceRow, type EntityName } from '../protocol/entity-registry.ts';
import type { Change } from '../protocol/messages.ts';
import { isSaleEvent } from '../domain/events.ts';

/** Pulled changes grouped by entity, every record checked against its schema. */
export type SliceChanges = {
  puts: { [K in EntityName]: EntityRecords[K][] };
  deletes: { [K in EntityName]: string[] };
};

/**
 * Checks a page of pulled changes. A record this app version cannot read stops
 * the pull (and the cursor) there, rather than applying part of the slice;
 * updating the app mends it.
 */
export function readChanges(changes: readonly Change[]): { ok: true; changes: SliceChanges } | { ok: false; message: string } {
  const read = emptySliceChanges();
  for (const change of changes) {
    if (change.op === 'delete') {
      read.deletes[change.entity].push(change.key);
      continue;
    }
    const record = v.safeParse(ENTITY_SCHEMAS[change.entity], change.value);
    if (!record.success) return { ok: false, message: `the server sent a ${change.entity} "${change.key}" this app cannot read: ${describeIssues(record.issues)}` };
    (read.puts[change.entity] as unknown[]).push(record.output);
  }
  return { ok: true, changes: read };
}

function emptySliceChanges(): SliceChanges {
  const none = () => Object.fromEntries(ENTITY_NAMES.map((entity) => [entity, []])) as Record<EntityName, never[]>;
  return { puts: none(), deletes: none() };
}

/** The tables `applyChanges` reads and writes: its caller's transaction must cover them. */
export function sliceChangeTables(db: StoresideDb): Table[] {
  return [db.meta, db.journal, db.returns, ...db.syncedTables()];
}

/**
 * Writes checked changes into the device's tables. Runs inside the caller's
 * transaction (over meta, the journal and the slice's tables) with the cursor
 * update, so a crash never leaves the cursor ahead of the data.
 *
 * Stock levels from the server count only the sales it has received; sales still
 * in this device's outbox are taken off again so the shelf count shown here
 * never jumps back up before they are sent. The outbox can hold sales the server
 * has received all the same (their acknowledgement was lost): `countedThroughSeq`,
 * from the server, says which, so they are not taken off twice.
 */
export async function applyChanges(db: StoresideDb, { puts, deletes }: SliceChanges, countedThroughSeq = 0): Promise<void> {
  // Reading the outbox is only needed when the page holds stock levels.
  const unsent = puts.stock.length > 0 ? await unsentQuantities(db, countedThroughSeq) : new Map<string, number>();
  const stored = { ...puts, stock: puts.stock.map((level) => ({ ...level, onHand: level.onHand - (unsent.get(level.sku) ?? 0) })) };
  for (const entity of ENTITY_NAMES) await putRecords(db, entity, stored[entity]);
  for (const entity of ENTITY_NAMES) await db.syncedTable(entity).bulkDelete(deletes[entity]);
}

async function putRecords<K extends EntityName>(db: StoresideDb, entity: K, records: readonly EntityRecords[K][]): Promise<void> {
  await db.syncedTable(entity).bulkPut(records.map((record) => toDeviceRow(entity, record)));
}

async function unsentQuantities(db: StoresideDb, countedThroughSeq: number): Promise<Map<string, number>> {
  const acked = Math.max((await db.getMeta('ackedSeq')) ?? 0, countedThroughSeq);
  const quantities = new Map<string, number>();
  const add = (sku: string, quantity: number) => quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  const voids: string[] = [];
  await db.journal.where('seq').above(acked).each((event) => {
    // Units an unsent return or void took back are on this shelf but not in the server's count yet.
    if (event.type === 'refund.completed') for (const line of event.payload.lines) add(line.sku, -line.quantity);
    if (event.type === 'sale.voided') voids.push(event.payload.voidId);
    if (!isSaleEvent(event)) return;
    for (const line of event.payload.lines) add(line.sku, line.quantity);
  });
  // A void names its sale, not its units: this till's record of the void has them.
  for (const voided of await db.returns.bulkGet(voids)) for (const line of voided?.lines ?? []) add(line.sku, -line.quantity);
  return quantities;
}
