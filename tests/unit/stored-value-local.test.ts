import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { createPromotionBook, priceSale, type TaxConfig } from '../../src/domain/pricing/index.ts';
import { completedSalePayload } from '../../src/domain/sale.ts';
import { returnableSale, saleRecordOf, type SaleRecord } from '../../src/domain/sale-record.ts';
import { NOTHING_REFUNDED, refundTenders, returnFigures } from '../../src/domain/sale-return.ts';
import type { TenderRecord } from '../../src/domain/tender.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import { StoresideDb } from '../../src/local/db.ts';
import type { DeviceEnv } from '../../src/local/journal.ts';
import { commitReturn, commitVoid } from '../../src/local/returns.ts';
import { storeCreditOf, storedValueAccount } from '../../src/local/stored-value.ts';
import { unsentTenders } from '../../src/local/unsent-tenders.ts';
import type { StoreRecord } from '../../src/protocol/entities.ts';

/**
 * The till's spendable stored value counts what this till paid back onto an
 * account in returns and voids the server has not acknowledged, and a credit
 * slip an unsent refund issued is found (and spent) here before the server
 * has synced its account down.
 */

const TAX: TaxConfig = { version: 1, mode: 'exclusive', rounding: 'half-up', level: 'line', categories: { standard: { label: 'Standard' } }, jurisdictions: [{ id: 'tx', label: 'Texas', rates: { standard: 62_500 } }] };
const STORE: StoreRecord = { id: 'store-1', name: 'Austin', currency: 'USD', locale: 'en-US', timezone: 'America/Chicago', receiptPrefix: 'AUS', taxConfig: TAX, cashCoin: 1, returnDays: 30, refundFallback: 'store_credit' };
const MUG = { sku: 'MUG', name: 'Mug', price: 1_299, taxCategory: 'standard', category: 'home', priceVersion: 1 };
const AT = 1_800_000_000_000;
const ANA = { id: 'cust-ana', name: 'Ana Lopez' };
let tick = 0;
const env: DeviceEnv = { now: () => AT + 60_000 + ++tick, randomBytes: (n) => new Uint8Array(n).fill(++tick % 256) };

/** A sale of two mugs made on another till, paid by `paidWith(total)`, as the store's history syncs it here. */
function otherTillsSale(n: number, customer: { id: string; name: string } | null, paidWith: (total: number) => TenderRecord[]): SaleRecord {
  const totals = priceSale([cartLineFor(MUG, 2)], createPromotionBook([], STORE.id), TAX, { at: AT });
  const payload = completedSalePayload({
    saleId: uuidv7(AT + n, new Uint8Array(10).fill(n)),
    receiptNumber: `AUS-B0B0-00000${n}`,
    currency: 'USD',
    totals,
    pricing: { at: AT, staffPurchase: false, manualDiscounts: [] },
    tenders: paidWith(totals.total),
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

describe('stored value a till paid back and the server has not heard of', () => {
  it('a void of a gift card sale adds what it paid back to the card’s spendable balance, until the server acknowledges it', async () => {
    const sale = otherTillsSale(1, null, (total) => [{ kind: 'gift_card', amount: total, accountId: 'GC-AUS-1001', last4: '1001', offline: false }]);
    const db = await till('stored-value-void', [sale]);
    // The server debited the card when it booked the sale: 50.00 less the sale.
    await db.storedValues.put({ id: 'GC-AUS-1001', kind: 'gift_card', last4: '1001', customerId: null, currency: 'USD', balance: 5_000 - sale.total });
    expect((await storedValueAccount(db, 'GC-AUS-1001'))?.spendable).toBe(5_000 - sale.total);

    const voided = await commitVoid(db, env, { record: sale, reason: 'rang twice', approvedBy: 'mgr-1', staff: { id: 'staff-1' } });
    if ('problem' in voided) throw new Error(JSON.stringify(voided.problem));
    expect((await storedValueAccount(db, 'gc-aus-1001'))?.spendable).toBe(5_000);
    // Paying back is not spending: the card's offline limit counts spends only.
    expect((await unsentTenders(db)).storedValue.get('GC-AUS-1001')).toBeUndefined();

    // Acknowledged: the server's balance (synced next) has it, and it is not counted twice.
    await db.setMeta('ackedSeq', 1);
    expect((await storedValueAccount(db, 'GC-AUS-1001'))?.spendable).toBe(5_000 - sale.total);
  });

  it('a refund to a new credit slip makes its account findable by id and among the customer’s credit, holding the refund', async () => {
    const sale = otherTillsSale(2, ANA, (total) => [{ kind: 'cash', amount: total, tendered: total, change: 0 }]);
    const db = await till('stored-value-slip', [sale]);
    const figures = returnFigures(returnableSale(sale), [0], [{ line: 0, quantity: 1 }]);
    if ('error' in figures) throw new Error(figures.error);
    // Paid in cash, refunded to store credit by the store's policy: nothing of the sale's own tenders takes it.
    const plan = refundTenders(figures.total, [], NOTHING_REFUNDED, { kind: 'store_credit', accountId: 'SC-NEWSLIPABCD' });
    await commitReturn(db, env, { sale: { record: sale, returnedBefore: [0] }, figures, ...plan, reason: 'chipped', approvedBy: null, staff: { id: 'staff-1' }, store: STORE });

    expect(await db.storedValues.get('SC-NEWSLIPABCD')).toBeUndefined();
    const found = await storedValueAccount(db, ' sc-newslipabcd ');
    expect(found).toEqual({ account: { id: 'SC-NEWSLIPABCD', kind: 'store_credit', last4: null, customerId: ANA.id, currency: 'USD', balance: 0 }, spendable: figures.total });
    expect((await storeCreditOf(db, ANA.id)).map(({ account, spendable }) => [account.id, spendable])).toEqual([['SC-NEWSLIPABCD', figures.total]]);
    expect(await storeCreditOf(db, 'cust-someone-else')).toEqual([]);
  });
});
