import { liveQuery } from 'dexie';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { parseHlc } from '../../domain/hlc.ts';
import { resumedBy, type ParkedCartRecord } from '../../domain/parked-cart.ts';
import { parkedCarts } from '../../local/parked-carts.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { ModalDialog } from '../components/modal-dialog.tsx';
import { Money } from '../components/money.tsx';
import type { ParkedPrice } from '../sale/parked-price.ts';
import { storeWords } from '../words/store-words.ts';
import type { CheckoutModel } from './checkout-model.ts';
import { VoidDialog } from './void-dialog.tsx';

/** Items of a parked cart named in its list entry; the rest are counted. */
const ITEMS_NAMED = 3;

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
  // One array per change of the carts, not per render: the list prices them again when it changes.
  const waiting = useMemo(() => carts.filter((cart) => resumedBy(cart) === null), [carts]);
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
          <input name="label" aria-label="Label for the parked sale" autoComplete="off" maxLength={40} placeholder="Name or label" />
          <button type="submit">Park sale</button>
        </form>
      )}
      {hasCart && (
        <button type="button" class="tool danger-outline" onClick={() => setVoiding(true)}>
          Void sale…
        </button>
      )}
      <button type="button" class="tool" onClick={() => setShowing(true)}>
        Parked sales ({waiting.length})
      </button>
      {voiding && <VoidDialog model={model} onClose={() => setVoiding(false)} />}
      {showing && (
        <ModalDialog titleId="parked-title" class="parked-dialog" onCancel={() => setShowing(false)}>
          <h2 id="parked-title">Parked sales</h2>
          {waiting.length === 0 ? (
            <p>No sale is parked in this store.</p>
          ) : (
            <ParkedList model={model} carts={waiting} disabled={hasCart} onResume={(cart) => {
              setShowing(false);
              void model.resume(cart.id);
            }} />
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
        </ModalDialog>
      )}
    </div>
  );
}

/**
 * The carts waiting, each with what the associate looks for at the counter:
 * its label, what is in it, who parked it and when (the store's clock), and
 * what it comes to if resumed now — today's prices and promotions, priced in
 * the worker like the sale (model.priceParked).
 */
function ParkedList({ model, carts, disabled, onResume }: { model: CheckoutModel; carts: ParkedCartRecord[]; disabled: boolean; onResume: (cart: ParkedCartRecord) => void }) {
  const [prices, setPrices] = useState<ReadonlyMap<string, ParkedPrice>>(new Map());
  useEffect(() => {
    let current = true;
    void Promise.all(carts.map(async (cart) => [cart.id, await model.priceParked(cart)] as const)).then(
      (priced) => current && setPrices(new Map(priced)),
      (error: unknown) => console.error('cannot price the parked sales', error),
    );
    return () => {
      current = false;
    };
  }, [carts, model]);
  return (
    <ul class="parked-list">
      {carts.map((cart) => (
        <li key={cart.id}>
          <div class="parked-head">
            <strong>{cart.label}</strong>
            <ParkedTotal price={prices.get(cart.id)} store={model.store} />
          </div>
          <p class="parked-items">
            <ParkedItems cart={cart} price={prices.get(cart.id)} />
          </p>
          <p class="muted">
            Parked by {cart.parkedBy.staffName}
            {parkedWhen(cart, model.store)}
          </p>
          <button type="button" disabled={disabled} onClick={() => onResume(cart)}>
            Resume
          </button>
        </li>
      ))}
    </ul>
  );
}

function ParkedTotal({ price, store }: { price: ParkedPrice | undefined; store: StoreRecord }) {
  if (!price) return <span class="parked-total muted">Pricing…</span>;
  if (price.total === null) return <span class="parked-total muted">Nothing of it is sold here now</span>;
  return (
    <span class="parked-total">
      <span class="muted">Total now </span>
      <Money amount={price.total} store={store} />
    </span>
  );
}

/** "3 items: 2 × Oat milk, 1 × Bread" — by today's names once the catalogue has been read, else by SKU. */
function ParkedItems({ cart, price }: { cart: ParkedCartRecord; price: ParkedPrice | undefined }) {
  const items = price?.items ?? cart.lines.map((line) => ({ sku: line.sku, name: null, quantity: line.quantity }));
  const units = items.reduce((sum, item) => sum + item.quantity, 0);
  const named = items.slice(0, ITEMS_NAMED).map((item) => `${item.quantity} × ${item.name ?? `${item.sku} (no longer sold)`}`);
  const more = items.length - named.length;
  return (
    <>
      {units === 1 ? '1 item' : `${units} items`}: {named.join(', ')}
      {more > 0 && `, and ${more} more`}
    </>
  );
}

/** " at 10:42", or " on 3 Mar 2031, 10:42" when it was parked another day — in the store's time zone, whatever the device's. */
function parkedWhen(cart: ParkedCartRecord, store: StoreRecord): string {
  const at = parseHlc(cart.parkedBy.hlc)?.wallMs;
  if (at === undefined) return '';
  const words = storeWords(store);
  return words.date(at) === words.date(Date.now()) ? ` at ${words.time(at)}` : ` on ${words.dateTime(at)}`;
}
