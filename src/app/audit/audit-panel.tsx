import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import { auditEntries, type AuditEntry, type AuditKind } from '../../domain/audit.ts';
import type { StoresideDb } from '../../local/db.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { Money } from '../components/money.tsx';
import { exceptionText } from '../words/failure-text.ts';

/** How many of the newest entries the panel lists: a till's journal holds weeks of them. */
const SHOWN = 200;

const KIND_LABELS: Record<AuditKind, string> = {
  manager_discount: 'Manager discount',
  price_override: 'Price override',
  offline_limit_override: 'Offline limit override',
  no_sale: 'No-sale drawer opening',
  refund_approved: 'Refund approved',
  post_void: 'Post-void',
  card_released: 'Card charge released',
};

type Listed = { entries: AuditEntry[]; names: Map<string, string> };

/**
 * The sensitive actions taken at this till, for managers: from this device's
 * own journal, so it works offline. The store-wide log (every till) is HQ's
 * (GET /api/v1/hq/audit): a till's token is not a manager's, so the till does not
 * read other tills' approvals. Events the server acknowledged over 30 days ago
 * may have been cleared from the till to make room (storage-pressure.ts).
 */
export function AuditPanel({ db, store, onClose }: { db: StoresideDb; store: StoreRecord; onClose: () => void }) {
  const [listed, setListed] = useState<Listed | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    const subscription = liveQuery(async (): Promise<Listed> => {
      // Newest first by seq, which on one till is HLC order; stops once the panel has enough, however long the journal.
      const entries: AuditEntry[] = [];
      await db.journal
        .reverse()
        .until(() => entries.length >= SHOWN)
        .each((event) => void entries.push(...auditEntries(event)));
      const names = new Map((await db.staff.toArray()).map((member) => [member.id, member.name]));
      return { entries, names };
    }).subscribe({ next: setListed, error: (error: unknown) => setFailed(exceptionText(error, 'The till’s journal could not be read')) });
    return () => subscription.unsubscribe();
  }, [db]);
  const time = new Intl.DateTimeFormat(store.locale, { dateStyle: 'short', timeStyle: 'short', timeZone: store.timezone });
  const nameOf = (id: string | null) => (id === null ? '—' : (listed?.names.get(id) ?? id));
  return (
    <div class="overlay">
      <section class="receipt audit-panel" role="dialog" aria-labelledby="audit-title">
        <h2 id="audit-title">Audit: this till</h2>
        <p class="muted">Manager approvals given at this till, newest first. The whole store’s log is at HQ.</p>
        {failed ? (
          <p class="error" role="alert">
            {failed}
          </p>
        ) : listed === null ? (
          <p class="muted">Loading…</p>
        ) : listed.entries.length === 0 ? (
          <p>No manager approvals at this till yet.</p>
        ) : (
          <table class="audit-list">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Served by</th>
                <th scope="col">Approved by</th>
                <th scope="col" class="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {listed.entries.map((entry, index) => (
                <tr key={`${entry.eventId}-${index}`}>
                  <td>{time.format(entry.at)}</td>
                  <td>
                    <strong>{KIND_LABELS[entry.kind]}</strong>
                    <div>{entry.detail}</div>
                    {entry.receiptNumber && <div class="muted">Receipt {entry.receiptNumber}</div>}
                  </td>
                  <td>{nameOf(entry.staffId)}</td>
                  <td>{nameOf(entry.approvedBy)}</td>
                  <td class="num">{entry.amount === null ? '' : <Money amount={entry.amount} store={store} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button type="button" class="primary big" onClick={onClose}>
          Close
        </button>
      </section>
    </div>
  );
}
