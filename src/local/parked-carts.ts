import type { CartLine } from '../domain/cart-line.ts';
import type { StoreEvent } from '../domain/events.ts';
import { resumedBy, withResume, type ParkedCartRecord, type ParkedDiscount } from '../domain/parked-cart.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import { cardNumberProblem } from '../domain/typed-text.ts';
import type { StoresideDb } from './db.ts';
import { appendStaffEvent, EventRefused, type DeviceEnv } from './journal.ts';

export type CartToPark = {
  label: string;
  lines: readonly CartLine[];
  coupons: readonly string[];
  staffPurchase: boolean;
  taxExemptCertificate: string | null;
  managerDiscounts: readonly ParkedDiscount[];
};
type Staff = { id: string; name: string };

/**
 * The store's parked carts as this till's journal will make them: the
 * server's records, plus carts parked here and not yet sent, with resumes made
 * here folded in by the same rule as the server's. Newest first.
 */
export async function parkedCarts(db: StoresideDb): Promise<ParkedCartRecord[]> {
  return db.transaction('r', [db.parkedCarts, db.journal, db.meta], async () => {
    const acked = (await db.getMeta('ackedSeq')) ?? 0;
    const carts = new Map((await db.parkedCarts.toArray()).map((cart) => [cart.id, cart]));
    await db.journal.where('seq').above(acked).each((event: StoreEvent) => {
      if (event.type !== 'cart.parked' && event.type !== 'cart.resumed') return;
      const hand = { staffId: event.staffId, staffName: event.payload.staffName, deviceId: event.deviceId, hlc: event.hlc };
      if (event.type === 'cart.parked') {
        const { cartId, label, lines, coupons, staffPurchase, taxExemptCertificate, managerDiscounts } = event.payload;
        if (!carts.has(cartId)) carts.set(cartId, { id: cartId, label, lines, coupons, staffPurchase, taxExemptCertificate, managerDiscounts, parkedBy: hand, resumes: [] });
        return;
      }
      const cart = carts.get(event.payload.cartId);
      if (cart) carts.set(cart.id, withResume(cart, hand));
    });
    return [...carts.values()].sort((a, b) => (a.parkedBy.hlc < b.parkedBy.hlc ? 1 : -1));
  });
}

/** Carts no till has resumed yet: what "Resume" offers. */
export async function cartsWaiting(db: StoresideDb): Promise<ParkedCartRecord[]> {
  return (await parkedCarts(db)).filter((cart) => resumedBy(cart) === null);
}

/**
 * Parks a cart: a journal event, so it survives a reload and reaches the
 * store's other tills. The staff member's cart in progress (cart-draft.ts) goes
 * in the same transaction: parked, it is rung up from the parked list, never
 * also from a reload. Returns its id.
 */
export async function parkCart(db: StoresideDb, env: DeviceEnv, staff: Staff, cart: CartToPark): Promise<string> {
  const cardNumber = cardNumberProblem('The label', cart.label);
  if (cardNumber) throw new EventRefused(cardNumber);
  const cartId = uuidv7(env.now(), env.randomBytes(10));
  await appendStaffEvent(
    db,
    env,
    staff,
    {
      type: 'cart.parked',
      payload: {
        cartId,
        label: cart.label.trim(),
        staffName: staff.name,
        lines: cart.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        coupons: [...cart.coupons],
        staffPurchase: cart.staffPurchase,
        taxExemptCertificate: cart.taxExemptCertificate,
        managerDiscounts: cart.managerDiscounts.map((discount) => ({ ...discount, approvedBy: { ...discount.approvedBy } })),
      },
    },
    { tables: [db.cartDrafts], write: () => db.cartDrafts.delete(staff.id) },
  );
  return cartId;
}

/**
 * Takes a parked cart to ring up here. If another till resumed it first while
 * the two were apart, the server gives it to that one, and this till is told
 * (`resumedBy` of the synced record names the other).
 */
export async function resumeCart(db: StoresideDb, env: DeviceEnv, staff: Staff, cartId: string): Promise<void> {
  await appendStaffEvent(db, env, staff, { type: 'cart.resumed', payload: { cartId, staffName: staff.name } });
}
