import pg from 'pg';
import type { StoreEvent } from '../../../src/domain/events.ts';
import { ledgerRowMaker, type StockLevel } from './raw-ledger.ts';

/**
 * The limit for push ingest on Postgres: the rows raw-ledger.ts names for a
 * batch, written through the same driver as the server's (`pg`) the fastest
 * plain way, in multi-row statements, one transaction per batch. A SKU's stock
 * is moved and republished once per batch, as the ledger does. Every value is
 * computed before the clock starts, so only Postgres's work and the round
 * trips are timed.
 */
export type RawPostgresLedger = {
  /** Writes one batch in one transaction; resolves to the milliseconds it took. */
  writeBatch(batch: readonly StoreEvent[]): Promise<number>;
  close(): Promise<void>;
};

/** Rows per statement: far below Postgres's 65,535 parameters at 17 columns. */
const CHUNK = 500;

function valuesList(rows: number, columns: number, offset = 0): string {
  const list: string[] = [];
  for (let r = 0; r < rows; r++) list.push(`(${Array.from({ length: columns }, (_, c) => `$${offset + r * columns + c + 1}`).join(', ')})`);
  return list.join(', ');
}

export async function openRawPostgresLedger(url: string): Promise<RawPostgresLedger> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const levels = (await client.query<StockLevel>(`SELECT sku, on_hand::float8 AS "onHand", aisle, bin FROM stock`)).rows;
  const counter = (await client.query<{ version: string }>(`SELECT version FROM store_versions`)).rows[0]!;
  const rowsOf = ledgerRowMaker(levels, Number(counter.version));

  const insert = async (head: string, rows: unknown[][], tail = '') => {
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      await client.query(`${head} VALUES ${valuesList(chunk.length, chunk[0]!.length)} ${tail}`, chunk.flat());
    }
  };

  return {
    async writeBatch(batch) {
      const p = rowsOf(batch);
      // Once per SKU: the summed movement, and the level the batch leaves (its last sync row).
      const moved = new Map<string, number>();
      for (const [delta, , sku] of p.stockUpdates as [number, string, string][]) moved.set(sku, (moved.get(sku) ?? 0) + delta);
      const published = new Map(p.syncRows.map((row) => [row[1] as string, row]));
      const start = performance.now();
      await client.query('BEGIN');
      await insert(`INSERT INTO events (device_id, seq, id, store_id, type, hlc, hash, body, received_at, status)`, p.events.map((row) => [...row, 'applied']));
      await insert(
        `INSERT INTO sales (id, event_id, store_id, device_id, staff_id, receipt_number, currency, subtotal, discount_total, tax, total,
                            promotions_revision, tax_config_version, tax_exemption_certificate, completed_at, hlc, receipt_token)`,
        p.sales,
      );
      await insert(`INSERT INTO sale_lines (sale_id, line_no, store_id, hlc, sku, name, quantity, unit_price, tax_category, line_total, discount, tax)`, p.lines);
      await insert(`INSERT INTO tenders (sale_id, tender_no, kind, amount, tendered, change_given)`, p.tenders);
      await insert(`INSERT INTO sync_rows (store_id, entity, key, version, deleted, value)`, p.saleRecords.map(([store, key, version, value]) => [store, 'sale_record', key, version, 0, value]));
      const deltas = [...moved];
      await client.query(
        `UPDATE stock SET on_hand = stock.on_hand + v.delta FROM (VALUES ${deltas.map((_, i) => `($${2 * i + 2}::text, $${2 * i + 3}::bigint)`).join(', ')}) AS v(sku, delta)
         WHERE stock.store_id = $1 AND stock.sku = v.sku`,
        [p.store.id, ...deltas.flat()],
      );
      await insert(
        `INSERT INTO sync_rows (store_id, entity, key, version, deleted, value)`,
        [...published.values()].map(([store, key, version, value]) => [store, 'stock', key, version, 0, value]),
        `ON CONFLICT (store_id, entity, key) DO UPDATE SET version = excluded.version, deleted = 0, value = excluded.value`,
      );
      await client.query(`UPDATE devices SET acked_seq = $1, head_hash = $2, last_push_at = $3 WHERE id = $4`, p.device);
      await client.query(`UPDATE store_versions SET version = $1 WHERE store_id = $2`, [p.store.version, p.store.id]);
      await client.query('COMMIT');
      return performance.now() - start;
    },
    close: () => client.end(),
  };
}
