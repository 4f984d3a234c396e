import Dexie, { RangeSet, type IntervalTree, type ObservabilitySet } from 'dexie';
import { normalizeBarcode } from '../domain/barcode.ts';
import type { ProductRecord } from '../protocol/entities.ts';
import type { ProductRow, StoresideDb } from './db.ts';
import { perDatabase } from './per-database.ts';

/**
 * The device's catalog in memory, by barcode: a scan finds its product without
 * a database read. An IndexedDB read is a round trip through the browser's
 * storage process, and its answer waits behind whatever the page is doing
 * (the last scan's render, a sync): a few milliseconds at best, a frame at
 * worst. A Map lookup is neither.
 *
 * The products as the database holds them (without their search words: the
 * search reads the database): about 350 bytes each of the page's heap, 35 MB
 * at 100,000 products, twice their size as JSON (`npm run bench -- till`
 * measures it).
 */
export type ProductMap = {
  get(barcode: string): ProductRecord | undefined;
  put(product: ProductRecord): void;
  delete(sku: string): void;
  readonly size: number;
};

export function createProductMap(): ProductMap {
  const byBarcode = new Map<string, ProductRecord>();
  const bySku = new Map<string, ProductRecord>();
  const remove = (sku: string) => {
    const old = bySku.get(sku);
    if (!old) return;
    bySku.delete(sku);
    if (byBarcode.get(old.barcode)?.sku === sku) byBarcode.delete(old.barcode);
  };
  return {
    get: (barcode) => byBarcode.get(barcode),
    put(product) {
      remove(product.sku);
      bySku.set(product.sku, product);
      byBarcode.set(product.barcode, product);
    },
    delete: remove,
    get size() {
      return bySku.size;
    },
  };
}

/**
 * The index a till scans against, kept as the catalog changes: whoever writes
 * the products table (this page's sync, another tab's, the service worker's
 * background sync), Dexie reports the keys it wrote (`storagemutated`, across
 * tabs and workers), and those products are read again. Until the index is
 * built, and for any product changed but not yet read again, `lookUp` answers
 * undefined and the caller reads the database: never a stale price.
 */
export type ProductIndex = {
  /** the product a scanned code names; null: none has it; undefined: not known here yet, read the database */
  lookUp(code: string): ProductRecord | null | undefined;
  /** the first build's end: every product in memory, or the store still being downloaded (it is built once it is in) */
  readonly built: Promise<void>;
};

/** More keys than this waiting (a bootstrap's page, a clear): the whole index is read again, once the writing stops. */
const REREAD_WHOLE_ABOVE = 1_000;
/** How long the products must go unwritten before the whole index is read again: a bootstrap writes page after page. */
const QUIET_BEFORE_REBUILD_MS = 1_000;
/** Products read per step while building: each step is one read, then the page's other work (a scan, a render) goes first. */
const BUILD_STEP = 500;

/** The device database's index, built on first use. One per database: every screen that scans shares it. */
export const productIndex = perDatabase(createProductIndex);

function createProductIndex(db: StoresideDb): ProductIndex {
  let products = createProductMap();
  let complete = false;
  /** SKUs written since they were read here; 'all' while the whole index is read again */
  let stale: Set<string> | 'all' = 'all';
  const writtenSince = (sku: string) => stale === 'all' || stale.has(sku);
  /** SKUs being read again now: not served until read */
  let reading = new Set<string>();
  let working: Promise<void> | null = null;
  let quiet: ReturnType<typeof setTimeout> | undefined;

  const part = `idb://${db.name}/products/`;
  Dexie.on('storagemutated', (parts: ObservabilitySet) => {
    // 'all': Dexie's word for everything, e.g. a page back from the back-forward cache.
    const written = [parts[part], parts[`${part}:dels`], parts['all']].filter((tree): tree is IntervalTree => tree !== undefined);
    if (written.length === 0) return;
    const keys = singleKeys(written);
    if (keys?.length === 0) return; // a write of no products (a pull that changed none)
    if (keys === null || stale === 'all' || stale.size + keys.length > REREAD_WHOLE_ABOVE) {
      stale = 'all';
      complete = false;
      workWhenQuiet();
      return;
    }
    for (const key of keys) stale.add(key);
    void work();
  });

  /** Works once nothing has been written for a while (each call starts the wait again). */
  function workWhenQuiet() {
    clearTimeout(quiet);
    quiet = setTimeout(() => {
      quiet = undefined;
      void work();
    }, QUIET_BEFORE_REBUILD_MS);
  }

  /** Reads what is stale, until nothing is: a change that arrives meanwhile is read in the next round. */
  function work() {
    working ??= (async () => {
      try {
        while (stale === 'all' || stale.size > 0) {
          if (stale !== 'all') await reread();
          else if (quiet !== undefined) break; // the products are still being written: the quiet timer starts the rebuild
          else if ((await rebuild()) === 'not yet') {
            workWhenQuiet(); // the store is still being downloaded: look again in a while
            break;
          }
        }
      } catch (error) {
        // The database failed under it (closed, evicted): the index stays stale, and every scan reads the database.
        console.warn('the in-memory product index could not be read; scans read the database', error);
      } finally {
        working = null;
      }
    })();
    return working;
  }

  async function rebuild(): Promise<'built' | 'not yet'> {
    const start = performance.now();
    complete = false;
    // Not while the store is being downloaded: the products arrive page by page, and a build would chase them.
    if ((await db.getMeta('bootstrap'))?.done !== true) return 'not yet';
    stale = new Set();
    const next = createProductMap();
    let after: string | null = null;
    for (;;) {
      const step: ProductRow[] = await (after === null ? db.products.orderBy(':id') : db.products.where(':id').above(after)).limit(BUILD_STEP).toArray();
      for (const { words: _words, ...product } of step) next.put(product);
      if (step.length < BUILD_STEP) break;
      after = step.at(-1)!.sku;
      // Let a scan or a render in between.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // A change written during the build may be in it or not: those keys are stale and read again next.
    products = next;
    complete = true;
    // User Timing, like the checkout's: read by `npm run bench`, visible in DevTools.
    performance.measure('storeside:product-index-build', { start, end: performance.now(), detail: { products: next.size } });
    return 'built';
  }

  async function reread() {
    // Taken from the stale keys as they are read: a write from now on marks a key stale again, and its read here is dropped.
    const skus = [...(stale as Set<string>)];
    stale = new Set();
    reading = new Set(skus);
    try {
      const rows = await db.products.bulkGet(skus);
      for (const [i, row] of rows.entries()) {
        const sku = skus[i]!;
        if (writtenSince(sku)) continue;
        if (row) {
          const { words: _words, ...product } = row;
          products.put(product);
        } else products.delete(sku);
      }
    } finally {
      reading = new Set();
    }
  }

  const built = work();
  return {
    built,
    lookUp(code) {
      if (!complete) return undefined;
      const barcode = normalizeBarcode(code);
      if (barcode === null) return null;
      const product = products.get(barcode);
      if (stale === 'all' || (product && (stale.has(product.sku) || reading.has(product.sku)))) return undefined;
      // Not found while products are waiting to be read again: one of them may be the one (a new product, a new barcode).
      if (!product && (stale.size > 0 || reading.size > 0)) return undefined;
      return product ?? null;
    },
  };
}

/** The keys of ranges that are each one key; null when any range spans more (a clear, a range delete). */
function singleKeys(trees: readonly IntervalTree[]): string[] | null {
  const keys: string[] = [];
  for (const tree of trees) {
    for (const node of RangeSet(tree) as unknown as Iterable<{ from: unknown; to: unknown }>) {
      if (typeof node.from !== 'string' || node.from !== node.to) return null;
      keys.push(node.from);
    }
  }
  return keys;
}
