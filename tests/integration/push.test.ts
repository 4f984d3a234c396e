import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/server/sha256.ts';
import { GENESIS_HASH, eventHash, type StoreEvent } from '../../src/domain/events.ts';
import type { PullResponse, PushResponse } from '../../src/protocol/messages.ts';
import {
  SaleChain,
  salePayload,
  unitsSoldBySku,
  type ApiAnswer,
  type DeviceClient,
  type ErrorAnswer,
  type StoreSliceSnapshot,
} from './helpers/device-client.ts';
import { demoCredentials, withServer } from '../support/server-fixture.ts';
import { deviceRow, ledgerCounts, stockLevels } from './helpers/ledger-db.ts';

/**
 * POST /api/v1/sync/push against the real server and its SQLite file
 * (DESIGN.md "Sync protocol (v1)"): exactly once, in seq order, duplicates are
 * success, conflicts are alarmed, gaps are refused, bad events are quarantined
 * without blocking the queue.
 */

const server = withServer({ label: 'push' });
const slices = new Map<string, StoreSliceSnapshot>();
let seed = 1;

/** A newly enrolled device of `storeId` (the first demo store by default) with an empty journal. */
async function newDevice(storeId?: string): Promise<{ client: DeviceClient; chain: SaleChain; slice: StoreSliceSnapshot }> {
  const client = await server.enroll(storeId ? { storeId } : {});
  let slice = slices.get(client.storeId);
  if (!slice) slices.set(client.storeId, (slice = await client.readSnapshot()));
  return { client, chain: new SaleChain(client, slice, seed++), slice };
}

function pushed(answer: ApiAnswer<PushResponse | ErrorAnswer>): PushResponse {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as PushResponse;
}

function refused(answer: ApiAnswer<PushResponse | ErrorAnswer>, status: number, code: string): ErrorAnswer['error'] {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const { error } = answer.body as ErrorAnswer;
  expect(error.code).toBe(code);
  return error;
}

type SaleRow = { id: string; event_id: string; subtotal: number; tax: number; total: number; receipt_number: string };
type TenderRow = { sale_id: string; kind: string; amount: number; tendered: number; change_given: number };

const salesOf = (deviceId: string) =>
  server.ledger((db) => db.prepare(`SELECT id, event_id, subtotal, tax, total, receipt_number FROM sales WHERE device_id = ?`).all(deviceId) as SaleRow[]);

const eventRow = (deviceId: string, seq: number) =>
  server.ledger(
    (db) =>
      db.prepare(`SELECT id, hash, status, reason FROM events WHERE device_id = ? AND seq = ?`).get(deviceId, seq) as
        | { id: string; hash: string; status: string; reason: string | null }
        | undefined,
  );

const alarmsOf = (deviceId: string) =>
  server.ledger((db) => db.prepare(`SELECT kind, seq, detail, body FROM alarms WHERE device_id = ? ORDER BY id`).all(deviceId) as { kind: string; seq: number; detail: string; body: string | null }[]);

/** What the server stores for a pushed batch, checked against the events themselves. */
function expectBooked(client: DeviceClient, events: readonly StoreEvent[]) {
  const sales = new Map(salesOf(client.deviceId).map((row) => [row.id, row]));
  for (const event of events) {
    const sale = salePayload(event);
    const row = sales.get(sale.saleId);
    expect(row, `sale of seq ${event.seq}`).toBeDefined();
    expect(row).toMatchObject({ event_id: event.id, subtotal: sale.subtotal, tax: sale.tax, total: sale.total, receipt_number: sale.receiptNumber });
  }
  const tenders = server.ledger((db) =>
    db.prepare(`SELECT sale_id, kind, amount, tendered, change_given FROM tenders WHERE sale_id IN (SELECT id FROM sales WHERE device_id = ?)`).all(client.deviceId),
  ) as TenderRow[];
  const tenderBySale = new Map(tenders.map((row) => [row.sale_id, row]));
  for (const event of events) {
    const sale = salePayload(event);
    const tender = tenderBySale.get(sale.saleId)!;
    expect(tender).toMatchObject({ kind: 'cash', amount: sale.total });
    expect(tender.tendered).toBeGreaterThanOrEqual(sale.total);
    expect(tender.change_given).toBe(tender.tendered - sale.total);
  }
}

describe('a pushed batch', () => {
  // One store per tax regime of the demo retailer: US exclusive/invoice, DE inclusive/line, GB inclusive/invoice half-even.
  const storeIds = () => demoCredentials(server).stores.map((store) => store.id);

  it.each([0, 1, 2])('is applied once and acknowledged through its last seq, with the right totals and stock (demo store %i)', async (storeIndex) => {
    const { client, chain, slice } = await newDevice(storeIds()[storeIndex]);
    const events = chain.take(20);
    const stockBefore = stockLevels(server.dataDir, client.storeId);

    const answer = pushed(await client.push(events));

    expect(answer.ackedThroughSeq).toBe(20);
    expect(answer.results).toEqual(events.map((event) => ({ id: event.id, seq: event.seq, status: 'applied' })));
    const lineCount = events.reduce((sum, event) => sum + salePayload(event).lines.length, 0);
    expect(ledgerCounts(server.dataDir, client.deviceId)).toEqual({ events: 20, sales: 20, saleLines: lineCount, tenders: 20, variances: 0, alarms: 0 });
    expectBooked(client, events);
    expect(deviceRow(server.dataDir, client.deviceId)).toEqual({ acked_seq: 20, head_hash: eventHash(events.at(-1)!, sha256Hex) });

    const sold = unitsSoldBySku(events);
    const stockAfter = stockLevels(server.dataDir, client.storeId);
    for (const [sku, before] of stockBefore) expect(stockAfter.get(sku), sku).toBe(before - (sold.get(sku) ?? 0));

    // The new levels reach the store's devices through pull.
    const pull = await client.get<PullResponse>(`/api/v1/sync/pull?cursor=${slice.cursor}&limit=5000`);
    expect(pull.status).toBe(200);
    const pulledStock = new Map(pull.body.changes.flatMap((change) => (change.entity === 'stock' && change.op === 'put' ? [[change.key, (change.value as { onHand: number }).onHand] as const] : [])));
    for (const sku of sold.keys()) expect(pulledStock.get(sku), sku).toBe(stockAfter.get(sku));
  });

  it('re-sent answers duplicate for every event and changes nothing', async () => {
    const { client, chain } = await newDevice();
    const events = chain.take(10);
    pushed(await client.push(events));
    const counts = ledgerCounts(server.dataDir);
    const stock = stockLevels(server.dataDir, client.storeId);
    const cursor = (await client.readSnapshot()).cursor;

    const again = pushed(await client.push(events));

    expect(again.ackedThroughSeq).toBe(10);
    expect(again.results).toEqual(events.map((event) => ({ id: event.id, seq: event.seq, status: 'duplicate' })));
    expect(ledgerCounts(server.dataDir)).toEqual(counts);
    expect(stockLevels(server.dataDir, client.storeId)).toEqual(stock);
    expect((await client.readSnapshot()).cursor).toBe(cursor);
  });

  it('sent twice at the same time is applied once; the other answer is all duplicates', async () => {
    const { client, chain } = await newDevice();
    const events = chain.take(50);

    const answers = (await Promise.all([client.push(events), client.push(events)])).map(pushed);

    const statuses = answers.map((answer) => [...new Set(answer.results.map((result) => result.status))].join()).sort();
    expect(statuses).toEqual(['applied', 'duplicate']);
    for (const answer of answers) expect(answer.ackedThroughSeq).toBe(50);
    expect(ledgerCounts(server.dataDir, client.deviceId)).toMatchObject({ events: 50, sales: 50, tenders: 50 });
  });

  it('that overlaps what was acknowledged answers duplicate for the old part and applies the new part', async () => {
    const { client, chain } = await newDevice();
    const events = chain.take(8);
    pushed(await client.push(events.slice(0, 5)));

    const answer = pushed(await client.push(events.slice(2)));

    expect(answer.ackedThroughSeq).toBe(8);
    expect(answer.results.map((result) => `${result.seq}:${result.status}`)).toEqual(['3:duplicate', '4:duplicate', '5:duplicate', '6:applied', '7:applied', '8:applied']);
    expect(ledgerCounts(server.dataDir, client.deviceId)).toMatchObject({ events: 8, sales: 8 });
    expectBooked(client, events);
  });
});

describe('the same (deviceId, seq) with different content', () => {
  it('is rejected and alarmed as a conflicting duplicate; the original stands', async () => {
    const { client, chain } = await newDevice();
    const before = chain.fork();
    const original = chain.take(3);
    pushed(await client.push(original));
    const counts = ledgerCounts(server.dataDir, client.deviceId);
    const stock = stockLevels(server.dataDir, client.storeId);

    // A second history from seq 2: same seqs, other sales.
    before.next();
    const rival = before.take(2);
    expect(rival.map((event) => event.seq)).toEqual([2, 3]);
    const answer = pushed(await client.push(rival));

    expect(answer.ackedThroughSeq).toBe(3);
    expect(answer.results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(answer.results[0]!.reason).toMatch(/seq 2 .*different content/);
    expect(eventRow(client.deviceId, 2)).toMatchObject({ id: original[1]!.id, hash: eventHash(original[1]!, sha256Hex), status: 'applied' });
    expect(eventRow(client.deviceId, 3)).toMatchObject({ id: original[2]!.id, hash: eventHash(original[2]!, sha256Hex), status: 'applied' });
    expect(ledgerCounts(server.dataDir, client.deviceId)).toEqual({ ...counts, alarms: counts.alarms + 2 });
    expect(stockLevels(server.dataDir, client.storeId)).toEqual(stock);
    expect(alarmsOf(client.deviceId)).toEqual([
      expect.objectContaining({ kind: 'conflicting_duplicate', seq: 2 }),
      expect.objectContaining({ kind: 'conflicting_duplicate', seq: 3 }),
    ]);
    // Nothing a device sent is lost: the rival events are kept with their alarms for HQ.
    expect(alarmsOf(client.deviceId).map((alarm) => (JSON.parse(alarm.body!) as StoreEvent).id)).toEqual(rival.map((event) => event.id));

    // The device's own history goes on from the original head.
    const next = chain.next();
    expect(pushed(await client.push([next])).results).toEqual([{ id: next.id, seq: 4, status: 'applied' }]);
  });
});

describe('a batch that starts past the next expected seq', () => {
  it('answers 409 seq_gap with details.expectedSeq and applies nothing', async () => {
    const { client, chain } = await newDevice();
    const events = chain.take(6);

    const fromNothing = refused(await client.push(events.slice(1, 3)), 409, 'seq_gap');
    expect(fromNothing.details).toEqual({ expectedSeq: 1 });
    expect(ledgerCounts(server.dataDir, client.deviceId)).toMatchObject({ events: 0, sales: 0 });

    pushed(await client.push(events.slice(0, 3)));
    const counts = ledgerCounts(server.dataDir);
    const gap = refused(await client.push(events.slice(4)), 409, 'seq_gap');
    expect(gap.details).toEqual({ expectedSeq: 4 });
    expect(gap.message).toMatch(/expects seq 4/);
    expect(ledgerCounts(server.dataDir)).toEqual(counts);
    expect(deviceRow(server.dataDir, client.deviceId)?.acked_seq).toBe(3);

    // Resending from the expected seq, as a device does, applies the rest.
    expect(pushed(await client.push(events.slice(3))).ackedThroughSeq).toBe(6);
    expectBooked(client, events);
  });
});

describe('a sale whose stated totals differ from the server recomputation', () => {
  it('records a variance per authority when the till\'s tax summary differs from the server\'s', async () => {
    const { client, chain, slice } = await newDevice(demoCredentials(server).stores[0]!.id);
    const taxed = slice.products.find((p) => p.taxCategory === 'standard')!;
    let first: { jurisdiction: string; rate: number; tax: number } | undefined;
    const event = chain.next({
      lines: [{ sku: taxed.sku, name: taxed.name, quantity: 3, unitPrice: taxed.price, taxCategory: taxed.taxCategory, category: taxed.category, priceVersion: 1 }],
      tamper: (sale) => {
        const [row, ...rest] = sale.taxBreakdown;
        first = row;
        // A till that put a cent of one authority's tax on another: same total, wrong split.
        return { ...sale, taxBreakdown: row ? [{ ...row, tax: row.tax + 1 }, ...rest] : [] };
      },
    });

    expect(pushed(await client.push([event])).results).toEqual([{ id: event.id, seq: 1, status: 'applied' }]);
    const variances = server.ledger((db) => db.prepare(`SELECT field, device_value, server_value FROM sale_variances WHERE sale_id = ?`).all(salePayload(event).saleId));
    expect(first).toBeDefined();
    expect(variances).toEqual([{ field: `tax ${JSON.stringify(first!.jurisdiction)} ${first!.rate}`, device_value: first!.tax + 1, server_value: first!.tax }]);
  });

  it('is booked, never a 500, when the names it sends would spell another variance’s field', async () => {
    const { client, chain } = await newDevice();
    // A jurisdiction named like the note for an unknown tax-rules version, on a sale naming that version.
    const event = chain.next({
      tamper: (sale) => ({
        ...sale,
        pricing: { ...sale.pricing, taxConfigVersion: 99 },
        taxBreakdown: [{ jurisdiction: 'rules version 99 unknown; priced with', label: 'X', rate: 1, base: 100, tax: 7 }],
      }),
    });
    expect(pushed(await client.push([event])).results).toEqual([{ id: event.id, seq: 1, status: 'applied' }]);
    const fields = server.ledger((db) => db.prepare(`SELECT field FROM sale_variances WHERE sale_id = ?`).all(salePayload(event).saleId) as { field: string }[]).map((r) => r.field);
    expect(fields).toEqual(expect.arrayContaining([expect.stringMatching(/^tax rules version 99 unknown; priced with \d+$/), 'tax "rules version 99 unknown; priced with" 1']));
  });

  it('is still booked as the customer paid it, and the variance is recorded', async () => {
    const { client, chain } = await newDevice(demoCredentials(server).stores[0]!.id);
    let stated: { tax: number; total: number } | undefined;
    const event = chain.next({
      tamper: (sale) => {
        // The till charged one cent more tax than the engine says; the customer paid that total.
        const total = sale.total + 1;
        const tendered = Math.ceil(total / 500) * 500;
        stated = { tax: sale.tax + 1, total };
        return { ...sale, tax: sale.tax + 1, total, tenders: [{ kind: 'cash', amount: total, tendered, change: tendered - total }] };
      },
    });

    const answer = pushed(await client.push([event]));

    expect(answer.results).toEqual([{ id: event.id, seq: 1, status: 'applied' }]);
    expectBooked(client, [event]);
    const variances = server.ledger((db) =>
      db.prepare(`SELECT field, device_value, server_value FROM sale_variances WHERE sale_id = ? ORDER BY field`).all(salePayload(event).saleId),
    );
    expect(variances).toEqual([
      { field: 'tax', device_value: stated!.tax, server_value: stated!.tax - 1 },
      { field: 'total', device_value: stated!.total, server_value: stated!.total - 1 },
    ]);
  });
});

describe('an event the server cannot apply', () => {
  it('that breaks the hash chain is rejected with a reason, alarmed, and still advances the seq', async () => {
    const { client, chain } = await newDevice();
    const first = chain.take(2);
    pushed(await client.push(first));
    const stock = stockLevels(server.dataDir, client.storeId);

    const broken = chain.next({ prev: 'f'.repeat(64) });
    const answer = pushed(await client.push([broken]));

    expect(answer.ackedThroughSeq).toBe(3);
    expect(answer.results).toEqual([{ id: broken.id, seq: 3, status: 'rejected', reason: expect.stringMatching(/hash chain broken at seq 3/) }]);
    expect(eventRow(client.deviceId, 3)).toMatchObject({ id: broken.id, status: 'rejected', reason: expect.stringMatching(/hash chain/) });
    expect(ledgerCounts(server.dataDir, client.deviceId)).toMatchObject({ events: 3, sales: 2 });
    expect(stockLevels(server.dataDir, client.storeId)).toEqual(stock);
    expect(alarmsOf(client.deviceId)).toEqual([expect.objectContaining({ kind: 'chain_broken', seq: 3 })]);

    // The next event chains on the one that was quarantined and applies.
    const next = chain.next();
    expect(next.prev).toBe(eventHash(broken, sha256Hex));
    expect(pushed(await client.push([next])).results).toEqual([{ id: next.id, seq: 4, status: 'applied' }]);
    expect(ledgerCounts(server.dataDir, client.deviceId)).toMatchObject({ events: 4, sales: 3 });
    // Re-sending the quarantined event hears its reason again; it raises no second alarm.
    expect(pushed(await client.push([broken, next])).results).toEqual([
      { id: broken.id, seq: 3, status: 'rejected', reason: expect.stringMatching(/hash chain broken at seq 3/) },
      { id: next.id, seq: 4, status: 'duplicate' },
    ]);
    expect(alarmsOf(client.deviceId)).toHaveLength(1);
  });

  it('that starts a journal from anything but the genesis hash is rejected the same way', async () => {
    const { client, chain } = await newDevice();
    const forged = chain.next({ prev: eventHash(new SaleChain(client, chain.slice, 99).next(), sha256Hex) });
    expect(forged.prev).not.toBe(GENESIS_HASH);

    const answer = pushed(await client.push([forged, chain.next()]));

    expect(answer.results.map((result) => result.status)).toEqual(['rejected', 'applied']);
    expect(answer.ackedThroughSeq).toBe(2);
  });

  it('selling a SKU the store does not stock is booked as paid, changes no stock and is alarmed', async () => {
    const { client, chain, slice } = await newDevice();
    const product = slice.products[0]!;
    const stock = stockLevels(server.dataDir, client.storeId);
    const sale = chain.next({ lines: [{ sku: 'SKU-NOT-STOCKED', name: 'Discontinued mug', quantity: 2, unitPrice: 450, taxCategory: product.taxCategory, category: 'household', priceVersion: 1 }] });

    expect(pushed(await client.push([sale])).results).toEqual([{ id: sale.id, seq: 1, status: 'applied' }]);
    expect(salesOf(client.deviceId).map((row) => row.id)).toEqual([salePayload(sale).saleId]);
    expect(stockLevels(server.dataDir, client.storeId)).toEqual(stock);
    expect(alarmsOf(client.deviceId)).toEqual([expect.objectContaining({ kind: 'unknown_sku', detail: expect.stringContaining('sold 2 of SKU-NOT-STOCKED') })]);
  });

  it('with a tax category the store does not have, on a product the catalogue lacks, is quarantined with a reason naming it, and the queue moves on', async () => {
    const { client, chain, slice } = await newDevice();
    const product = slice.products[0]!;
    const stock = stockLevels(server.dataDir, client.storeId);
    const bad = chain.next({
      tamper: (sale) => ({ ...sale, lines: sale.lines.map((line) => ({ ...line, sku: 'SKU-NOT-IN-CATALOGUE', taxCategory: 'luxury' })) }),
    });
    const good = chain.next({ lines: [{ sku: product.sku, name: product.name, quantity: 1, unitPrice: product.price, taxCategory: product.taxCategory, category: product.category, priceVersion: 1 }] });

    const answer = pushed(await client.push([bad, good]));

    expect(answer.ackedThroughSeq).toBe(2);
    expect(answer.results[0]).toEqual({ id: bad.id, seq: 1, status: 'rejected', reason: expect.stringContaining('"luxury"') });
    expect(answer.results[1]).toEqual({ id: good.id, seq: 2, status: 'applied' });
    expect(eventRow(client.deviceId, 1)).toMatchObject({ status: 'rejected' });
    expect(salesOf(client.deviceId).map((row) => row.id)).toEqual([salePayload(good).saleId]);
    // Only the applied sale took stock.
    expect(stockLevels(server.dataDir, client.storeId)).toEqual(new Map(stock).set(product.sku, stock.get(product.sku)! - 1));
  });

  it('naming another category or tax category than the catalogue gave its product is booked, priced with the catalogue’s, with variances', async () => {
    const { client, chain, slice } = await newDevice();
    const product = slice.products.find((p) => p.taxCategory === 'standard' && p.price > 0)!;
    const line = { sku: product.sku, name: product.name, quantity: 1, unitPrice: product.price, taxCategory: 'zero', category: 'books', priceVersion: product.priceVersion };
    const sale = chain.next({ lines: [line] });
    expect(pushed(await client.push([sale])).results).toEqual([{ id: sale.id, seq: 1, status: 'applied' }]);
    const fields = server.ledger((db) => db.prepare(`SELECT field FROM sale_variances WHERE sale_id = ?`).all(salePayload(sale).saleId) as { field: string }[]).map((row) => row.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        `line 1 tax category "zero", catalogue "standard"`,
        `line 1 category "books", catalogue ${JSON.stringify(product.category)}`,
        // the catalogue's standard rate, not the zero the till claimed (the total moves too where tax is added)
        'tax',
      ]),
    );
  });

  it('whose tenders do not add up to the total is quarantined with a reason', async () => {
    const { client, chain } = await newDevice();
    const bad = chain.next({ tamper: (sale) => ({ ...sale, tenders: [{ kind: 'cash', amount: sale.total - 1, tendered: sale.total - 1, change: 0 }] }) });

    const answer = pushed(await client.push([bad]));

    expect(answer.results).toEqual([{ id: bad.id, seq: 1, status: 'rejected', reason: expect.stringMatching(/tenders add up to/) }]);
    expect(ledgerCounts(server.dataDir, client.deviceId)).toMatchObject({ events: 1, sales: 0, tenders: 0 });
  });

  it('whose cash change does not match what was handed over is quarantined with a reason', async () => {
    const { client, chain } = await newDevice();
    const bad = chain.next({ tamper: (sale) => ({ ...sale, tenders: [{ kind: 'cash', amount: sale.total, tendered: sale.total + 1000, change: 900 }] }) });

    const answer = pushed(await client.push([bad]));

    expect(answer.results).toEqual([{ id: bad.id, seq: 1, status: 'rejected', reason: expect.stringMatching(/gives 900 change/) }]);
    expect(ledgerCounts(server.dataDir, client.deviceId)).toMatchObject({ events: 1, sales: 0, tenders: 0 });
  });

  it('that reuses the id of another device\'s applied event is quarantined with a reason', async () => {
    const first = await newDevice();
    const taken = first.chain.next();
    pushed(await first.client.push([taken]));
    const { client, chain } = await newDevice();

    const answer = pushed(await client.push([chain.next({ id: taken.id })]));

    expect(answer.results).toEqual([{ id: taken.id, seq: 1, status: 'rejected', reason: expect.stringMatching(/already used/) }]);
    expect(ledgerCounts(server.dataDir, client.deviceId)).toMatchObject({ events: 1, sales: 0 });
  });

  it('that reuses an already booked sale id is quarantined with a reason, not a 500 that blocks the queue', async () => {
    const { client, chain } = await newDevice();
    const first = chain.next();
    pushed(await client.push([first]));
    const reused = chain.next({ tamper: (sale) => ({ ...sale, saleId: salePayload(first).saleId }) });
    const after = chain.next();

    const answer = await client.push([reused, after]);

    expect(answer.status).toBe(200);
    expect((answer.body as PushResponse).results.map((result) => result.status)).toEqual(['rejected', 'applied']);
  });
});
