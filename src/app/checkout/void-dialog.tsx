import { ModalDialog } from '../components/modal-dialog.tsx';
import { Money } from '../components/money.tsx';
import type { CheckoutModel } from './checkout-model.ts';

/**
 * "Void this sale?" asked in the till. Cancel has the focus as it opens, so an
 * Enter pressed out of habit keeps the sale; voiding takes the tap on "Void sale".
 */
export function VoidDialog({ model, onClose }: { model: CheckoutModel; onClose: () => void }) {
  const units = model.lines.value.reduce((sum, line) => sum + line.quantity, 0);
  const total = model.totals.value?.total;
  return (
    <ModalDialog titleId="void-title" class="confirm-dialog" onCancel={onClose}>
      <h2 id="void-title">Void this sale?</h2>
      <p>
        {units === 1 ? '1 item' : `${units} items`}
        {total !== undefined && (
          <>
            , <Money amount={total} store={model.store} />
          </>
        )}
        : they are taken off and nothing is charged.
      </p>
      <span class="approval-actions">
        <button type="button" data-autofocus onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            onClose();
            void model.voidSale();
          }}
        >
          Void sale
        </button>
      </span>
    </ModalDialog>
  );
}
