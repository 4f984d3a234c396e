import { render } from 'preact';
import { effect, signal } from '@preact/signals';
import { StoresideDb } from '../local/db.ts';
import { createApiClient } from '../sync/api-client.ts';
import { App, type Route } from './app.tsx';
import { createSessionModel } from './session-model.ts';
import type { SyncModel } from './sync-model.ts';
import './styles.css';

const db = new StoresideDb();
const api = createApiClient({ baseUrl: location.origin, token: () => session.enrollment.value?.token, journalHead: () => db.journalHeadSeq() });
/** The sync model, once its module is in: the first screen does not wait for the sync engine and every event schema. */
const sync = signal<SyncModel | null>(null);
const session = createSessionModel(db, api, () => sync.value?.request());

const route: Route = location.pathname === '/signage' ? { kind: 'signage', search: location.search } : { kind: 'till' };

render(<App session={session} sync={sync} db={db} route={route} />, document.getElementById('app')!);
void session.start();

// Sync loads right behind the first screen and starts as soon as the device is known to be enrolled: the
// outbox must drain even if the session screen fails. An unenrolled device has nothing to send and no
// right to listen.
void import('./sync-model.ts').then(
  ({ createSyncModel }) => {
    const model = createSyncModel(db, api);
    sync.value = model;
    void db.getMeta('enrollment').then((enrollment) => enrollment && model.start(), (error: unknown) => console.error('cannot read the enrollment', error));
    effect(() => {
      if (session.enrollment.value) model.start();
    });
  },
  (error: unknown) => console.error('the sync engine could not be loaded; reload the app', error),
);

// A till scans against its catalog in memory (local/product-index.ts): built from the moment the device is known to be
// enrolled, while the associate signs in and opens the till, rather than under the first scans.
if (route.kind === 'till') {
  const stopWaiting = effect(() => {
    if (!session.enrollment.value) return;
    void import('../local/product-index.ts').then(({ productIndex }) => productIndex(db));
    queueMicrotask(() => stopWaiting());
  });
}

// The service worker is not needed to show the till, so workbox-window loads
// after the page has, keeping it out of the first-load JavaScript.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  addEventListener('load', () => {
    void import('workbox-window').then(({ Workbox }) => new Workbox('/sw.js', { type: 'module' }).register());
  });
}
