import { MAX_LINE_QUANTITY, type CartLine } from '../cart-line.ts';
import { assertMinor, scaleRounded, sumMinor, type Minor } from '../money.ts';
import { PRICE_OVERRIDE } from '../price-override.ts';
import { allocateProportionally } from './allocate.ts';
import { claimItems, matches, type Claim, type PoolLine } from './apply-promotion.ts';
import { basisPoints, isActive, isItemPromotion, normaliseCouponCode, type Promotion, type PromotionKind } from './promotion.ts';
import type { PromotionBook } from './promotion-book.ts';
import { computeTax, type TaxBreakdownRow, type TaxConfig } from './tax.ts';

/** A discount a manager granted by hand: on one line of the cart, or on the whole basket. */
export type ManualDiscount = {
  id: string;
  /** index of the line in the cart, or 'basket' */
  scope: number | 'basket';
  percent?: number;
  amount?: Minor;
  reason: string;
  /** staff id of the manager who approved it */
  approvedBy: string;
};

export type PricingContext = {
  /** ms since the epoch: which promotions are in their window */
  at: number;
  coupons?: readonly string[];
  /** single-use codes this device knows are redeemed already */
  redeemedCoupons?: readonly string[];
  /** the buyer is a staff member: staff promotions apply */
  staffPurchase?: boolean;
  /** the buyer is exempt from tax; the certificate is recorded on the sale */
  taxExemption?: { certificate: string } | null;
  manualDiscounts?: readonly ManualDiscount[];
};

export type DiscountSource =
  | { type: 'promotion'; promotionId: string; revision: number; kind: PromotionKind; coupon?: string }
  | { type: 'manual'; manualId: string; reason: string; approvedBy: string };

/** One discount line of the receipt: what it took off and which promotion (or manager) gave it. */
export type DiscountLine = { source: DiscountSource; label: string; amount: Minor };

export type PricedLine = CartLine & {
  /** quantity × unit price */
  lineTotal: Minor;
  /** Σ of the discounts on this line */
  discount: Minor;
  /** lineTotal − discount: what the line sells for, and what its tax is computed on */
  net: Minor;
  tax: Minor;
  /** what the customer pays for this line, tax included: the lines' `paid` add up to the sale's total */
  paid: Minor;
  /** this line's share of each `taxBreakdown` row, in that order */
  taxParts: Minor[];
  /** the line's share of each discount line: index into `discounts`, amount */
  discounts: { discount: number; amount: Minor }[];
};

export type CouponStatus = 'applied' | 'no_effect' | 'unknown' | 'not_valid_now' | 'already_used';
export type CouponOutcome = { code: string; status: CouponStatus; promotionName?: string };

export type SaleTotals = {
  lines: PricedLine[];
  discounts: DiscountLine[];
  /** Σ line totals, as shelf prices read (net or gross by the store's tax mode) */
  subtotal: Minor;
  discountTotal: Minor;
  tax: Minor;
  /** what the customer pays */
  total: Minor;
  taxIncluded: boolean;
  taxBreakdown: TaxBreakdownRow[];
  /** for an exempt buyer: the certificate and the tax not charged */
  taxExemption: { certificate: string; exemptedTax: Minor } | null;
  coupons: CouponOutcome[];
  /** the promotion set and tax rules this sale was priced with */
  promotionsRevision: number;
  taxConfigVersion: number;
};

type Application = { source: DiscountSource; label: string; amounts: Map<number, Minor> };
type Deal = { applications: Application[]; saving: Minor };

/** Ties are broken by priority, then by id, so every device picks the same promotion. */
function byPriority(a: Promotion, b: Promotion): number {
  return b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function promotionSource(promotion: Promotion, coupon: string | undefined): DiscountSource {
  return { type: 'promotion', promotionId: promotion.id, revision: promotion.revision, kind: promotion.kind, ...(coupon ? { coupon } : {}) };
}

function checkLine(line: CartLine) {
  if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY) {
    throw new RangeError(`quantity of ${line.sku} must be a whole number from 1 to ${MAX_LINE_QUANTITY}`);
  }
  assertMinor(line.unitPrice, `price of ${line.sku}`);
  if (line.unitPrice < 0) throw new RangeError(`price of ${line.sku} must not be negative`);
}

/**
 * Prices a cart: promotions, manual discounts, tax. The single source of every
 * total — the till (through the pricing worker), the server re-pricing a synced
 * sale and the shelf sign all call this.
 *
 * Best deal: the engine weighs (a) the combinable promotions together, item
 * promotions chosen greedily by their standalone saving, then stackable and
 * basket promotions; (b) the basket promotions alone, since item discounts can
 * pull a basket under a spend threshold; and (c) each exclusive promotion
 * alone. It keeps the best for the customer. That is not an exhaustive search
 * (which is exponential in overlapping promotions), but it is never worse than
 * any single applicable promotion, and it is the same on every device: lines
 * are taken in a canonical order and every tie is broken by priority then id.
 */
export function priceSale(cart: readonly CartLine[], book: PromotionBook, taxConfig: TaxConfig, context: PricingContext): SaleTotals {
  cart.forEach(checkLine);
  // Canonical order: the same lines in any order give the same claims and roundings.
  // Lines alike in all compareLines reads can still differ by the manager's line
  // discounts on them (a till splits off the one chipped mug to discount it): those
  // break the tie too, else which twin a promotion reached first, and so what the
  // manager's percent was worth, followed the scan order.
  const manualDiscounts = context.manualDiscounts ?? [];
  const manualKeys = cart.map((_, i) => (manualDiscounts.length === 0 ? '' : manualKeyOf(manualDiscounts, i)));
  const order = cart.map((_, i) => i).sort((a, b) => compareLines(cart[a]!, cart[b]!) || compareText(manualKeys[a]!, manualKeys[b]!) || a - b);
  const positionOf = new Array<number>(cart.length);
  order.forEach((inputIndex, position) => (positionOf[inputIndex] = position));
  const pool: PoolLine[] = order.map((inputIndex, index) => {
    const line = cart[inputIndex]!;
    return { index, sku: line.sku, category: line.category, unitPrice: line.unitPrice, quantity: line.quantity };
  });
  const lineTotals = pool.map((line) => assertMinor(line.unitPrice * line.quantity, `total of ${line.sku}`));

  const coupons = usableCoupons(book, context);
  const candidates = candidatePromotions(book, pool, context, coupons.byPromotion);
  const manual = manualDiscounts.map((discount) => ({
    ...discount,
    scope: discount.scope === 'basket' ? ('basket' as const) : positionOf[discount.scope],
  }));
  for (const discount of manual) {
    if (discount.scope === undefined) throw new RangeError(`manual discount ${discount.id} names a line the cart does not have`);
  }

  const evaluate = (promotions: Promotion[]) => runDeal(pool, lineTotals, promotions, candidates.eligible, coupons.byPromotion, manual as ManualInPool[]);
  const combinable = candidates.promotions.filter((promotion) => promotion.stacking !== 'exclusive');
  const deals: Deal[] = [evaluate(combinable), evaluate(combinable.filter((promotion) => !isItemPromotion(promotion)))];
  for (const promotion of candidates.promotions.filter((p) => p.stacking === 'exclusive').sort(byPriority)) deals.push(evaluate([promotion]));
  // `>` keeps the earlier deal on a tie: combined, then basket-only, then exclusives by priority.
  const best = deals.reduce((winner, deal) => (deal.saving > winner.saving ? deal : winner));

  return settle(cart, order, lineTotals, best, taxConfig, context, book, coupons.outcomes(best));
}

/**
 * Everything of a line that pricing reads. The tax category is part of it: one SKU
 * can sell at two rates (eaten in or taken away), and which of the two lines a
 * promotion claims first decides the tax.
 */
function compareLines(a: CartLine, b: CartLine): number {
  if (a.sku !== b.sku) return a.sku < b.sku ? -1 : 1;
  return a.unitPrice - b.unitPrice || a.quantity - b.quantity || compareText(a.category, b.category) || compareText(a.taxCategory, b.taxCategory);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The manager's discounts on cart line `line`, in the order they apply, as a comparable key. */
function manualKeyOf(discounts: readonly ManualDiscount[], line: number): string {
  return JSON.stringify(discounts.filter((d) => d.scope === line).map((d) => [d.id, d.percent ?? null, d.amount ?? null, d.reason, d.approvedBy]));
}

function usableCoupons(book: PromotionBook, context: PricingContext) {
  const byPromotion = new Map<Promotion, string>();
  const statuses = new Map<string, { status: CouponStatus; promotion?: Promotion }>();
  const redeemed = new Set((context.redeemedCoupons ?? []).map(normaliseCouponCode));
  for (const entered of context.coupons ?? []) {
    const code = normaliseCouponCode(entered);
    if (statuses.has(code)) continue;
    const promotion = book.byCouponCode.get(code);
    if (!promotion) statuses.set(code, { status: 'unknown' });
    else if (!isActive(promotion, book.storeId, context.at)) statuses.set(code, { status: 'not_valid_now', promotion });
    else if (promotion.coupon?.singleUse && redeemed.has(code)) statuses.set(code, { status: 'already_used', promotion });
    else {
      statuses.set(code, { status: 'no_effect', promotion });
      if (!byPromotion.has(promotion)) byPromotion.set(promotion, code);
    }
  }
  return {
    byPromotion,
    outcomes(deal: Deal): CouponOutcome[] {
      const appliedCodes = new Set(deal.applications.flatMap((a) => (a.source.type === 'promotion' && a.source.coupon ? [a.source.coupon] : [])));
      return [...statuses].map(([code, { status, promotion }]) => ({
        code,
        status: appliedCodes.has(code) ? 'applied' : status,
        ...(promotion ? { promotionName: promotion.name } : {}),
      }));
    },
  };
}

/** The active promotions that touch the cart, each with the lines it can touch (canonical positions). */
function candidatePromotions(book: PromotionBook, pool: readonly PoolLine[], context: PricingContext, couponed: ReadonlyMap<Promotion, string>) {
  const eligible = new Map<Promotion, number[]>();
  const usable = (promotion: Promotion) =>
    isActive(promotion, book.storeId, context.at) &&
    (promotion.coupon === null || couponed.has(promotion)) &&
    (promotion.kind !== 'staff' || context.staffPurchase === true);
  const note = (promotion: Promotion, line: number) => {
    const lines = eligible.get(promotion);
    if (lines) {
      if (lines[lines.length - 1] !== line) lines.push(line);
    } else if (usable(promotion)) eligible.set(promotion, [line]);
  };
  for (const line of pool) {
    for (const promotion of book.bySku.get(line.sku) ?? []) note(promotion, line.index);
    for (const promotion of book.byCategory.get(line.category) ?? []) note(promotion, line.index);
  }
  const all = pool.map((line) => line.index);
  for (const promotion of book.storeWide) if (usable(promotion)) eligible.set(promotion, all);
  return { promotions: [...eligible.keys()].sort(byPriority), eligible };
}

type ManualInPool = ManualDiscount & { scope: number | 'basket' };

/** Applies a set of promotions the way they combine, then the manager's discounts. */
function runDeal(
  pool: readonly PoolLine[],
  lineTotals: readonly Minor[],
  promotions: readonly Promotion[],
  eligible: ReadonlyMap<Promotion, number[]>,
  couponed: ReadonlyMap<Promotion, string>,
  manual: readonly ManualInPool[],
): Deal {
  const net = [...lineTotals];
  const free = pool.map((line) => line.quantity);
  const applications: Application[] = [];
  let saving = 0;
  const record = (promotion: Promotion, amounts: Map<number, Minor>) => {
    let total = 0;
    for (const [line, amount] of amounts) {
      net[line]! -= amount;
      total += amount;
    }
    if (total === 0) return;
    saving += total;
    applications.push({ source: promotionSource(promotion, couponed.get(promotion)), label: promotion.name, amounts });
  };

  // 1. Item promotions that claim units, the biggest standalone saving first.
  const itemPromotions = promotions.filter((p) => isItemPromotion(p) && p.stacking !== 'stackable');
  const standalone = new Map<Promotion, Claim>();
  for (const promotion of itemPromotions) {
    const claim = claimItems(promotion, pool, eligible.get(promotion)!, free);
    if (claim) standalone.set(promotion, claim);
  }
  const greedy = [...standalone.keys()].sort((a, b) => standalone.get(b)!.saving - standalone.get(a)!.saving || byPriority(a, b));
  // A claim computed alone still holds while no earlier claim took units from its lines: reuse it.
  const taken = new Uint8Array(pool.length);
  for (const promotion of greedy) {
    const lines = eligible.get(promotion)!;
    const untouched = lines.every((line) => taken[line] === 0);
    const claim: Claim | null = untouched ? standalone.get(promotion)! : claimItems(promotion, pool, lines, free);
    if (!claim) continue;
    for (const [line, units] of claim.units) {
      free[line]! -= units;
      taken[line] = 1;
    }
    record(promotion, claim.amounts);
  }

  // 2. Stackable item promotions, on the price after step 1.
  for (const promotion of promotions.filter((p) => p.stacking === 'stackable').sort(byPriority)) {
    if (promotion.kind !== 'percent_off' && promotion.kind !== 'amount_off') continue;
    const amounts = new Map<number, Minor>();
    for (const i of eligible.get(promotion)!) {
      if (!matches(promotion.target, pool[i]!) || net[i]! <= 0) continue;
      const off =
        promotion.kind === 'percent_off'
          ? scaleRounded(net[i]!, basisPoints(promotion.percent), 10_000, 'half-up')
          : Math.min(promotion.amount * pool[i]!.quantity, net[i]!);
      if (off > 0) amounts.set(i, off);
    }
    record(promotion, amounts);
  }

  // 3. Basket promotions, each computed on the same post-item amounts so none hides another's threshold.
  const basketPromotions = promotions.filter((p) => !isItemPromotion(p)).sort(byPriority);
  // A basket promotion's eligible lines are exactly its target's: the index found them by SKU or category.
  const bases = basketPromotions.map((promotion) => {
    const lines = eligible.get(promotion)!;
    return { lines, base: sumMinor(lines.map((i) => net[i]!)) };
  });
  basketPromotions.forEach((promotion, k) => {
    const { lines, base } = bases[k]!;
    const wanted = basketDiscount(promotion, base);
    const room = sumMinor(lines.map((i) => net[i]!));
    const off = Math.min(wanted, room);
    if (off > 0) record(promotion, spread(off, lines, net));
  });

  // 4. A manager's line discounts, after the promotions: they never take a basket back under a threshold it reached.
  for (const discount of manual) {
    if (discount.scope === 'basket') continue;
    const line = discount.scope;
    const off = manualAmount(discount, net[line]!);
    if (off > 0) recordManual(discount, new Map([[line, off]]));
  }

  // 5. A manager's basket discount, last: it comes off what the customer would otherwise pay.
  for (const discount of manual) {
    if (discount.scope !== 'basket') continue;
    const lines = pool.map((line) => line.index);
    const off = manualAmount(discount, sumMinor(net));
    if (off > 0) recordManual(discount, spread(off, lines, net));
  }
  return { applications, saving };

  function recordManual(discount: ManualInPool, amounts: Map<number, Minor>) {
    for (const [line, amount] of amounts) net[line]! -= amount;
    applications.push({
      source: { type: 'manual', manualId: discount.id, reason: discount.reason, approvedBy: discount.approvedBy },
      // A price override is a manager's amount off whose reason says so (price-override.ts): the receipt names it as one.
      label: discount.reason.startsWith(PRICE_OVERRIDE) ? discount.reason : `Manager discount: ${discount.reason}`,
      amounts,
    });
    for (const amount of amounts.values()) saving += amount;
  }
}

function manualAmount(discount: ManualDiscount, of: Minor): Minor {
  if (discount.percent !== undefined) return scaleRounded(of, basisPoints(discount.percent), 10_000, 'half-up');
  return Math.min(discount.amount ?? 0, of);
}

function basketDiscount(promotion: Promotion, base: Minor): Minor {
  if (promotion.kind === 'staff') return scaleRounded(base, basisPoints(promotion.percent), 10_000, 'half-up');
  if (promotion.kind !== 'tiered_spend') return 0;
  let reached = null;
  for (const tier of promotion.tiers) if (tier.threshold <= base && (!reached || tier.threshold > reached.threshold)) reached = tier;
  if (!reached) return 0;
  return reached.amount !== undefined ? reached.amount : scaleRounded(base, basisPoints(reached.percent ?? 0), 10_000, 'half-up');
}

/** Splits a discount over lines in proportion to what each still costs; no line goes below zero. */
function spread(amount: Minor, lines: readonly number[], net: readonly Minor[]): Map<number, Minor> {
  const shares = allocateProportionally(amount, lines.map((i) => net[i]!));
  const amounts = new Map<number, Minor>();
  lines.forEach((line, k) => {
    if (shares[k]! > 0) amounts.set(line, shares[k]!);
  });
  return amounts;
}

/** What pricing adds to a cart line. */
export type LineFigures = Omit<PricedLine, keyof CartLine>;

/**
 * A priced line with exactly the fields a sale line has, whatever else `line`
 * and `figures` carry. Written out, not `{ ...line, … }`: a spread followed by
 * more fields takes V8's slow path, and was most of the time a 200-line cart
 * took to price.
 */
export function pricedLine(line: CartLine, figures: LineFigures): PricedLine {
  return {
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    taxCategory: line.taxCategory,
    category: line.category,
    priceVersion: line.priceVersion,
    lineTotal: figures.lineTotal,
    discount: figures.discount,
    net: figures.net,
    tax: figures.tax,
    paid: figures.paid,
    taxParts: figures.taxParts,
    discounts: figures.discounts,
  };
}

/** Turns the chosen deal into priced lines, discount lines and tax, in the cart's own order. */
function settle(
  cart: readonly CartLine[],
  order: readonly number[],
  lineTotals: readonly Minor[],
  deal: Deal,
  taxConfig: TaxConfig,
  context: PricingContext,
  book: PromotionBook,
  coupons: CouponOutcome[],
): SaleTotals {
  const discounts: DiscountLine[] = [];
  const perLine: { discount: number; amount: Minor }[][] = lineTotals.map(() => []);
  for (const application of deal.applications) {
    let amount = 0;
    const index = discounts.length;
    for (const [line, share] of [...application.amounts].sort((a, b) => a[0] - b[0])) {
      perLine[line]!.push({ discount: index, amount: share });
      amount += share;
    }
    discounts.push({ source: application.source, label: application.label, amount });
  }
  const position = new Array<number>(cart.length);
  order.forEach((inputIndex, p) => (position[inputIndex] = p));
  const lines: PricedLine[] = cart.map((line, inputIndex) => {
    const p = position[inputIndex]!;
    const discount = sumMinor(perLine[p]!.map((d) => d.amount));
    const net = lineTotals[p]! - discount;
    return pricedLine(line, { lineTotal: lineTotals[p]!, discount, net, tax: 0, paid: net, taxParts: [], discounts: perLine[p]! });
  });

  // Tax in canonical order too, so invoice-level rounding remainders land on the same lines everywhere.
  const canonical = order.map((inputIndex) => lines[inputIndex]!);
  const taxed = computeTax(canonical.map((line) => ({ amount: line.net, taxCategory: line.taxCategory })), taxConfig);
  const subtotal = sumMinor(lines.map((line) => line.lineTotal));
  const discountTotal = sumMinor(discounts.map((d) => d.amount));
  const netTotal = subtotal - discountTotal;
  const taxIncluded = taxConfig.mode === 'inclusive';
  const common = { lines, discounts, subtotal, discountTotal, taxIncluded, coupons, promotionsRevision: book.revision, taxConfigVersion: taxConfig.version };

  if (context.taxExemption) {
    // Exempt: nothing is charged. An inclusive price holds tax, so the buyer pays the price without it.
    const exemptedTax = taxed.tax;
    if (taxIncluded) canonical.forEach((line, p) => (line.paid -= taxed.lineTax[p]!));
    return {
      ...common,
      tax: 0,
      total: taxIncluded ? netTotal - exemptedTax : netTotal,
      taxBreakdown: [],
      taxExemption: { certificate: context.taxExemption.certificate, exemptedTax },
    };
  }
  canonical.forEach((line, p) => {
    line.tax = taxed.lineTax[p]!;
    line.taxParts = taxed.lineParts[p]!;
    if (!taxIncluded) line.paid += line.tax;
  });
  return { ...common, tax: taxed.tax, total: taxIncluded ? netTotal : netTotal + taxed.tax, taxBreakdown: taxed.breakdown, taxExemption: null };
}
