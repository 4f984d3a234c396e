import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { StoresideDb } from '../local/db.ts';
import { createApiClient } from '../sync/api-client.ts';
import { App } from './app.tsx';
import { createPricingClient } from './pricing-client.ts';
import { createSessionModel } from './session-model.ts';
import { createSyncModel } from './sync-model.ts';
import './styles.css';

const db = new StoresideDb();
const api = createApiClient({ baseUrl: location.origin, token: () => session.enrollment.value?.token });
const session = createSessionModel(db, api);
const sync = createSyncModel(db, api);
const pricing = createPricingClient();

render(<App session={session} sync={sync} db={db} pricing={pricing} />, document.getElementById('app')!);

void session.start().then(() => sync.start());

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  void new Workbox('/sw.js', { type: 'module' }).register();
}
