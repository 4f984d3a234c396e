import * as v from 'valibot';
import type { Minor } from './money.ts';
import { noCardNumber } from './typed-text.ts';

/**
 * How a sale was paid, tender by tender (payload version 3). `amount` is the
 * part of the sale each tender paid; only cash is handed over in excess and
 * gives change. A card is a reference from the payment terminal: brand, last
 * four digits, approval code and the terminal's reference — never the card
 * number, and no field here can hold one (typed-text.ts).
 */
const amount = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** A reference that cannot smuggle a card number: letters, digits and - _ / . : */
export const reference = (what: string, max: number) =>
  v.pipe(
    v.string(),
    v.minLength(1, `${what} is empty`),
    v.maxLength(max, `${what} is longer than ${max}`),
    v.regex(/^[A-Za-z0-9\-_/.:]+$/, `${what} is letters, digits and - _ / . :`),
    noCardNumber(what),
  );
export const last4 = v.pipe(v.string(), v.regex(/^\d{4}$/, 'last four digits are four digits'));

export const CashTenderSchema = v.strictObject({ kind: v.literal('cash'), amount, tendered: amount, change: amount });

export const CardTenderSchema = v.strictObject({
  kind: v.literal('card'),
  amount,
  brand: v.pipe(v.string(), v.minLength(1), v.maxLength(24), v.regex(/^[A-Za-z][A-Za-z ]*$/, 'a card brand is a name')),
  last4,
  approvalCode: reference('the approval code', 12),
  terminalRef: reference("the terminal's reference", 40),
  /** taken while the till could not reach the network: store-and-forward, within the store's floor limits */
  offline: v.boolean(),
});

export const TenderRecordSchema = v.variant('kind', [
  CashTenderSchema,
  CardTenderSchema,
  v.strictObject({ kind: v.literal('gift_card'), amount, accountId: reference('the gift card account', 64), last4, offline: v.boolean() }),
  v.strictObject({ kind: v.literal('store_credit'), amount, accountId: reference('the store credit account', 64), offline: v.boolean() }),
  /** paid at another till, which rings up the payment under this reference */
  v.strictObject({ kind: v.literal('other_till'), amount, reference: reference('the other till reference', 40) }),
  /** the value of goods returned in the same exchange (refund.completed names the sale it paid) */
  v.strictObject({ kind: v.literal('exchange'), amount, returnId: v.pipe(v.string(), v.uuid()) }),
]);

export type CashTender = v.InferOutput<typeof CashTenderSchema>;
export type TenderRecord = v.InferOutput<typeof TenderRecordSchema>;
export type TenderKind = TenderRecord['kind'];

/** Cash handed over for a total: the sale takes `total`, the rest is change. */
export function cashTender(total: Minor, tendered: Minor): CashTender | { error: string } {
  if (tendered < total) return { error: `cash tendered is ${total - tendered} short of the total` };
  return { kind: 'cash', amount: total, tendered, change: tendered - total };
}
