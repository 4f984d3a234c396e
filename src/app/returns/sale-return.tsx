import { useMemo, useState } from 'preact/hooks';
import { isVoided, type SaleRecord } from '../../domain/sale-record.ts';
import { ManagerApproval, type Approval } from '../approval/manager-approval.tsx';
import { Money } from '../components/money.tsx';
import { storeWords } from '../words/store-words.ts';
import { ExchangeCart } from './exchange-cart.tsx';
import { RefundRow } from './refund-receipt.tsx';
import type { ReturnDone, ReturnsContext } from './returns-model.ts';
import { createSaleReturn } from './sale-return-model.ts';

type Outcome = { done: (done: ReturnDone) => void; fail: (message: string | null) => void };

/** One sale's lines to take back, the refund they make, and what to do with them: refund, exchange or void. */
export function SaleReturn({ context, record, outcome, onBack }: { context: ReturnsContext; record: SaleRecord; outcome: Outcome; onBack: () => void }) {
  const model = useMemo(() => createSaleReturn(context, record, outcome), [record]);
  const { store, db } = context;
  const [approving, setApproving] = useState<'return' | 'void' | 'exchange' | null>(null);
  // false: not exchanging; null: exchanging within the window; an approval: past it, approved.
  const [exchanging, setExchanging] = useState<Approval | null | false>(false);
  const figures = model.figures.value;
  const plan = model.plan.value;
  const busy = model.busy.value;
  return (
    <div class="sale-return">
      <p class="receipt-number">
        Sale {record.receiptNumber} · {storeWords(store).dateTime(record.completedAt)} · <Money amount={record.total} store={store} />
      </p>
      {!model.inWindow && <p class="notice">Past the {store.returnDays}-day return window: a manager must approve.</p>}
      {isVoided(record) && <p class="notice">This sale was voided.</p>}
      <ReturnLines model={model} store={store} />
      <label for="return-reason">Reason</label>
      <input id="return-reason" maxLength={200} value={model.reason.value} onInput={(event) => (model.reason.value = event.currentTarget.value)} />
      {figures && 'error' in figures && <p class="error">{figures.error}</p>}
      {exchanging === false && plan && figures && !('error' in figures) && (
        <dl class="totals" aria-label="Refund">
          {plan.tenders.map((tender, index) => (
            <RefundRow key={index} tender={tender} store={store} />
          ))}
          <dt class="grand">Refund</dt>
          <dd class="grand" data-testid="refund-total">
            <Money amount={figures.total + plan.cashRounding} store={store} />
          </dd>
        </dl>
      )}
      <label class="checkbox">
        <input type="checkbox" checked={model.toCredit.value} onChange={(event) => (model.toCredit.value = event.currentTarget.checked)} /> What the sale’s own tenders cannot take back goes to store credit
      </label>
      {exchanging !== false && figures && !('error' in figures) ? (
        <ExchangeCart
          context={context}
          returned={{ record, returnedBefore: model.returned, figures }}
          terms={{ fallback: model.fallback.value, approvedBy: exchanging?.id ?? null, reason: model.reason.value.trim() || 'exchange' }}
          outcome={outcome}
          onCancel={() => setExchanging(false)}
        />
      ) : approving ? (
        <ManagerApproval
          db={db}
          action={approving === 'void' ? `void sale ${record.receiptNumber}` : `${approving} from sale ${record.receiptNumber} past the return window`}
          onApproved={(approval) => {
            setApproving(null);
            if (approving === 'exchange') setExchanging(approval);
            else void (approving === 'void' ? model.voidSale(approval) : model.refund(approval));
          }}
          onCancel={() => setApproving(null)}
        />
      ) : (
        <span class="approval-actions">
          <button type="button" class="primary" disabled={!plan || busy} onClick={() => (model.inWindow ? void model.refund(null) : setApproving('return'))}>
            Refund
          </button>
          <button type="button" disabled={!plan || busy} onClick={() => (model.inWindow ? setExchanging(null) : setApproving('exchange'))}>
            Exchange…
          </button>
          <button type="button" disabled={busy || record.returns.length > 0} title={record.returns.length > 0 ? 'Lines were returned already: return the rest' : undefined} onClick={() => void model.voidRefused().then((refused) => refused || setApproving('void'))}>
            Void sale…
          </button>
          <button type="button" class="link" onClick={onBack}>
            Back
          </button>
        </span>
      )}
    </div>
  );
}

/** The sale's lines, each with how many of it come back (at most what is left to return). */
function ReturnLines({ model, store }: { model: ReturnType<typeof createSaleReturn>; store: ReturnsContext['store'] }) {
  const quantities = model.quantities.value;
  return (
    <table class="lines" aria-label="Lines to return">
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Return</th>
          <th scope="col" class="num">
            Paid
          </th>
        </tr>
      </thead>
      <tbody>
        {model.record.lines.map((line, index) => {
          const left = model.left(index);
          return (
            <tr key={index}>
              <td>
                {line.name}
                <div class="muted">
                  {line.sku} · {left} of {line.quantity} left to return
                </div>
              </td>
              <td class="qty">
                <button type="button" aria-label={`One fewer ${line.name} to return`} disabled={quantities[index] === 0} onClick={() => model.setQuantity(index, quantities[index]! - 1)}>
                  −
                </button>
                <span aria-label={`${line.name} to return`}>{quantities[index]}</span>
                <button type="button" aria-label={`One more ${line.name} to return`} disabled={quantities[index]! >= left} onClick={() => model.setQuantity(index, quantities[index]! + 1)}>
                  +
                </button>
              </td>
              <td class="num">
                <Money amount={line.paid} store={store} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
