import { assertMinor, type Minor } from '../money.ts';

/**
 * Splits `total` across parts in proportion to `weights` so that the parts add up
 * to `total` exactly (largest-remainder method). Ties in the remainder go to the
 * earlier part, so the same input always gives the same split on every device.
 */
export function allocateProportionally(total: Minor, weights: readonly number[]): Minor[] {
  assertMinor(total, 'amount to allocate');
  if (weights.length === 0) return [];
  let weightSum = 0;
  for (const weight of weights) weightSum += Math.abs(weight);
  if (weightSum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const sign = total < 0 ? -1 : 1;
  const magnitude = Math.abs(total);

  // Exact integer shares: plain numbers while every product fits in 2^53, BigInt beyond.
  const exactInNumbers = Number.isSafeInteger(magnitude * weightSum);
  const parts: Minor[] = new Array(weights.length);
  const remainders: number[] | bigint[] = [];
  let given = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = Math.abs(weights[i]!);
    if (exactInNumbers) {
      const exact = magnitude * weight;
      const share = Math.floor(exact / weightSum);
      parts[i] = share;
      (remainders as number[]).push(exact - share * weightSum);
      given += share;
    } else {
      const exact = BigInt(magnitude) * BigInt(weight);
      const share = exact / BigInt(weightSum);
      parts[i] = Number(share);
      (remainders as bigint[]).push(exact - share * BigInt(weightSum));
      given += Number(share);
    }
  }
  const order = weights.map((_, i) => i);
  order.sort((a, b) => (remainders[a]! === remainders[b]! ? a - b : remainders[a]! > remainders[b]! ? -1 : 1));
  for (let k = 0; k < magnitude - given; k++) parts[order[k]!]! += 1;
  return sign < 0 ? parts.map((p) => -p || 0) : parts;
}
