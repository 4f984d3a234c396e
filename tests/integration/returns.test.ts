import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import type { StoreEvent } from '../../src/domain/events.ts';
import { returnedUnits, RETURN_CLAIM_RULE, type SaleRecord } from '../../src/domain/sale-record.ts';
import { exchangeTenders, NOTHING_REFUNDED, refundTenders, type RefundCompletedPayload } from '../../src/domain/sale-return.ts';
import { voidTenders, type SaleVoidedPayload } from '../../src/domain/sale-void.ts';
import { tillReport, type TillReport } from '../../src/domain/till-session.ts';
import type { TaskRecord } from '../../src/domain/task.ts';
import type { StoredValueRecord } from '../../src/domain/stored-value.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import type { ConflictRecord } from '../../src/protocol/entities.ts';
import type { Change, PushResponse } from '../../src/protocol/messages.ts';
import { withServer } from '../support/server-fixture.ts';
import { SaleChain, salePayload, type DeviceClient, type ErrorAnswer, type StoreSliceSnapshot } from './helpers/device-client.ts';
import { stockLevels } from './helpers/ledger-db.ts';
import { refundPayload } from './helpers/refund-payload.ts';

/**
 * Returns and post-voids on the real server: checked against the sale as the
 * store's history records it, stock back, the sale's record synced to every
 * till, and the same units returned on two tills while apart settled by HLC.
 */

const AUSTIN = 'store-us-austin';

const server = withServer({ label: 'returns', demoProducts: 40 });
let slice: StoreSliceSnapshot;
/** The store has eight enrollment codes: four tills, each with its one journal, serve every test. */
type Till = { client: DeviceClient; chain: SaleChain };
let tills: Till[];

beforeAll(async () => {
  tills = [];
  for (let i = 0; i < 4; i++) tills.push(await server.till(AUSTIN, 40 + i));
  slice = await server.slice(AUSTIN);
});

const pulled = async <T,>(client: DeviceClient, entity: Change['entity']): Promise<T[]> => [...(await client.pulledRecords<T>(entity)).values()];
const saleRecord = async (client: DeviceClient, saleId: string) => (await pulled<SaleRecord>(client, 'sale_record')).find((record) => record.id === saleId)!;
const results = (answer: { body: PushResponse | ErrorAnswer }) => (answer.body as PushResponse).results;

/** Two products the store stocks, with their units on hand. */
function stocked(count: number) {
  const levels = stockLevels(server.dataDir, AUSTIN);
  return slice.products.filter((product) => (levels.get(product.sku) ?? 0) >= 5).slice(0, count);
}

/** A return of `requests` of a sale, as the till would write it from the record it has. */
const returnOf = (record: SaleRecord, requests: { line: number; quantity: number }[], options: { returnedBefore?: number[]; at?: number; approvedBy?: string | null } = {}): RefundCompletedPayload =>
  refundPayload(slice.store, record, requests, options);

describe('a return with the receipt', () => {
  it('is applied: stock comes back and the sale’s record, synced to every till, shows what is left', async () => {
    const [mug, lamp] = stocked(2);
    const [{ client: till, chain }, { client: other, chain: otherChain }] = [tills[0]!, tills[1]!];
    const sale = chain.next({ lines: [cartLineFor(mug!, 2), cartLineFor(lamp!, 1)] });
    expect(results(await till.push([sale]))).toMatchObject([{ status: 'applied' }]);
    const before = stockLevels(server.dataDir, AUSTIN);

    // Another till of the store finds the sale in the store's history and returns one mug.
    const record = await saleRecord(other, salePayload(sale).saleId);
    expect(record).toMatchObject({ receiptNumber: salePayload(sale).receiptNumber, receiptToken: salePayload(sale).receiptToken, returns: [] });
    const refund = returnOf(record, [{ line: 0, quantity: 1 }]);
    const event = otherChain.append({ type: 'refund.completed', payload: refund });
    expect(results(await other.push([event]))).toMatchObject([{ status: 'applied' }]);

    expect(stockLevels(server.dataDir, AUSTIN).get(mug!.sku)).toBe(before.get(mug!.sku)! + 1);
    const after = await saleRecord(till, record.id);
    expect(returnedUnits(after, after.returns)).toEqual([1, 0]);
    expect(after.returns).toEqual([expect.objectContaining({ id: refund.returnId, kind: 'return', receiptNumber: refund.receiptNumber, deviceId: other.deviceId, charged: [] })]);
    const booked = server.ledger((db) => db.prepare(`SELECT kind, sale_id, total, staff_id, approved_by FROM returns WHERE id = ?`).get(refund.returnId));
    expect(booked).toEqual({ kind: 'return', sale_id: record.id, total: refund.total, staff_id: slice.staff[0]!.id, approved_by: null });

    // The last mug and the lamp: everything paid comes back, to the cent.
    const rest = returnOf(after, [{ line: 0, quantity: 1 }, { line: 1, quantity: 1 }]);
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: rest })]))).toMatchObject([{ status: 'applied' }]);
    expect(refund.total + rest.total).toBe(salePayload(sale).total);
  });

  it('of more than is left is rejected with the reason, and the stock stays as it was', async () => {
    const [mug] = stocked(1);
    const { client: till, chain } = tills[0]!;
    const sale = chain.next({ lines: [cartLineFor(mug!, 2)] });
    await till.push([sale]);
    const record = await saleRecord(till, salePayload(sale).saleId);
    const before = stockLevels(server.dataDir, AUSTIN).get(mug!.sku);

    const three = { ...returnOf(record, [{ line: 0, quantity: 2 }]) };
    three.lines = [{ ...three.lines[0]!, quantity: 3 }];
    const answer = await till.push([chain.append({ type: 'refund.completed', payload: three })]);
    expect(results(answer)).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/line 1 \(.+\) has 2 of 2 left to return, not 3/) }]);
    // A till that says it knew of one returned already cannot return two more.
    const known = returnOf(record, [{ line: 0, quantity: 1 }], { returnedBefore: [1] });
    known.lines = [{ ...known.lines[0]!, quantity: 2 }];
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: known })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/has 1 of 2 left to return, not 2/) }]);
    // Refunding more than the allocation gives is refused too.
    const greedy = returnOf(record, [{ line: 0, quantity: 1 }]);
    const inflated = { ...greedy, lines: [{ ...greedy.lines[0]!, amount: greedy.total + 500 }], total: greedy.total + 500, tenders: [{ kind: 'cash' as const, amount: greedy.total + 500 }] };
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: inflated })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/the sale's allocation gives/) }]);
    expect(stockLevels(server.dataDir, AUSTIN).get(mug!.sku)).toBe(before);
    expect(returnedUnits(await saleRecord(till, record.id), (await saleRecord(till, record.id)).returns)).toEqual([0]);
  });

  it('of a sale the store does not have, or past the return window without a manager, is rejected', async () => {
    const [mug] = stocked(1);
    const { client: till, chain } = tills[0]!;
    const sale = chain.next({ lines: [cartLineFor(mug!, 1)] });
    await till.push([sale]);
    const record = await saleRecord(till, salePayload(sale).saleId);

    const misnamed = { ...returnOf(record, [{ line: 0, quantity: 1 }]), sale: { saleId: record.id, receiptNumber: 'AUS-0000-999999', returnedBefore: [0] } };
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: misnamed })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/is receipt .*, not AUS-0000-999999/) }]);
    const stranger = returnOf({ ...record, id: uuidv7(Date.now(), randomBytes(10)) }, [{ line: 0, quantity: 1 }]);
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: stranger })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/has no sale .* to return/) }]);

    const late = Date.now() + 31 * 86_400_000;
    const unapproved = returnOf(record, [{ line: 0, quantity: 1 }], { at: late });
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: unapproved }, { at: late })]))).toMatchObject([
      { status: 'rejected', reason: expect.stringMatching(/past the store's 30-day return window and no manager approved/) },
    ]);
    const manager = slice.staff.find((member) => member.role === 'manager')!;
    const approved = returnOf(record, [{ line: 0, quantity: 1 }], { at: late + 1, approvedBy: manager.id });
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: approved }, { at: late + 1 })]))).toMatchObject([{ status: 'applied' }]);
    expect(server.ledger((db) => db.prepare(`SELECT approved_by FROM returns WHERE id = ?`).get(approved.returnId))).toEqual({ approved_by: manager.id });
  });
});

describe('a return without a receipt', () => {
  it('needs a manager (400 naming the field otherwise) and refunds no more than today’s price', async () => {
    const [mug] = stocked(1);
    const { client: till, chain } = tills[0]!;
    const manager = slice.staff.find((member) => member.role === 'manager')!;
    const line = { line: null, sku: mug!.sku, name: mug!.name, quantity: 1, amount: mug!.price, tax: 0 };
    const payload: RefundCompletedPayload = {
      returnId: uuidv7(Date.now(), randomBytes(10)),
      receiptNumber: 'RET-NR-1',
      currency: slice.store.currency,
      sale: null,
      lines: [line],
      taxBreakdown: [],
      tax: 0,
      total: mug!.price,
      tenders: [{ kind: 'cash', amount: mug!.price }],
      cashRounding: 0,
      reason: 'gift, no receipt',
      approvedBy: null,
      completedAt: Date.now(),
    };
    const unapproved = await till.push([chain.fork().append({ type: 'refund.completed', payload })]);
    expect(unapproved.status).toBe(400);
    expect((unapproved.body as ErrorAnswer).error).toMatchObject({ code: 'invalid_body', message: expect.stringMatching(/needs a manager/) });

    // Today the mug costs its price plus the store's sales tax: twice that is refused, whatever the till calls tax.
    const dearAmount = mug!.price * 2;
    const dear = { ...payload, approvedBy: manager.id, lines: [{ ...line, amount: dearAmount, tax: dearAmount - mug!.price }], tax: dearAmount - mug!.price, total: dearAmount, taxBreakdown: [], tenders: [{ kind: 'cash' as const, amount: dearAmount }] };
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: dear })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/more than the \d+ they cost today/) }]);
    // Nor can it go back to a card: a return without a receipt has none to refund to.
    const toCard = { ...payload, approvedBy: manager.id, tenders: [{ kind: 'card' as const, amount: mug!.price, brand: 'Visa', last4: '4242', terminalRef: 'T-FORGED-1' }] };
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: toCard })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/card T-FORGED-1, which did not pay for the sale/) }]);
    const before = stockLevels(server.dataDir, AUSTIN).get(mug!.sku)!;
    const fair = { ...payload, returnId: uuidv7(Date.now(), randomBytes(10)), approvedBy: manager.id };
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: fair })]))).toMatchObject([{ status: 'applied' }]);
    expect(stockLevels(server.dataDir, AUSTIN).get(mug!.sku)).toBe(before + 1);
  });
});

describe('the same unit returned on two tills while they were apart', () => {
  /** A one-unit sale, and a return of that unit made offline on each of two other tills, the first earlier by HLC. */
  async function twoReturns() {
    const [mug] = stocked(1);
    const [seller, early, late] = [tills[0]!, tills[1]!, tills[2]!];
    const sale = seller.chain.next({ lines: [cartLineFor(mug!, 1)] });
    expect(results(await seller.client.push([sale]))).toMatchObject([{ status: 'applied' }]);
    const record = await saleRecord(seller.client, salePayload(sale).saleId);
    const base = Date.now() + 60_000;
    const earlyReturn = returnOf(record, [{ line: 0, quantity: 1 }], { at: base });
    const lateReturn = returnOf(record, [{ line: 0, quantity: 1 }], { at: base + 60_000 });
    return {
      record,
      early: { client: early.client, payload: earlyReturn, event: early.chain.append({ type: 'refund.completed', payload: earlyReturn }, { at: base }) },
      late: { client: late.client, payload: lateReturn, event: late.chain.append({ type: 'refund.completed', payload: lateReturn }, { at: base + 60_000 }) },
    };
  }

  const outcome = async (client: DeviceClient, saleId: string) => {
    const conflicts = (await pulled<ConflictRecord>(client, 'conflict')).filter((conflict) => conflict.saleId === saleId);
    const tasks = (await pulled<TaskRecord>(client, 'task')).filter((task) => conflicts.some((conflict) => conflict.taskId === task.id));
    return { conflicts, tasks };
  };

  it('charges the later return by HLC with a conflict and a task, whichever push arrives first', async () => {
    for (const order of ['late first', 'early first'] as const) {
      const { record, early, late } = await twoReturns();
      const pushes = order === 'late first' ? [late, early] : [early, late];
      // Both tills thought the unit was still there: both returns are applied (the customer has the money).
      for (const { client, event } of pushes) expect(results(await client.push([event]))).toMatchObject([{ status: 'applied' }]);

      const { conflicts, tasks } = await outcome(early.client, record.id);
      expect(conflicts, order).toEqual([
        expect.objectContaining({
          kind: 'return_duplicate',
          rule: RETURN_CLAIM_RULE,
          saleId: record.id,
          receiptNumber: record.receiptNumber,
          returnId: late.payload.returnId,
          returnReceipt: late.payload.receiptNumber,
          line: 0,
          sku: record.lines[0]!.sku,
          quantity: 1,
          amount: late.payload.total,
          hlc: late.event.hlc,
        }),
      ]);
      expect(tasks, order).toEqual([expect.objectContaining({ id: conflicts[0]!.taskId, kind: 'return_duplicate', conflictId: conflicts[0]!.id, actions: ['collect', 'write_off'], steps: [] })]);
      const settled = await saleRecord(late.client, record.id);
      expect(settled.returns.map((claim) => [claim.id, claim.charged])).toEqual([
        [early.payload.returnId, []],
        [late.payload.returnId, [{ line: 0, quantity: 1 }]],
      ]);
    }
  });

  it('charges three returns of a two-unit line the same conflict and task in either push order, never more than the line paid', async () => {
    const outcomes: unknown[] = [];
    for (const order of ['B, X, Y', 'X, Y, B'] as const) {
      const [mug] = stocked(1);
      const seller = tills[0]!;
      const sale = seller.chain.next({ lines: [cartLineFor(mug!, 2)] });
      expect(results(await seller.client.push([sale]))).toMatchObject([{ status: 'applied' }]);
      const record = await saleRecord(seller.client, salePayload(sale).saleId);
      // X and Y each return one unit, B both, each offline and in that HLC order.
      const base = Date.now() + 60_000;
      const made = [
        { till: tills[1]!, requests: [{ line: 0, quantity: 1 }], at: base },
        { till: tills[2]!, requests: [{ line: 0, quantity: 1 }], at: base + 60_000 },
        { till: tills[3]!, requests: [{ line: 0, quantity: 2 }], at: base + 120_000 },
      ].map(({ till, requests, at }) => {
        const payload = returnOf(record, requests, { at });
        return { client: till.client, payload, event: till.chain.append({ type: 'refund.completed', payload }, { at }) };
      });
      const [x, y, b] = made as [(typeof made)[number], (typeof made)[number], (typeof made)[number]];
      for (const { client, event } of order === 'B, X, Y' ? [b, x, y] : [x, y, b]) expect(results(await client.push([event]))).toMatchObject([{ status: 'applied' }]);

      const { conflicts, tasks } = await outcome(x.client, record.id);
      expect(conflicts, order).toEqual([expect.objectContaining({ kind: 'return_duplicate', returnId: b.payload.returnId, line: 0, quantity: 2, amount: record.lines[0]!.paid, hlc: b.event.hlc })]);
      expect(tasks, order).toEqual([expect.objectContaining({ id: conflicts[0]!.taskId, conflictId: conflicts[0]!.id, steps: [] })]);
      const settled = await saleRecord(x.client, record.id);
      expect(settled.returns.map((claim) => claim.charged), order).toEqual([[], [], [{ line: 0, quantity: 2 }]]);
      outcomes.push({ conflict: conflicts[0]!.id.replace(b.payload.returnId, 'B'), tasks: tasks.length });
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
  });
});

describe('an exchange', () => {
  it('books the new sale and the return together, the return only against a sale that took its value', async () => {
    const [mug, lamp] = stocked(2);
    const { client: till, chain } = tills[2]!;
    const original = chain.next({ lines: [cartLineFor(mug!, 2)] });
    expect(results(await till.push([original]))).toMatchObject([{ status: 'applied' }]);
    const record = await saleRecord(till, salePayload(original).saleId);
    const before = stockLevels(server.dataDir, AUSTIN);

    // One mug comes back; a lamp goes out; the customer pays the balance in cash.
    const returned = returnOf(record, [{ line: 0, quantity: 1 }]);
    let settled: Exclude<ReturnType<typeof exchangeTenders>, { problem: unknown }> | null = null;
    const newSale = chain.next({
      lines: [cartLineFor(lamp!, 1)],
      tamper: (payload) => {
        const tenders = exchangeTenders(
          { returnTotal: returned.total, newSaleTotal: payload.total, cashTendered: payload.total, returnId: returned.returnId, saleId: payload.saleId },
          { paidWith: record.tenders, cashRounding: record.cashRounding, refundedBefore: NOTHING_REFUNDED, fallback: { kind: 'cash' } },
        );
        if ('problem' in tenders) throw new Error(`the exchange does not settle: ${JSON.stringify(tenders.problem)}`);
        settled = tenders;
        return { ...payload, tenders: tenders.sale.tenders, cashRounding: tenders.sale.cashRounding };
      },
    });
    const refund = { ...returned, tenders: settled!.refund.tenders, cashRounding: settled!.refund.cashRounding };
    const exchanged = await till.push([newSale, chain.append({ type: 'refund.completed', payload: refund })]);
    expect(results(exchanged)).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
    expect(refund.tenders).toEqual([{ kind: 'exchange', amount: returned.total, saleId: salePayload(newSale).saleId }]);
    const after = stockLevels(server.dataDir, AUSTIN);
    expect(after.get(mug!.sku)).toBe(before.get(mug!.sku)! + 1);
    expect(after.get(lamp!.sku)).toBe(before.get(lamp!.sku)! - 1);

    // A return that says it carried its value into a sale that took nothing from it is refused.
    const stray = returnOf(await saleRecord(till, record.id), [{ line: 0, quantity: 1 }]);
    const unbacked = { ...stray, tenders: [{ kind: 'exchange' as const, amount: stray.total, saleId: salePayload(original).saleId }] };
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: unbacked })]))).toMatchObject([
      { status: 'rejected', reason: expect.stringMatching(/is not booked in store .* with this return's value/) },
    ]);
    // A refused exchange return leaves a sale paid by nothing: HQ hears of it.
    expect(await server.hq.alarms(AUSTIN)).toContainEqual(expect.objectContaining({ kind: 'exchange_unbacked', detail: expect.stringContaining(`return ${unbacked.returnId} was refused`) }));
  });

  it('of a sale paid by card gives no cash back, nor more to the card than it paid', async () => {
    const [mug] = stocked(1);
    const { client: till, chain } = tills[2]!;
    const card = { kind: 'card' as const, brand: 'Visa', last4: '4242', approvalCode: 'A1', terminalRef: `T-${randomBytes(3).toString('hex')}`, offline: false };
    const sale = chain.next({ lines: [cartLineFor(mug!, 2)], paidWith: (total) => [{ ...card, amount: total }] });
    expect(results(await till.push([sale]))).toMatchObject([{ status: 'applied' }]);
    const record = await saleRecord(till, salePayload(sale).saleId);
    const planned = returnOf(record, [{ line: 0, quantity: 1 }]);
    expect(planned.tenders).toEqual([{ kind: 'card', amount: planned.total, brand: 'Visa', last4: '4242', terminalRef: card.terminalRef }]);
    const inCash = { ...planned, tenders: [{ kind: 'cash' as const, amount: planned.total }] };
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: inCash })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/back in cash or new store credit, but the sale took only 0/) }]);
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: planned })]))).toMatchObject([{ status: 'applied' }]);
  });
});

describe('a post-void', () => {
  it('pays back the sale’s tenders, puts every unit back, and leaves the sale in the ledger', async () => {
    const [mug, lamp] = stocked(2);
    const { client: till, chain } = tills[3]!;
    const sale = chain.next({ lines: [cartLineFor(mug!, 2), cartLineFor(lamp!, 1)] });
    await till.push([sale]);
    const before = stockLevels(server.dataDir, AUSTIN);
    const record = await saleRecord(till, salePayload(sale).saleId);
    const manager = slice.staff.find((member) => member.role === 'manager')!;
    const tenders = voidTenders(record.tenders);
    if ('error' in tenders) throw new Error(tenders.error);
    const payload: SaleVoidedPayload = {
      voidId: uuidv7(Date.now(), randomBytes(10)),
      sale: { saleId: record.id, receiptNumber: record.receiptNumber },
      tenders,
      total: salePayload(sale).total,
      reason: 'rang up twice',
      approvedBy: manager.id,
      completedAt: Date.now(),
    };
    // Money back on anything but the sale's own tenders is refused.
    const elsewhere = { ...payload, voidId: uuidv7(Date.now(), randomBytes(10)), tenders: [{ kind: 'store_credit' as const, amount: payload.total, accountId: 'SC-9' }] };
    expect(results(await till.push([chain.append({ type: 'sale.voided', payload: elsewhere })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/pays back the sale’s own tenders/) }]);
    // Only a manager of the store can approve it.
    const associate = slice.staff.find((member) => member.role === 'associate')!;
    const byAssociate = { ...payload, voidId: uuidv7(Date.now(), randomBytes(10)), approvedBy: associate.id };
    expect(results(await till.push([chain.append({ type: 'sale.voided', payload: byAssociate })]))).toMatchObject([{ status: 'rejected', reason: expect.stringMatching(/is not a manager of store/) }]);
    expect(results(await till.push([chain.append({ type: 'sale.voided', payload })]))).toMatchObject([{ status: 'applied' }]);

    const after = stockLevels(server.dataDir, AUSTIN);
    expect(after.get(mug!.sku)).toBe(before.get(mug!.sku)! + 2);
    expect(after.get(lamp!.sku)).toBe(before.get(lamp!.sku)! + 1);
    const voided = await saleRecord(till, record.id);
    expect(voided.returns).toEqual([expect.objectContaining({ id: payload.voidId, kind: 'void', charged: [] })]);
    expect(returnedUnits(voided, voided.returns)).toEqual([2, 1]);
    expect(server.ledger((db) => db.prepare(`SELECT COUNT(*) AS n FROM sales WHERE id = ?`).get(record.id))).toEqual({ n: 1 });
    expect(server.ledger((db) => db.prepare(`SELECT kind, approved_by, staff_id FROM returns WHERE id = ?`).get(payload.voidId))).toEqual({ kind: 'void', approved_by: manager.id, staff_id: slice.staff[0]!.id });

    // A return of the voided sale's units made later elsewhere is the conflict, charged to the return.
    const { client: other, chain: otherChain } = tills[1]!;
    const later = Date.now() + 600_000;
    const stale = returnOf(record, [{ line: 1, quantity: 1 }], { at: later });
    expect(results(await other.push([otherChain.append({ type: 'refund.completed', payload: stale }, { at: later })]))).toMatchObject([{ status: 'applied' }]);
    const conflicts = (await pulled<ConflictRecord>(other, 'conflict')).filter((conflict) => conflict.saleId === record.id);
    expect(conflicts).toEqual([expect.objectContaining({ kind: 'return_duplicate', returnId: stale.returnId, line: 1, quantity: 1 })]);
  });

  it('needs the approving manager: a void without approvedBy is refused as bad input', async () => {
    const { client: till, chain } = tills[0]!;
    const payload = { voidId: uuidv7(Date.now(), randomBytes(10)), sale: { saleId: uuidv7(Date.now(), randomBytes(10)), receiptNumber: 'X' }, tenders: [{ kind: 'cash', amount: 100 }], total: 100, reason: 'x', completedAt: Date.now() };
    const answer = await till.push([chain.fork().append({ type: 'sale.voided', payload } as unknown as Parameters<SaleChain['append']>[0])]);
    expect(answer.status).toBe(400);
    expect((answer.body as ErrorAnswer).error).toMatchObject({ code: 'invalid_body', message: expect.stringMatching(/approvedBy/) });
  });
});

describe('the till report at HQ', () => {
  it('counts returns and voids as the till does', async () => {
    const [mug] = stocked(1);
    const { client: till, chain } = tills[0]!;
    const sessionId = uuidv7(Date.now(), randomBytes(10));
    const staffName = slice.staff[0]!.name;
    const openedAt = chain.events.length;
    chain.append({ type: 'till.opened', payload: { sessionId, staffName, float: 10_000, count: {} } });
    const sale = chain.next({ lines: [cartLineFor(mug!, 3)] });
    const voidable = chain.next({ lines: [cartLineFor(mug!, 1)] });
    expect((await till.push(chain.events.slice(openedAt))).status).toBe(200);
    const record = await saleRecord(till, salePayload(sale).saleId);
    chain.append({ type: 'refund.completed', payload: returnOf(record, [{ line: 0, quantity: 2 }]) });
    const voidRecord = await saleRecord(till, salePayload(voidable).saleId);
    const tenders = voidTenders(voidRecord.tenders) as Exclude<ReturnType<typeof voidTenders>, { error: string }>;
    chain.append({
      type: 'sale.voided',
      payload: { voidId: uuidv7(Date.now(), randomBytes(10)), sale: { saleId: voidRecord.id, receiptNumber: voidRecord.receiptNumber }, tenders, total: salePayload(voidable).total, reason: 'test', approvedBy: slice.staff.find((member) => member.role === 'manager')!.id, completedAt: Date.now() },
    });
    // A refund the ledger refuses (its approver is not a manager) still paid cash out of the drawer: both reports count it.
    const associate = slice.staff.find((member) => member.role === 'associate')!;
    chain.append({ type: 'refund.completed', payload: returnOf(record, [{ line: 0, quantity: 1 }], { returnedBefore: [2], approvedBy: associate.id }) });
    const pushed = await till.push(chain.events.slice(-3));
    expect(results(pushed)).toMatchObject([{ status: 'applied' }, { status: 'applied' }, { status: 'rejected', reason: expect.stringMatching(/is not a manager/) }]);

    const answer = await server.hq.tillReport(till.deviceId, sessionId);
    expect(answer.status).toBe(200);
    const own = tillReport(chain.events.slice(openedAt) as StoreEvent[]);
    expect((answer.body as { report: TillReport }).report).toEqual(own);
    expect(own.returns.count).toBe(2);
    expect(own.voids).toEqual({ count: 1, total: salePayload(voidable).total, byTender: { cash: salePayload(voidable).total } });
    expect(own.cash.expected).toBe(10_000 + salePayload(sale).total + salePayload(voidable).total - own.cash.refunds);
  });
});

describe('money paid back to a gift card or store credit', () => {
  const ANA = { id: 'cust-aus-1', name: 'Ana Lopez' }; // the demo's Austin customer with 15.00 of store credit, SC-AUS-2001
  /** The account as the store's tills last pulled it. */
  async function account(client: DeviceClient, id: string): Promise<StoredValueRecord | undefined> {
    return (await pulled<StoredValueRecord>(client, 'stored_value')).filter((record) => record.id === id).at(-1);
  }
  /** A product the store stocks that costs more than 11.00 and at most 30.00. */
  const cheap = () => stocked(40).find((product) => product.price > 1_100 && product.price <= 3_000)!;

  it('a return credits the gift card the sale was paid with, and a void the store credit, each published to every till', async () => {
    const { client: till, chain } = tills[2]!;
    const other = tills[3]!.client;
    const card = 'GC-AUS-1003'; // 100.00
    const sale = chain.next({
      lines: [cartLineFor(cheap(), 2)],
      paidWith: (total) => [{ kind: 'gift_card', amount: total, accountId: card, last4: '1003', offline: false }],
    });
    expect(results(await till.push([sale]))).toMatchObject([{ status: 'applied' }]);
    expect((await account(other, card))?.balance).toBe(10_000 - salePayload(sale).total);

    const refund = returnOf(await saleRecord(till, salePayload(sale).saleId), [{ line: 0, quantity: 1 }]);
    expect(refund.tenders).toEqual([{ kind: 'gift_card', amount: refund.total, accountId: card, last4: '1003' }]);
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: refund })]))).toMatchObject([{ status: 'applied' }]);
    expect((await account(other, card))?.balance).toBe(10_000 - salePayload(sale).total + refund.total);

    // Ana pays 10.00 of a sale with her store credit; the manager voids the sale and the 10.00 goes back onto it.
    const credit = 'SC-AUS-2001';
    const paidWithCredit = chain.next({
      lines: [cartLineFor(cheap(), 1)],
      tamper: (payload) => ({
        ...payload,
        customer: ANA,
        tenders: [
          { kind: 'store_credit', amount: 1_000, accountId: credit, offline: false },
          { kind: 'cash', amount: payload.total - 1_000, tendered: payload.total - 1_000, change: 0 },
        ],
      }),
    });
    expect(results(await till.push([paidWithCredit]))).toMatchObject([{ status: 'applied' }]);
    expect((await account(other, credit))?.balance).toBe(500);
    const record = await saleRecord(till, salePayload(paidWithCredit).saleId);
    const tenders = voidTenders(record.tenders) as Exclude<ReturnType<typeof voidTenders>, { error: string }>;
    const manager = slice.staff.find((member) => member.role === 'manager')!;
    const voided: SaleVoidedPayload = { voidId: uuidv7(Date.now(), randomBytes(10)), sale: { saleId: record.id, receiptNumber: record.receiptNumber }, tenders, total: record.total, reason: 'rang up twice', approvedBy: manager.id, completedAt: Date.now() };
    expect(results(await till.push([chain.append({ type: 'sale.voided', payload: voided })]))).toMatchObject([{ status: 'applied' }]);
    expect((await account(other, credit))?.balance).toBe(1_500);
  });

  it('a refund to a new credit slip opens its account on the server: the sale’s customer’s, the store’s currency, holding the credit', async () => {
    const { client: till, chain } = tills[2]!;
    const other = tills[3]!.client;
    const sale = chain.next({ lines: [cartLineFor(cheap(), 2)], customer: ANA });
    expect(results(await till.push([sale]))).toMatchObject([{ status: 'applied' }]);
    const record = await saleRecord(till, salePayload(sale).saleId);
    // "To store credit" at the returns panel: the refund goes onto a slip the till numbered (returns-panel.tsx newCreditAccount).
    const slip = `SC-${randomBytes(12).toString('hex').replace(/\d/g, 'K').toUpperCase()}`;
    const refund = { ...returnOf(record, [{ line: 0, quantity: 1 }]) };
    refund.tenders = refundTenders(refund.total, [], NOTHING_REFUNDED, { kind: 'store_credit', accountId: slip }).tenders;
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: refund })]))).toMatchObject([{ status: 'applied' }]);
    expect(await account(other, slip)).toEqual({ id: slip, kind: 'store_credit', last4: null, customerId: ANA.id, currency: 'USD', balance: refund.total });

    // The slip is spent like any store credit: debited when its sale is booked.
    const spend = chain.next({
      lines: [cartLineFor(cheap(), 1)],
      tamper: (payload) => ({
        ...payload,
        customer: ANA,
        tenders: [
          { kind: 'store_credit', amount: Math.min(payload.total, refund.total), accountId: slip, offline: false },
          ...(payload.total > refund.total ? [{ kind: 'cash' as const, amount: payload.total - refund.total, tendered: payload.total - refund.total, change: 0 }] : []),
        ],
      }),
    });
    expect(results(await till.push([spend]))).toMatchObject([{ status: 'applied' }]);
    expect((await account(other, slip))?.balance).toBe(refund.total - Math.min(salePayload(spend).total, refund.total));

    // A "new" slip must be new: a refund cannot move money onto an account someone holds already.
    const onto = { ...returnOf(await saleRecord(till, record.id), [{ line: 0, quantity: 1 }]) };
    onto.tenders = refundTenders(onto.total, [], NOTHING_REFUNDED, { kind: 'store_credit', accountId: 'SC-AUS-2002' }).tenders;
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload: onto })]))).toMatchObject([
      { status: 'rejected', reason: "the refund's new store credit names account SC-AUS-2002, which exists already" },
    ]);
  });

  it('a return without a receipt to a new credit slip opens it for no customer', async () => {
    const { client: till, chain } = tills[2]!;
    const [mug] = stocked(1);
    const manager = slice.staff.find((member) => member.role === 'manager')!;
    const slip = 'SC-NORECEIPTSLIP';
    const line = { line: null, sku: mug!.sku, name: mug!.name, quantity: 1, amount: mug!.price, tax: 0 };
    const payload: RefundCompletedPayload = {
      returnId: uuidv7(Date.now(), randomBytes(10)),
      receiptNumber: `RET-${randomBytes(3).toString('hex').toUpperCase()}`,
      currency: 'USD',
      sale: null,
      lines: [line],
      taxBreakdown: [],
      tax: 0,
      total: mug!.price,
      tenders: [{ kind: 'store_credit', amount: mug!.price, accountId: slip }],
      cashRounding: 0,
      reason: 'gift, no receipt',
      approvedBy: manager.id,
      completedAt: Date.now(),
    };
    expect(results(await till.push([chain.append({ type: 'refund.completed', payload })]))).toMatchObject([{ status: 'applied' }]);
    expect(await account(tills[3]!.client, slip)).toMatchObject({ kind: 'store_credit', customerId: null, balance: mug!.price });
  });
});
