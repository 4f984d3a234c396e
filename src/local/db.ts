import Dexie, { type Table } from 'dexie';
import type { Hlc } from '../domain/hlc.ts';
import type { ChainHead, StoreEvent } from '../domain/events.ts';
import type { JournalResume } from '../protocol/messages.ts';
import type { Promotion } from '../domain/pricing/index.ts';
import type { TaskRecord } from '../domain/task.ts';
import type { ParkedCartRecord } from '../domain/parked-cart.ts';
import type { TillReport } from '../domain/till-session.ts';
import type { TenderRecord } from '../domain/tender.ts';
import type { StoredValueRecord } from '../domain/stored-value.ts';
import type { CustomerRecord } from '../domain/customer.ts';
import type { AllotmentRecord, ConflictRecord, ProductRecord, StaffRecord, StockRecord, StoreRecord } from '../protocol/entities.ts';
import type { LocalSale } from './local-sale.ts';
import type { SaleRecord } from '../domain/sale-record.ts';
import type { LocalReturn } from './local-return.ts';
import type { CartDraft } from './cart-draft-record.ts';

/** A product as the device stores it: the synced record plus its search words. */
export type ProductRow = ProductRecord & { words: string[] };

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

export class StoresideDb extends Dexie {
  meta!: Table<MetaRow, MetaKey>;
  products!: Table<ProductRow, string>;
  stock!: Table<StockRecord, string>;
  staff!: Table<StaffRecord, string>;
  stores!: Table<StoreRecord, string>;
  promotions!: Table<Promotion, string>;
  conflicts!: Table<ConflictRecord, string>;
  /** the store's tasks as the server last settled them; this device's unsent steps are folded in on display */
  tasks!: Table<TaskRecord, string>;
  /** escrow of scarce products: what each device of the store may sell offline (any device's; checkout reads its own) */
  allotments!: Table<AllotmentRecord, string>;
  /** the store's parked carts as the server last had them; this device's unsent parks and resumes are folded in on display */
  parkedCarts!: Table<ParkedCartRecord, string>;
  /** gift cards and store credit, balances as the server last had them */
  storedValues!: Table<StoredValueRecord, string>;
  /** the store's customers as the server last had them; this device's unsent ones are folded in on lookup */
  customers!: Table<CustomerRecord, string>;
  sales!: Table<LocalSale, string>;
  /** the store's sales history as the server applied it (any till's sales, with their returns and voids): for returns, offline */
  saleRecords!: Table<SaleRecord, string>;
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
    // v5 (issue 11): the cart being rung up survives a reload, by staff member.
    this.version(5).stores({ cartDrafts: 'staffId' });
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

/**
 * The words search works on: lower case, split at anything but letters and
 * digits, one-letter words dropped ("350 g", "1 L" would fill the index). Used
 * both for indexing names and for what the associate types, so they agree.
 */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1);
}

/** Words of a product's name and SKU, for "type part of a name or SKU" search. */
export function searchWords(product: ProductRecord): string[] {
  return [...new Set([...wordsOf(product.name), ...wordsOf(product.sku)])];
}
