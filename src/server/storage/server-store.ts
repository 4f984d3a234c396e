import type { StoreEvent } from '../../domain/events.ts';
import type { ProductRecord, StaffRecord, StockRecord, StoreRecord } from '../../protocol/entities.ts';
import type { EntityName } from '../../protocol/entity-registry.ts';
import type { Promotion } from '../../domain/pricing/index.ts';
import type { StoredValueRecord } from '../../domain/stored-value.ts';
import type { CustomerRecord } from '../../domain/customer.ts';
import type { PromotionDefinition } from '../../protocol/promotions.ts';
import type { DeviceReport, JournalResume, StoreSettingsEdit } from '../../protocol/messages.ts';
import type { IngestOutcome } from '../ledger/ingest-push.ts';
import type { TillSessionSpan } from '../../domain/till-day.ts';
import type { DeviceState } from '../ledger/ledger-tx.ts';

/**
 * Everything the HTTP layer asks of storage. One interface, implemented once over
 * SQL (`sql-store.ts`) on a driver (`sql-driver.ts`): SQLite embedded, or
 * Postgres for a fleet with several server processes. Route handlers never see SQL.
 */
export type StoreSlice = {
  store: StoreRecord;
  staff: StaffRecord[];
  products: ProductRecord[];
  stock: StockRecord[];
  /** gift cards and store credit the store starts with */
  storedValues?: StoredValueRecord[];
  customers?: CustomerRecord[];
};

export type RetailerSeed = {
  stores: StoreSlice[];
  promotions: PromotionDefinition[];
  /** hash of the token HQ tools send to change promotions */
  hqTokenHash: string;
  enrollmentCodes: { codeHash: string; storeId: string; role: 'tablet' | 'kiosk' }[];
};

export type DeviceHealth = {
  id: string;
  role: string;
  enrolledAt: number;
  ackedSeq: number;
  lastPushAt: number | null;
  reportedHeadSeq: number | null;
  /** server time minus the device's clock, as of its last report */
  clockOffsetMs: number | null;
  oldestUnsentAt: number | null;
  reportedAt: number | null;
};

export type Variance = { saleId: string; receiptNumber: string; field: string; deviceValue: number; serverValue: number; completedAt: number };

/** Something HQ must look at, newest first (see Alarm in ledger-tx.ts). */
export type AlarmRecord = { kind: string; deviceId: string | null; seq: number | null; detail: string; at: number };

/** A synced record with the version an edit of it must name. */
export type VersionedRecord<T> = { value: T; version: number };
/** An edit applied (the new record and version), refused because it named an older version, or of a record that does not exist. */
export type EditOutcome<T> = { kind: 'saved'; record: VersionedRecord<T> } | { kind: 'stale'; current: VersionedRecord<T> } | { kind: 'missing' };

export type DigitalReceipt = { store: StoreRecord; sale: StoreEvent; followUps: StoreEvent[] };

/** A till session of one of a store's devices, with the device's role. */
export type StoreTillSession = { deviceId: string; role: string; span: TillSessionSpan };
/** An event as the server holds it: applied, or quarantined (rejected) with the ledger's reason. */
export type HeldEvent = { event: StoreEvent; status: 'applied' | 'rejected' };

export type SliceRow = { entity: EntityName; key: string; version: number; deleted: boolean; value: string | null };

export interface ServerStore {
  /**
   * Brings the database to this release's layout (migrations.ts), once however
   * many servers start on it together, and starts hearing the changes other
   * server processes on it commit (for `watchSlice`).
   */
  open(): Promise<void>;
  isSeeded(): Promise<boolean>;
  /** Stores a new retailer; false, changing nothing, when the database holds one already (another server seeded it first). */
  seed(retailer: RetailerSeed): Promise<boolean>;

  /** Spends a one-time enrollment code; null when it is unknown or already used. */
  enrollDevice(codeHash: string, device: { id: string; tokenHash: string; at: number }): Promise<{ storeId: string; role: string } | null>;
  deviceByTokenHash(tokenHash: string): Promise<DeviceState | null>;
  /** Through which seq a device's events are applied (0 for a device unknown or with none). */
  ackedSeq(deviceId: string): Promise<number>;

  ingestPush(deviceId: string, events: readonly StoreEvent[], now: number, report?: DeviceReport): Promise<IngestOutcome>;
  /**
   * The device's journal ends at `deviceHeadSeq`. When that is before what the
   * server acknowledged, its local data was lost: raises HQ's alarm once and
   * returns where the device continues (lost-journal.ts). Null otherwise.
   */
  settleLostJournal(deviceId: string, deviceHeadSeq: number, now: number): Promise<JournalResume | null>;

  /** The store's current cursor: the newest version of its slice's rows. */
  currentCursor(storeId: string): Promise<number>;
  /** Live rows of a store's slice in (entity, key) order, after `after`. Values are stored JSON text. */
  snapshotRows(storeId: string, after: { entity: string; key: string } | null, limit: number): Promise<SliceRow[]>;
  /** Rows of a store's slice changed after `cursor`, in version order. */
  changesSince(storeId: string, cursor: number, limit: number): Promise<SliceRow[]>;

  isHqToken(tokenHash: string): Promise<boolean>;
  /** A new shelf price for a product in a store: the next price version, synced to the store's devices. Null for a product the store lacks. */
  setPrice(storeId: string, sku: string, price: number): Promise<ProductRecord | null>;
  /**
   * Marks a product scarce in a store (its devices then sell it only from
   * allotments, granted at once to every device of the store) or ends that.
   * False for a product the store lacks.
   */
  setScarce(storeId: string, sku: string, scarce: boolean, now: number): Promise<boolean>;
  /** Grants the device its allotments of the store's scarce products as of now (it is in contact). */
  refreshAllotments(deviceId: string, now: number): Promise<void>;
  /** A product of a store as its devices have it, with its version; null when the store lacks it. */
  product(storeId: string, sku: string): Promise<VersionedRecord<ProductRecord> | null>;
  /** Renames a product in a store, if `version` is still its version. */
  renameProduct(storeId: string, sku: string, version: number, name: string): Promise<EditOutcome<ProductRecord>>;
  /** A store's settings record, with its version; null for an unknown store. */
  storeSettings(storeId: string): Promise<VersionedRecord<StoreRecord> | null>;
  /** Changes a store's name, offline policy or cash-till rule (versioned last-writer-wins); the ledger books its next sales under them. */
  editStore(storeId: string, version: number, edit: StoreSettingsEdit): Promise<EditOutcome<StoreRecord>>;
  storeIds(): Promise<string[]>;
  /** The category of each of these SKUs that some store sells. */
  categoriesOf(skus: readonly string[]): Promise<Map<string, string>>;
  /** Stores a promotion (new or changed) as the next revision, and publishes it to its stores. */
  savePromotion(definition: PromotionDefinition): Promise<Promotion>;
  /** The newest revision of every promotion, ended ones included. */
  currentPromotions(): Promise<Promotion[]>;
  /** A store's devices and how their queues stood when they last reported. */
  devices(storeId: string): Promise<DeviceHealth[]>;
  /** Where the server's re-pricing of a store's sales differs from the till's. */
  variances(storeId: string): Promise<Variance[]>;
  /**
   * The events a device's till session is made of, as the till journaled them (applied or quarantined):
   * from its till.opened through its till.closed (or the newest event), in seq
   * order. Null when the device never opened that session.
   */
  tillSessionEvents(deviceId: string, sessionId: string): Promise<StoreEvent[] | null>;
  /**
   * The till sessions of a store's devices that ran at some moment of
   * [`fromHlc`, `toHlc`): opened before its end and not ended before its
   * start, from the devices' till.opened and till.closed events (applied or
   * quarantined, as the tills journaled them), each whole (domain/till-day.ts).
   */
  tillSessions(storeId: string, range: { fromHlc: string; toHlc: string }): Promise<StoreTillSession[]>;
  /** A device's events from seq `fromSeq` through `throughSeq` (through its newest when null), applied or quarantined, in seq order. */
  deviceEvents(deviceId: string, fromSeq: number, throughSeq: number | null): Promise<StoreEvent[]>;
  /** A store's events of these types with `fromHlc` ≤ hlc < `toHlc`, applied or quarantined, in HLC order. */
  storeEvents(storeId: string, types: readonly string[], range: { fromHlc: string; toHlc: string }): Promise<HeldEvent[]>;
  /**
   * The sale whose digital receipt has this token, as its applied event, with
   * the store's current record and the returns and post-voids of the sale
   * (refund.completed, sale.voided), in HLC order: what the receipt page lists
   * under it. Null for a token no booked sale has.
   */
  digitalReceipt(token: string): Promise<DigitalReceipt | null>;
  /**
   * A store's applied events that may hold sensitive actions (src/domain/audit.ts):
   * of the audited types, naming an approving manager, with `fromHlc` ≤ hlc <
   * `beforeHlc`, newest first, at most `limit`.
   */
  auditEvents(storeId: string, range: { fromHlc: string; beforeHlc: string }, limit: number): Promise<StoreEvent[]>;
  /** Names of the store's staff by id, from its roster. */
  staffNames(storeId: string): Promise<Map<string, string>>;
  /** A store's alarms, newest first (the latest 500). */
  alarms(storeId: string): Promise<AlarmRecord[]>;

  /**
   * Calls `watcher` with the new cursor each time a committed transaction changes
   * the store's slice, in this server process or another on the same database.
   * Returns the unsubscribe.
   */
  watchSlice(storeId: string, watcher: (cursor: number) => void): () => void;

  close(): Promise<void>;
}
