import { signal } from '@preact/signals';
import type { CartLine } from '../../domain/cart-line.ts';
import type { Minor } from '../../domain/money.ts';
import type { ManualDiscount, PricingContext, SaleTotals } from '../../domain/pricing/index.ts';
import { cardNumberProblem } from '../../domain/typed-text.ts';
import type { StoresideDb } from '../../local/db.ts';
import type { Notice } from './notice.ts';

/** A discount a manager approved at this till, on the line of one product or on the basket. */
export type ManagerDiscount = { id: string; sku: string | 'basket'; percent?: number; amount?: Minor; reason: string; approvedBy: { id: string; name: string } };

/** What changes a sale's price besides its lines, as a parked cart or a kept draft carries it (discount ids are the till's own). */
export type AdjustmentState = {
  coupons: readonly string[];
  staffPurchase: boolean;
  taxExemptCertificate: string | null;
  managerDiscounts: readonly Omit<ManagerDiscount, 'id'>[];
};

/** The manager's discounts as the engine takes them: by line index, for the lines still in the cart. */
export function manualDiscountsFor(lines: readonly CartLine[], discounts: readonly ManagerDiscount[]): ManualDiscount[] {
  return discounts.flatMap(({ id, sku, percent, amount, reason, approvedBy }) => {
    const scope = sku === 'basket' ? ('basket' as const) : lines.findIndex((line) => line.sku === sku);
    if (scope === -1) return [];
    return [{ id, scope, reason, approvedBy: approvedBy.id, ...(percent === undefined ? {} : { percent }), ...(amount === undefined ? {} : { amount }) }];
  });
}

/** Which of `codes` this till's sales have redeemed already (see `redeemedCoupons` below for why it matters). */
export async function couponsRedeemedHere(db: StoresideDb, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const wanted = codes.map((code) => code.trim().toUpperCase());
  const spent = await db.sales.where('redeemedCoupons').anyOf(wanted).toArray();
  return [...new Set(spent.flatMap((sale) => sale.redeemedCoupons))];
}

/**
 * Coupons, a staff purchase, a tax exemption and a manager's discounts: what
 * the pricing engine applies to the lines besides the store's promotions.
 * Each change prices the cart again (`reprice`) and says what came of it.
 */
export function createSaleAdjustments(deps: {
  db: StoresideDb;
  now: () => number;
  /** the sale's lines as rung up (a line's discount goes with the line) */
  lines: () => readonly CartLine[];
  reprice: () => Promise<void>;
  totals: () => SaleTotals | null;
  say: (notice: Notice | null) => void;
}) {
  const { db, say } = deps;
  /** codes the associate entered for this sale, as typed */
  const coupons = signal<string[]>([]);
  /** the buyer is a member of staff: staff promotions apply */
  const staffPurchase = signal(false);
  /** the buyer's tax-exemption certificate; the sale records it */
  const taxExemptCertificate = signal<string | null>(null);
  /** discounts a manager approved on this sale: on one product's line, or the whole basket */
  const managerDiscounts = signal<ManagerDiscount[]>([]);
  let discountCount = 0;
  const discountId = () => `manager-${++discountCount}-${deps.now()}`;

  /**
   * Single-use codes this till has redeemed already. A sale made on another
   * till offline can still have used one; the server books the first and tells
   * HQ about the second.
   */
  const redeemedCoupons = () => couponsRedeemedHere(db, coupons.value);

  return {
    coupons,
    staffPurchase,
    taxExemptCertificate,
    managerDiscounts,

    /** What the engine prices `lines` with now. */
    async pricingContext(lines: readonly CartLine[]): Promise<PricingContext> {
      return {
        at: deps.now(),
        coupons: coupons.value,
        redeemedCoupons: await redeemedCoupons(),
        staffPurchase: staffPurchase.value,
        taxExemption: taxExemptCertificate.value ? { certificate: taxExemptCertificate.value } : null,
        manualDiscounts: manualDiscountsFor(lines, managerDiscounts.value),
      };
    },

    /** A coupon code typed or scanned at the till; it applies offline, from the synced promotions. */
    async addCoupon(code: string) {
      const normalised = code.trim().toUpperCase();
      if (!normalised) return;
      if (coupons.value.some((entered) => entered.toUpperCase() === normalised)) return;
      coupons.value = [...coupons.value, normalised];
      await deps.reprice();
      const outcome = deps.totals()?.coupons.find((coupon) => coupon.code === normalised);
      say(outcome ? couponNotice(outcome.status, normalised, outcome.promotionName) : null);
    },

    removeCoupon(code: string) {
      coupons.value = coupons.value.filter((entered) => entered !== code);
      return deps.reprice();
    },

    setStaffPurchase(on: boolean) {
      staffPurchase.value = on;
      return deps.reprice();
    },

    /** A certificate number makes the sale tax exempt; null (or blank) takes the exemption off. */
    setTaxExemption(certificate: string | null) {
      const trimmed = certificate?.trim() ?? '';
      if (trimmed.length > 64) {
        say({ tone: 'error', text: 'A certificate number has at most 64 characters.' });
        return;
      }
      taxExemptCertificate.value = trimmed || null;
      return deps.reprice();
    },

    /**
     * A discount a manager approved, offline too (their PIN was checked on this
     * till): a percent or an amount off one product's line, or off the basket.
     * The sale records the manager; the server prices it the same way.
     */
    addManagerDiscount(discount: Omit<ManagerDiscount, 'id'>) {
      const { percent, amount } = discount;
      if ((percent === undefined) === (amount === undefined)) throw new Error('a manager discount is a percent or an amount');
      if (percent !== undefined && !(percent > 0 && percent <= 100 && Math.round(percent * 100) / 100 === percent)) {
        say({ tone: 'error', text: 'A percent off is more than 0 and at most 100, with at most two decimals.' });
        return;
      }
      if (amount !== undefined && !(Number.isSafeInteger(amount) && amount > 0)) {
        say({ tone: 'error', text: 'An amount off must be more than nothing.' });
        return;
      }
      const cardNumber = cardNumberProblem('The reason', discount.reason);
      if (cardNumber) {
        say({ tone: 'error', text: `${cardNumber}.` });
        return;
      }
      if (!discount.reason.trim()) {
        say({ tone: 'error', text: 'Say why: the reason goes on the sale and in the audit.' });
        return;
      }
      if (discount.sku !== 'basket' && !deps.lines().some((line) => line.sku === discount.sku)) return;
      managerDiscounts.value = [...managerDiscounts.value, { ...discount, reason: discount.reason.trim(), id: discountId() }];
      return deps.reprice();
    },

    removeManagerDiscount(id: string) {
      managerDiscounts.value = managerDiscounts.value.filter((discount) => discount.id !== id);
      return deps.reprice();
    },

    /** A line left the cart: a discount approved for it goes with it, rather than waiting for the product to be scanned again. */
    lineRemoved(sku: string) {
      managerDiscounts.value = managerDiscounts.value.filter((discount) => discount.sku !== sku);
    },

    /** What a parked cart or a kept draft records of the adjustments. */
    state(): AdjustmentState {
      const discounts = managerDiscounts.value.map(({ id: _id, ...discount }) => discount);
      return { coupons: coupons.value, staffPurchase: staffPurchase.value, taxExemptCertificate: taxExemptCertificate.value, managerDiscounts: discounts };
    },

    /** Takes the adjustments of a resumed or restored sale (manager discounts get ids of this till's). */
    restore(state: AdjustmentState) {
      coupons.value = [...state.coupons];
      staffPurchase.value = state.staffPurchase;
      taxExemptCertificate.value = state.taxExemptCertificate;
      managerDiscounts.value = state.managerDiscounts.map((discount) => ({ ...discount, id: discountId() }));
    },

    clear() {
      coupons.value = [];
      staffPurchase.value = false;
      taxExemptCertificate.value = null;
      managerDiscounts.value = [];
    },
  };
}

export type SaleAdjustments = ReturnType<typeof createSaleAdjustments>;

/** What the associate hears after entering a code; nothing when it worked, since the discount line shows it. */
function couponNotice(status: string, code: string, promotionName: string | undefined): Notice | null {
  switch (status) {
    case 'unknown':
      return { tone: 'error', text: `Coupon ${code} is not known at this store.` };
    case 'not_valid_now':
      return { tone: 'error', text: `Coupon ${code} (${promotionName}) is not valid today.` };
    case 'already_used':
      return { tone: 'error', text: `Coupon ${code} has been used already; it is single-use.` };
    case 'no_effect':
      return { tone: 'info', text: `Coupon ${code} (${promotionName}) is kept, but this cart does not qualify for it yet, or a better offer applies.` };
    default:
      return null;
  }
}
