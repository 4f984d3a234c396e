import { createApiClient } from '../../../src/sync/api-client.ts';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.ts';
import { newUuid } from '../../../src/server/ids.ts';
import { percentile, progress, row, type BenchRow } from '../support/report.ts';
import type { BenchMode, Sized } from '../support/bench-mode.ts';
import { saleEvents } from '../support/sale-events.ts';
import { buildOneStoreSeed, enrollDevice, openSeededStore, scratchDir, startServer } from '../support/server-fixture.ts';

/** products of the store, sales pushed one at a time */
const SIZES: Sized<{ products: number; sales: number }> = { full: { products: 500, sales: 100 }, smoke: { products: 100, sales: 5 } };
const GOAL_MS = 1_000;

/**
 * 7. Sale on one till → the other till of the store hears of it: a till pushes
 * a sale over HTTP; another holds the change stream open; the figure is push
 * sent → poke received, per sale, against the one second. (Pulling the
 * change after the poke is one more request; the e2e two-till test shows the
 * whole path to the screen.)
 */
export async function benchPoke(mode: BenchMode): Promise<BenchRow[]> {
  const { products, sales } = SIZES[mode];
  progress(`poke: ${sales} sales pushed by one till while another listens on the change stream`);
  const oneStore = buildOneStoreSeed(products);
  const scratch = scratchDir('poke');
  const store = await openSeededStore(scratch.file('server.db'), oneStore);
  const [sellerCode, listenerCode] = oneStore.credentials.enrollmentCodes.tablet;
  const sellerId = newUuid();
  const sellerToken = await enrollDevice(store, sellerCode!, sellerId);
  const listenerToken = await enrollDevice(store, listenerCode!, newUuid());
  const server = await startServer(store, 'dist');
  const staffId = oneStore.credentials.staff[0]!.id;
  const events = saleEvents(oneStore.slice, sellerId, staffId, sales);
  const listener = createApiClient({ baseUrl: server.url, token: () => listenerToken });
  const abort = new AbortController();
  let poked: (() => void) | null = null;
  const stream = listener.stream('/api/v1/sync/stream', (event) => event.event === 'changed' && poked?.(), abort.signal);
  try {
    const samples: number[] = [];
    for (const event of events) {
      const heard = new Promise<void>((resolve) => (poked = resolve));
      const start = performance.now();
      const response = await fetch(`${server.url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { 'x-storeside-protocol': String(PROTOCOL_VERSION), authorization: `Bearer ${sellerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ deviceId: sellerId, events: [event] }),
      });
      if (!response.ok) throw new Error(`push answered ${response.status}: ${await response.text()}`);
      await heard;
      samples.push(performance.now() - start);
    }
    const p95 = percentile(samples, 95);
    return [
      row({
        name: 'Sale pushed by one till → poke on another (p95)',
        value: p95,
        unit: 'ms',
        limit: GOAL_MS,
        limitLabel: 'goal',
        goal: `≤ ${GOAL_MS} ms`,
        met: p95 <= GOAL_MS,
        details: { sales, p50: percentile(samples, 50), p95, max: Math.max(...samples) },
      }),
    ];
  } finally {
    abort.abort();
    await stream;
    await server.close();
    await store.close();
    scratch.remove();
  }
}
