import { liveQuery } from 'dexie';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useSignal, type Signal } from '@preact/signals';
import type { StoresideDb } from '../local/db.ts';
import type { StoreRecord } from '../protocol/entities.ts';
import { localTasks, openConflicts } from '../local/store-tasks.ts';
import { ownAllotments } from '../local/allotments.ts';
import { CheckoutScreen } from './checkout/checkout-screen.tsx';
import { createCheckoutModel } from './checkout/checkout-model.ts';
import { simulatedTerminal } from '../devices/payment-terminal.ts';
import { browserEnv } from '../local/journal.ts';
import { SyncIndicator } from './components/sync-indicator.tsx';
import { tillGate } from './till/till-gate.ts';
import { TillPrompt } from './till/till-prompt.tsx';
import { LazyView } from './components/lazy-view.tsx';
import type { PricingClient } from './pricing-client.ts';
import type { SessionModel } from './session-model.ts';
import type { SyncModel } from './sync-model.ts';

const loadEnrollScreen = () => import('./enroll/enroll-screen.tsx');
const loadLoginScreen = () => import('./login/login-screen.tsx');
const loadSignageScreen = () => import('./signage/signage-screen.tsx');
const loadConflictsPanel = () => import('./conflicts/conflicts-panel.tsx');
const loadTasksPanel = () => import('./tasks/tasks-panel.tsx');
const loadTillPanel = () => import('./till/till-panel.tsx');
const loadAuditPanel = () => import('./audit/audit-panel.tsx');
const loadReturnsPanel = () => import('./returns/returns-panel.tsx');

/** What the address asks for: the till, or shelf signs (/signage?sku=… or ?category=…). */
export type Route = { kind: 'till' } | { kind: 'signage'; search: string };

type Props = { session: SessionModel; sync: SyncModel; db: StoresideDb; pricing: PricingClient; route: Route };

export function App({ session, sync, db, pricing, route }: Props) {
  const phase = session.phase.value;
  const store = session.store.value;
  const staff = session.staff.value;
  // The Till panel opens from its button, or from the till gate's question when cash needs an open till.
  const tillShown = useSignal(false);
  // At the till the screen is the app's and does not scroll on a tablet: the checkout fits it (styles.css, "The till on a tablet").
  const atTill = phase === 'checkout' && route.kind === 'till';
  return (
    <div class={atTill ? 'shell at-till' : 'shell'}>
      <header class="topbar">
        <span class="brand">Storeside</span>
        {store && <span class="store-name">{store.name}</span>}
        <span class="spacer" />
        {staff && phase === 'checkout' && <TasksButton db={db} staff={staff} onStepTaken={sync.eventCommitted} />}
        {staff && store && phase === 'checkout' && <TillButton db={db} store={store} staff={staff} shown={tillShown} onEvent={sync.eventCommitted} />}
        {staff && store && phase === 'checkout' && session.enrollment.value && (
          <ReturnsButton db={db} store={store} staff={staff} pricing={pricing} deviceId={session.enrollment.value.deviceId} onEvent={sync.eventCommitted} />
        )}
        {staff?.role === 'manager' && store && <ConflictsButton db={db} store={store} />}
        {staff?.role === 'manager' && store && <AuditButton db={db} store={store} />}
        {staff && (
          <span class="staff">
            <span class="signed-in-name">{staff.name}</span>
            <button type="button" class="link" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </span>
        )}
        {session.enrollment.value && <SyncIndicator sync={sync} />}
      </header>
      {staff && phase === 'checkout' && <TillPrompt gate={tillGate(db)} onOpenTill={() => (tillShown.value = true)} />}
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
        {phase === 'enroll' && <LazyView load={loadEnrollScreen} render={({ EnrollScreen }) => <EnrollScreen session={session} />} />}
        {phase === 'bootstrapping' && <Bootstrapping session={session} />}
        {route.kind === 'signage' && store && (phase === 'login' || phase === 'checkout') ? (
          <LazyView
            load={loadSignageScreen}
            render={({ SignageScreen, signageQuery }) => <SignageScreen db={db} pricing={pricing} store={store} query={signageQuery(route.search)} />}
          />
        ) : (
          <>
            {phase === 'login' && <LazyView load={loadLoginScreen} render={({ LoginScreen }) => <LoginScreen session={session} />} />}
            {phase === 'checkout' && store && staff && <Checkout db={db} pricing={pricing} session={session} sync={sync} />}
          </>
        )}
      </main>
    </div>
  );
}

/** No terminal is wired up yet: the associate drives its simulated twin (devices/payment-terminal.ts). */
const paymentTerminal = simulatedTerminal({ memory: localStorage });

function Checkout({ db, pricing, session, sync }: Omit<Props, 'route'>) {
  const store = session.store.value!;
  const model = useMemo(
    () =>
      createCheckoutModel({
        db,
        pricing,
        store,
        staff: () => session.staff.value!,
        onSaleCommitted: sync.eventCommitted,
        terminal: paymentTerminal,
        connectivity: { online: sync.reachedServer, lastSyncAt: sync.lastSyncAt, now: sync.now },
        env: browserEnv,
      }),
    [db, pricing, store, session, sync],
  );
  // The promotion set and the allotments follow the database, whoever writes it: this tab's sync, another tab's or the service worker's.
  useEffect(() => {
    const subscription = liveQuery(() => ownAllotments(db)).subscribe({
      next: (allotments) => model.allotmentsChanged(allotments),
      error: (error) => console.error('cannot read this till’s allotments', error),
    });
    return () => subscription.unsubscribe();
  }, [db, model]);
  useEffect(() => {
    const subscription = liveQuery(() => db.promotions.toArray()).subscribe({
      next: (promotions) => void model.promotionsChanged(promotions),
      error: (error) => console.error('cannot read the promotions', error),
    });
    return () => subscription.unsubscribe();
  }, [db, model]);
  return <CheckoutScreen model={model} deviceId={session.enrollment.value!.deviceId} />;
}

/** For everyone on the floor: how many of the store's tasks are not done, and the list behind it. */
function TasksButton({ db, staff, onStepTaken }: { db: StoresideDb; staff: { id: string; name: string }; onStepTaken: () => void }) {
  const open = useLiveCount(async () => (await localTasks(db)).filter((view) => !view.state.done).length, db);
  const [showing, setShowing] = useState(false);
  return (
    <>
      <button type="button" class={open > 0 ? 'link topbar-count warning' : 'link topbar-count'} onClick={() => setShowing(true)}>
        Tasks ({open})
      </button>
      {showing && (
        <LazyView load={loadTasksPanel} render={({ TasksPanel }) => <TasksPanel db={db} staff={staff} onStepTaken={onStepTaken} onClose={() => setShowing(false)} />} />
      )}
    </>
  );
}

/** The till's drawer and session: open, cash in and out, X and Z reports. */
function TillButton({ db, store, staff, shown, onEvent }: { db: StoresideDb; store: StoreRecord; staff: { id: string; name: string }; shown: Signal<boolean>; onEvent: () => void }) {
  return (
    <>
      <button type="button" class="link topbar-count" onClick={() => (shown.value = true)}>
        Till
      </button>
      {shown.value && <LazyView load={loadTillPanel} render={({ TillPanel }) => <TillPanel db={db} store={store} staff={staff} onEvent={onEvent} onClose={() => (shown.value = false)} />} />}
    </>
  );
}

/** Returns, exchanges' return side and post-voids, from the checkout. */
function ReturnsButton({ db, store, staff, pricing, deviceId, onEvent }: { db: StoresideDb; store: StoreRecord; staff: { id: string; name: string }; pricing: PricingClient; deviceId: string; onEvent: () => void }) {
  const [showing, setShowing] = useState(false);
  return (
    <>
      <button type="button" class="link topbar-count" onClick={() => setShowing(true)}>
        Return / exchange
      </button>
      {showing && (
        <LazyView
          load={loadReturnsPanel}
          render={({ ReturnsPanel }) => <ReturnsPanel db={db} store={store} staff={staff} env={browserEnv} pricing={pricing} deviceId={deviceId} onEvent={onEvent} onClose={() => setShowing(false)} />}
        />
      )}
    </>
  );
}

/** A count read from the database (Dexie reads only), kept current as any context writes it. */
function useLiveCount(read: () => Promise<number>, db: StoresideDb): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const subscription = liveQuery(read).subscribe({ next: setCount, error: () => setCount(0) });
    return () => subscription.unsubscribe();
  }, [db]);
  return count;
}

/** For managers: how many conflicts wait in this store, and the list behind it. */
function ConflictsButton({ db, store }: { db: StoresideDb; store: StoreRecord }) {
  const open = useLiveCount(async () => (await openConflicts(db)).length, db);
  const [showing, setShowing] = useState(false);
  return (
    <>
      <button type="button" class={open > 0 ? 'link topbar-count warning' : 'link topbar-count'} onClick={() => setShowing(true)}>
        Conflicts ({open})
      </button>
      {showing && <LazyView load={loadConflictsPanel} render={({ ConflictsPanel }) => <ConflictsPanel db={db} store={store} onClose={() => setShowing(false)} />} />}
    </>
  );
}

/** For managers: the approvals given at this till (audit-panel.tsx). */
function AuditButton({ db, store }: { db: StoresideDb; store: StoreRecord }) {
  const [showing, setShowing] = useState(false);
  return (
    <>
      <button type="button" class="link topbar-count" onClick={() => setShowing(true)}>
        Audit
      </button>
      {showing && <LazyView load={loadAuditPanel} render={({ AuditPanel }) => <AuditPanel db={db} store={store} onClose={() => setShowing(false)} />} />}
    </>
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
