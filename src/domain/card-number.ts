/**
 * What looks like a payment card number (PAN), as a DLP scan sees it: a run
 * of 13–19 digits, bare or grouped by spaces or dashes as printed on a card,
 * that passes the Luhn check and starts like a card of a real scheme. The
 * scheme prefix keeps clocks out: a 13-digit millisecond timestamp or the
 * 15-digit wall clock of an HLC passes Luhn one time in ten, but starts with
 * 1 or 0, which no scheme issues. The schemas refuse such text in any field a
 * person types (tender.ts); the payment-rule tests scan everything stored with it.
 */
const CANDIDATE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
/** Visa 4; Mastercard 51–55, 2221–2720; Amex 34, 37; Discover 6011, 64–65; JCB 35; Diners 30, 36, 38; UnionPay 62. */
const SCHEME = /^(4|5[1-5]|2(2[2-9][1-9]|[3-6]\d\d|7[01]\d|720)|3[47]|6011|6[45]|35|3[068]|62)/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Card-number-like runs in a text, as found (with their grouping). */
export function cardNumbersIn(text: string): string[] {
  return [...text.matchAll(CANDIDATE)].map((match) => match[0]).filter((found) => {
    const digits = found.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && SCHEME.test(digits) && luhnValid(digits);
  });
}
