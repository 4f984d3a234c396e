import { appendToChain, GENESIS_HASH, type ChainHead, type NewEvent, type StoreEvent } from '../../../src/domain/events.ts';
import { hlcTick, type Hlc } from '../../../src/domain/hlc.ts';
import { createPromotionBook, priceSale } from '../../../src/domain/pricing/index.ts';
import { cartLineFor } from '../../../src/domain/cart-line.ts';
import { completedSalePayload, formatReceiptNumber } from '../../../src/domain/sale.ts';
import { settleTenders } from '../../../src/domain/split-tender.ts';
import type { TenderRecord } from '../../../src/domain/tender.ts';
import { uuidv7 } from '../../../src/domain/uuid7.ts';
import { seededRandom } from '../../../src/server/demo/demo-retailer.ts';
import type { StoreSlice } from '../../../src/server/storage/server-store.ts';
import { sha256Hex } from '../../../src/server/sha256.ts';

/**
 * A whole shift of one till as its journal holds it: the session opened with
 * a float, `sales` sales of three lines each paid by card and cash (every
 * tenth also by gift card: three tenders), five paid-outs and drops spread
 * over the shift, built with the domain's own functions and chained from
 * genesis. The bench loads it into the till's IndexedDB and the server's
 * SQLite, then times the report both compute from it.
 */
export function shiftJournal(slice: StoreSlice, deviceId: string, staff: { id: string; name: string }, sales: number): { events: StoreEvent[]; sessionId: string } {
  const random = seededRandom(7);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
  const { store } = slice;
  const book = createPromotionBook([], store.id);
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  let hlc: Hlc = { wallMs: 0, counter: 0, node: deviceId };
  const start = Date.now() - sales * 1_000;
  const events: StoreEvent[] = [];
  const append = (now: number, fields: Omit<NewEvent, 'id' | 'deviceId' | 'storeId' | 'staffId' | 'hlc'>) => {
    hlc = hlcTick(hlc, now);
    const appended = appendToChain(head, { id: uuidv7(now, bytes(10)), deviceId, storeId: store.id, staffId: staff.id, hlc, ...fields } as NewEvent, sha256Hex);
    events.push(appended.event);
    head = appended.head;
  };
  // Five cash movements a shift, paid-outs and drops by turns (every 400 sales in the full run's 2,000), so a short smoke shift has them too.
  const moveEvery = Math.max(1, Math.floor(sales / 5));
  const sessionId = uuidv7(start, bytes(10));
  append(start, { type: 'till.opened', payload: { sessionId, staffName: staff.name, float: 15_000, count: { '5000': 2, '1000': 5 } } });
  for (let i = 1; i <= sales; i++) {
    const now = start + i * 1_000;
    const lines = [0, 1, 2].map(() => cartLineFor(slice.products[Math.floor(random() * slice.products.length)]!, 1 + Math.floor(random() * 3)));
    const totals = priceSale(lines, book, store.taxConfig, { at: now });
    const card = Math.floor(totals.total / 2);
    const gift = i % 10 === 0 ? Math.floor(totals.total / 4) : 0;
    const cashDue = totals.total - card - gift;
    const tendered = Math.ceil(cashDue / 500) * 500;
    const settlement = settleTenders(totals.total, [{ kind: 'card', amount: card }, ...(gift > 0 ? [{ kind: 'gift_card' as const, amount: gift }] : []), { kind: 'cash', tendered }], store.cashCoin);
    if ('problem' in settlement) throw new Error(`the shift's tenders do not settle: ${JSON.stringify(settlement.problem)}`);
    const tenders: TenderRecord[] = [
      { kind: 'card', amount: card, brand: 'Visa', last4: String(1000 + (i % 9000)), approvalCode: `A${i}`, terminalRef: `T1-${i}`, offline: false },
      ...(gift > 0 ? [{ kind: 'gift_card' as const, amount: gift, accountId: `gift-${i}`, last4: '0042', offline: false }] : []),
      { kind: 'cash', amount: settlement.cashAmount, tendered, change: settlement.change },
    ];
    const payload = completedSalePayload({
      saleId: uuidv7(now, bytes(10)),
      receiptNumber: formatReceiptNumber(store.receiptPrefix, deviceId, i),
      currency: store.currency,
      totals,
      pricing: { at: now, staffPurchase: false, manualDiscounts: [] },
      tenders,
      cashRounding: settlement.cashRounding,
      customer: null,
      receiptToken: Array.from(bytes(16), (byte) => byte.toString(16).padStart(2, '0')).join(''),
      overrides: [],
      completedAt: now,
    });
    append(now, { type: 'sale.completed', payload });
    if (i % moveEvery === 0) append(now + 1, { type: 'till.cash_moved', payload: { sessionId, staffName: staff.name, kind: i % (2 * moveEvery) === 0 ? 'drop' : 'paid_out', amount: 2_000, reason: 'bench' } });
  }
  return { events, sessionId };
}
