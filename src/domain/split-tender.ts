import { divideRounded, sumMinor, type Minor } from './money.ts';
import type { TenderKind, TenderRecord } from './tender.ts';

/**
 * Split tender (issue 5): a sale's total paid by any mix of cash, card by
 * reference from the payment terminal, gift card, store credit and "pay at
 * another till". Each tender pays part of the total; only cash can be handed
 * over in excess, and gives change.
 *
 * Where the store's country has no coin for its smallest unit (Switzerland's
 * 0.05, Sweden's 1 kr, Canada's 0.05 for cash), the part paid in cash is
 * rounded to the smallest coin, half up (0.01–0.02 down, 0.03–0.04 up); the
 * difference is the sale's cash rounding, recorded beside its total, which
 * itself stays exact. Card and other tenders are never rounded.
 */

/** What an associate has taken so far, in order: `amount` is the part of the total each pays. */
export type TenderInput = { kind: Exclude<TenderKind, 'cash'>; amount: Minor } | { kind: 'cash'; tendered: Minor };

export type Settlement = {
  /** the sale total, exact */
  total: Minor;
  /** paid by non-cash tenders */
  paidOtherwise: Minor;
  /** what is left to pay after every tender (once cash is being taken: cash, to the coin); 0 once settled */
  remaining: Minor;
  /** what cash must cover of the rest: `remaining` rounded to the smallest coin */
  cashDue: Minor;
  /** the part of the total cash pays (cash handed over less change), rounded to the smallest coin */
  cashAmount: Minor;
  /** cash paid minus the exact amount it settled: what rounding to the smallest coin gave or took */
  cashRounding: Minor;
  change: Minor;
  settled: boolean;
};

/**
 * Why tenders cannot settle a sale, as a value the screen puts in words
 * (src/app/words): amounts stay minor units here, the screen writes them in
 * the store's currency.
 */
export type TenderProblem =
  | { code: 'negative_total' }
  | { code: 'cash_not_whole' }
  | { code: 'nothing_paid'; kind: Exclude<TenderKind, 'cash'> }
  /** a tender other than cash of more than was left to pay: `excess` over it */
  | { code: 'more_than_left'; kind: Exclude<TenderKind, 'cash'>; excess: Minor }
  /** an exchange's new goods cost more than the returned and the cash handed over */
  | { code: 'still_owed'; remaining: Minor }
  | { code: 'exchange_one_sided' };

/** An amount rounded to the smallest coin `coin` (minor units; 1 where every unit has a coin), ties away from zero. */
export function roundToCoin(amount: Minor, coin: number): Minor {
  if (!Number.isSafeInteger(coin) || coin < 1) throw new RangeError(`the smallest coin must be a whole number of minor units ≥ 1, got ${coin}`);
  return coin === 1 ? amount : divideRounded(amount, coin, 'half-up') * coin;
}

/**
 * Where the tenders taken so far leave the sale. Refuses (as a value) a
 * non-cash tender of more than is left to pay, since only cash gives change.
 * Cash counts last, whatever the order it was taken in: it settles the rest.
 */
export function settleTenders(total: Minor, tenders: readonly TenderInput[], coin = 1): Settlement | { problem: TenderProblem } {
  if (total < 0) return { problem: { code: 'negative_total' } };
  let paidOtherwise = 0;
  let cashTendered = 0;
  for (const tender of tenders) {
    if (tender.kind === 'cash') {
      if (!Number.isSafeInteger(tender.tendered) || tender.tendered < 0) return { problem: { code: 'cash_not_whole' } };
      cashTendered += tender.tendered;
      continue;
    }
    if (!Number.isSafeInteger(tender.amount) || tender.amount <= 0) return { problem: { code: 'nothing_paid', kind: tender.kind } };
    if (paidOtherwise + tender.amount > total) return { problem: { code: 'more_than_left', kind: tender.kind, excess: tender.amount - (total - paidOtherwise) } };
    paidOtherwise += tender.amount;
  }
  const rest = total - paidOtherwise;
  const cashDue = roundToCoin(rest, coin);
  const hasCash = tenders.some((tender) => tender.kind === 'cash');
  // Rounding to the coin applies to a payment in cash: without one, the rest is owed to the unit.
  const settledByCash = hasCash && cashTendered >= cashDue;
  if (!settledByCash) {
    // With cash taken, what is left is cash still to hand over, to the coin.
    const remaining = hasCash ? cashDue - cashTendered : rest;
    return { total, paidOtherwise, remaining, cashDue, cashAmount: cashTendered, cashRounding: 0, change: 0, settled: remaining === 0 };
  }
  return { total, paidOtherwise, remaining: 0, cashDue, cashAmount: cashDue, cashRounding: cashDue - rest, change: cashTendered - cashDue, settled: true };
}

/**
 * What is wrong with how a recorded sale says it was paid, or null: the
 * tenders must add up to the total plus the cash rounding, each cash tender
 * must give the change its figures say, and the rounding must be what
 * rounding the cash part to the store's smallest coin gives (none without cash).
 * The server refuses a sale that fails this; the till never writes one.
 */
export function tenderProblem(sale: { total: Minor; cashRounding: Minor; tenders: readonly TenderRecord[] }, coin: number): string | null {
  const paid = sumMinor(sale.tenders.map((tender) => tender.amount));
  if (paid !== sale.total + sale.cashRounding) return `tenders add up to ${paid} but the sale total is ${sale.total} with ${sale.cashRounding} cash rounding`;
  for (const [index, tender] of sale.tenders.entries()) {
    if (tender.kind === 'cash' && (tender.tendered < tender.amount || tender.change !== tender.tendered - tender.amount)) {
      return `cash tender ${index + 1} takes ${tender.amount} from ${tender.tendered} but gives ${tender.change} change`;
    }
  }
  const cash = sale.tenders.filter((tender) => tender.kind === 'cash');
  if (cash.length === 0) return sale.cashRounding === 0 ? null : `cash rounding is ${sale.cashRounding} but the sale took no cash`;
  const cashPart = sumMinor(cash.map((tender) => tender.amount)) - sale.cashRounding;
  const rounding = roundToCoin(cashPart, coin) - cashPart;
  if (rounding !== sale.cashRounding) return `cash rounding is ${sale.cashRounding} but rounding ${cashPart} to the store's smallest coin (${coin}) gives ${rounding}`;
  return null;
}
