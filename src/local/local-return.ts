import type { Minor } from '../domain/money.ts';
import type { RefundTender } from '../domain/sale-return.ts';

/** A return or void made on this device, kept by the sale it took back (none without a receipt). */
export type LocalReturn = {
  id: string;
  saleId: string | null;
  kind: 'return' | 'void';
  receiptNumber: string;
  lines: { line: number | null; sku: string; quantity: number; amount: Minor }[];
  tenders: RefundTender[];
  total: Minor;
  completedAt: number;
};
