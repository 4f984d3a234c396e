import { beforeAll, describe, expect, it } from 'vitest';
import type { PullResponse } from '../../src/protocol/messages.ts';
import { createApiClient, type ApiFailure, type StreamEvent } from '../../src/sync/api-client.ts';
import { withServer } from '../support/server-fixture.ts';
import { SaleChain, type DeviceClient, type StoreSliceSnapshot } from './helpers/device-client.ts';

/**
 * GET /api/v1/sync/stream against the real server: a device hears that its
 * store's slice changed — through another till's sale, or HQ — and nothing of
 * other stores; a poke carries the cursor to pull from. The tests wait for the
 * events themselves, never for a time: how fast a poke arrives is the
 * benchmark's to measure (tests/bench/sync/poke-bench.ts).
 */

const AUSTIN = 'store-us-austin';
const BERLIN = 'store-de-berlin';

const server = withServer({ label: 'change-stream', demoProducts: 40 });
let austinSlice: StoreSliceSnapshot;

beforeAll(async () => {
  austinSlice = await server.slice(AUSTIN);
});

type Listening = {
  /** The next event on the stream, in the order the server sent them; fails if the stream ends first. */
  next(): Promise<StreamEvent>;
  /** Every event received so far. */
  received: StreamEvent[];
  ended: Promise<ApiFailure>;
  close(): void;
};

/** Opens the device's change stream the way the app does. */
function listen(client: DeviceClient, token = client.token): Listening {
  const api = createApiClient({ baseUrl: server.url, token: () => token });
  const received: StreamEvent[] = [];
  let wake: (() => void) | null = null;
  let read = 0;
  const abort = new AbortController();
  const ended = api.stream(
    '/api/v1/sync/stream',
    (event) => {
      received.push(event);
      wake?.();
    },
    abort.signal,
  );
  return {
    received,
    ended,
    close: () => abort.abort(),
    async next() {
      const index = read++;
      while (received.length <= index) {
        const arrived = new Promise<true>((resolve) => (wake = () => resolve(true)));
        const outcome = await Promise.race([arrived, ended]);
        if (outcome !== true && received.length <= index) throw new Error(`the stream ended before event ${index + 1}: ${JSON.stringify(outcome)}`);
      }
      return received[index]!;
    },
  };
}

const cursorOf = (event: StreamEvent) => (JSON.parse(event.data) as { cursor: number }).cursor;

describe('the change stream', () => {
  it('pokes every device of the store after another till’s sale, and no device of another store', async () => {
    const seller = await server.enroll({ storeId: AUSTIN });
    const watcher = await server.enroll({ storeId: AUSTIN });
    const elsewhere = await server.enroll({ storeId: BERLIN });
    const austin = listen(watcher);
    const berlin = listen(elsewhere);
    const ready = await austin.next();
    expect(ready.event).toBe('ready');
    const berlinReady = await berlin.next();
    expect(berlinReady.event).toBe('ready');

    const sale = new SaleChain(seller, austinSlice, 11).next();
    expect((await seller.push([sale])).status).toBe(200);
    const poke = await austin.next();
    expect(poke.event).toBe('changed');
    expect(cursorOf(poke)).toBeGreaterThan(cursorOf(ready));

    // What the poke's cursor names is there to pull: the stock the sale took.
    const pulled = await watcher.pullAll(cursorOf(ready));
    const skus = new Set(sale.type === 'sale.completed' ? sale.payload.lines.map((line) => line.sku) : []);
    expect(pulled.filter((change) => change.entity === 'stock').map((change) => change.key).sort()).toEqual([...skus].sort());

    // Berlin was not poked for Austin's sale. A poke for it would have been written to Berlin's stream
    // as the sale committed, before the Berlin price below exists; so the first thing Berlin hears
    // must be that price: the cursor of Berlin's slice (each store counts its own) where the price is.
    const { sku, price } = (await elsewhere.readSnapshot()).products[0]!;
    await server.hq.setPrice(BERLIN, sku, price + 100);
    const berlinPoke = await berlin.next();
    expect(berlinPoke.event).toBe('changed');
    const berlinPull = await elsewhere.get<PullResponse>(`/api/v1/sync/pull?cursor=${cursorOf(berlinReady)}&limit=100`);
    expect(berlinPull.body.changes.map((change) => `${change.entity}/${change.key}`)).toEqual([`product/${sku}`]);
    expect(cursorOf(berlinPoke)).toBe(berlinPull.body.cursor);
    austin.close();
    berlin.close();
  });

  it('pokes the store’s devices when HQ changes a price there, and the pull brings the new price', async () => {
    const watcher = await server.enroll({ storeId: AUSTIN });
    const austin = listen(watcher);
    const ready = await austin.next();
    const { sku, price } = austinSlice.products[3]!;

    await server.hq.setPrice(AUSTIN, sku, price + 100);
    expect((await austin.next()).event).toBe('changed');

    expect(await watcher.pullAll(cursorOf(ready))).toEqual([expect.objectContaining({ entity: 'product', key: sku, value: expect.objectContaining({ price: price + 100 }) })]);
    austin.close();
  });

  it('answers 401 as JSON for a token it does not know, and closes nothing else', async () => {
    const device = await server.enroll({ storeId: AUSTIN });
    const refused = listen(device, 'x'.repeat(40));
    const failure = await refused.ended;
    expect(failure).toMatchObject({ kind: 'http', status: 401, code: 'unauthorized' });
    expect(refused.received).toEqual([]);
  });
});
