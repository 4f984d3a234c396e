import { cartLineFor, type CartLine } from '../../domain/cart-line.ts';
import type { StoresideDb } from '../../local/db.ts';
import type { DeviceEnv } from '../../local/journal.ts';
import { cartsWaiting, parkCart, resumeCart } from '../../local/parked-carts.ts';
import type { AdjustmentState } from './adjustments.ts';
import type { CartState } from './cart.ts';
import type { Notice } from './notice.ts';
import { exceptionText } from '../words/failure-text.ts';

type Staff = { id: string; name: string };

/** A parked cart taken up on this till: its lines at today's prices, and what it carried besides. */
export type ResumedCart = { label: string; cart: CartState; adjustments: AdjustmentState; missing: string[] };

/**
 * Parking a sale for any till of the store to resume, and resuming one. Both
 * are journal events (local/parked-carts.ts), so a parked cart outlives a
 * reload and reaches the other tills; a resumed one is priced again, at the
 * prices and promotions of the moment it is resumed.
 */
export function createParking(deps: { db: StoresideDb; env: DeviceEnv; staff: () => Staff; say: (notice: Notice | null) => void }) {
  const { db, env, say } = deps;
  return {
    /** Parks the lines and adjustments under `label`; false (and a notice) when it cannot. */
    async park(label: string, cart: readonly CartLine[], adjustments: AdjustmentState): Promise<boolean> {
      if (cart.length === 0) return false;
      if (!label.trim()) {
        say({ tone: 'error', text: 'Give the parked sale a label, like the customer’s name.' });
        return false;
      }
      try {
        await parkCart(db, env, deps.staff(), { label, lines: cart, ...adjustments });
      } catch (error) {
        say({ tone: 'error', text: exceptionText(error, 'The sale was not parked') });
        return false;
      }
      say({ tone: 'info', text: `Parked “${label.trim()}”. Any till of this store can resume it.` });
      return true;
    },

    /** Takes a parked cart to ring up here; null (and a notice) when another till resumed it already. */
    async resume(cartId: string): Promise<ResumedCart | null> {
      const parked = (await cartsWaiting(db)).find((candidate) => candidate.id === cartId);
      if (!parked) {
        say({ tone: 'error', text: 'That sale was resumed already, here or on another till.' });
        return null;
      }
      const products = await db.products.bulkGet(parked.lines.map((line) => line.sku));
      await resumeCart(db, env, deps.staff(), cartId);
      const missing = parked.lines.filter((_, index) => !products[index]).map((line) => line.sku);
      const lines = parked.lines.flatMap((line, index) => (products[index] ? [cartLineFor(products[index], line.quantity)] : []));
      const serializedSkus = products.flatMap((product) => (product?.serialized ? [product.sku] : []));
      return { label: parked.label, cart: { lines, lineDetails: [], serializedSkus }, adjustments: parked, missing };
    },
  };
}

export type Parking = ReturnType<typeof createParking>;
