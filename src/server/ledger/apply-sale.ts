import { priceCart } from '../../domain/cart.ts';
import { sumMinor } from '../../domain/money.ts';
import { UnknownTaxCategoryError } from '../../domain/tax.ts';
import type { PayloadOf, StoreEvent } from '../../domain/events.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import type { LedgerTx } from './ledger-tx.ts';

type SaleEvent = Extract<StoreEvent, { type: 'sale.completed' }>;

/** Units leaving the store per SKU, summed over a push batch and written once at its end. */
export type StockDeltas = Map<string, number>;

/**
 * Records a completed sale in the ledger and adds its units to `stockDeltas`.
 * The server re-prices the sale with the same domain code as the till; where
 * the totals differ the sale still stands as the customer paid it, and the
 * difference is recorded as a variance. Returns a rejection reason when the
 * sale cannot be booked at all.
 */
export async function applySale(tx: LedgerTx, event: SaleEvent, store: StoreRecord, stockDeltas: StockDeltas): Promise<string | null> {
  const sale: PayloadOf<'sale.completed'> = event.payload;
  if (sale.currency !== store.currency) return `sale is in ${sale.currency} but store ${store.id} sells in ${store.currency}`;

  let recomputed;
  try {
    recomputed = priceCart(sale.lines, store.taxConfig);
  } catch (error) {
    if (error instanceof UnknownTaxCategoryError || error instanceof RangeError) return error.message;
    throw error;
  }
  const tendered = sumMinor(sale.tenders.map((tender) => tender.amount));
  if (tendered !== sale.total) return `tenders add up to ${tendered} but the sale total is ${sale.total}`;
  for (const [index, tender] of sale.tenders.entries()) {
    if (tender.tendered < tender.amount || tender.change !== tender.tendered - tender.amount) {
      return `cash tender ${index + 1} takes ${tender.amount} from ${tender.tendered} but gives ${tender.change} change`;
    }
  }

  const booked = await tx.insertSale(
    {
      id: sale.saleId,
      eventId: event.id,
      storeId: event.storeId,
      deviceId: event.deviceId,
      staffId: event.staffId ?? null,
      receiptNumber: sale.receiptNumber,
      currency: sale.currency,
      subtotal: sale.subtotal,
      tax: sale.tax,
      total: sale.total,
      completedAt: sale.completedAt,
      hlc: event.hlc,
    },
    sale.lines.map((line, index) => ({ lineNo: index + 1, ...line })),
    sale.tenders.map((tender, index) => ({ tenderNo: index + 1, ...tender })),
  );
  if (!booked) return `sale ${sale.saleId} is already booked by another event`;
  for (const field of ['subtotal', 'tax', 'total'] as const) {
    if (recomputed[field] !== sale[field]) await tx.recordVariance(sale.saleId, field, sale[field], recomputed[field]);
  }
  const deviceRows = new Map(sale.taxBreakdown.map((row) => [`${row.jurisdiction} ${row.rate}`, row.tax]));
  for (const row of recomputed.taxBreakdown) {
    const key = `${row.jurisdiction} ${row.rate}`;
    if (deviceRows.get(key) !== row.tax) await tx.recordVariance(sale.saleId, `tax ${key}`, deviceRows.get(key) ?? 0, row.tax);
    deviceRows.delete(key);
  }
  for (const [key, tax] of deviceRows) await tx.recordVariance(sale.saleId, `tax ${key}`, tax, 0);
  for (const [index, line] of sale.lines.entries()) {
    const server = recomputed.lines[index]!;
    if (server.lineTotal !== line.lineTotal) await tx.recordVariance(sale.saleId, `line ${index + 1} total`, line.lineTotal, server.lineTotal);
    if (server.tax !== line.tax) await tx.recordVariance(sale.saleId, `line ${index + 1} tax`, line.tax, server.tax);
  }
  for (const line of sale.lines) stockDeltas.set(line.sku, (stockDeltas.get(line.sku) ?? 0) - line.quantity);
  return null;
}
