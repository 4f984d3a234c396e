import type { LedgerTx } from '../ledger/ledger-tx.ts';

/**
 * Low-stock reservations (DESIGN.md "Conflicts"): for a product HQ marked
 * scarce, each device sells only from an allotment the server granted it while
 * it was in contact, so tills apart from each other cannot sell the same last
 * unit. A grant lets the device sell `units` after `asOfSeq` of its journal,
 * and the server keeps that many units of the store's stock reserved for it
 * until it is in contact again. The store's reservations never exceed its
 * stock, and a device is granted at most an even share of what is on hand, so
 * one till cannot take every unit while the others still have customers.
 *
 * Runs each time the device is in contact: after its push is applied
 * (`soldInBatch`: what the push's sales took), or when it pulls. `ackedSeq` is
 * what the server holds of its journal, all of it counted in the stock.
 */
export async function grantAllotments(tx: LedgerTx, storeId: string, deviceId: string, ackedSeq: number, soldInBatch: ReadonlyMap<string, number>, now: number): Promise<void> {
  const scarce = await tx.scarceSkus(storeId);
  if (scarce.length === 0) return;
  const devices = Math.max(1, await tx.deviceCount(storeId));
  for (const sku of scarce) {
    const onHand = (await tx.onHand(storeId, sku)) ?? 0;
    const all = await tx.allotments(storeId, sku);
    const othersReserved = all.filter((a) => a.deviceId !== deviceId).reduce((sum, a) => sum + a.units, 0);
    const current = all.find((a) => a.deviceId === deviceId);
    // What the old grant still covers: the device may have sold it already, in events not sent yet.
    const stillCovered = Math.max(0, (current?.units ?? 0) - (soldInBatch.get(sku) ?? 0));
    const units = Math.max(stillCovered, Math.min(onHand - othersReserved, Math.ceil(onHand / devices)));
    if (current && current.units === units && current.asOfSeq === ackedSeq) continue;
    await tx.saveAllotment(storeId, sku, { deviceId, units, asOfSeq: ackedSeq }, now);
  }
}
