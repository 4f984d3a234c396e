import type { StoresideDb } from '../local/db.ts';
import { isRetryable, type ApiClient, type ApiFailure } from './api-client.ts';
import { syncOnce, type SyncRound } from './sync-once.ts';

export type SyncStatus = {
  /** whether the last round reached the server */
  reachable: boolean | null;
  running: boolean;
  lastSuccessAt: number | null;
  lastError: string | null;
  /** why the last round failed, kept whole (code, cause) for the words the screen shows and for support */
  lastFailure: ApiFailure | null;
  nextAttemptAt: number | null;
  /** events the server refused for business reasons; they sit in quarantine at HQ */
  rejectedCount: number;
};

export type SyncEngineOptions = {
  db: StoresideDb;
  api: ApiClient;
  onStatus: (status: SyncStatus) => void;
  now?: () => number;
  random?: () => number;
  /** how often to pull while nothing else triggers a round (pokes from the change stream come first) */
  pollMs?: number;
  /** listen to the server's change stream and pull when poked (default true) */
  live?: boolean;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
};

/**
 * Drives sync rounds in a page.
 *
 *   idle ──request()──▶ running ──ok──▶ idle (poll timer armed)
 *     ▲                   │ failed
 *     │                   ▼
 *     └──timer/request── backing off: wait base·2ⁿ × [0.5, 1), at most max
 *
 * Triggers: a committed sale, the browser coming `online`, a poke on the
 * server's change stream, the timers. A request
 * during a round runs one more round right after it, so nothing waits for the
 * next timer. A failure the server says retrying cannot mend (a revoked token,
 * an app too old for it: `isRetryable`) is tried again only at the poll's pace,
 * and the change stream is not reopened until a round succeeds.
 */
export function createSyncEngine(options: SyncEngineOptions) {
  const { db, api, onStatus } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const pollMs = options.pollMs ?? 30_000;
  const baseBackoffMs = options.baseBackoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;

  let status: SyncStatus = { reachable: null, running: false, lastSuccessAt: null, lastError: null, lastFailure: null, nextAttemptAt: null, rejectedCount: 0 };
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let again = false;
  let stopped = false;
  let stream: AbortController | null = null;
  let streamFailures = 0;
  let streamTimer: ReturnType<typeof setTimeout> | undefined;

  const publish = (patch: Partial<SyncStatus>) => {
    status = { ...status, ...patch };
    onStatus(status);
  };

  const arm = (delayMs: number) => {
    clearTimeout(timer);
    if (stopped) return;
    publish({ nextAttemptAt: now() + delayMs });
    timer = setTimeout(request, delayMs);
  };

  async function run(): Promise<void> {
    publish({ running: true });
    let round: SyncRound;
    try {
      round = await syncOnce(db, api, now);
    } catch (error) {
      round = { ok: false, failure: { kind: 'local', message: (error as Error).message, cause: error } };
    }
    if (round.ok) {
      failures = 0;
      publish({ running: false, reachable: true, lastSuccessAt: now(), lastError: null, lastFailure: null, rejectedCount: status.rejectedCount + round.rejected.length });
      arm(pollMs);
      listen();
    } else {
      failures += 1;
      const backoff = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (failures - 1)) * (0.5 + random() / 2);
      const reachable = reachableAfter(round.failure, status.reachable);
      publish({ running: false, reachable, lastError: round.failure.message, lastFailure: round.failure });
      arm(isRetryable(round.failure) ? backoff : Math.max(backoff, pollMs));
    }
  }

  function request(): void {
    if (stopped) return;
    if (status.running) {
      again = true;
      return;
    }
    void run().then(() => {
      if (again) {
        again = false;
        request();
      }
    });
  }

  /**
   * Keeps the change stream open while the server is reachable: each poke runs a
   * round, so another till's sale shows here within a second. A poke carries no
   * data, so a lost stream only slows things down to the poll; it reopens with
   * backoff, and its first event runs a round to catch what it missed.
   */
  function listen(): void {
    if (stopped || stream || options.live === false) return;
    const abort = new AbortController();
    stream = abort;
    void api
      .stream(
        '/api/v1/sync/stream',
        (event) => {
          if (event.event !== 'ready' && event.event !== 'changed') return;
          streamFailures = 0;
          request();
        },
        abort.signal,
      )
      .then((failure) => {
        if (stream === abort) stream = null;
        // Refused for good (the device's token, the app's version): the next successful round listens again.
        if (stopped || abort.signal.aborted || !isRetryable(failure)) return;
        streamFailures += 1;
        const delay = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (streamFailures - 1)) * (0.5 + random() / 2);
        streamTimer = setTimeout(listen, delay);
      });
  }

  const onOnline = () => request();
  return {
    start() {
      stopped = false;
      globalThis.addEventListener?.('online', onOnline);
      request();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(streamTimer);
      stream?.abort();
      stream = null;
      globalThis.removeEventListener?.('online', onOnline);
    },
    request,
    get status() {
      return status;
    },
  };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;

/**
 * Whether a failed round still shows the server reachable. Only an answer from
 * the server itself counts: a 5xx (its own failure, or a proxy's 502/503/504
 * for a server behind it that is down) and an answer that is not the
 * protocol (a captive portal's page) leave the till as good as offline, and
 * the offline policy must apply. A failure on the device says nothing new.
 */
export function reachableAfter(failure: ApiFailure, before: boolean | null): boolean | null {
  switch (failure.kind) {
    case 'local':
      return before;
    case 'http':
      return failure.status < 500;
    case 'offline':
    case 'invalid_response':
      return false;
    case 'journal_diverged':
      return true;
  }
}
