import { useSignal, type ReadonlySignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { StoresideDb } from '../local/db.ts';
import { SyncIndicator } from './components/sync-indicator.tsx';
import { LazyView } from './components/lazy-view.tsx';
import { EnrollScreen } from './enroll/enroll-screen.tsx';
import { LoginScreen } from './login/login-screen.tsx';
import type { SessionModel } from './session-model.ts';
import type { SyncModel } from './sync-model.ts';

/**
 * The app's shell: the top bar and whichever screen the session is at. The
 * first screens a device shows (enrollment, the PIN pad) are part of it and
 * load with it; the till itself (till-area.tsx), the shelf signs and every
 * panel load on demand, the till while the associate types the PIN.
 */
export const loadTillArea = () => import('./till-area.tsx');
const loadSignageScreen = () => import('./signage/signage-screen.tsx');

/** What the address asks for: the till, or shelf signs (/signage?sku=… or ?category=…). */
export type Route = { kind: 'till' } | { kind: 'signage'; search: string };

/** `sync`: the sync model once its module has loaded (main.tsx loads it right after the first screen). */
type Props = { session: SessionModel; sync: ReadonlySignal<SyncModel | null>; db: StoresideDb; route: Route };

export function App({ session, sync: syncLoaded, db, route }: Props) {
  const phase = session.phase.value;
  const sync = syncLoaded.value;
  const store = session.store.value;
  const staff = session.staff.value;
  // The Till panel opens from its button, or from the till gate's question when cash needs an open till.
  const tillShown = useSignal(false);
  // While the associate picks their name and types the PIN, the till loads: signed in, it is there.
  useEffect(() => {
    if (phase === 'login') void loadTillArea().catch((error: unknown) => console.warn('the till will load when signed in', error));
  }, [phase]);
  // At the till the screen is the app's and does not scroll on a tablet: the checkout fits it (styles.css, "The till on a tablet").
  const atTill = phase === 'checkout' && route.kind === 'till';
  return (
    <div class={atTill ? 'shell at-till' : 'shell'}>
      <header class="topbar">
        <span class="brand">Storeside</span>
        {store && <span class="store-name">{store.name}</span>}
        <span class="spacer" />
        {staff && phase === 'checkout' && sync && (
          <LazyView load={loadTillArea} render={({ TillTopBar }) => <TillTopBar db={db} session={session} sync={sync} tillShown={tillShown} />} />
        )}
        {staff && (
          <span class="staff">
            <span class="signed-in-name">{staff.name}</span>
            <button type="button" class="link" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </span>
        )}
        {session.enrollment.value && sync && <SyncIndicator sync={sync} />}
      </header>
      <main class="content">
        {session.signOutRefused.value && staff && (
          <p class="notice error sign-out-refused" role="alert">
            {session.signOutRefused.value}
            <button type="button" class="link" onClick={() => (session.signOutRefused.value = null)}>
              OK
            </button>
          </p>
        )}
        {phase === 'loading' && <p class="centered">Opening…</p>}
        {phase === 'enroll' && <EnrollScreen session={session} />}
        {phase === 'bootstrapping' && <Bootstrapping session={session} />}
        {route.kind === 'signage' && store && (phase === 'login' || phase === 'checkout') ? (
          <LazyView
            load={loadSignageScreen}
            render={({ SignageScreen, signageQuery }) => <SignageScreen db={db} store={store} query={signageQuery(route.search)} />}
          />
        ) : (
          <>
            {phase === 'login' && <LoginScreen session={session} />}
            {phase === 'checkout' && store && staff && sync && (
              <LazyView load={loadTillArea} render={({ TillCheckout }) => <TillCheckout db={db} session={session} sync={sync} tillShown={tillShown} />} />
            )}
          </>
        )}
      </main>
    </div>
  );
}

function Bootstrapping({ session }: { session: SessionModel }) {
  const error = session.error.value;
  return (
    <section class="card centered-card" aria-labelledby="bootstrap-title">
      <h1 id="bootstrap-title">Loading the store’s catalogue</h1>
      <p>{session.bootstrapRows.value.toLocaleString()} records on this device</p>
      <progress aria-label="Catalogue download" />
      {error && (
        <>
          <p class="error" role="alert">
            {error}
          </p>
          <button type="button" class="primary" onClick={() => void session.retryBootstrap()}>
            Try again
          </button>
        </>
      )}
    </section>
  );
}
