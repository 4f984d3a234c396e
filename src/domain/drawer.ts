import type { Minor } from './money.ts';

/**
 * The cash drawer over one till session (issue 5): counted by denomination at
 * open (the float) and at close (blind: the associate counts before seeing
 * what is expected), and moved between by cash sales, cash refunds, paid in,
 * paid out and drops to the safe. Expected cash is
 *
 *   float + cash sales − cash refunds + paid in − paid out − drops
 *
 * and the variance is what was counted less that.
 */

/** Notes and coins a till counts, in minor units, largest first. */
const DENOMINATIONS: Record<string, readonly Minor[]> = {
  USD: [10_000, 5_000, 2_000, 1_000, 500, 100, 25, 10, 5, 1],
  EUR: [50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  GBP: [5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  CHF: [100_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5],
};

/** The smallest banknote of each currency above, in minor units: the rest are coins. */
const SMALLEST_NOTE: Record<string, Minor> = { USD: 100, EUR: 500, GBP: 500, CHF: 1_000 };

/** Whether a denomination of a currency is a note (else a coin): how the drawer's count names it. */
export function isNote(currency: string, denomination: Minor): boolean {
  return denomination >= (SMALLEST_NOTE[currency] ?? Infinity);
}

/** The notes and coins of a currency, largest first; null for a currency whose set is not known here (count it as one amount). */
export function denominationsOf(currency: string): readonly Minor[] | null {
  return DENOMINATIONS[currency] ?? null;
}

/** How many of each note and coin, keyed by its value in minor units. */
export type DenominationCount = Readonly<Record<string, number>>;

/** Why a count of the drawer cannot be taken, as a value the till puts in words (src/app/words). */
export type CountProblem = { code: 'unknown_denomination'; currency: string; denomination: Minor } | { code: 'pieces_not_whole'; denomination: Minor };

/**
 * The value of a count by denomination; refuses a denomination the currency
 * lacks or a count that is not a whole number. For a currency whose notes and
 * coins are not known here, a count is one amount: { 1: minor units }.
 */
export function countValue(currency: string, count: DenominationCount): Minor | { problem: CountProblem } {
  const known = new Set((denominationsOf(currency) ?? [1]).map(String));
  let total = 0;
  for (const [denomination, pieces] of Object.entries(count)) {
    if (!known.has(denomination)) return { problem: { code: 'unknown_denomination', currency, denomination: Number(denomination) } };
    if (!Number.isSafeInteger(pieces) || pieces < 0) return { problem: { code: 'pieces_not_whole', denomination: Number(denomination) } };
    total += Number(denomination) * pieces;
  }
  return total;
}

export type DrawerMovement =
  | { kind: 'cash_sale'; amount: Minor }
  | { kind: 'cash_refund'; amount: Minor }
  | { kind: 'paid_in'; amount: Minor }
  | { kind: 'paid_out'; amount: Minor }
  | { kind: 'drop'; amount: Minor }
  | { kind: 'no_sale' };

const SIGN = { cash_sale: 1, cash_refund: -1, paid_in: 1, paid_out: -1, drop: -1, no_sale: 0 } as const;

/** Cash the drawer should hold after `movements`, from a counted float. */
export function expectedCash(float: Minor, movements: readonly DrawerMovement[]): Minor {
  let expected = float;
  for (const movement of movements) if (movement.kind !== 'no_sale') expected += SIGN[movement.kind] * movement.amount;
  return expected;
}

export type DrawerClose = { expected: Minor; counted: Minor; variance: Minor };

/** The close of a session: counted blind, then compared. A positive variance is cash over, a negative one short. */
export function closeDrawer(float: Minor, movements: readonly DrawerMovement[], counted: Minor): DrawerClose {
  const expected = expectedCash(float, movements);
  return { expected, counted, variance: counted - expected };
}
