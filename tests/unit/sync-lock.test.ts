import { describe, expect, it } from 'vitest';
import { SYNC_LOCK, withSyncLock, type Heartbeat } from '../../src/sync/sync-lock.ts';

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

const timing = { now: Date.now, staleMs: 150, heartbeatMs: 30 };
const never = () => new Promise<never>(() => {});

describe('the sync lock', () => {
  it('runs one round at a time: the second waits for the first', async () => {
    const locks = fakeLocks();
    const heartbeat = memoryHeartbeat();
    const order: string[] = [];
    const first = withSyncLock(locks, heartbeat, async () => {
      order.push('first starts');
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('first ends');
    }, timing);
    const second = withSyncLock(locks, heartbeat, async () => void order.push('second'), timing);
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second']);
  });

  it('is taken from a holder that stopped beating (a frozen tab), so rounds go on', async () => {
    const locks = fakeLocks();
    const heartbeat = memoryHeartbeat();
    // The holder beats once, then freezes: its timers no longer run, and it never lets go.
    void withSyncLock(locks, { ...heartbeat, write: async (at) => void (heartbeat.beats.length === 0 && heartbeat.beats.push(at)) }, never, timing);
    const started = Date.now();
    await expect(withSyncLock(locks, heartbeat, async () => 'sent', timing)).resolves.toBe('sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(timing.staleMs);
  });

  it('waits on, without stealing, while a slow holder keeps beating', async () => {
    const locks = fakeLocks();
    const heartbeat = memoryHeartbeat();
    const order: string[] = [];
    const slow = withSyncLock(locks, heartbeat, async () => {
      await new Promise((resolve) => setTimeout(resolve, 3 * timing.staleMs));
      order.push('slow round done');
    }, timing);
    const next = withSyncLock(locks, heartbeat, async () => void order.push('next round'), timing);
    await Promise.all([slow, next]);
    expect(order).toEqual(['slow round done', 'next round']);
  });
});
