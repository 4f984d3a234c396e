import type { Minor } from '../domain/money.ts';
import { readReceiptReference } from '../domain/receipt-lookup.ts';
import type { SaleRecord } from '../domain/sale-record.ts';
import { lowestRecentPrice, withinReturnWindow } from '../domain/sale-return.ts';
import type { StoresideDb } from './db.ts';
import type { LocalSale } from './local-sale.ts';
import { ownSaleRecord, withOwnReturns } from './returns.ts';

/**
 * Finding the original sale of a return, offline: in the store's synced
 * history (any till's sales the server has applied) and in this till's own
 * sales (not synced back yet), each with the returns made here folded in.
 */
export type SaleQuery =
  /** what a scanner typed (the receipt's QR code or barcode) or an associate did: a receipt number or link */
  | { kind: 'reference'; text: string }
  /** sales of one day (the device's time zone), of one total if given */
  | { kind: 'day'; from: number; to: number; total: Minor | null }
  /** sales naming a customer, by id or part of the name */
  | { kind: 'customer'; text: string };

const LIMIT = 25;

/** Why a search for a sale could not be made, as a value the till puts in words. */
export type FindSaleProblem = { code: 'not_a_receipt' } | { code: 'name_too_short' };

export async function findSales(db: StoresideDb, deviceId: string, query: SaleQuery): Promise<SaleRecord[] | { problem: FindSaleProblem }> {
  let records: SaleRecord[];
  let own: LocalSale[];
  if (query.kind === 'reference') {
    const reference = readReceiptReference(query.text);
    if (!reference) return { problem: { code: 'not_a_receipt' } };
    // A scan is answered while the customer waits: one read transaction, both tables asked at once.
    return db.transaction('r', db.saleRecords, db.sales, db.returns, async () => {
      // Typed by hand, a receipt number may come in lower case; the prefix is upper case.
      const numbers = reference.kind === 'number' ? [...new Set([reference.receiptNumber, reference.receiptNumber.toUpperCase()])] : [];
      const [found, mine] = await Promise.all(
        reference.kind === 'token'
          ? [db.saleRecords.where('receiptToken').equals(reference.token).toArray(), db.sales.where('receiptToken').equals(reference.token).toArray()]
          : [db.saleRecords.where('receiptNumber').anyOf(numbers).toArray(), db.sales.where('receiptNumber').anyOf(numbers).toArray()],
      );
      return withOwnSales(db, deviceId, found, mine);
    });
  } else if (query.kind === 'day') {
    const matches = (sale: { total: Minor }) => query.total === null || sale.total === query.total;
    records = await db.saleRecords.where('completedAt').between(query.from, query.to, true, false).filter(matches).limit(LIMIT).toArray();
    own = await db.sales.where('completedAt').between(query.from, query.to, true, false).filter(matches).limit(LIMIT).toArray();
  } else {
    const text = query.text.trim().toLowerCase();
    if (text.length < 2) return { problem: { code: 'name_too_short' } };
    const named = (customer: { id: string; name: string } | null) => customer !== null && (customer.id.toLowerCase() === text || customer.name.toLowerCase().includes(text));
    // A customer's number finds their sales by index; a name, newest first (the customer at the counter most likely bought recently).
    const byNumber = await db.saleRecords.where('customer.id').equals(query.text.trim()).limit(LIMIT).toArray();
    const byName = await db.saleRecords.orderBy('completedAt').reverse().filter((record) => named(record.customer)).limit(LIMIT).toArray();
    records = [...byNumber, ...byName];
    own = await db.sales.orderBy('completedAt').reverse().filter((sale) => named(sale.customer)).limit(LIMIT).toArray();
  }
  return withOwnSales(db, deviceId, records, own);
}

/** The store's records found, with this till's own sales they lack and the returns made here folded in, newest first. */
async function withOwnSales(db: StoresideDb, deviceId: string, records: SaleRecord[], own: LocalSale[]): Promise<SaleRecord[]> {
  const byId = new Map(records.map((record) => [record.id, record]));
  // This till's sale stands in until the server's record of it arrives.
  for (const sale of own) if (!byId.has(sale.saleId)) byId.set(sale.saleId, ownSaleRecord(sale, deviceId));
  const found = [...byId.values()].sort((a, b) => b.completedAt - a.completedAt).slice(0, LIMIT);
  const mine = await db.returns.where('saleId').anyOf(found.map((record) => record.id)).toArray();
  return found.map((record) => withOwnReturns(record, mine));
}

/** The price a return without a receipt refunds a unit of `sku` at (sale-return.ts `lowestRecentPrice`), from what this till has. */
export async function noReceiptPrice(db: StoresideDb, sku: string, now: number, returnDays: number): Promise<Minor | null> {
  const product = await db.products.get(sku);
  if (!product) return null;
  const since = now - returnDays * 86_400_000;
  const sold: { unitPrice: Minor; completedAt: number }[] = [];
  const collect = (sale: { completedAt: number; lines: readonly { sku: string; unitPrice: Minor }[] }) => {
    for (const line of sale.lines) if (line.sku === sku && withinReturnWindow(sale.completedAt, now, returnDays)) sold.push({ unitPrice: line.unitPrice, completedAt: sale.completedAt });
  };
  await db.saleRecords.where('completedAt').aboveOrEqual(since).each(collect);
  await db.sales.where('completedAt').aboveOrEqual(since).each(collect);
  return lowestRecentPrice(product.price, sold, now, returnDays);
}
