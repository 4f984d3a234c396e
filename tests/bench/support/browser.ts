import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { launchPersistentChromium } from '../../e2e/support/chromium.ts';

/**
 * Headless Chromium for the browser figures, with IndexedDB on disk.
 *
 * A context of `launchChromium()` (tests/e2e/support) is off the record:
 * Chromium keeps its IndexedDB in memory, which no till does. So the bench
 * runs its pages in persistent contexts on temporary profile directories,
 * with the e2e tests' binary, flags and missing-binary check.
 */
export type BenchBrowser = { context: BrowserContext; close: () => Promise<void> };

export async function launchBenchBrowser(): Promise<BenchBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'storeside-bench-chromium-'));
  const context = await launchPersistentChromium(profile, { viewport: { width: 1280, height: 800 } });
  // tsx compiles this file with esbuild's keepNames, which wraps named functions
  // in a `__name(fn, "name")` helper; the page functions below need it too.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------
// Functions below run inside the page (page.evaluate): self-contained, DOM only.

/**
 * The limit for bootstrap: read every product and stock row the app stored
 * (not timed), then put them all into a fresh database with the same object
 * stores and indexes, in ONE relaxed-durability transaction (timed).
 */
export async function rawIdbInsertInPage(): Promise<{ ms: number; products: number; stock: number }> {
  const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
  const open = (name: string, upgrade?: (db: IDBDatabase) => void) => {
    const r = indexedDB.open(name, upgrade ? 1 : undefined);
    if (upgrade) r.onupgradeneeded = () => upgrade(r.result);
    return request(r);
  };
  const app = await open('storeside');
  const readAll = (name: string) => request(app.transaction(name, 'readonly').objectStore(name).getAll());
  const products = await readAll('products');
  const stock = await readAll('stock');
  app.close();

  await request(indexedDB.deleteDatabase('bench-raw'));
  const raw = await open('bench-raw', (db) => {
    const p = db.createObjectStore('products', { keyPath: 'sku' });
    p.createIndex('barcode', 'barcode');
    p.createIndex('words', 'words', { multiEntry: true });
    db.createObjectStore('stock', { keyPath: 'sku' });
  });

  const start = performance.now();
  const tx = raw.transaction(['products', 'stock'], 'readwrite', { durability: 'relaxed' });
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('raw insert aborted'));
  });
  const productStore = tx.objectStore('products');
  for (const product of products) productStore.put(product);
  const stockStore = tx.objectStore('stock');
  for (const level of stock) stockStore.put(level);
  tx.commit();
  await done;
  const ms = performance.now() - start;

  raw.close();
  await request(indexedDB.deleteDatabase('bench-raw'));
  return { ms, products: products.length, stock: stock.length };
}

/** The peer of the app's barcode lookup: IDBIndex.get on the app's own database, one transaction per lookup. */
export async function rawBarcodeLookupsInPage(barcodes: string[]): Promise<{ samples: number[]; found: number }> {
  const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
  const db = await request(indexedDB.open('storeside'));
  const samples: number[] = [];
  let found = 0;
  for (const barcode of barcodes) {
    const start = performance.now();
    const product = await request(db.transaction('products', 'readonly').objectStore('products').index('barcode').get(barcode));
    samples.push(performance.now() - start);
    if (product) found++;
  }
  db.close();
  return { samples, found };
}

/**
 * Scan → total on screen: a capture-phase keydown listener notes when Enter
 * goes down; when the total next changes (`dom`) — its text, or its
 * `data-units`, which moves with every scan even when a promotion makes the
 * scanned unit free — one
 * requestAnimationFrame later — the frame that paints it — the elapsed time is
 * recorded (`frame`). Results live in `window.__scanToTotal`.
 */
export function installScanToTotalProbe(): void {
  const probe: ScanToTotal & { pending: number | null } = { frame: [], dom: [], pending: null };
  (window as unknown as { __scanToTotal: typeof probe }).__scanToTotal = probe;
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter') probe.pending = performance.now();
    },
    { capture: true },
  );
  const total = document.querySelector('[data-testid="total"]');
  if (!total) throw new Error('no [data-testid="total"] on the page');
  new MutationObserver(() => {
    const start = probe.pending;
    if (start === null) return;
    probe.pending = null;
    probe.dom.push(performance.now() - start);
    requestAnimationFrame(() => probe.frame.push(performance.now() - start));
  }).observe(total, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['data-units'] });
}

export type ScanToTotal = { frame: number[]; dom: number[] };

export function scanToTotalResults(): ScanToTotal {
  const { frame, dom } = (window as unknown as { __scanToTotal: ScanToTotal }).__scanToTotal;
  return { frame, dom };
}
