import { render } from 'preact';
import { effect } from '@preact/signals';
import { StoresideDb } from '../local/db.ts';
import { createApiClient } from '../sync/api-client.ts';
import { App, type Route } from './app.tsx';
import { createPricingClient } from './pricing-client.ts';
import { createSessionModel } from './session-model.ts';
import { createSyncModel } from './sync-model.ts';
import './styles.css';

const db = new StoresideDb();
const api = createApiClient({ baseUrl: location.origin, token: () => session.enrollment.value?.token, journalHead: () => db.journalHeadSeq() });
const sync = createSyncModel(db, api);
const session = createSessionModel(db, api, () => sync.request());
const pricing = createPricingClient();

const route: Route = location.pathname === '/signage' ? { kind: 'signage', search: location.search } : { kind: 'till' };

render(<App session={session} sync={sync} db={db} pricing={pricing} route={route} />, document.getElementById('app')!);

// Sync starts as soon as the device is known to be enrolled, before any screen: the outbox must drain
// even if the session screen fails. An unenrolled device has nothing to send and no right to listen.
void db.getMeta('enrollment').then((enrollment) => enrollment && sync.start(), (error: unknown) => console.error('cannot read the enrollment', error));
effect(() => {
  if (session.enrollment.value) sync.start();
});
void session.start();

// The service worker is not needed to show the till, so workbox-window loads
// after the page has, keeping it out of the first-load JavaScript.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  addEventListener('load', () => {
    void import('workbox-window').then(({ Workbox }) => new Workbox('/sw.js', { type: 'module' }).register());
  });
}
