import type { Minor } from './money.ts';

/**
 * A price override at the till is a manager's amount off the line: the
 * difference between the shelf price and the new one, on every unit. Its
 * reason begins with PRICE_OVERRIDE so the receipt and the audit name it as
 * one (pricing/price-sale.ts); the server prices it like any manager discount.
 * Null when the new price is not below the shelf price (a raise is not a discount).
 */
export const PRICE_OVERRIDE = 'Price override: ';

export function priceOverrideAmount(line: { unitPrice: Minor; quantity: number }, newUnitPrice: Minor): Minor | null {
  return Number.isSafeInteger(newUnitPrice) && newUnitPrice >= 0 && newUnitPrice < line.unitPrice ? (line.unitPrice - newUnitPrice) * line.quantity : null;
}
