import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { createPromotionBook, priceSale, type TaxConfig } from '../../src/domain/pricing/index.ts';
import { completedSalePayload } from '../../src/domain/sale.ts';
import { returnableSale, returnedUnits, saleRecordOf, type SaleRecord } from '../../src/domain/sale-record.ts';
import { NOTHING_REFUNDED, refundTenders, returnFigures } from '../../src/domain/sale-return.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import { StoresideDb } from '../../src/local/db.ts';
import { findSales } from '../../src/local/find-sale.ts';
import type { DeviceEnv } from '../../src/local/journal.ts';
import { commitReturn, commitVoid } from '../../src/local/returns.ts';
import { commitExchange } from '../../src/local/exchange.ts';
import { EventSchema } from '../../src/domain/events.ts';
import * as v from 'valibot';
import { applyChanges, readChanges, sliceChangeTables } from '../../src/sync/apply-changes.ts';
import type { StoreRecord } from '../../src/protocol/entities.ts';

const TAX: TaxConfig = { version: 1, mode: 'exclusive', rounding: 'half-up', level: 'line', categories: { standard: { label: 'Standard' } }, jurisdictions: [{ id: 'tx', label: 'Texas', rates: { standard: 62_500 } }] };
const STORE: StoreRecord = { id: 'store-1', name: 'Austin', currency: 'USD', locale: 'en-US', timezone: 'America/Chicago', receiptPrefix: 'AUS', taxConfig: TAX, cashCoin: 1, returnDays: 30, refundFallback: 'cash' };
const MUG = { sku: 'MUG', name: 'Mug', price: 1_299, taxCategory: 'standard', category: 'home', priceVersion: 1 };
const AT = 1_800_000_000_000;
const staff = { id: 'staff-1' };
let tick = 0;
const env: DeviceEnv = { now: () => AT + 60_000 + ++tick, randomBytes: (n) => new Uint8Array(n).fill(++tick % 256) };

/** A sale made on another till, as the store's history syncs it to this one. */
function otherTillsSale(n: number, quantity: number, customer: { id: string; name: string } | null = null): SaleRecord {
  const totals = priceSale([cartLineFor(MUG, quantity)], createPromotionBook([], STORE.id), TAX, { at: AT });
  const payload = completedSalePayload({
    saleId: uuidv7(AT + n, new Uint8Array(10).fill(n)),
    receiptNumber: `AUS-B0B0-00000${n}`,
    currency: 'USD',
    totals,
    pricing: { at: AT, staffPurchase: false, manualDiscounts: [] },
    tenders: [{ kind: 'card', amount: totals.total, brand: 'Visa', last4: '4242', approvalCode: 'OK1', terminalRef: `T-${n}`, offline: false }],
    cashRounding: 0,
    customer,
    receiptToken: n.toString(16).padStart(32, 'a'),
    overrides: [],
    completedAt: AT + n,
  });
  return saleRecordOf(payload, { deviceId: 'till-b0b0', hlc: `00${AT + n}-000000-till-b0b0` });
}

async function till(name: string, records: SaleRecord[]) {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'till-a1a1', storeId: STORE.id, role: 'tablet', token: 't' });
  await db.stock.put({ sku: 'MUG', onHand: 5, aisle: '1', bin: 'A' });
  await db.saleRecords.bulkPut(records);
  return db;
}

describe('finding a sale on this till, offline', () => {
  it('by the receipt’s QR link, its token, its number typed in lower case, the day and total, or the customer', async () => {
    const sale = otherTillsSale(1, 2, { id: 'C-77', name: 'Ada Okafor' });
    const db = await till('find-sale', [sale, otherTillsSale(2, 1)]);
    const ids = async (query: Parameters<typeof findSales>[2]) => {
      const found = await findSales(db, 'till-a1a1', query);
      return 'problem' in found ? found : found.map((record) => record.id);
    };
    expect(await ids({ kind: 'reference', text: `https://shop.example/r/${sale.receiptToken}` })).toEqual([sale.id]);
    expect(await ids({ kind: 'reference', text: sale.receiptToken.toUpperCase() })).toEqual([sale.id]);
    expect(await ids({ kind: 'reference', text: sale.receiptNumber.toLowerCase() })).toEqual([sale.id]);
    expect(await ids({ kind: 'day', from: AT, to: AT + 86_400_000, total: sale.total })).toEqual([sale.id]);
    expect(await ids({ kind: 'customer', text: 'okafor' })).toEqual([sale.id]);
    expect(await ids({ kind: 'customer', text: 'C-77' })).toEqual([sale.id]);
    expect(await ids({ kind: 'reference', text: 'not a receipt!' })).toEqual({ problem: { code: 'not_a_receipt' } });
    expect(await ids({ kind: 'customer', text: 'o' })).toEqual({ problem: { code: 'name_too_short' } });
  });
});

describe('a return on this till', () => {
  it('refunds to the sale’s card, puts the unit back on the shelf count, and is counted once the server’s record has it too', async () => {
    const sale = otherTillsSale(3, 2);
    const db = await till('return-flow', [sale]);
    const figures = returnFigures(returnableSale(sale), [0], [{ line: 0, quantity: 1 }]);
    if ('error' in figures) throw new Error(figures.error);
    const plan = refundTenders(figures.total, sale.tenders, NOTHING_REFUNDED, { kind: 'cash' });
    const refund = await commitReturn(db, env, { sale: { record: sale, returnedBefore: [0] }, figures, ...plan, reason: 'chipped', approvedBy: null, staff, store: STORE });

    expect(refund.tenders).toEqual([{ kind: 'card', amount: figures.total, brand: 'Visa', last4: '4242', terminalRef: 'T-3' }]);
    expect(refund.receiptNumber).toBe('AUS-A1A1-000001');
    expect((await db.stock.get('MUG'))?.onHand).toBe(6);
    const [event] = await db.journal.toArray();
    expect(event).toMatchObject({ type: 'refund.completed', v: 1, staffId: 'staff-1', payload: { returnId: refund.returnId } });

    const [found] = (await findSales(db, 'till-a1a1', { kind: 'reference', text: sale.receiptNumber })) as SaleRecord[];
    expect(returnedUnits(found!, found!.returns)).toEqual([1]);
    // The server's record arrives with the return in it: still one unit returned, not two.
    await db.saleRecords.put({ ...sale, returns: [{ id: refund.returnId, kind: 'return', receiptNumber: refund.receiptNumber, deviceId: 'till-a1a1', hlc: event!.hlc, lines: [{ line: 0, quantity: 1, amount: figures.total }], tenders: refund.tenders, charged: [] }] });
    const [synced] = (await findSales(db, 'till-a1a1', { kind: 'reference', text: sale.receiptNumber })) as SaleRecord[];
    expect(returnedUnits(synced!, synced!.returns)).toEqual([1]);

    // A sale with a return is not voided: what is left of it is returned.
    expect(await commitVoid(db, env, { record: synced!, reason: 'oops', approvedBy: 'mgr-1', staff })).toEqual({ problem: { code: 'returned_already', receiptNumber: synced!.receiptNumber } });
  });

  it('post-voids a sale: its card paid back, every unit back, approved by the manager', async () => {
    const sale = otherTillsSale(4, 3);
    const db = await till('void-flow', [sale]);
    const voided = await commitVoid(db, env, { record: sale, reason: 'rang twice', approvedBy: 'mgr-1', staff });
    if ('problem' in voided) throw new Error(JSON.stringify(voided.problem));
    expect(voided).toMatchObject({ sale: { saleId: sale.id }, tenders: [{ kind: 'card', amount: sale.total, terminalRef: 'T-4' }], total: sale.total, approvedBy: 'mgr-1' });
    expect((await db.stock.get('MUG'))?.onHand).toBe(8);
    const [found] = (await findSales(db, 'till-a1a1', { kind: 'reference', text: sale.receiptToken })) as SaleRecord[];
    expect(found!.returns.map((claim) => claim.kind)).toEqual(['void']);
  });

  it('keeps units an unsent return or void took back on the shelf count when the server’s count arrives', async () => {
    const [returned, voided] = [otherTillsSale(5, 2), otherTillsSale(6, 3)];
    const db = await till('unsent-returns', [returned, voided]);
    const figures = returnFigures(returnableSale(returned), [0], [{ line: 0, quantity: 2 }]);
    if ('error' in figures) throw new Error(figures.error);
    await commitReturn(db, env, { sale: { record: returned, returnedBefore: [0] }, figures, ...refundTenders(figures.total, returned.tenders, NOTHING_REFUNDED, { kind: 'cash' }), reason: 'x', approvedBy: null, staff, store: STORE });
    expect('problem' in (await commitVoid(db, env, { record: voided, reason: 'y', approvedBy: 'mgr-1', staff }))).toBe(false);
    // The server has neither yet: its count is 5.
    const read = readChanges([{ entity: 'stock', key: 'MUG', op: 'put', value: { sku: 'MUG', onHand: 5, aisle: '1', bin: 'A' } }]);
    if (!read.ok) throw new Error(read.message);
    await db.transaction('rw', sliceChangeTables(db), () => applyChanges(db, read.changes));
    expect((await db.stock.get('MUG'))?.onHand).toBe(5 + 2 + 3);
  });
});

describe('an exchange on this till', () => {
  const LAMP = { sku: 'LAMP', name: 'Lamp', price: 3_333, taxCategory: 'standard', category: 'home', priceVersion: 1 };
  const exchange = async (db: StoresideDb, sale: SaleRecord, newGoods: { product: typeof MUG; quantity: number }, cashTendered: number) => {
    const figures = returnFigures(returnableSale(sale), [0], [{ line: 0, quantity: 1 }]);
    if ('error' in figures) throw new Error(figures.error);
    const totals = priceSale([cartLineFor(newGoods.product, newGoods.quantity)], createPromotionBook([], STORE.id), TAX, { at: AT });
    const done = await commitExchange(db, env, {
      returned: { record: sale, returnedBefore: [0], figures },
      newSale: { totals, context: { at: AT } },
      cashTendered,
      fallback: { kind: 'cash' },
      approvedBy: null,
      reason: 'wrong size',
      staff: { id: 'staff-1', name: 'Ana' },
      store: STORE,
    });
    return { done, figures, totals };
  };

  it('writes the new sale and the return together, the returned value carried across and the balance paid in cash', async () => {
    const sale = otherTillsSale(7, 1);
    const db = await till('exchange-pays', [sale]);
    await db.stock.put({ sku: 'LAMP', onHand: 4, aisle: '2', bin: 'B' });
    const { done, figures, totals } = await exchange(db, sale, { product: LAMP, quantity: 1 }, 5_000);
    if ('problem' in done) throw new Error(JSON.stringify(done.problem));
    const balance = totals.total - figures.total;
    expect(done.sale.tenders).toEqual([
      { kind: 'exchange', amount: figures.total, returnId: done.refund.returnId },
      { kind: 'cash', amount: balance, tendered: 5_000, change: 5_000 - balance },
    ]);
    expect(done.refund.tenders).toEqual([{ kind: 'exchange', amount: figures.total, saleId: done.sale.saleId }]);
    const journal = await db.journal.toArray();
    expect(journal.map((event) => [event.seq, event.type])).toEqual([
      [1, 'sale.completed'],
      [2, 'refund.completed'],
    ]);
    for (const event of journal) expect(v.safeParse(EventSchema, event).success).toBe(true);
    expect(journal[1]!.hlc > journal[0]!.hlc).toBe(true);
    expect([done.sale.receiptNumber, done.refund.receiptNumber]).toEqual(['AUS-A1A1-000001', 'AUS-A1A1-000002']);
    expect((await db.stock.get('MUG'))?.onHand).toBe(6);
    expect((await db.stock.get('LAMP'))?.onHand).toBe(3);
  });

  it('gives the difference back on the original tenders when the returned goods are worth more', async () => {
    const sale = otherTillsSale(8, 2);
    const db = await till('exchange-gets', [sale]);
    const cheap = { ...MUG, sku: 'MUG', price: 500 };
    const { done, figures, totals } = await exchange(db, sale, { product: cheap, quantity: 1 }, 0);
    if ('problem' in done) throw new Error(JSON.stringify(done.problem));
    expect(done.sale.tenders).toEqual([{ kind: 'exchange', amount: totals.total, returnId: done.refund.returnId }]);
    expect(done.refund.tenders).toEqual([
      { kind: 'exchange', amount: totals.total, saleId: done.sale.saleId },
      { kind: 'card', amount: figures.total - totals.total, brand: 'Visa', last4: '4242', terminalRef: 'T-8' },
    ]);
  });

  it('sends out a scarce product only within this till’s allotment', async () => {
    const sale = otherTillsSale(10, 1);
    const db = await till('exchange-scarce', [sale]);
    await db.allotments.put({ id: 'till-a1a1/LAMP', deviceId: 'till-a1a1', sku: 'LAMP', units: 1, asOfSeq: 0, grantedAt: AT });
    const { done } = await exchange(db, sale, { product: LAMP, quantity: 2 }, 10_000);
    expect(done).toEqual({ problem: { code: 'over_allotment', name: LAMP.name } });
    expect(await db.journal.count()).toBe(0);
  });

  it('writes nothing when the cash handed over does not cover the balance', async () => {
    const sale = otherTillsSale(9, 1);
    const db = await till('exchange-short', [sale]);
    const { done, figures, totals } = await exchange(db, sale, { product: LAMP, quantity: 1 }, 100);
    expect(done).toEqual({ problem: { code: 'still_owed', remaining: totals.total - figures.total - 100 } });
    expect(await db.journal.count()).toBe(0);
  });
});
