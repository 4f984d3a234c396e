import Dexie, { type Table } from 'dexie';
import type { Hlc } from '../domain/hlc.ts';
import type { ChainHead, StoreEvent } from '../domain/events.ts';
import type { JournalResume } from '../protocol/messages.ts';
import type { TillReport } from '../domain/till-session.ts';
import type { TenderRecord } from '../domain/tender.ts';
import { ENTITY_NAMES, SYNCED_ENTITIES, SYNCED_TABLE_SCHEMA, type DeviceRow, type EntityName } from '../protocol/entity-registry.ts';
import type { LocalSale } from './local-sale.ts';
import type { LocalReturn } from './local-return.ts';
import type { CartDraft } from './cart-draft-record.ts';

export type { ProductRow } from '../protocol/entity-registry.ts';
export { searchWords, wordsOf } from '../domain/search-words.ts';

export type Enrollment = { deviceId: string; storeId: string; role: 'tablet' | 'kiosk'; token: string };

/** Where an interrupted bootstrap continues: the snapshot's cursor and its next page. */
export type BootstrapProgress = { cursor: number; next: string | null; done: boolean };

/** The device's singletons, one row each in the `meta` table. */
export type MetaValues = {
  enrollment: Enrollment;
  /** seq and hash of the newest journal event: the next event chains onto it */
  chainHead: ChainHead;
  /** the server has acknowledged every event up to this seq */
  ackedSeq: number;
  hlc: Hlc;
  receiptCounter: number;
  bootstrap: BootstrapProgress;
  /** pull cursor: every change of the store's slice up to it is on the device */
  cursor: number;
  /** when the context holding the sync lock last showed it is alive (sync-lock.ts) */
  syncHeartbeat: number;
  /** the server found this device's journal behind its own record: local data was lost (sync/lost-journal.ts) */
  journalLoss: JournalResume & { noticedAt: number };
  /** the newest till session's report as of journal seq `throughSeq`, kept with each append (local/till-session.ts) */
  tillReport: { report: TillReport | null; throughSeq: number };
  /** card payments the terminal approved for a sale not completed yet (open-charges.ts) */
  openCharges: Extract<TenderRecord, { kind: 'card' }>[];
  /** when a sync round last reached the server: the offline policy counts the hours since */
  lastSyncAt: number;
};
export type MetaKey = keyof MetaValues;
export type MetaRow = { [K in MetaKey]: { key: K; value: MetaValues[K] } }[MetaKey];

export const DB_NAME = 'storeside';

/** The table of each synced entity, named and typed as the registry (protocol/entity-registry.ts) declares it. */
type SyncedTables = { [K in EntityName as (typeof SYNCED_ENTITIES)[K]['table']]: Table<DeviceRow<K>, string> };

/**
 * The Dexie version that last changed a synced table, at which the registry's
 * tables are declared (see the constructor). Raise it with any registry change
 * to a synced table's name, key or indexes.
 */
export const SYNCED_TABLES_VERSION = 4;

// The synced tables' members come from the registry: this interface merges into the class
// below, and Dexie sets each table's member when the schema is declared.
export interface StoresideDb extends SyncedTables {}

export class StoresideDb extends Dexie {
  meta!: Table<MetaRow, MetaKey>;
  sales!: Table<LocalSale, string>;
  /** returns and voids made on this device, by the sale they took back: folded into a sale's record until the server's has them */
  returns!: Table<LocalReturn, string>;
  /** the event journal: the outbox is the events with seq > ackedSeq */
  journal!: Table<StoreEvent, number>;
  /** each staff member's cart in progress on this device, kept as it changes (cart-draft.ts); never synced */
  cartDrafts!: Table<CartDraft, string>;

  constructor(name = DB_NAME) {
    // Strict durability: a committed sale has reached the disk, not just the OS cache.
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      meta: 'key',
      products: 'sku, barcode, *words',
      stock: 'sku',
      staff: 'id',
      stores: 'id',
      sales: 'id, receiptNumber, completedAt',
      journal: 'seq',
    });
    // v2: promotions sync down (the pricing worker indexes them); signs list a category's products;
    // a till finds the single-use coupons it has spent.
    this.version(2).stores({ promotions: 'id', products: 'sku, barcode, *words, category', sales: 'id, receiptNumber, completedAt, *redeemedCoupons', conflicts: 'id' });
    // v3: store tasks (claimed and finished from any device); allotments of scarce products; parked carts.
    // A sale is found by its event's seq when a lost journal is taken up again (sync/lost-journal.ts).
    this.version(3).stores({ tasks: 'id', allotments: 'id, [deviceId+sku]', parkedCarts: 'id', sales: 'id, receiptNumber, completedAt, *redeemedCoupons, eventSeq' });
    // v4 (issue 5): stored-value accounts, found by number or by the customer whose credit it is;
    // customers, found by phone or email; a sale found by its receipt's token (the QR code); the
    // store's sales history, found by receipt number, token, time or customer; this till's own returns.
    this.version(4).stores({
      storedValues: 'id, customerId',
      customers: 'id, phone, email',
      sales: 'id, receiptNumber, completedAt, *redeemedCoupons, eventSeq, receiptToken',
      saleRecords: 'id, receiptNumber, receiptToken, completedAt, customer.id',
      returns: 'id, saleId',
    });
    // The synced tables, as the registry declares them now. Dexie versions are history: a
    // device's database is at one of them, and Dexie upgrades it by changing what is installed
    // into what the newest version declares (no version here has an upgrade function). So
    // versions 1–4 stay as released, and the registry's tables are declared at
    // SYNCED_TABLES_VERSION rather than at a version of their own: they equal what 1–4 declare,
    // so a device at 4 opens without an upgrade (a new version would make every device upgrade
    // for nothing) and one at 1–3 upgrades as before. A registry change to a synced table must
    // raise SYNCED_TABLES_VERSION: only a higher version upgrades a database that is at 4
    // already (Dexie would patch a missing table or index with a warning, and cannot change a
    // key at all); raised, it goes above every version below (5, the cart drafts', today).
    // tests/unit/entity-registry.test.ts holds the tables as version 4 released them, so the
    // raise cannot be forgotten.
    this.version(SYNCED_TABLES_VERSION).stores(SYNCED_TABLE_SCHEMA);
    // v5 (issue 11): the cart being rung up survives a reload, by staff member.
    this.version(5).stores({ cartDrafts: 'staffId' });
  }

  /** The device's table of a synced entity. */
  syncedTable<K extends EntityName>(entity: K): Table<DeviceRow<K>, string> {
    return this.table(SYNCED_ENTITIES[entity].table);
  }

  /** Every synced entity's table, for a transaction that writes the slice. */
  syncedTables(): Table[] {
    return ENTITY_NAMES.map((entity) => this.syncedTable(entity));
  }

  /** The seq of the newest event in the journal (0 before the first), sent with each request. */
  async journalHeadSeq(): Promise<number> {
    return (await this.getMeta('chainHead'))?.seq ?? 0;
  }

  async getMeta<K extends MetaKey>(key: K): Promise<MetaValues[K] | undefined> {
    const row = await this.meta.get(key);
    return row?.value as MetaValues[K] | undefined;
  }

  async setMeta<K extends MetaKey>(key: K, value: MetaValues[K]): Promise<void> {
    await this.meta.put({ key, value } as MetaRow);
  }
}
