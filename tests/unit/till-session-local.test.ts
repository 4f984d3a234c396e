import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { StoresideDb } from '../../src/local/db.ts';
import type { DeviceEnv } from '../../src/local/journal.ts';
import { closeTill, moveCash, openTill, tillSessionReport } from '../../src/local/till-session.ts';

const staff = { id: 'staff-1', name: 'Ana' };
let tick = 0;
const env: DeviceEnv = { now: () => 1_800_000_000_000 + ++tick, randomBytes: (n) => new Uint8Array(n).fill(tick % 256) };

async function till(name: string) {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'till-1', storeId: 'store-1', role: 'tablet', token: 't' });
  return db;
}
const everythingSent = async (db: StoresideDb) => db.setMeta('ackedSeq', await db.journalHeadSeq());

describe('the till’s session on the device', () => {
  it('opens once, moves cash only while open, and closes with the count', async () => {
    const db = await till('till-session-flow');
    expect(await moveCash(db, env, staff, { kind: 'drop', amount: 100, reason: 'safe' })).toEqual({ error: 'Open the till first.' });
    expect(await openTill(db, env, staff, 'USD', { 2000: 5 })).toBeNull();
    expect(await openTill(db, env, staff, 'USD', { 2000: 5 })).toEqual({ error: 'The till is open already: close it first.' });
    expect(await moveCash(db, env, staff, { kind: 'paid_in', amount: 500, reason: 'change' })).toBeNull();
    expect(await moveCash(db, env, staff, { kind: 'no_sale', reason: 'customer change', approvedBy: 'staff-9' })).toBeNull();
    expect(await tillSessionReport(db)).toMatchObject({ float: 10_000, cash: { paidIn: 500, noSales: 1, expected: 10_500 }, close: null });

    await everythingSent(db);
    const closed = await closeTill(db, env, staff, 'USD', { 2000: 5, 100: 4 });
    expect(closed).toMatchObject({ close: { closedBy: 'Ana', counted: 10_400, variance: -100 } });
    // A new session starts from its own float.
    expect(await openTill(db, env, staff, 'USD', { 1000: 3 })).toBeNull();
    expect(await tillSessionReport(db)).toMatchObject({ float: 3_000, close: null });
  });

  it('refuses a count with a coin the currency does not have, and a close while records wait to be sent', async () => {
    const db = await till('till-session-refusals');
    expect(await openTill(db, env, staff, 'USD', { 200: 1 })).toEqual({ error: 'USD has no note or coin worth 200 minor units' });
    expect(await openTill(db, env, staff, 'USD', {})).toBeNull();
    const refused = await closeTill(db, env, staff, 'USD', {});
    expect(refused).toEqual({ error: expect.stringMatching(/^1 of this till’s records have not reached the server yet/) });
    expect((await tillSessionReport(db))?.close).toBeNull();
  });
});
