import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH, type StoreEvent } from '../../src/domain/events.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import type { SaleCompletedPayloadV1 } from '../../src/domain/sale.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import type { PullResponse, PushResponse, SnapshotPage } from '../../src/protocol/messages.ts';
import { TaxConfigSchema, type StoreRecord } from '../../src/protocol/entities.ts';
import { sha256Hex } from '../../src/server/sha256.ts';
import { withServer } from '../support/server-fixture.ts';
import { apiRequest, PROTOCOL_HEADERS, SaleChain, type DeviceClient, type StoreSliceSnapshot } from './helpers/device-client.ts';

/**
 * A till still running the previous app (protocol 3) against this server, with
 * sales of an old payload version still queued (version 1, the oldest the
 * server reads): its sales are booked, it is sent nothing it cannot read, and a
 * protocol older than that is told to update.
 */

const AUSTIN = 'store-us-austin';
const PREVIOUS = { 'x-storeside-protocol': '3' };

const server = withServer({ label: 'old-client', demoProducts: 40 });
let slice: StoreSliceSnapshot;

beforeAll(async () => {
  slice = await server.slice(AUSTIN);
});

const asPrevious = (client: DeviceClient, extra: Record<string, string> = {}) => ({ ...PREVIOUS, authorization: `Bearer ${client.token}`, ...extra });

/** Two chained sales exactly as the version-1 app wrote them: no discounts, no pricing record. */
function v1Sales(client: DeviceClient): StoreEvent[] {
  const taxed = slice.products.find((p) => p.taxCategory === 'standard' && p.price > 0)!;
  const events: StoreEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= 2; seq++) {
    const at = Date.now() - 60_000 + seq;
    const lineTotal = taxed.price * seq;
    const taxRows = [
      { jurisdiction: 'us-tx', label: 'Texas 6.25 %', rate: 62_500, base: lineTotal, tax: Math.round((lineTotal * 62_500) / 1_000_000) },
      { jurisdiction: 'us-tx-austin', label: 'City of Austin 1 %', rate: 10_000, base: lineTotal, tax: Math.round((lineTotal * 10_000) / 1_000_000) },
      { jurisdiction: 'us-tx-capmetro', label: 'Capital Metro 1 %', rate: 10_000, base: lineTotal, tax: Math.round((lineTotal * 10_000) / 1_000_000) },
    ];
    const rowsTax = taxRows.reduce((sum, row) => sum + row.tax, 0);
    const payload: SaleCompletedPayloadV1 = {
      saleId: uuidv7(at, new Uint8Array(10).fill(seq)),
      receiptNumber: `AUS-OLD1-00000${seq}`,
      currency: 'USD',
      lines: [{ sku: taxed.sku, name: taxed.name, quantity: seq, unitPrice: taxed.price, taxCategory: 'standard', lineTotal, tax: rowsTax }],
      subtotal: lineTotal,
      tax: rowsTax,
      total: lineTotal + rowsTax,
      taxIncluded: false,
      taxBreakdown: taxRows,
      taxConfigVersion: slice.store.taxConfig.version,
      tenders: [{ kind: 'cash', amount: lineTotal + rowsTax, tendered: lineTotal + rowsTax, change: 0 }],
      completedAt: at,
    };
    const event: StoreEvent = {
      id: uuidv7(at, new Uint8Array(10).fill(100 + seq)),
      deviceId: client.deviceId,
      seq,
      storeId: AUSTIN,
      type: 'sale.completed',
      hlc: formatHlc({ wallMs: at, counter: 0, node: client.deviceId }),
      v: 1,
      prev,
      payload,
    };
    prev = eventHash(event, sha256Hex);
    events.push(event);
  }
  return events;
}

describe('a till on protocol 3 with payload version 1 sales queued', () => {
  it('has its queued sales booked as they were paid', async () => {
    const client = await server.enroll({ storeId: AUSTIN });
    const events = v1Sales(client);
    const answer = await apiRequest<PushResponse>(server.url, '/api/v1/sync/push', {
      method: 'POST',
      headers: asPrevious(client, { 'content-type': 'application/json' }),
      body: JSON.stringify({ deviceId: client.deviceId, events }),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const booked = server.ledger((db) => db.prepare(`SELECT receipt_number AS receipt, total, discount_total AS discountTotal FROM sales WHERE device_id = ? ORDER BY receipt_number`).all(client.deviceId));
    expect(booked).toEqual(events.map((e) => ({ receipt: (e.payload as SaleCompletedPayloadV1).receiptNumber, total: (e.payload as SaleCompletedPayloadV1).total, discountTotal: 0 })));
  });

  it('is sent no sale records, stored-value accounts or customers, in the snapshot or the pull, which it could not read; a current till is', async () => {
    const client = await server.enroll({ storeId: AUSTIN });
    // A parked cart and allotments of a scarce product in the store's slice.
    const chain = new SaleChain(client, slice, 41);
    const staffName = slice.staff[0]!.name;
    const park = chain.append({ type: 'cart.parked', payload: { cartId: uuidv7(Date.now(), new Uint8Array(10).fill(9)), label: 'Later', staffName, lines: [{ sku: slice.products[0]!.sku, quantity: 1 }], coupons: [], staffPurchase: false, taxExemptCertificate: null, managerDiscounts: [] } });
    expect((await client.push([park])).status).toBe(200);
    // A sale: the store's history gets its record.
    expect((await client.push([chain.next()])).status).toBe(200);
    expect((await server.hq.post('/api/v1/hq/scarce', { store: AUSTIN, sku: slice.products[1]!.sku, scarce: true })).status).toBe(200);

    const entities = async (headers: Record<string, string>) => {
      const snapshot = await apiRequest<SnapshotPage>(server.url, '/api/v1/sync/snapshot?limit=20000', { headers: { ...headers, authorization: `Bearer ${client.token}` } });
      expect(snapshot.status).toBe(200);
      const pull = await apiRequest<PullResponse>(server.url, '/api/v1/sync/pull?cursor=0&limit=5000', { headers: { ...headers, authorization: `Bearer ${client.token}` } });
      expect(pull.status).toBe(200);
      return { snapshot: new Set(snapshot.body.groups.map((g) => g.entity)), pull: new Set(pull.body.changes.map((c) => c.entity)) };
    };
    const previous = await entities(PREVIOUS);
    for (const unreadable of ['sale_record', 'stored_value', 'customer'] as const) {
      expect(previous.snapshot.has(unreadable), unreadable).toBe(false);
      expect(previous.pull.has(unreadable), unreadable).toBe(false);
    }
    for (const readable of ['promotion', 'product', 'parked_cart', 'allotment'] as const) expect(previous.snapshot.has(readable), readable).toBe(true);
    const current = await entities(PROTOCOL_HEADERS);
    for (const entity of ['parked_cart', 'sale_record', 'stored_value', 'customer'] as const) expect(current.snapshot.has(entity), entity).toBe(true);
    expect(current.pull.has('allotment')).toBe(true);
  });

  it('still reads its store record once HQ has set whether cash needs an open till, a field its app never knew', async () => {
    // The store record as the protocol-3 app parses it (src/protocol/entities.ts at b3a597e): `v.object`,
    // which drops keys it does not know. Its tax rules are today's, unchanged since.
    const PreviousStoreRecordSchema = v.object({
      id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
      name: v.string(),
      currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
      locale: v.string(),
      timezone: v.string(),
      receiptPrefix: v.pipe(v.string(), v.minLength(1), v.maxLength(12)),
      taxConfig: TaxConfigSchema,
    });
    const read = await server.hq.get<{ version: number }>(`/api/v1/hq/store?store=${AUSTIN}`);
    const set = await server.hq.post('/api/v1/hq/store', { store: AUSTIN, version: read.body.version, cashTillSession: { tablet: 'optional', kiosk: 'required' } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);

    const client = await server.enroll({ storeId: AUSTIN });
    const snapshot = await apiRequest<SnapshotPage>(server.url, '/api/v1/sync/snapshot?limit=20000', { headers: asPrevious(client) });
    const pull = await apiRequest<PullResponse>(server.url, '/api/v1/sync/pull?cursor=0&limit=5000', { headers: asPrevious(client) });
    const fromSnapshot = snapshot.body.groups.find((group) => group.entity === 'store')!.rows[0] as StoreRecord;
    const fromPull = pull.body.changes.find((change) => change.entity === 'store' && change.op === 'put') as { value: StoreRecord };
    for (const sent of [fromSnapshot, fromPull.value]) {
      // Sent as it is: the old till ignores the field and sells cash as it always did; the day report counts it.
      expect(sent.cashTillSession).toEqual({ tablet: 'optional', kiosk: 'required' });
      const parsed = v.safeParse(PreviousStoreRecordSchema, sent);
      expect(parsed.success).toBe(true);
      expect(parsed.output).not.toHaveProperty('cashTillSession');
    }
  });

  it('is told to update (426) when it speaks a protocol older than the previous one', async () => {
    const client = await server.enroll({ storeId: AUSTIN });
    const answer = await apiRequest<{ error: { code: string; message: string } }>(server.url, '/api/v1/sync/pull?cursor=0', { headers: { 'x-storeside-protocol': '2', authorization: `Bearer ${client.token}` } });
    expect(answer.status).toBe(426);
    expect(answer.body.error).toMatchObject({ code: 'unsupported_protocol', message: expect.stringMatching(/Reload the app/) });
  });
});
