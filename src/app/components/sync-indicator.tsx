import type { SyncModel } from '../sync-model.ts';

/** Past this, events waiting to be sent are worth a manager's look (DESIGN.md: a stuck queue is visible). */
export const PENDING_ALERT_MS = 15 * 60_000;

/** Online or offline, and how many events wait to be sent. "All sent" means acknowledged by the server. */
const CONNECTION_WORDS = { online: 'Online', connecting: 'Connecting…', unreachable: 'Server unreachable', offline: 'Offline' } as const;

export function SyncIndicator({ sync }: { sync: SyncModel }) {
  const pending = sync.pending.value;
  const connection = sync.connection.value;
  const online = connection === 'online';
  const running = sync.status.value?.running ?? false;
  const oldestAt = sync.oldestPendingAt.value;
  const waitingMs = pending && oldestAt !== null ? sync.now.value - oldestAt : 0;
  const stale = waitingMs > PENDING_ALERT_MS;
  const waiting = pending === null ? 'checking…' : pending === 0 ? 'all sent' : `${pending} waiting to send${stale ? ` for ${formatWait(waitingMs)}` : ''}`;
  const state = stale ? 'stale' : connection === 'offline' || connection === 'unreachable' ? 'offline' : connection === 'connecting' ? 'connecting' : pending === 0 ? 'synced' : 'pending';
  return (
    <span
      class={`sync sync-${state}`}
      role="status"
      aria-label="Sync status"
      data-pending={pending ?? ''}
      data-online={String(online)}
      data-connection={connection}
      title={stale ? 'Sales are kept safely on this device. If the network is up, tell a manager: they have not reached the server.' : undefined}
    >
      <span class="dot" aria-hidden="true" />
      {CONNECTION_WORDS[connection]} · {running && online && pending ? 'sending…' : waiting}
    </span>
  );
}

function formatWait(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h`;
}
