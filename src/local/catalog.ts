import { normalizeBarcode } from '../domain/barcode.ts';
import { wordsOf, type ProductRow, type StoresideDb } from './db.ts';

/** The product a scanned code names, or null. UPC-A and EAN-13 forms find the same product. */
export async function productByBarcode(db: StoresideDb, code: string): Promise<ProductRow | null> {
  const barcode = normalizeBarcode(code);
  if (!barcode) return null;
  return (await db.products.where('barcode').equals(barcode).first()) ?? null;
}

/**
 * Products whose SKU is `text`, or whose name has words starting with each word
 * typed ("whole mil" finds "Organic Whole Milk 1 L"). The first word narrows by
 * index; the rest filter the few candidates.
 */
export async function searchProducts(db: StoresideDb, text: string, limit = 20): Promise<ProductRow[]> {
  const query = text.trim().toLowerCase();
  if (!query) return [];
  const bySku = await db.products.get(text.trim().toUpperCase());
  const words = wordsOf(query);
  const [first, ...rest] = words.sort((a, b) => b.length - a.length);
  if (!first) return bySku ? [bySku] : [];
  const matches = await db.products
    .where('words')
    .startsWith(first)
    .filter((product) => rest.every((word) => product.words.some((w) => w.startsWith(word))))
    .distinct()
    .limit(limit)
    .toArray();
  return bySku ? [bySku, ...matches.filter((p) => p.sku !== bySku.sku)] : matches;
}
