import { batch, signal } from '@preact/signals';
import type { CartLine } from '../../domain/cart-line.ts';
import type { PricingContext, SaleTotals, TaxConfig } from '../../domain/pricing/index.ts';
import type { PricingClient } from '../pricing-client.ts';

/** How long the screen waits for totals before it shows a changed cart without them. */
const LINES_WITHOUT_TOTALS_MS = 60;

/** A cart priced as it is now, and what it was priced with: what a sale records. */
export type PricedSale = { lines: CartLine[]; totals: SaleTotals; context: PricingContext };

/**
 * Lines and their totals, priced by the pricing worker.
 *
 * The screen's `lines` change together with their totals, so a scan costs one
 * render, not two (line, then total); if pricing is slow the lines show alone
 * after LINES_WITHOUT_TOTALS_MS rather than wait. A newer change supersedes
 * the pricing of an older one: only the newest cart's totals are ever shown.
 */
export function createPricedCart(deps: {
  pricing: PricingClient;
  taxConfig: TaxConfig;
  /** what the engine prices `lines` with now: coupons, discounts, exemption, the time */
  context: (lines: readonly CartLine[]) => Promise<PricingContext>;
  /** the cart could not be priced: the lines show without totals, and the caller says why */
  onFailure: (error: Error) => void;
}) {
  /** the cart as rung up: what every change starts from */
  let cart: CartLine[] = [];
  /** the cart as the screen shows it, updated with its totals */
  const lines = signal<CartLine[]>([]);
  const totals = signal<SaleTotals | null>(null);
  /** the cart `totals` were computed for, and with what */
  let priced: { cart: CartLine[]; context: PricingContext } | null = null;
  let request = 0;
  /** settles when the newest cart's pricing has finished */
  let latest: Promise<void> = Promise.resolve();

  async function price(next: CartLine[]) {
    const mine = ++request;
    if (next.length === 0) {
      priced = null;
      batch(() => {
        lines.value = next;
        totals.value = null;
      });
      return;
    }
    const showAlone = setTimeout(() => {
      if (mine === request) lines.value = next;
    }, LINES_WITHOUT_TOTALS_MS);
    try {
      const context = await deps.context(next);
      const pricingStart = performance.now();
      const result = await deps.pricing.priceSale(next, deps.taxConfig, context);
      // User Timing: visible in DevTools and read by `npm run bench`.
      performance.measure('storeside:pricing', { start: pricingStart, end: performance.now() });
      if (mine !== request) return;
      priced = { cart: next, context };
      batch(() => {
        lines.value = next;
        totals.value = result;
      });
    } catch (error) {
      if (mine !== request) return;
      priced = null;
      batch(() => {
        lines.value = next;
        totals.value = null;
      });
      deps.onFailure(error instanceof Error ? error : new Error(String(error)));
    } finally {
      clearTimeout(showAlone);
    }
  }

  function set(next: CartLine[]): Promise<void> {
    cart = next;
    latest = price(next);
    return latest;
  }

  return {
    lines,
    totals,
    /** the cart as rung up, ahead of `lines` while it is being priced */
    get current(): readonly CartLine[] {
      return cart;
    },
    set,
    /** Prices the same lines again: a coupon, a discount or the promotions changed. */
    reprice: () => set(cart),
    /** The cart as it is now, priced, with what it was priced with; null when it is empty or cannot be priced. */
    async settled(): Promise<PricedSale | null> {
      await latest;
      if (priced?.cart !== cart) await set(cart);
      if (!totals.value || priced?.cart !== cart) return null;
      return { lines: cart, totals: totals.value, context: priced.context };
    },
  };
}

export type PricedCart = ReturnType<typeof createPricedCart>;
