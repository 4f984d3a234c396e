import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoresideDb } from '../../src/local/db.ts';
import type { ApiClient, ApiFailure } from '../../src/sync/api-client.ts';
import { createSyncEngine, type SyncStatus } from '../../src/sync/sync-engine.ts';

/** A server that answers every pull with `failure` and every stream with `streamFailure`, counting the calls. */
function failingServer(failure: ApiFailure, streamFailure: ApiFailure = failure) {
  const calls = { requests: 0, streams: 0 };
  const api: ApiClient = {
    async request() {
      calls.requests += 1;
      return { ok: false, failure };
    },
    async stream() {
      calls.streams += 1;
      return streamFailure;
    },
  };
  return { api, calls };
}

async function enrolledTill(name: string) {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'till-1', storeId: 'store-1', role: 'tablet', token: 't' });
  // A bootstrapped till pulls on every round.
  await db.setMeta('cursor', 0);
  return db;
}

describe('the sync engine', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Runs the engine for `minutes` of fake time and counts the rounds the server saw. */
  async function roundsIn(minutes: number, failure: ApiFailure, name: string) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const db = await enrolledTill(name);
    const { api, calls } = failingServer(failure);
    const statuses: SyncStatus[] = [];
    const engine = createSyncEngine({ db, api, onStatus: (status) => statuses.push(status), random: () => 0.5, now: () => Date.now() });
    engine.start();
    for (let second = 0; second < minutes * 60; second++) await vi.advanceTimersByTimeAsync(1_000);
    engine.stop();
    db.close();
    return { rounds: calls.requests, last: statuses.at(-1)! };
  }

  it('retries a server that is down with growing backoff, but a refusal retrying cannot mend (a revoked token) only at the poll’s pace', async () => {
    const down = await roundsIn(3, { kind: 'http', status: 503, code: 'unknown', message: 'Service Unavailable' }, 'engine-down');
    const revoked = await roundsIn(3, { kind: 'http', status: 401, code: 'unauthorized', message: 'this device token is not known' }, 'engine-revoked');
    // 1, 2, 4, 8, 16, 32, 60, 60 … s (×0.75 jitter): about ten rounds in three minutes; every 30 s: about six.
    expect(down.rounds).toBeGreaterThanOrEqual(9);
    expect(revoked.rounds).toBeLessThanOrEqual(7);
    expect(revoked.last.lastFailure).toMatchObject({ kind: 'http', code: 'unauthorized' });
  });

  it('does not reopen the change stream the server refused for good, until a round succeeds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const db = await enrolledTill('engine-stream');
    let pulls = 0;
    let streams = 0;
    const api: ApiClient = {
      async request() {
        pulls += 1;
        return { ok: true, value: { changes: [], cursor: 0, hasMore: false, ackedThroughSeq: 0 } as never };
      },
      async stream() {
        streams += 1;
        return { kind: 'http', status: 426, code: 'unsupported_protocol', message: 'too old' };
      },
    };
    const engine = createSyncEngine({ db, api, onStatus: () => {}, random: () => 0.5, pollMs: 60_000 });
    engine.start();
    for (let second = 0; second < 50; second++) await vi.advanceTimersByTimeAsync(1_000);
    expect(pulls).toBe(1);
    expect(streams).toBe(1);
    engine.stop();
    db.close();
  });
});
