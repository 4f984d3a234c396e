import * as v from 'valibot';
import { cardNumbersIn } from './card-number.ts';

/**
 * Text a person types at the till that is kept in the journal: references,
 * reasons, notes, labels. None may hold a card number (DESIGN.md "Security":
 * no card number is ever stored).
 *
 * Free text refuses digits that read as a card number however they are
 * grouped ("4111 1111 1111 1111", "4111.1111…": card-number.ts); a 13-digit
 * barcode in a note is ordinary text. A reference, which a machine prints,
 * also refuses any run of 13 or more digits.
 *
 * Fields of event versions already in the field (a cash movement's reason, a
 * parked cart's label, a manager discount's reason) are not checked by the
 * schema, which the server also reads with: an unsent event from before would
 * fail its till's whole push. The till checks them where they are typed
 * (`cardNumberProblem`).
 */
export function cardNumberProblem(what: string, text: string): string | null {
  return cardNumbersIn(text.replace(/[_/.:]/g, '-')).length === 0 ? null : `${what} could hold a card number; record the terminal's reference, never the card's number`;
}

export const noCardNumber = (what: string) =>
  v.check((text: string) => !/\d{13}/.test(text) && cardNumberProblem(what, text) === null, `${what} could hold a card number; record the terminal's reference, never the card's number`);

/** Free text of 1 to `max` characters that cannot hold a card number: a reason or a note of an event new in this version. */
export const typedText = (what: string, max: number) =>
  v.pipe(
    v.string(),
    v.minLength(1, `${what} is empty`),
    v.maxLength(max, `${what} is longer than ${max}`),
    v.check((text: string) => cardNumberProblem(what, text) === null, `${what} could hold a card number; record the terminal's reference, never the card's number`),
  );
