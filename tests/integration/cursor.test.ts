import { beforeAll, describe, expect, it } from 'vitest';
import type { PullResponse } from '../../src/protocol/messages.ts';
import { withServer } from '../support/server-fixture.ts';
import { SaleChain, unitsSoldBySku, type DeviceClient, type StoreSliceSnapshot } from './helpers/device-client.ts';
import { stockLevels } from './helpers/ledger-db.ts';

/**
 * The classic sequence-gap bug: a puller reads up to cursor N while a write
 * that will commit with a number below N is still open, and never sees it.
 * Here several tills push sales at once while others pull as fast as they
 * can; every puller must end with exactly the stock the ledger holds.
 */

const AUSTIN = 'store-us-austin';
const SELLERS = 4;
const PULLERS = 3;
const SALES_PER_SELLER = 40;

const server = withServer({ label: 'cursor', demoProducts: 30 });
let slice: StoreSliceSnapshot;

beforeAll(async () => {
  slice = await server.slice(AUSTIN);
});

/** Pulls from `cursor` until the server has nothing newer, applying stock levels as a till would. */
async function pullInto(client: DeviceClient, state: { cursor: number; onHand: Map<string, number> }) {
  for (;;) {
    const answer = await client.get<PullResponse>(`/api/v1/sync/pull?cursor=${state.cursor}&limit=50`);
    expect(answer.status).toBe(200);
    for (const change of answer.body.changes) {
      if (change.entity === 'stock' && change.op === 'put') {
        const level = change.value as { sku: string; onHand: number };
        state.onHand.set(level.sku, level.onHand);
      }
    }
    expect(answer.body.cursor).toBeGreaterThanOrEqual(state.cursor);
    state.cursor = answer.body.cursor;
    if (!answer.body.hasMore) return;
  }
}

describe('pulling while other tills push', () => {
  it('never skips a change: every puller ends with the stock the ledger holds', async () => {
    const sellers = await Promise.all(Array.from({ length: SELLERS }, () => server.enroll({ storeId: AUSTIN })));
    const pullers = await Promise.all(Array.from({ length: PULLERS }, () => server.enroll({ storeId: AUSTIN })));
    const states = await Promise.all(
      pullers.map(async (client) => {
        const snapshot = await client.readSnapshot();
        return { cursor: snapshot.cursor, onHand: new Map(snapshot.stock.map((level) => [level.sku, level.onHand])) };
      }),
    );

    let pushing = true;
    const pulling = pullers.map(async (client, i) => {
      while (pushing) await pullInto(client, states[i]!);
    });
    const sold = new Map<string, number>();
    await Promise.all(
      sellers.map(async (client, i) => {
        const chain = new SaleChain(client, slice, 100 + i);
        for (let n = 0; n < SALES_PER_SELLER; n++) {
          // One sale per push: many small transactions interleave with the pulls.
          const sale = chain.next();
          const answer = await client.push([sale]);
          expect(answer.status).toBe(200);
          for (const [sku, quantity] of unitsSoldBySku([sale])) sold.set(sku, (sold.get(sku) ?? 0) + quantity);
        }
      }),
    );
    pushing = false;
    await Promise.all(pulling);
    for (const [i, client] of pullers.entries()) await pullInto(client, states[i]!);

    const ledger = stockLevels(server.dataDir, AUSTIN);
    for (const state of states) expect(state.onHand).toEqual(ledger);
    // and the ledger is the seed less exactly what was sold
    for (const level of slice.stock) expect(ledger.get(level.sku)).toBe(level.onHand - (sold.get(level.sku) ?? 0));
  });
});
