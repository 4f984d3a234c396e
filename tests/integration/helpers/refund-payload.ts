import { randomBytes } from 'node:crypto';
import { refundedTenders, returnableSale, returnedUnits, type SaleRecord } from '../../../src/domain/sale-record.ts';
import { refundTenders, returnFigures, type RefundCompletedPayload } from '../../../src/domain/sale-return.ts';
import { uuidv7 } from '../../../src/domain/uuid7.ts';
import type { StoreRecord } from '../../../src/protocol/entities.ts';

/**
 * A return of `requests` (units of the sale's lines) as a till writes it from
 * the sale's record: its figures and tenders from the domain functions the
 * till calls (back to the tenders the sale was paid with, cash the fallback),
 * a new return id and receipt number, "did not fit". `returnedBefore` is what
 * the till says was returned already (the record's returns unless given), `at`
 * when it completes (now unless given).
 */
export function refundPayload(
  store: Pick<StoreRecord, 'cashCoin'>,
  record: SaleRecord,
  requests: { line: number; quantity: number }[],
  options: { returnedBefore?: number[]; at?: number; approvedBy?: string | null } = {},
): RefundCompletedPayload {
  const returnedBefore = options.returnedBefore ?? returnedUnits(record, record.returns);
  const figures = returnFigures(returnableSale(record), returnedBefore, requests);
  if ('error' in figures) throw new Error(figures.error);
  const { tenders, cashRounding } = refundTenders(figures.total, record.tenders, refundedTenders(record.returns), { kind: 'cash' }, store.cashCoin, record.cashRounding);
  return {
    returnId: uuidv7(options.at ?? Date.now(), randomBytes(10)),
    receiptNumber: `RET-${randomBytes(3).toString('hex').toUpperCase()}`,
    currency: record.currency,
    sale: { saleId: record.id, receiptNumber: record.receiptNumber, returnedBefore },
    ...figures,
    tenders,
    cashRounding,
    reason: 'did not fit',
    approvedBy: options.approvedBy ?? null,
    completedAt: options.at ?? Date.now(),
  };
}
