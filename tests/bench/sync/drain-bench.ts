import Database from 'better-sqlite3';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { BrowserContext } from 'playwright-core';
import { eventHash, type StoreEvent } from '../../../src/domain/events.ts';
import { sha256Hex } from '../../../src/server/sha256.ts';
import { progress, row, type BenchRow } from '../support/report.ts';
import type { BenchMode, Sized } from '../support/bench-mode.ts';
import { batches, saleEvents } from '../support/sale-events.ts';
import { buildOneStoreSeed, openSeededStore, scratchDir, startServer, withExtraStock } from '../support/server-fixture.ts';
import type { DrainResult, ReplicateResult, SaleDoc } from './page.ts';
import { startPouchPeer } from './pouch-peer.ts';
import { openSyncPage } from './sync-page.ts';

/**
 * offline sales each till drains, products of the store, and how many events
 * cross into the page per call while filling (not timed). The smoke run's
 * sales still take more than one push (pushOutbox sends 200 a batch) and
 * more than one PouchDB batch.
 */
const SIZES: Sized<{ events: number; products: number; fillChunk: number }> = {
  full: { events: 10_000, products: 2_000, fillChunk: 1_000 },
  smoke: { events: 300, products: 200, fillChunk: 100 },
};
const GOAL_MS = 3_000;
const GOAL_SPEEDUP = 3;
/** PouchDB's default: documents per replication batch */
const POUCH_BATCH = 100;

type StoresideRun = DrainResult & { serverMs: number; ledger: { applied: number; sales: number; variances: number } };

/**
 * Drain after reconnect: a till that sold 10,000 times offline pushes its
 * journal to the server. In the page: the till's Dexie database with the
 * 10,000 committed sale.completed events (real chain and hashes), then
 * `pushOutbox` timed until the outbox is empty, against the real server over
 * HTTP on 127.0.0.1, which applies every sale (ledger, stock, re-pricing).
 *
 * The peer, in the same run: the same 10,000 sales as documents (one
 * immutable document per sale, the event as its body) in pouchdb-browser on
 * IndexedDB, then a one-shot `PouchDB.replicate(local, remote)` to a PouchDB
 * server on 127.0.0.1 (pouch-peer.ts), timed.
 *
 * Two rounds each, in the order Storeside, PouchDB, PouchDB, Storeside, so a
 * slow spell of the (shared, two-core) machine lands on both alike; the
 * figures are the better round of each. The second Storeside round is
 * another till of the store with its own 10,000 sales; the second PouchDB
 * round replicates to a new remote database.
 */
export async function benchDrain(context: BrowserContext, pageDir: string, mode: BenchMode): Promise<BenchRow[]> {
  const { events: saleCount, products, fillChunk } = SIZES[mode];
  const oneStore = withExtraStock(buildOneStoreSeed(products), 1_000);
  const scratch = scratchDir('drain');
  const store = await openSeededStore(scratch.file('server.db'), oneStore);
  const server = await startServer(store, pageDir);
  const pushTimes = timePushes(server.http);
  const pouch = await startPouchPeer(scratch.dir, pageDir);
  const staffId = oneStore.credentials.staff.find((m) => m.role === 'associate')!.id;
  const [firstCode, secondCode] = oneStore.credentials.enrollmentCodes.tablet;
  try {
    const device = await openSyncPage(context, server.url);
    const peer = await openSyncPage(context, pouch.url);

    /** One till's offline backlog, filled (not timed), then drained (timed) and checked. */
    const storesideRound = async (code: string): Promise<{ run: StoresideRun; events: StoreEvent[] }> => {
      const enrollment = await device.call('enroll', code);
      progress(`drain: building ${saleCount.toLocaleString()} chained sale events of a till; filling its journal in IndexedDB (not timed)`);
      const events = saleEvents(oneStore.slice, enrollment.deviceId, staffId, saleCount);
      for (const chunk of batches(events, fillChunk)) {
        const last = chunk.at(-1)!;
        await device.call('addToJournal', JSON.stringify(chunk), { seq: last.seq, hash: eventHash(last, sha256Hex) });
      }
      progress(`drain: pushOutbox of ${saleCount.toLocaleString()} events to the server (timed)`);
      pushTimes.splice(0);
      const drain = await device.call('drain');
      const serverMs = pushTimes.splice(0).reduce((sum, ms) => sum + ms, 0);
      const ledger = checkDrain(drain, saleCount, scratch.file('server.db'), enrollment.deviceId);
      progress(`drain: ${drain.ms.toFixed(0)} ms, of which the server answering pushes ${serverMs.toFixed(0)} ms`);
      return { run: { ...drain, serverMs, ledger }, events };
    };
    const pouchRound = async (database: string): Promise<ReplicateResult> => {
      progress(`drain: PouchDB.replicate of ${saleCount.toLocaleString()} documents to the PouchDB server (timed)`);
      const replicate = await peer.call('replicatePouch', `${pouch.url}/${database}`, POUCH_BATCH);
      checkReplicate(replicate, saleCount, await pouch.docCount(database));
      progress(`drain: PouchDB ${replicate.ms.toFixed(0)} ms`);
      return replicate;
    };

    const first = await storesideRound(firstCode!);
    progress('drain: filling pouchdb-browser with the same sales, one document each (not timed)');
    await peer.call('resetPouch');
    let docs = 0;
    for (const chunk of batches(first.events, fillChunk)) docs = await peer.call('addToPouch', JSON.stringify(chunk.map(saleDoc)));
    if (docs !== saleCount) throw new Error(`pouchdb-browser holds ${docs} documents, not ${saleCount}`);
    const pouchRuns = [await pouchRound('sales-1'), await pouchRound('sales-2')];
    const storesideRuns = [first.run, (await storesideRound(secondCode!)).run];
    await device.page.close();
    await peer.page.close();

    const storeside = storesideRuns.reduce((best, run) => (run.ms < best.ms ? run : best));
    const pouchdb = pouchRuns.reduce((best, run) => (run.ms < best.ms ? run : best));
    const speedup = pouchdb.ms / storeside.ms;
    const met = storeside.ms <= GOAL_MS && speedup >= GOAL_SPEEDUP;
    progress(`drain: best of two — Storeside ${storeside.ms.toFixed(0)} ms, PouchDB ${pouchdb.ms.toFixed(0)} ms: ${speedup.toFixed(2)}× faster`);
    const details = {
      events: saleCount,
      speedup,
      storeside: storesideRuns.map(({ requestMs, ...run }) => ({ ...run, requestMsTotal: requestMs.reduce((sum, ms) => sum + ms, 0) })),
      pouchdb: pouchRuns.map((run) => ({ ...run, batchSize: POUCH_BATCH })),
    };
    return [
      row({
        name: `Drain ${saleCount.toLocaleString()} offline sales → server (pushOutbox, best of 2)`,
        value: storeside.ms,
        unit: 'ms',
        limit: pouchdb.ms,
        limitLabel: 'PouchDB replicate, same sales',
        goal: `≤ ${GOAL_MS.toLocaleString()} ms and ≥ ${GOAL_SPEEDUP}× faster than PouchDB (ratio ≤ ${(1 / GOAL_SPEEDUP).toFixed(2)}×)`,
        met,
        details,
      }),
      row({
        name: `PouchDB replicate ${saleCount.toLocaleString()} sale documents → PouchDB server (best of 2)`,
        value: pouchdb.ms,
        unit: 'ms',
        limit: storeside.ms,
        limitLabel: 'Storeside drain',
        goal: null,
        met: null,
        details,
      }),
    ];
  } finally {
    await pouch.close();
    await server.close();
    await store.close();
    scratch.remove();
  }
}

/** One document per sale, the event as its body: the sale is immutable, like the journal entry. */
const saleDoc = (event: StoreEvent): SaleDoc => ({ _id: event.id, ...event });

/** How long the server took over each push, from the request's arrival to the last byte of its answer. */
function timePushes(server: Server): number[] {
  const times: number[] = [];
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!request.url?.startsWith('/api/v1/sync/push')) return;
    const start = performance.now();
    response.once('finish', () => times.push(performance.now() - start));
  });
  return times;
}

/** The outbox must be empty and the server must hold every sale of the device, applied: a drain that lost sales is no figure. */
function checkDrain(drain: DrainResult, saleCount: number, serverFile: string, deviceId: string) {
  if (drain.sent !== saleCount || drain.rejected !== 0 || drain.pendingAfter !== 0) {
    throw new Error(`drain sent ${drain.sent} of ${saleCount}, ${drain.rejected} rejected, ${drain.pendingAfter} still pending; first rejections: ${drain.rejectedReasons.join('; ') || 'none'}`);
  }
  const db = new Database(serverFile, { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string) => Number((db.prepare(sql).get(deviceId) as { n: number }).n);
    const ledger = {
      applied: count(`SELECT COUNT(*) AS n FROM events WHERE device_id = ? AND status = 'applied'`),
      sales: count(`SELECT COUNT(*) AS n FROM sales WHERE device_id = ?`),
      variances: count(`SELECT COUNT(*) AS n FROM sale_variances v JOIN sales s ON s.id = v.sale_id WHERE s.device_id = ?`),
    };
    if (ledger.applied !== saleCount || ledger.sales !== saleCount) throw new Error(`after the drain the server holds ${JSON.stringify(ledger)} of this till, not ${saleCount} applied sales`);
    return ledger;
  } finally {
    db.close();
  }
}

function checkReplicate(replicate: ReplicateResult, saleCount: number, peerDocs: number) {
  if (!replicate.ok || replicate.errors > 0 || replicate.docsWritten !== saleCount || peerDocs !== saleCount) {
    throw new Error(`PouchDB replication wrote ${replicate.docsWritten} of ${saleCount} (${replicate.errors} errors); the server holds ${peerDocs}`);
  }
}
