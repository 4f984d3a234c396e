/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { StoresideDb } from '../local/db.ts';
import { createApiClient } from '../sync/api-client.ts';
import { syncOnce } from '../sync/sync-once.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// The app shell: every built file, precached at install, served cache-first, so
// the till loads with the network down.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Digital receipts (/r/{token}) are pages of the server, not of the app: a till that opens one gets it from the network.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//, /^\/r\//] }));

// The first install takes control at once, so the till works offline after one
// visit. A new release does not skip waiting: swapping the app under a till
// mid-sale would strand the old page's lazy chunks; it takes over when the
// app's tabs have closed, e.g. at the next start of day.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

type SyncEvent = ExtendableEvent & { tag: string };

/**
 * Background Sync (Chromium): the browser wakes the worker once the network is
 * back, even with the app closed. A failed round rejects, so the browser retries.
 */
self.addEventListener('sync', (event) => {
  const syncEvent = event as SyncEvent;
  if (syncEvent.tag !== 'outbox') return;
  syncEvent.waitUntil(
    (async () => {
      const db = new StoresideDb();
      try {
        const enrollment = await db.getMeta('enrollment');
        if (!enrollment) return;
        const api = createApiClient({ baseUrl: self.location.origin, token: () => enrollment.token, journalHead: () => db.journalHeadSeq() });
        const round = await syncOnce(db, api);
        if (!round.ok) throw new Error(`background sync failed: ${round.failure.message}`);
      } finally {
        db.close();
      }
    })(),
  );
});
