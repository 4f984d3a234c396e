import * as v from 'valibot';
import { compareHlc } from './hlc.ts';
import { scaleRounded, sumMinor, type Minor } from './money.ts';
import type { SaleCompletedPayload } from './sale.ts';
import { RefundTenderSchema, type RefundedBefore, type ReturnableSale } from './sale-return.ts';
import { TenderRecordSchema } from './tender.ts';

/**
 * The store's synced history of a sale (`sale_record` in the slice): what any
 * till of the store needs to find a sale made on another till and return or
 * void it, offline — the receipt's number and token, the customer, what each
 * line cost the customer (the facts `refundFor` needs), the tenders, and every
 * return and void the server has applied to it. The server writes it when it
 * applies a sale, a return or a void; tills only read it.
 */
const text = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
const count = v.pipe(v.number(), v.safeInteger());

const ClaimLineSchema = v.object({ line: v.pipe(count, v.minValue(0)), quantity: v.pipe(count, v.minValue(1)), amount: count });

/** A return or void of the sale: the units of each line it took back, and the money it gave. */
export const ReturnClaimSchema = v.object({
  /** the returnId or voidId */
  id: text(64),
  kind: v.picklist(['return', 'void']),
  /** the refund's receipt number; a void's is the sale's own */
  receiptNumber: text(64),
  deviceId: text(64),
  hlc: v.string(),
  lines: v.array(ClaimLineSchema),
  tenders: v.array(RefundTenderSchema),
  /** units of lines the claim took back that an earlier claim (by HLC) had taken already: its conflict */
  charged: v.array(v.object({ line: v.pipe(count, v.minValue(0)), quantity: v.pipe(count, v.minValue(1)) })),
});
export type ReturnClaim = v.InferOutput<typeof ReturnClaimSchema>;

export const SaleRecordSchema = v.object({
  /** the sale id */
  id: text(64),
  receiptNumber: text(64),
  receiptToken: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)),
  deviceId: text(64),
  hlc: v.string(),
  completedAt: count,
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
  total: count,
  cashRounding: count,
  customer: v.nullable(v.object({ id: text(64), name: text(120) })),
  taxBreakdown: v.array(v.object({ jurisdiction: v.string(), label: v.string(), rate: count })),
  lines: v.array(
    v.object({ sku: text(64), name: text(200), quantity: v.pipe(count, v.minValue(1)), unitPrice: count, priceVersion: count, paid: count, taxParts: v.array(count) }),
  ),
  tenders: v.array(TenderRecordSchema),
  /** in HLC order */
  returns: v.array(ReturnClaimSchema),
});
export type SaleRecord = v.InferOutput<typeof SaleRecordSchema>;

/** The record of a sale just applied: nothing returned yet. */
export function saleRecordOf(sale: SaleCompletedPayload, at: { deviceId: string; hlc: string }): SaleRecord {
  return {
    id: sale.saleId,
    receiptNumber: sale.receiptNumber,
    receiptToken: sale.receiptToken,
    deviceId: at.deviceId,
    hlc: at.hlc,
    completedAt: sale.completedAt,
    currency: sale.currency,
    total: sale.total,
    cashRounding: sale.cashRounding,
    customer: sale.customer,
    taxBreakdown: sale.taxBreakdown.map(({ jurisdiction, label, rate }) => ({ jurisdiction, label, rate })),
    lines: sale.lines.map(({ sku, name, quantity, unitPrice, priceVersion, paid, taxParts }) => ({ sku, name, quantity, unitPrice, priceVersion, paid, taxParts: [...taxParts] })),
    tenders: sale.tenders,
    returns: [],
  };
}

/** The sale as a return reads it. */
export const returnableSale = (record: Pick<SaleRecord, 'lines' | 'taxBreakdown'>): ReturnableSale => ({ lines: record.lines, taxBreakdown: record.taxBreakdown });

/** Units of each line taken back by `claims` (all of them, charged or not). */
export function returnedUnits(record: Pick<SaleRecord, 'lines'>, claims: readonly Pick<ReturnClaim, 'lines'>[]): number[] {
  const units = record.lines.map(() => 0);
  for (const claim of claims) for (const line of claim.lines) if (line.line < units.length) units[line.line]! += line.quantity;
  return units;
}

/**
 * Every tender money went back on for the sale, and what rounding cash to the
 * coin added to those refunds in all: a claim's tenders add up to what it
 * refunded for its lines plus its cash rounding.
 */
export function refundedTenders(claims: readonly Pick<ReturnClaim, 'tenders' | 'lines'>[]): RefundedBefore {
  const tenders = claims.flatMap((claim) => claim.tenders);
  const cashRounding = sumMinor(tenders.map((tender) => tender.amount)) - sumMinor(claims.flatMap((claim) => claim.lines.map((line) => line.amount)));
  return { tenders, cashRounding };
}

export const isVoided = (record: Pick<SaleRecord, 'returns'>): boolean => record.returns.some((claim) => claim.kind === 'void');

export const RETURN_CLAIM_RULE = 'the return made first keeps the units and a later one that took them back again is charged, ordered by the tills’ hybrid logical clocks';

export type NewCharge = { claimId: string; line: number; quantity: number; amount: Minor; chargedBefore: number };

const byHlc = (a: ReturnClaim, b: ReturnClaim) => compareHlc(a.hlc, b.hlc) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A line cannot be returned twice (DESIGN.md "Conflicts"): tills apart from
 * each other can each return the same units. Every return stands as the
 * customer was refunded; units of a line taken back beyond what was sold are
 * charged to the latest claims by HLC — whatever order they arrive in — each
 * charge a conflict with a task. Charges made stay made; only units newly over
 * are charged, to the latest claims with units not yet charged, which keeps the
 * charged units the last ones by HLC in any arrival order.
 *
 * Returns the record with the claim added (unchanged when it is there already)
 * and the charges it newly made.
 */
export function withClaim(record: SaleRecord, claim: ReturnClaim): { record: SaleRecord; charges: NewCharge[] } {
  if (record.returns.some((known) => known.id === claim.id)) return { record, charges: [] };
  const returns = [...record.returns, { ...claim, charged: [] }].sort(byHlc);
  const charges: NewCharge[] = [];
  const touched = new Set(claim.lines.map((line) => line.line));
  for (const index of [...touched].sort((a, b) => a - b)) {
    const sold = record.lines[index]?.quantity ?? 0;
    const claimed = returns.reduce((sum, known) => sum + sumLine(known.lines, index), 0);
    const charged = returns.reduce((sum, known) => sum + sumLine(known.charged, index), 0);
    let uncharged = claimed - sold - charged;
    for (let i = returns.length - 1; i >= 0 && uncharged > 0; i -= 1) {
      const known = returns[i]!;
      const chargedBefore = sumLine(known.charged, index);
      const quantity = Math.min(uncharged, sumLine(known.lines, index) - chargedBefore);
      if (quantity <= 0) continue;
      const taken = known.lines.find((line) => line.line === index)!;
      charges.push({ claimId: known.id, line: index, quantity, amount: scaleRounded(taken.amount, quantity, taken.quantity, 'half-up'), chargedBefore });
      returns[i] = { ...known, charged: addLine(known.charged, index, quantity) };
      uncharged -= quantity;
    }
  }
  return { record: { ...record, returns }, charges };
}

function sumLine(lines: readonly { line: number; quantity: number }[], index: number): number {
  let sum = 0;
  for (const line of lines) if (line.line === index) sum += line.quantity;
  return sum;
}

function addLine(lines: readonly { line: number; quantity: number }[], index: number, quantity: number) {
  const others = lines.filter((line) => line.line !== index);
  return [...others, { line: index, quantity: sumLine(lines, index) + quantity }].sort((a, b) => a.line - b.line);
}
