import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/server/auth/secrets.ts';
import { buildDemoSeed } from '../../src/server/demo/seed-demo.ts';
import { openSqlite } from '../../src/server/storage/sqlite-driver.ts';
import { createSqlStore } from '../../src/server/storage/sql-store.ts';
import { SCHEMA_VERSION } from '../../src/server/storage/schema.ts';
import { OLDEST_MIGRATABLE_LAYOUT } from '../../src/server/storage/migrations.ts';
import { enrollDevice, pushJournal, SaleChain } from './helpers/device-client.ts';
import { ledgerCounts, stockLevels } from './helpers/ledger-db.ts';
import { startServer } from './helpers/server-process.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const scratchFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'storeside-layout-'));
  dirs.push(dir);
  return join(dir, 'storeside.db');
};

describe('the server’s data file', () => {
  it('made by a layout too old to upgrade is named and left as it was, not half-migrated', async () => {
    const file = scratchFile();
    // Layout 2 had conflicts keyed by sku, which today's index on `subject` cannot be built on.
    const old = new Database(file);
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '2');
              CREATE TABLE conflicts (id TEXT PRIMARY KEY, store_id TEXT NOT NULL, kind TEXT NOT NULL, sale_id TEXT NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL, record TEXT NOT NULL);`);
    old.close();
    const store = createSqlStore(openSqlite(file));
    await expect(store.open()).rejects.toThrow(
      `the database was made by a Storeside with data layout 2; this one uses ${SCHEMA_VERSION} and upgrades layouts ${OLDEST_MIGRATABLE_LAYOUT} and later. Move the data directory aside to start afresh.`,
    );
    await store.close();
    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all()).toEqual([{ name: 'conflicts' }, { name: 'meta' }]);
    after.close();
  });

  it('that is new gets today’s layout, and the next start opens it with everything in it', async () => {
    const file = scratchFile();
    const first = createSqlStore(openSqlite(file));
    await first.open();
    const { seed, credentials } = buildDemoSeed({ seed: 1, productCount: 3, pinIterations: 1 });
    await first.seed(seed);
    await first.close();
    // A restart on the same file: the layout must read as today's, not as an older one to refuse.
    const restarted = createSqlStore(openSqlite(file));
    await restarted.open();
    expect(await restarted.isSeeded()).toBe(true);
    expect(await restarted.isHqToken(hashSecret(credentials.hqToken))).toBe(true);
    await restarted.close();
  });

  it('made by an earlier release (layout 3), sales on it, is upgraded in place: every event, sale and count kept, and the tills sell and sync on', async () => {
    const server = await startServer({ demoProducts: 20 });
    dirs.push(server.dataDir);
    const till = await enrollDevice(server);
    const chain = new SaleChain(till, await till.readSnapshot(), 3);
    for (let sale = 0; sale < 6; sale++) chain.next();
    await pushJournal(till, chain.events);
    await server.stop();

    // The file as layout 3 had it: no receipt tokens, no returns, none of the indexes added since, and one version
    // counter for the whole fleet, which the till's cursor comes from.
    const file = join(server.dataDir, 'storeside.db');
    const previous = new Database(file);
    previous.exec(`DROP INDEX sales_by_receipt_token; ALTER TABLE sales DROP COLUMN receipt_token;
                   DROP TABLE return_tenders; DROP TABLE returns;
                   DROP INDEX events_audited; DROP INDEX events_by_store_type; DROP INDEX events_till;
                   INSERT INTO meta (key, value) SELECT 'sync_version', CAST(MAX(version) AS TEXT) FROM sync_rows;
                   DROP TABLE store_versions;
                   UPDATE meta SET value = '3' WHERE key = 'schema_version';`);
    const tillCursor = Number((previous.prepare(`SELECT value FROM meta WHERE key = 'sync_version'`).get() as { value: string }).value);
    previous.close();
    const before = { counts: ledgerCounts(server.dataDir), stock: stockLevels(server.dataDir, till.storeId) };
    expect(before.counts.sales).toBe(6);

    // The new release starts on it, twice at once (two servers on one file, as replicas would): upgraded once.
    const [upgraded, alongside] = await Promise.all([server.restart(), startServer({ dataDir: server.dataDir, demoProducts: 20 })]);
    await alongside.stop();
    const layout = new Database(file, { readonly: true });
    expect(layout.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SCHEMA_VERSION) });
    expect(layout.prepare(`SELECT COUNT(*) AS n FROM sales WHERE receipt_token IS NULL`).get()).toEqual({ n: 6 });
    layout.close();
    expect(ledgerCounts(server.dataDir)).toEqual(before.counts);
    expect(stockLevels(server.dataDir, till.storeId)).toEqual(before.stock);

    // The till goes on where it was: its next sales chain after the old ones, each booked once, with its receipt link.
    for (let sale = 0; sale < 2; sale++) chain.next();
    const { statuses } = await pushJournal(till.at(upgraded.url), chain.events, { fromSeq: 7 });
    expect([...statuses.values()]).toEqual(['applied', 'applied']);
    expect(ledgerCounts(server.dataDir).sales).toBe(8);
    // Pulling from the cursor it had before the upgrade, the till gets the stock its new sales took, and nothing older.
    const soldSkus = new Set(chain.events.slice(6).flatMap((event) => (event.type === 'sale.completed' ? event.payload.lines.map((line) => line.sku) : [])));
    const pulled = await till.at(upgraded.url).pullAll(tillCursor);
    expect(new Set(pulled.filter((change) => change.entity === 'stock').map((change) => change.key))).toEqual(soldSkus);
    const token = (chain.events.at(-1)!.payload as { receiptToken: string }).receiptToken;
    expect((await fetch(`${upgraded.url}/r/${token}`)).status).toBe(200);
    await upgraded.stop();
  });
});
