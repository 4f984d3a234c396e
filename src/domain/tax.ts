import { allocateProportionally } from './allocate.ts';
import { scaleRounded, sumMinor, type Minor, type RoundingMode } from './money.ts';

/** Tax rates are integer parts per million: 8.875 % is 88_750, 19 % is 190_000. */
export const RATE_SCALE = 1_000_000;

/**
 * 'exclusive': shelf prices are net and tax is added at the till (US sales tax).
 * 'inclusive': shelf prices are gross and tax is extracted from them (VAT).
 */
export type TaxMode = 'exclusive' | 'inclusive';

/** Where rounding happens: on each line, or once per rate on the whole invoice. */
export type RoundingLevel = 'line' | 'invoice';

export type TaxCategory = { rate: number; label: string };

export type TaxConfig = {
  version: number;
  mode: TaxMode;
  rounding: RoundingMode;
  level: RoundingLevel;
  categories: Record<string, TaxCategory>;
};

export type TaxableLine = { amount: Minor; taxCategory: string };

export type TaxBreakdownRow = {
  category: string;
  label: string;
  rate: number;
  /** amount the rate applies to: net for exclusive stores, gross for inclusive */
  base: Minor;
  tax: Minor;
};

export type TaxResult = { lineTax: Minor[]; breakdown: TaxBreakdownRow[]; tax: Minor };

export class UnknownTaxCategoryError extends Error {
  constructor(readonly category: string) {
    super(`tax category "${category}" is not configured for this store`);
    this.name = 'UnknownTaxCategoryError';
  }
}

function taxOn(base: Minor, rate: number, config: TaxConfig): Minor {
  return config.mode === 'exclusive'
    ? scaleRounded(base, rate, RATE_SCALE, config.rounding)
    : scaleRounded(base, rate, RATE_SCALE + rate, config.rounding);
}

/**
 * Tax for a list of line amounts. At 'line' level each line is rounded and the
 * breakdown adds them up; at 'invoice' level each rate's base is taxed once and
 * that tax is allocated back to its lines so that line taxes still sum exactly.
 */
export function computeTax(lines: readonly TaxableLine[], config: TaxConfig): TaxResult {
  const lineTax: Minor[] = new Array(lines.length).fill(0);
  const groups = new Map<string, { base: Minor; indexes: number[] }>();
  lines.forEach((line, index) => {
    // hasOwn, not a lookup: "constructor" or "__proto__" must not pass for a configured category.
    if (!Object.hasOwn(config.categories, line.taxCategory)) throw new UnknownTaxCategoryError(line.taxCategory);
    let group = groups.get(line.taxCategory);
    if (!group) groups.set(line.taxCategory, (group = { base: 0, indexes: [] }));
    group.base += line.amount;
    group.indexes.push(index);
  });

  const breakdown: TaxBreakdownRow[] = [];
  for (const [category, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { rate, label } = config.categories[category]!;
    let groupTax: Minor;
    if (config.level === 'line') {
      groupTax = 0;
      for (const index of group.indexes) {
        const tax = taxOn(lines[index]!.amount, rate, config);
        lineTax[index] = tax;
        groupTax += tax;
      }
    } else {
      groupTax = taxOn(group.base, rate, config);
      const parts = allocateProportionally(groupTax, group.indexes.map((i) => lines[i]!.amount));
      group.indexes.forEach((lineIndex, k) => (lineTax[lineIndex] = parts[k]!));
    }
    breakdown.push({ category, label, rate, base: group.base, tax: groupTax });
  }
  return { lineTax, breakdown, tax: sumMinor(breakdown.map((row) => row.tax)) };
}
