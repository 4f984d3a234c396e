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

/** Units of one line of the sale that one claim took back after earlier claims (by HLC) had, and what was paid for them. */
export type ReturnCharge = { claimId: string; line: number; quantity: number; amount: Minor };

const byHlc = (a: ReturnClaim, b: ReturnClaim) => compareHlc(a.hlc, b.hlc) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Every charge a set of claims makes (DESIGN.md "Conflicts": deterministic
 * whatever the arrival order), worked out from scratch: a pure function of
 * the set, never of the order it was learnt in. For each line, the units
 * taken back beyond what was sold are the last ones by HLC: walking the
 * claims from the latest back, each is charged its units until the excess is
 * used up. The money is what the sale paid for those units, shared
 * cumulatively over them in HLC order (`cumulativeShare` in pricing/refund.ts),
 * so a line's charges add up exactly to what was paid for its excess units —
 * all of the line's money, never more, when it was taken back twice over.
 *
 * A new claim only adds units to the sequence, so the excess grows by what it
 * adds and every unit charged before stays charged: a (claim, line) charged
 * once stays charged, for as many units or more. Its amount can move by the
 * cents of the shared rounding when an earlier claim is charged too.
 */
export function returnCharges(record: Pick<SaleRecord, 'lines'>, claims: readonly ReturnClaim[]): ReturnCharge[] {
  const ordered = [...claims].sort(byHlc);
  const charges: ReturnCharge[] = [];
  for (const [index, line] of record.lines.entries()) {
    const claimed = ordered.map((claim) => sumLine(claim.lines, index));
    let excess = claimed.reduce((sum, units) => sum + units, 0) - line.quantity;
    const chargedUnits = ordered.map(() => 0);
    for (let i = ordered.length - 1; i >= 0 && excess > 0; i -= 1) {
      chargedUnits[i] = Math.min(excess, claimed[i]!);
      excess -= chargedUnits[i]!;
    }
    let unitsBefore = 0;
    for (const [i, claim] of ordered.entries()) {
      const quantity = chargedUnits[i]!;
      if (quantity === 0) continue;
      const amount = scaleRounded(line.paid, unitsBefore + quantity, line.quantity, 'half-up') - scaleRounded(line.paid, unitsBefore, line.quantity, 'half-up');
      charges.push({ claimId: claim.id, line: index, quantity, amount });
      unitsBefore += quantity;
    }
  }
  return charges.sort((a, b) => (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : a.line - b.line));
}

/**
 * A line cannot be returned twice (DESIGN.md "Conflicts"): tills apart from
 * each other can each return the same units. Every return stands as the
 * customer was refunded; units of a line taken back beyond what was sold are
 * charged to the latest claims by HLC (`returnCharges`), each (claim, line)
 * charged a conflict with a task.
 *
 * Returns the record with the claim added and every claim's `charged` worked
 * out again (unchanged when the claim is there already), and the charges that
 * are new or changed by it: the conflicts to write or update in place.
 */
export function withClaim(record: SaleRecord, claim: ReturnClaim): { record: SaleRecord; charges: ReturnCharge[] } {
  if (record.returns.some((known) => known.id === claim.id)) return { record, charges: [] };
  const before = new Map(returnCharges(record, record.returns).map((charge) => [`${charge.claimId}/${charge.line}`, charge]));
  const claims = [...record.returns, claim].sort(byHlc);
  const charges = returnCharges(record, claims);
  const returns = claims.map((known) => ({
    ...known,
    charged: charges.filter((charge) => charge.claimId === known.id).map(({ line, quantity }) => ({ line, quantity })).sort((a, b) => a.line - b.line),
  }));
  const changed = charges.filter((charge) => {
    const was = before.get(`${charge.claimId}/${charge.line}`);
    return !was || was.quantity !== charge.quantity || was.amount !== charge.amount;
  });
  return { record: { ...record, returns }, charges: changed };
}

function sumLine(lines: readonly { line: number; quantity: number }[], index: number): number {
  let sum = 0;
  for (const line of lines) if (line.line === index) sum += line.quantity;
  return sum;
}
