import type { StoreEvent } from '../../domain/events.ts';
import type { EntityName, ProductRecord, StaffRecord, StockRecord, StoreRecord } from '../../protocol/entities.ts';
import type { Promotion } from '../../domain/pricing/index.ts';
import type { PromotionDefinition } from '../../protocol/promotions.ts';
import type { DeviceReport } from '../../protocol/messages.ts';
import type { IngestOutcome } from '../ledger/ingest-push.ts';
import type { DeviceState } from '../ledger/ledger-tx.ts';

/**
 * Everything the HTTP layer asks of storage. One interface, implemented once over
 * SQL (`sql-store.ts`) on a driver (`sql-driver.ts`); only the SQLite driver
 * exists so far. Route handlers never see SQL.
 */
export type StoreSlice = {
  store: StoreRecord;
  staff: StaffRecord[];
  products: ProductRecord[];
  stock: StockRecord[];
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

export type SliceRow = { entity: EntityName; key: string; version: number; deleted: boolean; value: string | null };

export interface ServerStore {
  migrate(): Promise<void>;
  isSeeded(): Promise<boolean>;
  seed(retailer: RetailerSeed): Promise<void>;

  /** Spends a one-time enrollment code; null when it is unknown or already used. */
  enrollDevice(codeHash: string, device: { id: string; tokenHash: string; at: number }): Promise<{ storeId: string; role: string } | null>;
  deviceByTokenHash(tokenHash: string): Promise<DeviceState | null>;
  /** Through which seq a device's events are applied (0 for a device unknown or with none). */
  ackedSeq(deviceId: string): Promise<number>;

  ingestPush(deviceId: string, events: readonly StoreEvent[], now: number, report?: DeviceReport): Promise<IngestOutcome>;

  /** The current cursor: the newest version of any row, in any store. */
  currentCursor(): Promise<number>;
  /** Live rows of a store's slice in (entity, key) order, after `after`. Values are stored JSON text. */
  snapshotRows(storeId: string, after: { entity: string; key: string } | null, limit: number): Promise<SliceRow[]>;
  /** Rows of a store's slice changed after `cursor`, in version order. */
  changesSince(storeId: string, cursor: number, limit: number): Promise<SliceRow[]>;

  isHqToken(tokenHash: string): Promise<boolean>;
  /** A new shelf price for a product in a store: the next price version, synced to the store's devices. Null for a product the store lacks. */
  setPrice(storeId: string, sku: string, price: number): Promise<ProductRecord | null>;
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
   * Calls `watcher` with the new cursor each time a committed transaction changes
   * the store's slice (this process's writes). Returns the unsubscribe.
   */
  watchSlice(storeId: string, watcher: (cursor: number) => void): () => void;

  close(): Promise<void>;
}
