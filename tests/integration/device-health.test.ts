import { describe, expect, it } from 'vitest';
import type { PushResponse } from '../../src/protocol/messages.ts';
import { withServer } from '../support/server-fixture.ts';
import type { ErrorAnswer } from './helpers/device-client.ts';

/**
 * Each push says how the device's queue and clock stand; HQ lists it per device
 * (GET /api/v1/hq/devices). A wrong clock is recorded, never a reason to refuse.
 */

const AUSTIN = 'store-us-austin';
const HOUR = 3_600_000;

const server = withServer({ label: 'device-health', demoProducts: 40 });

type Health = { id: string; ackedSeq: number; outboxDepth: number | null; clockOffsetMs: number | null; oldestUnsentAgeMs: number | null };

async function devices(): Promise<Health[]> {
  const answer = await server.hq.get<{ devices: Health[] }>(`/api/v1/hq/devices?store=${AUSTIN}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.devices;
}

describe('a device’s report with its push', () => {
  it('gives HQ its clock offset, its backlog and how old the backlog is; a clock two hours slow is no reason to refuse its sales', async () => {
    const { client: device, chain } = await server.till(AUSTIN, 5);
    const sales = [chain.next(), chain.next(), chain.next()];
    // The till's clock runs two hours slow; it made its oldest unsent sale ten minutes ago by that clock.
    const deviceNow = Date.now() - 2 * HOUR;
    const report = { time: deviceNow, headSeq: 3, oldestUnsentAt: deviceNow - 10 * 60_000 };

    const first = await device.postJson<PushResponse>('/api/v1/sync/push', { deviceId: device.deviceId, events: sales.slice(0, 2), report });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    let health = (await devices()).find((d) => d.id === device.deviceId)!;
    expect(health.ackedSeq).toBe(2);
    expect(health.outboxDepth).toBe(1);
    expect(health.clockOffsetMs! / HOUR).toBeCloseTo(2, 1);
    expect(health.oldestUnsentAgeMs! / 60_000).toBeCloseTo(10, 0);

    const last = await device.postJson<PushResponse>('/api/v1/sync/push', { deviceId: device.deviceId, events: sales.slice(2), report: { ...report, time: Date.now() - 2 * HOUR } });
    expect(last.status).toBe(200);
    health = (await devices()).find((d) => d.id === device.deviceId)!;
    expect(health).toMatchObject({ ackedSeq: 3, outboxDepth: 0, oldestUnsentAgeMs: null });
  });

  it('is optional for devices from before it existed, and refused with 400 naming the field when malformed', async () => {
    const { client: device, chain } = await server.till(AUSTIN, 6);
    const sale = chain.next();
    const bad = await device.postJson<ErrorAnswer>('/api/v1/sync/push', { deviceId: device.deviceId, events: [sale], report: { time: Date.now(), headSeq: -1, oldestUnsentAt: null } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^report\.headSeq: /);
    expect((await devices()).find((d) => d.id === device.deviceId)).toMatchObject({ ackedSeq: 0, outboxDepth: null, clockOffsetMs: null });

    const old = await device.push([sale]);
    expect(old.status).toBe(200);
    expect((await devices()).find((d) => d.id === device.deviceId)).toMatchObject({ ackedSeq: 1, outboxDepth: null });
  });
});
