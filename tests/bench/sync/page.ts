import PouchDB from 'pouchdb-browser';
import type { ChainHead, StoreEvent } from '../../../src/domain/events.ts';
import { outboxState } from '../../../src/local/outbox.ts';
import { StoresideDb, type Enrollment } from '../../../src/local/db.ts';
import { EnrollResponseSchema } from '../../../src/protocol/messages.ts';
import { createApiClient, type ApiClient } from '../../../src/sync/api-client.ts';
import { bootstrap } from '../../../src/sync/bootstrap.ts';
import { pullChanges } from '../../../src/sync/pull-changes.ts';
import { pushOutbox } from '../../../src/sync/push-outbox.ts';
import { createSyncEngine, type SyncEngine } from '../../../src/sync/sync-engine.ts';

/**
 * The device side of the sync figures: the till's own Dexie database, sync
 * code and API client, run in headless Chromium against the real server on the
 * page's origin; and, beside it, pouchdb-browser on IndexedDB for the peer.
 * Node drives it through `globalThis.syncBench` (sync-bench.ts); what is timed
 * is timed here, with `performance.now()`, around the product's own calls.
 */

/** A sale as PouchDB holds it: one immutable document per sale.completed event. */
export type SaleDoc = StoreEvent & { _id: string };

/** `rejectedReasons`: the server's reasons for the first few rejected events, so a failed check can say why. */
export type DrainResult = { ms: number; sent: number; rejected: number; rejectedReasons: string[]; pendingAfter: number; requests: number; requestMs: number[] };
export type ReplicateResult = { ms: number; docsWritten: number; docsRead: number; errors: number; ok: boolean; requests: number };
export type PullResult = { ms: number; received: number; requests: number; cursor: number };
export type BootstrapResult = { ms: number; requests: number; cursor: number; products: number; stock: number };

let db = new StoresideDb();
let requests = 0;
let requestMs: number[] = [];
/** fetch, counting the requests the sync code makes and timing each to its answer's headers (bytes are counted on the server's sockets) */
const countingFetch: typeof fetch = async (input, init) => {
  requests += 1;
  const start = performance.now();
  try {
    return await fetch(input, init);
  } finally {
    requestMs.push(performance.now() - start);
  }
};
const api: ApiClient = createApiClient({ baseUrl: location.origin, token: () => enrollment?.token, fetch: countingFetch });
let enrollment: Enrollment | undefined;
let engine: SyncEngine | null = null;
let rounds = 0;

async function freshDatabase(name?: string): Promise<void> {
  db.close();
  db = new StoresideDb(name);
  await db.delete();
  db = new StoresideDb(name);
  await db.open();
}

const bench = {
  /** Spends an enrollment code through the enroll route, as the till's enroll screen does, on an empty database. */
  async enroll(code: string, databaseName?: string): Promise<Enrollment> {
    await freshDatabase(databaseName);
    enrollment = undefined;
    const answer = await api.request('POST', '/api/v1/devices/enroll', EnrollResponseSchema, { code });
    if (!answer.ok) throw new Error(`enroll: ${JSON.stringify(answer.failure)}`);
    enrollment = answer.value;
    await db.setMeta('enrollment', enrollment);
    return enrollment;
  },

  /**
   * Puts committed events into the journal as commitSale leaves them (the
   * event, the chain head after it), many per transaction: filling is not
   * what is measured. The sales and stock rows commitSale also writes are not
   * read by the push, so they are left out.
   */
  async addToJournal(eventsJson: string, head: ChainHead): Promise<number> {
    const events = JSON.parse(eventsJson) as StoreEvent[];
    await db.transaction('rw', db.journal, db.meta, async () => {
      await db.journal.bulkAdd(events);
      await db.setMeta('chainHead', head);
    });
    return db.journal.count();
  },

  /** The drain: pushOutbox until the outbox is empty, as one sync round does after reconnecting. */
  async drain(): Promise<DrainResult> {
    requests = 0;
    requestMs = [];
    const start = performance.now();
    const outcome = await pushOutbox(db, api);
    const ms = performance.now() - start;
    if (!outcome.ok) throw new Error(`pushOutbox failed: ${JSON.stringify(outcome.failure)}`);
    const rejectedReasons = outcome.rejected.slice(0, 3).map((result) => `${result.id}: ${result.reason ?? 'no reason given'}`);
    return { ms, sent: outcome.sent, rejected: outcome.rejected.length, rejectedReasons, pendingAfter: (await outboxState(db)).count, requests, requestMs };
  },

  async bootstrap(): Promise<BootstrapResult> {
    requests = 0;
    const start = performance.now();
    const outcome = await bootstrap(db, api);
    const ms = performance.now() - start;
    if (!outcome.ok) throw new Error(`bootstrap failed: ${JSON.stringify(outcome.failure)}`);
    return { ms, requests, cursor: (await db.getMeta('cursor')) ?? -1, products: await db.products.count(), stock: await db.stock.count() };
  },

  /** The catch-up: pullChanges until the device is current (it pages by itself until hasMore is false). */
  async pull(): Promise<PullResult> {
    requests = 0;
    const start = performance.now();
    const outcome = await pullChanges(db, api);
    const ms = performance.now() - start;
    if (!outcome.ok) throw new Error(`pullChanges failed: ${JSON.stringify(outcome.failure)}`);
    return { ms, received: outcome.received, requests, cursor: (await db.getMeta('cursor')) ?? -1 };
  },

  /**
   * Runs the till's sync engine as the app does (change stream, poke → round),
   * with the poll timer pushed out of the way so only pokes trigger rounds.
   * Resolves once the stream is open and the rounds it started are over.
   */
  async startEngine(): Promise<void> {
    let opened!: () => void;
    const ready = new Promise<void>((resolve) => (opened = resolve));
    // The same client, told when the change stream says `ready`.
    const watched: ApiClient = {
      request: api.request,
      stream: (path, onEvent, signal) =>
        api.stream(path, (event) => {
          onEvent(event);
          if (event.event === 'ready') opened();
        }, signal),
    };
    let running = false;
    engine = createSyncEngine({
      db,
      api: watched,
      pollMs: 3_600_000,
      onStatus: (status) => {
        if (running && !status.running) rounds += 1;
        running = status.running;
      },
    });
    engine.start();
    await ready;
    await this.settle();
  },

  stopEngine(): void {
    engine?.stop();
    engine = null;
  },

  /** Waits until the engine has no round running or about to run: 20 ms without a new round. Returns the rounds run so far. */
  async settle(): Promise<number> {
    let seen = -1;
    while (engine && (engine.status.running || seen !== rounds)) {
      seen = rounds;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return rounds;
  },

  /** Waits until the device's copy of `sku` carries `price`, then until sync is quiet. */
  async waitForPrice(sku: string, price: number, timeoutMs: number): Promise<{ rounds: number }> {
    const until = performance.now() + timeoutMs;
    while ((await db.products.get(sku))?.price !== price) {
      if (performance.now() > until) throw new Error(`the device did not get the new price of ${sku} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return { rounds: await this.settle() };
  },

  async stockOf(skus: string[]): Promise<(number | null)[]> {
    return (await db.stock.bulkGet(skus)).map((level) => level?.onHand ?? null);
  },

  async pricesOf(skus: string[]): Promise<(number | null)[]> {
    return (await db.products.bulkGet(skus)).map((product) => product?.price ?? null);
  },

  // --- the peer: pouchdb-browser (IndexedDB adapter) replicating to a PouchDB server -----------------

  async resetPouch(): Promise<void> {
    await new PouchDB('sales').destroy();
  },

  async addToPouch(docsJson: string): Promise<number> {
    const docs = JSON.parse(docsJson) as SaleDoc[];
    const local = new PouchDB('sales');
    const results = await local.bulkDocs(docs);
    const failed = results.filter((r) => 'error' in r && r.error);
    if (failed.length > 0) throw new Error(`pouch bulkDocs failed for ${failed.length} documents`);
    return (await local.info()).doc_count;
  },

  /** One-shot replication of the local database to `remoteUrl`, timed; the remote database exists already. */
  async replicatePouch(remoteUrl: string, batchSize: number): Promise<ReplicateResult> {
    const local = new PouchDB('sales');
    let pouchRequests = 0;
    const remote = new PouchDB(remoteUrl, {
      fetch: (url: string | Request, opts?: RequestInit) => {
        pouchRequests += 1;
        return PouchDB.fetch(url, opts);
      },
    });
    await remote.info();
    pouchRequests = 0;
    const start = performance.now();
    const result = await PouchDB.replicate(local, remote, { batch_size: batchSize });
    const ms = performance.now() - start;
    return { ms, docsWritten: result.docs_written, docsRead: result.docs_read, errors: result.errors.length, ok: result.ok, requests: pouchRequests };
  },
};

export type SyncBench = typeof bench;
(globalThis as unknown as { syncBench: SyncBench }).syncBench = bench;
document.title = 'ready';
