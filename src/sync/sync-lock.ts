/**
 * One sync round at a time per origin, across tabs and the service worker, on
 * the Web Lock `storeside-sync` — and no round stuck behind a holder that will
 * never let go. A tab the browser froze mid-round keeps its lock; its timers
 * stop, so it stops beating. A context that has waited STALE_MS finds the last
 * beat older than that and steals the lock. Stealing is safe: the server takes
 * a resent batch as a duplicate, and the device's ack only ever moves forward.
 */
export const SYNC_LOCK = 'storeside-sync';
export const HEARTBEAT_MS = 10_000;
export const STALE_MS = 60_000;

export type Heartbeat = { read(): Promise<number | undefined>; write(at: number): Promise<void> };

type Locks = Pick<LockManager, 'request'>;

export type SyncLockTiming = {
  now: () => number;
  staleMs: number;
  heartbeatMs: number;
  /**
   * A signal that aborts after `ms`; AbortSignal.timeout by default. A test that drives time with
   * fake timers passes one built on setTimeout: AbortSignal.timeout runs on the runtime's own timers,
   * which fake timers do not reach.
   */
  timeout?: (ms: number) => AbortSignal;
};
const DEFAULT_TIMING: SyncLockTiming = { now: Date.now, staleMs: STALE_MS, heartbeatMs: HEARTBEAT_MS };

export async function withSyncLock<T>(locks: Locks | undefined, heartbeat: Heartbeat, work: () => Promise<T>, timing: SyncLockTiming = DEFAULT_TIMING): Promise<T> {
  const { now, staleMs, heartbeatMs, timeout = (ms: number) => AbortSignal.timeout(ms) } = timing;
  // Web Locks are missing only in browsers too old to run the rest of the app well;
  // one context alone is still correct there, only less coordinated.
  if (!locks) return work();
  const beating = async (): Promise<T> => {
    await heartbeat.write(now());
    const timer = setInterval(() => void heartbeat.write(now()), heartbeatMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  };
  for (;;) {
    try {
      return await locks.request(SYNC_LOCK, { signal: timeout(staleMs) }, beating);
    } catch (error) {
      if (!(error instanceof DOMException) || (error.name !== 'TimeoutError' && error.name !== 'AbortError')) throw error;
      const last = await heartbeat.read();
      if (last === undefined || now() - last > staleMs) {
        console.warn(`the sync lock's holder has shown no sign of life for ${staleMs / 1000} s; taking over`);
        return locks.request(SYNC_LOCK, { steal: true }, beating);
      }
      // The holder is alive, only slow (a long backlog): wait again.
    }
  }
}
