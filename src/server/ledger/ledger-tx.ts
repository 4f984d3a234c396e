import type { PromotionBook, TaxConfig } from '../../domain/pricing/index.ts';
import type { ConflictRecord, EntityRecords, StoreRecord } from '../../protocol/entities.ts';

/** What a product was at one price version: its price and the categories promotions and tax read. */
export type CatalogueEntry = { price: number; category: string; taxCategory: string };

/** What the ledger reads and writes inside one push transaction. */
export type DeviceState = { id: string; storeId: string; role: string; ackedSeq: number; headHash: string };

export type StoredEvent = { hash: string; status: 'applied' | 'rejected'; reason: string | null };

export type EventRow = {
  deviceId: string;
  seq: number;
  id: string;
  storeId: string;
  type: string;
  hlc: string;
  hash: string;
  body: string;
  receivedAt: number;
};

export type SaleRow = {
  id: string;
  eventId: string;
  storeId: string;
  deviceId: string;
  staffId: string | null;
  receiptNumber: string;
  currency: string;
  subtotal: number;
  discountTotal: number;
  tax: number;
  total: number;
  promotionsRevision: number;
  taxConfigVersion: number;
  taxExemptionCertificate: string | null;
  completedAt: number;
  hlc: string;
  /** the digital receipt's token; null for a sale from a payload version without one */
  receiptToken: string | null;
};

export type SaleLineRow = {
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  taxCategory: string;
  lineTotal: number;
  discount: number;
  tax: number;
};

export type SaleDiscountRow = {
  discountNo: number;
  label: string;
  amount: number;
  promotionId: string | null;
  promotionRevision: number | null;
  coupon: string | null;
  approvedBy: string | null;
};

export type TenderRow = { tenderNo: number; kind: string; amount: number; tendered: number; change: number };

/** Something HQ must look at. `body` keeps an event that could not be applied, so nothing sent is lost. */
export type Alarm = { kind: string; storeId: string | null; deviceId: string | null; seq: number | null; detail: string; body?: string; at: number };

export type Allotment = { deviceId: string; units: number; asOfSeq: number };

export type CouponHolder = { saleId: string; storeId: string; receiptNumber: string; hlc: string; amount: number };

/**
 * Entities whose synced row is their only record on the server. A sale record
 * is the one place the server keeps what each line cost the customer and which
 * returns took it back (the ledger's `sales` and `returns` keep the money).
 */
export type SliceOnlyEntity = 'task' | 'parked_cart' | 'stored_value' | 'customer' | 'sale_record';

/** A return or post-void as the ledger books it. */
export type ReturnRow = {
  id: string;
  eventId: string;
  kind: 'return' | 'void';
  storeId: string;
  deviceId: string;
  staffId: string | null;
  approvedBy: string | null;
  saleId: string | null;
  receiptNumber: string;
  total: number;
  tax: number;
  reason: string;
  completedAt: number;
  hlc: string;
};

export type ReadAhead = {
  eventIds: readonly string[];
  saleIds: readonly string[];
  receiptTokens: readonly string[];
  prices: { storeId: string; lines: readonly { sku: string; version: number }[] };
};

export interface LedgerTx {
  /** The device, held for this transaction with its store: a concurrent push from it, or a write to the store's slice, waits for this to commit. */
  device(deviceId: string): Promise<DeviceState | null>;
  storeRecord(storeId: string): Promise<StoreRecord | null>;
  eventAt(deviceId: string, seq: number): Promise<StoredEvent | null>;
  /**
   * What a push's new events will ask, read in one go before they are applied:
   * whether their ids are in use, whether their sales are booked, which sales
   * hold the receipt tokens they name, and the prices their lines rang up. A
   * hint for speed: every answer below is right without it.
   */
  readAhead(batch: ReadAhead): Promise<void>;
  /** Records an event as applied; false (nothing written) when an applied event already has its id. */
  insertAppliedEvent(row: EventRow): Promise<boolean>;
  /** Records an event that cannot be applied, with why. */
  quarantineEvent(row: EventRow, reason: string): Promise<void>;
  /** Moves an event recorded as applied in this transaction to quarantine. */
  markQuarantined(deviceId: string, seq: number, reason: string): Promise<void>;
  advanceDevice(deviceId: string, ackedSeq: number, headHash: string, at: number): Promise<void>;
  /** Keeps what the device said of its queue and clock, as of `at` (server time). */
  recordDeviceReport(deviceId: string, report: { headSeq: number; clockOffsetMs: number; oldestUnsentAt: number | null }, at: number): Promise<void>;
  /** Books a sale with its lines and tenders; false (and nothing written) when its id is already booked. */
  insertSale(sale: SaleRow, lines: readonly SaleLineRow[], discounts: readonly SaleDiscountRow[], tenders: readonly TenderRow[]): Promise<boolean>;
  /** The sale whose digital receipt has this token, if one is booked. */
  saleWithReceiptToken(token: string): Promise<string | null>;
  /** The store's promotions as they stood at `revision`, indexed for pricing; null for a revision not issued yet. */
  promotionBook(storeId: string, revision: number): Promise<PromotionBook | null>;
  /** The newest promotion revision the server has given out. */
  issuedPromotionRevision(): Promise<number>;
  /** The store's catalogue entry of each SKU at each version asked for, keyed `sku@version`; a version it never had is absent. */
  pricesAt(storeId: string, lines: readonly { sku: string; version: number }[]): Promise<Map<string, CatalogueEntry>>;
  /** The store's tax rules at `version`; null when the server never had that version. */
  taxConfig(storeId: string, version: number): Promise<TaxConfig | null>;
  /** Gives a single-use code to `saleId`; returns the booked sale that had it already, if one did, with what it took off with the code. */
  redeemCoupon(code: string, saleId: string, storeId: string): Promise<CouponHolder | null>;
  /** Gives a redeemed single-use code to another sale. */
  /**
   * Gives a redeemed single-use code from the sale `from` to another. Should a
   * concurrent push of another store have moved it since it was read, the
   * transaction is run again, to decide against the holder it finds then.
   */
  moveRedemption(code: string, from: string, to: { saleId: string; storeId: string }): Promise<void>;
  recordVariance(saleId: string, field: string, deviceValue: number, serverValue: number): Promise<void>;
  /** Books a return or void with the tenders it paid back; false (nothing written) when its id is already booked. */
  insertReturn(row: ReturnRow, tenders: readonly { kind: string; amount: number }[]): Promise<boolean>;
  /** The role of a member of a store's staff; null for someone not on its roster. */
  staffRole(storeId: string, staffId: string): Promise<'associate' | 'manager' | null>;
  /** A product's price (and what it prices with) in a store at its newest price version; null when the store has no such product. */
  currentPrice(storeId: string, sku: string): Promise<(CatalogueEntry & { version: number }) | null>;
  /**
   * Adds each delta to a store's on-hand counts and publishes the new levels to
   * its devices. Returns the SKUs the store keeps no stock of, which are left alone.
   */
  adjustStock(storeId: string, deltas: ReadonlyMap<string, number>): Promise<{ unknown: string[]; onHand: Map<string, number> }>;
  /** Units of a SKU already charged as oversold in a store. */
  oversoldUnits(storeId: string, sku: string): Promise<number>;
  /** The store's sales of a SKU, latest by HLC first, `limit` at a time from `offset`, with the units already charged as oversold on each. */
  salesOfSku(storeId: string, sku: string, offset: number, limit: number): Promise<{ saleId: string; receiptNumber: string; hlc: string; name: string; quantity: number; oversold: number }[]>;
  /** Records a settled conflict, or updates the one of the same id in place, and publishes it to the store's devices. */
  recordConflict(storeId: string, conflict: ConflictRecord): Promise<void>;
  raiseAlarm(alarm: Alarm): Promise<void>;
  /**
   * A record of the store's slice that is kept nowhere else (a task, a parked
   * cart, a gift card's balance, a customer): its synced row is the record. Null when the store has none of that key.
   */
  sliceRecord<E extends SliceOnlyEntity>(storeId: string, entity: E, key: string): Promise<EntityRecords[E] | null>;
  /** Stores such a record (new or changed) and publishes it to the store's devices. */
  saveSliceRecord<E extends SliceOnlyEntity>(storeId: string, entity: E, key: string, record: EntityRecords[E]): Promise<void>;
  /** The SKUs HQ marked scarce in a store. */
  scarceSkus(storeId: string): Promise<string[]>;
  /** Every device's allotment of a scarce SKU in a store. */
  allotments(storeId: string, sku: string): Promise<Allotment[]>;
  /** Stores a device's allotment and publishes it to the store's devices. */
  saveAllotment(storeId: string, sku: string, allotment: Allotment, at: number): Promise<void>;
  /** A store's on-hand count of a SKU; null when it keeps none. */
  onHand(storeId: string, sku: string): Promise<number | null>;
  /** How many devices a store has enrolled. */
  deviceCount(storeId: string): Promise<number>;
  /** The body of an alarm of `kind` about a device's `seq`; null when none was raised. */
  alarmBody(kind: string, deviceId: string, seq: number): Promise<string | null>;
  /** What the device last said of its queue (see recordDeviceReport). */
  deviceQueue(deviceId: string): Promise<{ reportedHeadSeq: number | null; oldestUnsentAt: number | null; clockOffsetMs: number | null }>;
  /** Sets the device's acknowledged seq and chain head without a push (a lost journal's resume point). */
  moveDeviceHead(deviceId: string, ackedSeq: number, headHash: string): Promise<void>;
}
