import { ManagerApproval } from '../approval/manager-approval.tsx';
import type { CheckoutModel } from './checkout-model.ts';

/** A manager lets this sale pass the offline limits it reached; the sale records each limit and who approved it. */
export function OfflineOverrideDialog({ model, onClose }: { model: CheckoutModel; onClose: () => void }) {
  const limits = model.limitsReached.value;
  return (
    <div class="overlay">
      <section class="receipt" role="dialog" aria-labelledby="override-title">
        <h2 id="override-title">Sell past the offline limit?</h2>
        <ul>
          {limits.map((limit) => (
            <li key={limit.key}>{limit.limit}</li>
          ))}
        </ul>
        <p class="muted">The store carries the risk until the till reaches the server again. The override is recorded on the sale.</p>
        <ManagerApproval
          db={model.db}
          action="selling past the offline limit"
          onCancel={onClose}
          onApproved={(approvedBy) => {
            // The associate goes on from where the limit stopped them: charging the card, or Complete.
            model.overrideLimits(approvedBy);
            onClose();
          }}
        />
      </section>
    </div>
  );
}
