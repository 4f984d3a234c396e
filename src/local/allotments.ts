import { isSaleEvent } from '../domain/events.ts';
import type { AllotmentRecord } from '../protocol/entities.ts';
import type { StoresideDb } from './db.ts';

/** This device's allotments of the store's scarce products, by SKU. A product without one is not scarce here. */
export async function ownAllotments(db: StoresideDb): Promise<Map<string, AllotmentRecord>> {
  const enrollment = await db.getMeta('enrollment');
  if (!enrollment) return new Map();
  const own = await db.allotments.where('id').startsWith(`${enrollment.deviceId}/`).toArray();
  return new Map(own.map((allotment) => [allotment.sku, allotment]));
}

/**
 * How many units of a scarce product this device may still sell: its grant
 * less what its journal sold after the grant's seq, sent or not. The server
 * counts the same way, so what this says is what it reserved.
 */
export async function unitsLeft(db: StoresideDb, allotment: AllotmentRecord): Promise<number> {
  let sold = 0;
  await db.journal.where('seq').above(allotment.asOfSeq).each((event) => {
    if (!isSaleEvent(event)) return;
    for (const line of event.payload.lines) if (line.sku === allotment.sku) sold += line.quantity;
  });
  return Math.max(0, allotment.units - sold);
}
