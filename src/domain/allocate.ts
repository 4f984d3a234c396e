import { assertMinor, type Minor } from './money.ts';

/**
 * Splits `total` across parts in proportion to `weights` so that the parts add up
 * to `total` exactly (largest-remainder method). Ties in the remainder go to the
 * earlier part, so the same input always gives the same split on every device.
 */
export function allocateProportionally(total: Minor, weights: readonly number[]): Minor[] {
  assertMinor(total, 'amount to allocate');
  const weightSum = weights.reduce((sum, w) => sum + Math.abs(w), 0);
  if (weights.length === 0) return [];
  if (weightSum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const sign = total < 0 ? -1 : 1;
  const magnitude = Math.abs(total);
  const parts: Minor[] = [];
  const remainders: { index: number; remainder: bigint }[] = [];
  let given = 0;
  const bigWeightSum = BigInt(weightSum);
  weights.forEach((weight, index) => {
    const exact = BigInt(magnitude) * BigInt(Math.abs(weight));
    const share = exact / bigWeightSum;
    parts.push(Number(share));
    given += Number(share);
    remainders.push({ index, remainder: exact - share * bigWeightSum });
  });
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (let k = 0; k < magnitude - given; k++) parts[remainders[k]!.index]! += 1;
  return parts.map((p) => p * sign);
}
