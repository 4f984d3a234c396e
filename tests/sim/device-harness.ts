import { cartLineFor, type CartLine } from '../../src/domain/cart-line.ts';
import { eventHash, type StoreEvent } from '../../src/domain/events.ts';
import { createPromotionBook, priceSale, type PromotionBook } from '../../src/domain/pricing/index.ts';
import { cashTender } from '../../src/domain/tender.ts';
import { commitSale } from '../../src/local/commit-sale.ts';
import type { DeviceEnv } from '../../src/local/journal.ts';
import { StoresideDb } from '../../src/local/db.ts';
import type { StaffRecord, StoreRecord } from '../../src/protocol/entities.ts';
import { EnrollResponseSchema } from '../../src/protocol/messages.ts';
import { sha256Hex } from '../../src/server/sha256.ts';
import { createApiClient, type ApiClient, type ApiFailure } from '../../src/sync/api-client.ts';
import { bootstrap } from '../../src/sync/bootstrap.ts';
import { syncOnce } from '../../src/sync/sync-once.ts';
import type { FakeNetwork } from './fake-network.ts';
import type { Rng } from './prng.ts';
import type { SimDeviceSpec } from './scenario.ts';
import type { DeviceClock } from './sim-clock.ts';

export type SyncReport = { ok: true; sent: number; received: number; rejected: number } | { ok: false; phase: 'bootstrap' | 'sync'; failure: ApiFailure };

/**
 * One till: its IndexedDB (Dexie over fake-indexeddb), its API client over the
 * fake network, its clock and its randomness. It sells with the real
 * `commitSale` and syncs with the real `bootstrap` and `syncOnce`; nothing here
 * re-implements device logic.
 *
 * What the till keeps in memory is only its Dexie handle and API client: a
 * crash drops both and reopens the same database, as a reload after the tab
 * died would.
 */
export class SimDevice {
  db!: StoresideDb;
  api!: ApiClient;
  deviceId = '';
  crashes = 0;
  /** every event this till committed, as `commitSale` returned it: kept outside the till, so no crash can hide one */
  readonly committed: StoreEvent[] = [];
  /** how many of this till's events on the server the per-step check has seen already */
  serverRowsChecked = 0;
  /** the hash of each committed event, as the server will compute it */
  readonly committedHashes: string[] = [];
  private token: string | undefined;
  private cachedSession: Session | null = null;
  readonly env: DeviceEnv;

  constructor(
    readonly spec: SimDeviceSpec,
    private readonly dbName: string,
    network: FakeNetwork,
    readonly clock: DeviceClock,
    private readonly rng: Rng,
    private readonly snapshotPageSize: number,
  ) {
    this.env = { now: clock.now, randomBytes: (count) => rng.bytes(count) };
    this.fetch = network.fetchFor(spec.label);
  }

  private readonly fetch: typeof fetch;

  get label(): string {
    return this.spec.label;
  }

  /** Opens (or reopens) the till's database and reads its enrollment, as the app does at start. */
  async open(): Promise<void> {
    this.db = new StoresideDb(this.dbName);
    this.cachedSession = null;
    const enrollment = await this.db.getMeta('enrollment');
    this.token = enrollment?.token;
    this.deviceId = enrollment?.deviceId ?? this.deviceId;
    // As the app does: every request names the journal's head, so a request the network held back names an old one.
    const db = this.db;
    this.api = createApiClient({ baseUrl: 'http://storeside.sim', token: () => this.token, fetch: this.fetch, journalHead: () => db.journalHeadSeq() });
  }

  async enroll(): Promise<void> {
    const enrolled = await this.api.request('POST', '/api/v1/devices/enroll', EnrollResponseSchema, { code: this.spec.code });
    if (!enrolled.ok) throw new Error(`${this.label} could not enroll: ${enrolled.failure.message}`);
    await this.db.setMeta('enrollment', enrolled.value);
    this.token = enrolled.value.token;
    this.deviceId = enrolled.value.deviceId;
  }

  /** The till dies (tab killed, battery out) and starts again: only what IndexedDB committed survives. */
  async crash(): Promise<void> {
    this.crashes += 1;
    this.db.close();
    await this.open();
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async bootstrapped(): Promise<boolean> {
    return (await this.db.getMeta('bootstrap'))?.done === true;
  }

  /** What the sync engine does on each trigger: finish the bootstrap if it is not done, then one round. */
  async sync(): Promise<SyncReport> {
    if (!(await this.bootstrapped())) {
      const loaded = await bootstrap(this.db, this.api, undefined, this.snapshotPageSize);
      if (!loaded.ok) return { ok: false, phase: 'bootstrap', failure: loaded.failure };
    }
    const round = await syncOnce(this.db, this.api, this.clock.now);
    // What the round brought may include promotions: the checkout reloads them.
    if (!round.ok || round.received > 0) this.cachedSession = null;
    if (!round.ok) return { ok: false, phase: 'sync', failure: round.failure };
    return { ok: true, sent: round.sent, received: round.received, rejected: round.rejected.length };
  }

  /**
   * Rings up 1–3 products at the till's own prices and promotions, paid in cash,
   * and commits it with the real `commitSale`. Half the lines go to the scarce
   * SKUs, so tills that cannot see each other oversell. Null when the till has
   * no catalogue yet.
   *
   * Like the app, the till keeps its store, staff and promotion book in memory
   * (the app's pricing worker rebuilds its book when the promotions table
   * changes; here, after a sync that brought anything) and looks each product
   * up as it is scanned.
   */
  async sell(skus: readonly string[], scarceSkus: readonly string[]): Promise<StoreEvent | null> {
    const session = await this.session();
    if (!session) return null;
    const lines = new Map<string, CartLine>();
    const wanted = this.rng.int(1, 3);
    for (let tries = 0; lines.size < wanted && tries < 10; tries++) {
      const sku = this.rng.chance(0.5) ? this.rng.pick(scarceSkus) : this.rng.pick(skus);
      const product = await this.db.products.get(sku);
      if (product) lines.set(sku, cartLineFor(product, this.rng.int(1, 3)));
    }
    if (lines.size === 0) return null;
    const context = { at: this.clock.now() };
    const totals = priceSale([...lines.values()], session.book, session.store.taxConfig, context);
    // Exact money, or the next round note.
    const tendered = this.rng.chance(0.3) ? totals.total : Math.ceil((totals.total + 1) / 500) * 500;
    const tender = cashTender(totals.total, tendered);
    if ('error' in tender) throw new Error(tender.error);
    const staff = this.rng.pick(session.staff);
    const { event } = await commitSale(this.db, { totals, context, tenders: [tender], cashRounding: 0, customer: null, overrides: [], staff: { id: staff.id, name: staff.name }, store: session.store }, this.env);
    this.committed.push(event);
    this.committedHashes.push(eventHash(event, sha256Hex));
    return event;
  }

  /** The store, staff and promotion book the checkout works with, loaded once the catalogue is there. */
  private async session(): Promise<Session | null> {
    if (this.cachedSession) return this.cachedSession;
    // The app opens the checkout only once the bootstrap has finished.
    if (!(await this.bootstrapped())) return null;
    const [store] = await this.db.stores.toArray();
    if (!store) return null;
    const staff = await this.db.staff.toArray();
    this.cachedSession = { store, staff, book: createPromotionBook(await this.db.promotions.toArray(), store.id) };
    return this.cachedSession;
  }
}

type Session = { store: StoreRecord; staff: StaffRecord[]; book: PromotionBook };
