import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { canonicalJson } from '../../src/domain/canonical-json.ts';
import { SYNCED_TABLES_VERSION, StoresideDb } from '../../src/local/db.ts';
import { recordSchema, type EntityRecords } from '../../src/protocol/entities.ts';
import { ENTITY_NAMES, keyOf, SYNCED_ENTITIES, SYNCED_TABLE_SCHEMA, type EntityName } from '../../src/protocol/entity-registry.ts';
import type { Change } from '../../src/protocol/messages.ts';
import type { ApiClient } from '../../src/sync/api-client.ts';
import { bootstrap } from '../../src/sync/bootstrap.ts';
import { pullChanges } from '../../src/sync/pull-changes.ts';
import { deviceSlice } from '../sim/invariants.ts';
import { RELEASED_DEVICE_SCHEMA } from '../support/released-device-schema.ts';

/**
 * Every consumer of the registry of synced entities (src/protocol/entity-registry.ts)
 * handles every entity in it: a record of each goes through the request
 * schemas, the pull or the bootstrap, into its Dexie table, and out again into
 * the simulation's comparison of a till's slice with the server's.
 */

const AT = 1_800_000_000_000;
const HLC = `00${AT}-000000-till-1`;
const hand = { staffId: 'staff-1', staffName: 'Ana', deviceId: 'till-1', hlc: HLC };

/** One record of each entity, as a server would send it. A registered entity without one does not compile. */
const SAMPLES: { [K in EntityName]: EntityRecords[K] } = {
  store: {
    id: 'store-1',
    name: 'Austin',
    currency: 'USD',
    locale: 'en-US',
    timezone: 'America/Chicago',
    receiptPrefix: 'AUS',
    taxConfig: { version: 1, mode: 'exclusive', rounding: 'half-up', level: 'line', categories: { standard: { label: 'Standard' } }, jurisdictions: [{ id: 'tx', label: 'Texas', rates: { standard: 62_500 } }] },
    cashCoin: 1,
    returnDays: 30,
    refundFallback: 'cash',
  },
  staff: { id: 'staff-1', name: 'Ana', role: 'associate', pinHash: 'a'.repeat(64), pinSalt: '00ff', pinIterations: 1 },
  product: { sku: 'OAT-MILK-1L', name: 'Oat Milk 1 L', barcode: '4006381333931', category: 'dairy', taxCategory: 'standard', price: 299, priceVersion: 1 },
  stock: { sku: 'OAT-MILK-1L', onHand: 12, aisle: '4', bin: 'B' },
  promotion: {
    id: 'promo-1',
    revision: 1,
    name: '10 % off oat milk',
    validFrom: AT,
    validTo: null,
    stores: null,
    priority: 0,
    stacking: 'combinable',
    coupon: null,
    kind: 'percent_off',
    target: { skus: ['OAT-MILK-1L'], categories: [] },
    percent: 10,
  },
  conflict: { id: 'oversell/1', rule: 'earliest sale by HLC keeps the unit', saleId: 'sale-1', receiptNumber: 'AUS-1', hlc: HLC, detectedAt: AT, taskId: 'task/1', kind: 'oversell', sku: 'OAT-MILK-1L', quantity: 1 },
  task: { id: 'task/1', kind: 'oversell', title: '1 × Oat Milk 1 L', conflictId: 'oversell/1', actions: ['substitute', 'backorder', 'refund'], createdAt: AT, steps: [] },
  allotment: { id: 'till-1/OAT-MILK-1L', deviceId: 'till-1', sku: 'OAT-MILK-1L', units: 2, asOfSeq: 0, grantedAt: AT },
  parked_cart: {
    id: '0195e1a2-7c4b-7fff-bfff-ffffffffffff',
    label: 'Blue coat',
    lines: [{ sku: 'OAT-MILK-1L', quantity: 2 }],
    coupons: [],
    staffPurchase: false,
    taxExemptCertificate: null,
    managerDiscounts: [],
    parkedBy: hand,
    resumes: [],
  },
  stored_value: { id: 'GC-AUS-1001', kind: 'gift_card', last4: '1001', customerId: null, currency: 'USD', balance: 5_000 },
  customer: { id: 'cust-aus-1', name: 'Ana Lopez', phone: '+15125550101', email: 'ana.lopez@example.com' },
  sale_record: {
    id: 'sale-1',
    receiptNumber: 'AUS-1',
    receiptToken: '0123456789abcdef0123456789abcdef',
    deviceId: 'till-1',
    hlc: HLC,
    completedAt: AT,
    currency: 'USD',
    total: 636,
    cashRounding: 0,
    customer: null,
    taxBreakdown: [{ jurisdiction: 'tx', label: 'Texas', rate: 62_500 }],
    lines: [{ sku: 'OAT-MILK-1L', name: 'Oat Milk 1 L', quantity: 2, unitPrice: 299, priceVersion: 1, paid: 636, taxParts: [38] }],
    tenders: [{ kind: 'cash', amount: 636, tendered: 1_000, change: 364 }],
    returns: [],
  },
};

/** The record as a till reads it (with the schema's defaults): what the slice comparison must find. */
const asRead = <K extends EntityName>(entity: K) => canonicalJson(v.parse(recordSchema(entity), SAMPLES[entity]));
const sliceKey = <K extends EntityName>(entity: K) => `${entity}/${keyOf(entity, SAMPLES[entity])}`;

/** A server that answers each request with the next of `answers`, as JSON over the wire would carry it. */
function serverAnswering(answers: unknown[]): ApiClient {
  return {
    async request(_method, path, schema) {
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no answer left for ${path}`);
      const read = v.safeParse(schema, JSON.parse(JSON.stringify(answer)));
      if (!read.success) throw new Error(`${path}: ${v.summarize(read.issues)}`);
      return { ok: true, value: read.output };
    },
    stream: () => new Promise(() => {}),
  };
}

async function enrolledTill(name: string): Promise<StoresideDb> {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'till-1', storeId: 'store-1', role: 'tablet', token: 't' });
  return db;
}

describe('the registry of synced entities', () => {
  it('brings a put and then a delete of every entity through the pull into its table, and the slice comparison sees both', async () => {
    const db = await enrolledTill('registry-pull');
    await db.setMeta('cursor', 0);
    const puts: Change[] = ENTITY_NAMES.map((entity) => ({ entity, key: keyOf(entity, SAMPLES[entity]), op: 'put', value: SAMPLES[entity] }));
    const deletes: Change[] = ENTITY_NAMES.map((entity) => ({ entity, key: keyOf(entity, SAMPLES[entity]), op: 'delete' }));
    const server = serverAnswering([
      { changes: puts, cursor: 1, hasMore: false, ackedThroughSeq: 0 },
      { changes: deletes, cursor: 2, hasMore: false, ackedThroughSeq: 0 },
    ]);

    expect(await pullChanges(db, server)).toEqual({ ok: true, received: ENTITY_NAMES.length });
    const held = await deviceSlice(db);
    for (const entity of ENTITY_NAMES) {
      expect(await db.table(SYNCED_ENTITIES[entity].table).count(), entity).toBe(1);
      expect(held.get(sliceKey(entity)), entity).toBe(asRead(entity));
    }
    expect(held.size).toBe(ENTITY_NAMES.length);
    // What a till adds to a record is kept in its table, not in what it compares.
    expect((await db.products.get(SAMPLES.product.sku))?.words).toEqual(['oat', 'milk', '1l']);

    expect(await pullChanges(db, server)).toEqual({ ok: true, received: ENTITY_NAMES.length });
    for (const entity of ENTITY_NAMES) expect(await db.table(SYNCED_ENTITIES[entity].table).count(), entity).toBe(0);
    expect((await deviceSlice(db)).size).toBe(0);
  });

  it('loads every entity from a snapshot page into its table', async () => {
    const db = await enrolledTill('registry-bootstrap');
    const groups = ENTITY_NAMES.map((entity) => ({ entity, rows: [SAMPLES[entity]] }));
    const server = serverAnswering([
      { cursor: 7, next: null, groups },
      { changes: [], cursor: 7, hasMore: false },
    ]);

    expect(await bootstrap(db, server)).toEqual({ ok: true });
    const held = await deviceSlice(db);
    expect(held).toEqual(new Map(ENTITY_NAMES.map((entity) => [sliceKey(entity), asRead(entity)])));
    expect((await db.products.get(SAMPLES.product.sku))?.words).toEqual(['oat', 'milk', '1l']);
  });

  it('gives every table the key and indexes the registry declares', () => {
    const db = new StoresideDb('registry-schema');
    for (const entity of ENTITY_NAMES) {
      const { schema } = db.table(SYNCED_ENTITIES[entity].table);
      expect([schema.primKey.src, ...schema.indexes.map((index) => index.src)].join(', '), entity).toBe(SYNCED_TABLE_SCHEMA[SYNCED_ENTITIES[entity].table]);
    }
  });

  /**
   * A registry change to a synced table (a new entity, an index) reaches a
   * device at the released version only through a higher version: raise
   * SYNCED_TABLES_VERSION in src/local/db.ts, then record the new release in
   * tests/support/released-device-schema.ts.
   */
  it('changes a synced table only with a new Dexie version', () => {
    expect({ version: SYNCED_TABLES_VERSION, tables: SYNCED_TABLE_SCHEMA }).toEqual({ version: RELEASED_DEVICE_SCHEMA.version, tables: RELEASED_DEVICE_SCHEMA.synced });
  });
});
