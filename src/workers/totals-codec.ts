import type { CartLine } from '../domain/cart-line.ts';
import { pricedLine, type PricedLine, type SaleTotals } from '../domain/pricing/index.ts';

/**
 * Totals as they cross from the pricing worker to the page. Structured clone
 * copies object by object, and a 200-line result took longer to clone both
 * ways than to compute; the per-line numbers travel instead as typed arrays
 * whose buffers are transferred, not copied. The line's own fields (name, SKU…)
 * never travel back: the page has the cart.
 */
export type EncodedTotals = {
  /** per line in cart order: lineTotal, discount, net, tax, paid */
  lineNumbers: Float64Array;
  /** per line, its share of each tax breakdown row (none when the sale is tax exempt) */
  taxParts: Float64Array;
  /** (line, discount index, amount) for each line's share of a discount line */
  lineDiscounts: Float64Array;
  /** everything else, small whatever the cart's size */
  summary: Omit<SaleTotals, 'lines'>;
};

const NUMBERS_PER_LINE = 5;

export function encodeTotals(totals: SaleTotals): EncodedTotals {
  const { lines, ...summary } = totals;
  const rows = totals.taxBreakdown.length;
  const lineNumbers = new Float64Array(lines.length * NUMBERS_PER_LINE);
  const taxParts = new Float64Array(lines.length * rows);
  let shares = 0;
  for (const line of lines) shares += line.discounts.length;
  const lineDiscounts = new Float64Array(shares * 3);
  let cursor = 0;
  lines.forEach((line, i) => {
    lineNumbers.set([line.lineTotal, line.discount, line.net, line.tax, line.paid], i * NUMBERS_PER_LINE);
    if (line.taxParts.length === rows) taxParts.set(line.taxParts, i * rows);
    for (const share of line.discounts) {
      lineDiscounts.set([i, share.discount, share.amount], cursor);
      cursor += 3;
    }
  });
  return { lineNumbers, taxParts, lineDiscounts, summary };
}

/** The totals again, on the cart they were computed for. */
export function decodeTotals(cart: readonly CartLine[], encoded: EncodedTotals): SaleTotals {
  const { lineNumbers, taxParts, lineDiscounts, summary } = encoded;
  const rows = summary.taxBreakdown.length;
  const lines: PricedLine[] = cart.map((line, i) => {
    const at = i * NUMBERS_PER_LINE;
    return pricedLine(line, {
      lineTotal: lineNumbers[at]!,
      discount: lineNumbers[at + 1]!,
      net: lineNumbers[at + 2]!,
      tax: lineNumbers[at + 3]!,
      paid: lineNumbers[at + 4]!,
      taxParts: partsOf(taxParts, i * rows, rows),
      discounts: [],
    });
  });
  for (let k = 0; k < lineDiscounts.length; k += 3) lines[lineDiscounts[k]!]!.discounts.push({ discount: lineDiscounts[k + 1]!, amount: lineDiscounts[k + 2]! });
  return { lines, ...summary };
}

function partsOf(all: Float64Array, from: number, count: number): number[] {
  const parts = new Array<number>(count);
  for (let k = 0; k < count; k++) parts[k] = all[from + k]!;
  return parts;
}
