import * as v from 'valibot';
import { pricedLine, type SaleTotals } from './pricing/price-sale.ts';
import { MAX_LINE_QUANTITY } from './cart-line.ts';
import type { Minor } from './money.ts';
import { CashTenderSchema, TenderRecordSchema, type TenderRecord } from './tender.ts';
import { typedText } from './typed-text.ts';

/** Serial numbers as manufacturers print them; never a long run of digits, which could be a card number. */
const SERIAL_PATTERN = /^(?![^]*\d{13})[A-Za-z0-9][A-Za-z0-9\-/]*$/;

/** Limits a sale line must meet; the synced catalogue is held to the same ones. */
export const SKU_MAX = 64;
export const PRODUCT_NAME_MAX = 200;
export const TAX_CATEGORY_MAX = 32;
export const RECEIPT_NUMBER_MAX = 40;
/**
 * Price versions, promotion revisions and tax-rule versions are counters the
 * server issues, far below this; a sale naming more is refused by name rather
 * than meeting a 32-bit integer column on Postgres (an error, not a refusal).
 */
export const MAX_VERSION = 2 ** 31 - 1;
/**
 * Discount lines a sale may carry. The engine gives at most one per promotion
 * that applied plus one per manager discount; a 500-line cart each on its own
 * promotion, with stacking and basket ones and 50 manager discounts, stays under it.
 */
export const MAX_DISCOUNT_LINES = 2000;

const minor = v.pipe(v.number(), v.safeInteger());
const nonNegativeMinor = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const shortText = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

export const SaleLineSchema = v.strictObject({
  sku: shortText(SKU_MAX),
  name: shortText(PRODUCT_NAME_MAX),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_LINE_QUANTITY)),
  unitPrice: nonNegativeMinor,
  taxCategory: shortText(TAX_CATEGORY_MAX),
  category: v.pipe(v.string(), v.maxLength(64)),
  priceVersion: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_VERSION)),
  lineTotal: minor,
  discount: nonNegativeMinor,
  net: minor,
  tax: minor,
  paid: minor,
  taxParts: v.pipe(v.array(minor), v.maxLength(50)),
  /** this line's share of each of the sale's discount lines */
  discounts: v.pipe(v.array(v.strictObject({ discount: v.pipe(v.number(), v.integer(), v.minValue(0)), amount: nonNegativeMinor })), v.maxLength(MAX_DISCOUNT_LINES)),
});

const DiscountSourceSchema = v.variant('type', [
  v.strictObject({
    type: v.literal('promotion'),
    promotionId: shortText(64),
    revision: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_VERSION)),
    kind: shortText(32),
    coupon: v.optional(shortText(64)),
  }),
  v.strictObject({ type: v.literal('manual'), manualId: shortText(64), reason: shortText(200), approvedBy: shortText(64) }),
]);

/** A discount line of the receipt, naming the promotion or manager that gave it. */
export const DiscountLineSchema = v.strictObject({ source: DiscountSourceSchema, label: shortText(240), amount: nonNegativeMinor });

export const ManualDiscountSchema = v.pipe(
  v.strictObject({
    id: shortText(64),
    scope: v.union([v.pipe(v.number(), v.integer(), v.minValue(0)), v.literal('basket')]),
    percent: v.optional(
      v.pipe(
        v.number(),
        v.minValue(0),
        v.maxValue(100),
        v.check((value) => Math.round(value * 100) / 100 === value, 'a percent has at most two decimals'),
      ),
    ),
    amount: v.optional(nonNegativeMinor),
    reason: shortText(200),
    approvedBy: shortText(64),
  }),
  v.check((discount) => (discount.percent === undefined) !== (discount.amount === undefined), 'a manager discount gives either a percent or an amount'),
);

/**
 * What the sale was priced with, so the server can price it again the same way:
 * the moment (for promotion windows), the promotion set's revision, the tax
 * rules' version, the codes entered, and the buyer's circumstances.
 */
export const PricingRecordSchema = v.strictObject({
  at: v.pipe(v.number(), v.safeInteger()),
  promotionsRevision: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_VERSION)),
  taxConfigVersion: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_VERSION)),
  coupons: v.pipe(v.array(v.strictObject({ code: shortText(64), status: v.picklist(['applied', 'no_effect', 'unknown', 'not_valid_now', 'already_used']) })), v.maxLength(20)),
  staffPurchase: v.boolean(),
  taxExemption: v.nullable(v.strictObject({ certificate: shortText(64), exemptedTax: nonNegativeMinor })),
  manualDiscounts: v.pipe(v.array(ManualDiscountSchema), v.maxLength(50)),
});

/** One row of the receipt's tax summary: what one authority charged at one rate. */
export const TaxBreakdownRowSchema = v.strictObject({
  jurisdiction: shortText(64),
  label: shortText(80),
  rate: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)),
  base: minor,
  tax: minor,
});

/**
 * Payload version 2 (the pricing engine): cash only, no customer, no receipt
 * link. Still accepted from devices that queued sales before updating; the
 * server reads them through `upgradeSaleV2`.
 */
export const SaleCompletedPayloadV2Schema = v.strictObject({
  saleId: v.pipe(v.string(), v.uuid()),
  receiptNumber: shortText(RECEIPT_NUMBER_MAX),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code')),
  lines: v.pipe(v.array(SaleLineSchema), v.minLength(1, 'a sale needs at least one line'), v.maxLength(500)),
  discounts: v.pipe(v.array(DiscountLineSchema), v.maxLength(MAX_DISCOUNT_LINES)),
  subtotal: minor,
  discountTotal: nonNegativeMinor,
  tax: minor,
  total: minor,
  taxIncluded: v.boolean(),
  taxBreakdown: v.pipe(v.array(TaxBreakdownRowSchema), v.maxLength(50)),
  pricing: PricingRecordSchema,
  tenders: v.pipe(v.array(CashTenderSchema), v.minLength(1), v.maxLength(20)),
  /** device wall clock when the sale was completed, ms since the epoch */
  completedAt: v.pipe(v.number(), v.safeInteger()),
});

/** A sale line of payload version 3: the serial number of a unit that has one, and the associate's note. */
export const SaleLineV3Schema = v.strictObject({
  ...SaleLineSchema.entries,
  serial: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(SERIAL_PATTERN, 'a serial number is letters, digits, "-" and "/"'))),
  note: v.optional(typedText('the note', 200)),
});

/** An override a manager approved at the till that is not a discount: selling past the offline policy's limits. */
export const SaleOverrideSchema = v.strictObject({
  kind: v.literal('offline_limit'),
  /** which limit, in words the audit view shows: "card total offline 512.00 of 500.00" */
  limit: shortText(200),
  approvedBy: shortText(64),
});

/**
 * Payload version 3 (issue 5, a complete checkout): split tender in any mix
 * (tender.ts), cash rounded to the store's smallest coin, the customer the
 * sale names, serial numbers and notes on lines, the receipt's link token,
 * and the overrides a manager approved.
 *
 *   Σ tenders.amount = total + cashRounding
 */
export const SaleCompletedPayloadSchema = v.strictObject({
  ...v.omit(SaleCompletedPayloadV2Schema, ['lines', 'tenders']).entries,
  lines: v.pipe(v.array(SaleLineV3Schema), v.minLength(1, 'a sale needs at least one line'), v.maxLength(500)),
  tenders: v.pipe(v.array(TenderRecordSchema), v.minLength(1, 'a sale is paid by at least one tender'), v.maxLength(20)),
  /** what rounding the cash part to the smallest coin added (or took, if negative) */
  cashRounding: v.pipe(minor, v.minValue(-1000), v.maxValue(1000)),
  customer: v.nullable(v.strictObject({ id: shortText(64), name: shortText(120) })),
  /** 128 random bits, hex: the customer's digital receipt at /r/{token} */
  receiptToken: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'a receipt token is 32 lowercase hex digits')),
  overrides: v.pipe(v.array(SaleOverrideSchema), v.maxLength(10)),
});

/**
 * Payload version 1 (the walking skeleton): no discounts, no pricing record.
 * Still accepted from devices that queued sales before updating; the server
 * reads them through `upgradeSaleV1`.
 */
export const SaleCompletedPayloadV1Schema = v.strictObject({
  saleId: v.pipe(v.string(), v.uuid()),
  receiptNumber: shortText(RECEIPT_NUMBER_MAX),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code')),
  lines: v.pipe(
    v.array(
      v.strictObject({
        sku: shortText(SKU_MAX),
        name: shortText(PRODUCT_NAME_MAX),
        quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_LINE_QUANTITY)),
        unitPrice: nonNegativeMinor,
        taxCategory: shortText(TAX_CATEGORY_MAX),
        lineTotal: minor,
        tax: minor,
      }),
    ),
    v.minLength(1, 'a sale needs at least one line'),
    v.maxLength(500),
  ),
  subtotal: minor,
  tax: minor,
  total: minor,
  taxIncluded: v.boolean(),
  taxBreakdown: v.pipe(v.array(TaxBreakdownRowSchema), v.maxLength(50)),
  taxConfigVersion: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_VERSION)),
  tenders: v.pipe(v.array(CashTenderSchema), v.minLength(1), v.maxLength(20)),
  completedAt: v.pipe(v.number(), v.safeInteger()),
});
export type SaleCompletedPayloadV1 = v.InferOutput<typeof SaleCompletedPayloadV1Schema>;

/**
 * A version-1 sale as version 2 would have recorded it: no discounts, priced
 * when it was completed with no promotions, at the first price version. A
 * line's category is unknown ('') and its tax split by authority was not
 * kept, so `taxParts` is empty; the server prices with its catalogue anyway.
 */
export function upgradeSaleV1(sale: SaleCompletedPayloadV1): SaleCompletedPayloadV2 {
  return {
    saleId: sale.saleId,
    receiptNumber: sale.receiptNumber,
    currency: sale.currency,
    lines: sale.lines.map((line) => ({
      ...line,
      category: '',
      priceVersion: 1,
      discount: 0,
      net: line.lineTotal,
      paid: sale.taxIncluded ? line.lineTotal : line.lineTotal + line.tax,
      taxParts: [],
      discounts: [],
    })),
    discounts: [],
    subtotal: sale.subtotal,
    discountTotal: 0,
    tax: sale.tax,
    total: sale.total,
    taxIncluded: sale.taxIncluded,
    taxBreakdown: sale.taxBreakdown,
    pricing: {
      at: sale.completedAt,
      promotionsRevision: 0,
      taxConfigVersion: sale.taxConfigVersion,
      coupons: [],
      staffPurchase: false,
      taxExemption: null,
      manualDiscounts: [],
    },
    tenders: sale.tenders,
    completedAt: sale.completedAt,
  };
}

/**
 * A version-2 sale as version 3 records it: one cash tender, no rounding (v2
 * had none), no customer. It had no receipt link; the sale id's hex stands in
 * as its token, which is never shown as a link (the server serves links only
 * for version-3 sales).
 */
export function upgradeSaleV2(sale: SaleCompletedPayloadV2): SaleCompletedPayload {
  return { ...sale, cashRounding: 0, customer: null, receiptToken: sale.saleId.replaceAll('-', ''), overrides: [] };
}

/** Any accepted version of a sale's payload, read as the current one. */
export function currentSale(event: { v: number; payload: unknown }): SaleCompletedPayload {
  if (event.v === 1) return upgradeSaleV2(upgradeSaleV1(event.payload as SaleCompletedPayloadV1));
  if (event.v === 2) return upgradeSaleV2(event.payload as SaleCompletedPayloadV2);
  return event.payload as SaleCompletedPayload;
}

export type SaleLine = v.InferOutput<typeof SaleLineV3Schema>;
export type SaleCompletedPayloadV2 = v.InferOutput<typeof SaleCompletedPayloadV2Schema>;
export type SaleCompletedPayload = v.InferOutput<typeof SaleCompletedPayloadSchema>;
export type SaleOverride = v.InferOutput<typeof SaleOverrideSchema>;
export type PricingRecord = v.InferOutput<typeof PricingRecordSchema>;

/** "AUS-8F3A-000042": the store's prefix, the till (end of its device id), and the till's own count. */
export function formatReceiptNumber(receiptPrefix: string, deviceId: string, counter: number): string {
  return `${receiptPrefix}-${deviceId.slice(-4).toUpperCase()}-${String(counter).padStart(6, '0')}`;
}

/** The `sale.completed` payload for a priced cart and how it was paid. */
export function completedSalePayload(sale: {
  saleId: string;
  receiptNumber: string;
  currency: string;
  totals: SaleTotals;
  pricing: { at: number; staffPurchase: boolean; manualDiscounts: PricingRecord['manualDiscounts'] };
  tenders: TenderRecord[];
  cashRounding: Minor;
  customer: { id: string; name: string } | null;
  /** serial number and note per line index, where the associate gave them */
  lineDetails?: ReadonlyMap<number, { serial?: string; note?: string }>;
  receiptToken: string;
  overrides: SaleOverride[];
  completedAt: number;
}): SaleCompletedPayload {
  const { totals } = sale;
  return {
    saleId: sale.saleId,
    receiptNumber: sale.receiptNumber,
    currency: sale.currency,
    // A priced line is a sale line field for field; pricedLine keeps just those fields.
    lines: totals.lines.map((line, index) => ({
      ...pricedLine(line, { ...line, discounts: line.discounts.map(({ discount, amount }) => ({ discount, amount })) }),
      ...sale.lineDetails?.get(index),
    })),
    discounts: totals.discounts.map(({ source, label, amount }) => ({ source: { ...source }, label, amount })),
    subtotal: totals.subtotal,
    discountTotal: totals.discountTotal,
    tax: totals.tax,
    total: totals.total,
    taxIncluded: totals.taxIncluded,
    taxBreakdown: totals.taxBreakdown.map(({ jurisdiction, label, rate, base, tax }) => ({ jurisdiction, label, rate, base, tax })),
    pricing: {
      at: sale.pricing.at,
      promotionsRevision: totals.promotionsRevision,
      taxConfigVersion: totals.taxConfigVersion,
      coupons: totals.coupons.map(({ code, status }) => ({ code, status })),
      staffPurchase: sale.pricing.staffPurchase,
      taxExemption: totals.taxExemption,
      manualDiscounts: sale.pricing.manualDiscounts,
    },
    tenders: sale.tenders,
    cashRounding: sale.cashRounding,
    customer: sale.customer,
    receiptToken: sale.receiptToken,
    overrides: sale.overrides,
    completedAt: sale.completedAt,
  };
}
