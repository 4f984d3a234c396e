import { allocateProportionally } from './allocate.ts';
import { scaleRounded, sumMinor, type Minor, type RoundingMode } from '../money.ts';

/** Tax rates are integer parts per million: 8.875 % is 88_750, 19 % is 190_000. */
export const RATE_SCALE = 1_000_000;

/**
 * 'exclusive': shelf prices are net and tax is added at the till (US sales tax).
 * 'inclusive': shelf prices are gross and tax is extracted from them (VAT).
 */
export type TaxMode = 'exclusive' | 'inclusive';

/** Where rounding happens: on each line, or once per rate on the whole invoice. */
export type RoundingLevel = 'line' | 'invoice';

/**
 * An authority whose tax applies to the store's sales: a state, a county, a
 * city, a transit district — or one VAT. Their taxes stack.
 */
export type TaxJurisdiction = {
  id: string;
  /** printed before the rate on receipts: "Texas", "Austin", "MwSt.", "VAT" */
  label: string;
  /** rate per tax category, parts per million; a category it does not list, it does not tax */
  rates: Record<string, number>;
};

export type TaxConfig = {
  version: number;
  mode: TaxMode;
  rounding: RoundingMode;
  level: RoundingLevel;
  /** every tax category a product may carry here, with its name */
  categories: Record<string, { label: string }>;
  jurisdictions: TaxJurisdiction[];
};

export type TaxableLine = { amount: Minor; taxCategory: string };

/** One line of a receipt's tax summary: one jurisdiction's tax at one rate. */
export type TaxBreakdownRow = {
  jurisdiction: string;
  label: string;
  rate: number;
  /** amount the rate applies to: net for exclusive stores, gross for inclusive */
  base: Minor;
  tax: Minor;
};

export type TaxResult = {
  lineTax: Minor[];
  /** each line's share of each breakdown row, in the breakdown's order: what a return gives back */
  lineParts: Minor[][];
  breakdown: TaxBreakdownRow[];
  tax: Minor;
};

export class UnknownTaxCategoryError extends Error {
  constructor(readonly category: string) {
    super(`tax category "${category}" is not configured for this store`);
    this.name = 'UnknownTaxCategoryError';
  }

  /**
   * The same error again from its name and message, as it arrives from the
   * pricing worker (a structured clone keeps those two, not the category); null
   * for any other error.
   */
  static from(error: unknown): UnknownTaxCategoryError | null {
    if (error instanceof UnknownTaxCategoryError) return error;
    if (!(error instanceof Error) || error.name !== 'UnknownTaxCategoryError') return null;
    const category = /^tax category "(.*)" is not configured/.exec(error.message)?.[1];
    return category === undefined ? null : new UnknownTaxCategoryError(category);
  }
}

/** "6.25 %", "19 %": a rate as receipts print it. */
export function formatRate(rate: number): string {
  const whole = Math.floor(rate / 10_000);
  const fraction = String(rate % 10_000).padStart(4, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''} %`;
}

function rateOf(jurisdiction: TaxJurisdiction, category: string): number {
  // hasOwn, not a lookup: a category called "constructor" must not find a prototype member.
  return Object.hasOwn(jurisdiction.rates, category) ? jurisdiction.rates[category]! : 0;
}

/**
 * Tax for a list of line amounts, jurisdiction by jurisdiction.
 *
 * Exclusive: each jurisdiction's tax is rate × net. Inclusive: the gross holds
 * every jurisdiction's tax, so each one's share is gross × rate / (1 + the
 * category's combined rate). At 'line' level every line's tax is rounded; at
 * 'invoice' level each (jurisdiction, rate) is taxed once on its summed base and
 * allocated back to its lines, so line taxes still add up exactly.
 */
export function computeTax(lines: readonly TaxableLine[], config: TaxConfig): TaxResult {
  for (const line of lines) {
    if (!Object.hasOwn(config.categories, line.taxCategory)) throw new UnknownTaxCategoryError(line.taxCategory);
  }
  const combinedRate = new Map<string, number>();
  for (const line of lines) {
    if (!combinedRate.has(line.taxCategory)) {
      combinedRate.set(line.taxCategory, sumMinor(config.jurisdictions.map((j) => rateOf(j, line.taxCategory))));
    }
  }

  // Lines taxed alike share a group: same jurisdiction, same rate, same divisor.
  type Group = { jurisdictionIndex: number; rate: number; divisor: number; base: Minor; indexes: number[] };
  const groups = new Map<string, Group>();
  config.jurisdictions.forEach((jurisdiction, jurisdictionIndex) => {
    // A line's group depends on its category alone: look it up once per category, not per line.
    const groupOfCategory = new Map<string, Group | null>();
    lines.forEach((line, index) => {
      let group = groupOfCategory.get(line.taxCategory);
      if (group === undefined) {
        const rate = rateOf(jurisdiction, line.taxCategory);
        const divisor = config.mode === 'exclusive' ? RATE_SCALE : RATE_SCALE + combinedRate.get(line.taxCategory)!;
        const key = `${jurisdictionIndex}|${rate}|${divisor}`;
        group = rate === 0 ? null : (groups.get(key) ?? null);
        if (rate !== 0 && !group) groups.set(key, (group = { jurisdictionIndex, rate, divisor, base: 0, indexes: [] }));
        groupOfCategory.set(line.taxCategory, group);
      }
      if (!group) return;
      group.base += line.amount;
      group.indexes.push(index);
    });
  });

  const lineTax: Minor[] = new Array(lines.length).fill(0);
  // Each group's tax per line, parallel to its `indexes`; rows gather the groups of one jurisdiction and rate.
  const rows = new Map<string, TaxBreakdownRow & { order: number; groups: { indexes: number[]; parts: Minor[] }[] }>();
  for (const group of groups.values()) {
    const rowKey = `${group.jurisdictionIndex}|${group.rate}`;
    let parts: Minor[];
    if (config.level === 'line') {
      parts = group.indexes.map((index) => scaleRounded(lines[index]!.amount, group.rate, group.divisor, config.rounding));
    } else {
      const groupTax = scaleRounded(group.base, group.rate, group.divisor, config.rounding);
      parts = allocateProportionally(groupTax, group.indexes.map((i) => lines[i]!.amount));
    }
    let groupTax = 0;
    group.indexes.forEach((lineIndex, k) => {
      lineTax[lineIndex]! += parts[k]!;
      groupTax += parts[k]!;
    });
    const jurisdiction = config.jurisdictions[group.jurisdictionIndex]!;
    const row = rows.get(rowKey);
    if (row) {
      row.base += group.base;
      row.tax += groupTax;
      row.groups.push({ indexes: group.indexes, parts });
    } else {
      rows.set(rowKey, {
        jurisdiction: jurisdiction.id,
        label: `${jurisdiction.label} ${formatRate(group.rate)}`,
        rate: group.rate,
        base: group.base,
        tax: groupTax,
        order: group.jurisdictionIndex,
        groups: [{ indexes: group.indexes, parts }],
      });
    }
  }
  const sorted = [...rows.values()].sort((a, b) => a.order - b.order || b.rate - a.rate);
  const lineParts: Minor[][] = lines.map(() => new Array<Minor>(sorted.length).fill(0));
  sorted.forEach((row, r) => {
    for (const { indexes, parts } of row.groups) indexes.forEach((lineIndex, k) => (lineParts[lineIndex]![r]! += parts[k]!));
  });
  const breakdown = sorted.map(({ order: _order, groups: _groups, ...row }) => row);
  return { lineTax, lineParts, breakdown, tax: sumMinor(breakdown.map((row) => row.tax)) };
}
