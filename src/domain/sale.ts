import * as v from 'valibot';
import type { CartTotals } from './cart.ts';
import { MAX_LINE_QUANTITY } from './cart-line.ts';

/** Limits a sale line must meet; the synced catalogue is held to the same ones. */
export const SKU_MAX = 64;
export const PRODUCT_NAME_MAX = 200;
export const TAX_CATEGORY_MAX = 32;
export const RECEIPT_NUMBER_MAX = 40;

const minor = v.pipe(v.number(), v.safeInteger());
const nonNegativeMinor = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const shortText = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

export const SaleLineSchema = v.strictObject({
  sku: shortText(SKU_MAX),
  name: shortText(PRODUCT_NAME_MAX),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_LINE_QUANTITY)),
  unitPrice: nonNegativeMinor,
  taxCategory: shortText(TAX_CATEGORY_MAX),
  lineTotal: minor,
  tax: minor,
});

export const CashTenderSchema = v.strictObject({
  kind: v.literal('cash'),
  amount: nonNegativeMinor,
  tendered: nonNegativeMinor,
  change: nonNegativeMinor,
});

/** One row of the receipt's tax summary: what one authority charged at one rate. */
export const TaxBreakdownRowSchema = v.strictObject({
  jurisdiction: shortText(64),
  label: shortText(80),
  rate: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)),
  base: minor,
  tax: minor,
});

export const SaleCompletedPayloadSchema = v.strictObject({
  saleId: v.pipe(v.string(), v.uuid()),
  receiptNumber: shortText(RECEIPT_NUMBER_MAX),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code')),
  lines: v.pipe(v.array(SaleLineSchema), v.minLength(1, 'a sale needs at least one line'), v.maxLength(500)),
  subtotal: minor,
  tax: minor,
  total: minor,
  taxIncluded: v.boolean(),
  taxBreakdown: v.pipe(v.array(TaxBreakdownRowSchema), v.maxLength(50)),
  taxConfigVersion: v.pipe(v.number(), v.integer(), v.minValue(0)),
  tenders: v.pipe(v.array(CashTenderSchema), v.minLength(1), v.maxLength(20)),
  /** device wall clock when the sale was completed, ms since the epoch */
  completedAt: v.pipe(v.number(), v.safeInteger()),
});

export type SaleLine = v.InferOutput<typeof SaleLineSchema>;
export type CashTenderRecord = v.InferOutput<typeof CashTenderSchema>;
export type SaleCompletedPayload = v.InferOutput<typeof SaleCompletedPayloadSchema>;

/** "AUS-8F3A-000042": the store's prefix, the till (end of its device id), and the till's own count. */
export function formatReceiptNumber(receiptPrefix: string, deviceId: string, counter: number): string {
  return `${receiptPrefix}-${deviceId.slice(-4).toUpperCase()}-${String(counter).padStart(6, '0')}`;
}

/** The `sale.completed` payload for a priced cart and how it was paid. */
export function completedSalePayload(sale: {
  saleId: string;
  receiptNumber: string;
  currency: string;
  taxConfigVersion: number;
  totals: CartTotals;
  tenders: CashTenderRecord[];
  completedAt: number;
}): SaleCompletedPayload {
  const { totals } = sale;
  return {
    saleId: sale.saleId,
    receiptNumber: sale.receiptNumber,
    currency: sale.currency,
    lines: totals.lines.map(({ sku, name, quantity, unitPrice, taxCategory, lineTotal, tax }) => ({ sku, name, quantity, unitPrice, taxCategory, lineTotal, tax })),
    subtotal: totals.subtotal,
    tax: totals.tax,
    total: totals.total,
    taxIncluded: totals.taxIncluded,
    taxBreakdown: totals.taxBreakdown.map(({ jurisdiction, label, rate, base, tax }) => ({ jurisdiction, label, rate, base, tax })),
    taxConfigVersion: sale.taxConfigVersion,
    tenders: sale.tenders,
    completedAt: sale.completedAt,
  };
}
