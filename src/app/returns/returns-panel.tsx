import { useMemo } from 'preact/hooks';
import { createReturnsModel, type ReturnsContext } from './returns-model.ts';
import { FindSale, FoundSales } from './find-sale.tsx';
import { SaleReturn } from './sale-return.tsx';
import { NoReceiptReturn } from './no-receipt-return.tsx';
import { RefundReceipt } from './refund-receipt.tsx';

type Props = ReturnsContext & { deviceId: string; onEvent: () => void; onClose: () => void };

/**
 * Returns and post-voids at the till (issue 5): find the original sale
 * (scanned receipt code, receipt number, day and total, or customer — offline
 * too), pick the lines and units coming back, and refund to the sale's own
 * tenders by the pricing engine's allocation. A return without a receipt or
 * past the return window, and a void, need a manager's PIN. The steps and
 * their rules are the models' (returns-model.ts and beside it); these are views.
 */
export function ReturnsPanel({ deviceId, onEvent, onClose, ...context }: Props) {
  const model = useMemo(() => createReturnsModel({ db: context.db, deviceId, onEvent }), [context.db, deviceId, onEvent]);
  const step = model.step.value;
  const error = model.error.value;
  const outcome = { done: model.finished, fail: model.fail };
  return (
    <div class="overlay">
      <section class="receipt returns-panel" role="dialog" aria-labelledby="returns-title">
        <h2 id="returns-title">Return / exchange</h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {step.kind === 'done' && <RefundReceipt done={step.done} store={context.store} />}
        {step.kind === 'no-receipt' && <NoReceiptReturn context={context} outcome={outcome} />}
        {step.kind === 'sale' && <SaleReturn key={step.record.id} context={context} record={step.record} outcome={outcome} onBack={model.back} />}
        {step.kind === 'find' && (
          <>
            <FindSale store={context.store} onSearch={(query) => void model.search(query)} />
            {model.found.value && <FoundSales sales={model.found.value} store={context.store} onChoose={model.choose} />}
            <button type="button" class="link" onClick={model.noReceipt}>
              No receipt…
            </button>
          </>
        )}
        <button type="button" class={step.kind === 'done' ? 'primary big' : ''} onClick={onClose}>
          {step.kind === 'done' ? 'Done' : 'Close'}
        </button>
      </section>
    </div>
  );
}
