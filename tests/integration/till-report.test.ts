import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tillReport, type TillReport } from '../../src/domain/till-session.ts';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import { withServer } from '../support/server-fixture.ts';
import type { ErrorAnswer } from './helpers/device-client.ts';

/**
 * A till session's report is computed from the journal, by the same function on
 * the till and on the server: once the till's events have synced, HQ's Z report
 * of the session is the till's, to the cent.
 */

const AUSTIN = 'store-us-austin';

const server = withServer({ label: 'till-report', demoProducts: 40 });
const report = (device: string, session: string) => server.hq.tillReport(device, session);

describe('a till session’s report at HQ', () => {
  it('is the till’s own, from the X report mid-shift to the Z report at close', async () => {
    const { client: till, chain } = await server.till(AUSTIN, 31);
    const sessionId = uuidv7(Date.now(), randomBytes(10));
    const staffName = chain.slice.staff[0]!.name;
    chain.append({ type: 'till.opened', payload: { sessionId, staffName, float: 20_000, count: { 2000: 5, 1000: 10 } } });
    chain.take(6);
    chain.append({ type: 'till.cash_moved', payload: { sessionId, staffName, kind: 'drop', amount: 5_000, reason: 'safe drop' } });
    chain.take(3);
    expect((await till.push(chain.events)).status).toBe(200);

    const x = await report(till.deviceId, sessionId);
    expect(x.status).toBe(200);
    expect((x.body as { report: TillReport }).report).toEqual(tillReport(chain.events));
    expect((x.body as { report: TillReport }).report.close).toBeNull();

    const closingAt = chain.events.length;
    chain.append({ type: 'till.closed', payload: { sessionId, staffName, counted: 41_234, count: {} } });
    chain.take(2); // the next customers, after the close: in no session
    expect((await till.push(chain.events.slice(closingAt))).status).toBe(200);
    const z = (await report(till.deviceId, sessionId)).body as { report: TillReport };
    const own = tillReport(chain.events);
    expect(z.report).toEqual(own);
    expect(own.sales.count).toBe(9);
    expect(own.close?.counted).toBe(41_234);
    expect(own.close?.variance).toBe(41_234 - own.cash.expected);
  });

  it('answers 404 for a session the till never sent, and 400 for a malformed query', async () => {
    const till = await server.enroll({ storeId: AUSTIN });
    const unknown = await report(till.deviceId, uuidv7(Date.now(), randomBytes(10)));
    expect(unknown.status).toBe(404);
    expect((unknown.body as ErrorAnswer).error.message).toMatch(/has sent no session/);
    const malformed = await report(till.deviceId, 'not-a-session');
    expect(malformed.status).toBe(400);
    expect((malformed.body as ErrorAnswer).error).toMatchObject({ code: 'invalid_query', message: expect.stringMatching(/session/) });
  });
});
