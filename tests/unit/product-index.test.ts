import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { StoresideDb, wordsOf } from '../../src/local/db.ts';
import { productIndex } from '../../src/local/product-index.ts';
import { withCheckDigit } from '../../src/domain/barcode.ts';
import type { ProductRecord } from '../../src/protocol/entities.ts';

const product = (n: number, changes: Partial<ProductRecord> = {}): ProductRecord => ({
  sku: `SKU-${String(n).padStart(6, '0')}`,
  name: `Product ${n}`,
  barcode: withCheckDigit(`400${String(n).padStart(9, '0')}`),
  category: 'grocery',
  taxCategory: 'standard',
  price: 100 + n,
  priceVersion: 1,
  ...changes,
});
const row = (record: ProductRecord) => ({ ...record, words: wordsOf(record.name) });

let databases = 0;
async function catalog(count: number) {
  const db = new StoresideDb(`product-index-${++databases}`);
  await db.products.bulkPut(Array.from({ length: count }, (_, i) => row(product(i + 1))));
  await db.setMeta('bootstrap', { cursor: 1, next: null, done: true });
  return db;
}

describe('the in-memory product index a scan looks up', () => {
  it('finds every product by its barcode once built, in the UPC-A form too, and says null for a barcode no product has', async () => {
    const db = await catalog(4_500);
    const index = productIndex(db);
    await index.built;
    expect(index.lookUp(product(1).barcode)).toEqual(product(1));
    expect(index.lookUp(product(4_500).barcode)?.price).toBe(4_600);
    const upcA = withCheckDigit('01234567890');
    await db.products.put(row(product(9_000, { barcode: `0${upcA}` })));
    await expect.poll(() => index.lookUp(upcA)?.sku).toBe(product(9_000).sku);
    expect(index.lookUp(withCheckDigit('499999999999'))).toBeNull();
    expect(index.lookUp('4000000000018')).toBeNull(); // a wrong check digit names no product
  });

  it('never answers with a price the database no longer holds: a product written is read again, its old barcode let go', async () => {
    const db = await catalog(50);
    const index = productIndex(db);
    await index.built;
    const before = product(7);
    const after = product(7, { price: 999, priceVersion: 2, barcode: withCheckDigit('477777777777') });
    await db.products.put(row(after));
    // Right after the write, the index may not have read it yet: then it defers to the database, never the old price.
    expect([undefined, 999]).toContain(index.lookUp(after.barcode)?.price);
    expect(index.lookUp(before.barcode)).not.toEqual(before);
    await expect.poll(() => index.lookUp(after.barcode)?.price).toBe(999);
    expect(index.lookUp(before.barcode)).toBeNull();

    await db.products.delete(after.sku);
    await expect.poll(() => index.lookUp(after.barcode)).toBeNull();
  });

  it('is built once the store is downloaded, not page by page while it is: until then the database answers', async () => {
    const db = new StoresideDb(`product-index-${++databases}`);
    await db.products.bulkPut(Array.from({ length: 30 }, (_, i) => row(product(i + 1))));
    await db.setMeta('bootstrap', { cursor: 1, next: 'SKU-000030', done: false });
    const index = productIndex(db);
    await index.built;
    expect(index.lookUp(product(1).barcode)).toBeUndefined();
    await db.setMeta('bootstrap', { cursor: 1, next: null, done: true });
    await expect.poll(() => index.lookUp(product(1).barcode)?.sku).toBe(product(1).sku);
  });

  it('reads the whole catalog again after a change too big to read key by key (a new snapshot), and defers to the database meanwhile', async () => {
    const db = await catalog(20);
    const index = productIndex(db);
    await index.built;
    await db.transaction('rw', db.products, async () => {
      await db.products.clear();
      await db.products.bulkPut(Array.from({ length: 6_000 }, (_, i) => row(product(i + 1, { price: 5 }))));
    });
    expect([undefined, 5]).toContain(index.lookUp(product(3).barcode)?.price);
    await expect.poll(() => index.lookUp(product(6_000).barcode)?.price).toBe(5);
    expect(index.lookUp(product(3).barcode)?.price).toBe(5);
  });
});
