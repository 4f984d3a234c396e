import type { SyncModel } from '../sync-model.ts';

/** Online or offline, and how many events wait to be sent. "All sent" means acknowledged by the server. */
export function SyncIndicator({ sync }: { sync: SyncModel }) {
  const pending = sync.pending.value;
  const online = sync.online.value;
  const running = sync.status.value?.running ?? false;
  const waiting = pending === null ? 'checking…' : pending === 0 ? 'all sent' : `${pending} waiting to send`;
  const state = !online ? 'offline' : pending === 0 ? 'synced' : 'pending';
  return (
    <span class={`sync sync-${state}`} role="status" aria-label="Sync status" data-pending={pending ?? ''} data-online={String(online)}>
      <span class="dot" aria-hidden="true" />
      {online ? 'Online' : 'Offline'} · {running && online && pending ? 'sending…' : waiting}
    </span>
  );
}
