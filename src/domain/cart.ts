import { MAX_LINE_QUANTITY, type CartLine } from './cart-line.ts';
import { assertMinor, sumMinor, type Minor } from './money.ts';
import { computeTax, type TaxBreakdownRow, type TaxConfig } from './tax.ts';

export type PricedLine = CartLine & { lineTotal: Minor; tax: Minor };

export type CartTotals = {
  lines: PricedLine[];
  /** Σ line totals, as shelf prices read (net or gross by the store's tax mode) */
  subtotal: Minor;
  tax: Minor;
  /** what the customer pays */
  total: Minor;
  taxIncluded: boolean;
  taxBreakdown: TaxBreakdownRow[];
};

export function priceCart(lines: readonly CartLine[], taxConfig: TaxConfig): CartTotals {
  const priced = lines.map((line) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY) {
      throw new RangeError(`quantity of ${line.sku} must be a whole number from 1 to ${MAX_LINE_QUANTITY}`);
    }
    assertMinor(line.unitPrice, `price of ${line.sku}`);
    return { ...line, lineTotal: assertMinor(line.unitPrice * line.quantity, `total of ${line.sku}`), tax: 0 };
  });
  const { lineTax, breakdown, tax } = computeTax(
    priced.map((line) => ({ amount: line.lineTotal, taxCategory: line.taxCategory })),
    taxConfig,
  );
  priced.forEach((line, i) => (line.tax = lineTax[i]!));
  const subtotal = sumMinor(priced.map((line) => line.lineTotal));
  const taxIncluded = taxConfig.mode === 'inclusive';
  return {
    lines: priced,
    subtotal,
    tax,
    total: taxIncluded ? subtotal : subtotal + tax,
    taxIncluded,
    taxBreakdown: breakdown,
  };
}
