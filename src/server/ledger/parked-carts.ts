import type { StoreEvent } from '../../domain/events.ts';
import { withResume } from '../../domain/parked-cart.ts';
import type { LedgerTx } from './ledger-tx.ts';

type CartEvent = Extract<StoreEvent, { type: 'cart.parked' | 'cart.resumed' }>;

/**
 * A cart parked on one till, for any till of the store to resume; a resume is
 * added to the cart's resumes, the first by HLC having it (domain/parked-cart.ts).
 * Returns why the event cannot apply, or null.
 */
export async function applyCartEvent(tx: LedgerTx, event: CartEvent): Promise<string | null> {
  const { cartId, staffName } = event.payload;
  const hand = { staffId: event.staffId, staffName, deviceId: event.deviceId, hlc: event.hlc };
  const cart = await tx.sliceRecord(event.storeId, 'parked_cart', cartId);
  if (event.type === 'cart.parked') {
    if (cart) return `cart ${cartId} was parked already`;
    const { label, lines, coupons, staffPurchase, taxExemptCertificate, managerDiscounts } = event.payload;
    await tx.saveSliceRecord(event.storeId, 'parked_cart', cartId, { id: cartId, label, lines, coupons, staffPurchase, taxExemptCertificate, managerDiscounts, parkedBy: hand, resumes: [] });
    return null;
  }
  if (!cart) return `store ${event.storeId} has no parked cart ${cartId}`;
  await tx.saveSliceRecord(event.storeId, 'parked_cart', cartId, withResume(cart, hand));
  return null;
}
