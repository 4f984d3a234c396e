import * as v from 'valibot';
import { canonicalJson } from '../../src/domain/canonical-json.ts';
import { eventHash, GENESIS_HASH, type ChainHead, type StoreEvent } from '../../src/domain/events.ts';
import type { StoresideDb } from '../../src/local/db.ts';
import { ENTITY_SCHEMAS } from '../../src/protocol/entities.ts';
import { ENTITY_NAMES, fromDeviceRow, keyOf, type EntityName } from '../../src/protocol/entity-registry.ts';
import { sha256Hex } from '../../src/server/sha256.ts';
import type { ServerStore } from '../../src/server/storage/server-store.ts';
import type { SqlDriver } from '../../src/server/storage/sql-driver.ts';
import type { SimDevice } from './device-harness.ts';
import type { Scenario } from './scenario.ts';

/**
 * What must hold whatever the seed did (issue 4, "Proof"). Each check reads the
 * server's database directly and each till's IndexedDB, and throws an
 * `InvariantViolation` naming the invariant and the first counterexample.
 */
export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    readonly detail: string,
  ) {
    super(`${invariant}: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

function fail(invariant: string, detail: string): never {
  throw new InvariantViolation(invariant, detail);
}

type ServerEventRow = { device_id: string; seq: number; id: string; hash: string; status: string };

/**
 * Exactly once, or still in the outbox: every event committed on a till is in
 * its journal (no crash loses one), and is on the server once with the same
 * content, or sits after the till's ack; the server acknowledges nothing the
 * till has not sent and holds nothing no till committed. With `drained`, no
 * outbox holds anything any more.
 */
export async function checkExactlyOnce(database: SqlDriver, devices: readonly SimDevice[], everyDeviceId: ReadonlySet<string>, drained = false): Promise<void> {
  const invariant = drained ? 'exactly once, outboxes drained' : 'exactly once or still in the outbox';
  const stray = await database.get<{ device_id: string; seq: number }>(
    `SELECT device_id, seq FROM events WHERE device_id NOT IN (${[...everyDeviceId].map(() => '?').join(', ')}) LIMIT 1`,
    [...everyDeviceId],
  );
  if (stray) fail(invariant, `the server holds seq ${stray.seq} of ${stray.device_id}, which no till committed`);

  for (const device of devices) {
    const journal = await device.db.journal.toArray();
    const ackedSeq = (await device.db.getMeta('ackedSeq')) ?? 0;
    const head = (await device.db.getMeta('chainHead'))?.seq ?? 0;
    journal.forEach((event, index) => {
      if (event.seq !== index + 1) fail(invariant, `${device.label}'s journal has seq ${event.seq} at position ${index + 1}`);
    });
    if (journal.length !== head) fail(invariant, `${device.label}'s chain head is seq ${head} but its journal holds ${journal.length} events`);
    if (ackedSeq > head) fail(invariant, `${device.label} counts seq ${ackedSeq} as acknowledged but its journal ends at ${head}`);
    if (journal.length !== device.committed.length) fail(invariant, `${device.label} committed ${device.committed.length} sales but its journal holds ${journal.length}`);
    const hashes = journal.map((event, index) => {
      const hash = eventHash(event, sha256Hex);
      if (hash !== device.committedHashes[index]) fail(invariant, `${device.label}'s journal seq ${event.seq} is not the event it committed`);
      return hash;
    });

    const rows = await database.all<ServerEventRow>(`SELECT device_id, seq, id, hash, status FROM events WHERE device_id = ? ORDER BY seq`, [device.deviceId]);
    const serverAcked = Number((await database.get<{ acked_seq: number }>(`SELECT acked_seq FROM devices WHERE id = ?`, [device.deviceId]))?.acked_seq ?? 0);
    rows.forEach((row, index) => {
      const seq = Number(row.seq);
      if (seq !== index + 1) fail(invariant, `the server's record of ${device.label} has seq ${seq} at position ${index + 1}`);
      if (seq > head) fail(invariant, `the server holds seq ${seq} of ${device.label}, whose journal ends at ${head}`);
      if (row.hash !== hashes[seq - 1]) fail(invariant, `the server's seq ${seq} of ${device.label} differs from the till's (hash ${row.hash.slice(0, 12)} vs ${hashes[seq - 1]!.slice(0, 12)})`);
      if (row.status !== 'applied') fail(invariant, `the server did not apply seq ${seq} of ${device.label}: ${row.status}`);
    });
    if (serverAcked !== rows.length) fail(invariant, `the server acknowledges ${device.label} through seq ${serverAcked} but holds ${rows.length} of its events`);
    if (ackedSeq > rows.length) fail(invariant, `${device.label} counts seq ${ackedSeq} as acknowledged but the server holds only ${rows.length}`);
    if (drained && (ackedSeq !== head || rows.length !== head)) {
      fail(invariant, `${device.label} has journal head ${head}, acknowledged ${ackedSeq}, server holds ${rows.length}`);
    }

    const sales = await database.all<{ id: string; event_id: string; total: number }>(`SELECT id, event_id, total FROM sales WHERE device_id = ?`, [device.deviceId]);
    if (sales.length !== rows.length) fail(invariant, `the server booked ${sales.length} sales of ${device.label} for ${rows.length} applied events`);
    const booked = new Map(sales.map((sale) => [sale.event_id, sale]));
    for (const event of journal.slice(0, rows.length)) {
      const sale = booked.get(event.id);
      if (!sale || sale.id !== saleOf(event).saleId) fail(invariant, `${device.label}'s seq ${event.seq} (sale ${saleOf(event).saleId}) is not booked as its own sale`);
    }
  }
}

/**
 * The cheap form of the same invariant, for after every step: read the till's
 * chain head and ack rather than its journal, and compare the server's record
 * of the till with the hashes of what it committed.
 */
export async function checkAcknowledged(database: SqlDriver, devices: readonly SimDevice[]): Promise<void> {
  const invariant = 'exactly once or still in the outbox';
  for (const device of devices) {
    const [headRow, ackedRow] = await device.db.meta.bulkGet(['chainHead', 'ackedSeq']);
    const head = (headRow?.value as ChainHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
    const ackedSeq = (ackedRow?.value as number | undefined) ?? 0;
    const committed = device.committedHashes;
    if (head.seq !== committed.length || head.hash !== (committed.at(-1) ?? GENESIS_HASH)) {
      fail(invariant, `${device.label} committed ${committed.length} sales but its chain head is seq ${head.seq} (${head.hash.slice(0, 12)})`);
    }
    if (ackedSeq > head.seq) fail(invariant, `${device.label} counts seq ${ackedSeq} as acknowledged but its journal ends at ${head.seq}`);
    // Rows checked at an earlier step are checked again only at the end.
    const seen = device.serverRowsChecked;
    const rows = await database.all<{ seq: number; hash: string; status: string }>(`SELECT seq, hash, status FROM events WHERE device_id = ? AND seq > ? ORDER BY seq`, [device.deviceId, seen]);
    rows.forEach((row, index) => {
      const seq = seen + index + 1;
      if (Number(row.seq) !== seq) fail(invariant, `the server's record of ${device.label} has seq ${row.seq} at position ${seq}`);
      if (row.hash !== committed[seq - 1]) fail(invariant, `the server's seq ${row.seq} of ${device.label} is not what the till committed`);
      if (row.status !== 'applied') fail(invariant, `the server did not apply seq ${row.seq} of ${device.label}: ${row.status}`);
    });
    const held = seen + rows.length;
    if (ackedSeq > held) fail(invariant, `${device.label} counts seq ${ackedSeq} as acknowledged but the server holds only ${held}`);
    const server = await database.get<{ acked_seq: number; events: number; sales: number }>(
      `SELECT acked_seq, (SELECT COUNT(*) FROM events WHERE device_id = devices.id) AS events, (SELECT COUNT(*) FROM sales WHERE device_id = devices.id) AS sales FROM devices WHERE id = ?`,
      [device.deviceId],
    );
    if (Number(server?.events) !== held) fail(invariant, `the server holds ${server?.events} events of ${device.label}, expected seq 1–${held}`);
    if (Number(server?.acked_seq) !== held) fail(invariant, `the server acknowledges ${device.label} through seq ${server?.acked_seq} but holds ${held} of its events`);
    if (Number(server?.sales) !== held) fail(invariant, `the server booked ${server?.sales} sales of ${device.label} for ${held} applied events`);
    device.serverRowsChecked = held;
  }
}

/** Money: what the server booked per store is what the tills took, sale by sale and in total, and the tenders cover it. */
export async function checkMoney(database: SqlDriver, devices: readonly SimDevice[], storeIds: readonly string[]): Promise<void> {
  const invariant = 'money is conserved';
  for (const storeId of storeIds) {
    const journals = devices.filter((device) => device.spec.storeId === storeId).flatMap((device) => device.committed);
    const taken = journals.reduce((sum, event) => sum + saleOf(event).total, 0);
    const booked = await database.get<{ total: number | null; sales: number }>(`SELECT SUM(total) AS total, COUNT(*) AS sales FROM sales WHERE store_id = ?`, [storeId]);
    const tendered = await database.get<{ amount: number | null }>(`SELECT SUM(t.amount) AS amount FROM tenders t JOIN sales s ON s.id = t.sale_id WHERE s.store_id = ?`, [storeId]);
    if (Number(booked?.sales ?? 0) !== journals.length) fail(invariant, `store ${storeId}: tills made ${journals.length} sales, the server booked ${booked?.sales}`);
    if (Number(booked?.total ?? 0) !== taken) fail(invariant, `store ${storeId}: tills took ${taken}, the server booked ${booked?.total}`);
    if (Number(tendered?.amount ?? 0) !== taken) fail(invariant, `store ${storeId}: tills took ${taken}, the server's tenders add up to ${tendered?.amount}`);
  }
  const variance = await database.get<{ sale_id: string; field: string; device_value: number; server_value: number }>(`SELECT sale_id, field, device_value, server_value FROM sale_variances LIMIT 1`);
  if (variance) {
    const device = devices.find((d) => d.committed.some((event) => saleOf(event).saleId === variance.sale_id));
    const event = device?.committed.find((e) => saleOf(e).saleId === variance.sale_id);
    fail(
      'the server prices every sale as the till did',
      `${device?.label} seq ${event?.seq} (sale ${variance.sale_id}, promotions revision ${event ? saleOf(event).pricing.promotionsRevision : '?'}): ${variance.field} was ${variance.device_value} on the till, ${variance.server_value} on the server`,
    );
  }
}

/**
 * Stock: the server's count of each SKU in each store is the seeded count less
 * every unit the tills sold, and the oversold units are charged, once, to the
 * latest sales by HLC (DESIGN.md "Conflicts": the earliest sale keeps the unit).
 */
export async function checkStock(database: SqlDriver, devices: readonly SimDevice[], scenario: Scenario): Promise<void> {
  const invariant = 'stock is conserved';
  for (const slice of scenario.retailer.stores) {
    const storeId = slice.store.id;
    const sold = new Map<string, number>();
    for (const device of devices.filter((d) => d.spec.storeId === storeId)) {
      for (const event of device.committed) for (const line of saleOf(event).lines) sold.set(line.sku, (sold.get(line.sku) ?? 0) + line.quantity);
    }
    const levels = new Map(
      (await database.all<{ sku: string; on_hand: number }>(`SELECT sku, on_hand FROM stock WHERE store_id = ?`, [storeId])).map((row) => [row.sku, Number(row.on_hand)]),
    );
    for (const seeded of slice.stock) {
      const expected = seeded.onHand - (sold.get(seeded.sku) ?? 0);
      const onHand = levels.get(seeded.sku);
      if (onHand !== expected) fail(invariant, `store ${storeId} ${seeded.sku}: seeded ${seeded.onHand}, tills sold ${sold.get(seeded.sku) ?? 0}, the server counts ${onHand}`);
      await checkOversell(database, storeId, seeded.sku, onHand);
    }
  }
}

async function checkOversell(database: SqlDriver, storeId: string, sku: string, onHand: number): Promise<void> {
  const invariant = 'oversold units are charged to the latest sales by HLC';
  const sales = await database.all<{ sale_id: string; hlc: string; quantity: number }>(
    `SELECT sale_id, hlc, SUM(quantity) AS quantity FROM sale_lines WHERE store_id = ? AND sku = ? GROUP BY sale_id, hlc ORDER BY hlc DESC`,
    [storeId, sku],
  );
  const conflicts = await database.all<{ sale_id: string; quantity: number }>(`SELECT sale_id, quantity FROM conflicts WHERE store_id = ? AND subject = ? AND kind = 'oversell'`, [storeId, sku]);
  const charged = new Map<string, number>();
  for (const conflict of conflicts) charged.set(conflict.sale_id, (charged.get(conflict.sale_id) ?? 0) + Number(conflict.quantity));
  const total = [...charged.values()].reduce((sum, units) => sum + units, 0);
  if (total !== Math.max(0, -onHand)) fail(invariant, `store ${storeId} ${sku}: on hand ${onHand}, but ${total} units are charged as oversold`);
  // Walking the sales latest first, the charged units are all of each sale's units until they run out.
  let remaining = total;
  for (const sale of sales) {
    const expected = Math.min(remaining, Number(sale.quantity));
    const got = charged.get(sale.sale_id) ?? 0;
    if (got !== expected) fail(invariant, `store ${storeId} ${sku}: sale ${sale.sale_id} (hlc ${sale.hlc}) has ${got} of ${sale.quantity} units charged, expected ${expected}`);
    remaining -= expected;
  }
}

/** Nothing the sim does is malformed: no event may be quarantined and no alarm raised. */
export async function checkCleanLedger(database: SqlDriver): Promise<void> {
  const rejected = await database.get<{ device_id: string; seq: number; reason: string }>(`SELECT device_id, seq, reason FROM events WHERE status <> 'applied' LIMIT 1`);
  if (rejected) fail('no honest event is quarantined', `seq ${rejected.seq} of ${rejected.device_id}: ${rejected.reason}`);
  const alarm = await database.get<{ kind: string; detail: string }>(`SELECT kind, detail FROM alarms LIMIT 1`);
  if (alarm) fail('no alarm without a cause', `${alarm.kind}: ${alarm.detail}`);
}

type Slice = Map<string, string>;

/**
 * A store's slice as a till holds it: every record `applyChanges` and `bootstrap` write, keyed
 * `entity/key`, each as the server sent it (without what the till adds, such as a product's search words).
 */
export async function deviceSlice(db: StoresideDb): Promise<Slice> {
  const slice: Slice = new Map();
  for (const entity of ENTITY_NAMES) await addTable(slice, db, entity);
  return slice;
}

async function addTable<K extends EntityName>(slice: Slice, db: StoresideDb, entity: K): Promise<void> {
  for (const row of await db.syncedTable(entity).toArray()) {
    const record = fromDeviceRow(entity, row);
    slice.set(`${entity}/${keyOf(entity, record)}`, canonicalJson(record));
  }
}

/** The same slice as the server holds it, read as a till would read each record. */
export async function serverSlice(store: ServerStore, storeId: string): Promise<Slice> {
  const slice: Slice = new Map();
  for (const row of await store.snapshotRows(storeId, null, 1_000_000)) {
    slice.set(`${row.entity}/${row.key}`, canonicalJson(v.parse(ENTITY_SCHEMAS[row.entity], JSON.parse(row.value!))));
  }
  return slice;
}

export function sliceHash(slice: Slice): string {
  return sha256Hex([...slice.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => `${key}=${value}`).join('\n'));
}

/** After the network heals, every till holds exactly its store's slice as the server has it. */
export async function checkConvergence(store: ServerStore, devices: readonly SimDevice[], storeIds: readonly string[]): Promise<Map<string, string>> {
  const invariant = 'tills converge to the server';
  const hashes = new Map<string, string>();
  for (const storeId of storeIds) {
    const expected = await serverSlice(store, storeId);
    const expectedHash = sliceHash(expected);
    hashes.set(storeId, expectedHash);
    for (const device of devices.filter((d) => d.spec.storeId === storeId)) {
      const held = await deviceSlice(device.db);
      if (sliceHash(held) === expectedHash) continue;
      for (const [key, value] of expected) {
        if (held.get(key) !== value) fail(invariant, `${device.label}: ${key} is ${held.get(key) ?? 'missing'} on the till, ${value} on the server`);
      }
      for (const key of held.keys()) if (!expected.has(key)) fail(invariant, `${device.label}: ${key} is on the till but not in the server's slice`);
    }
  }
  return hashes;
}

export function saleOf(event: StoreEvent) {
  if (event.v !== 3) throw new Error(`the sim only makes version 3 sales, not ${event.v}`);
  return event.payload;
}
