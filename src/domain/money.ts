/**
 * Money is an integer count of the currency's minor unit (cents, pence). No float
 * ever holds an amount: arithmetic on minor units is exact, and every division
 * goes through `divideRounded` with an explicit rounding mode.
 */
export type Minor = number;

export type RoundingMode = 'half-up' | 'half-even';

export function assertMinor(value: number, what: string): Minor {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer amount of minor units, got ${value}`);
  return value;
}

/**
 * numerator / denominator rounded to an integer. 'half-up' rounds ties away from
 * zero (commercial rounding); 'half-even' rounds ties to the even neighbour
 * (banker's rounding). Exact for any safe-integer inputs: falls back to BigInt
 * when the product that produced `numerator` could have lost precision.
 */
export function divideRounded(numerator: number, denominator: number, mode: RoundingMode): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`cannot divide ${numerator} by ${denominator} exactly`);
  }
  const negative = numerator < 0 !== denominator < 0;
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  const quotient = Math.floor(n / d);
  const remainder = n - quotient * d;
  let magnitude = quotient;
  const twice = remainder * 2;
  if (twice > d || (twice === d && (mode === 'half-up' || quotient % 2 === 1))) magnitude += 1;
  // `|| 0` turns -0 (a negative amount rounded to nothing) into 0, which prints as 0.00.
  return (negative ? -magnitude : magnitude) || 0;
}

/** amount × parts / scale, rounded; exact even when the product exceeds 2^53. */
export function scaleRounded(amount: Minor, parts: number, scale: number, mode: RoundingMode): Minor {
  const product = amount * parts;
  if (Number.isSafeInteger(product)) return divideRounded(product, scale, mode);
  const big = BigInt(amount) * BigInt(parts);
  const d = BigInt(scale);
  const negative = big < 0n !== d < 0n;
  const n = big < 0n ? -big : big;
  const ad = d < 0n ? -d : d;
  let q = n / ad;
  const twice = (n - q * ad) * 2n;
  if (twice > ad || (twice === ad && (mode === 'half-up' || q % 2n === 1n))) q += 1n;
  const result = Number(negative ? -q : q) || 0;
  return assertMinor(result, 'scaled amount');
}

export function sumMinor(values: readonly Minor[]): Minor {
  let total = 0;
  for (const v of values) total += v;
  return assertMinor(total, 'sum');
}

const minorDigitsByCurrency = new Map<string, number>();

/** The currency's minor-unit exponent (ISO 4217: 2 for USD, 0 for JPY, 3 for KWD), as Intl knows it. */
export function minorDigits(currency: string): number {
  let digits = minorDigitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorDigitsByCurrency.set(currency, digits);
  }
  return digits;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: Minor, currency: string, locale = 'en-US'): string {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  // Division by a power of ten is only for display; the exact value stays an integer.
  return formatter.format(amount / 10 ** minorDigits(currency));
}

/**
 * Parses what an associate types for a cash amount ("20", "20.5", "20,50") into
 * minor units without going through a float. Returns null when it is not an amount.
 */
export function parseMoneyInput(text: string, currency: string): Minor | null {
  const digits = minorDigits(currency);
  const match = /^\s*(\d{1,9})(?:[.,](\d*))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}
