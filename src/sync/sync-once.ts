import type { StoresideDb } from '../local/db.ts';
import type { ApiClient, ApiFailure } from './api-client.ts';
import { pullChanges } from './pull-changes.ts';
import { pushOutbox, type PushOutcome } from './push-outbox.ts';
import { HEARTBEAT_MS, STALE_MS, withSyncLock } from './sync-lock.ts';
import { journalBehind, recoverLostJournal } from './lost-journal.ts';

export type SyncRound = { ok: true; sent: number; received: number; rejected: Extract<PushOutcome, { ok: true }>['rejected'] } | { ok: false; failure: ApiFailure };

/**
 * One round of sync: push the outbox, then pull what changed. Only one context
 * of the origin (a tab or the service worker) runs a round at a time: they
 * queue on the Web Lock (sync-lock.ts), which a frozen holder cannot keep.
 * Pull runs after push so stock levels arrive with our own sales counted.
 * `now` is the device's clock: the push reports it, the lock's heartbeat uses it.
 */
export async function syncOnce(db: StoresideDb, api: ApiClient, now: () => number = Date.now): Promise<SyncRound> {
  const round = async (): Promise<SyncRound> => {
    const pushed = await pushOutbox(db, api, now);
    // Pull even when the push failed for a reason other than the network: prices
    // and stock keep arriving while an outbox problem waits for a person.
    if (!pushed.ok && pushed.failure.kind === 'offline') return pushed;
    const pulled = await pullChanges(db, api);
    if (!pushed.ok) return pushed;
    if (!pulled.ok) return pulled;
    return { ok: true, sent: pushed.sent, received: pulled.received, rejected: pushed.rejected };
  };
  const recovering = async (): Promise<SyncRound> => {
    const first = await round();
    const behind = first.ok ? null : journalBehind(first.failure);
    // Local data was lost, and the server now says where the journal continues: go again at once.
    if (behind && (await recoverLostJournal(db, api, behind, now()))) return round();
    return first;
  };
  const heartbeat = { read: () => db.getMeta('syncHeartbeat'), write: (at: number) => db.setMeta('syncHeartbeat', at) };
  return withSyncLock(typeof navigator === 'undefined' ? undefined : navigator.locks, heartbeat, recovering, { now, staleMs: STALE_MS, heartbeatMs: HEARTBEAT_MS });
}
