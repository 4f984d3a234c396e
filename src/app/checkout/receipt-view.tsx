import { Fragment } from 'preact';
import type { LocalSale } from '../../local/local-sale.ts';
import type { TenderRecord } from '../../domain/tender.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { Money } from '../components/money.tsx';

/**
 * The receipt of the sale just completed. Not modal, and it does not take the
 * focus: the scan field keeps it, so the next customer's first scan closes the
 * receipt and starts their sale instead of being lost.
 */
export function ReceiptView({ sale, store, onClose }: { sale: LocalSale; store: StoreRecord; onClose: () => void }) {
  const change = sale.tenders.reduce((sum, tender) => sum + (tender.kind === 'cash' ? tender.change : 0), 0);
  return (
    <div class="overlay">
      <div class="receipt" role="dialog" aria-labelledby="receipt-title">
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
                  {line.discounts.map((share) => (
                    <div class="line-discount" key={share.discount}>
                      {sale.discounts[share.discount]?.label} <Money amount={-share.amount} store={store} />
                    </div>
                  ))}
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
          {sale.discountTotal > 0 && (
            <>
              <dt class="discount">You saved</dt>
              <dd class="discount" data-testid="receipt-savings">
                <Money amount={-sale.discountTotal} store={store} />
              </dd>
            </>
          )}
          {sale.taxBreakdown.map((row) => (
            <Fragment key={`${row.jurisdiction} ${row.rate}`}>
              <dt class="muted">
                {sale.taxIncluded ? 'incl. ' : ''}
                {row.label} on <Money amount={row.base} store={store} />
              </dt>
              <dd class="muted">
                <Money amount={row.tax} store={store} />
              </dd>
            </Fragment>
          ))}
          {sale.pricing.taxExemption && (
            <>
              <dt class="muted">Tax exempt, certificate {sale.pricing.taxExemption.certificate}</dt>
              <dd class="muted">
                <Money amount={-sale.pricing.taxExemption.exemptedTax} store={store} />
              </dd>
            </>
          )}
          <dt>{sale.taxIncluded ? 'Tax included' : 'Tax'}</dt>
          <dd>
            <Money amount={sale.tax} store={store} />
          </dd>
          <dt class="grand">Total</dt>
          <dd class="grand">
            <Money amount={sale.total} store={store} />
          </dd>
          {sale.cashRounding !== 0 && (
            <>
              <dt class="muted">Cash rounding</dt>
              <dd class="muted">
                <Money amount={sale.cashRounding} store={store} />
              </dd>
            </>
          )}
          {sale.tenders.map((tender, index) => (
            <Fragment key={index}>
              <dt>{tenderLabel(tender)}</dt>
              <dd>
                <Money amount={tender.kind === 'cash' ? tender.tendered : tender.amount} store={store} />
              </dd>
            </Fragment>
          ))}
          <dt>Change</dt>
          <dd data-testid="change">
            <Money amount={change} store={store} />
          </dd>
        </dl>
        <button type="button" class="primary big" onClick={onClose}>
          New sale
        </button>
      </div>
    </div>
  );
}

/** How the receipt names a tender: never more of a card than its brand and last four digits. */
export function tenderLabel(tender: TenderRecord): string {
  switch (tender.kind) {
    case 'cash':
      return 'Cash';
    case 'card':
      return `${tender.brand} •••• ${tender.last4}${tender.offline ? ' (offline)' : ''}`;
    case 'gift_card':
      return `Gift card •••• ${tender.last4}`;
    case 'store_credit':
      return 'Store credit';
    case 'other_till':
      return `Paid at another till (${tender.reference})`;
    case 'exchange':
      return 'Exchange credit';
  }
}
