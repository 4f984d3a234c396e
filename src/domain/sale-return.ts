import * as v from 'valibot';
import { sumMinor, type Minor } from './money.ts';
import { refundFor, type RefundableSale, type ReturnRequest } from './pricing/refund.ts';
import { MAX_LINE_QUANTITY } from './cart-line.ts';
import { PRODUCT_NAME_MAX, RECEIPT_NUMBER_MAX, SKU_MAX } from './sale.ts';
import { last4, reference, type TenderRecord } from './tender.ts';
import { roundToCoin, settleTenders, type TenderProblem } from './split-tender.ts';
import { typedText } from './typed-text.ts';

/**
 * Returns (issue 5): units of a sale brought back, refunded by what the
 * customer paid for them (the pricing engine's allocation, `refundFor`), or,
 * without a receipt, at the product's lowest recent price with a manager's
 * approval. The `refund.completed` event records the lines, the money and how
 * it went back; a refund to the original tender where there is one.
 *
 *   Σ lines.amount = total;  Σ tenders.amount = total + cashRounding
 */
const minor = v.pipe(v.number(), v.safeInteger());
const amount = v.pipe(minor, v.minValue(0));
const shortText = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
const uuid = v.pipe(v.string(), v.uuid());
const MAX_SALE_LINES = 500;

/** How money goes back. A card is refunded against the terminal reference of the payment it reverses. */
export const RefundTenderSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('cash'), amount }),
  v.strictObject({
    kind: v.literal('card'),
    amount,
    brand: v.pipe(v.string(), v.minLength(1), v.maxLength(24), v.regex(/^[A-Za-z][A-Za-z ]*$/, 'a card brand is a name')),
    last4,
    terminalRef: reference("the terminal's reference", 40),
  }),
  v.strictObject({ kind: v.literal('gift_card'), amount, accountId: reference('the gift card account', 64), last4 }),
  v.strictObject({ kind: v.literal('store_credit'), amount, accountId: reference('the store credit account', 64) }),
  /** the value carried into the exchange's new sale, which names this return in its `exchange` tender */
  v.strictObject({ kind: v.literal('exchange'), amount, saleId: uuid }),
]);
export type RefundTender = v.InferOutput<typeof RefundTenderSchema>;

export const ReturnLineSchema = v.strictObject({
  /** the original sale's line (0-based); null for a return without a receipt */
  line: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SALE_LINES - 1))),
  sku: shortText(SKU_MAX),
  name: shortText(PRODUCT_NAME_MAX),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_LINE_QUANTITY)),
  /** refunded for these units, tax included */
  amount,
  tax: minor,
});
export type ReturnLine = v.InferOutput<typeof ReturnLineSchema>;

const RefundTaxRowSchema = v.strictObject({ jurisdiction: shortText(64), label: shortText(80), rate: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)), tax: minor });

export const RefundCompletedPayloadSchema = v.pipe(
  v.strictObject({
    returnId: uuid,
    /** the refund's own receipt number, from the till's receipt counter */
    receiptNumber: shortText(RECEIPT_NUMBER_MAX),
    currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code')),
    /** the original sale, and the units of each of its lines this till knew were returned already; null without a receipt */
    sale: v.nullable(
      v.strictObject({
        saleId: uuid,
        receiptNumber: shortText(RECEIPT_NUMBER_MAX),
        returnedBefore: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(0))), v.maxLength(MAX_SALE_LINES)),
      }),
    ),
    lines: v.pipe(v.array(ReturnLineSchema), v.minLength(1, 'a return has at least one line'), v.maxLength(MAX_SALE_LINES)),
    taxBreakdown: v.pipe(v.array(RefundTaxRowSchema), v.maxLength(50)),
    tax: minor,
    total: amount,
    tenders: v.pipe(v.array(RefundTenderSchema), v.minLength(1, 'a refund goes back by at least one tender'), v.maxLength(10)),
    /** what rounding the cash part to the store's smallest coin added (or took) */
    cashRounding: v.pipe(minor, v.minValue(-1000), v.maxValue(1000)),
    reason: typedText('the reason', 200),
    /** the manager who approved a return without a receipt or past the return window */
    approvedBy: v.nullable(shortText(64)),
    completedAt: v.pipe(v.number(), v.safeInteger()),
  }),
  v.check((refund) => refund.sale !== null || refund.approvedBy !== null, 'a return without a receipt needs a manager’s approval (approvedBy)'),
  v.check((refund) => refund.lines.every((line) => (line.line === null) === (refund.sale === null)), 'lines name the sale’s line exactly when the return names a sale'),
  v.check((refund) => sumMinor(refund.lines.map((line) => line.amount)) === refund.total, 'the lines add up to the refund total'),
  v.check((refund) => sumMinor(refund.lines.map((line) => line.tax)) === refund.tax, 'the lines’ tax adds up to the refund’s tax'),
  v.check((refund) => sumMinor(refund.tenders.map((tender) => tender.amount)) === refund.total + refund.cashRounding, 'the tenders add up to the refund total plus its cash rounding'),
);
export type RefundCompletedPayload = v.InferOutput<typeof RefundCompletedPayloadSchema>;

/** A sale as a return reads it: the refundable facts of each line, with names. */
export type ReturnableSale = Omit<RefundableSale, 'lines'> & { lines: readonly (RefundableSale['lines'][number] & { name: string })[] };

/** The lines, tax and total of returning `requests` of a sale, given the units already returned per line. */
export function returnFigures(sale: ReturnableSale, returnedBefore: readonly number[], requests: readonly ReturnRequest[]): Pick<RefundCompletedPayload, 'lines' | 'taxBreakdown' | 'tax' | 'total'> | { error: string } {
  const refund = refundFor(sale, returnedBefore, requests);
  if ('error' in refund) return refund;
  return {
    lines: refund.lines.map((line) => ({ line: line.line, sku: line.sku, name: sale.lines[line.line]!.name, quantity: line.quantity, amount: line.amount, tax: line.tax })),
    taxBreakdown: refund.taxBreakdown,
    tax: refund.tax,
    total: refund.total,
  };
}

/**
 * What is wrong with a return of a sale, or null: every line must be one of the
 * sale's, with units left to return by what the till knew (`returnedBefore`),
 * and refund exactly what the engine's allocation gives for them. The server
 * checks every synced return with this; the till never writes one that fails.
 */
export function returnProblem(refund: RefundCompletedPayload, sale: ReturnableSale): string | null {
  if (!refund.sale) return 'the return names no sale';
  const { returnedBefore } = refund.sale;
  if (returnedBefore.length > sale.lines.length) return `the return counts units returned of ${returnedBefore.length} lines, but the sale has ${sale.lines.length}`;
  for (const line of refund.lines) {
    const original = sale.lines[line.line!];
    if (!original) return `the sale has no line ${line.line! + 1}`;
    if (original.sku !== line.sku) return `line ${line.line! + 1} of the sale is ${original.sku}, not ${line.sku}`;
  }
  const expected = returnFigures(sale, returnedBefore, refund.lines.map((line) => ({ line: line.line!, quantity: line.quantity })));
  if ('error' in expected) return expected.error;
  for (const [index, line] of refund.lines.entries()) {
    const computed = expected.lines.find((candidate) => candidate.line === line.line)!;
    if (refund.lines.filter((other) => other.line === line.line).length > 1) return `line ${line.line! + 1} is returned twice in one return`;
    if (computed.amount !== line.amount || computed.tax !== line.tax) {
      return `return line ${index + 1} refunds ${line.amount} (tax ${line.tax}); the sale's allocation gives ${computed.amount} (tax ${computed.tax}) for ${line.quantity} of line ${line.line! + 1}`;
    }
  }
  return null;
}

const DAY_MS = 86_400_000;

/** Whether a sale completed at `saleAt` may still be returned at `now` without a manager. */
export function withinReturnWindow(saleAt: number, now: number, returnDays: number): boolean {
  return now - saleAt <= returnDays * DAY_MS;
}

/**
 * The price a return without a receipt refunds a unit at: the lowest the
 * product was sold for in the store over the return window (any till, from the
 * synced history), and never more than it costs today. A receipt-less return
 * cannot be worth more than the cheapest way the item could have been bought.
 */
export function lowestRecentPrice(currentPrice: Minor, sold: readonly { unitPrice: Minor; completedAt: number }[], now: number, returnDays: number): Minor {
  let lowest = currentPrice;
  for (const sale of sold) if (withinReturnWindow(sale.completedAt, now, returnDays) && sale.completedAt <= now) lowest = Math.min(lowest, sale.unitPrice);
  return lowest;
}

/** Where the rest goes when the sale's own tenders cannot take it back: the store's policy. */
export type RefundFallback = { kind: 'cash' } | { kind: 'store_credit'; accountId: string };

/** A key naming one way money was paid: refunds to it never exceed what it paid. */
export const tenderKey = (tender: TenderRecord | RefundTender): string | null => {
  switch (tender.kind) {
    case 'cash':
      return 'cash';
    case 'card':
      return `card ${tender.terminalRef}`;
    case 'gift_card':
    case 'store_credit':
      return `${tender.kind} ${tender.accountId}`;
    default:
      return null;
  }
};

/**
 * What the sale's earlier refunds gave back: every tender, and what rounding
 * cash to the coin added to them in all (`cashRounding` summed), so the exact
 * cash they refunded is the cash tenders' sum less it.
 */
export type RefundedBefore = { tenders: readonly RefundTender[]; cashRounding: Minor };

export const NOTHING_REFUNDED: RefundedBefore = { tenders: [], cashRounding: 0 };

/**
 * Refund to the original tenders, as far as they go: cards, gift cards and
 * store credit first (each up to what it paid less what was refunded to it
 * before), then cash, then the store's fallback for the rest (a sale paid at
 * another till, or a return without a receipt). Cash is rounded to the
 * smallest coin; what that adds or takes is the refund's cash rounding.
 *
 * Cash is rounded cumulatively over the sale's refunds, as `refundFor` shares a
 * line's money over its units: this refund's cash is the exact cash refunded
 * so far, this one included, rounded, less the cash handed back before. What
 * rounding adds to one refund comes off a later one, so partial returns that
 * together take everything back hand back exactly the cash the sale took
 * (3 × 1.03 paid 3.10 with a 5 coin: 1.05 + 1.00 + 1.05, not 3 × 1.05), and
 * never more than it took less what went back before. `saleCashRounding` is
 * what rounding the sale's own cash to the coin added: the sale's cash tenders
 * are rounded, the refund's share of it is exact.
 */
export function refundTenders(
  total: Minor,
  paidWith: readonly TenderRecord[],
  refundedBefore: RefundedBefore,
  fallback: RefundFallback,
  coin = 1,
  saleCashRounding: Minor = 0,
): { tenders: RefundTender[]; cashRounding: Minor } {
  const refunded = new Map<string, Minor>();
  for (const tender of refundedBefore.tenders) {
    const key = tenderKey(tender);
    if (key) refunded.set(key, (refunded.get(key) ?? 0) + tender.amount);
  }
  const cashBefore = refunded.get('cash') ?? 0;
  const tenders: RefundTender[] = [];
  let rest = total;
  const take = (tender: TenderRecord, make: (amount: Minor) => RefundTender) => {
    const key = tenderKey(tender)!;
    const room = Math.max(0, tender.amount - (refunded.get(key) ?? 0));
    const part = Math.min(room, rest);
    if (part <= 0) return;
    refunded.set(key, (refunded.get(key) ?? 0) + part);
    tenders.push(make(part));
    rest -= part;
  };
  for (const tender of paidWith) {
    if (tender.kind === 'card') take(tender, (part) => ({ kind: 'card', amount: part, brand: tender.brand, last4: tender.last4, terminalRef: tender.terminalRef }));
    else if (tender.kind === 'gift_card') take(tender, (part) => ({ kind: 'gift_card', amount: part, accountId: tender.accountId, last4: tender.last4 }));
    else if (tender.kind === 'store_credit') take(tender, (part) => ({ kind: 'store_credit', amount: part, accountId: tender.accountId }));
  }
  const cashPaid = sumMinor(paidWith.filter((tender) => tender.kind === 'cash').map((tender) => tender.amount));
  const exactBefore = cashBefore - refundedBefore.cashRounding;
  // Exact against exact: what the sale's cash paid before rounding, less the exact cash refunded before.
  const exactRoom = Math.max(0, cashPaid - saleCashRounding - exactBefore);
  const cashRoom = Math.max(0, cashPaid - cashBefore);
  const fromSaleCash = Math.min(rest, exactRoom);
  rest -= fromSaleCash;
  if (rest > 0 && fallback.kind === 'store_credit') {
    tenders.push({ kind: 'store_credit', amount: rest, accountId: fallback.accountId });
    rest = 0;
  }
  // Exact cash of this refund: the sale's cash part, and the fallback's cash for what nothing else takes.
  const cash = fromSaleCash + rest;
  let cashRounded = 0;
  if (cash > 0) {
    const cumulative = roundToCoin(exactBefore + cash, coin) - cashBefore;
    // Never more than the sale's cash left; cash the fallback gives beyond it is not the sale's, and stays rounded to the coin.
    cashRounded = rest > 0 ? Math.max(0, cumulative) : Math.min(Math.max(0, cumulative), cashRoom);
  }
  if (cashRounded > 0) tenders.push({ kind: 'cash', amount: cashRounded });
  return { tenders, cashRounding: cashRounded - cash };
}

/**
 * An exchange settles as one number: the new sale's total less what the
 * returned goods are worth. The return carries min(both) into the new sale
 * (its `exchange` tender, and the new sale's); the customer pays the rest, or
 * is refunded it when the returned goods are worth more.
 */
export function exchangeBalance(returnTotal: Minor, newSaleTotal: Minor): { carried: Minor; customerPays: Minor; customerGets: Minor } {
  const carried = Math.min(returnTotal, newSaleTotal);
  return { carried, customerPays: newSaleTotal - carried, customerGets: returnTotal - carried };
}

/**
 * How an exchange settles, tender by tender. The returned goods' value carries
 * into the new sale (an `exchange` tender on each side, naming the other);
 * the customer pays the rest in cash, or gets the difference back on the
 * original sale's tenders as a return would. `cashTendered` is what the
 * customer hands over when they pay.
 */
export function exchangeTenders(
  exchange: { returnTotal: Minor; newSaleTotal: Minor; cashTendered: Minor; returnId: string; saleId: string },
  original: { paidWith: readonly TenderRecord[]; cashRounding: Minor; refundedBefore: RefundedBefore; fallback: RefundFallback },
  coin = 1,
): { sale: { tenders: TenderRecord[]; cashRounding: Minor; change: Minor }; refund: { tenders: RefundTender[]; cashRounding: Minor } } | { problem: TenderProblem } {
  const { carried, customerPays, customerGets } = exchangeBalance(exchange.returnTotal, exchange.newSaleTotal);
  const saleTenders: TenderRecord[] = carried > 0 ? [{ kind: 'exchange', amount: carried, returnId: exchange.returnId }] : [];
  let saleRounding = 0;
  let change = 0;
  if (customerPays > 0) {
    const settled = settleTenders(exchange.newSaleTotal, [...saleTenders, { kind: 'cash', tendered: exchange.cashTendered }], coin);
    if ('problem' in settled) return settled;
    if (!settled.settled) return { problem: { code: 'still_owed', remaining: settled.remaining } };
    saleTenders.push({ kind: 'cash', amount: settled.cashAmount, tendered: exchange.cashTendered, change: settled.change });
    saleRounding = settled.cashRounding;
    change = settled.change;
  }
  const back = customerGets > 0 ? refundTenders(customerGets, original.paidWith, original.refundedBefore, original.fallback, coin, original.cashRounding) : { tenders: [], cashRounding: 0 };
  const refund = { tenders: [...(carried > 0 ? [{ kind: 'exchange' as const, amount: carried, saleId: exchange.saleId }] : []), ...back.tenders], cashRounding: back.cashRounding };
  if (refund.tenders.length === 0 || saleTenders.length === 0) return { problem: { code: 'exchange_one_sided' } };
  return { sale: { tenders: saleTenders, cashRounding: saleRounding, change }, refund };
}
