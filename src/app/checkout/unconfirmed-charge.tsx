import { useState } from 'preact/hooks';
import { LazyView } from '../components/lazy-view.tsx';
import type { CheckoutModel, TakenTender } from './checkout-model.ts';

const loadApproval = () => import('../approval/manager-approval.tsx');

/**
 * A card charge the terminal could not reverse (tenders.ts): whether the card
 * was charged is on the terminal's slip. The associate confirms it (it stays
 * on the sale), or a manager releases it, journaled for HQ to reconcile with
 * the terminal's batch. Either way the sale can go on, and the next one starts
 * clean.
 */
export function UnconfirmedCharge({ model, tender }: { model: CheckoutModel; tender: TakenTender }) {
  const [releasing, setReleasing] = useState(false);
  if (!tender.unconfirmed && !tender.confirmed) return null;
  return (
    <div class="unconfirmed-charge" role="group" aria-label={`Card charge ${tender.record.kind === 'card' ? tender.record.terminalRef : ''}`}>
      {tender.unconfirmed ? (
        <p class="notice warning" title={`The terminal said: ${tender.unconfirmed}`}>
          Not confirmed: check the terminal’s slip.
        </p>
      ) : (
        <p class="muted">Charged, as the slip shows.</p>
      )}
      {releasing ? (
        <LazyView
          load={loadApproval}
          render={({ ManagerApproval }) => (
            <ManagerApproval
              db={model.db}
              action={tender.confirmed ? 'releasing a card charge the customer left behind' : 'releasing a card charge the slip shows did not go through'}
              onCancel={() => setReleasing(false)}
              onApproved={(approvedBy) => {
                setReleasing(false);
                void model.releaseCharge(tender.id, approvedBy);
              }}
            />
          )}
        />
      ) : (
        <span class="row">
          {tender.unconfirmed && (
            <button type="button" onClick={() => void model.confirmCharge(tender.id)}>
              Charged
            </button>
          )}
          <button type="button" onClick={() => setReleasing(true)}>
            {tender.unconfirmed ? 'Not charged…' : 'Release (manager)…'}
          </button>
        </span>
      )}
    </div>
  );
}
