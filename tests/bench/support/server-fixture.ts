import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStoresideServer } from '../../../src/server/app.ts';
import { hashSecret, newDeviceToken } from '../../../src/server/auth/secrets.ts';
import { buildDemoSeed, type DemoCredentials } from '../../../src/server/demo/seed-demo.ts';
import { newUuid } from '../../../src/server/ids.ts';
import type { RetailerSeed, ServerStore, StoreSlice } from '../../../src/server/storage/server-store.ts';
import { createSqlStore } from '../../../src/server/storage/sql-store.ts';
import { openSqlite } from '../../../src/server/storage/sqlite-driver.ts';

/** The demo retailer cut down to its first store: the benchmarks need one store's slice. */
export type OneStoreSeed = { seed: RetailerSeed; slice: StoreSlice; credentials: DemoCredentials['stores'][number]; hqToken: string };

export function buildOneStoreSeed(productCount: number): OneStoreSeed {
  const { seed, credentials } = buildDemoSeed({ seed: 1, productCount, pinIterations: 1000 });
  const slice = seed.stores[0]!;
  const storeId = slice.store.id;
  return {
    seed: { ...seed, stores: [slice], enrollmentCodes: seed.enrollmentCodes.filter((code) => code.storeId === storeId) },
    slice,
    credentials: credentials.stores.find((s) => s.id === storeId)!,
    hqToken: credentials.hqToken,
  };
}

/**
 * The same store with `units` more of every product on the shelves, as a
 * store's stock covers the sales a benchmark makes: the demo's counts would
 * run many SKUs below zero and turn later sales into oversell conflicts.
 */
export function withExtraStock(oneStore: OneStoreSeed, units: number): OneStoreSeed {
  const stock = oneStore.slice.stock.map((level) => ({ ...level, onHand: level.onHand + units }));
  const slice = { ...oneStore.slice, stock };
  return { ...oneStore, slice, seed: { ...oneStore.seed, stores: [slice] } };
}

/** A scratch directory for database files, removed by `remove()`. */
export function scratchDir(label: string): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `storeside-bench-${label}-`));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The server's real SQLite store on `file`, migrated and seeded. */
export async function openSeededStore(file: string, oneStore: OneStoreSeed): Promise<ServerStore> {
  const store = createSqlStore(openSqlite(file));
  await store.open();
  await store.seed(oneStore.seed);
  return store;
}

/** Enrolls a device with one of the store's tablet codes, as the enroll route does, and returns its token. */
export async function enrollDevice(store: ServerStore, code: string, deviceId: string): Promise<string> {
  const token = newDeviceToken();
  const enrolled = await store.enrollDevice(hashSecret(code), { id: deviceId, tokenHash: hashSecret(token), at: Date.now() });
  if (!enrolled) throw new Error(`enrollment code ${code} was refused`);
  return token;
}

export type RunningServer = { url: string; http: Server; close: () => Promise<void> };

/** The real HTTP server (API + built app) on 127.0.0.1 and a port the OS picks. */
export async function startServer(store: ServerStore, distDir = 'dist'): Promise<RunningServer> {
  const server = createStoresideServer({ store, distDir, now: Date.now, newId: newUuid, maxBodyBytes: 8 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    http: server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (fetch, Chromium) would hold close() open.
        server.closeAllConnections();
      }),
  };
}
