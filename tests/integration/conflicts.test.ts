import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import type { ConflictRecord } from '../../src/protocol/entities.ts';
import type { PullResponse } from '../../src/protocol/messages.ts';
import { OVERSELL_RULE } from '../../src/server/conflicts/oversell.ts';
import { enrollDevice, SaleChain, salePayload, type DeviceClient, type StoreSliceSnapshot } from './helpers/device-client.ts';
import { stockLevels } from './helpers/ledger-db.ts';
import { makeDataDir, removeDataDir, startServer, type ServerProcess } from './helpers/server-process.ts';

/**
 * Two tills sell the last units of a product while apart. Whatever order their
 * pushes arrive in, the count goes below zero by what was oversold, and the
 * sales latest by HLC are the ones charged with it: an `oversell` conflict,
 * naming its rule and leaving a task, synced to the store's devices.
 */

const AUSTIN = 'store-us-austin';

let server: ServerProcess;
let dataDir: string;
let slice: StoreSliceSnapshot;

beforeAll(async () => {
  dataDir = makeDataDir('conflicts');
  server = await startServer({ dataDir, demoProducts: 40 });
  slice = await (await enrollDevice(server, { storeId: AUSTIN })).readSnapshot();
});

afterAll(async () => {
  await server?.stop();
  removeDataDir(dataDir);
});

async function conflictsPulledBy(client: DeviceClient): Promise<ConflictRecord[]> {
  const answer = await client.get<PullResponse>('/api/v1/sync/pull?cursor=0&limit=5000');
  expect(answer.status).toBe(200);
  return answer.body.changes.flatMap((change) => (change.entity === 'conflict' && change.op === 'put' ? [change.value as ConflictRecord] : []));
}

describe('the last units sold twice during a partition', () => {
  it('charge the oversell to the later sale by HLC, whichever till pushes first', async () => {
    // A product with enough stock to sell out exactly: each till sells all of it.
    const sku = [...stockLevels(dataDir, AUSTIN)].find(([, onHand]) => onHand >= 2 && onHand <= 20)![0];
    const onHand = stockLevels(dataDir, AUSTIN).get(sku)!;
    const product = slice.products.find((p) => p.sku === sku)!;
    const [early, late] = [await enrollDevice(server, { storeId: AUSTIN }), await enrollDevice(server, { storeId: AUSTIN })];
    const base = Date.now() - 10 * 60_000;
    const earlyChain = new SaleChain(early, slice, 1);
    const earlySale = earlyChain.next({ lines: [cartLineFor(product, onHand)], at: base });
    const lateSale = new SaleChain(late, slice, 2).next({ lines: [cartLineFor(product, onHand)], at: base + 60_000 });

    // The later sale reaches the server first; the earlier one arrives after the network mends.
    expect((await late.push([lateSale])).status).toBe(200);
    expect(stockLevels(dataDir, AUSTIN).get(sku)).toBe(0);
    expect(await conflictsPulledBy(late)).toEqual([]);
    expect((await early.push([earlySale])).status).toBe(200);
    expect(stockLevels(dataDir, AUSTIN).get(sku)).toBe(-onHand);

    const conflicts = await conflictsPulledBy(early);
    expect(conflicts).toEqual([
      expect.objectContaining({
        kind: 'oversell',
        rule: OVERSELL_RULE,
        saleId: salePayload(lateSale).saleId,
        receiptNumber: salePayload(lateSale).receiptNumber,
        sku,
        quantity: onHand,
        task: { actions: ['substitute', 'backorder', 'refund'], status: 'open' },
      }),
    ]);
    // One more sold later still: only that unit is newly oversold, and it is charged to that sale, nothing twice.
    const oneMore = earlyChain.next({ lines: [cartLineFor(product, 1)], at: base + 120_000 });
    expect((await early.push([oneMore])).status).toBe(200);
    const after = await conflictsPulledBy(early);
    expect(after.map((c) => [c.saleId, c.quantity])).toEqual([
      [salePayload(lateSale).saleId, onHand],
      [salePayload(oneMore).saleId, 1],
    ]);
    expect(new Set(after.map((c) => c.id)).size).toBe(2);
  });
});
