import type { StoreEvent } from '../../domain/events.ts';
import type { EntityName, ProductRecord, StaffRecord, StockRecord, StoreRecord } from '../../protocol/entities.ts';
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
  enrollmentCodes: { codeHash: string; storeId: string; role: 'tablet' | 'kiosk' }[];
};

export type SliceRow = { entity: EntityName; key: string; version: number; deleted: boolean; value: string | null };

export interface ServerStore {
  migrate(): Promise<void>;
  isSeeded(): Promise<boolean>;
  seed(retailer: RetailerSeed): Promise<void>;

  /** Spends a one-time enrollment code; null when it is unknown or already used. */
  enrollDevice(codeHash: string, device: { id: string; tokenHash: string; at: number }): Promise<{ storeId: string; role: string } | null>;
  deviceByTokenHash(tokenHash: string): Promise<DeviceState | null>;

  ingestPush(deviceId: string, events: readonly StoreEvent[], now: number): Promise<IngestOutcome>;

  /** The current cursor: the newest version of any row, in any store. */
  currentCursor(): Promise<number>;
  /** Live rows of a store's slice in (entity, key) order, after `after`. Values are stored JSON text. */
  snapshotRows(storeId: string, after: { entity: string; key: string } | null, limit: number): Promise<SliceRow[]>;
  /** Rows of a store's slice changed after `cursor`, in version order. */
  changesSince(storeId: string, cursor: number, limit: number): Promise<SliceRow[]>;

  close(): Promise<void>;
}
