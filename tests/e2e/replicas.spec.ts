import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProductRecord, StockRecord } from '../../src/protocol/entities.ts';
import { makeDataDir, removeDataDir, startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { freePort } from '../support/free-port.ts';
import { startBalancer, type Balancer } from '../support/nginx.ts';
import { createDatabase } from '../support/postgres-cluster.ts';
import { demoStaff, DIST_DIR } from '../support/server-fixture.ts';
import type { Till } from './pages/till.ts';
import { tillFor, withChromium, type ServedAt } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

/**
 * The fleet tier as the README runs it: two server processes on one Postgres
 * database, behind Debian's nginx with the repository's nginx.conf, and two
 * tablets whose requests the balancer spreads over both.
 */
describe('two server replicas on Postgres behind nginx', () => {
  const chromium = withChromium();
  let databaseUrl: string;
  let dataDir: string;
  let replicas: ServerProcess[] = [];
  let balancer: Balancer;
  let database: pg.Client;
  const site: ServedAt = {
    get url() {
      return balancer.url;
    },
    get dataDir() {
      return dataDir;
    },
  };

  beforeAll(async () => {
    databaseUrl = await createDatabase(inject('postgresAdminUrl'), 'e2e_replicas');
    dataDir = makeDataDir('e2e-replicas');
    // Both start at once on the empty database: one makes the tables and the demo retailer, the other finds them.
    replicas = await Promise.all([0, 1].map(() => startServer({ dataDir, demoProducts: 300, env: { DATABASE_URL: databaseUrl, DIST_DIR } })));
    balancer = await startBalancer(await freePort(), replicas.map((replica) => Number(new URL(replica.url).port)));
    database = new pg.Client({ connectionString: databaseUrl });
    await database.connect();
  });
  afterAll(async () => {
    await database?.end();
    await balancer?.stop();
    await Promise.all(replicas.map((replica) => replica.stop()));
    for (const replica of replicas) expect(replica.output(), 'a replica logged an unexpected error (a 500)').not.toMatch(/unexpected error/);
    if (dataDir) removeDataDir(dataDir);
  });

  const rows = async <T>(sql: string, params: unknown[] = []) => (await database.query(sql, params)).rows as T[];
  const stockLevel = async (sku: string) =>
    (JSON.parse((await rows<{ value: string }>(`SELECT value FROM sync_rows WHERE store_id = $1 AND entity = 'stock' AND key = $2`, [AUSTIN, sku]))[0]!.value) as StockRecord).onHand;

  /** The level a till shows for `sku` in its search results (after "SKU-0000", as two-tills.spec.ts reads it). */
  async function shownLevel(till: Till, sku: string) {
    await till.scanField.fill('');
    await till.page.keyboard.type('SKU-0000');
    await till.page.keyboard.press('Enter');
    return till.page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: sku }).getByTestId('stock-level');
  }

  it('books every sale from two tablets once, whichever replica takes it, each tablet sees the other’s stock change, and a replica stopping loses nothing', async () => {
    const products = (await rows<{ value: string }>(`SELECT value FROM sync_rows WHERE store_id = $1 AND entity = 'product' ORDER BY key`, [AUSTIN])).map(
      (row) => JSON.parse(row.value) as ProductRecord,
    );
    // Two products the till lists for "SKU-0000", sold by the unit, with stock to sell.
    const listed = [];
    for (const product of products) {
      if (/^SKU-0000(0\d|1\d|20)$/.test(product.sku) && product.price > 0 && !product.serialized && (await stockLevel(product.sku)) > 4) listed.push(product);
    }
    const [first, second] = listed as [ProductRecord, ProductRecord];
    const before = { first: await stockLevel(first.sku), second: await stockLevel(second.sku) };

    const tills = [
      await tillFor(chromium, site, { store: AUSTIN, staff: demoStaff(site, AUSTIN, 'manager') }),
      await tillFor(chromium, site, { store: AUSTIN, staff: demoStaff(site, AUSTIN, 'associate') }),
    ] as const;
    for (const till of tills) await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');

    // Each tablet sells its own product; each sees the other's sale in the stock it shows.
    await tills[0].scan(first.barcode);
    await tills[0].payCashAndComplete('1000');
    await tills[1].scan(second.barcode);
    await tills[1].payCashAndComplete('1000');
    await expect.poll(async () => (await shownLevel(tills[1], first.sku)).getAttribute('data-on-hand'), { timeout: 20_000 }).toBe(String(before.first - 1));
    await expect.poll(async () => (await shownLevel(tills[0], second.sku)).getAttribute('data-on-hand'), { timeout: 20_000 }).toBe(String(before.second - 1));
    for (const till of tills) await till.allSent();

    // One replica stops (as a crash would). The tablets sell on; their pushes reach the other one.
    await replicas[0]!.kill();
    await tills[0].scan(first.barcode);
    await tills[0].payCashAndComplete('1000');
    await tills[1].scan(second.barcode);
    await tills[1].payCashAndComplete('1000');
    for (const till of tills) await till.allSent();

    const booked = await rows<{ device_id: string; sales: number; events: number }>(
      `SELECT s.device_id, COUNT(*)::int AS sales,
              (SELECT COUNT(*)::int FROM events e WHERE e.device_id = s.device_id AND e.type = 'sale.completed' AND e.status = 'applied') AS events
       FROM sales s GROUP BY s.device_id`,
    );
    expect(booked.map(({ sales, events }) => ({ sales, events }))).toEqual([
      { sales: 2, events: 2 },
      { sales: 2, events: 2 },
    ]);
    expect({ first: await stockLevel(first.sku), second: await stockLevel(second.sku) }).toEqual({ first: before.first - 2, second: before.second - 2 });
  });
});
