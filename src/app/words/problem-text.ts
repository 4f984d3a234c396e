import type { TenderKind } from '../../domain/tender.ts';
import type { TenderProblem } from '../../domain/split-tender.ts';
import type { StoreWords } from './store-words.ts';
import type { ExchangeProblem } from '../../local/exchange.ts';
import { UnknownTaxCategoryError } from '../../domain/pricing/tax.ts';
import { exceptionText } from './failure-text.ts';
import type { TillStepProblem } from '../../local/till-session.ts';
import type { FindSaleProblem } from '../../local/find-sale.ts';
import type { VoidProblem } from '../../local/returns.ts';
import type { CashAction, TillSessionRefusal } from '../../domain/cash-till-rule.ts';

const TENDER_WORDS: Record<TenderKind, string> = { cash: 'cash', card: 'card', gift_card: 'gift card', store_credit: 'store credit', other_till: 'other till', exchange: 'exchange' };

/** A tender's kind as the associate says it: "gift card". */
export const tenderWord = (kind: TenderKind) => TENDER_WORDS[kind];

/** Why the cart cannot be priced: a product whose tax the store does not know, or (unexpectedly) the engine failed. */
export function pricingFailureText(error: unknown): string {
  const unknownTax = UnknownTaxCategoryError.from(error);
  if (unknownTax) return `This cart cannot be priced: tax category “${unknownTax.category}” of an item is not set up at this store. Remove the last item or call a manager.`;
  return `${exceptionText(error, 'This cart cannot be priced')} Remove the last item or call a manager.`;
}

/** Why payments cannot settle a sale (or an exchange be made), in the store's words and currency. */
export function tenderProblemText(problem: TenderProblem | ExchangeProblem, words: StoreWords): string {
  switch (problem.code) {
    case 'over_allotment':
      return `${problem.name} is scarce, and this till has sold all it was allotted.`;
    case 'negative_total':
      return 'A sale total cannot be negative: take goods back as a return.';
    case 'cash_not_whole':
      return 'Cash handed over must be a whole, positive amount.';
    case 'nothing_paid':
      return `A ${tenderWord(problem.kind)} payment must be more than nothing.`;
    case 'more_than_left':
      return `The ${tenderWord(problem.kind)} payment is ${words.money(problem.excess)} more than is left to pay; only cash gives change.`;
    case 'still_owed':
      return `The customer still owes ${words.money(problem.remaining)}.`;
    case 'exchange_one_sided':
      return 'An exchange returns something and sells something.';
  }
}

/** Why a search for a sale could not be made, or a sale voided. */
export function returnsProblemText(problem: FindSaleProblem | VoidProblem): string {
  switch (problem.code) {
    case 'not_a_receipt':
      return 'That is not a receipt number or a receipt’s code.';
    case 'name_too_short':
      return 'Type at least two letters of the customer’s name, or their number.';
    case 'returned_already':
      return `Sale ${problem.receiptNumber} has returns already: return what is left instead of voiding it.`;
    case 'paid_by_exchange':
      return 'A sale paid in part by an exchange cannot be voided: return its lines instead.';
  }
}

const CASH_ACTION_WORDS: Record<CashAction, string> = {
  sale: 'A cash sale',
  refund: 'A cash refund',
  void: 'Voiding a sale paid in cash',
  exchange: 'An exchange with cash',
};

/** Why cash may not move until the till is opened (the till gate's question). */
export function cashTillRefusalText(refusal: TillSessionRefusal): string {
  return `${CASH_ACTION_WORDS[refusal.action]} needs an open till at this store, so its cash is in the till’s report. Open the till (count the float), then try again: nothing was saved yet.`;
}

/** Why a step of the till's session was refused, in the store's words. */
export function tillStepProblemText(problem: TillStepProblem, words: StoreWords): string {
  switch (problem.code) {
    case 'till_open':
      return 'The till is open already: close it first.';
    case 'till_not_open':
      return 'The till is not open: open it first.';
    case 'unsent_records':
      return `${words.count(problem.count, 'record', 'records')} of this till ${problem.count === 1 ? 'has' : 'have'} not reached the server yet, so its Z report would not match HQ’s. Close the till once it is back online and they are sent.`;
    case 'typed_text':
      return `${problem.text}.`;
    case 'unknown_denomination':
      return `${problem.currency} has no note or coin of ${words.money(problem.denomination)}.`;
    case 'pieces_not_whole':
      return `Count the notes and coins of ${words.money(problem.denomination)} as a whole number.`;
  }
}
