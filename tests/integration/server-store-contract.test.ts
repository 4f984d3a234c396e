import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StoreEvent } from '../../src/domain/events.ts';
import type { ProductRecord, StockRecord } from '../../src/protocol/entities.ts';
import { hashSecret, newEnrollmentCode } from '../../src/server/auth/secrets.ts';
import { buildDemoSeed } from '../../src/server/demo/seed-demo.ts';
import { newUuid } from '../../src/server/ids.ts';
import { openPostgres } from '../../src/server/storage/postgres-driver.ts';
import type { RetailerSeed, ServerStore, SliceRow, StoreSlice } from '../../src/server/storage/server-store.ts';
import type { SqlDriver } from '../../src/server/storage/sql-driver.ts';
import { createSqlStore } from '../../src/server/storage/sql-store.ts';
import { openSqlite } from '../../src/server/storage/sqlite-driver.ts';
import { createDatabase } from '../support/postgres-cluster.ts';
import { SaleChain } from './helpers/device-client.ts';

/**
 * One suite for `ServerStore`, run over every engine it ships on: the embedded
 * SQLite file and Postgres (a throwaway cluster, postgres-global-setup.ts).
 * What a device relies on must hold on both, with writers running at once.
 */
type Engine = {
  name: string;
  /** A new, empty database; `connect` opens it (again, for a second server process where the engine has them). */
  create(label: string): Promise<{ url: string; connect(): SqlDriver; remove(): void }>;
};

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const sqlite: Engine = {
  name: 'SQLite',
  async create(label) {
    const dir = mkdtempSync(join(tmpdir(), `storeside-contract-${label}-`));
    scratch.push(dir);
    const file = join(dir, 'storeside.db');
    return { url: file, connect: () => openSqlite(file), remove: () => rmSync(dir, { recursive: true, force: true }) };
  },
};

const postgres: Engine = {
  name: 'Postgres',
  async create(label) {
    const url = await createDatabase(inject('postgresAdminUrl'), `contract_${label}`);
    return { url, connect: () => openPostgres(url), remove: () => undefined };
  },
};

/**
 * A driver through which a test stops one transaction midway: once armed, the
 * next statement matching `pattern`, in a transaction, runs and then waits
 * until released, its transaction open.
 */
function holdable(inner: SqlDriver) {
  let armed: { pattern: RegExp; reached: () => void; gate: Promise<void> } | null = null;
  const driver: SqlDriver = {
    ...inner,
    transaction: (work) =>
      inner.transaction((tx) => {
        const holding = <T>(sql: string, statement: Promise<T>): Promise<T> => {
          const hold = armed?.pattern.test(sql) ? armed : null;
          if (!hold) return statement;
          armed = null;
          return statement.then(async (result) => {
            hold.reached();
            await hold.gate;
            return result;
          });
        };
        return work({
          all: (sql, params) => holding(sql, tx.all(sql, params)),
          get: (sql, params) => holding(sql, tx.get(sql, params)),
          run: (sql, params) => holding(sql, tx.run(sql, params)),
          runMany: (sql, rows) => holding(sql, tx.runMany(sql, rows)),
          exec: (script) => holding(script, tx.exec(script)),
        });
      }),
    close: () => inner.close(),
  };
  const holdAfter = (pattern: RegExp) => {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const atStatement = new Promise<void>((resolve) => (reached = resolve));
    armed = { pattern, reached, gate };
    return { atStatement, release };
  };
  return { driver, holdAfter };
}

/** A small retailer of two stores, with enrollment codes the test knows. */
function smallRetailer(): { seed: RetailerSeed; stores: StoreSlice[]; codes: Map<string, string[]> } {
  const { seed } = buildDemoSeed({ seed: 11, productCount: 40, pinIterations: 1000 });
  const stores = seed.stores.slice(0, 2).map((slice) => ({ ...slice, stock: slice.stock.map((level) => ({ ...level, onHand: level.onHand + 1_000 })) }));
  const codes = new Map(stores.map((slice) => [slice.store.id, Array.from({ length: 8 }, newEnrollmentCode)]));
  const enrollmentCodes = [...codes].flatMap(([storeId, list]) => list.map((code) => ({ codeHash: hashSecret(code), storeId, role: 'tablet' as const })));
  return { seed: { ...seed, stores, enrollmentCodes }, stores, codes };
}

async function enroll(store: ServerStore, codes: Map<string, string[]>, storeId: string): Promise<{ deviceId: string; storeId: string }> {
  const code = codes.get(storeId)!.shift()!;
  const deviceId = newUuid();
  const enrolled = await store.enrollDevice(hashSecret(code), { id: deviceId, tokenHash: hashSecret(newUuid()), at: Date.now() });
  expect(enrolled).toEqual({ storeId, role: 'tablet' });
  return { deviceId, storeId };
}

/** Everything a device pulling from `cursor` receives, page after page, and where it ends. */
async function pullAll(store: ServerStore, storeId: string, cursor: number): Promise<{ rows: SliceRow[]; cursor: number }> {
  const rows: SliceRow[] = [];
  for (;;) {
    const page = await store.changesSince(storeId, cursor, 500);
    rows.push(...page);
    if (page.length === 0) return { rows, cursor };
    cursor = page.at(-1)!.version;
  }
}

/** The store's slice as a device holds it after applying `rows` in order over `start`. */
function applyRows(start: Map<string, string | null>, rows: readonly SliceRow[]): Map<string, string | null> {
  const slice = new Map(start);
  for (const row of rows) slice.set(`${row.entity}/${row.key}`, row.deleted ? null : row.value);
  return slice;
}

async function liveSlice(store: ServerStore, storeId: string): Promise<Map<string, string | null>> {
  const rows: SliceRow[] = [];
  let after: { entity: string; key: string } | null = null;
  for (;;) {
    const page = await store.snapshotRows(storeId, after, 1_000);
    rows.push(...page);
    if (page.length < 1_000) break;
    after = page.at(-1)!;
  }
  return applyRows(new Map(), rows);
}

const withoutDeletes = (slice: Map<string, string | null>) => new Map([...slice].filter(([, value]) => value !== null));

const stockOf = (slice: Map<string, string | null>, sku: string) => (JSON.parse(slice.get(`stock/${sku}`)!) as StockRecord).onHand;

function unitsSold(events: readonly StoreEvent[]): Map<string, number> {
  const sold = new Map<string, number>();
  for (const event of events) {
    if (event.type !== 'sale.completed') continue;
    for (const line of event.payload.lines) sold.set(line.sku, (sold.get(line.sku) ?? 0) + line.quantity);
  }
  return sold;
}

describe.each([sqlite, postgres])('ServerStore on $name', (engine) => {
  let database: Awaited<ReturnType<Engine['create']>>;
  let hold: ReturnType<typeof holdable>;
  let store: ServerStore;
  let retailer: ReturnType<typeof smallRetailer>;
  let counter = 0;

  beforeAll(async () => {
    database = await engine.create(`${engine.name}_${++counter}`);
    hold = holdable(database.connect());
    store = createSqlStore(hold.driver);
    await store.open();
    retailer = smallRetailer();
    expect(await store.seed(retailer.seed)).toBe(true);
  });
  afterAll(async () => {
    await store.close();
    database.remove();
  });

  it('never lets a pull skip a change: a write that commits after a pull is ordered after it', async () => {
    // The review's interleaving: one transaction has given its product row a version and is held there, before it
    // commits; another commits a stock row; a device pulls it and moves its cursor past it; then the first commits.
    // The first's row must still reach the device.
    const storeId = retailer.stores[0]!.store.id;
    const device = await enroll(store, retailer.codes, storeId);
    const chain = new SaleChain(device, retailer.stores[0]!);
    const repriced = retailer.stores[0]!.products.find((product) => product.price > 0)!;
    const start = await store.currentCursor(storeId);

    const held = hold.holdAfter(/^INSERT INTO sync_rows/);
    const priceChange = store.setPrice(storeId, repriced.sku, repriced.price + 100);
    await held.atStatement;
    const sale = chain.next();
    const push = store.ingestPush(device.deviceId, [sale], Date.now());
    // The sale commits, if the store lets it while the price change is open; then a device pulls what it can see.
    const halfASecond = () => new Promise<null>((resolve) => setTimeout(() => resolve(null), 500));
    await Promise.race([push, halfASecond()]);
    const firstPull = pullAll(store, storeId, start);
    const pulledEarly = await Promise.race([firstPull, halfASecond()]);
    held.release();
    await Promise.all([priceChange, push]);
    const first = pulledEarly ?? (await firstPull);
    const second = await pullAll(store, storeId, first.cursor);

    const seen = applyRows(new Map(), [...first.rows, ...second.rows]);
    expect(JSON.parse(seen.get(`product/${repriced.sku}`) ?? 'null') as ProductRecord | null).toMatchObject({ sku: repriced.sku, price: repriced.price + 100 });
    for (const sku of unitsSold([sale]).keys()) expect(seen.has(`stock/${sku}`), `stock of ${sku} sold while the price change was held`).toBe(true);
  });

  it('applies pushes from many devices at once, each event once, and a device pulling meanwhile ends with the store as it is', async () => {
    const devices = await Promise.all(
      retailer.stores.flatMap((slice) => [0, 1, 2].map(async () => ({ slice, device: await enroll(store, retailer.codes, slice.store.id) }))),
    );
    const [watched] = retailer.stores;
    const before = await liveSlice(store, watched!.store.id);
    let cursor = await store.currentCursor(watched!.store.id);
    let held = before;
    let pushing = true;
    // A device of the first store pulls over and over while the others push.
    const puller = (async () => {
      while (pushing) {
        const pulled = await pullAll(store, watched!.store.id, cursor);
        held = applyRows(held, pulled.rows);
        cursor = pulled.cursor;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const pushed = await Promise.all(
      devices.map(async ({ slice, device }, index) => {
        const chain = new SaleChain(device, slice, 100 + index);
        for (let batch = 0; batch < 5; batch++) {
          const outcome = await store.ingestPush(device.deviceId, chain.take(4), Date.now());
          expect(outcome.kind).toBe('acked');
        }
        return { device, events: chain.events };
      }),
    );
    pushing = false;
    await puller;
    held = applyRows(held, (await pullAll(store, watched!.store.id, cursor)).rows);

    for (const { device, events } of pushed) expect(await store.ackedSeq(device.deviceId)).toBe(events.length);
    const now = await liveSlice(store, watched!.store.id);
    expect(withoutDeletes(held)).toEqual(now);
    const sold = unitsSold(pushed.filter(({ device }) => device.storeId === watched!.store.id).flatMap(({ events }) => events));
    for (const [sku, units] of sold) expect(stockOf(now, sku)).toBe(stockOf(before, sku) - units);
  });

  it('answers two pushes of the same events from one device at once as one applied and one duplicate', async () => {
    const slice = retailer.stores[1]!;
    const device = await enroll(store, retailer.codes, slice.store.id);
    const chain = new SaleChain(device, slice, 7);
    const batch = chain.take(5);
    const outcomes = await Promise.all([store.ingestPush(device.deviceId, batch, Date.now()), store.ingestPush(device.deviceId, batch, Date.now())]);
    const statuses = outcomes.map((outcome) => (outcome.kind === 'acked' ? [...new Set(outcome.results.map((result) => result.status))] : outcome.kind));
    expect(statuses).toEqual(expect.arrayContaining([['applied'], ['duplicate']]));
    // Overlapping batches: the second sends three of the first's events again and two new ones.
    const next = chain.take(4);
    const overlapping = await Promise.all([store.ingestPush(device.deviceId, [...batch.slice(2), ...next.slice(0, 2)], Date.now()), store.ingestPush(device.deviceId, next, Date.now())]);
    const applied = overlapping.flatMap((outcome) => (outcome.kind === 'acked' ? outcome.results.filter((result) => result.status === 'applied').map((result) => result.seq) : []));
    expect(overlapping.map((outcome) => outcome.kind)).toEqual(['acked', 'acked']);
    expect(applied.sort((x, y) => x - y)).toEqual([6, 7, 8, 9]);
    expect(await store.ackedSeq(device.deviceId)).toBe(9);
    const events = await store.deviceEvents(device.deviceId, 1, null);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives HQ changes made at once each its own price version and promotion revision', async () => {
    const slice = retailer.stores[0]!;
    const product = slice.products[3]!;
    const prices = [101, 202, 303, 404, 505];
    const saved = await Promise.all(prices.map((price) => store.setPrice(slice.store.id, product.sku, price)));
    const versions = saved.map((record) => record!.priceVersion);
    expect(new Set(versions).size).toBe(prices.length);
    const newest = saved.find((record) => record!.priceVersion === Math.max(...versions))!;
    expect((await store.product(slice.store.id, product.sku))!.value).toMatchObject({ price: newest.price, priceVersion: newest.priceVersion });

    const base = retailer.seed.promotions[0]!;
    const promotions = await Promise.all([1, 2, 3, 4].map((n) => store.savePromotion({ ...base, id: `contract-${engine.name}-${n}` })));
    const revisions = promotions.map((promotion) => promotion.revision);
    expect(new Set(revisions).size).toBe(4);
    const current = await store.currentPromotions();
    for (const promotion of promotions) expect(current).toContainEqual(promotion);
  });
});

describe('several server processes on one Postgres database', () => {
  let database: Awaited<ReturnType<Engine['create']>>;
  const opened: ServerStore[] = [];
  const connect = () => {
    const store = createSqlStore(database.connect());
    opened.push(store);
    return store;
  };
  beforeAll(async () => {
    database = await postgres.create('replicas');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it('makes the tables once and seeds the retailer once when two start together', async () => {
    const [a, b] = [connect(), connect()];
    await Promise.all([a.open(), b.open()]);
    const [first, second] = [smallRetailer(), smallRetailer()];
    const seeded = await Promise.all([a.seed(first.seed), b.seed(second.seed)]);
    expect(seeded.filter(Boolean)).toHaveLength(1);
    expect((await b.storeIds()).length).toBe(2);
    const winner = seeded[0] ? first : second;
    expect(await a.isHqToken(winner.seed.hqTokenHash)).toBe(true);
  });

  /** Two servers on the database, which holds a retailer (the first test's, or a new one when it runs alone). */
  async function twoServers(): Promise<[ServerStore, ServerStore]> {
    const [a, b] = [connect(), connect()];
    await Promise.all([a.open(), b.open()]);
    if (!(await a.isSeeded())) await a.seed(smallRetailer().seed);
    return [a, b];
  }

  it("pokes a device's change stream on one server when another server commits a change to its store", async () => {
    const [a, b] = await twoServers();
    const [storeId] = await a.storeIds();
    const slice = (await a.snapshotRows(storeId!, null, 1_000)).filter((row) => row.entity === 'product');
    const product = JSON.parse(slice[0]!.value!) as ProductRecord;
    const poked = new Promise<number>((resolve) => b.watchSlice(storeId!, resolve));
    await a.setPrice(storeId!, product.sku, product.price + 1);
    const cursor = await Promise.race([poked, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no poke within 5 s')), 5_000))]);
    expect(cursor).toBe(await a.currentCursor(storeId!));
    expect((await b.changesSince(storeId!, cursor - 1, 10)).map((row) => row.key)).toEqual([product.sku]);
  });

  it('hears the other server again after its listening connection is cut', async () => {
    const [a, b] = await twoServers();
    const [storeId] = await a.storeIds();
    const product = JSON.parse((await a.snapshotRows(storeId!, null, 1_000)).find((row) => row.entity === 'product')!.value!) as ProductRecord;
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    try {
      // Every listening connection on the database is cut, as a failover or a restarted pooler would.
      const cut = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = $1`, [new URL(database.url).pathname.slice(1)]);
      expect(cut.rowCount).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    let heard = false;
    b.watchSlice(storeId!, () => (heard = true));
    // A change made before the listener is back is missed (a device's poll covers that); one made after is heard.
    for (let price = product.price + 10; !heard && price < product.price + 200; price++) {
      await a.setPrice(storeId!, product.sku, price);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(heard).toBe(true);
  });
});
