import pg from 'pg';
import type { StoreEvent } from '../../../src/domain/events.ts';
import { PushResponseSchema } from '../../../src/protocol/messages.ts';
import { newUuid } from '../../../src/server/ids.ts';
import { openPostgres } from '../../../src/server/storage/postgres-driver.ts';
import { createSqlStore } from '../../../src/server/storage/sql-store.ts';
import type { ServerStore } from '../../../src/server/storage/server-store.ts';
import { createApiClient } from '../../../src/sync/api-client.ts';
import * as v from 'valibot';
import { enrollDevice as enrollOverHttp, type DeviceClient } from '../../integration/helpers/device-client.ts';
import { makeDataDir, removeDataDir, startServer as startServerProcess, type ServerProcess } from '../../integration/helpers/server-process.ts';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../../support/postgres-cluster.ts';
import type { BenchMode, Sized } from '../support/bench-mode.ts';
import { openRawPostgresLedger } from '../support/raw-postgres-ledger.ts';
import { expectAllApplied, httpIngester } from '../support/push-ingest.ts';
import { percentile, progress, row, type BenchRow } from '../support/report.ts';
import { batches, saleEvents } from '../support/sale-events.ts';
import { buildOneStoreSeed, enrollDevice, startServer, withExtraStock, type OneStoreSeed } from '../support/server-fixture.ts';

/** Postgres ingest: products, sale events, events per push (as the SQLite ingest group). */
const INGEST: Sized<{ products: number; events: number; batch: number }> = {
  full: { products: 2_000, events: 10_000, batch: 500 },
  smoke: { products: 200, events: 300, batch: 100 },
};
/** Two replicas: demo products, events each device pushes, events per push, sales timed for the poke. */
const REPLICAS: Sized<{ products: number; events: number; batch: number; pokes: number }> = {
  full: { products: 500, events: 4_000, batch: 200, pokes: 100 },
  smoke: { products: 100, events: 100, batch: 50, pokes: 5 },
};
const POKE_GOAL_MS = 1_000;

/**
 * The fleet tier (issue 12), on a throwaway Postgres cluster run as a
 * production server runs it (fsync and synchronous commit on):
 *
 *   - push ingest over HTTP into Postgres, against raw multi-row inserts of the
 *     same rows through the same driver;
 *   - two server processes on one database: one device pushing to one replica,
 *     then a device pushing to each at once; and a sale pushed to one replica →
 *     the poke on a change stream held open on the other (p95 vs 1 s).
 */
export async function benchFleet(mode: BenchMode): Promise<BenchRow[]> {
  progress('fleet: starting a throwaway Postgres cluster (fsync on)');
  const cluster = await startPostgresCluster({ durable: true });
  try {
    return [...(await benchPostgresIngest(mode, cluster)), ...(await benchReplicas(mode, cluster))];
  } finally {
    cluster.stop();
  }
}

async function openSeeded(url: string, oneStore: OneStoreSeed): Promise<ServerStore> {
  const store = createSqlStore(openPostgres(url));
  await store.open();
  await store.seed(oneStore.seed);
  return store;
}

async function benchPostgresIngest(mode: BenchMode, cluster: PostgresCluster): Promise<BenchRow[]> {
  const { products, events: eventCount, batch } = INGEST[mode];
  progress(`fleet: ${eventCount.toLocaleString()} sale events into Postgres over HTTP, and raw`);
  const oneStore = withExtraStock(buildOneStoreSeed(products), 1_000);
  const deviceId = newUuid();
  const code = oneStore.credentials.enrollmentCodes.tablet[0]!;
  const staffId = oneStore.credentials.staff.find((m) => m.role === 'associate')!.id;
  const eventBatches = batches(saleEvents(oneStore.slice, deviceId, staffId, eventCount), batch);

  const urls = { server: await createDatabase(cluster.adminUrl, 'ingest_server'), raw: await createDatabase(cluster.adminUrl, 'ingest_raw') };
  const store = await openSeeded(urls.server, oneStore);
  const token = await enrollDevice(store, code, deviceId);
  const rawSeed = await openSeeded(urls.raw, oneStore);
  await enrollDevice(rawSeed, code, deviceId);
  await rawSeed.close();
  const raw = await openRawPostgresLedger(urls.raw);
  const server = await startServer(store, 'dist');
  const http = httpIngester(server.url, token, deviceId, eventBatches);
  const ms = { http: 0, raw: 0 };
  try {
    // Batch by batch, in turns, so noise lands on both alike.
    for (const [index, events] of eventBatches.entries()) {
      const order = index % 2 === 0 ? (['http', 'raw'] as const) : (['raw', 'http'] as const);
      for (const which of order) ms[which] += which === 'raw' ? await raw.writeBatch(events) : await http(events, index);
    }
  } finally {
    await server.close();
    await store.close();
    await raw.close();
  }
  const checks = { server: await ledgerTotals(urls.server), raw: await ledgerTotals(urls.raw) };
  if (checks.server.sales !== eventCount || JSON.stringify(checks.server) !== JSON.stringify(checks.raw)) {
    throw new Error(`fleet: the Postgres databases do not hold what was sent: ${JSON.stringify(checks)}`);
  }
  const httpRate = eventCount / (ms.http / 1000);
  const rawRate = eventCount / (ms.raw / 1000);
  return [
    row({
      name: 'Push ingest, HTTP /sync/push → Postgres',
      value: httpRate,
      unit: 'events/s',
      limit: rawRate,
      limitLabel: 'raw multi-row inserts (pg)',
      goal: '≥ 0.5× raw multi-row',
      met: httpRate / rawRate >= 0.5,
      details: { events: eventCount, batch, checks },
    }),
  ];
}

async function ledgerTotals(url: string): Promise<{ sales: number; lines: number; onHand: number; variances: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ sales: string; lines: string; on_hand: string; variances: string }>(
      `SELECT (SELECT COUNT(*) FROM sales) AS sales, (SELECT COUNT(*) FROM sale_lines) AS lines, (SELECT SUM(on_hand) FROM stock) AS on_hand,
              (SELECT COUNT(*) FROM sale_variances) AS variances`,
    );
    return { sales: Number(rows[0]!.sales), lines: Number(rows[0]!.lines), onHand: Number(rows[0]!.on_hand), variances: Number(rows[0]!.variances) };
  } finally {
    await client.end();
  }
}

async function benchReplicas(mode: BenchMode, cluster: PostgresCluster): Promise<BenchRow[]> {
  const { products, events: eventCount, batch, pokes } = REPLICAS[mode];
  progress('fleet: two server processes on one Postgres database');
  const url = await createDatabase(cluster.adminUrl, 'replicas');
  const dataDir = makeDataDir('bench-replicas');
  const replicas: ServerProcess[] = [];
  try {
    replicas.push(...(await Promise.all([0, 1].map(() => startServerProcess({ dataDir, demoProducts: products, env: { DATABASE_URL: url } })))));
    const [a, b] = replicas as [ServerProcess, ServerProcess];
    // The second device is of another store: a store's pushes take turns by design (its version lock), stores do not.
    const [first, listener] = [await enrollOverHttp(a, { storeId: 'store-us-austin' }), await enrollOverHttp(b, { storeId: 'store-us-austin' })];
    const second = await enrollOverHttp(b, { storeId: 'store-de-berlin' });
    const slices = new Map([first, second].map((device) => [device.deviceId, device.readSnapshot()]));
    const salesOf = async (device: DeviceClient, count: number) => {
      const slice = await slices.get(device.deviceId)!;
      return saleEvents(slice, device.deviceId, slice.staff[0]!.id, count);
    };

    progress(`fleet: ${eventCount.toLocaleString()} events pushed to one replica, then as many to each at once`);
    // One chain for the first device, pushed in three parts: alone, beside the second device, and one by one.
    const firstSales = await salesOf(first, eventCount * 2 + pokes);
    const secondSales = await salesOf(second, eventCount);
    const alone = await pushAll(first, batches(firstSales.slice(0, eventCount), batch));
    const together = await timed(() =>
      Promise.all([pushAll(first, batches(firstSales.slice(eventCount, eventCount * 2), batch)), pushAll(second, batches(secondSales, batch))]),
    );
    const aloneRate = eventCount / (alone / 1000);
    const togetherRate = (2 * eventCount) / (together.ms / 1000);

    progress(`fleet: ${pokes} sales pushed to one replica while a device listens on the other`);
    const samples = await pokeAcross(first, listener, firstSales.slice(eventCount * 2));
    const p95 = percentile(samples, 95);
    const booked = await ledgerTotals(url);
    if (booked.sales !== 3 * eventCount + pokes) throw new Error(`fleet: ${booked.sales} sales booked of ${3 * eventCount + pokes} pushed`);
    return [
      row({ name: 'Push ingest, one device → one of two replicas (Postgres)', value: aloneRate, unit: 'events/s', limit: togetherRate, limitLabel: 'two devices, one on each replica', goal: null, met: null, details: { events: eventCount, batch } }),
      row({ name: 'Push ingest, devices of two stores → two replicas at once (Postgres)', value: togetherRate, unit: 'events/s', limit: aloneRate, limitLabel: 'one device, one replica', goal: null, met: null, details: { events: 2 * eventCount, batch, booked } }),
      row({
        name: 'Sale pushed to one replica → poke on the other (p95)',
        value: p95,
        unit: 'ms',
        limit: POKE_GOAL_MS,
        limitLabel: 'goal',
        goal: `≤ ${POKE_GOAL_MS} ms`,
        met: p95 <= POKE_GOAL_MS,
        details: { sales: samples.length, p50: percentile(samples, 50), p95, max: Math.max(...samples) },
      }),
    ];
  } finally {
    await Promise.all(replicas.map((replica) => replica.stop()));
    removeDataDir(dataDir);
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** Pushes the batches in order; the milliseconds they took. */
async function pushAll(device: DeviceClient, eventBatches: StoreEvent[][]): Promise<number> {
  const { ms } = await timed(async () => {
    for (const events of eventBatches) {
      const answer = await device.push(events);
      if (answer.status !== 200) throw new Error(`push answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      expectAllApplied(v.parse(PushResponseSchema, answer.body), events, 'replica');
    }
  });
  return ms;
}

/** Push sent to one replica → poke received on the other's change stream, per sale. */
async function pokeAcross(seller: DeviceClient, listener: DeviceClient, sales: readonly StoreEvent[]): Promise<number[]> {
  const client = createApiClient({ baseUrl: listener.url, token: () => listener.token });
  const abort = new AbortController();
  let ready!: () => void;
  const opened = new Promise<void>((resolve) => (ready = resolve));
  let poked: (() => void) | null = null;
  const stream = client.stream('/api/v1/sync/stream', (event) => (event.event === 'ready' ? ready() : event.event === 'changed' && poked?.()), abort.signal);
  const samples: number[] = [];
  try {
    await opened;
    for (const sale of sales) {
      const heard = new Promise<void>((resolve) => (poked = resolve));
      const start = performance.now();
      const answer = await seller.push([sale]);
      if (answer.status !== 200) throw new Error(`push answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      await heard;
      samples.push(performance.now() - start);
    }
    return samples;
  } finally {
    abort.abort();
    await stream;
  }
}
