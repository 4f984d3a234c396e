import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  divideRounded,
  formatMoney,
  minorDigits,
  parseMoneyInput,
  scaleRounded,
  sumMinor,
  type RoundingMode,
} from '../../src/domain/money.ts';
import { allocateProportionally } from '../../src/domain/pricing/allocate.ts';

/**
 * Reference rounding of n / d over BigInt, written independently of the code under
 * test: round half-up is floor((2|n| + |d|) / 2|d|); half-even moves an exact tie
 * back down when that result is odd.
 */
function referenceRound(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const negative = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = (2n * an + ad) / (2n * ad);
  const isTie = (2n * an) % (2n * ad) === ad;
  if (mode === 'half-even' && isTie && q % 2n === 1n) q -= 1n;
  return negative ? -q : q;
}

const roundingMode = fc.constantFrom<RoundingMode>('half-up', 'half-even');

describe('divideRounded', () => {
  it('rounds a positive tie away from zero when half-up and to the even neighbour when half-even', () => {
    expect(divideRounded(5, 2, 'half-up')).toBe(3);
    expect(divideRounded(5, 2, 'half-even')).toBe(2);
  });

  it('rounds a negative tie away from zero when half-up and to the even neighbour when half-even', () => {
    expect(divideRounded(-5, 2, 'half-up')).toBe(-3);
    expect(divideRounded(-5, 2, 'half-even')).toBe(-2);
    expect(divideRounded(5, -2, 'half-up')).toBe(-3);
    expect(divideRounded(5, -2, 'half-even')).toBe(-2);
  });

  it('rounds 3.5 up to 4 in both modes, because 4 is also the even neighbour', () => {
    expect(divideRounded(7, 2, 'half-up')).toBe(4);
    expect(divideRounded(7, 2, 'half-even')).toBe(4);
  });

  it('rounds non-ties to the nearest integer in both modes', () => {
    for (const mode of ['half-up', 'half-even'] as const) {
      expect(divideRounded(249, 100, mode)).toBe(2);
      expect(divideRounded(251, 100, mode)).toBe(3);
      expect(divideRounded(-251, 100, mode)).toBe(-3);
      expect(divideRounded(10, 5, mode)).toBe(2);
    }
  });

  it('refuses division by zero and non-integer inputs', () => {
    expect(() => divideRounded(1, 0, 'half-up')).toThrow(RangeError);
    expect(() => divideRounded(1.5, 2, 'half-up')).toThrow(RangeError);
    expect(() => divideRounded(2 ** 53, 3, 'half-up')).toThrow(RangeError);
  });

  it('agrees with a BigInt reference for any safe-integer numerator and denominator', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
        fc.boolean(),
        roundingMode,
        (numerator, d, negateD, mode) => {
          const denominator = negateD ? -d : d;
          const expected = referenceRound(BigInt(numerator), BigInt(denominator), mode);
          // `+ 0` folds −0 into 0: a negative amount that rounds to zero comes back as −0 (see report).
          expect(divideRounded(numerator, denominator, mode) + 0).toBe(Number(expected));
        },
      ),
    );
  });
});

describe('scaleRounded', () => {
  it('takes 8.25 % of $12.34 as 102 cents (101.805 rounded)', () => {
    expect(scaleRounded(1234, 82_500, 1_000_000, 'half-up')).toBe(102);
  });

  it('agrees with an exact BigInt reference even when amount × parts exceeds 2^53', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1_000_000, max: 2_000_000 }),
        roundingMode,
        (amount, parts, scale, mode) => {
          const expected = referenceRound(BigInt(amount) * BigInt(parts), BigInt(scale), mode);
          expect(scaleRounded(amount, parts, scale, mode) + 0).toBe(Number(expected));
        },
      ),
    );
  });

  it('breaks a tie exactly when the product is beyond 2^53: half of (2^53 − 3) is …494.5', () => {
    // 9007199254740989 × 500000 / 1000000 = 4503599627370494.5; the even neighbour is …494.
    expect(scaleRounded(Number.MAX_SAFE_INTEGER - 2, 500_000, 1_000_000, 'half-up')).toBe(4_503_599_627_370_495);
    expect(scaleRounded(Number.MAX_SAFE_INTEGER - 2, 500_000, 1_000_000, 'half-even')).toBe(4_503_599_627_370_494);
    expect(scaleRounded(-(Number.MAX_SAFE_INTEGER - 2), 500_000, 1_000_000, 'half-up')).toBe(-4_503_599_627_370_495);
    expect(scaleRounded(-(Number.MAX_SAFE_INTEGER - 2), 500_000, 1_000_000, 'half-even')).toBe(-4_503_599_627_370_494);
  });

  it('agrees with the BigInt reference on exact ties of large amounts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 52) + 1, max: 2 ** 52 - 1 }).map((n) => 2 * n + 1), // odd, so × 1/2 is a tie
        fc.integer({ min: 1, max: 1_000_000 }),
        roundingMode,
        (amount, half, mode) => {
          const expected = referenceRound(BigInt(amount) * BigInt(half), BigInt(2 * half), mode);
          expect(scaleRounded(amount, half, 2 * half, mode) + 0).toBe(Number(expected));
        },
      ),
    );
  });

  it('keeps the last cent of a product beyond 2^53: 90071992547409 × 190000 / 1000000 = 17113678584007.71 → …008', () => {
    // 90071992547409 × 190000 = 17113678584007710000 > 2^53, so a float product would lose cents.
    expect(scaleRounded(90_071_992_547_409, 190_000, 1_000_000, 'half-up')).toBe(17_113_678_584_008);
  });
});

describe('allocateProportionally', () => {
  const nonNegativeWeights = fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 40 });
  const total = fc.integer({ min: -100_000_000, max: 100_000_000 });

  it('splits 100 cents three ways as 34 + 33 + 33, the odd cent to the first part', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });

  it('splits by weight and gives the leftover cent to the largest remainder', () => {
    // 10 × 1/6 = 1.67, 10 × 2/6 = 3.33, 10 × 3/6 = 5 → floors 1, 3, 5 and the cent goes to the first.
    expect(allocateProportionally(10, [1, 2, 3])).toEqual([2, 3, 5]);
    expect(allocateProportionally(-10, [1, 2, 3])).toEqual([-2, -3, -5]);
  });

  it('gives everything to the first part when all weights are zero', () => {
    expect(allocateProportionally(7, [0, 0, 0])).toEqual([7, 0, 0]);
  });

  it('always hands out exactly the total', () => {
    fc.assert(
      fc.property(total, nonNegativeWeights, (amount, weights) => {
        const parts = allocateProportionally(amount, weights);
        expect(parts).toHaveLength(weights.length);
        expect(parts.reduce((sum, p) => sum + p, 0)).toBe(amount);
      }),
    );
  });

  it('gives each part less than one minor unit away from its exact share', () => {
    fc.assert(
      fc.property(
        total,
        nonNegativeWeights.filter((ws) => ws.some((w) => w > 0)),
        (amount, weights) => {
          const parts = allocateProportionally(amount, weights);
          const weightSum = BigInt(weights.reduce((s, w) => s + w, 0));
          parts.forEach((part, i) => {
            // |part − amount × w / W| < 1  ⇔  |part × W − amount × w| < W
            const error = BigInt(part) * weightSum - BigInt(amount) * BigInt(weights[i]!);
            expect(error < 0n ? -error : error).toBeLessThan(weightSum);
          });
        },
      ),
    );
  });

  it('gives the same split every time for the same input', () => {
    fc.assert(
      fc.property(total, nonNegativeWeights, (amount, weights) => {
        expect(allocateProportionally(amount, [...weights])).toEqual(allocateProportionally(amount, [...weights]));
      }),
    );
  });

  it('refuses a total that is not a whole number of minor units', () => {
    expect(() => allocateProportionally(10.5, [1, 1])).toThrow(RangeError);
  });
});

describe('parseMoneyInput', () => {
  it('reads whole dollars, a comma or point decimal, and leading zeros as cents', () => {
    expect(parseMoneyInput('20', 'USD')).toBe(2000);
    expect(parseMoneyInput('20,5', 'USD')).toBe(2050);
    expect(parseMoneyInput('20.50', 'USD')).toBe(2050);
    expect(parseMoneyInput('0.10', 'USD')).toBe(10);
    expect(parseMoneyInput(' 7 ', 'EUR')).toBe(700);
  });

  it('rejects more decimals than the currency has, letters, signs and empty text', () => {
    expect(parseMoneyInput('1.234', 'USD')).toBeNull();
    expect(parseMoneyInput('abc', 'USD')).toBeNull();
    expect(parseMoneyInput('-1', 'USD')).toBeNull();
    expect(parseMoneyInput('', 'USD')).toBeNull();
    expect(parseMoneyInput('1.2.3', 'USD')).toBeNull();
  });

  it('treats yen as having no minor digits', () => {
    expect(minorDigits('JPY')).toBe(0);
    expect(parseMoneyInput('500', 'JPY')).toBe(500);
    expect(parseMoneyInput('500.5', 'JPY')).toBeNull();
  });

  it('reads back any amount written as whole units and two-digit cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 99 }), (units, cents) => {
        const text = `${units}.${String(cents).padStart(2, '0')}`;
        expect(parseMoneyInput(text, 'USD')).toBe(units * 100 + cents);
      }),
    );
  });
});

describe('formatMoney', () => {
  it('renders 1999 US cents as $19.99', () => {
    expect(formatMoney(1999, 'USD')).toBe('$19.99');
  });

  it('renders yen without a decimal part', () => {
    expect(formatMoney(500, 'JPY')).toBe('¥500');
  });
});

describe('exact arithmetic on minor units', () => {
  it('refuses an amount in fractions of a cent rather than carry the fraction into a total', () => {
    // A price handed over in dollars by mistake (19.99), or a float sum (0.1 + 0.2): a receipt can show
    // neither exactly, so a total built on one is refused at once instead of being off by a hidden fraction.
    expect(() => sumMinor([1_999, 0.1])).toThrow(RangeError);
    expect(() => sumMinor([0.1, 0.2])).toThrow(RangeError);
    expect(() => scaleRounded(19.99, 82_500, 1_000_000, 'half-up')).toThrow(RangeError);
  });

  it('splits a dollar into thirds that add back up to the dollar', () => {
    const thirds = allocateProportionally(100, [1, 1, 1]);
    expect(sumMinor(thirds)).toBe(100);
    expect(Math.max(...thirds) - Math.min(...thirds)).toBeLessThanOrEqual(1);
  });

  it('refuses to sum past the safe-integer range', () => {
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});
