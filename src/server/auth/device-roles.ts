import type { StoreEvent } from '../../domain/events.ts';
import { currentSale } from '../../domain/sale.ts';

/**
 * What a device may journal, by the role it was enrolled with (its token says
 * which; an event never does). A tablet is an associate's till and journals
 * everything. A kiosk is a customer's screen: it sells (self-checkout) and
 * nothing an associate or a manager does — no till session or drawer, no
 * return or void, no customer record, no parked cart, no task, no released
 * charge, and no sale carrying a manager's discount or override or a staff
 * price. Null when the device may; otherwise why not, in words HQ reads.
 */
export function roleRefusal(role: string, event: StoreEvent): string | null {
  if (role === 'tablet') return null;
  if (role !== 'kiosk') return `a device enrolled as ${role} may not journal ${event.type}`;
  if (event.type !== 'sale.completed') return `a kiosk may not journal ${event.type}: only an associate's tablet may`;
  const sale = currentSale(event);
  if (sale.pricing.manualDiscounts.length > 0 || sale.overrides.length > 0) return "a kiosk's sale may not carry a manager's discount or override";
  if (sale.pricing.staffPurchase) return "a kiosk's sale may not be a staff purchase";
  return null;
}
