/**
 * How a data file of an earlier layout becomes today's (schema.ts), so a store
 * upgrades in the middle of a week and keeps every event, sale and count.
 *
 * Each step brings the layout before it to `to`, in the shared SQL dialect;
 * the steps run in order, then the schema adds what a layout brought new (its
 * tables and indexes are `IF NOT EXISTS`), all in one transaction with the new
 * layout number: a failed step leaves the file as it was, and a second server
 * starting on the same file waits for the first and then finds nothing to do.
 *
 * A change to a table that exists (a column, a key) is a step here and a new
 * SCHEMA_VERSION; a new table or index is the schema's alone.
 */
export const MIGRATIONS: readonly { to: number; sql: string }[] = [
  // 4: a sale's digital receipt token (NULL for sales before it: payload versions 1 and 2 had no link);
  //    returns, their tenders and the events' audit, day-report and till indexes come with the schema.
  { to: 4, sql: `ALTER TABLE sales ADD COLUMN receipt_token TEXT;` },
  // 5: each store's counter starts where the fleet's stood, so every device's cursor stays below its store's next version.
  {
    to: 5,
    sql: `CREATE TABLE store_versions (store_id TEXT PRIMARY KEY REFERENCES stores(id), version BIGINT NOT NULL);
          INSERT INTO store_versions (store_id, version)
            SELECT id, COALESCE((SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'sync_version'), 0) FROM stores;
          DELETE FROM meta WHERE key = 'sync_version';`,
  },
];

/** The oldest layout the steps start from: a file older still is named and refused, never half-used. */
export const OLDEST_MIGRATABLE_LAYOUT = 3;
