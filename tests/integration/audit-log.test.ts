import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../src/domain/audit.ts';
import type { StoreEvent } from '../../src/domain/events.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import { withServer } from '../support/server-fixture.ts';
import type { DeviceClient, SaleChain } from './helpers/device-client.ts';

/**
 * HQ's audit log of a store: every sensitive action its tills sent (manager
 * discounts, offline-limit overrides, no-sale drawer openings), by who served
 * and who approved, newest first, a page at a time — and nothing of another store.
 */

const AUSTIN = 'store-us-austin';
const BERLIN = 'store-de-berlin';
const server = withServer({ label: 'audit-log', demoProducts: 40 });
let till: DeviceClient;
let chain: SaleChain;
const sent: StoreEvent[] = [];

beforeAll(async () => {
  ({ client: till, chain } = await server.till(AUSTIN, 9));
});

describe('the audit log at HQ', () => {
  it('lists the store’s sensitive actions newest first, with the names of who served and who approved', async () => {
    const staff = chain.slice.staff;
    const manager = staff.find((member) => member.role === 'manager')!;
    const start = Date.now() + 60_000;
    chain.next({ at: start });
    chain.next({
      at: start + 1_000,
      tamper: (payload) => ({
        ...payload,
        pricing: { ...payload.pricing, manualDiscounts: [{ id: 'm1', scope: 0, percent: 15, reason: 'scratched lid', approvedBy: manager.id }] },
      }),
    });
    const sessionId = uuidv7(start, randomBytes(10));
    chain.append({ type: 'till.opened', payload: { sessionId, staffName: staff[0]!.name, float: 10_000, count: {} } }, { at: start + 2_000 });
    chain.append({ type: 'till.cash_moved', payload: { sessionId, staffName: staff[0]!.name, kind: 'no_sale', reason: 'customer needed change', approvedBy: manager.id } }, { at: start + 3_000 });
    chain.next({ at: start + 4_000, tamper: (payload) => ({ ...payload, overrides: [{ kind: 'offline_limit', limit: 'card total offline 512.00 of 500.00', approvedBy: manager.id }] }) });
    sent.push(...chain.events);
    expect((await till.push(chain.events)).status).toBe(200);

    const answer = await server.hq.audit(AUSTIN);
    expect(answer.status).toBe(200);
    const { entries, next } = answer.body;
    expect(next).toBeNull();
    expect(entries.map((entry) => entry.kind)).toEqual(['offline_limit_override', 'no_sale', 'manager_discount']);
    expect(entries.every((entry) => entry.approvedBy === manager.id && entry.approvedByName === manager.name)).toBe(true);
    expect(entries[1]).toMatchObject({ staffId: staff[0]!.id, staffName: staff[0]!.name, detail: 'Drawer opened without a sale: customer needed change' });
    expect(entries[2]!.detail).toMatch(/^15 % off .+: scratched lid$/);
    // What the server lists is exactly what the same function finds in what the till sent.
    expect(entries.map(({ staffName: _s, approvedByName: _a, ...entry }) => entry)).toEqual(sent.flatMap(auditEntries).reverse());
  });

  it('pages by `next` and narrows by time; another store sees none of it', async () => {
    const first = await server.hq.audit(AUSTIN, 'limit=2');
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.next).not.toBeNull();
    const second = await server.hq.audit(AUSTIN, `limit=2&before=${encodeURIComponent(first.body.next!)}`);
    expect(second.body.entries.map((entry) => entry.kind)).toEqual(['manager_discount']);
    expect(second.body.next).toBeNull();

    const noSaleAt = first.body.entries[1]!.at;
    const window = await server.hq.audit(AUSTIN, `from=${noSaleAt}&to=${noSaleAt + 1}`);
    expect(window.body.entries.map((entry) => entry.kind)).toEqual(['no_sale']);
    expect((await server.hq.audit(BERLIN)).body.entries).toEqual([]);
  });
});

describe('a card charge released from a sale at the till', () => {
  it('is listed in the audit by the manager who released it, and raises an alarm for HQ to check the terminal’s batch', async () => {
    const manager = chain.slice.staff.find((member) => member.role === 'manager')!;
    const associate = chain.slice.staff.find((member) => member.role === 'associate')!;
    const before = chain.events.length;
    const charge = { kind: 'card' as const, amount: 1_137, brand: 'Visa', last4: '4243', approvalCode: 'A00001', terminalRef: 'SIM-REL-1', offline: false };
    chain.append(
      { type: 'payment.released', payload: { charge, currency: 'USD', reason: 'no_charge_on_slip', terminalAnswer: 'the terminal has no open charge SIM-REL-1', approvedBy: manager.id, staffName: associate.name } },
      { at: Date.now() + 120_000, staffIndex: chain.slice.staff.indexOf(associate) },
    );
    const pushed = await till.push(chain.events.slice(before));
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({ results: [{ status: 'applied' }] });

    const [entry] = (await server.hq.audit(AUSTIN, 'limit=1')).body.entries;
    expect(entry).toMatchObject({ kind: 'card_released', approvedBy: manager.id, approvedByName: manager.name, amount: 1_137, staffId: associate.id });
    expect(entry!.detail).toMatch(/Visa •••• 4243 \(terminal SIM-REL-1\) released from a sale: the slip shows no charge/);
    const alarms = await server.hq.alarms(AUSTIN);
    expect(alarms.filter((alarm) => alarm.kind === 'card_charge_released').map((alarm) => alarm.detail)).toEqual([expect.stringMatching(/SIM-REL-1 .* released from a sale by .*terminal's batch/)]);
  });
});
