import type { Minor } from '../money.ts';

/**
 * Promotions as the pricing engine reads them. The wire schema that checks them
 * where they are created and where they arrive is in `src/protocol/promotions.ts`.
 *
 * Percentages are numbers with at most two decimals (12.5 means 12.5 %); the
 * engine turns them into basis points before any arithmetic, so no money ever
 * meets a float.
 */

/** Products a promotion applies to: any listed SKU, or any product of a listed category. */
export type PromotionTarget = { skus: string[]; categories: string[] };

/**
 * - 'exclusive': never combined with another promotion on the same sale; the
 *   engine weighs it, alone, against the best combination of the others.
 * - 'combinable': combines with other promotions, but each unit takes at most
 *   one item promotion.
 * - 'stackable': applies on top of the item promotions, on the discounted
 *   price (an "extra 10 % off" coupon). Only percent_off and amount_off stack.
 */
export type Stacking = 'exclusive' | 'combinable' | 'stackable';

export type Coupon = {
  /** codes as printed; matched without regard to case or surrounding spaces */
  codes: string[];
  /** a single-use code is redeemed by the first sale that uses it */
  singleUse: boolean;
};

export type Tier = { threshold: Minor; amount?: Minor; percent?: number };

type PromotionCommon = {
  id: string;
  name: string;
  /** fleet-wide revision the server gave this definition; sales record the highest they saw */
  revision: number;
  /** ms since the epoch; `validTo` is exclusive, null for open-ended */
  validFrom: number;
  validTo: number | null;
  /** store ids, or null for every store */
  stores: string[] | null;
  /** higher wins: orders application and breaks ties between equal savings */
  priority: number;
  stacking: Stacking;
  /** when set, the promotion applies only to a sale that entered one of its codes */
  coupon: Coupon | null;
};

export type ItemPromotion =
  | { kind: 'percent_off'; target: PromotionTarget; percent: number }
  /** off each unit */
  | { kind: 'amount_off'; target: PromotionTarget; amount: Minor }
  /** each unit sells at `price` */
  | { kind: 'fixed_price'; target: PromotionTarget; price: Minor }
  /** buy `buy.quantity` of one target, get `get.quantity` of another (or the same) at `get.percent` off; BOGO is 1 + 1 at 100 */
  | {
      kind: 'buy_x_get_y';
      buy: { target: PromotionTarget; quantity: number };
      get: { target: PromotionTarget; quantity: number; percent: number };
    }
  /** any `quantity` units of the group for `price` together: "3 for 10" */
  | { kind: 'mix_match'; target: PromotionTarget; quantity: number; price: Minor }
  /** these components together for `price` */
  | { kind: 'bundle'; components: { sku: string; quantity: number }[]; price: Minor };

export type BasketPromotion =
  /** spend thresholds on the target's discounted total; the highest tier reached applies */
  | { kind: 'tiered_spend'; target: PromotionTarget | null; tiers: Tier[] }
  /** percent off for a staff member's own purchases */
  | { kind: 'staff'; target: PromotionTarget | null; percent: number };

export type Promotion = PromotionCommon & (ItemPromotion | BasketPromotion);
export type PromotionKind = Promotion['kind'];

export const ITEM_KINDS: ReadonlySet<PromotionKind> = new Set(['percent_off', 'amount_off', 'fixed_price', 'buy_x_get_y', 'mix_match', 'bundle']);
export const STACKABLE_KINDS: ReadonlySet<PromotionKind> = new Set(['percent_off', 'amount_off']);

export function isItemPromotion(promotion: Promotion): promotion is PromotionCommon & ItemPromotion {
  return ITEM_KINDS.has(promotion.kind);
}

/** 12.5 → 1250. Callers have checked the percent has at most two decimals. */
export function basisPoints(percent: number): number {
  return Math.round(percent * 100);
}

/** Every target a promotion reads, for indexing and for validation. */
export function targetsOf(promotion: Promotion): PromotionTarget[] {
  switch (promotion.kind) {
    case 'buy_x_get_y':
      return [promotion.buy.target, promotion.get.target];
    case 'bundle':
      return [{ skus: promotion.components.map((component) => component.sku), categories: [] }];
    case 'tiered_spend':
    case 'staff':
      return promotion.target ? [promotion.target] : [];
    default:
      return [promotion.target];
  }
}

export function normaliseCouponCode(code: string): string {
  return code.trim().toUpperCase();
}

export function isActive(promotion: Promotion, storeId: string, at: number): boolean {
  return (
    promotion.validFrom <= at &&
    (promotion.validTo === null || at < promotion.validTo) &&
    (promotion.stores === null || promotion.stores.includes(storeId))
  );
}
