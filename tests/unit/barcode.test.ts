import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { gtinCheckDigit, isValidGtin, normalizeBarcode, withCheckDigit } from '../../src/domain/barcode.ts';

/** Replaces the digit at `index` with a different digit. */
function changeDigit(code: string, index: number, offset: number): string {
  const digit = (Number(code[index]) + offset) % 10;
  return code.slice(0, index) + String(digit) + code.slice(index + 1);
}

describe('GTIN check digits on real codes', () => {
  it('accepts the EAN-13 4006381333931 and the UPC-A 036000291452', () => {
    expect(isValidGtin('4006381333931')).toBe(true);
    expect(isValidGtin('036000291452')).toBe(true);
  });

  it('computes their check digits from the bodies (1 and 2)', () => {
    expect(gtinCheckDigit('400638133393')).toBe(1);
    expect(gtinCheckDigit('03600029145')).toBe(2);
  });

  it('accepts the EAN-8 96385074', () => {
    expect(isValidGtin('96385074')).toBe(true);
  });

  it('rejects each of them with one digit changed', () => {
    expect(isValidGtin('4006381333932')).toBe(false); // check digit
    expect(isValidGtin('4006381334931')).toBe(false); // body digit
    expect(isValidGtin('036000291453')).toBe(false);
    expect(isValidGtin('036000291462')).toBe(false);
    expect(isValidGtin('96385075')).toBe(false);
  });

  it('rejects letters, spaces inside the code and lengths other than 8, 12, 13 or 14', () => {
    expect(isValidGtin('40063813339A1')).toBe(false);
    expect(isValidGtin('4006381 333931')).toBe(false);
    expect(isValidGtin('')).toBe(false);
    expect(isValidGtin('1234565')).toBe(false); // 7 digits
    expect(isValidGtin('40063813339310')).toBe(false); // 14 digits, wrong check
    expect(isValidGtin('400638133393100')).toBe(false); // 15 digits
  });

  it('refuses to compute a check digit for a body that is not digits', () => {
    expect(() => gtinCheckDigit('12a4')).toThrow(RangeError);
    expect(() => gtinCheckDigit('')).toThrow(RangeError);
  });
});

describe('normalizeBarcode', () => {
  it('turns a UPC-A into its 13-digit EAN form with a leading 0', () => {
    expect(normalizeBarcode('036000291452')).toBe('0036000291452');
  });

  it('finds the same key for the UPC-A and the EAN-13 form of the same product', () => {
    expect(normalizeBarcode('0036000291452')).toBe('0036000291452');
    expect(normalizeBarcode('036000291452')).toBe(normalizeBarcode('0036000291452'));
  });

  it('finds the same key for a GTIN-14 with a leading 0 and the EAN-13 inside it', () => {
    expect(normalizeBarcode('04006381333931')).toBe('4006381333931');
  });

  it('keeps an EAN-13 as it is and ignores surrounding whitespace from the scanner', () => {
    expect(normalizeBarcode('4006381333931')).toBe('4006381333931');
    expect(normalizeBarcode('  4006381333931\n')).toBe('4006381333931');
  });

  it('returns null for letters, wrong lengths and wrong check digits', () => {
    expect(normalizeBarcode('ABC')).toBeNull();
    expect(normalizeBarcode('03600029145X')).toBeNull();
    expect(normalizeBarcode('03600029145')).toBeNull();
    expect(normalizeBarcode('4006381333932')).toBeNull();
  });

  it('gives every UPC-A body the same key in both of its forms', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11}$/), (body) => {
        const upc = withCheckDigit(body);
        const key = normalizeBarcode(upc);
        expect(key).toBe(`0${upc}`);
        expect(normalizeBarcode(`0${upc}`)).toBe(key);
      }),
    );
  });
});

describe('withCheckDigit', () => {
  const body = fc.oneof(
    fc.stringMatching(/^\d{7}$/),
    fc.stringMatching(/^\d{11}$/),
    fc.stringMatching(/^\d{12}$/),
    fc.stringMatching(/^\d{13}$/),
  );

  it('always makes a valid GTIN of the next length', () => {
    fc.assert(
      fc.property(body, (b) => {
        const code = withCheckDigit(b);
        expect(code).toHaveLength(b.length + 1);
        expect(code.startsWith(b)).toBe(true);
        expect(isValidGtin(code)).toBe(true);
      }),
    );
  });

  it('makes a code that any single changed digit turns invalid', () => {
    fc.assert(
      fc.property(
        body.chain((b) => fc.tuple(fc.constant(withCheckDigit(b)), fc.nat({ max: b.length }), fc.integer({ min: 1, max: 9 }))),
        ([code, index, offset]) => {
          expect(isValidGtin(changeDigit(code, index, offset))).toBe(false);
        },
      ),
    );
  });
});
