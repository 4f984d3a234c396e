import { randomUUID } from 'node:crypto';
import type { StoreEvent } from '../../domain/events.ts';
import { createPromotionBook, type Promotion, type PromotionBook, type TaxConfig } from '../../domain/pricing/index.ts';
import { GENESIS_HASH } from '../../domain/events.ts';
import { AUDITED_EVENT_TYPES } from '../../domain/audit.ts';
import { isTillEvent, spanOverlaps, tillSessionSpans, type TillEvent } from '../../domain/till-day.ts';
import type { AllotmentRecord, ProductRecord, StaffRecord, StockRecord, StoreRecord } from '../../protocol/entities.ts';
import type { EntityName } from '../../protocol/entity-registry.ts';
import { ingestPush } from '../ledger/ingest-push.ts';
import { settleLostJournal } from '../ledger/lost-journal.ts';
import { grantAllotments } from '../conflicts/escrow.ts';
import type { CatalogueEntry, DeviceState, LedgerTx, StoredEvent } from '../ledger/ledger-tx.ts';
import type { PromotionDefinition } from '../../protocol/promotions.ts';
import type { StoreSettingsEdit } from '../../protocol/messages.ts';
import { schemaSql, SCHEMA_VERSION } from './schema.ts';
import { dialectSql } from './dialect.ts';
import { MIGRATIONS, OLDEST_MIGRATABLE_LAYOUT } from './migrations.ts';
import type { EditOutcome, HeldEvent, RetailerSeed, ServerStore, SliceRow, StoreTillSession, VersionedRecord } from './server-store.ts';
import { ChangedUnderneath, type SqlDriver, type SqlExecutor, type SqlValue } from './sql-driver.ts';

type DeviceRow = { id: string; store_id: string; role: string; acked_seq: number; head_hash: string };
type SliceRowRaw = { entity: EntityName; key: string; version: number; deleted: number; value: string | null };

const toDevice = (row: DeviceRow): DeviceState => ({
  id: row.id,
  storeId: row.store_id,
  role: row.role,
  ackedSeq: Number(row.acked_seq),
  headHash: row.head_hash,
});
const toSliceRow = (row: SliceRowRaw): SliceRow => ({ ...row, version: Number(row.version), deleted: row.deleted === 1 });

/**
 * Versions of the sync slice: one counter per store (store_versions). A
 * transaction that writes a store's slice first locks the store's counter row
 * (an UPDATE that changes nothing yet), keeps the lock until it commits, hands
 * versions out from memory and writes the counter back before it commits.
 *
 * Why a locked counter per store, and not a commit-ordered cursor: a device
 * pulls one store's slice, so its cursor need only be ordered within the
 * store, and the row lock makes a store's writers commit in the order their
 * versions run. A writer that read the counter while another held it waits
 * and, under READ COMMITTED, reads the value the other committed; so no row is
 * ever committed below a version a device has already pulled past (the cursor
 * gap in DESIGN.md). The same lock orders every read-modify-write of a store's
 * slice (stored value, tasks, carts), which SQLite gave for free by running one
 * transaction at a time. Stores still write in parallel; a fleet-wide counter
 * would make every store's commits wait on each other's. A cursor read below
 * the oldest open transaction would need the engine's transaction ids, which
 * SQLite has not.
 *
 * A transaction takes the store locks before other rows, or, writing to several
 * stores, in store-id order, so that two of them rarely wait on each other
 * round; when they do, Postgres ends one and the driver runs it again.
 */
class SyncVersions {
  private readonly next = new Map<string, number>();
  private readonly handedOut = new Set<string>();
  constructor(private readonly tx: SqlExecutor) {}

  /** Stores whose slice this transaction changed, with the newest version each was given: their devices are told once it commits. */
  get newest(): Map<string, number> {
    return new Map([...this.handedOut].map((storeId) => [storeId, this.next.get(storeId)! - 1]));
  }

  /**
   * Takes the store's counter lock (once per transaction); the writer that holds
   * it commits before the next may write. False for a store that does not exist.
   */
  async lock(storeId: string): Promise<boolean> {
    if (this.next.has(storeId)) return true;
    const row = await this.tx.get<{ version: number }>(`UPDATE store_versions SET version = version WHERE store_id = ? RETURNING version`, [storeId]);
    if (!row) return false;
    this.next.set(storeId, Number(row.version) + 1);
    return true;
  }

  /** Locks the stores in one order, so that two writers of several stores do not each hold what the other waits for. */
  async lockAll(storeIds: readonly string[]): Promise<void> {
    for (const storeId of [...storeIds].sort()) await this.lock(storeId);
  }

  async allocate(storeId: string): Promise<number> {
    if (!(await this.lock(storeId))) throw new Error(`store ${storeId} has no version counter: it does not exist`);
    const version = this.next.get(storeId)!;
    this.next.set(storeId, version + 1);
    this.handedOut.add(storeId);
    return version;
  }

  async flush(): Promise<void> {
    for (const [storeId, version] of this.newest) {
      await this.tx.run(`UPDATE store_versions SET version = ? WHERE store_id = ?`, [version, storeId]);
    }
  }
}

/** What a server process tells the others on its database when it commits a change to a store's slice. */
type SliceChange = { from: string; store: string; cursor: number };

function parseChange(message: string): SliceChange | null {
  try {
    const change = JSON.parse(message) as Partial<SliceChange>;
    const valid = typeof change.from === 'string' && typeof change.store === 'string' && Number.isSafeInteger(change.cursor);
    return valid ? (change as SliceChange) : null;
  } catch {
    return null;
  }
}

/**
 * A transaction's executor that holds back inserts nothing reads until later:
 * a push's events, sales and their lines, and its sync rows are written
 * together (`runMany`: on Postgres a few multi-row statements instead of a
 * round trip per row) before the next statement of any other kind, and before
 * commit. So every read still sees every write made before it, and the work
 * above reads as if each insert ran at once.
 *
 * A deferred insert must write every row it is given: work defers only rows it
 * checked are new (see `readAhead`). Should a concurrent transaction have
 * committed one of them since, the insert writes fewer and the transaction is
 * run again (ChangedUnderneath), to find the row there this time.
 */
type DeferringExecutor = SqlExecutor & {
  /** Holds a one-row INSERT back; a later one with the same `key` replaces it (an upsert of the same row twice). */
  defer(sql: string, row: readonly SqlValue[], key?: string): void;
  /** Writes what was held back. */
  flush(): Promise<void>;
};

function deferringExecutor(tx: SqlExecutor): DeferringExecutor {
  const pending = new Map<string, { rows: (readonly SqlValue[])[]; byKey: Map<string, number> }>();
  const flush = async () => {
    for (const [sql, { rows }] of pending) {
      pending.delete(sql);
      const { changes } = await tx.runMany(sql, rows);
      if (changes !== rows.length) throw new ChangedUnderneath(`${rows.length - changes} of ${rows.length} rows were written meanwhile: ${sql.slice(0, 60)}…`);
    }
  };
  const afterFlush =
    <A extends unknown[], R>(statement: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (pending.size > 0) await flush();
      return statement(...args);
    };
  return {
    all: afterFlush((sql, params) => tx.all(sql, params)),
    get: afterFlush((sql, params) => tx.get(sql, params)),
    run: afterFlush((sql, params) => tx.run(sql, params)),
    runMany: afterFlush((sql, rows) => tx.runMany(sql, rows)),
    exec: afterFlush((script) => tx.exec(script)),
    defer(sql, row, key) {
      let batch = pending.get(sql);
      if (!batch) pending.set(sql, (batch = { rows: [], byKey: new Map() }));
      const at = key === undefined ? undefined : batch.byKey.get(key);
      if (at !== undefined) {
        batch.rows[at] = row;
        return;
      }
      if (key !== undefined) batch.byKey.set(key, batch.rows.length);
      batch.rows.push(row);
    },
    flush,
  } as DeferringExecutor;
}

/** A list in pieces short enough to name in one statement's IN (…). */
function chunks<T>(items: readonly T[], size = 500): T[][] {
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += size) pieces.push(items.slice(start, start + size));
  return pieces;
}

/** Writes a row of a store's slice at the store's next version: held back with the transaction's other inserts, the newest write of a row winning. */
async function putSyncRow(tx: DeferringExecutor, versions: SyncVersions, storeId: string, entity: EntityName, key: string, json: string) {
  const version = await versions.allocate(storeId);
  tx.defer(
    `INSERT INTO sync_rows (store_id, entity, key, version, deleted, value) VALUES (?, ?, ?, ?, 0, ?)
     ON CONFLICT (store_id, entity, key) DO UPDATE SET version = excluded.version, deleted = 0, value = excluded.value`,
    [storeId, entity, key, version, json],
    `${storeId}\u0000${entity}\u0000${key}`,
  );
}

async function deleteSyncRow(tx: DeferringExecutor, versions: SyncVersions, storeId: string, entity: EntityName, key: string) {
  await tx.run(`UPDATE sync_rows SET version = ?, deleted = 1, value = NULL WHERE store_id = ? AND entity = ? AND key = ? AND deleted = 0`, [
    await versions.allocate(storeId),
    storeId,
    entity,
    key,
  ]);
}

async function readVersioned<T>(tx: SqlExecutor, storeId: string, entity: EntityName, key: string): Promise<VersionedRecord<T> | null> {
  const row = await tx.get<{ value: string; version: number }>(`SELECT value, version FROM sync_rows WHERE store_id = ? AND entity = ? AND key = ? AND deleted = 0`, [storeId, entity, key]);
  return row ? { value: JSON.parse(row.value) as T, version: Number(row.version) } : null;
}

/**
 * Versioned last-writer-wins: the edit applies only to the version the editor
 * read. The store's lock is taken before the record is read, so no other
 * writer can change it between the check and the write; of two editors of one
 * version the second is told instead of overwriting the first.
 */
async function editVersioned<T>(tx: DeferringExecutor, versions: SyncVersions, storeId: string, entity: EntityName, key: string, version: number, edit: (current: T) => T): Promise<EditOutcome<T>> {
  if (!(await versions.lock(storeId))) return { kind: 'missing' };
  const current = await readVersioned<T>(tx, storeId, entity, key);
  if (!current) return { kind: 'missing' };
  if (current.version !== version) return { kind: 'stale', current };
  const value = edit(current.value);
  const next = await versions.allocate(storeId);
  await tx.run(`UPDATE sync_rows SET version = ?, value = ? WHERE store_id = ? AND entity = ? AND key = ?`, [next, JSON.stringify(value), storeId, entity, key]);
  return { kind: 'saved', record: { value, version: next } };
}

/** A store record with HQ's edit applied; a null setting removes the store's own, so the default applies. */
function withSettings(store: StoreRecord, { name, offlinePolicy, cashTillSession }: StoreSettingsEdit): StoreRecord {
  const { offlinePolicy: _policy, cashTillSession: _cash, ...rest } = store;
  const policy = offlinePolicy === undefined ? store.offlinePolicy : (offlinePolicy ?? undefined);
  const cash = cashTillSession === undefined ? store.cashTillSession : (cashTillSession ?? undefined);
  return { ...rest, name: name ?? store.name, ...(policy ? { offlinePolicy: policy } : {}), ...(cash ? { cashTillSession: cash } : {}) };
}

/** The newest promotion revision the server has given out. */
async function issuedPromotionRevision(tx: SqlExecutor): Promise<number> {
  const row = await tx.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'promotion_revision'`);
  return Number(row?.value ?? 0);
}

/** Every revision of every promotion, as the set stood at `revision`: the newest revision of each id not after it. */
async function promotionsAt(tx: SqlExecutor, revision: number): Promise<Promotion[]> {
  const rows = await tx.all<{ body: string }>(
    `SELECT p.body FROM promotions p
     WHERE p.revision = (SELECT MAX(q.revision) FROM promotions q WHERE q.id = p.id AND q.revision <= ?)
     ORDER BY p.id`,
    [revision],
  );
  return rows.map((row) => JSON.parse(row.body) as Promotion);
}

/**
 * Promotion books by store and revision. An issued revision's set never
 * changes, so its book stays right forever; the few newest are kept, since most
 * sales arrive priced with the current set. Only issued revisions are asked for
 * (see `promotionBook`): a book for one not issued yet would be cached with the
 * wrong set and served again once the revision exists.
 */
class BookCache {
  private readonly books = new Map<string, PromotionBook>();
  constructor(private readonly capacity: number) {}

  async get(storeId: string, revision: number, load: () => Promise<Promotion[]>): Promise<PromotionBook> {
    const key = `${storeId}@${revision}`;
    const cached = this.books.get(key);
    if (cached) return cached;
    const book = createPromotionBook(await load(), storeId, revision);
    this.books.set(key, book);
    if (this.books.size > this.capacity) this.books.delete(this.books.keys().next().value!);
    return book;
  }
}

/**
 * Stores a promotion as a new revision and publishes it to every store it was or
 * now is in: a store it left receives the new revision too, whose store list
 * leaves it out, so its devices stop applying it without a deletion to miss.
 */
async function writePromotion(tx: DeferringExecutor, versions: SyncVersions, storeIds: readonly string[], definition: PromotionDefinition): Promise<Promotion> {
  // Bumped in place: the row stays locked until this commits, so two HQ saves get two revisions, in commit order.
  const counter = await tx.get<{ value: string }>(
    `INSERT INTO meta (key, value) VALUES ('promotion_revision', '1')
     ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT) RETURNING value`,
  );
  const revision = Number(counter!.value);
  const previous = await tx.get<{ body: string }>(`SELECT body FROM promotions WHERE id = ? ORDER BY revision DESC LIMIT 1`, [definition.id]);
  const promotion = { ...definition, revision } as Promotion;
  const body = JSON.stringify(promotion);
  await tx.run(`INSERT INTO promotions (id, revision, body) VALUES (?, ?, ?)`, [promotion.id, revision, body]);
  const inScope = (stores: string[] | null) => (stores === null ? storeIds : stores.filter((id) => storeIds.includes(id)));
  const reached = new Set([...inScope(promotion.stores), ...(previous ? inScope((JSON.parse(previous.body) as Promotion).stores) : [])]);
  await versions.lockAll([...reached]);
  for (const storeId of reached) await putSyncRow(tx, versions, storeId, 'promotion', promotion.id, body);
  return promotion;
}

/** What the ledger keeps between pushes: only what never changes once written, so it is right on every replica. */
type LedgerCaches = { books: BookCache; taxConfigs: Map<string, TaxConfig>; prices: Map<string, CatalogueEntry> };

/** Price versions kept (about 100 bytes each): a few stores' whole catalogues. Past it the cache starts again. */
const PRICE_CACHE_ENTRIES = 200_000;

function ledgerTx(tx: DeferringExecutor, versions: SyncVersions, caches: LedgerCaches): LedgerTx {
  const { books, taxConfigs, prices } = caches;
  // Read once, at its first use: a device names a revision only after pulling it, that is after the revision's
  // transaction committed and before this push's began, so every revision a sale of this push may name is in it.
  let issued: Promise<number> | null = null;
  const issuedRevision = () => (issued ??= issuedPromotionRevision(tx));
  // What this transaction knows of rows it checked or wrote (readAhead, then each insert): ids in use, sales
  // booked, receipt tokens held. Answers from here cost no statement, so the inserts can wait to go together.
  const known = { appliedIds: new Map<string, boolean>(), bookedSales: new Map<string, boolean>(), tokenHolders: new Map<string, string | null>() };
  return {
    async device(deviceId) {
      // Locks the device's row, then its store's counter, until the push commits: a second push from the device
      // waits, then reads the seq this one acknowledged and answers its events as duplicates; and no other write
      // to the store's slice runs between this push's reads and writes of it (SyncVersions).
      const row = await tx.get<DeviceRow>(
        `UPDATE devices SET acked_seq = acked_seq WHERE id = ? RETURNING id, store_id, role, acked_seq, head_hash`,
        [deviceId],
      );
      if (!row) return null;
      await versions.lock(row.store_id);
      return toDevice(row);
    },
    async storeRecord(storeId) {
      // Read, not cached: HQ edits it, and under the store's lock (taken with the device) this read is current,
      // on every replica; one indexed row a push.
      const row = await tx.get<{ record: string }>(`SELECT record FROM stores WHERE id = ?`, [storeId]);
      return row ? (JSON.parse(row.record) as StoreRecord) : null;
    },
    async eventAt(deviceId, seq) {
      return (await tx.get<StoredEvent>(`SELECT hash, status, reason FROM events WHERE device_id = ? AND seq = ?`, [deviceId, seq])) ?? null;
    },
    async readAhead({ eventIds, saleIds, receiptTokens, prices: wanted }) {
      for (const id of eventIds) known.appliedIds.set(id, false);
      for (const chunk of chunks(eventIds)) {
        const rows = await tx.all<{ id: string }>(`SELECT id FROM events WHERE status = 'applied' AND id IN (${chunk.map(() => '?').join(', ')})`, chunk);
        for (const row of rows) known.appliedIds.set(row.id, true);
      }
      for (const id of saleIds) known.bookedSales.set(id, false);
      for (const chunk of chunks(saleIds)) {
        const rows = await tx.all<{ id: string }>(`SELECT id FROM sales WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk);
        for (const row of rows) known.bookedSales.set(row.id, true);
      }
      for (const token of receiptTokens) known.tokenHolders.set(token, null);
      for (const chunk of chunks(receiptTokens)) {
        const rows = await tx.all<{ id: string; receipt_token: string }>(`SELECT id, receipt_token FROM sales WHERE receipt_token IN (${chunk.map(() => '?').join(', ')})`, chunk);
        for (const row of rows) known.tokenHolders.set(row.receipt_token, row.id);
      }
      if (wanted.lines.length > 0) await this.pricesAt(wanted.storeId, wanted.lines);
    },
    async insertAppliedEvent(e) {
      const used = known.appliedIds.get(e.id) ?? (await tx.get(`SELECT 1 AS used FROM events WHERE id = ? AND status = 'applied'`, [e.id])) !== undefined;
      if (used) return false;
      known.appliedIds.set(e.id, true);
      // Checked free above: a concurrent push that took the id since makes the insert write nothing, and the push runs again.
      tx.defer(
        `INSERT INTO events (device_id, seq, id, store_id, type, hlc, hash, body, status, reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'applied', NULL, ?)
         ON CONFLICT (id) WHERE status = 'applied' DO NOTHING`,
        [e.deviceId, e.seq, e.id, e.storeId, e.type, e.hlc, e.hash, e.body, e.receivedAt],
      );
      return true;
    },
    async quarantineEvent(e, reason) {
      tx.defer(
        `INSERT INTO events (device_id, seq, id, store_id, type, hlc, hash, body, status, reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'rejected', ?, ?)`,
        [e.deviceId, e.seq, e.id, e.storeId, e.type, e.hlc, e.hash, e.body, reason, e.receivedAt],
      );
    },
    async markQuarantined(deviceId, seq, reason) {
      const row = await tx.get<{ id: string }>(`UPDATE events SET status = 'rejected', reason = ? WHERE device_id = ? AND seq = ? RETURNING id`, [reason, deviceId, seq]);
      // Its id is free again for an applied event.
      if (row) known.appliedIds.set(row.id, false);
    },
    async recordDeviceReport(deviceId, report, at) {
      await tx.run(`UPDATE devices SET reported_head_seq = ?, clock_offset_ms = ?, oldest_unsent_at = ?, reported_at = ? WHERE id = ?`, [
        report.headSeq,
        report.clockOffsetMs,
        report.oldestUnsentAt,
        at,
        deviceId,
      ]);
    },
    async advanceDevice(deviceId, ackedSeq, headHash, at) {
      await tx.run(`UPDATE devices SET acked_seq = ?, head_hash = ?, last_push_at = ? WHERE id = ?`, [ackedSeq, headHash, at, deviceId]);
    },
    async insertSale(sale, lines, discounts, tenders) {
      const booked = known.bookedSales.get(sale.id) ?? (await tx.get(`SELECT 1 AS booked FROM sales WHERE id = ?`, [sale.id])) !== undefined;
      if (booked) return false;
      known.bookedSales.set(sale.id, true);
      if (sale.receiptToken !== null) known.tokenHolders.set(sale.receiptToken, sale.id);
      // Held back with the push's other inserts, the sale before its lines and tenders, which name it.
      tx.defer(
        `INSERT INTO sales (id, event_id, store_id, device_id, staff_id, receipt_number, currency, subtotal, discount_total, tax, total,
                            promotions_revision, tax_config_version, tax_exemption_certificate, completed_at, hlc, receipt_token)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [
          sale.id,
          sale.eventId,
          sale.storeId,
          sale.deviceId,
          sale.staffId,
          sale.receiptNumber,
          sale.currency,
          sale.subtotal,
          sale.discountTotal,
          sale.tax,
          sale.total,
          sale.promotionsRevision,
          sale.taxConfigVersion,
          sale.taxExemptionCertificate,
          sale.completedAt,
          sale.hlc,
          sale.receiptToken,
        ],
      );
      for (const line of lines) {
        tx.defer(`INSERT INTO sale_lines (sale_id, line_no, store_id, hlc, sku, name, quantity, unit_price, tax_category, line_total, discount, tax) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
          sale.id,
          line.lineNo,
          sale.storeId,
          sale.hlc,
          line.sku,
          line.name,
          line.quantity,
          line.unitPrice,
          line.taxCategory,
          line.lineTotal,
          line.discount,
          line.tax,
        ]);
      }
      for (const d of discounts) {
        tx.defer(`INSERT INTO sale_discounts (sale_id, discount_no, label, amount, promotion_id, promotion_revision, coupon, approved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
          sale.id,
          d.discountNo,
          d.label,
          d.amount,
          d.promotionId,
          d.promotionRevision,
          d.coupon,
          d.approvedBy,
        ]);
      }
      for (const tender of tenders) {
        tx.defer(`INSERT INTO tenders (sale_id, tender_no, kind, amount, tendered, change_given) VALUES (?, ?, ?, ?, ?, ?)`, [
          sale.id,
          tender.tenderNo,
          tender.kind,
          tender.amount,
          tender.tendered,
          tender.change,
        ]);
      }
      return true;
    },
    async saleWithReceiptToken(token) {
      if (known.tokenHolders.has(token)) return known.tokenHolders.get(token)!;
      const holder = (await tx.get<{ id: string }>(`SELECT id FROM sales WHERE receipt_token = ?`, [token]))?.id ?? null;
      known.tokenHolders.set(token, holder);
      return holder;
    },
    async promotionBook(storeId, revision) {
      if (revision > (await issuedRevision())) return null;
      return books.get(storeId, revision, () => promotionsAt(tx, revision));
    },
    issuedPromotionRevision: issuedRevision,
    async pricesAt(storeId, lines) {
      // A price version never changes once written: what was read stays right, on every replica. Most sales of a
      // push name prices another sale read already, so only the rest cost a statement.
      const found = new Map<string, CatalogueEntry>();
      const missing = lines.filter((line) => {
        const entry = prices.get(`${storeId}/${line.sku}@${line.version}`);
        if (entry) found.set(`${line.sku}@${line.version}`, entry);
        return !entry;
      });
      if (missing.length === 0) return found;
      // A statement per 250 lines left, each SKU and version named once and the rows matched in pairs here: a
      // range of the primary key on both engines, where `(sku, version) IN (VALUES …)` has untyped parameters
      // Postgres cannot compare, and a chain of ORs makes SQLite scan the store's prices.
      const wanted = new Set(missing.map((line) => `${line.sku}@${line.version}`));
      for (const some of chunks(missing, 250)) {
        const skus = [...new Set(some.map((line) => line.sku))];
        const versions = [...new Set(some.map((line) => line.version))];
        const rows = await tx.all<{ sku: string; version: number; price: number; category: string; tax_category: string }>(
          `SELECT sku, version, price, category, tax_category FROM prices
           WHERE store_id = ? AND sku IN (${skus.map(() => '?').join(', ')}) AND version IN (${versions.map(() => '?').join(', ')})`,
          [storeId, ...skus, ...versions],
        );
        for (const row of rows) {
          const key = `${row.sku}@${Number(row.version)}`;
          if (!wanted.has(key)) continue;
          const entry = { price: Number(row.price), category: row.category, taxCategory: row.tax_category };
          found.set(key, entry);
          if (prices.size >= PRICE_CACHE_ENTRIES) prices.clear();
          prices.set(`${storeId}/${key}`, entry);
        }
      }
      return found;
    },
    async taxConfig(storeId, version) {
      // A version's rules never change once stored: keep what was found.
      const key = `${storeId}@${version}`;
      const cached = taxConfigs.get(key);
      if (cached) return cached;
      const row = await tx.get<{ config: string }>(`SELECT config FROM tax_configs WHERE store_id = ? AND version = ?`, [storeId, version]);
      if (!row) return null;
      const config = JSON.parse(row.config) as TaxConfig;
      taxConfigs.set(key, config);
      return config;
    },
    async redeemCoupon(code, saleId, storeId) {
      const claimed = await tx.run(`INSERT INTO coupon_redemptions (code, sale_id, store_id) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING`, [code, saleId, storeId]);
      if (claimed.changes === 1) return null;
      const holder = await tx.get<{ sale_id: string; store_id: string; receipt_number: string; hlc: string; amount: number }>(
        `SELECT r.sale_id, r.store_id, s.receipt_number, s.hlc,
                (SELECT COALESCE(SUM(d.amount), 0) FROM sale_discounts d WHERE d.sale_id = r.sale_id AND UPPER(TRIM(d.coupon)) = r.code) AS amount
         FROM coupon_redemptions r JOIN sales s ON s.id = r.sale_id WHERE r.code = ?`,
        [code],
      );
      if (!holder) throw new Error(`coupon ${code} is redeemed by a sale that is not booked`);
      return { saleId: holder.sale_id, storeId: holder.store_id, receiptNumber: holder.receipt_number, hlc: holder.hlc, amount: Number(holder.amount) };
    },
    async moveRedemption(code, from, to) {
      // Only from the holder this push read: each store's pushes take turns, but two stores' may both have read it.
      const moved = await tx.run(`UPDATE coupon_redemptions SET sale_id = ?, store_id = ? WHERE code = ? AND sale_id = ?`, [to.saleId, to.storeId, code, from]);
      if (moved.changes !== 1) throw new ChangedUnderneath(`coupon ${code} changed hands while this push decided who keeps it`);
    },
    async recordVariance(saleId, field, deviceValue, serverValue) {
      // One variance per field: field names quote whatever the device sent, so two can only clash by repeating each other.
      await tx.run(`INSERT INTO sale_variances (sale_id, field, device_value, server_value) VALUES (?, ?, ?, ?) ON CONFLICT (sale_id, field) DO NOTHING`, [
        saleId,
        field,
        deviceValue,
        serverValue,
      ]);
    },
    async insertReturn(row, tenders) {
      const booked = await tx.run(
        `INSERT INTO returns (id, event_id, kind, store_id, device_id, staff_id, approved_by, sale_id, receipt_number, total, tax, reason, completed_at, hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [row.id, row.eventId, row.kind, row.storeId, row.deviceId, row.staffId, row.approvedBy, row.saleId, row.receiptNumber, row.total, row.tax, row.reason, row.completedAt, row.hlc],
      );
      if (booked.changes === 0) return false;
      for (const [index, tender] of tenders.entries()) {
        tx.defer(`INSERT INTO return_tenders (return_id, tender_no, kind, amount) VALUES (?, ?, ?, ?)`, [row.id, index + 1, tender.kind, tender.amount]);
      }
      return true;
    },
    async staffRole(storeId, staffId) {
      const row = await tx.get<{ value: string }>(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'staff' AND key = ? AND deleted = 0`, [storeId, staffId]);
      return row ? (JSON.parse(row.value) as StaffRecord).role : null;
    },
    async currentPrice(storeId, sku) {
      const row = await tx.get<{ price: number; version: number; category: string; tax_category: string }>(
        `SELECT price, version, category, tax_category FROM prices WHERE store_id = ? AND sku = ? ORDER BY version DESC LIMIT 1`,
        [storeId, sku],
      );
      return row ? { price: Number(row.price), version: Number(row.version), category: row.category, taxCategory: row.tax_category } : null;
    },
    async adjustStock(storeId, deltas) {
      const onHand = new Map<string, number>();
      const levels: StockRecord[] = [];
      // One statement for many SKUs (a push moves hundreds), each joined to its row by the primary key. VALUES
      // columns are column1, column2 on both engines; the casts give Postgres their types.
      for (const chunk of chunks([...deltas])) {
        const rows = await tx.all<{ sku: string; on_hand: number; aisle: string; bin: string }>(
          `UPDATE stock SET on_hand = stock.on_hand + v.column2
           FROM (VALUES ${chunk.map(() => '(CAST(? AS TEXT), CAST(? AS BIGINT))').join(', ')}) AS v
           WHERE stock.store_id = ? AND stock.sku = v.column1
           RETURNING stock.sku, stock.on_hand, stock.aisle, stock.bin`,
          [...chunk.flat(), storeId],
        );
        for (const row of rows) {
          onHand.set(row.sku, Number(row.on_hand));
          levels.push({ sku: row.sku, onHand: Number(row.on_hand), aisle: row.aisle, bin: row.bin });
        }
      }
      for (const level of levels) await putSyncRow(tx, versions, storeId, 'stock', level.sku, JSON.stringify(level));
      return { unknown: [...deltas.keys()].filter((sku) => !onHand.has(sku)), onHand };
    },
    async oversoldUnits(storeId, sku) {
      const row = await tx.get<{ units: number }>(`SELECT COALESCE(SUM(quantity), 0) AS units FROM conflicts WHERE store_id = ? AND kind = 'oversell' AND subject = ?`, [storeId, sku]);
      return Number(row?.units ?? 0);
    },
    async salesOfSku(storeId, sku, offset, limit) {
      // From the SKU's own index range, not from the store's sales: a rarely sold SKU must not scan all history.
      const rows = await tx.all<{ sale_id: string; receipt_number: string; hlc: string; name: string; quantity: number; oversold: number }>(
        `SELECT l.sale_id, l.hlc, MIN(l.name) AS name, SUM(l.quantity) AS quantity,
                (SELECT s.receipt_number FROM sales s WHERE s.id = l.sale_id) AS receipt_number,
                (SELECT COALESCE(SUM(c.quantity), 0) FROM conflicts c WHERE c.sale_id = l.sale_id AND c.subject = l.sku AND c.kind = 'oversell') AS oversold
         FROM sale_lines l WHERE l.store_id = ? AND l.sku = ?
         GROUP BY l.sale_id, l.hlc, l.sku ORDER BY l.hlc DESC LIMIT ? OFFSET ?`,
        [storeId, sku, limit, offset],
      );
      return rows.map((row) => ({ saleId: row.sale_id, receiptNumber: row.receipt_number, hlc: row.hlc, name: row.name, quantity: Number(row.quantity), oversold: Number(row.oversold) }));
    },
    async recordConflict(storeId, conflict) {
      const record = JSON.stringify(conflict);
      const [subject, quantity] =
        conflict.kind === 'oversell' ? [conflict.sku, conflict.quantity] : conflict.kind === 'return_duplicate' ? [`${conflict.saleId}/${conflict.line}`, conflict.quantity] : [conflict.code, 1];
      // A conflict worked out again (a return charged more units by a late claim) is updated in place under its id.
      await tx.run(
        `INSERT INTO conflicts (id, store_id, kind, sale_id, subject, quantity, record) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET quantity = excluded.quantity, record = excluded.record`,
        [
          conflict.id,
          storeId,
          conflict.kind,
          conflict.saleId,
          subject,
          quantity,
          record,
        ],
      );
      await putSyncRow(tx, versions, storeId, 'conflict', conflict.id, record);
    },
    async raiseAlarm(alarm) {
      await tx.run(`INSERT INTO alarms (kind, store_id, device_id, seq, detail, body, at) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        alarm.kind,
        alarm.storeId,
        alarm.deviceId,
        alarm.seq,
        alarm.detail,
        alarm.body ?? null,
        alarm.at,
      ]);
    },
    async sliceRecord(storeId, entity, key) {
      return (await readVersioned<never>(tx, storeId, entity, key))?.value ?? null;
    },
    async saveSliceRecord(storeId, entity, key, record) {
      await putSyncRow(tx, versions, storeId, entity, key, JSON.stringify(record));
    },
    async scarceSkus(storeId) {
      return (await tx.all<{ sku: string }>(`SELECT sku FROM scarce_products WHERE store_id = ? ORDER BY sku`, [storeId])).map((row) => row.sku);
    },
    async allotments(storeId, sku) {
      const rows = await tx.all<{ device_id: string; units: number; as_of_seq: number }>(
        `SELECT device_id, units, as_of_seq FROM allotments WHERE store_id = ? AND sku = ? ORDER BY device_id`,
        [storeId, sku],
      );
      return rows.map((row) => ({ deviceId: row.device_id, units: Number(row.units), asOfSeq: Number(row.as_of_seq) }));
    },
    async saveAllotment(storeId, sku, allotment, at) {
      await tx.run(
        `INSERT INTO allotments (store_id, sku, device_id, units, as_of_seq, granted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (store_id, sku, device_id) DO UPDATE SET units = excluded.units, as_of_seq = excluded.as_of_seq, granted_at = excluded.granted_at`,
        [storeId, sku, allotment.deviceId, allotment.units, allotment.asOfSeq, at],
      );
      const record: AllotmentRecord = { id: `${allotment.deviceId}/${sku}`, deviceId: allotment.deviceId, sku, units: allotment.units, asOfSeq: allotment.asOfSeq, grantedAt: at };
      await putSyncRow(tx, versions, storeId, 'allotment', record.id, JSON.stringify(record));
    },
    async onHand(storeId, sku) {
      const row = await tx.get<{ on_hand: number }>(`SELECT on_hand FROM stock WHERE store_id = ? AND sku = ?`, [storeId, sku]);
      return row ? Number(row.on_hand) : null;
    },
    async deviceCount(storeId) {
      return Number((await tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM devices WHERE store_id = ?`, [storeId]))?.n ?? 0);
    },
    async alarmBody(kind, deviceId, seq) {
      const row = await tx.get<{ body: string | null }>(`SELECT body FROM alarms WHERE kind = ? AND device_id = ? AND seq = ? LIMIT 1`, [kind, deviceId, seq]);
      return row ? (row.body ?? '') : null;
    },
    async deviceQueue(deviceId) {
      const row = await tx.get<{ reported_head_seq: number | null; oldest_unsent_at: number | null; clock_offset_ms: number | null }>(
        `SELECT reported_head_seq, oldest_unsent_at, clock_offset_ms FROM devices WHERE id = ?`,
        [deviceId],
      );
      const number = (value: number | null | undefined) => (value == null ? null : Number(value));
      return { reportedHeadSeq: number(row?.reported_head_seq), oldestUnsentAt: number(row?.oldest_unsent_at), clockOffsetMs: number(row?.clock_offset_ms) };
    },
    async moveDeviceHead(deviceId, ackedSeq, headHash) {
      await tx.run(`UPDATE devices SET acked_seq = ?, head_hash = ? WHERE id = ?`, [ackedSeq, headHash, deviceId]);
    },
  };
}

export function createSqlStore(db: SqlDriver): ServerStore {
  const caches: LedgerCaches = { books: new BookCache(16), taxConfigs: new Map(), prices: new Map() };

  /** Names this process in its broadcasts, so it does not poke its own watchers twice. */
  const origin = randomUUID();
  const watchers = new Map<string, Set<(cursor: number) => void>>();
  const poke = (storeId: string, cursor: number) => {
    for (const watcher of watchers.get(storeId) ?? []) {
      try {
        watcher(cursor);
      } catch (error) {
        // The write stands; a watcher that fails (a stream gone bad) must not turn it into an error.
        console.error(`a watcher of store ${storeId} failed`, error);
      }
    }
  };
  /** A change committed by another server process on this database (or this one, which has heard it already). */
  const heard = (message: string) => {
    const change = parseChange(message);
    if (!change || change.from === origin) return;
    poke(change.store, change.cursor);
  };

  const inTransaction = async <T>(work: (tx: DeferringExecutor, versions: SyncVersions) => Promise<T>): Promise<T> => {
    let versions: SyncVersions | null = null;
    const result = await db.transaction(async (driverTx) => {
      const tx = deferringExecutor(driverTx);
      versions = new SyncVersions(tx);
      const value = await work(tx, versions);
      await tx.flush();
      await versions.flush();
      // Delivered to the other replicas when this commits, and never if it rolls back.
      if (db.broadcast) {
        for (const [store, cursor] of versions.newest) {
          const change: SliceChange = { from: origin, store, cursor };
          await db.broadcast.publish(tx, JSON.stringify(change));
        }
      }
      return value;
    });
    // Committed: now, and only now, a device may pull what changed.
    const committed = versions as SyncVersions | null;
    for (const [storeId, cursor] of committed?.newest ?? []) poke(storeId, cursor);
    return result;
  };

  const { migrationLock } = dialectSql(db.dialect);

  /** Throws, naming it, for a layout this server cannot bring to today's. */
  const refuseLayout = (layout: number) => {
    if (layout > SCHEMA_VERSION) {
      throw new Error(`the database was made by a newer Storeside (data layout ${layout}; this one uses ${SCHEMA_VERSION}). Run that release, or a newer one.`);
    }
    if (layout < OLDEST_MIGRATABLE_LAYOUT) {
      throw new Error(`the database was made by a Storeside with data layout ${layout}; this one uses ${SCHEMA_VERSION} and upgrades layouts ${OLDEST_MIGRATABLE_LAYOUT} and later. Move the data directory aside to start afresh.`);
    }
  };

  return {
    async open() {
      // The layout is read before any DDL: a file too old to upgrade is named and left as it was. A table that is
      // not there yet (a new file) reads as nothing.
      const absentAsNothing = <T>(read: Promise<T | undefined>) => read.catch(() => undefined);
      const stored = await absentAsNothing(db.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`));
      const seeded = (await absentAsNothing(db.get(`SELECT 1 AS seeded FROM stores LIMIT 1`))) !== undefined;
      const found = Number(stored?.value ?? (seeded ? 1 : SCHEMA_VERSION));
      refuseLayout(found);
      await db.transaction(async (tx) => {
        if (migrationLock) await tx.get(migrationLock);
        // Read again inside the transaction: another server on this file may have upgraded it meanwhile. A new file
        // has no meta to read (a failed statement would end a Postgres transaction): its layout is today's anyway.
        const now = stored ? await tx.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`) : undefined;
        const layout = Number(now?.value ?? found);
        refuseLayout(layout);
        for (const step of MIGRATIONS) if (step.to > layout) await tx.exec(step.sql);
        await tx.exec(schemaSql(db.dialect));
        await tx.run(`INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(SCHEMA_VERSION)]);
      });
      await db.broadcast?.subscribe(heard);
    },

    async isSeeded() {
      return (await db.get(`SELECT 1 AS seeded FROM stores LIMIT 1`)) !== undefined;
    },

    seed: (retailer: RetailerSeed) =>
      inTransaction(async (tx, versions) => {
        // First, and kept until commit: of two servers seeding one new database at once, the second waits here,
        // then finds the token written and leaves the retailer the first made.
        const claimed = await tx.run(`INSERT INTO meta (key, value) VALUES ('hq_token_hash', ?) ON CONFLICT (key) DO NOTHING`, [retailer.hqTokenHash]);
        if (claimed.changes === 0) return false;
        for (const slice of retailer.stores) {
          const storeId = slice.store.id;
          await tx.run(`INSERT INTO stores (id, record) VALUES (?, ?)`, [storeId, JSON.stringify(slice.store)]);
          await tx.run(`INSERT INTO store_versions (store_id, version) VALUES (?, 0)`, [storeId]);
          await tx.run(`INSERT INTO tax_configs (store_id, version, config) VALUES (?, ?, ?)`, [storeId, slice.store.taxConfig.version, JSON.stringify(slice.store.taxConfig)]);
          await putSyncRow(tx, versions, storeId, 'store', storeId, JSON.stringify(slice.store));
          for (const member of slice.staff) await putSyncRow(tx, versions, storeId, 'staff', member.id, JSON.stringify(member));
          for (const product of slice.products) await putSyncRow(tx, versions, storeId, 'product', product.sku, JSON.stringify(product));
          for (const account of slice.storedValues ?? []) await putSyncRow(tx, versions, storeId, 'stored_value', account.id, JSON.stringify(account));
          for (const customer of slice.customers ?? []) await putSyncRow(tx, versions, storeId, 'customer', customer.id, JSON.stringify(customer));
          for (const product of slice.products) {
            tx.defer(`INSERT INTO prices (store_id, sku, version, price, category, tax_category) VALUES (?, ?, ?, ?, ?, ?)`, [
              storeId,
              product.sku,
              product.priceVersion,
              product.price,
              product.category,
              product.taxCategory,
            ]);
          }
          for (const level of slice.stock) {
            tx.defer(`INSERT INTO stock (store_id, sku, on_hand, aisle, bin) VALUES (?, ?, ?, ?, ?)`, [storeId, level.sku, level.onHand, level.aisle, level.bin]);
            await putSyncRow(tx, versions, storeId, 'stock', level.sku, JSON.stringify(level));
          }
        }
        const storeIds = retailer.stores.map((slice) => slice.store.id);
        for (const definition of retailer.promotions) await writePromotion(tx, versions, storeIds, definition);
        for (const code of retailer.enrollmentCodes) {
          tx.defer(`INSERT INTO enrollment_codes (code_hash, store_id, role) VALUES (?, ?, ?)`, [code.codeHash, code.storeId, code.role]);
        }
        return true;
      }),

    async isHqToken(tokenHash) {
      const row = await db.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'hq_token_hash'`);
      return row !== undefined && row.value === tokenHash;
    },

    savePromotion: (definition) =>
      inTransaction(async (tx, versions) => {
        const storeIds = (await tx.all<{ id: string }>(`SELECT id FROM stores ORDER BY id`)).map((row) => row.id);
        return writePromotion(tx, versions, storeIds, definition);
      }),

    setPrice: (storeId, sku, price) =>
      inTransaction(async (tx, versions) => {
        // Held before the reads: a second price change of the store waits, then reads this one's version.
        if (!(await versions.lock(storeId))) return null;
        const row = await tx.get<{ value: string }>(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'product' AND key = ? AND deleted = 0`, [storeId, sku]);
        if (!row) return null;
        const current = JSON.parse(row.value) as ProductRecord;
        const newest = await tx.get<{ version: number }>(`SELECT MAX(version) AS version FROM prices WHERE store_id = ? AND sku = ?`, [storeId, sku]);
        const product: ProductRecord = { ...current, price, priceVersion: Math.max(current.priceVersion, Number(newest?.version ?? 0)) + 1 };
        await tx.run(`INSERT INTO prices (store_id, sku, version, price, category, tax_category) VALUES (?, ?, ?, ?, ?, ?)`, [
          storeId,
          sku,
          product.priceVersion,
          price,
          product.category,
          product.taxCategory,
        ]);
        await putSyncRow(tx, versions, storeId, 'product', sku, JSON.stringify(product));
        return product;
      }),

    product: (storeId, sku) => readVersioned<ProductRecord>(db, storeId, 'product', sku),
    renameProduct: (storeId, sku, version, name) =>
      inTransaction((tx, versions) => editVersioned<ProductRecord>(tx, versions, storeId, 'product', sku, version, (product) => ({ ...product, name }))),
    storeSettings: (storeId) => readVersioned<StoreRecord>(db, storeId, 'store', storeId),
    editStore: (storeId, version, edit) =>
      inTransaction(async (tx, versions) => {
        const edited = await editVersioned<StoreRecord>(tx, versions, storeId, 'store', storeId, version, (store) => withSettings(store, edit));
        if (edited.kind === 'saved') await tx.run(`UPDATE stores SET record = ? WHERE id = ?`, [JSON.stringify(edited.record.value), storeId]);
        return edited;
      }),

    setScarce: (storeId, sku, scarce, now) =>
      inTransaction(async (tx, versions) => {
        if (!(await versions.lock(storeId))) return false;
        const known = await tx.get(`SELECT 1 AS known FROM sync_rows WHERE store_id = ? AND entity = 'product' AND key = ? AND deleted = 0`, [storeId, sku]);
        if (!known) return false;
        if (scarce) {
          await tx.run(`INSERT INTO scarce_products (store_id, sku) VALUES (?, ?) ON CONFLICT (store_id, sku) DO NOTHING`, [storeId, sku]);
          const ledger = ledgerTx(tx, versions, caches);
          const devices = await tx.all<{ id: string; acked_seq: number }>(`SELECT id, acked_seq FROM devices WHERE store_id = ? ORDER BY id`, [storeId]);
          for (const device of devices) await grantAllotments(ledger, storeId, device.id, Number(device.acked_seq), new Map(), now);
          return true;
        }
        await tx.run(`DELETE FROM scarce_products WHERE store_id = ? AND sku = ?`, [storeId, sku]);
        const granted = await tx.all<{ device_id: string }>(`DELETE FROM allotments WHERE store_id = ? AND sku = ? RETURNING device_id`, [storeId, sku]);
        for (const { device_id } of granted) await deleteSyncRow(tx, versions, storeId, 'allotment', `${device_id}/${sku}`);
        return true;
      }),

    async refreshAllotments(deviceId, now) {
      const device = await db.get<{ store_id: string; acked_seq: number }>(
        `SELECT d.store_id, d.acked_seq FROM devices d WHERE d.id = ? AND EXISTS (SELECT 1 FROM scarce_products p WHERE p.store_id = d.store_id)`,
        [deviceId],
      );
      // Most stores have nothing scarce: no write transaction for their pulls.
      if (!device) return;
      await inTransaction(async (tx, versions) => {
        // The store first, as a push takes it: the grant reads the allotments it then rewrites.
        await versions.lock(device.store_id);
        // The seq as of now: a push of this device may have committed since the read above.
        const ackedSeq = (await tx.get<{ acked_seq: number }>(`SELECT acked_seq FROM devices WHERE id = ?`, [deviceId]))!.acked_seq;
        await grantAllotments(ledgerTx(tx, versions, caches), device.store_id, deviceId, Number(ackedSeq), new Map(), now);
      });
    },

    async storeIds() {
      return (await db.all<{ id: string }>(`SELECT id FROM stores ORDER BY id`)).map((row) => row.id);
    },

    async categoriesOf(skus) {
      const categories = new Map<string, string>();
      for (let start = 0; start < skus.length; start += 500) {
        const chunk = skus.slice(start, start + 500);
        const rows = await db.all<{ key: string; value: string }>(
          `SELECT key, value FROM sync_rows WHERE entity = 'product' AND deleted = 0 AND key IN (${new Array(chunk.length).fill('?').join(', ')})`,
          chunk,
        );
        for (const row of rows) categories.set(row.key, (JSON.parse(row.value) as ProductRecord).category);
      }
      return categories;
    },

    async currentPromotions() {
      // Read outside a transaction: a write between the two reads only adds a revision the set does not include yet.
      const revision = await db.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'promotion_revision'`);
      return promotionsAt(db, Number(revision?.value ?? 0));
    },

    async devices(storeId) {
      const rows = await db.all<{
        id: string;
        role: string;
        enrolled_at: number;
        acked_seq: number;
        last_push_at: number | null;
        reported_head_seq: number | null;
        clock_offset_ms: number | null;
        oldest_unsent_at: number | null;
        reported_at: number | null;
      }>(
        `SELECT id, role, enrolled_at, acked_seq, last_push_at, reported_head_seq, clock_offset_ms, oldest_unsent_at, reported_at
         FROM devices WHERE store_id = ? ORDER BY enrolled_at, id`,
        [storeId],
      );
      const n = (value: number | null) => (value === null ? null : Number(value));
      return rows.map((row) => ({
        id: row.id,
        role: row.role,
        enrolledAt: Number(row.enrolled_at),
        ackedSeq: Number(row.acked_seq),
        lastPushAt: n(row.last_push_at),
        reportedHeadSeq: n(row.reported_head_seq),
        clockOffsetMs: n(row.clock_offset_ms),
        oldestUnsentAt: n(row.oldest_unsent_at),
        reportedAt: n(row.reported_at),
      }));
    },

    async variances(storeId) {
      const rows = await db.all<{ sale_id: string; receipt_number: string; field: string; device_value: number; server_value: number; completed_at: number }>(
        `SELECT v.sale_id, s.receipt_number, v.field, v.device_value, v.server_value, s.completed_at
         FROM sale_variances v JOIN sales s ON s.id = v.sale_id WHERE s.store_id = ? ORDER BY s.hlc, v.field`,
        [storeId],
      );
      return rows.map((row) => ({
        saleId: row.sale_id,
        receiptNumber: row.receipt_number,
        field: row.field,
        deviceValue: Number(row.device_value),
        serverValue: Number(row.server_value),
        completedAt: Number(row.completed_at),
      }));
    },

    async tillSessionEvents(deviceId, sessionId) {
      // A device opens a few sessions a day: read its openings to find this one's seq.
      // Every event the till journaled, quarantined ones too: the drawer's cash moved whether or not the ledger
      // could book the event (a refund approved by someone no longer a manager), and the till's own report counts it.
      const openings = await db.all<{ seq: number; body: string }>(`SELECT seq, body FROM events WHERE device_id = ? AND type = 'till.opened' ORDER BY seq`, [deviceId]);
      const opened = openings.find((row) => (JSON.parse(row.body) as Extract<StoreEvent, { type: 'till.opened' }>).payload.sessionId === sessionId);
      if (!opened) return null;
      const next = openings.find((row) => Number(row.seq) > Number(opened.seq));
      const rows = await db.all<{ body: string }>(
        `SELECT body FROM events WHERE device_id = ? AND seq >= ? AND seq < ? ORDER BY seq`,
        [deviceId, opened.seq, next ? next.seq : Number.MAX_SAFE_INTEGER],
      );
      return rows.map((row) => JSON.parse(row.body) as StoreEvent);
    },

    async tillSessions(storeId, { fromHlc, toHlc }) {
      type Row = { device_id: string; seq: number; body: string };
      const tillEvent = (row: Row): TillEvent => {
        const event = JSON.parse(row.body) as StoreEvent;
        if (!isTillEvent(event)) throw new Error(`event ${row.device_id}/${row.seq} is not a till opening or closing`);
        return event;
      };
      // `type IN ('till.opened', 'till.closed')` below is the partial index events_till's condition,
      // written out word for word so that SQLite's planner sees the query implies it.
      const inWindow = await db.all<Row>(
        `SELECT device_id, seq, body FROM events WHERE store_id = ? AND type IN ('till.opened', 'till.closed') AND hlc >= ? AND hlc < ? ORDER BY device_id, seq`,
        [storeId, fromHlc, toHlc],
      );
      const devices = await db.all<{ id: string; role: string }>(`SELECT id, role FROM devices WHERE store_id = ? ORDER BY id`, [storeId]);
      const sessions: StoreTillSession[] = [];
      for (const device of devices) {
        const events = inWindow.filter((row) => row.device_id === device.id).map(tillEvent);
        // A session already open as the window begins: the device's last opening or closing before it is an opening.
        const before = await db.get<Row>(
          `SELECT device_id, seq, body FROM events WHERE device_id = ? AND type IN ('till.opened', 'till.closed') AND hlc < ? ORDER BY seq DESC LIMIT 1`,
          [device.id, fromHlc],
        );
        const opening = before ? tillEvent(before) : null;
        if (opening?.type === 'till.opened') events.unshift(opening);
        if (events.length === 0) continue;
        // The device's newest session may end after the window, or not yet: read its next till events until one ends it.
        let spans = tillSessionSpans(events);
        while (spans.at(-1)?.endSeq === null) {
          const next = await db.get<Row>(
            `SELECT device_id, seq, body FROM events WHERE device_id = ? AND type IN ('till.opened', 'till.closed') AND seq > ? ORDER BY seq LIMIT 1`,
            [device.id, events.at(-1)!.seq],
          );
          if (!next) break;
          events.push(tillEvent(next));
          spans = tillSessionSpans(events);
        }
        for (const span of spans) if (spanOverlaps(span, fromHlc, toHlc)) sessions.push({ deviceId: device.id, role: device.role, span });
      }
      return sessions;
    },

    async deviceEvents(deviceId, fromSeq, throughSeq) {
      // Quarantined events too, as tillSessionEvents reads them: the till journaled them, and its cash moved.
      const rows = await db.all<{ body: string }>(`SELECT body FROM events WHERE device_id = ? AND seq >= ? AND seq <= ? ORDER BY seq`, [
        deviceId,
        fromSeq,
        throughSeq ?? Number.MAX_SAFE_INTEGER,
      ]);
      return rows.map((row) => JSON.parse(row.body) as StoreEvent);
    },

    async storeEvents(storeId, types, { fromHlc, toHlc }) {
      if (types.length === 0) return [];
      const rows = await db.all<{ body: string; status: string }>(
        `SELECT body, status FROM events WHERE store_id = ? AND type IN (${types.map(() => '?').join(', ')}) AND hlc >= ? AND hlc < ? ORDER BY hlc`,
        [storeId, ...types, fromHlc, toHlc],
      );
      return rows.map((row): HeldEvent => ({ event: JSON.parse(row.body) as StoreEvent, status: row.status === 'applied' ? 'applied' : 'rejected' }));
    },

    async digitalReceipt(token) {
      const row = await db.get<{ id: string; body: string; record: string }>(
        `SELECT s.id, e.body, st.record FROM sales s
         JOIN events e ON e.id = s.event_id AND e.status = 'applied'
         JOIN stores st ON st.id = s.store_id
         WHERE s.receipt_token = ?`,
        [token],
      );
      if (!row) return null;
      // Returns and post-voids of the sale, from any till, found through the ledger's index of them.
      const followUps = await db.all<{ body: string }>(
        `SELECT e.body FROM returns r JOIN events e ON e.id = r.event_id AND e.status = 'applied' WHERE r.sale_id = ? ORDER BY r.hlc`,
        [row.id],
      );
      return { store: JSON.parse(row.record) as StoreRecord, sale: JSON.parse(row.body) as StoreEvent, followUps: followUps.map((event) => JSON.parse(event.body) as StoreEvent) };
    },

    async auditEvents(storeId, range, limit) {
      // Every event with an audit entry names the manager who approved it (audit.ts), so "approvedBy" in the
      // canonical body narrows the scan to them without JSON functions, through the partial index events_audited
      // (its condition is repeated here word for word so the planner uses it); auditEntries decides.
      const rows = await db.all<{ body: string }>(
        `SELECT body FROM events
         WHERE store_id = ? AND status = 'applied' AND type IN (${AUDITED_EVENT_TYPES.map(() => '?').join(', ')})
           AND hlc >= ? AND hlc < ? AND body LIKE '%"approvedBy":%'
         ORDER BY hlc DESC LIMIT ?`,
        [storeId, ...AUDITED_EVENT_TYPES, range.fromHlc, range.beforeHlc, limit],
      );
      return rows.map((row) => JSON.parse(row.body) as StoreEvent);
    },

    async staffNames(storeId) {
      const rows = await db.all<{ key: string; value: string }>(`SELECT key, value FROM sync_rows WHERE store_id = ? AND entity = 'staff' AND deleted = 0`, [storeId]);
      return new Map(rows.map((row) => [row.key, (JSON.parse(row.value) as { name: string }).name]));
    },

    async alarms(storeId) {
      const rows = await db.all<{ kind: string; device_id: string | null; seq: number | null; detail: string; at: number }>(
        `SELECT kind, device_id, seq, detail, at FROM alarms WHERE store_id = ? ORDER BY id DESC LIMIT 500`,
        [storeId],
      );
      return rows.map((row) => ({ kind: row.kind, deviceId: row.device_id, seq: row.seq === null ? null : Number(row.seq), detail: row.detail, at: Number(row.at) }));
    },

    settleLostJournal: (deviceId, deviceHeadSeq, now) =>
      inTransaction((tx, versions) => settleLostJournal(ledgerTx(tx, versions, caches), deviceId, deviceHeadSeq, now)),

    enrollDevice: (codeHash, device) =>
      db.transaction(async (tx) => {
        const code = await tx.get<{ store_id: string; role: string }>(
          `UPDATE enrollment_codes SET used_by_device = ?, used_at = ? WHERE code_hash = ? AND used_by_device IS NULL RETURNING store_id, role`,
          [device.id, device.at, codeHash],
        );
        if (!code) return null;
        await tx.run(`INSERT INTO devices (id, store_id, role, token_hash, enrolled_at, acked_seq, head_hash) VALUES (?, ?, ?, ?, ?, 0, ?)`, [
          device.id,
          code.store_id,
          code.role,
          device.tokenHash,
          device.at,
          GENESIS_HASH,
        ]);
        return { storeId: code.store_id, role: code.role };
      }),

    async deviceByTokenHash(tokenHash) {
      const row = await db.get<DeviceRow>(`SELECT id, store_id, role, acked_seq, head_hash FROM devices WHERE token_hash = ?`, [tokenHash]);
      return row ? toDevice(row) : null;
    },

    async ackedSeq(deviceId) {
      const row = await db.get<{ acked_seq: number }>(`SELECT acked_seq FROM devices WHERE id = ?`, [deviceId]);
      return Number(row?.acked_seq ?? 0);
    },

    ingestPush: (deviceId, events: readonly StoreEvent[], now, report) =>
      inTransaction((tx, versions) => ingestPush(ledgerTx(tx, versions, caches), deviceId, events, now, report)),

    async currentCursor(storeId) {
      // The committed value: a writer holding the store's lock has not made its versions visible yet.
      const row = await db.get<{ version: number }>(`SELECT version FROM store_versions WHERE store_id = ?`, [storeId]);
      return Number(row?.version ?? 0);
    },

    async snapshotRows(storeId, after, limit) {
      const rows = after
        ? await db.all<SliceRowRaw>(
            `SELECT entity, key, version, deleted, value FROM sync_rows
             WHERE store_id = ? AND deleted = 0 AND (entity, key) > (?, ?) ORDER BY entity, key LIMIT ?`,
            [storeId, after.entity, after.key, limit],
          )
        : await db.all<SliceRowRaw>(
            `SELECT entity, key, version, deleted, value FROM sync_rows WHERE store_id = ? AND deleted = 0 ORDER BY entity, key LIMIT ?`,
            [storeId, limit],
          );
      return rows.map(toSliceRow);
    },

    async changesSince(storeId, cursor, limit) {
      const rows = await db.all<SliceRowRaw>(
        `SELECT entity, key, version, deleted, value FROM sync_rows WHERE store_id = ? AND version > ? ORDER BY version LIMIT ?`,
        [storeId, cursor, limit],
      );
      return rows.map(toSliceRow);
    },

    watchSlice(storeId, watcher) {
      let set = watchers.get(storeId);
      if (!set) watchers.set(storeId, (set = new Set()));
      set.add(watcher);
      return () => {
        set.delete(watcher);
        if (set.size === 0) watchers.delete(storeId);
      };
    },

    close: () => db.close(),
  };
}
