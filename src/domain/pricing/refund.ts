import { scaleRounded, sumMinor, type Minor } from '../money.ts';
import type { TaxBreakdownRow } from './tax.ts';

/** What a return needs to know of each line of the original sale. */
export type RefundableLine = { sku: string; quantity: number; paid: Minor; taxParts: readonly Minor[] };
export type RefundableSale = { lines: readonly RefundableLine[]; taxBreakdown: readonly Pick<TaxBreakdownRow, 'jurisdiction' | 'label' | 'rate'>[] };

export type ReturnRequest = { line: number; quantity: number };

export type RefundLine = { line: number; sku: string; quantity: number; amount: Minor; tax: Minor };
export type Refund = {
  lines: RefundLine[];
  /** tax given back per row of the sale's tax summary; included in `total` */
  taxBreakdown: { jurisdiction: string; label: string; rate: number; tax: Minor }[];
  tax: Minor;
  total: Minor;
};

/**
 * The share of `whole` that the first `units` of `quantity` units carry. Monotone
 * in `units` and exact at the end (units = quantity gives `whole`), so returns
 * taken in any number of steps add up to exactly what was paid.
 */
function cumulativeShare(whole: Minor, units: number, quantity: number): Minor {
  return scaleRounded(whole, units, quantity, 'half-up');
}

/**
 * What to give back for returning some units of a sale. A line's refund is what
 * the customer paid for it, discounts and tax included, spread over its units;
 * `returnedBefore[line]` counts units already returned, so the cents left over
 * by earlier partial returns come back with later ones and the last unit
 * returns the rest. Errors are values: the caller shows them to the associate.
 */
export function refundFor(sale: RefundableSale, returnedBefore: readonly number[], requests: readonly ReturnRequest[]): Refund | { error: string } {
  const wanted = new Map<number, number>();
  for (const request of requests) {
    const line = sale.lines[request.line];
    if (!line) return { error: `the sale has no line ${request.line + 1}` };
    if (!Number.isInteger(request.quantity) || request.quantity < 1) return { error: `quantity to return of line ${request.line + 1} must be a whole number above zero` };
    wanted.set(request.line, (wanted.get(request.line) ?? 0) + request.quantity);
  }
  const lines: RefundLine[] = [];
  const taxRows = sale.taxBreakdown.map((row) => ({ jurisdiction: row.jurisdiction, label: row.label, rate: row.rate, tax: 0 }));
  for (const [index, quantity] of [...wanted].sort((a, b) => a[0] - b[0])) {
    const line = sale.lines[index]!;
    const before = returnedBefore[index] ?? 0;
    const left = line.quantity - before;
    if (quantity > left) return { error: `line ${index + 1} (${line.sku}) has ${left} of ${line.quantity} left to return, not ${quantity}` };
    const slice = (whole: Minor) => cumulativeShare(whole, before + quantity, line.quantity) - cumulativeShare(whole, before, line.quantity);
    let tax = 0;
    line.taxParts.forEach((part, row) => {
      const share = slice(part);
      if (taxRows[row]) taxRows[row].tax += share;
      tax += share;
    });
    lines.push({ line: index, sku: line.sku, quantity, amount: slice(line.paid), tax });
  }
  return {
    lines,
    taxBreakdown: taxRows.filter((row) => row.tax !== 0),
    tax: sumMinor(lines.map((line) => line.tax)),
    total: sumMinor(lines.map((line) => line.amount)),
  };
}
