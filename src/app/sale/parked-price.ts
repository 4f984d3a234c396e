import { cartLineFor } from '../../domain/cart-line.ts';
import type { Minor } from '../../domain/money.ts';
import type { TaxConfig } from '../../domain/pricing/index.ts';
import type { ParkedCartRecord } from '../../domain/parked-cart.ts';
import type { StoresideDb } from '../../local/db.ts';
import type { PricingClient } from '../pricing-client.ts';
import { couponsRedeemedHere, manualDiscountsFor } from './adjustments.ts';

/**
 * What a parked cart holds and comes to now: its items by today's catalogue
 * name (a product no longer in it keeps its SKU, and is left out of the total
 * as a resume leaves it out), and the total; null when nothing of it is left.
 */
export type ParkedPrice = { items: { sku: string; name: string | null; quantity: number }[]; total: Minor | null };

/**
 * Prices a parked cart as resuming it here now would ring it up (parking.ts):
 * today's shelf prices from the catalogue, the store's promotions as the
 * pricing worker holds them, and the cart's own coupons, staff purchase, tax
 * exemption and manager discounts.
 */
export async function priceParkedCart(deps: { db: StoresideDb; pricing: PricingClient; taxConfig: TaxConfig; now: () => number }, cart: ParkedCartRecord): Promise<ParkedPrice> {
  const products = await deps.db.products.bulkGet(cart.lines.map((line) => line.sku));
  const items = cart.lines.map((line, index) => ({ sku: line.sku, name: products[index]?.name ?? null, quantity: line.quantity }));
  const lines = cart.lines.flatMap((line, index) => (products[index] ? [cartLineFor(products[index], line.quantity)] : []));
  if (lines.length === 0) return { items, total: null };
  // A parked discount has no till id; the engine only needs one that is unique in this sale.
  const discounts = cart.managerDiscounts.map((discount, index) => ({ ...discount, id: `parked-${index}` }));
  const totals = await deps.pricing.priceSale(lines, deps.taxConfig, {
    at: deps.now(),
    coupons: [...cart.coupons],
    redeemedCoupons: await couponsRedeemedHere(deps.db, cart.coupons),
    staffPurchase: cart.staffPurchase,
    taxExemption: cart.taxExemptCertificate ? { certificate: cart.taxExemptCertificate } : null,
    manualDiscounts: manualDiscountsFor(lines, discounts),
  });
  return { items, total: totals.total };
}
