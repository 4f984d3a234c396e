import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createProductMap } from '../../../src/local/product-index.ts';
import type { ProductRecord } from '../../../src/protocol/entities.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * The heap the till's in-memory product index (local/product-index.ts) takes
 * for `products`, measured in V8 (Chromium's engine) here in Node: the heap
 * after a full collection with the index built, less the heap before. The
 * index holds its own copies (as read from IndexedDB), so copies are made for
 * it; beside it, the same products as JSON, the size they have on the wire.
 */
export function productIndexMemory(products: readonly ProductRecord[]): { bytes: number; jsonBytes: number } {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const index = createProductMap();
  for (const product of structuredClone(products)) index.put(product);
  collectGarbage();
  const bytes = process.memoryUsage().heapUsed - before;
  if (index.size !== products.length) throw new Error(`the index holds ${index.size} of ${products.length} products`);
  return { bytes, jsonBytes: Buffer.byteLength(JSON.stringify(products)) };
}
