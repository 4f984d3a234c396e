import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import type { StoresideDb } from '../../local/db.ts';
import { openConflicts, type ConflictView, type TaskView } from '../../local/store-tasks.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { Money } from '../components/money.tsx';
import { ACTION_DONE_LABELS } from '../tasks/tasks-panel.tsx';

/** Conflicts the server settled in this store whose task is not done yet, with the rule that decided each: for managers. */
export function ConflictsPanel({ db, store, onClose }: { db: StoresideDb; store: StoreRecord; onClose: () => void }) {
  const [conflicts, setConflicts] = useState<ConflictView[] | null>(null);
  useEffect(() => {
    const subscription = liveQuery(() => openConflicts(db)).subscribe({ next: setConflicts, error: () => setConflicts([]) });
    return () => subscription.unsubscribe();
  }, [db]);
  return (
    <div class="overlay">
      <section class="receipt conflicts" role="dialog" aria-labelledby="conflicts-title">
        <h2 id="conflicts-title">Open conflicts</h2>
        {conflicts === null ? (
          <p class="muted">Loading…</p>
        ) : conflicts.length === 0 ? (
          <p>None: every sale in this store is accounted for.</p>
        ) : (
          <ul class="conflict-list">
            {conflicts.map(({ conflict, task }) => (
              <li key={conflict.id}>
                {conflict.kind === 'oversell' ? (
                  <>
                    <strong>
                      Oversold: {conflict.quantity} × {conflict.sku}
                    </strong>{' '}
                    on sale {conflict.receiptNumber}
                  </>
                ) : conflict.kind === 'return_duplicate' ? (
                  <>
                    <strong>
                      Returned twice: {conflict.quantity} × {conflict.sku}
                    </strong>{' '}
                    of sale {conflict.receiptNumber}, refunded <Money amount={conflict.amount} store={store} /> again on {conflict.returnReceipt}
                  </>
                ) : (
                  <>
                    <strong>Coupon {conflict.code} used twice:</strong> sale {conflict.receiptNumber} got <Money amount={conflict.amount} store={store} /> off; sale{' '}
                    {conflict.keptBy.receiptNumber} keeps the coupon
                  </>
                )}
                <div class="muted">Rule: {conflict.rule}.</div>
                <div>{taskLine(task)}</div>
              </li>
            ))}
          </ul>
        )}
        <button type="button" class="primary big" onClick={onClose}>
          Close
        </button>
      </section>
    </div>
  );
}

function taskLine(view: TaskView | undefined): string {
  if (!view) return 'Its task has not reached this device yet.';
  const { claim, done } = view.state;
  if (done) return `${ACTION_DONE_LABELS[done.action!]} by ${done.staffName}.`;
  return claim ? `Task claimed by ${claim.staffName}, not done yet.` : 'Task open: nobody has claimed it yet.';
}
