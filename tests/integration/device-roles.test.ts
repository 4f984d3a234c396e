import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { saleRecordOf } from '../../src/domain/sale-record.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import type { TenderRecord } from '../../src/domain/tender.ts';
import type { PushResponse } from '../../src/protocol/messages.ts';
import { withServer } from '../support/server-fixture.ts';
import { salePayload, type ErrorAnswer } from './helpers/device-client.ts';
import { refundPayload } from './helpers/refund-payload.ts';

const AUSTIN = 'store-us-austin';
const server = withServer({ label: 'device-roles', demoProducts: 40 });

const outcomes = (answer: { status: number; body: PushResponse | ErrorAnswer }) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as PushResponse).results.map((result) => (result.status === 'rejected' ? `rejected: ${result.reason}` : result.status));
};
const byCard = (total: number): TenderRecord[] => [{ kind: 'card', amount: total, brand: 'Visa', last4: '4242', approvalCode: 'OK1', terminalRef: `T-${randomBytes(4).toString('hex')}`, offline: false }];

/**
 * A kiosk is a customer's screen: the server takes its self-checkout sales and
 * nothing an associate or a manager does, whatever its token sends. Each
 * refusal is the protocol's: the event is quarantined with its reason, HQ is
 * alarmed, and the kiosk's queue goes on.
 */
describe("what a kiosk's token may journal", () => {
  it('a card sale, yes; a till session, a no-sale drawer opening, a refund or a staff-priced sale, no: each quarantined, alarmed, and the queue goes on', async () => {
    const { client, chain } = await server.till(AUSTIN, 41, { role: 'kiosk' });
    const manager = chain.slice.staff.find((member) => member.role === 'manager')!;
    const staffName = chain.slice.staff[0]!.name;
    const sale = chain.next({ paidWith: byCard });
    const sessionId = uuidv7(Date.now(), randomBytes(10));
    chain.append({ type: 'till.opened', payload: { sessionId, staffName, float: 10_000, count: {} } });
    chain.append({ type: 'till.cash_moved', payload: { sessionId, staffName, kind: 'no_sale', reason: 'change for the meter', approvedBy: manager.id } });
    const record = saleRecordOf(salePayload(sale), { deviceId: client.deviceId, hlc: sale.hlc });
    chain.append({ type: 'refund.completed', payload: refundPayload(chain.slice.store, record, [{ line: 0, quantity: 1 }], { approvedBy: manager.id }) });
    chain.next({ paidWith: byCard, tamper: (payload) => ({ ...payload, pricing: { ...payload.pricing, staffPurchase: true } }) });
    const after = chain.next({ paidWith: byCard });

    const answer = await client.push(chain.events);
    expect(outcomes(answer)).toEqual([
      'applied',
      "rejected: a kiosk may not journal till.opened: only an associate's tablet may",
      "rejected: a kiosk may not journal till.cash_moved: only an associate's tablet may",
      "rejected: a kiosk may not journal refund.completed: only an associate's tablet may",
      "rejected: a kiosk's sale may not be a staff purchase",
      'applied',
    ]);
    // The queue went on past every refusal.
    expect((answer.body as PushResponse).ackedThroughSeq).toBe(after.seq);
    const alarms = server.ledger((db) => db.prepare(`SELECT seq FROM alarms WHERE kind = 'forbidden_for_role' AND device_id = ? ORDER BY seq`).all(client.deviceId));
    expect(alarms).toEqual([{ seq: 2 }, { seq: 3 }, { seq: 4 }, { seq: 5 }]);
    // Nothing of them was booked: no return, and only the two sales.
    expect(server.ledger((db) => db.prepare(`SELECT COUNT(*) AS n FROM returns WHERE device_id = ?`).get(client.deviceId))).toEqual({ n: 0 });
    expect(server.ledger((db) => db.prepare(`SELECT COUNT(*) AS n FROM sales WHERE device_id = ?`).get(client.deviceId))).toEqual({ n: 2 });
  });

  it("a tablet's token journals the same till session and drawer opening", async () => {
    const { client, chain } = await server.till(AUSTIN, 42);
    const manager = chain.slice.staff.find((member) => member.role === 'manager')!;
    const staffName = chain.slice.staff[0]!.name;
    const sessionId = uuidv7(Date.now(), randomBytes(10));
    chain.append({ type: 'till.opened', payload: { sessionId, staffName, float: 10_000, count: {} } });
    chain.append({ type: 'till.cash_moved', payload: { sessionId, staffName, kind: 'no_sale', reason: 'change for the meter', approvedBy: manager.id } });
    const answer = await client.push(chain.events);
    expect(outcomes(answer)).toEqual(['applied', 'applied']);
  });
});
