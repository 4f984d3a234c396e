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

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const scratchFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'storeside-layout-'));
  dirs.push(dir);
  return join(dir, 'storeside.db');
};

describe('the server’s data file', () => {
  it('made by an older layout is named and left as it was, not half-migrated', async () => {
    const file = scratchFile();
    // Layout 2 had conflicts keyed by sku, which today's index on `subject` cannot be built on.
    const old = new Database(file);
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '2');
              CREATE TABLE conflicts (id TEXT PRIMARY KEY, store_id TEXT NOT NULL, kind TEXT NOT NULL, sale_id TEXT NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL, record TEXT NOT NULL);`);
    old.close();
    const store = createSqlStore(openSqlite(file));
    await expect(store.migrate()).rejects.toThrow(`the database was made by a Storeside with data layout 2; this one uses ${SCHEMA_VERSION}. Move the data directory aside to start afresh.`);
    await store.close();
    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all()).toEqual([{ name: 'conflicts' }, { name: 'meta' }]);
    after.close();
  });

  it('that is new gets today’s layout, and the next start opens it with everything in it', async () => {
    const file = scratchFile();
    const first = createSqlStore(openSqlite(file));
    await first.migrate();
    const { seed, credentials } = buildDemoSeed({ seed: 1, productCount: 3, pinIterations: 1 });
    await first.seed(seed);
    await first.close();
    // A restart on the same file: the layout must read as today's, not as an older one to refuse.
    const restarted = createSqlStore(openSqlite(file));
    await restarted.migrate();
    expect(await restarted.isSeeded()).toBe(true);
    expect(await restarted.isHqToken(hashSecret(credentials.hqToken))).toBe(true);
    await restarted.close();
  });
});
