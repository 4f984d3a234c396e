import type { StoresideDb } from '../local/db.ts';
import { searchWords } from '../local/db.ts';
import type { EntityName, ProductRecord, StaffRecord, StockRecord, StoreRecord } from '../protocol/entities.ts';
import type { Change } from '../protocol/messages.ts';

/**
 * Writes pulled changes into the device's tables. Runs inside the caller's
 * transaction (which must include the journal) together with the cursor update,
 * so a crash never leaves the cursor ahead of the data.
 *
 * Stock levels from the server count only the sales it has received; sales still
 * in this device's outbox are taken off again so the shelf count shown here
 * never jumps back up before they are sent.
 */
export async function applyChanges(db: StoresideDb, changes: readonly Change[]): Promise<void> {
  const puts: { [K in EntityName]: unknown[] } = { product: [], stock: [], staff: [], store: [] };
  const deletes: { [K in EntityName]: string[] } = { product: [], stock: [], staff: [], store: [] };
  for (const change of changes) {
    if (change.op === 'put') puts[change.entity].push(change.value);
    else deletes[change.entity].push(change.key);
  }
  await db.products.bulkPut((puts.product as ProductRecord[]).map((p) => ({ ...p, words: searchWords(p) })));
  const unsent = await unsentQuantities(db);
  await db.stock.bulkPut((puts.stock as StockRecord[]).map((level) => ({ ...level, onHand: level.onHand - (unsent.get(level.sku) ?? 0) })));
  await db.staff.bulkPut(puts.staff as StaffRecord[]);
  await db.stores.bulkPut(puts.store as StoreRecord[]);
  await db.products.bulkDelete(deletes.product);
  await db.stock.bulkDelete(deletes.stock);
  await db.staff.bulkDelete(deletes.staff);
  await db.stores.bulkDelete(deletes.store);
}

export const TABLE_OF_ENTITY = { product: 'products', stock: 'stock', staff: 'staff', store: 'stores' } as const satisfies Record<EntityName, string>;

async function unsentQuantities(db: StoresideDb): Promise<Map<string, number>> {
  const acked = (await db.getMeta('ackedSeq')) ?? 0;
  const quantities = new Map<string, number>();
  await db.journal.where('seq').above(acked).each((event) => {
    for (const line of event.payload.lines) quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity);
  });
  return quantities;
}
