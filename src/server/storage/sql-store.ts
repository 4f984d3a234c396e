import type { StoreEvent } from '../../domain/events.ts';
import { createPromotionBook, type Promotion, type PromotionBook, type TaxConfig } from '../../domain/pricing/index.ts';
import { GENESIS_HASH } from '../../domain/events.ts';
import type { EntityName, ProductRecord, StoreRecord } from '../../protocol/entities.ts';
import { ingestPush } from '../ledger/ingest-push.ts';
import type { DeviceState, LedgerTx, StoredEvent } from '../ledger/ledger-tx.ts';
import type { PromotionDefinition } from '../../protocol/promotions.ts';
import { SCHEMA, SCHEMA_VERSION } from './schema.ts';
import type { RetailerSeed, ServerStore, SliceRow } from './server-store.ts';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';

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
 * Versions of the sync slice come from one counter in `meta`. A transaction
 * reads it once, hands out versions from memory, and writes it back before it
 * commits. This is correct only because the SQLite driver runs one transaction
 * at a time, so versions commit in order. A driver with concurrent writers
 * (Postgres) needs an allocation that cannot skip a change committed later with
 * a lower version — the cursor-gap problem in DESIGN.md — before it can use this.
 */
class SyncVersions {
  private next: number | null = null;
  private dirty = false;
  /** stores whose slice this transaction changed: their devices are told once it commits */
  readonly touched = new Set<string>();
  constructor(private readonly tx: SqlExecutor) {}

  /** The newest version handed out, once any was. */
  get newest(): number | null {
    return this.dirty && this.next !== null ? this.next - 1 : null;
  }

  async allocate(): Promise<number> {
    if (this.next === null) {
      const row = await this.tx.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'sync_version'`);
      this.next = Number(row?.value ?? 0) + 1;
    }
    this.dirty = true;
    return this.next++;
  }

  async flush(): Promise<void> {
    if (!this.dirty || this.next === null) return;
    await this.tx.run(
      `INSERT INTO meta (key, value) VALUES ('sync_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(this.next - 1)],
    );
  }
}

/** "(?, ?), (?, ?)" for `rows` rows of `columns` values; cached, since drivers cache statements by text. */
const placeholderCache = new Map<string, string>();
function placeholders(rows: number, columns: number): string {
  const key = `${rows}x${columns}`;
  let text = placeholderCache.get(key);
  if (!text) {
    const row = `(${new Array(columns).fill('?').join(', ')})`;
    placeholderCache.set(key, (text = new Array(rows).fill(row).join(', ')));
  }
  return text;
}

async function putSyncRow(tx: SqlExecutor, versions: SyncVersions, storeId: string, entity: EntityName, key: string, json: string) {
  versions.touched.add(storeId);
  await tx.run(
    `INSERT INTO sync_rows (store_id, entity, key, version, deleted, value) VALUES (?, ?, ?, ?, 0, ?)
     ON CONFLICT (store_id, entity, key) DO UPDATE SET version = excluded.version, deleted = 0, value = excluded.value`,
    [storeId, entity, key, await versions.allocate(), json],
  );
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
async function writePromotion(tx: SqlExecutor, versions: SyncVersions, storeIds: readonly string[], definition: PromotionDefinition): Promise<Promotion> {
  const counter = await tx.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'promotion_revision'`);
  const revision = Number(counter?.value ?? 0) + 1;
  await tx.run(`INSERT INTO meta (key, value) VALUES ('promotion_revision', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(revision)]);
  const previous = await tx.get<{ body: string }>(`SELECT body FROM promotions WHERE id = ? ORDER BY revision DESC LIMIT 1`, [definition.id]);
  const promotion = { ...definition, revision } as Promotion;
  const body = JSON.stringify(promotion);
  await tx.run(`INSERT INTO promotions (id, revision, body) VALUES (?, ?, ?)`, [promotion.id, revision, body]);
  const inScope = (stores: string[] | null) => (stores === null ? storeIds : stores.filter((id) => storeIds.includes(id)));
  const reached = new Set([...inScope(promotion.stores), ...(previous ? inScope((JSON.parse(previous.body) as Promotion).stores) : [])]);
  for (const storeId of reached) await putSyncRow(tx, versions, storeId, 'promotion', promotion.id, body);
  return promotion;
}

/** What the ledger keeps between pushes: records that never change once written (store records change only through HQ, which has no route for them yet). */
type LedgerCaches = { stores: Map<string, StoreRecord>; books: BookCache; taxConfigs: Map<string, TaxConfig> };

function ledgerTx(tx: SqlExecutor, versions: SyncVersions, caches: LedgerCaches): LedgerTx {
  const { stores, books, taxConfigs } = caches;
  // Promotions are saved in transactions of their own, and SQLite runs one at a time: the issued revision holds for this push.
  let issued: Promise<number> | null = null;
  const issuedRevision = () => (issued ??= issuedPromotionRevision(tx));
  return {
    async device(deviceId) {
      const row = await tx.get<DeviceRow>(`SELECT id, store_id, role, acked_seq, head_hash FROM devices WHERE id = ?`, [deviceId]);
      return row ? toDevice(row) : null;
    },
    async storeRecord(storeId) {
      const cached = stores.get(storeId);
      if (cached) return cached;
      const row = await tx.get<{ record: string }>(`SELECT record FROM stores WHERE id = ?`, [storeId]);
      if (!row) return null;
      const record = JSON.parse(row.record) as StoreRecord;
      stores.set(storeId, record);
      return record;
    },
    async eventAt(deviceId, seq) {
      return (await tx.get<StoredEvent>(`SELECT hash, status, reason FROM events WHERE device_id = ? AND seq = ?`, [deviceId, seq])) ?? null;
    },
    async insertAppliedEvent(e) {
      const inserted = await tx.run(
        `INSERT INTO events (device_id, seq, id, store_id, type, hlc, hash, body, status, reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'applied', NULL, ?)
         ON CONFLICT (id) WHERE status = 'applied' DO NOTHING`,
        [e.deviceId, e.seq, e.id, e.storeId, e.type, e.hlc, e.hash, e.body, e.receivedAt],
      );
      return inserted.changes === 1;
    },
    async quarantineEvent(e, reason) {
      await tx.run(
        `INSERT INTO events (device_id, seq, id, store_id, type, hlc, hash, body, status, reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'rejected', ?, ?)`,
        [e.deviceId, e.seq, e.id, e.storeId, e.type, e.hlc, e.hash, e.body, reason, e.receivedAt],
      );
    },
    async markQuarantined(deviceId, seq, reason) {
      await tx.run(`UPDATE events SET status = 'rejected', reason = ? WHERE device_id = ? AND seq = ?`, [reason, deviceId, seq]);
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
      const booked = await tx.run(
        `INSERT INTO sales (id, event_id, store_id, device_id, staff_id, receipt_number, currency, subtotal, discount_total, tax, total,
                            promotions_revision, tax_config_version, tax_exemption_certificate, completed_at, hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
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
        ],
      );
      if (booked.changes === 0) return false;
      // One multi-row statement for all lines: a sale's lines cost one round trip, not one each.
      await tx.run(
        `INSERT INTO sale_lines (sale_id, line_no, store_id, hlc, sku, name, quantity, unit_price, tax_category, line_total, discount, tax) VALUES ${placeholders(lines.length, 12)}`,
        lines.flatMap((line) => [
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
        ]),
      );
      if (discounts.length > 0) {
        await tx.run(
          `INSERT INTO sale_discounts (sale_id, discount_no, label, amount, promotion_id, promotion_revision, coupon, approved_by) VALUES ${placeholders(discounts.length, 8)}`,
          discounts.flatMap((d) => [sale.id, d.discountNo, d.label, d.amount, d.promotionId, d.promotionRevision, d.coupon, d.approvedBy]),
        );
      }
      for (const tender of tenders) {
        await tx.run(`INSERT INTO tenders (sale_id, tender_no, kind, amount, tendered, change_given) VALUES (?, ?, ?, ?, ?, ?)`, [
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
    async promotionBook(storeId, revision) {
      if (revision > (await issuedRevision())) return null;
      return books.get(storeId, revision, () => promotionsAt(tx, revision));
    },
    issuedPromotionRevision: issuedRevision,
    async pricesAt(storeId, lines) {
      // One statement for the sale's lines, not one per line: this runs for every sale a push brings.
      const rows = await tx.all<{ sku: string; version: number; price: number; category: string; tax_category: string }>(
        `SELECT sku, version, price, category, tax_category FROM prices WHERE store_id = ? AND (sku, version) IN (VALUES ${placeholders(lines.length, 2)})`,
        [storeId, ...lines.flatMap((line) => [line.sku, line.version])],
      );
      return new Map(rows.map((row) => [`${row.sku}@${Number(row.version)}`, { price: Number(row.price), category: row.category, taxCategory: row.tax_category }]));
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
      const holder = await tx.get<{ sale_id: string }>(`SELECT sale_id FROM coupon_redemptions WHERE code = ?`, [code]);
      return holder?.sale_id ?? null;
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
    async adjustStock(storeId, deltas) {
      const unknown: string[] = [];
      const onHand = new Map<string, number>();
      for (const [sku, delta] of deltas) {
        const level = await tx.get<{ on_hand: number; aisle: string; bin: string }>(
          `UPDATE stock SET on_hand = on_hand + ? WHERE store_id = ? AND sku = ? RETURNING on_hand, aisle, bin`,
          [delta, storeId, sku],
        );
        if (!level) {
          unknown.push(sku);
          continue;
        }
        const record = { sku, onHand: Number(level.on_hand), aisle: level.aisle, bin: level.bin };
        onHand.set(sku, record.onHand);
        await putSyncRow(tx, versions, storeId, 'stock', sku, JSON.stringify(record));
      }
      return { unknown, onHand };
    },
    async oversoldUnits(storeId, sku) {
      const row = await tx.get<{ units: number }>(`SELECT COALESCE(SUM(quantity), 0) AS units FROM conflicts WHERE store_id = ? AND kind = 'oversell' AND sku = ?`, [storeId, sku]);
      return Number(row?.units ?? 0);
    },
    async salesOfSku(storeId, sku, offset, limit) {
      // From the SKU's own index range, not from the store's sales: a rarely sold SKU must not scan all history.
      const rows = await tx.all<{ sale_id: string; receipt_number: string; hlc: string; quantity: number; oversold: number }>(
        `SELECT l.sale_id, l.hlc, SUM(l.quantity) AS quantity,
                (SELECT s.receipt_number FROM sales s WHERE s.id = l.sale_id) AS receipt_number,
                (SELECT COALESCE(SUM(c.quantity), 0) FROM conflicts c WHERE c.sale_id = l.sale_id AND c.sku = l.sku AND c.kind = 'oversell') AS oversold
         FROM sale_lines l WHERE l.store_id = ? AND l.sku = ?
         GROUP BY l.sale_id, l.hlc, l.sku ORDER BY l.hlc DESC LIMIT ? OFFSET ?`,
        [storeId, sku, limit, offset],
      );
      return rows.map((row) => ({ saleId: row.sale_id, receiptNumber: row.receipt_number, hlc: row.hlc, quantity: Number(row.quantity), oversold: Number(row.oversold) }));
    },
    async recordConflict(storeId, conflict) {
      const record = JSON.stringify(conflict);
      await tx.run(`INSERT INTO conflicts (id, store_id, kind, sale_id, sku, quantity, record) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        conflict.id,
        storeId,
        conflict.kind,
        conflict.saleId,
        conflict.sku,
        conflict.quantity,
        record,
      ]);
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
  };
}

export function createSqlStore(db: SqlDriver): ServerStore {
  const caches: LedgerCaches = { stores: new Map(), books: new BookCache(16), taxConfigs: new Map() };

  const watchers = new Map<string, Set<(cursor: number) => void>>();
  const inTransaction = async <T>(work: (tx: SqlExecutor, versions: SyncVersions) => Promise<T>): Promise<T> => {
    let versions: SyncVersions | null = null;
    const result = await db.transaction(async (tx) => {
      versions = new SyncVersions(tx);
      const value = await work(tx, versions);
      await versions.flush();
      return value;
    });
    // Committed: now, and only now, a device may pull what changed.
    const committed = versions as SyncVersions | null;
    const cursor = committed?.newest;
    if (committed && cursor != null) {
      for (const storeId of committed.touched) {
        for (const watcher of watchers.get(storeId) ?? []) {
          try {
            watcher(cursor);
          } catch (error) {
            // The write stands; a watcher that fails (a stream gone bad) must not turn it into an error.
            console.error(`a watcher of store ${storeId} failed`, error);
          }
        }
      }
    }
    return result;
  };

  return {
    async migrate() {
      await db.exec(SCHEMA);
      // No migrations yet: a data file from an older layout is named, not half-used.
      const seeded = (await db.get(`SELECT 1 AS seeded FROM stores LIMIT 1`)) !== undefined;
      const row = await db.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
      const version = Number(row?.value ?? (seeded ? 1 : SCHEMA_VERSION));
      if (version !== SCHEMA_VERSION) {
        throw new Error(`the database was made by a Storeside with data layout ${version}; this one uses ${SCHEMA_VERSION}. Move the data directory aside to start afresh.`);
      }
      await db.run(`INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING`, [String(SCHEMA_VERSION)]);
    },

    async isSeeded() {
      return (await db.get(`SELECT 1 AS seeded FROM stores LIMIT 1`)) !== undefined;
    },

    seed: (retailer: RetailerSeed) =>
      inTransaction(async (tx, versions) => {
        for (const slice of retailer.stores) {
          const storeId = slice.store.id;
          await tx.run(`INSERT INTO stores (id, record) VALUES (?, ?)`, [storeId, JSON.stringify(slice.store)]);
          await tx.run(`INSERT INTO tax_configs (store_id, version, config) VALUES (?, ?, ?)`, [storeId, slice.store.taxConfig.version, JSON.stringify(slice.store.taxConfig)]);
          await putSyncRow(tx, versions, storeId, 'store', storeId, JSON.stringify(slice.store));
          for (const member of slice.staff) await putSyncRow(tx, versions, storeId, 'staff', member.id, JSON.stringify(member));
          for (const product of slice.products) await putSyncRow(tx, versions, storeId, 'product', product.sku, JSON.stringify(product));
          for (let start = 0; start < slice.products.length; start += 500) {
            const chunk = slice.products.slice(start, start + 500);
            await tx.run(
              `INSERT INTO prices (store_id, sku, version, price, category, tax_category) VALUES ${placeholders(chunk.length, 6)}`,
              chunk.flatMap((product) => [storeId, product.sku, product.priceVersion, product.price, product.category, product.taxCategory]),
            );
          }
          for (const level of slice.stock) {
            await tx.run(`INSERT INTO stock (store_id, sku, on_hand, aisle, bin) VALUES (?, ?, ?, ?, ?)`, [storeId, level.sku, level.onHand, level.aisle, level.bin]);
            await putSyncRow(tx, versions, storeId, 'stock', level.sku, JSON.stringify(level));
          }
        }
        const storeIds = retailer.stores.map((slice) => slice.store.id);
        for (const definition of retailer.promotions) await writePromotion(tx, versions, storeIds, definition);
        await tx.run(`INSERT INTO meta (key, value) VALUES ('hq_token_hash', ?)`, [retailer.hqTokenHash]);
        for (const code of retailer.enrollmentCodes) {
          await tx.run(`INSERT INTO enrollment_codes (code_hash, store_id, role) VALUES (?, ?, ?)`, [code.codeHash, code.storeId, code.role]);
        }
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

    async currentCursor() {
      const row = await db.get<{ value: string }>(`SELECT value FROM meta WHERE key = 'sync_version'`);
      return Number(row?.value ?? 0);
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
