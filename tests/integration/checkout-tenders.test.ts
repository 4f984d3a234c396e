import { beforeAll, describe, expect, it } from 'vitest';
import type { SaleCompletedPayload } from '../../src/domain/sale.ts';
import type { TenderRecord } from '../../src/domain/tender.ts';
import type { StoredValueRecord } from '../../src/domain/stored-value.ts';
import type { CustomerRecord } from '../../src/domain/customer.ts';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import type { StoreRecord } from '../../src/protocol/entities.ts';
import type { Change, PullResponse, PushResponse } from '../../src/protocol/messages.ts';
import { withServer } from '../support/server-fixture.ts';
import { apiRequest, type DeviceClient, type ErrorAnswer, type SaleChain, type SaleOptions } from './helpers/device-client.ts';

/**
 * A complete checkout on the real server: a sale paid by gift card, card and
 * cash is booked with each tender; the gift card is debited and its balance
 * synced back; a card spent twice while apart ends overdrawn and HQ is told,
 * the sale still booked; a customer made at a till reaches every till; HQ sets
 * a store's offline policy.
 */

const AUSTIN = 'store-us-austin';
const CARD = 'GC-AUS-1001'; // the demo's first Austin gift card: 50.00

const server = withServer({ label: 'checkout-tenders', demoProducts: 40 });
let tillA: DeviceClient;
let tillB: DeviceClient;
let chainA: SaleChain;
let chainB: SaleChain;

beforeAll(async () => {
  ({ client: tillA, chain: chainA } = await server.till(AUSTIN, 7));
  ({ client: tillB, chain: chainB } = await server.till(AUSTIN, 8));
});

/** The record a device holds after pulling everything; `headers` pull as another app would (an older protocol). */
async function pulled<T>(device: DeviceClient, entity: Change['entity'], key: string, headers?: Record<string, string>): Promise<T | undefined> {
  if (!headers) return (await device.pulledRecords<T>(entity)).get(key);
  const answer = await apiRequest<PullResponse>(server.url, '/api/v1/sync/pull?cursor=0&limit=5000', { headers });
  const change = [...answer.body.changes].reverse().find((c) => c.entity === entity && c.key === key);
  return change?.op === 'put' ? (change.value as T) : undefined;
}

/** A sale of at least 70.00 paid with `nonCash`, and cash (handed over in round notes) for the rest. */
function saleOf(chain: SaleChain, nonCash: (total: number) => TenderRecord[], more: Pick<SaleOptions, 'customer'> = {}) {
  const product = chain.slice.products.find((candidate) => candidate.price >= 100)!;
  return chain.next({ lines: [cartLineFor(product, Math.ceil(7_000 / product.price))], paidWith: nonCash, ...more });
}

const alarms = () => server.hq.alarms(AUSTIN);

describe('a split-tender sale', () => {
  it('is booked with each tender, and the gift card it spent is debited and synced to every till', async () => {
    expect((await pulled<StoredValueRecord>(tillB, 'stored_value', CARD))?.balance).toBe(5_000);
    const event = saleOf(chainA, () => [
      { kind: 'gift_card', amount: 3_000, accountId: CARD, last4: '1001', offline: false },
      { kind: 'card', amount: 2_000, brand: 'Visa', last4: '4242', approvalCode: 'A12345', terminalRef: 'SIM-1', offline: true },
    ]);
    const answer = await tillA.push([event]);
    expect((answer.body as PushResponse).results).toEqual([{ id: event.id, seq: 1, status: 'applied' }]);

    const tenders = server.ledger((db) => db.prepare(`SELECT kind, amount FROM tenders WHERE sale_id = ? ORDER BY tender_no`).all((event.payload as SaleCompletedPayload).saleId));
    expect(tenders).toEqual([
      { kind: 'gift_card', amount: 3_000 },
      { kind: 'card', amount: 2_000 },
      { kind: 'cash', amount: (event.payload as SaleCompletedPayload).total - 5_000 },
    ]);
    expect((await pulled<StoredValueRecord>(tillB, 'stored_value', CARD))?.balance).toBe(2_000);
    expect(await alarms()).toEqual([]);
  });

  it('that overdraws a gift card (spent on another till from a stale balance) is still booked, and HQ is told by how much', async () => {
    const event = saleOf(chainB, () => [{ kind: 'gift_card', amount: 3_000, accountId: CARD, last4: '1001', offline: true }]);
    expect(((await tillB.push([event])).body as PushResponse).results[0]?.status).toBe('applied');
    expect((await pulled<StoredValueRecord>(tillA, 'stored_value', CARD))?.balance).toBe(-1_000);
    expect(await alarms()).toEqual([expect.objectContaining({ kind: 'stored_value_overdrawn', detail: expect.stringMatching(/spent \$30\.00 of GC-AUS-1001 offline, \$10\.00 more than it held; balance now -\$10\.00/) })]);
  });

  it('naming a gift card the store does not have is booked without a debit, and alarmed', async () => {
    const event = saleOf(chainB, () => [{ kind: 'gift_card', amount: 1_000, accountId: 'GC-AUS-9999', last4: '9999', offline: false }]);
    expect(((await tillB.push([event])).body as PushResponse).results[0]?.status).toBe('applied');
    expect((await alarms()).map((alarm) => alarm.kind)).toContain('stored_value_unknown');
    expect(await pulled(tillA, 'stored_value', 'GC-AUS-9999')).toBeUndefined();
  });

  it('whose tenders do not add up to its total is refused into quarantine, and debits nothing', async () => {
    const event = saleOf(chainA, (total) => [
      { kind: 'gift_card', amount: 500, accountId: 'GC-AUS-1002', last4: '1002', offline: false },
      { kind: 'card', amount: total, brand: 'Visa', last4: '4242', approvalCode: 'A1', terminalRef: 'SIM-2', offline: false },
    ]);
    const result = ((await tillA.push([event])).body as PushResponse).results[0];
    expect(result).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/tenders add up to/) });
    expect((await pulled<StoredValueRecord>(tillA, 'stored_value', 'GC-AUS-1002'))?.balance).toBe(2_500);
  });
});

describe('a customer made at a till', () => {
  it('becomes a customer record every till of the store pulls; the same id again is refused', async () => {
    const customerId = '01937a2e-1111-7000-8000-000000000001';
    const created = chainA.append({ type: 'customer.created', payload: { customerId, name: 'Jo Park', phone: '+15125550177', email: null } });
    const again = chainA.append({ type: 'customer.created', payload: { customerId, name: 'Jo Park', phone: null, email: 'jo@example.com' } });
    const results = ((await tillA.push([created, again])).body as PushResponse).results;
    expect(results.map((result) => result.status)).toEqual(['applied', 'rejected']);
    expect(results[1]?.reason).toMatch(/exists already/);
    expect(await pulled<CustomerRecord>(tillB, 'customer', customerId)).toEqual({ id: customerId, name: 'Jo Park', phone: '+15125550177', email: null });
  });

  it('is refused as bad input without a phone or an email, and nothing is applied', async () => {
    const chain = chainA.fork();
    const event = chain.append({ type: 'customer.created', payload: { customerId: '01937a2e-1111-7000-8000-000000000002', name: 'Nobody', phone: null, email: null } });
    const answer = await tillA.push([event]);
    expect(answer.status).toBe(400);
    expect((answer.body as ErrorAnswer).error).toMatchObject({ code: 'invalid_body', message: expect.stringMatching(/phone number or an email/) });
  });
});

describe('stored value and customers on an older till', () => {
  it('are not sent to a protocol-3 device, which could not read them', async () => {
    const old = { 'x-storeside-protocol': '3', authorization: `Bearer ${tillB.token}` };
    expect(await pulled(tillB, 'stored_value', CARD, old)).toBeUndefined();
    expect(await pulled(tillB, 'customer', `cust-aus-1`, old)).toBeUndefined();
    expect(await pulled(tillB, 'customer', `cust-aus-1`)).toMatchObject({ name: 'Ana Lopez' });
  });
});

describe('a store’s offline policy set at HQ', () => {
  const policy = { maxOfflineHours: 12, cardPerSale: 15_000, cardPerDevice: 60_000, tendersOffline: ['cash', 'card'], storedValuePerCard: 0 };
  const post = (body: unknown) => server.hq.post<{ store: StoreRecord; version: number } & ErrorAnswer>('/api/v1/hq/store', body);
  const read = async () => (await server.hq.get<{ store: StoreRecord; version: number }>(`/api/v1/hq/store?store=${AUSTIN}`)).body;

  it('reaches the store’s tills with its name unchanged, and null puts the default back', async () => {
    const before = await read();
    const saved = await post({ store: AUSTIN, version: before.version, offlinePolicy: policy });
    expect(saved.status).toBe(200);
    expect(saved.body.store).toEqual({ ...before.store, offlinePolicy: policy });
    expect((await pulled<StoreRecord>(tillA, 'store', AUSTIN))?.offlinePolicy).toEqual(policy);
    const cleared = await post({ store: AUSTIN, version: saved.body.version, offlinePolicy: null });
    expect(cleared.body.store).toEqual(before.store);
    // Sales go on being booked under the changed settings.
    expect(((await tillA.push([saleOf(chainA, () => [])])).body as PushResponse).results[0]?.status).toBe('applied');
  });

  it('refuses a malformed policy, naming the field, and an edit that changes nothing, and writes nothing', async () => {
    const { version, store } = await read();
    const refused = [
      [{ store: AUSTIN, version, offlinePolicy: { ...policy, cardPerSale: -1 } }, /cardPerSale/],
      [{ store: AUSTIN, version, offlinePolicy: { ...policy, tendersOffline: ['exchange'] } }, /tendersOffline/],
      [{ store: AUSTIN, version, offlinePolicy: { ...policy, tendersOffline: ['cash', 'cash'] } }, /listed twice/],
      [{ store: AUSTIN, version, offlinePolicy: { ...policy, maxOfflineHours: 0 } }, /maxOfflineHours/],
      [{ store: AUSTIN, version, offlinePolicy: { ...policy, surprise: 1 } }, /surprise/],
      [{ store: AUSTIN, version }, /name a setting to change/],
    ] as const;
    for (const [body, message] of refused) {
      const answer = await post(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'invalid_body', message: expect.stringMatching(message) });
    }
    expect((await post({ store: AUSTIN, version: version - 1, offlinePolicy: policy })).status).toBe(409);
    expect(await read()).toEqual({ version, store });
  });
});

describe('store credit spent for another customer', () => {
  const SAM = { id: 'cust-aus-2', name: 'Sam Weber' }; // holds SC-AUS-2002: 30.00
  const kinds = async (kind: string) => (await alarms()).filter((alarm) => alarm.kind === kind);

  it('is kept and debited (the till completed it), and HQ is told whose credit paid for whom', async () => {
    const nobody = saleOf(chainA, () => [{ kind: 'store_credit', amount: 1_000, accountId: 'SC-AUS-2002', offline: false }]);
    expect(((await tillA.push([nobody])).body as PushResponse).results[0]?.status).toBe('applied');
    expect((await pulled<StoredValueRecord>(tillB, 'stored_value', 'SC-AUS-2002'))?.balance).toBe(2_000);
    expect(await kinds('stored_value_wrong_customer')).toEqual([
      expect.objectContaining({ detail: `sale ${(nobody.payload as SaleCompletedPayload).receiptNumber} for no customer spent $10.00 of store credit SC-AUS-2002, which belongs to customer ${SAM.id}` }),
    ]);

    // Sam's own sale spends it without an alarm.
    const owned = saleOf(chainA, () => [{ kind: 'store_credit', amount: 1_000, accountId: 'SC-AUS-2002', offline: false }], { customer: SAM });
    expect(((await tillA.push([owned])).body as PushResponse).results[0]?.status).toBe('applied');
    expect((await pulled<StoredValueRecord>(tillB, 'stored_value', 'SC-AUS-2002'))?.balance).toBe(1_000);
    expect(await kinds('stored_value_wrong_customer')).toHaveLength(1);
  });
});

describe('an approval at the till by someone who is not a manager of the store', () => {
  const notByManager = async () => (await alarms()).filter((alarm) => alarm.kind === 'approval_not_by_manager');
  const staffOf = (role: string) => chainB.slice.staff.find((member) => member.role === role)!;

  it('keeps the sale or drawer event, and HQ is told the event, the approver and what was approved', async () => {
    const associate = staffOf('associate');
    const manager = staffOf('manager');
    const sale = chainB.next({
      tamper: (payload) => ({
        ...payload,
        pricing: {
          ...payload.pricing,
          manualDiscounts: [
            { id: 'md-assoc', scope: 'basket', amount: 100, reason: 'scuffed box', approvedBy: associate.id },
            { id: 'md-mgr', scope: 0, percent: 5, reason: 'loyal customer', approvedBy: manager.id },
          ],
        },
        overrides: [{ kind: 'offline_limit', limit: 'card total offline 512.00 of 500.00', approvedBy: 'made-up-7' }],
      }),
    });
    const sessionId = '01937a2e-2222-7000-8000-000000000001';
    const noSale = chainB.append({ type: 'till.cash_moved', payload: { sessionId, staffName: associate.name, kind: 'no_sale', reason: 'change for the float', approvedBy: associate.id } });
    const approvedNoSale = chainB.append({ type: 'till.cash_moved', payload: { sessionId, staffName: associate.name, kind: 'no_sale', reason: 'coin jam', approvedBy: manager.id } });
    const answer = await tillB.push([sale, noSale, approvedNoSale]);
    expect((answer.body as PushResponse).results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);

    const details = (await notByManager()).map((alarm) => alarm.detail);
    // One alarm each for the associate's discount, the made-up approver's override and the associate's no-sale; none for the manager's.
    expect(details).toHaveLength(3);
    expect(details).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^sale\\.completed event ${sale.id}: manual discount md-assoc \\(amount 100 on the basket: scuffed box\\) was approved by ${associate.id}, but approver ${associate.id} is not a manager of store ${AUSTIN}$`)),
      expect.stringMatching(new RegExp(`^sale\\.completed event ${sale.id}: offline limit override \\(card total offline 512\\.00 of 500\\.00\\) was approved by made-up-7, but approver made-up-7 is not on store ${AUSTIN}'s staff$`)),
      expect.stringMatching(new RegExp(`^till\\.cash_moved event ${noSale.id}: no sale \\(drawer opened: change for the float\\) was approved by ${associate.id}, but .* not a manager`)),
    ]));
  });
});
