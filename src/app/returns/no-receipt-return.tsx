import { useMemo, useState } from 'preact/hooks';
import { ManagerApproval } from '../approval/manager-approval.tsx';
import { Money } from '../components/money.tsx';
import { focusOnMount } from '../components/focus-on-mount.ts';
import { createNoReceiptReturn } from './no-receipt-model.ts';
import { RefundRow } from './refund-receipt.tsx';
import type { ReturnDone, ReturnsContext } from './returns-model.ts';

/** An item coming back without a receipt: found by scan or name, refunded at its lowest recent price, a manager approving. */
export function NoReceiptReturn({ context, outcome }: { context: ReturnsContext; outcome: { done: (done: ReturnDone) => void; fail: (message: string | null) => void } }) {
  const model = useMemo(() => createNoReceiptReturn(context, outcome), []);
  const { store, db } = context;
  const [query, setQuery] = useState('');
  const [approving, setApproving] = useState(false);
  const item = model.item.value;
  const figures = model.figures.value;
  const plan = model.plan.value;
  const quantity = model.quantity.value;
  return (
    <div class="sale-return">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void model.search(query);
        }}
      >
        <label for="no-receipt-item">Item coming back (scan or type)</label>
        <input id="no-receipt-item" class="scan-field" ref={focusOnMount} autoComplete="off" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
      </form>
      {!item && model.results.value.length > 0 && (
        <ul class="search-results" aria-label="Items found">
          {model.results.value.map((product) => (
            <li key={product.sku}>
              <button type="button" onClick={() => void model.choose(product)}>
                <span>{product.name}</span>
                <Money amount={product.price} store={store} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {item && (
        <>
          <p>
            {item.product.name}: refunded at <Money amount={item.price} store={store} /> each, its lowest price in the last {store.returnDays} days
          </p>
          <span class="qty">
            <button type="button" aria-label="One fewer" disabled={quantity <= 1} onClick={() => model.setQuantity(quantity - 1)}>
              −
            </button>
            <span aria-label={`${item.product.name} coming back`}>{quantity}</span>
            <button type="button" aria-label="One more" onClick={() => model.setQuantity(quantity + 1)}>
              +
            </button>
          </span>
          <label for="no-receipt-reason">Reason</label>
          <input id="no-receipt-reason" maxLength={200} value={model.reason.value} onInput={(event) => (model.reason.value = event.currentTarget.value)} />
          <label class="checkbox">
            <input type="checkbox" checked={model.toCredit.value} onChange={(event) => (model.toCredit.value = event.currentTarget.checked)} /> Refund as store credit
          </label>
          {plan && figures && !('error' in figures) && (
            <dl class="totals" aria-label="Refund">
              {plan.tenders.map((tender, index) => (
                <RefundRow key={index} tender={tender} store={store} />
              ))}
            </dl>
          )}
          {approving ? (
            <ManagerApproval db={db} action="a return without a receipt" onApproved={(approval) => void model.refund(approval)} onCancel={() => setApproving(false)} />
          ) : (
            <button type="button" class="primary" disabled={!plan} onClick={() => void model.refused().then((refused) => refused || setApproving(true))}>
              Refund (manager)…
            </button>
          )}
        </>
      )}
    </div>
  );
}
