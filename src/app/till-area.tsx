import { liveQuery } from 'dexie';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Signal } from '@preact/signals';
import type { StoresideDb } from '../local/db.ts';
import type { StoreRecord } from '../protocol/entities.ts';
import { localTasks, openConflicts } from '../local/store-tasks.ts';
import { ownAllotments } from '../local/allotments.ts';
import { browserEnv } from '../local/journal.ts';
import { simulatedTerminal } from '../devices/payment-terminal.ts';
import { CheckoutScreen } from './checkout/checkout-screen.tsx';
import { createCheckoutModel } from './checkout/checkout-model.ts';
import { LazyView } from './components/lazy-view.tsx';
import { pricingClient, type PricingClient } from './pricing-client.ts';
import { tillGate } from './till/till-gate.ts';
import { TillPrompt } from './till/till-prompt.tsx';
import type { SessionModel } from './session-model.ts';
import type { SyncModel } from './sync-model.ts';

/**
 * The till once someone is signed in: the checkout, and the top bar's ways
 * into the store's work (tasks, the drawer, returns, and a manager's
 * conflicts and audit). Loaded apart from the app's shell, so the enrollment
 * and PIN screens need none of it: the shell fetches this while the
 * associate types the PIN (login-screen.tsx).
 */

const loadConflictsPanel = () => import('./conflicts/conflicts-panel.tsx');
const loadTasksPanel = () => import('./tasks/tasks-panel.tsx');
const loadTillPanel = () => import('./till/till-panel.tsx');
const loadAuditPanel = () => import('./audit/audit-panel.tsx');
const loadReturnsPanel = () => import('./returns/returns-panel.tsx');

type TillProps = { db: StoresideDb; session: SessionModel; sync: SyncModel };

/** The top bar's buttons at the till. */
export function TillTopBar({ db, session, sync, tillShown }: TillProps & { tillShown: Signal<boolean> }) {
  const store = session.store.value;
  const staff = session.staff.value;
  const enrollment = session.enrollment.value;
  if (!store || !staff || !enrollment) return null;
  return (
    <>
      <TasksButton db={db} staff={staff} onStepTaken={sync.eventCommitted} />
      <TillButton db={db} store={store} staff={staff} shown={tillShown} onEvent={sync.eventCommitted} />
      <ReturnsButton db={db} store={store} staff={staff} pricing={pricingClient()} deviceId={enrollment.deviceId} onEvent={sync.eventCommitted} />
      {staff.role === 'manager' && <ConflictsButton db={db} store={store} />}
      {staff.role === 'manager' && <AuditButton db={db} store={store} />}
    </>
  );
}

/** No terminal is wired up yet: the associate drives its simulated twin (devices/payment-terminal.ts). */
const paymentTerminal = simulatedTerminal({ memory: localStorage });

/** The sale being rung up: its model lives as long as the signed-in session at the till. */
export function TillCheckout({ db, session, sync, tillShown }: TillProps & { tillShown: Signal<boolean> }) {
  const store = session.store.value!;
  const pricing = pricingClient();
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
  return (
    <>
      <CheckoutScreen model={model} deviceId={session.enrollment.value!.deviceId} />
      {/* The till gate's question, over whatever screen asked it (the checkout, or returns from the top bar). */}
      <TillPrompt gate={tillGate(db)} onOpenTill={() => (tillShown.value = true)} />
    </>
  );
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
