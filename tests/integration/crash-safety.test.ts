import { statSync } from 'node:fs';
import { sha256Hex } from '../../src/server/sha256.ts';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventHash } from '../../src/domain/events.ts';
import { withServer } from '../support/server-fixture.ts';
import { pushJournal, SaleChain, salePayload, unitsSoldBySku, type DeviceClient } from './helpers/device-client.ts';
import { deviceRow, stockLevels } from './helpers/ledger-db.ts';

/**
 * "Applying a batch and recording its ack is one database transaction"
 * (DESIGN.md "Sync protocol"). The server is killed with SIGKILL while two
 * devices' 500-event batches are in flight, restarted on the same DATA_DIR, and
 * the devices replay their journals the way a till does after a network error.
 * Whatever instant the kill hit — before the body was read, mid-transaction,
 * after the commit but before the answer — every sale ends up booked exactly once.
 */

const BATCH = 500;
/**
 * When to pull the plug: ms after the pushes start (a 500-event push takes a few
 * hundred ms here), or the moment the server first writes its WAL file, which is
 * the commit itself or a cache spill inside the transaction — the narrowest and
 * most interesting window, where the ack may be durable but never answered.
 */
const KILL_WHEN: readonly (number | 'first-wal-write')[] = [60, 'first-wal-write', 250, 600];

const server = withServer({ label: 'crash' });
let devices: { client: DeviceClient; chain: SaleChain }[];
let storeId: string;
let initialStock: Map<string, number>;

beforeAll(async () => {
  const first = await server.enroll();
  const second = await server.enroll({ storeId: first.storeId });
  storeId = first.storeId;
  const slice = await first.readSnapshot();
  devices = [first, second].map((client, i) => ({ client, chain: new SaleChain(client, slice, 1000 + i) }));
  initialStock = stockLevels(server.dataDir, storeId);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const walWritten = (walFile: string) => statSync(walFile, { bigint: true, throwIfNoEntry: false })?.mtimeNs ?? -1n;

/** Resolves as soon as the WAL file changes (polled every millisecond), or after `limitMs`. */
async function firstWalWrite(limitMs: number): Promise<void> {
  const walFile = join(server.dataDir, 'storeside.db-wal');
  const before = walWritten(walFile);
  const deadline = Date.now() + limitMs;
  while (walWritten(walFile) === before && Date.now() < deadline) await sleep(1);
}

/** Every invariant of "exactly once", read straight from the database. */
function expectEachEventAppliedOnce() {
  for (const { client, chain } of devices) {
    const n = chain.lastSeq;
    const events = server.ledger((db) => db.prepare(`SELECT seq, id, status FROM events WHERE device_id = ? ORDER BY seq`).all(client.deviceId)) as {
      seq: number;
      id: string;
      status: string;
    }[];
    expect(events.map((row) => row.seq)).toEqual(chain.events.map((event) => event.seq));
    expect(events.map((row) => row.id)).toEqual(chain.events.map((event) => event.id));
    expect(events.filter((row) => row.status !== 'applied')).toEqual([]);

    const sales = server.ledger((db) => db.prepare(`SELECT id, event_id FROM sales WHERE device_id = ?`).all(client.deviceId)) as { id: string; event_id: string }[];
    expect(sales).toHaveLength(n);
    expect(new Set(sales.map((row) => row.id)).size).toBe(n);
    expect(new Set(sales.map((row) => row.id))).toEqual(new Set(chain.events.map((event) => salePayload(event).saleId)));

    const { lines, tenders } = server.ledger((db) => ({
      lines: (db.prepare(`SELECT COUNT(*) AS n FROM sale_lines WHERE sale_id IN (SELECT id FROM sales WHERE device_id = ?)`).get(client.deviceId) as { n: number }).n,
      tenders: (db.prepare(`SELECT COUNT(*) AS n FROM tenders WHERE sale_id IN (SELECT id FROM sales WHERE device_id = ?)`).get(client.deviceId) as { n: number }).n,
    }));
    expect(lines).toBe(chain.events.reduce((sum, event) => sum + salePayload(event).lines.length, 0));
    expect(tenders).toBe(n);
    expect(deviceRow(server.dataDir, client.deviceId)).toEqual({ acked_seq: n, head_hash: eventHash(chain.events.at(-1)!, sha256Hex) });
  }
  // Stock went down exactly once per sale, across both tills of the store.
  const sold = unitsSoldBySku(devices.flatMap(({ chain }) => chain.events));
  const stock = stockLevels(server.dataDir, storeId);
  for (const [sku, before] of initialStock) expect(stock.get(sku), sku).toBe(before - (sold.get(sku) ?? 0));
  expect(server.ledger((db) => db.prepare(`SELECT kind, detail FROM alarms`).all())).toEqual([]);
}

describe('a push cut off by SIGKILL', () => {
  it(`is applied exactly once after a restart and a replay (${KILL_WHEN.length} kill timings)`, async () => {
    for (const [round, killWhen] of KILL_WHEN.entries()) {
      const ackedBefore = devices.map(({ client }) => deviceRow(server.dataDir, client.deviceId)!.acked_seq);
      const batches = devices.map(({ chain }) => chain.take(BATCH));
      const inFlight = devices.map(({ client }, i) =>
        client.push(batches[i]!).then(
          (answer) => `answered ${answer.status}`,
          (error: unknown) => `cut off (${(error as Error).message})`,
        ),
      );
      const started = Date.now();
      await (killWhen === 'first-wal-write' ? firstWalWrite(5_000) : sleep(killWhen));
      const killedAfterMs = Date.now() - started;
      await server.process.kill();
      const outcomes = await Promise.all(inFlight);

      await server.restart({ crash: true });
      for (const device of devices) device.client = device.client.at(server.url);
      const ackedAfterCrash = devices.map(({ client }) => deviceRow(server.dataDir, client.deviceId)!.acked_seq);
      for (const [i, acked] of ackedAfterCrash.entries()) {
        // The batch is all or nothing: committed through its last seq, or not at all.
        expect([ackedBefore[i], batches[i]!.at(-1)!.seq], `device ${i} after the crash of round ${round}`).toContain(acked);
      }
      console.info(
        `round ${round}: killed ${killedAfterMs} ms into the pushes (${killWhen === 'first-wal-write' ? 'at the first WAL write' : 'on a timer'}); ${outcomes.map((outcome, i) => `device ${i} ${outcome}, batch ${ackedAfterCrash[i] === ackedBefore[i] ? 'lost' : 'committed'}`).join('; ')}`,
      );

      for (const { client, chain } of devices) {
        // The till sold on meanwhile and, not knowing the fate of the lost batch, sends what comes after it:
        // the server answers seq_gap when the batch was lost, and the till rewinds.
        const after = chain.take(20);
        const resumed = await pushJournal(client, chain.events, { fromSeq: after[0]!.seq });
        for (const event of after) expect(resumed.statuses.get(event.seq)).toBe('applied');

        // A till that lost its acks replays everything from seq 1: all duplicates.
        const replay = await pushJournal(client, chain.events, { fromSeq: 1, everyBatch: true });
        expect(replay.gaps).toBe(0);
        expect(replay.statuses.size).toBe(chain.lastSeq);
        expect([...replay.statuses.values()].every((status) => status === 'duplicate')).toBe(true);
      }
      expectEachEventAppliedOnce();
    }
  });
});
