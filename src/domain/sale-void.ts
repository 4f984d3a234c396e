import * as v from 'valibot';
import { canonicalJson } from './canonical-json.ts';
import { sumMinor } from './money.ts';
import { RECEIPT_NUMBER_MAX } from './sale.ts';
import { RefundTenderSchema, type RefundTender } from './sale-return.ts';
import type { TenderRecord } from './tender.ts';
import { typedText } from './typed-text.ts';

/**
 * Post-void (issue 5): a manager cancels a completed sale after the fact. The
 * sale is never deleted; `sale.voided` compensates it: every unit comes back
 * to stock and every tender is paid back what it paid (`voidTenders`). A void
 * takes back the whole sale, so a till voids only a sale it knows nothing of
 * was returned; one returned elsewhere meanwhile is settled by HLC on the
 * server like two returns of one line (conflicts/return-claims.ts).
 */
const shortText = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

export const SaleVoidedPayloadSchema = v.pipe(
  v.strictObject({
    voidId: v.pipe(v.string(), v.uuid()),
    sale: v.strictObject({ saleId: v.pipe(v.string(), v.uuid()), receiptNumber: shortText(RECEIPT_NUMBER_MAX) }),
    /** paid back: the sale's tenders, amount for amount (`voidTenders`) */
    tenders: v.pipe(v.array(RefundTenderSchema), v.minLength(1), v.maxLength(20)),
    total: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
    reason: typedText('the reason', 200),
    /** the manager who approved the void with their PIN at the till */
    approvedBy: shortText(64),
    completedAt: v.pipe(v.number(), v.safeInteger()),
  }),
  v.check((voided) => sumMinor(voided.tenders.map((tender) => tender.amount)) === voided.total, 'the tenders add up to the void total'),
);
export type SaleVoidedPayload = v.InferOutput<typeof SaleVoidedPayloadSchema>;

/**
 * Money back on the tenders the sale was paid with, each what it paid (cash
 * rounding included: the drawer gives back what it took). A payment made at
 * another till goes back in cash here. A sale part-paid by an exchange cannot
 * be voided: the goods of that exchange were returned by another event, whose
 * value would be lost; its lines are returned instead.
 */
export function voidTenders(paidWith: readonly TenderRecord[]): RefundTender[] | { error: string } {
  const tenders: RefundTender[] = [];
  for (const tender of paidWith) {
    switch (tender.kind) {
      case 'cash':
      case 'other_till':
        tenders.push({ kind: 'cash', amount: tender.amount });
        break;
      case 'card':
        tenders.push({ kind: 'card', amount: tender.amount, brand: tender.brand, last4: tender.last4, terminalRef: tender.terminalRef });
        break;
      case 'gift_card':
        tenders.push({ kind: 'gift_card', amount: tender.amount, accountId: tender.accountId, last4: tender.last4 });
        break;
      case 'store_credit':
        tenders.push({ kind: 'store_credit', amount: tender.amount, accountId: tender.accountId });
        break;
      case 'exchange':
        return { error: 'a sale paid in part by an exchange cannot be voided; return its lines instead' };
    }
  }
  return tenders;
}

/** What is wrong with a void of a sale paid by `paidWith`, or null: it must pay back exactly the sale's tenders. */
export function voidProblem(voided: SaleVoidedPayload, paidWith: readonly TenderRecord[]): string | null {
  const expected = voidTenders(paidWith);
  if ('error' in expected) return expected.error;
  const same = expected.length === voided.tenders.length && expected.every((tender, index) => canonicalJson(tender) === canonicalJson(voided.tenders[index]));
  return same ? null : 'a void pays back the sale’s own tenders, each what it paid';
}
