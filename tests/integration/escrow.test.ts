import { beforeAll, describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import type { AllotmentRecord } from '../../src/protocol/entities.ts';
import { withServer } from '../support/server-fixture.ts';
import { SaleChain, type DeviceClient, type StoreSliceSnapshot } from './helpers/device-client.ts';
import { stockLevels } from './helpers/ledger-db.ts';

/**
 * Escrow for scarce products (DESIGN.md "Conflicts"): once HQ marks a product
 * scarce, each till may sell it only from an allotment the server granted it
 * while in contact, and the allotments never add up to more than the stock, so
 * tills apart from each other cannot sell the same last unit.
 */

const AUSTIN = 'store-us-austin';

const server = withServer({ label: 'escrow', demoProducts: 40 });
let slice: StoreSliceSnapshot;

beforeAll(async () => {
  slice = await server.slice(AUSTIN);
});

const markScarce = (sku: string, scarce: boolean) => server.hq.post('/api/v1/hq/scarce', { store: AUSTIN, sku, scarce });

/** Each device's allotment of `sku` as a device of the store pulls them, by device id. */
async function allotments(client: DeviceClient, sku: string): Promise<Map<string, number>> {
  const held = [...(await client.pulledRecords<AllotmentRecord>('allotment')).values()].filter((allotment) => allotment.sku === sku);
  return new Map(held.map((allotment) => [allotment.deviceId, allotment.units]));
}

const devicesOfAustin = () => server.ledger((db) => (db.prepare(`SELECT COUNT(*) AS n FROM devices WHERE store_id = ?`).get(AUSTIN) as { n: number }).n);

describe('a product HQ marks scarce', () => {
  it('is shared out between the store’s tills within its stock, and each till’s grant is renewed, as of its journal, when it is in contact', async () => {
    const tills = [await server.enroll({ storeId: AUSTIN }), await server.enroll({ storeId: AUSTIN })];
    const sku = [...stockLevels(server.dataDir, AUSTIN)].find(([, onHand]) => onHand >= 4 && onHand <= 20)![0];
    const onHand = stockLevels(server.dataDir, AUSTIN).get(sku)!;
    expect((await markScarce(sku, true)).status).toBe(200);

    const granted = await allotments(tills[0]!, sku);
    const share = Math.ceil(onHand / devicesOfAustin());
    // Every device of the store has a grant, none more than an even share, together within the stock.
    expect(granted.size).toBe(devicesOfAustin());
    for (const units of granted.values()) expect(units).toBeLessThanOrEqual(share);
    expect([...granted.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(onHand);

    // A till sells what it was granted; its next grant, as of that push, is from what no other till holds.
    const [seller] = tills;
    const product = slice.products.find((p) => p.sku === sku)!;
    const mine = granted.get(seller!.deviceId)!;
    expect(mine).toBeGreaterThan(0);
    const chain = new SaleChain(seller!, slice, 3);
    const sale = chain.next({ lines: [cartLineFor(product, mine)] });
    expect((await seller!.push([sale])).status).toBe(200);
    const after = await allotments(seller!, sku);
    const othersHold = [...after].filter(([device]) => device !== seller!.deviceId).reduce((sum, [, units]) => sum + units, 0);
    expect(after.get(seller!.deviceId)).toBe(Math.max(0, Math.min(onHand - mine - othersHold, Math.ceil((onHand - mine) / devicesOfAustin()))));
    expect(othersHold + after.get(seller!.deviceId)!).toBeLessThanOrEqual(onHand - mine);
    expect((await seller!.pulledRecords<AllotmentRecord>('allotment')).get(`${seller!.deviceId}/${sku}`)?.asOfSeq).toBe(sale.seq);
    // No till could have oversold it: the stock never went below zero, and no conflict was needed.
    expect(stockLevels(server.dataDir, AUSTIN).get(sku)).toBe(onHand - mine);

    // Scarce no more: the allotments are withdrawn from every device.
    expect((await markScarce(sku, false)).status).toBe(200);
    expect(await allotments(seller!, sku)).toEqual(new Map());
    const withdrawn = (await seller!.pullAll()).filter((c) => c.entity === 'allotment' && c.key.endsWith(`/${sku}`));
    expect(withdrawn.every((change) => change.op === 'delete')).toBe(true);
    expect(withdrawn.length).toBe(devicesOfAustin());
  });
});
