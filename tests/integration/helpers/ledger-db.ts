import Database from 'better-sqlite3';
import { join } from 'node:path';

/**
 * Reads the server's SQLite file behind its back, read-only, to check what a
 * push really wrote. Opened per question and closed at once so the test never
 * holds a read snapshot while the server writes.
 */
export function readLedger<T>(dataDir: string, question: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'storeside.db'), { readonly: true, fileMustExist: true });
  try {
    return question(db);
  } finally {
    db.close();
  }
}

export type LedgerCounts = { events: number; sales: number; saleLines: number; tenders: number; variances: number; alarms: number };

/** Row counts of the ledger tables, for one device or for everything. */
export function ledgerCounts(dataDir: string, deviceId?: string): LedgerCounts {
  return readLedger(dataDir, (db) => {
    const count = (sql: string) => Number((db.prepare(sql).get(...(deviceId ? [deviceId] : [])) as { n: number }).n);
    const byDevice = deviceId ? 'WHERE device_id = ?' : '';
    const salesOfDevice = deviceId ? 'WHERE sale_id IN (SELECT id FROM sales WHERE device_id = ?)' : '';
    return {
      events: count(`SELECT COUNT(*) AS n FROM events ${byDevice}`),
      sales: count(`SELECT COUNT(*) AS n FROM sales ${byDevice}`),
      saleLines: count(`SELECT COUNT(*) AS n FROM sale_lines ${salesOfDevice}`),
      tenders: count(`SELECT COUNT(*) AS n FROM tenders ${salesOfDevice}`),
      variances: count(`SELECT COUNT(*) AS n FROM sale_variances ${salesOfDevice}`),
      alarms: count(`SELECT COUNT(*) AS n FROM alarms ${byDevice}`),
    };
  });
}

/** on_hand per SKU of one store. */
export function stockLevels(dataDir: string, storeId: string): Map<string, number> {
  return readLedger(dataDir, (db) => {
    const rows = db.prepare(`SELECT sku, on_hand FROM stock WHERE store_id = ?`).all(storeId) as { sku: string; on_hand: number }[];
    return new Map(rows.map((row) => [row.sku, Number(row.on_hand)]));
  });
}

export type DeviceRow = { acked_seq: number; head_hash: string };

export function deviceRow(dataDir: string, deviceId: string): DeviceRow | undefined {
  return readLedger(dataDir, (db) => db.prepare(`SELECT acked_seq, head_hash FROM devices WHERE id = ?`).get(deviceId) as DeviceRow | undefined);
}
