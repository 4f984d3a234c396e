import type { BrowserContext } from 'playwright-core';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.ts';
import { percentile, progress, row, type BenchRow } from '../support/report.ts';
import type { BenchMode, Sized } from '../support/bench-mode.ts';
import { buildOneStoreSeed, openSeededStore, scratchDir, startServer } from '../support/server-fixture.ts';
import { countWireBytes, wireDelta, type WireBytes } from '../support/wire-bytes.ts';
import { openSyncPage } from './sync-page.ts';

/** products of the store, price changes HQ makes (the figure is the worst of them) */
const SIZES: Sized<{ products: number; priceChanges: number }> = { full: { products: 2_000, priceChanges: 10 }, smoke: { products: 200, priceChanges: 2 } };
const GOAL_BYTES = 2 * 1024;

/**
 * Bytes on the wire to bring an up-to-date till current after HQ changes one
 * price. The till is the bench page running the app's sync engine (change
 * stream open, as a till online is), bootstrapped and idle. HQ sets a price
 * through `POST /api/v1/hq/prices` on a second listener of the same server
 * (same store, same process), so HQ's own request is not on the till's
 * connections. Counted on the till's server sockets, both ways, from just
 * before HQ's request until the till holds the new price and its sync round is
 * over: the poke on the change stream, then every request and response of the
 * round it triggers — request and status lines, all headers (Chromium's own
 * included), bodies as sent. TCP/IP framing is not counted.
 */
export async function benchPriceChangeBytes(context: BrowserContext, pageDir: string, mode: BenchMode): Promise<BenchRow[]> {
  const { products: productCount, priceChanges } = SIZES[mode];
  const oneStore = buildOneStoreSeed(productCount);
  const { store: storeRecord } = oneStore.slice;
  const scratch = scratchDir('price-bytes');
  const store = await openSeededStore(scratch.file('server.db'), oneStore);
  const tillServer = await startServer(store, pageDir);
  const hqServer = await startServer(store, pageDir);
  const wire = countWireBytes(tillServer.http);
  try {
    progress('price change bytes: enrolling and bootstrapping a till, then opening its change stream');
    const till = await openSyncPage(context, tillServer.url);
    await till.call('enroll', oneStore.credentials.enrollmentCodes.tablet[0]!);
    await till.call('bootstrap');
    await till.call('startEngine');

    progress(`price change bytes: HQ changes ${priceChanges} prices, one at a time; the till follows each`);
    const products = oneStore.slice.products.filter((p) => p.price > 0).slice(0, priceChanges);
    const samples: (WireBytes & { sku: string; rounds: number })[] = [];
    for (const product of products) {
      const price = product.price + 10;
      const roundsBefore = await till.call('settle');
      const before = wire.read();
      await setPrice(hqServer.url, oneStore.hqToken, storeRecord.id, product.sku, price);
      const { rounds } = await till.call('waitForPrice', product.sku, price, 10_000);
      samples.push({ ...wireDelta(before, wire.read()), sku: product.sku, rounds: rounds - roundsBefore });
    }
    await till.call('stopEngine');
    await till.page.close();

    const totals = samples.map((s) => s.total);
    const worst = Math.max(...totals);
    progress(`price change bytes: ${totals.join(', ')} bytes per price change`);
    return [
      row({
        name: `Bytes on the wire to follow one HQ price change (worst of ${priceChanges})`,
        value: worst,
        unit: 'bytes',
        limit: GOAL_BYTES,
        limitLabel: 'goal',
        goal: `≤ ${GOAL_BYTES.toLocaleString()} bytes`,
        met: worst <= GOAL_BYTES,
        details: {
          counted: 'TCP payload on the till\'s connections, both ways: SSE poke + pull request and response, headers included',
          p50: percentile(totals, 50),
          samples,
        },
      }),
    ];
  } finally {
    await hqServer.close();
    await tillServer.close();
    await store.close();
    scratch.remove();
  }
}

async function setPrice(url: string, hqToken: string, storeId: string, sku: string, price: number): Promise<void> {
  const response = await fetch(`${url}/api/v1/hq/prices`, {
    method: 'POST',
    headers: { 'x-storeside-protocol': String(PROTOCOL_VERSION), authorization: `Bearer ${hqToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ store: storeId, sku, price }),
  });
  if (!response.ok) throw new Error(`HQ price change answered ${response.status}: ${await response.text()}`);
}
