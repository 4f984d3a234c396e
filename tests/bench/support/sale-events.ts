import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../../src/server/sha256.ts';
import { createPromotionBook, priceSale } from '../../../src/domain/pricing/index.ts';
import { cartLineFor, type CartLine } from '../../../src/domain/cart-line.ts';
import { appendToChain, GENESIS_HASH, type ChainHead, type StoreEvent } from '../../../src/domain/events.ts';
import { hlcTick, type Hlc } from '../../../src/domain/hlc.ts';
import { completedSalePayload, formatReceiptNumber } from '../../../src/domain/sale.ts';
import { uuidv7 } from '../../../src/domain/uuid7.ts';
import type { ProductRecord } from '../../../src/protocol/entities.ts';
import { seededRandom } from '../../../src/server/demo/demo-retailer.ts';
import type { StoreSlice } from '../../../src/server/storage/server-store.ts';

/** `count` distinct items of `items`, drawn with `random`. */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  if (count > items.length) throw new RangeError(`cannot draw ${count} of ${items.length}`);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * items.length));
  return [...picked].map((i) => items[i]!);
}

const lineOf = (product: ProductRecord): CartLine => cartLineFor(product, 1);

/**
 * `count` chained `sale.completed` events of one device, built the way the till
 * builds them (src/local/commit-sale.ts): three lines priced with the store's
 * tax config, one cash tender of exactly the total, HLC and UUIDv7 per event,
 * and 128 random bits for the digital receipt's link. The server refuses a
 * token another sale already holds (one customer must never see another's
 * receipt), so a counter would collide as soon as a second till's sales reach
 * the same server.
 */
export function saleEvents(slice: StoreSlice, deviceId: string, staffId: string, count: number): StoreEvent[] {
  const { store, products } = slice;
  const random = seededRandom(20_261_121);
  const events: StoreEvent[] = [];
  const noPromotions = createPromotionBook([], store.id);
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  let hlc: Hlc = { wallMs: 0, counter: 0, node: deviceId };
  const start = Date.now() - count; // one sale per millisecond, all in the past
  for (let i = 1; i <= count; i++) {
    const now = start + i;
    hlc = hlcTick(hlc, now);
    const totals = priceSale(sample(products, 3, random).map(lineOf), noPromotions, store.taxConfig, { at: now });
    const appended = appendToChain(head, {
      id: uuidv7(now, randomBytes(10)),
      deviceId,
      storeId: store.id,
      staffId,
      hlc,
      type: 'sale.completed',
      payload: completedSalePayload({
        saleId: uuidv7(now, randomBytes(10)),
        receiptNumber: formatReceiptNumber(store.receiptPrefix, deviceId, i),
        currency: store.currency,
        totals,
        pricing: { at: now, staffPurchase: false, manualDiscounts: [] },
        tenders: [{ kind: 'cash', amount: totals.total, tendered: totals.total, change: 0 }],
        cashRounding: 0,
        customer: null,
        receiptToken: randomBytes(16).toString('hex'),
        overrides: [],
        completedAt: now,
      }),
    }, sha256Hex);
    events.push(appended.event);
    head = appended.head;
  }
  return events;
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
