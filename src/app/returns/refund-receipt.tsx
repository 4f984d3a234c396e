import type { RefundCompletedPayload } from '../../domain/sale-return.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { Money } from '../components/money.tsx';
import type { ReturnDone } from './returns-model.ts';

/** One tender of a refund, in the words the receipt uses. */
export function RefundRow({ tender, store }: { tender: RefundCompletedPayload['tenders'][number]; store: StoreRecord }) {
  const label =
    tender.kind === 'card' ? `${tender.brand} •••• ${tender.last4}` : tender.kind === 'gift_card' ? `Gift card •••• ${tender.last4}` : tender.kind === 'store_credit' ? `Store credit ${tender.accountId}` : tender.kind === 'exchange' ? 'Exchange' : 'Cash';
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Money amount={tender.amount} store={store} />
      </dd>
    </>
  );
}

/** The customer spends a refund's store credit by its slip number, at any till of the store: the receipt says so. */
function CreditSlipNote({ tenders }: { tenders: readonly RefundCompletedPayload['tenders'][number][] }) {
  const slips = tenders.flatMap((tender) => (tender.kind === 'store_credit' ? [tender.accountId] : []));
  if (slips.length === 0) return null;
  return (
    <p class="notice" data-testid="credit-slip">
      Store credit slip {slips.join(', ')}: give this number at checkout to spend the credit.
    </p>
  );
}

/** What was refunded, voided or exchanged, as the customer's receipt shows it. */
export function RefundReceipt({ done, store }: { done: ReturnDone; store: StoreRecord }) {
  if (done.kind === 'void') {
    return (
      <div aria-label="Void receipt">
        <p class="receipt-number">Sale {done.record.receiptNumber} voided</p>
        <dl class="totals">
          {done.voided.tenders.map((tender, index) => (
            <RefundRow key={index} tender={tender} store={store} />
          ))}
          <dt class="grand">Paid back</dt>
          <dd class="grand">
            <Money amount={done.voided.total} store={store} />
          </dd>
        </dl>
      </div>
    );
  }
  if (done.kind === 'exchange') {
    const { sale, refund } = done;
    const cash = sale.tenders.find((tender) => tender.kind === 'cash');
    return (
      <div aria-label="Exchange receipt">
        <p class="receipt-number">
          Exchange: refund {refund.receiptNumber}, sale {sale.receiptNumber}
        </p>
        <table class="receipt-lines">
          <tbody>
            {refund.lines.map((line, index) => (
              <tr key={`r${index}`}>
                <td>
                  {line.quantity} × {line.name} returned
                </td>
                <td class="num">
                  <Money amount={-line.amount} store={store} />
                </td>
              </tr>
            ))}
            {sale.lines.map((line, index) => (
              <tr key={`s${index}`}>
                <td>
                  {line.quantity} × {line.name}
                </td>
                <td class="num">
                  <Money amount={line.paid} store={store} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl class="totals">
          {refund.tenders
            .filter((tender) => tender.kind !== 'exchange')
            .map((tender, index) => (
              <RefundRow key={index} tender={tender} store={store} />
            ))}
          {cash && cash.kind === 'cash' && (
            <>
              <dt>Cash paid</dt>
              <dd>
                <Money amount={cash.amount} store={store} />
              </dd>
              <dt>Change</dt>
              <dd data-testid="exchange-change">
                <Money amount={cash.change} store={store} />
              </dd>
            </>
          )}
        </dl>
        <CreditSlipNote tenders={refund.tenders} />
      </div>
    );
  }
  const { refund } = done;
  return (
    <div aria-label="Refund receipt">
      <p class="receipt-number">
        Refund {refund.receiptNumber}
        {refund.sale ? ` for sale ${refund.sale.receiptNumber}` : ' (no receipt)'}
      </p>
      <table class="receipt-lines">
        <tbody>
          {refund.lines.map((line, index) => (
            <tr key={index}>
              <td>
                {line.quantity} × {line.name}
              </td>
              <td class="num">
                <Money amount={-line.amount} store={store} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl class="totals">
        <dt class="muted">Tax refunded</dt>
        <dd class="muted">
          <Money amount={refund.tax} store={store} />
        </dd>
        {refund.tenders.map((tender, index) => (
          <RefundRow key={index} tender={tender} store={store} />
        ))}
        <dt class="grand">Refunded</dt>
        <dd class="grand" data-testid="refunded">
          <Money amount={refund.total + refund.cashRounding} store={store} />
        </dd>
      </dl>
      <CreditSlipNote tenders={refund.tenders} />
    </div>
  );
}

