import * as v from 'valibot';
import type { Minor } from './money.ts';
import { noCardNumber } from './typed-text.ts';

/**
 * Gift cards and store credit: stored-value accounts of one store, synced
 * down with its slice. The balance is the server's: a sale's gift card or
 * store credit tender spends it on the till, and the server debits it when it
 * applies the sale; a return's or void's tender credits it back, and a refund
 * to a new credit slip opens its account. A balance the server finds overdrawn (two tills spent the
 * same card while apart) is recorded for HQ, never refused: the goods are gone.
 */
export const StoredValueRecordSchema = v.object({
  /** the account's number as printed on the card or credit slip; never anything that reads as a card number */
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[A-Za-z0-9\-_/.:]+$/), noCardNumber('the account number')),
  kind: v.picklist(['gift_card', 'store_credit']),
  /** the gift card's last four digits, as the receipt shows them; null for store credit */
  last4: v.nullable(v.pipe(v.string(), v.regex(/^\d{4}$/))),
  /** whose store credit it is; null for a gift card */
  customerId: v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
  /** minor units; below zero only when the server found it overdrawn */
  balance: v.pipe(v.number(), v.safeInteger()),
  /** what this account may spend offline, where it differs from the store's policy */
  offlineLimit: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
});
export type StoredValueRecord = v.InferOutput<typeof StoredValueRecordSchema>;

/**
 * What a till may take from an account now: the balance as last synced less
 * what this till has spent from it in sales the server has not acknowledged,
 * plus what this till's unacknowledged returns and voids paid back onto it
 * (neither is in the synced balance yet). Never below zero.
 */
export function spendableBalance(syncedBalance: Minor, unsentSpent: Minor, unsentCredited: Minor = 0): Minor {
  return Math.max(0, syncedBalance + unsentCredited - unsentSpent);
}

/** The balance after a return or void pays `amount` back onto the account. */
export function credit(balance: Minor, amount: Minor): Minor {
  return balance + amount;
}

/** The balance after the server debits `amount`, and how much of `amount` the account did not hold (0 when it held it all). */
export function debit(balance: Minor, amount: Minor): { balance: Minor; overdrawnBy: Minor } {
  return { balance: balance - amount, overdrawnBy: Math.max(0, amount - Math.max(0, balance)) };
}
