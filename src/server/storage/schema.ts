import { dialectSql } from './dialect.ts';
import type { SqlDialect } from './sql-driver.ts';

/**
 * The server's tables, in SQL that SQLite and Postgres both run (the one
 * surrogate key aside, dialect.ts). JSON documents are TEXT so that a snapshot
 * can splice stored JSON into a response unparsed.
 */
/**
 * 4: sales.receipt_token, the link of the customer's digital receipt (/r/{token});
 *    an index of the events that name an approving manager, for the audit log;
 *    returns and post-voids (returns, return_tenders).
 * 5: a version counter per store (store_versions) in place of one for the
 *    fleet in meta, so that concurrent writers cannot skip a change (sql-store.ts).
 */
export const SCHEMA_VERSION = 5;
// Indexes added since (events_by_store_type, events_till) need no new layout: every start runs
// the schema, whose CREATE INDEX IF NOT EXISTS builds them on a file of this layout from its rows.

export const schemaSql = (dialect: SqlDialect): string => `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS stores (id TEXT PRIMARY KEY, record TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS enrollment_codes (
  code_hash TEXT PRIMARY KEY,
  store_id TEXT NOT NULL REFERENCES stores(id),
  role TEXT NOT NULL,
  used_by_device TEXT,
  used_at BIGINT
);

CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL REFERENCES stores(id),
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  enrolled_at BIGINT NOT NULL,
  acked_seq BIGINT NOT NULL DEFAULT 0,
  head_hash TEXT NOT NULL,
  last_push_at BIGINT,
  -- as the device last reported (see DeviceReportSchema): its journal's head,
  -- server time minus device time, and when its oldest unsent event was made
  reported_head_seq BIGINT,
  clock_offset_ms BIGINT,
  oldest_unsent_at BIGINT,
  reported_at BIGINT
);

-- The journal as received: one row per (device, seq), applied or quarantined.
CREATE TABLE IF NOT EXISTS events (
  device_id TEXT NOT NULL REFERENCES devices(id),
  seq BIGINT NOT NULL,
  id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  type TEXT NOT NULL,
  hlc TEXT NOT NULL,
  hash TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (device_id, seq)
);
-- An id belongs to one applied event; a quarantined event may repeat it.
CREATE UNIQUE INDEX IF NOT EXISTS events_applied_id ON events (id) WHERE status = 'applied';
-- The events that name an approving manager, by store and time: the audit log reads
-- them newest first (src/domain/audit.ts). Partial, so the sales without one cost
-- a push nothing here.
CREATE INDEX IF NOT EXISTS events_audited ON events (store_id, hlc) WHERE body LIKE '%"approvedBy":%';
-- A store's events of a type by time: HQ's day report reads a day's sales, returns and voids,
-- and the till sessions opened and closed in a window (src/domain/till-day.ts).
CREATE INDEX IF NOT EXISTS events_by_store_type ON events (store_id, type, hlc);
-- A device's till openings and closings by seq: where a session began and ended. Partial, so it
-- holds a few rows a day per till; a query uses it by repeating its condition word for word.
CREATE INDEX IF NOT EXISTS events_till ON events (device_id, seq) WHERE type IN ('till.opened', 'till.closed');

CREATE TABLE IF NOT EXISTS sales (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  store_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  staff_id TEXT,
  receipt_number TEXT NOT NULL,
  currency TEXT NOT NULL,
  subtotal BIGINT NOT NULL,
  discount_total BIGINT NOT NULL,
  tax BIGINT NOT NULL,
  total BIGINT NOT NULL,
  promotions_revision BIGINT NOT NULL,
  tax_config_version INTEGER NOT NULL,
  tax_exemption_certificate TEXT,
  completed_at BIGINT NOT NULL,
  hlc TEXT NOT NULL,
  -- 128 random bits, hex: the customer's digital receipt at /r/{token}. NULL for
  -- sales of payload versions 1 and 2, which had no link.
  receipt_token TEXT
);
CREATE INDEX IF NOT EXISTS sales_by_store ON sales (store_id, hlc);
CREATE UNIQUE INDEX IF NOT EXISTS sales_by_receipt_token ON sales (receipt_token);

CREATE TABLE IF NOT EXISTS sale_lines (
  sale_id TEXT NOT NULL REFERENCES sales(id),
  line_no INTEGER NOT NULL,
  -- the sale's store and HLC again, so a SKU's latest sales are one index range
  store_id TEXT NOT NULL,
  hlc TEXT NOT NULL,
  sku TEXT NOT NULL,
  name TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit_price BIGINT NOT NULL,
  tax_category TEXT NOT NULL,
  line_total BIGINT NOT NULL,
  discount BIGINT NOT NULL,
  tax BIGINT NOT NULL,
  PRIMARY KEY (sale_id, line_no)
);
-- A store's sales of a SKU, latest first: the oversell rule reads the newest few.
CREATE INDEX IF NOT EXISTS sale_lines_by_sku ON sale_lines (store_id, sku, hlc);

-- Each discount of a sale and what gave it: a promotion (at a revision, maybe
-- through a coupon) or a manager (who approved it).
CREATE TABLE IF NOT EXISTS sale_discounts (
  sale_id TEXT NOT NULL REFERENCES sales(id),
  discount_no INTEGER NOT NULL,
  label TEXT NOT NULL,
  amount BIGINT NOT NULL,
  promotion_id TEXT,
  promotion_revision BIGINT,
  coupon TEXT,
  approved_by TEXT,
  PRIMARY KEY (sale_id, discount_no)
);
CREATE INDEX IF NOT EXISTS sale_discounts_by_promotion ON sale_discounts (promotion_id);

-- Every revision of every promotion, never rewritten: a sale names the revision
-- of the set it was priced with, and the server prices it again with that set.
CREATE TABLE IF NOT EXISTS promotions (
  id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (id, revision)
);
CREATE INDEX IF NOT EXISTS promotions_by_revision ON promotions (revision);

-- Every price a product has had in a store, by the product's price version: a
-- sale names the version it rang up, and the server checks the price against it
-- and prices the sale with the categories the catalogue gave it then.
CREATE TABLE IF NOT EXISTS prices (
  store_id TEXT NOT NULL REFERENCES stores(id),
  sku TEXT NOT NULL,
  version INTEGER NOT NULL,
  price BIGINT NOT NULL,
  category TEXT NOT NULL,
  tax_category TEXT NOT NULL,
  PRIMARY KEY (store_id, sku, version)
);

-- Every version of each store's tax rules, for re-pricing sales made under an older one.
CREATE TABLE IF NOT EXISTS tax_configs (
  store_id TEXT NOT NULL REFERENCES stores(id),
  version INTEGER NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY (store_id, version)
);

-- Conflicts the server settled (src/server/conflicts), each with its rule and the
-- task it leaves; published to the store's devices as 'conflict' records.
CREATE TABLE IF NOT EXISTS conflicts (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL REFERENCES stores(id),
  kind TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  -- what the sale is charged over: the SKU oversold, or the coupon code reused
  subject TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conflicts_by_subject ON conflicts (store_id, kind, subject);
CREATE INDEX IF NOT EXISTS conflicts_by_sale ON conflicts (sale_id, subject);

-- Products HQ marked scarce in a store: its devices sell them only from allotments.
CREATE TABLE IF NOT EXISTS scarce_products (
  store_id TEXT NOT NULL REFERENCES stores(id),
  sku TEXT NOT NULL,
  PRIMARY KEY (store_id, sku)
);

-- Escrow (src/server/conflicts/escrow.ts): a device may sell \`units\` of a scarce
-- product after seq \`as_of_seq\` of its journal; the server keeps them reserved.
CREATE TABLE IF NOT EXISTS allotments (
  store_id TEXT NOT NULL REFERENCES stores(id),
  sku TEXT NOT NULL,
  device_id TEXT NOT NULL REFERENCES devices(id),
  units BIGINT NOT NULL,
  as_of_seq BIGINT NOT NULL,
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (store_id, sku, device_id)
);

-- A single-use coupon code belongs to the first sale that books it.
CREATE TABLE IF NOT EXISTS coupon_redemptions (
  code TEXT PRIMARY KEY,
  sale_id TEXT NOT NULL,
  store_id TEXT NOT NULL
);

-- Returns and post-voids (refund.completed, sale.voided): money that went back,
-- who gave it and who approved it. A return without a receipt names no sale.
CREATE TABLE IF NOT EXISTS returns (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  store_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  staff_id TEXT,
  approved_by TEXT,
  sale_id TEXT,
  receipt_number TEXT NOT NULL,
  total BIGINT NOT NULL,
  tax BIGINT NOT NULL,
  reason TEXT NOT NULL,
  completed_at BIGINT NOT NULL,
  hlc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS returns_by_sale ON returns (sale_id);

CREATE TABLE IF NOT EXISTS return_tenders (
  return_id TEXT NOT NULL REFERENCES returns(id),
  tender_no INTEGER NOT NULL,
  kind TEXT NOT NULL,
  amount BIGINT NOT NULL,
  PRIMARY KEY (return_id, tender_no)
);

CREATE TABLE IF NOT EXISTS tenders (
  sale_id TEXT NOT NULL REFERENCES sales(id),
  tender_no INTEGER NOT NULL,
  kind TEXT NOT NULL,
  amount BIGINT NOT NULL,
  tendered BIGINT NOT NULL,
  change_given BIGINT NOT NULL,
  PRIMARY KEY (sale_id, tender_no)
);

-- Where the server's recomputation of a sale disagrees with the device's. The
-- sale stands as the customer paid it; finance reviews these.
CREATE TABLE IF NOT EXISTS sale_variances (
  sale_id TEXT NOT NULL REFERENCES sales(id),
  field TEXT NOT NULL,
  device_value BIGINT NOT NULL,
  server_value BIGINT NOT NULL,
  PRIMARY KEY (sale_id, field)
);

CREATE TABLE IF NOT EXISTS stock (
  store_id TEXT NOT NULL REFERENCES stores(id),
  sku TEXT NOT NULL,
  on_hand BIGINT NOT NULL,
  aisle TEXT NOT NULL,
  bin TEXT NOT NULL,
  PRIMARY KEY (store_id, sku)
);

CREATE TABLE IF NOT EXISTS alarms (
  id ${dialectSql(dialect).serialKey},
  kind TEXT NOT NULL,
  store_id TEXT,
  device_id TEXT,
  seq BIGINT,
  detail TEXT NOT NULL,
  body TEXT,
  at BIGINT NOT NULL
);

-- Each store's slice as its devices see it: the latest value per (entity, key),
-- stamped with a version that only grows. Pull reads by version, bootstrap by key.
CREATE TABLE IF NOT EXISTS sync_rows (
  store_id TEXT NOT NULL,
  entity TEXT NOT NULL,
  key TEXT NOT NULL,
  version BIGINT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  value TEXT,
  PRIMARY KEY (store_id, entity, key)
);
CREATE INDEX IF NOT EXISTS sync_rows_by_version ON sync_rows (store_id, version);

-- The newest version of each store's slice rows. A transaction that writes a
-- store's slice first locks its row here and keeps the lock until it commits,
-- so a store's versions commit in the order they are given out and a device
-- pulling after version v can never later meet a row below v.
CREATE TABLE IF NOT EXISTS store_versions (
  store_id TEXT PRIMARY KEY REFERENCES stores(id),
  version BIGINT NOT NULL
);
`;
