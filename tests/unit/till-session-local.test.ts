import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { StoresideDb } from '../../src/local/db.ts';
import type { DeviceEnv } from '../../src/local/journal.ts';
import { closeTill, moveCash, openTill } from '../../src/local/till-session.ts';
import { tillSessionReport } from '../../src/local/till-report-projection.ts';
import { tillReport } from '../../src/domain/till-session.ts';

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
    expect(await moveCash(db, env, staff, { kind: 'drop', amount: 100, reason: 'safe' })).toEqual({ problem: { code: 'till_not_open' } });
    expect(await openTill(db, env, staff, 'USD', { 2000: 5 })).toBeNull();
    expect(await openTill(db, env, staff, 'USD', { 2000: 5 })).toEqual({ problem: { code: 'till_open' } });
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
    expect(await openTill(db, env, staff, 'USD', { 200: 1 })).toEqual({ problem: { code: 'unknown_denomination', currency: 'USD', denomination: 200 } });
    expect(await openTill(db, env, staff, 'USD', {})).toBeNull();
    const refused = await closeTill(db, env, staff, 'USD', {});
    expect(refused).toEqual({ problem: { code: 'unsent_records', count: 1 } });
    expect((await tillSessionReport(db))?.close).toBeNull();
  });

  it('keeps the report as it journals, and it is what the journal computes: also for a till whose kept report is gone or behind', async () => {
    const db = await till('till-session-kept');
    expect(await openTill(db, env, staff, 'USD', { 2000: 5 })).toBeNull();
    for (let i = 1; i <= 5; i++) expect(await moveCash(db, env, staff, { kind: i % 2 ? 'paid_in' : 'drop', amount: 100 * i, reason: `r${i}` })).toBeNull();
    const fromJournal = () => db.journal.toArray().then((events) => tillReport(events));
    const kept = await tillSessionReport(db);
    expect(kept).toEqual(await fromJournal());
    expect((await db.getMeta('tillReport'))?.throughSeq).toBe(6);

    // A till updated from a version that kept no report: computed from the journal until the next event keeps it again.
    await db.meta.delete('tillReport');
    expect(await tillSessionReport(db)).toEqual(kept);
    // A kept report behind the journal (as after a re-sequenced journal) is not trusted, nor folded on.
    await db.setMeta('tillReport', { report: { ...kept!, float: 1 }, throughSeq: 5 });
    expect(await tillSessionReport(db)).toEqual(kept);
    expect(await moveCash(db, env, staff, { kind: 'paid_out', amount: 50, reason: 'stamps' })).toBeNull();
    expect(await tillSessionReport(db)).toEqual(await fromJournal());
    expect((await tillSessionReport(db))!.cash.paidOut).toBe(50);
    expect((await db.getMeta('tillReport'))?.report?.float).toBe(10_000);
  });
});
