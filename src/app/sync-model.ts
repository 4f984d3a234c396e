import { computed, signal } from '@preact/signals';
import { liveQuery } from 'dexie';
import { outboxState } from '../local/outbox.ts';
import type { StoresideDb } from '../local/db.ts';
import type { ApiClient } from '../sync/api-client.ts';
import { createSyncEngine, type SyncStatus } from '../sync/sync-engine.ts';

type SyncManagerRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

/**
 * What the sync indicator shows. `pending` is read from the journal itself (and
 * follows writes from other tabs and the service worker through Dexie's
 * liveQuery), so "all sent" is only ever shown when the server has acknowledged
 * every event on this device.
 */
export function createSyncModel(db: StoresideDb, api: ApiClient, clock: () => number = Date.now) {
  const pending = signal<number | null>(null);
  /** when the oldest unsent event was made: the indicator warns when it is old */
  const oldestPendingAt = signal<number | null>(null);
  /** the clock the warning is judged by, ticking while the app is open */
  const now = signal(clock());
  let ticking: ReturnType<typeof setInterval> | undefined;
  const browserOnline = signal(navigator.onLine);
  const status = signal<SyncStatus | null>(null);
  /** when a round last reached the server, kept across reloads: a till offline for a day says so after a restart too */
  const lastSyncAt = signal<number | null>(null);
  void db.getMeta('lastSyncAt').then((stored) => {
    if (stored !== undefined && (lastSyncAt.value ?? 0) < stored) lastSyncAt.value = stored;
  });
  const engine = createSyncEngine({
    now: clock,
    db,
    api,
    onStatus: (next) => {
      status.value = next;
      if (next.lastSuccessAt !== null && next.lastSuccessAt !== lastSyncAt.value) {
        lastSyncAt.value = next.lastSuccessAt;
        db.setMeta('lastSyncAt', next.lastSuccessAt).catch((error: unknown) => console.error('cannot keep the time of the last sync', error));
      }
    },
  });

  const online = computed(() => browserOnline.value && status.value?.reachable !== false);
  /**
   * What the top bar says of the connection. The browser's online flag flips
   * first; until a round has reached the server again the till is
   * `connecting`, not online (its offline policy still applies) and not
   * offline either (the network is back). `unreachable`: the network is up but
   * the server did not answer as itself (down, a 5xx, a captive portal).
   */
  const connection = computed((): 'online' | 'connecting' | 'unreachable' | 'offline' => {
    if (!browserOnline.value) return 'offline';
    const reachable = status.value?.reachable ?? null;
    if (reachable === true) return 'online';
    return reachable === null || status.value?.running ? 'connecting' : 'unreachable';
  });
  /**
   * The server answered the last round: what the offline policy goes by. Stricter than `online`, which
   * shows the till hopeful before its first round; a sale in that moment after a reload is held to the
   * offline limits rather than let past them.
   */
  const reachedServer = computed(() => browserOnline.value && status.value?.reachable === true);
  const setOnline = () => (browserOnline.value = navigator.onLine);
  let started = false;
  const subscription = liveQuery(() => outboxState(db)).subscribe({
    next: (state) => {
      pending.value = state.count;
      oldestPendingAt.value = state.oldestAt;
    },
    error: (error) => console.error('cannot read the outbox depth', error),
  });

  return {
    pending,
    oldestPendingAt,
    now,
    online,
    connection,
    reachedServer,
    status,
    lastSyncAt,
    start() {
      if (started) return;
      started = true;
      addEventListener('online', setOnline);
      addEventListener('offline', setOnline);
      ticking = setInterval(() => (now.value = clock()), 15_000);
      engine.start();
    },
    stop() {
      started = false;
      removeEventListener('online', setOnline);
      removeEventListener('offline', setOnline);
      clearInterval(ticking);
      subscription.unsubscribe();
      engine.stop();
    },
    /** Run a round now, e.g. once a new device has its catalogue. */
    request: () => engine.request(),
    /** After a commit: send now if we can, and let the service worker send later if we can't. */
    eventCommitted() {
      // Offline, a round would only read the outbox to fail at fetch, on the main thread, while the
      // receipt is drawn; the 'online' event and the engine's timer send it when the network is back.
      if (navigator.onLine) engine.request();
      void navigator.serviceWorker?.ready
        .then((registration) => (registration as SyncManagerRegistration).sync?.register('outbox'))
        .catch((error) => console.warn('background sync unavailable', error));
    },
  };
}

export type SyncModel = ReturnType<typeof createSyncModel>;
