import { useEffect, useRef } from 'preact/hooks';
import type { LocalSale } from '../../local/local-sale.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { Money } from '../components/money.tsx';

export function ReceiptView({ sale, store, onClose }: { sale: LocalSale; store: StoreRecord; onClose: () => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  const cash = sale.tenders[0]!;
  return (
    <div class="overlay">
      <div class="receipt" role="dialog" aria-modal="true" aria-labelledby="receipt-title">
        <h2 id="receipt-title">Sale complete</h2>
        <p class="receipt-number">
          Receipt <strong data-testid="receipt-number">{sale.receiptNumber}</strong>
        </p>
        <p class="muted">
          {store.name} · {new Date(sale.completedAt).toLocaleString(store.locale)} · served by {sale.staffName}
        </p>
        <table class="receipt-lines">
          <tbody>
            {sale.lines.map((line) => (
              <tr key={line.sku}>
                <td>
                  {line.quantity} × {line.name}
                </td>
                <td class="num">
                  <Money amount={line.lineTotal} store={store} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl class="totals">
          <dt>Subtotal</dt>
          <dd>
            <Money amount={sale.subtotal} store={store} />
          </dd>
          <dt>{sale.taxIncluded ? 'Tax included' : 'Tax'}</dt>
          <dd>
            <Money amount={sale.tax} store={store} />
          </dd>
          <dt class="grand">Total</dt>
          <dd class="grand">
            <Money amount={sale.total} store={store} />
          </dd>
          <dt>Cash</dt>
          <dd>
            <Money amount={cash.tendered} store={store} />
          </dd>
          <dt>Change</dt>
          <dd data-testid="change">
            <Money amount={cash.change} store={store} />
          </dd>
        </dl>
        <button type="button" class="primary big" ref={button} onClick={onClose}>
          New sale
        </button>
      </div>
    </div>
  );
}
