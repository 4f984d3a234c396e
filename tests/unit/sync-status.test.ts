import 'fake-indexeddb/auto';
import { effect } from '@preact/signals';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSyncModel, type SyncModel } from '../../src/app/sync-model.ts';
import { StoresideDb } from '../../src/local/db.ts';
import { createApiClient } from '../../src/sync/api-client.ts';
import type { SyncStatus } from '../../src/sync/sync-engine.ts';

/**
 * What a till shows of its connection, and what its checkout goes by, when the
 * network answers but the server does not: the page model (`createSyncModel`)
 * over the real sync engine and API client, with only `fetch` faked. The sync
 * indicator reads `online` ("Online" / "Offline"); the checkout holds a sale to
 * the store's offline limits unless `reachedServer` (app.tsx).
 */

type Answer = (url: URL) => Response | Promise<Response>;

/** A pull with nothing new: the server's ordinary answer. */
const nothingNew: Answer = () => Response.json({ changes: [], cursor: 7, hasMore: false, ackedThroughSeq: 0 });

/** A till enrolled and bootstrapped, whose every request gets `answer()` (the change stream stays open and silent). */
async function tillWithServer(name: string, first: Answer) {
  let answer = first;
  const fakeFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    if (url.pathname === '/api/v1/sync/stream') {
      return new Promise((_, fail) => init?.signal?.addEventListener('abort', () => fail(new DOMException('closed', 'AbortError'))));
    }
    return Promise.resolve().then(() => answer(url));
  };
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'till-1', storeId: 'store-1', role: 'tablet', token: 't' });
  await db.setMeta('cursor', 0);
  const sync = createSyncModel(db, createApiClient({ baseUrl: 'https://storeside.test', token: () => 't', fetch: fakeFetch as typeof fetch }));
  started.push(sync);
  const firstRound = roundEnd(sync);
  sync.start();
  await firstRound;
  return {
    sync,
    db,
    /** From now on the server's address answers `next`; runs a round and waits for its end. */
    async answers(next: Answer): Promise<SyncStatus> {
      answer = next;
      const ended = roundEnd(sync);
      sync.request();
      return ended;
    },
  };
}

/** The status once the next round has started and finished: what the indicator shows after it. */
function roundEnd(sync: SyncModel): Promise<SyncStatus> {
  return new Promise((resolve) => {
    let running = false;
    let ended = false;
    const stop = effect(() => {
      const status = sync.status.value;
      if (ended || !status) return;
      if (status.running) running = true;
      else if (running) {
        ended = true;
        resolve(status);
        // `stop` is assigned once the effect's first run returns; this run may be that one.
        queueMicrotask(() => stop());
      }
    });
  });
}

const started: SyncModel[] = [];

// The browser the model expects: `navigator.onLine` and window events. Node has neither.
const windowEvents = new EventTarget();
vi.stubGlobal('navigator', { onLine: true });
vi.stubGlobal('addEventListener', windowEvents.addEventListener.bind(windowEvents));
vi.stubGlobal('removeEventListener', windowEvents.removeEventListener.bind(windowEvents));

afterEach(() => {
  for (const sync of started.splice(0)) sync.stop();
});

describe('a till whose server answers', () => {
  it('shows Online and applies no offline limit', async () => {
    const { sync } = await tillWithServer('status-online', nothingNew);
    expect(sync.online.value).toBe(true);
    expect(sync.reachedServer.value).toBe(true);
  });

  it('still shows Online when the server itself refuses a request: it is there, and says what is wrong', async () => {
    const till = await tillWithServer('status-refused', nothingNew);
    const status = await till.answers(() => Response.json({ error: { code: 'unauthorized', message: 'this device was revoked' } }, { status: 401 }));
    expect(status.lastError).toBe('this device was revoked');
    expect(till.sync.online.value).toBe(true);
    expect(till.sync.reachedServer.value).toBe(true);
  });
});

describe('a till whose own storage fails mid-round', () => {
  it('keeps showing what it knew of the server: the failure says nothing about the network', async () => {
    const till = await tillWithServer('status-local', nothingNew);
    // The till's database closed under it (the browser evicting it, a version change elsewhere).
    till.db.close();
    const status = await till.answers(nothingNew);
    expect(status.lastError).toMatch(/closed/i);
    expect(till.sync.online.value).toBe(true);
    expect(till.sync.reachedServer.value).toBe(true);
  });
});

describe('a till whose network answers but whose server does not', () => {
  it.each<[string, Answer]>([
    ['a proxy answers 503 for the server behind it', () => new Response('<html><body>503 Service Unavailable</body></html>', { status: 503, statusText: 'Service Unavailable', headers: { 'content-type': 'text/html' } })],
    ['a proxy answers 502 with no body', () => new Response(null, { status: 502, statusText: 'Bad Gateway' })],
    ['the server fails with its own 500', () => Response.json({ error: { code: 'internal', message: 'disk full' } }, { status: 500 })],
    ['a captive portal answers its sign-in page', () => new Response('<html><body>Sign in to Guest Wi-Fi</body></html>', { status: 200, headers: { 'content-type': 'text/html' } })],
    ['a captive portal answers JSON of its own', () => Response.json({ portal: 'https://wifi.example/login' })],
    ['the network is down', () => Promise.reject(new TypeError('Failed to fetch'))],
  ])('shows Offline and holds sales to the offline limits when %s', async (what, answer) => {
    const till = await tillWithServer(`status-${what}`, nothingNew);
    expect(till.sync.online.value).toBe(true);
    const status = await till.answers(answer);
    expect(status.lastError).not.toBeNull();
    expect(till.sync.online.value).toBe(false);
    expect(till.sync.reachedServer.value).toBe(false);
  });
});
