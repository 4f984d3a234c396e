import * as v from 'valibot';
import { cardNumbersIn } from './card-number.ts';

/**
 * Text a person types at the till that is kept in the journal: references,
 * reasons, notes, labels. None may hold a card number (DESIGN.md "Security":
 * no card number is ever stored), so each refuses a bare run of 13 or more
 * digits, or digits that read as a card number however they are grouped
 * ("4111-1111-1111-1111", "4111.1111…": card-number.ts).
 */
export const noCardNumber = (what: string) =>
  v.check(
    (text: string) => !/\d{13}/.test(text) && cardNumbersIn(text.replace(/[_/.:]/g, '-')).length === 0,
    `${what} could hold a card number; record the terminal's reference, never the card's number`,
  );

/** Free text of 1 to `max` characters that cannot hold a card number: a reason, a note, a label. */
export const typedText = (what: string, max: number) => v.pipe(v.string(), v.minLength(1, `${what} is empty`), v.maxLength(max, `${what} is longer than ${max}`), noCardNumber(what));
