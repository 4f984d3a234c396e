import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, STALE_MS, SYNC_LOCK, withSyncLock, type Heartbeat, type SyncLockTiming } from '../../src/sync/sync-lock.ts';

/**
 * A LockManager with the Web Locks semantics withSyncLock relies on: one holder
 * per name, waiters in order, a waiter's signal aborts its wait, `steal` takes
 * the lock from the holder at once.
 */
function fakeLocks() {
  let held = false;
  const waiting: (() => void)[] = [];
  const release = () => {
    held = false;
    waiting.shift()?.();
  };
  const locks = {
    async request<T>(name: string, options: { signal?: AbortSignal; steal?: boolean }, callback: () => Promise<T>): Promise<T> {
      expect(name).toBe(SYNC_LOCK);
      if (options.steal) held = false;
      if (held) {
        await new Promise<void>((resolve, reject) => {
          const go = () => resolve();
          waiting.push(go);
          options.signal?.addEventListener('abort', () => {
            waiting.splice(waiting.indexOf(go), 1);
            reject(options.signal!.reason);
          });
        });
      }
      held = true;
      try {
        return await callback();
      } finally {
        release();
      }
    },
  };
  return locks as unknown as Pick<LockManager, 'request'>;
}

function memoryHeartbeat(): Heartbeat & { beats: number[] } {
  const beats: number[] = [];
  return { beats, read: async () => beats.at(-1), write: async (at) => void beats.push(at) };
}

/**
 * The lock's real limits, on vitest's fake clock: time moves only when a test
 * advances it, so "a minute without a beat" is exact whatever the machine's load.
 */
const timing: SyncLockTiming = {
  now: () => Date.now(),
  staleMs: STALE_MS,
  heartbeatMs: HEARTBEAT_MS,
  timeout: (ms) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('The lock was not granted in time', 'TimeoutError')), ms);
    return controller.signal;
  },
};
const never = () => new Promise<never>(() => {});

/** Whether a promise has settled by now, without waiting for it. */
function settled(promise: Promise<unknown>): () => boolean {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 22, 12) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the sync lock', () => {
  it('runs one round at a time: the second waits for the first', async () => {
    const locks = fakeLocks();
    const heartbeat = memoryHeartbeat();
    const order: string[] = [];
    let finishFirst!: () => void;
    const first = withSyncLock(locks, heartbeat, async () => {
      order.push('first starts');
      await new Promise<void>((resolve) => (finishFirst = resolve));
      order.push('first ends');
    }, timing);
    const second = withSyncLock(locks, heartbeat, async () => void order.push('second'), timing);
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['first starts']);
    finishFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second']);
  });

  it('is taken from a holder that stopped beating (a frozen tab) once it has been silent longer than the stale limit, and not before', async () => {
    const locks = fakeLocks();
    const heartbeat = memoryHeartbeat();
    // The holder beats once, then freezes: its timers no longer run, and it never lets go.
    void withSyncLock(locks, { ...heartbeat, write: async (at) => void (heartbeat.beats.length === 0 && heartbeat.beats.push(at)) }, never, timing);
    await vi.advanceTimersByTimeAsync(30_000);
    // Half a minute after the last beat, a round is asked for: it waits its full stale limit for the
    // lock, finds the beat a minute and a half old, and takes over.
    const next = withSyncLock(locks, heartbeat, async () => 'sent', timing);
    const ran = settled(next);
    await vi.advanceTimersByTimeAsync(STALE_MS - 1);
    expect(ran()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran()).toBe(true);
    await expect(next).resolves.toBe('sent');
  });

  it('waits on, without stealing, while a slow holder keeps beating', async () => {
    const locks = fakeLocks();
    const heartbeat = memoryHeartbeat();
    const order: string[] = [];
    // A long backlog: the round takes three stale limits, beating all along.
    const slow = withSyncLock(locks, heartbeat, async () => {
      await new Promise((resolve) => setTimeout(resolve, 3 * STALE_MS));
      order.push('slow round done');
    }, timing);
    const next = withSyncLock(locks, heartbeat, async () => void order.push('next round'), timing);
    await vi.advanceTimersByTimeAsync(3 * STALE_MS - 1);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([slow, next]);
    expect(order).toEqual(['slow round done', 'next round']);
  });
});
