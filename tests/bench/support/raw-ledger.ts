import Database from 'better-sqlite3';
import { sha256Hex } from '../../../src/server/sha256.ts';
import { eventHash, type StoreEvent } from '../../../src/domain/events.ts';
import { currentSale } from '../../../src/domain/sale.ts';
import { saleRecordOf } from '../../../src/domain/sale-record.ts';

/**
 * The limit for push ingest: the rows the ledger writes for a batch of
 * `sale.completed` events (src/server/storage/sql-store.ts), the sale's record
 * in the store's synced history included, written with
 * prepared better-sqlite3 statements in one transaction per batch, on a
 * database seeded exactly like the server's, with the driver's pragmas. Every
 * value (hash, JSON body, new stock levels, sync versions) is computed before
 * the clock starts, so only SQLite's work is timed.
 */
export type RawLedger = {
  /** Writes one batch in one transaction; returns the milliseconds it took. */
  writeBatch(batch: readonly StoreEvent[]): number;
  close(): void;
};

/** The rows the ledger writes for a batch, as parameter lists, in the columns of the statements below. */
export type LedgerRows = {
  events: unknown[][];
  sales: unknown[][];
  lines: unknown[][];
  tenders: unknown[][];
  stockUpdates: unknown[][];
  syncRows: unknown[][];
  saleRecords: unknown[][];
  device: unknown[];
  store: { id: string; version: number };
};

export type StockLevel = { sku: string; onHand: number; aisle: string; bin: string };

/**
 * What the ledger computes as it goes, computed up front: from the stock levels
 * and the store's version counter as seeded, the rows of each batch in turn.
 */
export function ledgerRowMaker(levels: readonly StockLevel[], startVersion: number): (batch: readonly StoreEvent[]) => LedgerRows {
  const stock = new Map(levels.map((level) => [level.sku, { ...level }]));
  let version = startVersion;
  return (batch) => {
    const now = Date.now();
    const p: LedgerRows = { events: [], sales: [], lines: [], tenders: [], stockUpdates: [], syncRows: [], saleRecords: [], device: [], store: { id: batch[0]!.storeId, version: 0 } };
    let hash = '';
    for (const event of batch) {
      if (event.v !== 3) throw new Error('the benchmark builds payload version 3 events');
      const sale = event.payload;
      hash = eventHash(event, sha256Hex);
      p.events.push([event.deviceId, event.seq, event.id, event.storeId, event.type, event.hlc, hash, JSON.stringify(event), now]);
      p.sales.push([
        sale.saleId,
        event.id,
        event.storeId,
        event.deviceId,
        event.staffId ?? null,
        sale.receiptNumber,
        sale.currency,
        sale.subtotal,
        sale.discountTotal,
        sale.tax,
        sale.total,
        sale.pricing.promotionsRevision,
        sale.pricing.taxConfigVersion,
        sale.pricing.taxExemption?.certificate ?? null,
        sale.completedAt,
        event.hlc,
        sale.receiptToken,
      ]);
      sale.lines.forEach((line, i) =>
        p.lines.push([sale.saleId, i + 1, event.storeId, event.hlc, line.sku, line.name, line.quantity, line.unitPrice, line.taxCategory, line.lineTotal, line.discount, line.tax]),
      );
      sale.tenders.forEach((tender, i) => p.tenders.push([sale.saleId, i + 1, tender.kind, tender.amount, tender.kind === 'cash' ? tender.tendered : tender.amount, tender.kind === 'cash' ? tender.change : 0]));
      p.saleRecords.push([event.storeId, sale.saleId, ++version, JSON.stringify(saleRecordOf(currentSale(event), { deviceId: event.deviceId, hlc: event.hlc }))]);
      for (const line of sale.lines) {
        const level = stock.get(line.sku)!;
        level.onHand -= line.quantity;
        p.stockUpdates.push([-line.quantity, event.storeId, line.sku]);
        p.syncRows.push([event.storeId, line.sku, ++version, JSON.stringify({ sku: line.sku, onHand: level.onHand, aisle: level.aisle, bin: level.bin })]);
      }
    }
    p.device = [batch.at(-1)!.seq, hash, now, batch[0]!.deviceId];
    p.store.version = version;
    return p;
  };
}

export function openRawLedger(file: string): RawLedger {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');

  const sql = {
    event: db.prepare(
      `INSERT INTO events (device_id, seq, id, store_id, type, hlc, hash, body, status, reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'applied', NULL, ?)`,
    ),
    sale: db.prepare(
      `INSERT INTO sales (id, event_id, store_id, device_id, staff_id, receipt_number, currency, subtotal, discount_total, tax, total,
                          promotions_revision, tax_config_version, tax_exemption_certificate, completed_at, hlc, receipt_token)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    line: db.prepare(
      `INSERT INTO sale_lines (sale_id, line_no, store_id, hlc, sku, name, quantity, unit_price, tax_category, line_total, discount, tax) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    tender: db.prepare(`INSERT INTO tenders (sale_id, tender_no, kind, amount, tendered, change_given) VALUES (?, ?, ?, ?, ?, ?)`),
    stock: db.prepare(`UPDATE stock SET on_hand = on_hand + ? WHERE store_id = ? AND sku = ?`),
    syncRow: db.prepare(
      `INSERT INTO sync_rows (store_id, entity, key, version, deleted, value) VALUES (?, 'stock', ?, ?, 0, ?)
       ON CONFLICT (store_id, entity, key) DO UPDATE SET version = excluded.version, deleted = 0, value = excluded.value`,
    ),
    saleRecord: db.prepare(`INSERT INTO sync_rows (store_id, entity, key, version, deleted, value) VALUES (?, 'sale_record', ?, ?, 0, ?)`),
    device: db.prepare(`UPDATE devices SET acked_seq = ?, head_hash = ?, last_push_at = ? WHERE id = ?`),
    version: db.prepare(`UPDATE store_versions SET version = ? WHERE store_id = ?`),
  };

  const levels = db.prepare(`SELECT sku, on_hand AS onHand, aisle, bin FROM stock`).all() as StockLevel[];
  const counter = db.prepare(`SELECT version FROM store_versions`).get() as { version: number };
  const prepare = ledgerRowMaker(levels, counter.version);

  const write = db.transaction((p: LedgerRows) => {
    for (const params of p.events) sql.event.run(...params);
    for (const params of p.sales) sql.sale.run(...params);
    for (const params of p.lines) sql.line.run(...params);
    for (const params of p.tenders) sql.tender.run(...params);
    for (const params of p.saleRecords) sql.saleRecord.run(...params);
    for (let i = 0; i < p.stockUpdates.length; i++) {
      sql.stock.run(...p.stockUpdates[i]!);
      sql.syncRow.run(...p.syncRows[i]!);
    }
    sql.device.run(...p.device);
    sql.version.run(p.store.version, p.store.id);
  });

  return {
    writeBatch(batch) {
      const prepared = prepare(batch);
      const start = performance.now();
      write.immediate(prepared);
      return performance.now() - start;
    },
    close: () => db.close(),
  };
}
