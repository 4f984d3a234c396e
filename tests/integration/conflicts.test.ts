import { beforeAll, describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import type { ConflictRecord } from '../../src/protocol/entities.ts';
import { taskState, type TaskRecord } from '../../src/domain/task.ts';
import { resumedBy, type ParkedCartRecord } from '../../src/domain/parked-cart.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import { randomBytes } from 'node:crypto';
import { OVERSELL_RULE } from '../../src/server/conflicts/oversell.ts';
import { withServer } from '../support/server-fixture.ts';
import { SaleChain, salePayload, type DeviceClient, type StoreSliceSnapshot } from './helpers/device-client.ts';
import { stockLevels } from './helpers/ledger-db.ts';

/**
 * Two tills sell the last units of a product while apart. Whatever order their
 * pushes arrive in, the count goes below zero by what was oversold, and the
 * sales latest by HLC are the ones charged with it: an `oversell` conflict,
 * naming its rule and leaving a task, synced to the store's devices.
 */

const AUSTIN = 'store-us-austin';

const server = withServer({ label: 'conflicts', demoProducts: 40 });
let slice: StoreSliceSnapshot;

beforeAll(async () => {
  slice = await server.slice(AUSTIN);
});

const conflictsPulledBy = async (client: DeviceClient) => [...(await client.pulledRecords<ConflictRecord>('conflict')).values()];
const tasksPulledBy = async (client: DeviceClient) => [...(await client.pulledRecords<TaskRecord>('task')).values()];

describe('the last units sold twice during a partition', () => {
  it('charge the oversell to the later sale by HLC, whichever till pushes first', async () => {
    // A product with enough stock to sell out exactly: each till sells all of it.
    const sku = [...stockLevels(server.dataDir, AUSTIN)].find(([, onHand]) => onHand >= 2 && onHand <= 20)![0];
    const onHand = stockLevels(server.dataDir, AUSTIN).get(sku)!;
    const product = slice.products.find((p) => p.sku === sku)!;
    const [early, late] = [await server.enroll({ storeId: AUSTIN }), await server.enroll({ storeId: AUSTIN })];
    // Ahead of the chains' clocks, which start now: these are the times the sales carry.
    const base = Date.now() + 60_000;
    const earlyChain = new SaleChain(early, slice, 1);
    const earlySale = earlyChain.next({ lines: [cartLineFor(product, onHand)], at: base });
    const lateSale = new SaleChain(late, slice, 2).next({ lines: [cartLineFor(product, onHand)], at: base + 60_000 });

    // The later sale reaches the server first; the earlier one arrives after the network mends.
    expect((await late.push([lateSale])).status).toBe(200);
    expect(stockLevels(server.dataDir, AUSTIN).get(sku)).toBe(0);
    expect(await conflictsPulledBy(late)).toEqual([]);
    expect((await early.push([earlySale])).status).toBe(200);
    expect(stockLevels(server.dataDir, AUSTIN).get(sku)).toBe(-onHand);

    const conflicts = await conflictsPulledBy(early);
    expect(conflicts).toEqual([
      expect.objectContaining({
        kind: 'oversell',
        rule: OVERSELL_RULE,
        saleId: salePayload(lateSale).saleId,
        receiptNumber: salePayload(lateSale).receiptNumber,
        sku,
        quantity: onHand,
        taskId: `task/${conflicts[0]?.id}`,
      }),
    ]);
    const [task] = await tasksPulledBy(early);
    expect(task).toMatchObject({ id: conflicts[0]!.taskId, kind: 'oversell', conflictId: conflicts[0]!.id, actions: ['substitute', 'backorder', 'refund'], steps: [] });
    expect(task!.title).toContain(salePayload(lateSale).receiptNumber);
    // One more sold later still: only that unit is newly oversold, and it is charged to that sale, nothing twice.
    const oneMore = earlyChain.next({ lines: [cartLineFor(product, 1)], at: base + 120_000 });
    expect((await early.push([oneMore])).status).toBe(200);
    const after = await conflictsPulledBy(early);
    expect(after.map((c) => [c.saleId, c.kind === 'oversell' && c.quantity])).toEqual([
      [salePayload(lateSale).saleId, onHand],
      [salePayload(oneMore).saleId, 1],
    ]);
    expect(new Set(after.map((c) => c.id)).size).toBe(2);
  });
});

describe('a task claimed on two devices while they were apart', () => {
  it('goes to the first claim by HLC, whichever arrives first; the other claimant is told, and the task can be finished', async () => {
    const sku = [...stockLevels(server.dataDir, AUSTIN)].find(([, onHand]) => onHand >= 1 && onHand <= 20)![0];
    const product = slice.products.find((p) => p.sku === sku)!;
    const [a, b] = [await server.enroll({ storeId: AUSTIN }), await server.enroll({ storeId: AUSTIN })];
    const base = Date.now() + 60_000;
    const chainA = new SaleChain(a, slice, 11);
    const chainB = new SaleChain(b, slice, 12);
    // Sell everything twice over to leave an oversell task.
    const onHand = stockLevels(server.dataDir, AUSTIN).get(sku)!;
    expect((await a.push([chainA.next({ lines: [cartLineFor(product, onHand)], at: base })])).status).toBe(200);
    expect((await b.push([chainB.next({ lines: [cartLineFor(product, 1)], at: base + 1_000 })])).status).toBe(200);
    const task = (await tasksPulledBy(a)).find((candidate) => candidate.title.includes(`(${sku})`))!;
    expect(task).toBeDefined();

    // Both associates claim it offline: A's claim is earlier by HLC but reaches the server last.
    const claimA = chainA.taskStep(task.id, { what: 'claim' }, { at: base + 60_000, staffIndex: 0 });
    const claimB = chainB.taskStep(task.id, { what: 'claim' }, { at: base + 120_000, staffIndex: 1 });
    expect((await b.push([claimB])).body).toMatchObject({ results: [{ status: 'applied' }] });
    expect(taskState((await tasksPulledBy(b)).find((t) => t.id === task.id)!).claim?.deviceId).toBe(b.deviceId);
    expect((await a.push([claimA])).body).toMatchObject({ results: [{ status: 'applied' }] });

    const settled = (await tasksPulledBy(b)).find((t) => t.id === task.id)!;
    const state = taskState(settled);
    expect(state.claim).toMatchObject({ deviceId: a.deviceId, staffId: slice.staff[0]!.id });
    expect(state.overruled).toEqual([expect.objectContaining({ what: 'claim', deviceId: b.deviceId, staffId: slice.staff[1]!.id })]);
    expect(state.done).toBeNull();

    // A finishes it; a refund B records later still is told it came second.
    expect((await a.push([chainA.taskStep(task.id, { what: 'done', action: 'substitute' }, { at: base + 180_000 })])).status).toBe(200);
    expect((await b.push([chainB.taskStep(task.id, { what: 'done', action: 'refund' }, { at: base + 240_000, staffIndex: 1 })])).status).toBe(200);
    const finished = taskState((await tasksPulledBy(a)).find((t) => t.id === task.id)!);
    expect(finished.done).toMatchObject({ action: 'substitute', deviceId: a.deviceId });
    expect(finished.overruled.map((step) => [step.what, step.deviceId])).toEqual([
      ['claim', b.deviceId],
      ['done', b.deviceId],
    ]);
  });

  it('quarantines a step on a task the store does not have', async () => {
    const device = await server.enroll({ storeId: AUSTIN });
    const chain = new SaleChain(device, slice, 13);
    const unknown = await device.push([chain.taskStep('task/none', { what: 'claim' })]);
    expect(unknown.body).toMatchObject({ results: [{ status: 'rejected', reason: expect.stringMatching(/has no task task\/none/) }] });
  });
});

describe('a parked cart resumed on two tills while they were apart', () => {
  it('goes to the first resume by HLC, whichever arrives first; the other till sees who has it', async () => {
    // The till that parked it resumes it too, but later by HLC than another till does.
    const [parker, early] = [await server.enroll({ storeId: AUSTIN }), await server.enroll({ storeId: AUSTIN })];
    const late = parker;
    const base = Date.now() + 60_000;
    const cartId = uuidv7(base, randomBytes(10));
    const parkerChain = new SaleChain(parker, slice, 21);
    const park = parkerChain.append(
      { type: 'cart.parked', payload: { cartId, label: 'Mrs Okafor', staffName: slice.staff[0]!.name, lines: [{ sku: slice.products[0]!.sku, quantity: 2 }], coupons: [], staffPurchase: false, taxExemptCertificate: null, managerDiscounts: [] } },
      { at: base },
    );
    expect((await parker.push([park])).body).toMatchObject({ results: [{ status: 'applied' }] });

    const resumeEarly = new SaleChain(early, slice, 22).append({ type: 'cart.resumed', payload: { cartId, staffName: slice.staff[1]!.name } }, { at: base + 60_000, staffIndex: 1 });
    const resumeLate = parkerChain.append({ type: 'cart.resumed', payload: { cartId, staffName: slice.staff[0]!.name } }, { at: base + 90_000 });
    expect((await late.push([resumeLate])).body).toMatchObject({ results: [{ status: 'applied' }] });
    expect((await early.push([resumeEarly])).body).toMatchObject({ results: [{ status: 'applied' }] });

    const [cart] = (await late.pulledRecords<ParkedCartRecord>('parked_cart')).values();
    expect(cart).toMatchObject({ id: cartId, label: 'Mrs Okafor', parkedBy: { deviceId: parker.deviceId }, lines: [{ sku: slice.products[0]!.sku, quantity: 2 }] });
    expect(resumedBy(cart!)).toMatchObject({ deviceId: early.deviceId, staffName: slice.staff[1]!.name });
    expect(cart!.resumes.map((resume) => resume.deviceId)).toEqual([early.deviceId, late.deviceId]);

    // A resume of a cart the store never had is quarantined, not applied.
    const stray = parkerChain.append({ type: 'cart.resumed', payload: { cartId: uuidv7(base, randomBytes(10)), staffName: 'Sam' } });
    expect((await parker.push([stray])).body).toMatchObject({ results: [{ status: 'rejected', reason: expect.stringMatching(/has no parked cart/) }] });
  });
});
