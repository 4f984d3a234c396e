import { signal } from '@preact/signals';
import type { Enrollment, StoresideDb } from '../local/db.ts';
import type { StaffRecord, StoreRecord } from '../protocol/entities.ts';
import { EnrollResponseSchema } from '../protocol/enroll.ts';
import type { ApiClient } from '../sync/api-client.ts';
import type { bootstrap } from '../sync/bootstrap.ts';
import { relieveStoragePressure } from '../local/storage-pressure.ts';
import { signOutRefusal } from '../local/sign-out.ts';
import { exceptionText, failureText } from './words/failure-text.ts';

export type StorageState = { persisted: boolean; usage: number; quota: number };

export type Phase = 'loading' | 'enroll' | 'bootstrapping' | 'login' | 'checkout';
export type SignedInStaff = { id: string; name: string; role: StaffRecord['role'] };

const SIGNED_IN_KEY = 'storeside.signedInStaff';


/**
 * Who this device is and who is using it:
 *
 *   loading ─▶ enroll ─(code)─▶ bootstrapping ─▶ login ─(PIN)─▶ checkout
 *                                    ▲ (interrupted: resumes)      │ sign out
 *                                    └─────────────────            ▼ login
 */
export function createSessionModel(db: StoresideDb, api: ApiClient, onCatalogueReady: () => void, clock: () => number = Date.now) {
  const phase = signal<Phase>('loading');
  const enrollment = signal<Enrollment | null>(null);
  const store = signal<StoreRecord | null>(null);
  const staff = signal<SignedInStaff | null>(null);
  const roster = signal<StaffRecord[]>([]);
  const error = signal<string | null>(null);
  const busy = signal(false);
  const bootstrapRows = signal(0);
  /** why the last sign-out was refused, until the next attempt */
  const signOutRefused = signal<string | null>(null);
  /** whether the browser keeps this origin's data under pressure, and how full its quota is */
  const storage = signal<StorageState | null>(null);

  async function checkStorage(persist: boolean) {
    const manager = navigator.storage;
    if (!manager?.persisted || !manager.estimate) return;
    try {
      // Asking again is harmless: a browser that granted it says so, one that refused asks no one.
      const persisted = persist && manager.persist ? await manager.persist() : await manager.persisted();
      const estimate = async () => {
        const { usage = 0, quota = 0 } = await manager.estimate();
        return { usage, quota };
      };
      // Nearly full: make room before the browser evicts on its own; unsent sales are never touched.
      const relief = await relieveStoragePressure({ db, estimate, caches: globalThis.caches, now: clock() });
      if (relief.cachesDeleted.length > 0 || relief.eventsPruned > 0) console.info('storage was nearly full; made room', relief);
      storage.value = { persisted, ...(await estimate()) };
    } catch (failure) {
      console.warn('cannot read the storage state', failure);
    }
  }

  async function loadStore(storeId: string) {
    store.value = (await db.stores.get(storeId)) ?? null;
    roster.value = (await db.staff.toArray()).sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'manager' ? 1 : -1));
  }

  async function runBootstrap() {
    phase.value = 'bootstrapping';
    error.value = null;
    // User Timing marks: visible in DevTools and read by `npm run bench`.
    performance.mark('storeside:bootstrap:start');
    let result: Awaited<ReturnType<typeof bootstrap>>;
    try {
      // Loaded on demand: a device bootstraps once, and every later start skips it.
      const { bootstrap } = await import('../sync/bootstrap.ts');
      result = await bootstrap(db, api, (rows) => (bootstrapRows.value = rows));
    } catch (failure) {
      // A record the app cannot read, or a full disk: say so and offer a retry.
      error.value = exceptionText(failure, 'The catalogue could not be stored on this device');
      return;
    }
    performance.measure('storeside:bootstrap', 'storeside:bootstrap:start');
    if (!result.ok) {
      error.value = failureText(result.failure);
      return;
    }
    onCatalogueReady();
    await loadStore(enrollment.value!.storeId);
    const remembered = sessionStorage.getItem(SIGNED_IN_KEY);
    const member = remembered ? roster.value.find((m) => m.id === (JSON.parse(remembered) as SignedInStaff).id) : undefined;
    if (member) {
      staff.value = { id: member.id, name: member.name, role: member.role };
      phase.value = 'checkout';
    } else {
      phase.value = 'login';
    }
  }

  return {
    storage,
    phase,
    enrollment,
    store,
    staff,
    roster,
    error,
    busy,
    bootstrapRows,
    signOutRefused,

    async start() {
      await db.open();
      enrollment.value = (await db.getMeta('enrollment')) ?? null;
      if (!enrollment.value) {
        phase.value = 'enroll';
        return;
      }
      void checkStorage(false);
      await runBootstrap();
    },

    retryBootstrap: runBootstrap,

    async enroll(code: string) {
      busy.value = true;
      error.value = null;
      const result = await api.request('POST', '/api/v1/devices/enroll', EnrollResponseSchema, { code: code.trim().toUpperCase() });
      busy.value = false;
      if (!result.ok) {
        error.value = failureText(result.failure);
        return;
      }
      enrollment.value = result.value;
      await db.setMeta('enrollment', result.value);
      // Ask the browser not to evict this origin's data: the journal lives here.
      await checkStorage(true);
      await runBootstrap();
    },

    async signIn(staffId: string, pin: string): Promise<boolean> {
      const member = roster.value.find((m) => m.id === staffId);
      if (!member) return false;
      busy.value = true;
      let ok: boolean;
      try {
        const { verifyPin } = await import('../local/pin.ts');
        ok = await verifyPin(member, pin);
      } finally {
        busy.value = false; // a failed load must not leave the PIN pad disabled
      }
      if (!ok) {
        error.value = 'That PIN is not right. Try again.';
        return false;
      }
      error.value = null;
      staff.value = { id: member.id, name: member.name, role: member.role };
      sessionStorage.setItem(SIGNED_IN_KEY, JSON.stringify(staff.value));
      phase.value = 'checkout';
      return true;
    },

    /** Signs the staff member out, unless the till holds unsent events: then `signOutRefused` says why. */
    async signOut() {
      const refusal = await signOutRefusal(db);
      signOutRefused.value = refusal;
      if (refusal) return;
      sessionStorage.removeItem(SIGNED_IN_KEY);
      staff.value = null;
      phase.value = 'login';
    },
  };
}

export type SessionModel = ReturnType<typeof createSessionModel>;
