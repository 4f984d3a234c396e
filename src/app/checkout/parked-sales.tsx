import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import { resumedBy, type ParkedCartRecord } from '../../domain/parked-cart.ts';
import { parkedCarts } from '../../local/parked-carts.ts';
import type { CheckoutModel } from './checkout-model.ts';
import { VoidDialog } from './void-dialog.tsx';

/**
 * Parking and resuming sales: park the cart under a label (the customer's
 * name, say), and resume any cart parked on any till of the store once it has
 * synced. A cart this till resumed after another till did is listed too: the
 * other till has it, and the associate here should know. Voiding the sale
 * being rung up sits beside Park: both take the cart off the till.
 */
export function ParkedSales({ model, deviceId }: { model: CheckoutModel; deviceId: string }) {
  const [carts, setCarts] = useState<ParkedCartRecord[]>([]);
  const [showing, setShowing] = useState(false);
  const [voiding, setVoiding] = useState(false);
  useEffect(() => {
    const subscription = liveQuery(() => parkedCarts(model.db)).subscribe({ next: setCarts, error: () => setCarts([]) });
    return () => subscription.unsubscribe();
  }, [model]);
  const waiting = carts.filter((cart) => resumedBy(cart) === null);
  const lostHere = carts.filter((cart) => resumedBy(cart)?.deviceId !== deviceId && cart.resumes.some((resume) => resume.deviceId === deviceId));
  const hasCart = model.lines.value.length > 0;
  return (
    <div class="parked">
      {hasCart && (
        <form
          class="coupon-entry park-entry"
          onSubmit={(event) => {
            event.preventDefault();
            const input = event.currentTarget.elements.namedItem('label') as HTMLInputElement;
            void model.park(input.value).then(() => (input.value = ''));
            input.blur();
          }}
        >
          <input name="label" aria-label="Label for the parked sale" autoComplete="off" maxLength={40} placeholder="Label, e.g. customer name" />
          <button type="submit">Park sale</button>
        </form>
      )}
      {hasCart && (
        <button type="button" class="link" onClick={() => setVoiding(true)}>
          Void sale…
        </button>
      )}
      {voiding && <VoidDialog model={model} onClose={() => setVoiding(false)} />}
      <button type="button" class="link" onClick={() => setShowing(true)}>
        Parked sales ({waiting.length})
      </button>
      {showing && (
        <div class="overlay">
          <section class="receipt" role="dialog" aria-labelledby="parked-title">
            <h2 id="parked-title">Parked sales</h2>
            {waiting.length === 0 ? (
              <p>No sale is parked in this store.</p>
            ) : (
              <ul class="task-list">
                {waiting.map((cart) => (
                  <li key={cart.id}>
                    <strong>{cart.label}</strong> · {cart.lines.reduce((units, line) => units + line.quantity, 0)} items
                    <div class="muted">Parked by {cart.parkedBy.staffName}</div>
                    <button
                      type="button"
                      disabled={hasCart}
                      onClick={() => {
                        setShowing(false);
                        void model.resume(cart.id);
                      }}
                    >
                      Resume
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {hasCart && waiting.length > 0 && <p class="muted">Finish or park the sale on the till to resume one of these.</p>}
            {lostHere.length > 0 && (
              <>
                <h3>Resumed on another till first</h3>
                <ul class="task-list">
                  {lostHere.map((cart) => (
                    <li key={cart.id} class="warning">
                      “{cart.label}” was resumed by {resumedBy(cart)!.staffName} on another till before this one: that till has the sale. Make sure it is not rung up twice.
                    </li>
                  ))}
                </ul>
              </>
            )}
            <button type="button" class="primary big" onClick={() => setShowing(false)}>
              Close
            </button>
          </section>
        </div>
      )}
    </div>
  );
}
