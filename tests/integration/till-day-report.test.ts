import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../src/domain/events.ts';
import { saleRecordOf } from '../../src/domain/sale-record.ts';
import type { RefundCompletedPayload } from '../../src/domain/sale-return.ts';
import { voidTenders } from '../../src/domain/sale-void.ts';
import type { TenderRecord } from '../../src/domain/tender.ts';
import type { TillFigures, TillReport } from '../../src/domain/till-session.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import type { StoreRecord } from '../../src/protocol/entities.ts';
import type { PullResponse, PushResponse } from '../../src/protocol/messages.ts';
import type { DayReport, TillSessionsPage } from '../../src/protocol/till-reports.ts';
import { withServer } from '../support/server-fixture.ts';
import { salePayload, type DeviceClient, type ErrorAnswer, type SaleChain, type StoreSliceSnapshot } from './helpers/device-client.ts';
import { refundPayload } from './helpers/refund-payload.ts';

/**
 * HQ's till reports (issue 11) on the real server: a store's till sessions,
 * and its business day in its own time zone — every session that ran that
 * day with its X or Z report, plus every sale, return and void made outside
 * any session — where each sale lands exactly once and the totals add up.
 *
 * The day is in the future (the tills' clocks start now and only move on);
 * Austin keeps Central Daylight Time then: midnight is 05:00 UTC.
 */

const AUSTIN = 'store-us-austin';
const DAY = '2030-07-15';
const MIDNIGHT = Date.UTC(2030, 6, 15, 5);
const HOUR = 3_600_000;
/** Local time on DAY in Austin (hours may be negative or past 24: the days either side). */
const austin = (hours: number) => MIDNIGHT + hours * HOUR;

const server = withServer({ label: 'till-day-report', demoProducts: 40 });
let slice: StoreSliceSnapshot;

beforeAll(async () => {
  slice = await server.slice(AUSTIN);
});

const results = (answer: { body: PushResponse | ErrorAnswer }) => (answer.body as PushResponse).results.map((result) => result.status);

/** A till of the store, with its journal. */
const till = (role: 'tablet' | 'kiosk', seed: number): Promise<{ client: DeviceClient; chain: SaleChain }> => server.till(AUSTIN, seed, { role });

/** A return of the sale's first line, one unit, refunded as the till would refund it (cash back for a cash sale). */
function returnOf(sale: StoreEvent, at: number): RefundCompletedPayload {
  const record = saleRecordOf(salePayload(sale), { deviceId: sale.deviceId, hlc: sale.hlc });
  return refundPayload(slice.store, record, [{ line: 0, quantity: 1 }], { at });
}

/** Paid in full on the card terminal. */
const byCard = (total: number): TenderRecord[] => [{ kind: 'card', amount: total, brand: 'Visa', last4: '4242', approvalCode: 'OK1', terminalRef: `T-${randomBytes(4).toString('hex')}`, offline: false }];

/** What a list of sales, returns and voids adds up to, counted here from the events themselves. */
function counted(events: readonly StoreEvent[]) {
  const sales = events.filter((event) => event.type === 'sale.completed').map((event) => salePayload(event));
  const refunds = events.flatMap((event) => (event.type === 'refund.completed' ? [event.payload] : []));
  const voids = events.flatMap((event) => (event.type === 'sale.voided' ? [event.payload] : []));
  return { sales: sales.length, takings: sales.reduce((sum, sale) => sum + sale.total, 0), returns: refunds.reduce((sum, refund) => sum + refund.total, 0), voids: voids.reduce((sum, voided) => sum + voided.total, 0) };
}
const shown = (figures: TillFigures) => ({ sales: figures.sales.count, takings: figures.sales.total, returns: figures.returns.total, voids: figures.voids.total });

describe('a store’s business day at HQ', () => {
  /**
   * Till A: a sale the evening before; on the day, four sales and a refund before
   * it opens, a session, three sales after it closes and a void the ledger
   * refuses; a sale after midnight. Till B: a session from the evening before
   * to 02:00. A kiosk: card sales, never a session.
   */
  let a: { client: DeviceClient; chain: SaleChain };
  let b: { client: DeviceClient; chain: SaleChain };
  let kiosk: { client: DeviceClient; chain: SaleChain };
  const onTheDay: StoreEvent[] = [];
  const outsideOnTheDay: StoreEvent[] = [];
  let inSessionA: StoreEvent[] = [];
  let sessionB: StoreEvent[] = [];
  let sessionA = '';
  let sessionBId = '';

  beforeAll(async () => {
    a = await till('tablet', 71);
    b = await till('tablet', 72);
    kiosk = await till('kiosk', 73);
    const staffName = slice.staff[0]!.name;
    const associate = slice.staff.find((member) => member.role === 'associate')!;

    // Till B: open across midnight.
    sessionBId = uuidv7(austin(-2), randomBytes(10));
    b.chain.append({ type: 'till.opened', payload: { sessionId: sessionBId, staffName, float: 10_000, count: {} } }, { at: austin(-2) });
    const lateSale = b.chain.next({ at: austin(-1) });
    const nightSale = b.chain.next({ at: austin(1) });
    b.chain.append({ type: 'till.closed', payload: { sessionId: sessionBId, staffName, counted: 10_000, count: {} } }, { at: austin(2) });
    sessionB = [lateSale, nightSale];
    onTheDay.push(nightSale);

    // Till A.
    a.chain.next({ at: austin(-0.5) });
    const before = [8, 8.1, 8.2, 8.3].map((hour) => a.chain.next({ at: austin(hour) }));
    const refund = a.chain.append({ type: 'refund.completed', payload: returnOf(before[0]!, austin(8.5)) }, { at: austin(8.5) });
    outsideOnTheDay.push(...before, refund);
    sessionA = uuidv7(austin(9), randomBytes(10));
    a.chain.append({ type: 'till.opened', payload: { sessionId: sessionA, staffName, float: 20_000, count: {} } }, { at: austin(9) });
    inSessionA = [10, 11, 12].map((hour) => a.chain.next({ at: austin(hour) }));
    a.chain.append({ type: 'till.cash_moved', payload: { sessionId: sessionA, staffName, kind: 'drop', amount: 5_000, reason: 'safe drop' } }, { at: austin(13) });
    a.chain.append({ type: 'till.closed', payload: { sessionId: sessionA, staffName, counted: 31_000, count: {} } }, { at: austin(17) });
    const after = [18, 19, 20].map((hour) => a.chain.next({ at: austin(hour) }));
    // A void approved by an associate: the ledger quarantines it, but the till paid the cash back.
    const record = saleRecordOf(salePayload(after[2]!), { deviceId: a.client.deviceId, hlc: after[2]!.hlc });
    const tenders = voidTenders(record.tenders);
    if ('error' in tenders) throw new Error(tenders.error);
    const refusedVoid = a.chain.append(
      { type: 'sale.voided', payload: { voidId: uuidv7(austin(21), randomBytes(10)), sale: { saleId: record.id, receiptNumber: record.receiptNumber }, tenders, total: record.total, reason: 'rang twice', approvedBy: associate.id, completedAt: austin(21) } },
      { at: austin(21) },
    );
    outsideOnTheDay.push(...after, refusedVoid);
    a.chain.next({ at: austin(24.5) });
    onTheDay.push(...outsideOnTheDay, ...inSessionA);

    // The kiosk: card sales, no drawer, no session.
    const cardSales = [12, 12.5].map((hour) => kiosk.chain.next({ at: austin(hour), paidWith: byCard }));
    outsideOnTheDay.push(...cardSales);
    onTheDay.push(...cardSales);

    expect(results(await b.client.push(b.chain.events))).toEqual(b.chain.events.map(() => 'applied'));
    const pushedA = results(await a.client.push(a.chain.events));
    expect(pushedA.filter((status) => status === 'rejected')).toHaveLength(1);
    expect(pushedA[a.chain.events.indexOf(refusedVoid)]).toBe('rejected');
    expect(results(await kiosk.client.push(kiosk.chain.events))).toEqual(['applied', 'applied']);
  });

  it('lists every session that ran that day with its report, and every sale, return and void outside one, each exactly once', async () => {
    const answer = await server.hq.dayReport(AUSTIN, DAY);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const day = answer.body as DayReport;
    expect(day).toMatchObject({ store: AUSTIN, day: DAY, timeZone: 'America/Chicago', from: MIDNIGHT, to: austin(24) });

    // B's session ran from the evening before to 02:00: whole, as its Z report. A's, opened at 09:00 and closed at 17:00.
    expect(day.sessions.map((session) => [session.deviceId, session.report.sessionId, session.status])).toEqual([
      [b.client.deviceId, sessionBId, 'closed'],
      [a.client.deviceId, sessionA, 'closed'],
    ]);
    const [zB, zA] = day.sessions.map((session) => session.report) as [TillReport, TillReport];
    expect(shown(zA)).toEqual(counted(inSessionA));
    expect(shown(zB)).toEqual(counted(sessionB));
    const tillReport = await server.hq.tillReport(a.client.deviceId, sessionA);
    expect(day.sessions[1]!.report).toEqual((tillReport.body as { report: TillReport }).report);
    expect(zA.close).toEqual({ closedBy: slice.staff[0]!.name, counted: 31_000, variance: 31_000 - zA.cash.expected });

    // Outside any session: A's four sales and refund before it opened, its three after the close and the
    // refused void (counted as its drawer counted it, marked so), and the kiosk's card sales. Not the day
    // before's or after's.
    expect(day.outside.events.map((event) => event.id).sort()).toEqual(outsideOnTheDay.map((event) => event.id).sort());
    expect(day.outside.events.filter((event) => event.status === 'rejected').map((event) => event.type)).toEqual(['sale.voided']);
    expect(new Set(day.outside.events.map((event) => event.role))).toEqual(new Set(['tablet', 'kiosk']));
    expect(shown(day.outside.figures)).toEqual(counted(outsideOnTheDay));
    expect(day.outside.figures.byTender['card']).toBe(counted(outsideOnTheDay.filter((event) => event.deviceId === kiosk.client.deviceId)).takings);

    // Nothing counted twice, nothing left out: the sessions (whole) and the outside figures are the day's totals.
    const everySale = [...inSessionA, ...sessionB, ...outsideOnTheDay];
    expect(new Set(everySale.map((event) => event.id)).size).toBe(everySale.length);
    expect(shown(day.totals)).toEqual(counted(everySale));
    expect(day.totals.sales.total).toBe(zA.sales.total + zB.sales.total + day.outside.figures.sales.total);
    expect(day.totals.returns.total).toBe(zA.returns.total + zB.returns.total + day.outside.figures.returns.total);
    expect(day.totals.voids.total).toBe(zA.voids.total + zB.voids.total + day.outside.figures.voids.total);
    expect(day.totals.cash.expected).toBe(zA.cash.expected + zB.cash.expected + day.outside.figures.cash.expected);
    for (const kind of new Set([...Object.keys(zA.byTender), ...Object.keys(zB.byTender), ...Object.keys(day.outside.figures.byTender)])) {
      expect(day.totals.byTender[kind], kind).toBe((zA.byTender[kind] ?? 0) + (zB.byTender[kind] ?? 0) + (day.outside.figures.byTender[kind] ?? 0));
    }
    expect(day.totals.sales.tax).toBe(zA.sales.tax + zB.sales.tax + day.outside.figures.sales.tax);
  });

  it('gives the day before its own sales outside a session, and the session that ran past midnight again, whole', async () => {
    const day = (await server.hq.dayReport(AUSTIN, '2030-07-14')).body as DayReport;
    expect(day.sessions.map((session) => session.report.sessionId)).toEqual([sessionBId]);
    expect(day.outside.events.map((event) => event.deviceId)).toEqual([a.client.deviceId]);
    const next = (await server.hq.dayReport(AUSTIN, '2030-07-16')).body as DayReport;
    expect(next.sessions).toEqual([]);
    expect(next.outside.events).toHaveLength(1);
  });

  it('lists the store’s till sessions in a window, newest opening first, a page at a time', async () => {
    const window = `from=${austin(-24)}&to=${austin(48)}`;
    const all = (await server.hq.tillSessions(AUSTIN, window)).body as TillSessionsPage;
    expect(all.sessions.map((session) => session.sessionId)).toEqual([sessionA, sessionBId]);
    const zA = (day: DayReport) => day.sessions.find((session) => session.report.sessionId === sessionA)!.report;
    const report = zA((await server.hq.dayReport(AUSTIN, DAY)).body as DayReport);
    expect(all.sessions[0]).toEqual({
      deviceId: a.client.deviceId,
      role: 'tablet',
      sessionId: sessionA,
      status: 'closed',
      openedBy: slice.staff[0]!.name,
      openedAt: austin(9),
      float: 20_000,
      closedBy: slice.staff[0]!.name,
      closedAt: austin(17),
      expected: report.cash.expected,
      counted: 31_000,
      variance: 31_000 - report.cash.expected,
    });
    expect(all.next).toBeNull();

    const first = (await server.hq.tillSessions(AUSTIN, `${window}&limit=1`)).body as TillSessionsPage;
    expect(first.sessions.map((session) => session.sessionId)).toEqual([sessionA]);
    const second = (await server.hq.tillSessions(AUSTIN, `${window}&limit=1&before=${first.next}`)).body as TillSessionsPage;
    expect(second.sessions.map((session) => session.sessionId)).toEqual([sessionBId]);
    expect(second.next).toBeNull();

    // A window inside B's session, after its opening: B ran then, A did not.
    const night = (await server.hq.tillSessions(AUSTIN, `from=${austin(0.5)}&to=${austin(1.5)}`)).body as TillSessionsPage;
    expect(night.sessions.map((session) => session.sessionId)).toEqual([sessionBId]);
  });

  it('lists a session still open, with what its drawer should hold so far and no count', async () => {
    const { client, chain } = await till('tablet', 74);
    // Days after the others, so they are not in the reports above whatever order these run in.
    const sessionId = uuidv7(austin(80), randomBytes(10));
    chain.append({ type: 'till.opened', payload: { sessionId, staffName: slice.staff[0]!.name, float: 5_000, count: {} } }, { at: austin(80) });
    const sale = chain.next({ at: austin(81) });
    expect(results(await client.push(chain.events))).toEqual(['applied', 'applied']);
    const page = (await server.hq.tillSessions(AUSTIN, `from=${austin(72)}&to=${austin(96)}`)).body as TillSessionsPage;
    const open = page.sessions.find((session) => session.sessionId === sessionId)!;
    expect(open).toMatchObject({ status: 'open', closedBy: null, closedAt: null, counted: null, variance: null, float: 5_000 });
    expect(open.expected).toBe(5_000 + salePayload(sale).total);
  });
});

describe('whether cash needs an open till, as HQ sets it', () => {
  it('is on the store record, reaches the tills, and null puts back the default', async () => {
    const post = (body: unknown) => server.hq.post<{ store: StoreRecord; version: number }>('/api/v1/hq/store', body);
    const before = (await server.hq.get<{ store: StoreRecord; version: number }>(`/api/v1/hq/store?store=${AUSTIN}`)).body;
    expect(before.store.cashTillSession).toBeUndefined();
    const saved = await post({ store: AUSTIN, version: before.version, cashTillSession: { tablet: 'optional' } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.store).toEqual({ ...before.store, cashTillSession: { tablet: 'optional' } });
    const tillOfStore = await server.enroll({ storeId: AUSTIN });
    const pulled = async () => (await tillOfStore.get<PullResponse>('/api/v1/sync/pull?cursor=0&limit=5000')).body.changes.find((change) => change.entity === 'store');
    await expect(pulled()).resolves.toMatchObject({ op: 'put', value: { cashTillSession: { tablet: 'optional' } } });
    const cleared = await post({ store: AUSTIN, version: saved.body.version, cashTillSession: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.store).toEqual(before.store);
    expect(((await pulled()) as { value: StoreRecord }).value.cashTillSession).toBeUndefined();
  });
});
