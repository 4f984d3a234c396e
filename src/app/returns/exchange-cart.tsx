import { Fragment } from 'preact';
import { useMemo } from 'preact/hooks';
import type { RefundFallback } from '../../domain/sale-return.ts';
import type { SaleRecord } from '../../domain/sale-record.ts';
import { Money } from '../components/money.tsx';
import { focusOnMount } from '../components/focus-on-mount.ts';
import { createExchange } from './exchange-model.ts';
import type { ReturnDone, ReturnsContext } from './returns-model.ts';
import type { ReturnFigures } from './sale-return-model.ts';

type Props = {
  context: ReturnsContext;
  returned: { record: SaleRecord; returnedBefore: number[]; figures: ReturnFigures };
  terms: { fallback: RefundFallback; approvedBy: string | null; reason: string };
  outcome: { done: (done: ReturnDone) => void; fail: (message: string | null) => void };
  onCancel: () => void;
};

/** The goods going out in an exchange, and the one balance: the customer pays it in cash or gets it back. */
export function ExchangeCart({ context, returned, terms, outcome, onCancel }: Props) {
  const model = useMemo(() => createExchange(context, returned, terms, outcome), []);
  const { store } = context;
  const balance = model.balance.value;
  const notice = model.notice.value;
  return (
    <div class="sale-return" aria-label="Exchange">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const input = event.currentTarget.elements.namedItem('item') as HTMLInputElement;
          void model.scanOrSearch(input.value);
          input.value = '';
        }}
      >
        <label for="exchange-item">New item (scan or type)</label>
        <input id="exchange-item" name="item" class="scan-field" ref={focusOnMount} autoComplete="off" />
      </form>
      {notice && (
        <p class={`notice ${notice.tone}`} role="alert">
          {notice.text}
        </p>
      )}
      {model.searchResults.value.length > 0 && (
        <ul class="search-results" aria-label="Items found">
          {model.searchResults.value.map((product) => (
            <li key={product.sku}>
              <button type="button" onClick={() => void model.addProduct(product)}>
                <span>{product.name}</span>
                <Money amount={product.price} store={store} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <dl class="totals" aria-label="Exchange balance">
        <dt>Returned goods</dt>
        <dd>
          <Money amount={-model.returnTotal} store={store} />
        </dd>
        {model.totals.value?.lines.map((line) => (
          <Fragment key={line.sku}>
            <dt>
              {line.quantity} × {line.name}
            </dt>
            <dd>
              <Money amount={line.paid} store={store} />
            </dd>
          </Fragment>
        ))}
        {balance && (
          <>
            <dt class="grand">{balance.customerPays > 0 ? 'Customer pays' : 'Customer gets back'}</dt>
            <dd class="grand" data-testid="exchange-balance">
              <Money amount={balance.customerPays > 0 ? balance.customerPays : balance.customerGets} store={store} />
            </dd>
          </>
        )}
      </dl>
      {balance && balance.customerPays > 0 && (
        <>
          <label for="exchange-cash">Cash received</label>
          <input id="exchange-cash" inputMode="decimal" value={model.cashText.value} onInput={(event) => (model.cashText.value = event.currentTarget.value)} />
        </>
      )}
      <span class="approval-actions">
        <button type="button" class="primary" disabled={!balance || model.busy.value} onClick={() => void model.complete()}>
          Complete exchange
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </span>
    </div>
  );
}
