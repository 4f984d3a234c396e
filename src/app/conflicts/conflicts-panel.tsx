import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import type { StoresideDb } from '../../local/db.ts';
import type { ConflictRecord } from '../../protocol/entities.ts';

const ACTION_LABELS = { substitute: 'offer a substitute', backorder: 'backorder', refund: 'refund' } as const;

/** The store's open conflicts, as the server settled them, with the rule that decided each: for managers. */
export function ConflictsPanel({ db, onClose }: { db: StoresideDb; onClose: () => void }) {
  const [conflicts, setConflicts] = useState<ConflictRecord[] | null>(null);
  useEffect(() => {
    const subscription = liveQuery(() => db.conflicts.toArray()).subscribe({
      next: (all) => setConflicts(all.filter((c) => c.task.status === 'open').sort((a, b) => b.detectedAt - a.detectedAt)),
      error: () => setConflicts([]),
    });
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
            {conflicts.map((conflict) => (
              <li key={conflict.id}>
                <strong>
                  Oversold: {conflict.quantity} × {conflict.sku}
                </strong>{' '}
                on sale {conflict.receiptNumber}
                <div class="muted">Rule: {conflict.rule}.</div>
                <div>To do: {conflict.task.actions.map((action) => ACTION_LABELS[action]).join(', or ')}.</div>
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
