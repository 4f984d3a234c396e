import type { BrowserContext } from 'playwright-core';
import type { ProductRecord, StockRecord } from '../../../src/protocol/entities.ts';
import { seededRandom } from '../../../src/server/demo/demo-retailer.ts';
import { newUuid } from '../../../src/server/ids.ts';
import type { ServerStore } from '../../../src/server/storage/server-store.ts';
import { formatNumber, progress, row, type BenchRow } from '../support/report.ts';
import type { BenchMode, Sized } from '../support/bench-mode.ts';
import { batches, sample, saleEvents } from '../support/sale-events.ts';
import { buildOneStoreSeed, enrollDevice, openSeededStore, scratchDir, startServer, withExtraStock, type OneStoreSeed } from '../support/server-fixture.ts';
import { countWireBytes, wireDelta } from '../support/wire-bytes.ts';
import { openSyncPage } from './sync-page.ts';

/**
 * products of the store; a week of a busy store: ~2,300 sales a day, three
 * lines each, and HQ's price changes between them; and how many SKUs the
 * till's copy is compared on, value by value, with the server after the catch-up
 */
const SIZES: Sized<{ products: number; sales: number; priceChanges: number; checkedSkus: number }> = {
  full: { products: 10_000, sales: 16_000, priceChanges: 2_000, checkedSkus: 200 },
  smoke: { products: 300, sales: 200, priceChanges: 20, checkedSkus: 20 },
};
/**
 * The other till pushes every few sales, as a till online does (each push is one
 * transaction, and a SKU sold twice in one push moves its level once).
 */
const INGEST_BATCH = 20;

/**
 * Catch-up after a week offline. A till (the bench page: the app's Dexie
 * database and sync code) bootstraps the store's slice, then goes quiet while
 * the server takes a busy week: another till's 16,000 sales (three lines
 * each: 48,000 stock-level changes) and 2,000 HQ price changes, interleaved —
 * 50,000 changes to the store's slice, counted as cursor versions. Timed:
 * the till's `pullChanges` until it is current, with the bytes on its
 * connections (both ways, headers included, bodies as sent). Beside it, in
 * the same page: a fresh bootstrap of the same slice into a new database,
 * the other way a device can get current.
 */
export async function benchCatchUp(context: BrowserContext, pageDir: string, mode: BenchMode): Promise<BenchRow[]> {
  const size = SIZES[mode];
  progress(`catch-up: a ${size.products.toLocaleString()}-product store`);
  const oneStore = withExtraStock(buildOneStoreSeed(size.products), 1_000);
  const scratch = scratchDir('catch-up');
  const store = await openSeededStore(scratch.file('server.db'), oneStore);
  const server = await startServer(store, pageDir);
  const wire = countWireBytes(server.http);
  const [tillCode, sellerCode, freshCode] = oneStore.credentials.enrollmentCodes.tablet;
  try {
    const till = await openSyncPage(context, server.url);
    await till.call('enroll', tillCode!);
    const booted = await till.call('bootstrap');
    progress(`catch-up: the till bootstrapped ${booted.products.toLocaleString()} products at cursor ${booted.cursor}; now a week passes on the server`);

    const weekStart = await store.currentCursor(oneStore.slice.store.id);
    await busyWeek(store, oneStore, sellerCode!, size);
    const weekEnd = await store.currentCursor(oneStore.slice.store.id);
    const changes = weekEnd - weekStart;

    progress(`catch-up: ${changes.toLocaleString()} changes to pull; pullChanges (timed)`);
    const before = wire.read();
    const pulled = await till.call('pull');
    const bytes = wireDelta(before, wire.read());
    if (pulled.cursor !== weekEnd) throw new Error(`the till stopped at cursor ${pulled.cursor}; the server is at ${weekEnd}`);
    const checked = await checkAgainstServer(till.call, store, oneStore, size.checkedSkus);

    progress('catch-up: a fresh bootstrap of the same slice, for comparison (timed)');
    await till.call('enroll', freshCode!, 'storeside-fresh');
    const freshBefore = wire.read();
    const fresh = await till.call('bootstrap');
    const freshBytes = wireDelta(freshBefore, wire.read());
    await till.page.close();

    const rate = changes / (pulled.ms / 1000);
    const freshRate = changes / (fresh.ms / 1000);
    progress(`catch-up: ${formatNumber(pulled.ms)} ms, ${formatNumber(rate)} changes/s, ${formatNumber(bytes.total / 1024)} KB; fresh bootstrap ${formatNumber(fresh.ms)} ms, ${formatNumber(freshBytes.total / 1024)} KB`);
    const details = {
      serverChanges: changes,
      sales: size.sales,
      priceChanges: size.priceChanges,
      rowsReceived: pulled.received,
      requests: pulled.requests,
      wire: bytes,
      changesPerSecond: rate,
      checked,
      freshBootstrap: { ms: fresh.ms, requests: fresh.requests, rows: fresh.products + fresh.stock, wire: freshBytes },
    };
    const label = `week offline, ${changes.toLocaleString()} changes`;
    return [
      row({ name: `Catch-up after a ${label} (pullChanges)`, value: pulled.ms, unit: 'ms', limit: fresh.ms, limitLabel: 'fresh bootstrap of the slice', goal: null, met: null, details }),
      row({ name: `Catch-up rate, ${label}`, value: rate, unit: 'changes/s', limit: freshRate, limitLabel: 'same changes ÷ fresh bootstrap time', goal: null, met: null, details }),
      row({ name: `Catch-up bytes on the wire, ${label}`, value: bytes.total / 1024, unit: 'KB', limit: freshBytes.total / 1024, limitLabel: 'fresh bootstrap of the slice', goal: null, met: null, details }),
    ];
  } finally {
    await server.close();
    await store.close();
    scratch.remove();
  }
}

/**
 * Another till's sales pushed in batches (the ledger's own ingest, so stock
 * levels move as they do for real), with HQ price changes in between.
 */
async function busyWeek(store: ServerStore, oneStore: OneStoreSeed, sellerCode: string, { sales, priceChanges }: { sales: number; priceChanges: number }): Promise<void> {
  const sellerId = newUuid();
  await enrollDevice(store, sellerCode, sellerId);
  const staffId = oneStore.credentials.staff.find((m) => m.role === 'associate')!.id;
  progress(`catch-up: building ${sales.toLocaleString()} sales of another till`);
  const saleBatches = batches(saleEvents(oneStore.slice, sellerId, staffId, sales), INGEST_BATCH);
  const repriced = sample(oneStore.slice.products.filter((p) => p.price > 0), priceChanges, seededRandom(5));
  const pricesPerBatch = Math.ceil(priceChanges / saleBatches.length);
  const storeId = oneStore.slice.store.id;
  for (const [index, batch] of saleBatches.entries()) {
    const outcome = await store.ingestPush(sellerId, batch, Date.now());
    if (outcome.kind !== 'acked' || outcome.results.some((r) => r.status !== 'applied')) throw new Error(`the week's sales were not all applied (batch ${index})`);
    for (const product of repriced.slice(index * pricesPerBatch, (index + 1) * pricesPerBatch)) {
      if (!(await store.setPrice(storeId, product.sku, product.price + 5))) throw new Error(`cannot reprice ${product.sku}`);
    }
    if ((index + 1) % 200 === 0) progress(`catch-up: ${((index + 1) * INGEST_BATCH).toLocaleString()} / ${sales.toLocaleString()} sales on the server`);
  }
}

/** The till's stock levels and prices for a sample of SKUs must be the server's, after the catch-up. */
async function checkAgainstServer(call: Awaited<ReturnType<typeof openSyncPage>>['call'], store: ServerStore, oneStore: OneStoreSeed, checkedSkus: number) {
  const rows = await store.snapshotRows(oneStore.slice.store.id, null, 1_000_000);
  const serverStock = new Map<string, number>();
  const serverPrice = new Map<string, number>();
  for (const r of rows) {
    if (r.entity === 'stock') serverStock.set(r.key, (JSON.parse(r.value!) as StockRecord).onHand);
    if (r.entity === 'product') serverPrice.set(r.key, (JSON.parse(r.value!) as ProductRecord).price);
  }
  const skus = sample([...serverStock.keys()], checkedSkus, seededRandom(9));
  const [stock, prices] = [await call('stockOf', skus), await call('pricesOf', skus)];
  const wrong = skus.filter((sku, i) => stock[i] !== serverStock.get(sku) || prices[i] !== serverPrice.get(sku));
  if (wrong.length > 0) throw new Error(`after the catch-up the till disagrees with the server on ${wrong.length} of ${skus.length} SKUs, e.g. ${wrong[0]}`);
  return { skus: skus.length, agree: true };
}
