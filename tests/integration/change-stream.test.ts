import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiFailure, type StreamEvent } from '../../src/sync/api-client.ts';
import type { PullResponse } from '../../src/protocol/messages.ts';
import { apiRequest, enrollDevice, PROTOCOL_HEADERS, readCredentials, SaleChain, type DeviceClient, type StoreSliceSnapshot } from './helpers/device-client.ts';
import { makeDataDir, removeDataDir, startServer, type ServerProcess } from './helpers/server-process.ts';

/**
 * GET /api/v1/sync/stream against the real server: a device hears, within a
 * second, that its store's slice changed — through another till's sale — and
 * nothing of other stores; a poke carries the cursor to pull from.
 */

const AUSTIN = 'store-us-austin';
const BERLIN = 'store-de-berlin';

let server: ServerProcess;
let dataDir: string;
let austinSlice: StoreSliceSnapshot;

beforeAll(async () => {
  dataDir = makeDataDir('change-stream');
  server = await startServer({ dataDir, demoProducts: 40 });
  austinSlice = await (await enrollDevice(server, { storeId: AUSTIN })).readSnapshot();
});

afterAll(async () => {
  await server?.stop();
  removeDataDir(dataDir);
});

type Listening = { events: { at: number; event: StreamEvent }[]; ended: Promise<ApiFailure>; close: () => void };

/** Opens the device's change stream the way the app does, recording every event with when it came. */
function listen(client: DeviceClient, token = client.token): Listening {
  const api = createApiClient({ baseUrl: server.url, token: () => token });
  const events: Listening['events'] = [];
  const abort = new AbortController();
  const ended = api.stream('/api/v1/sync/stream', (event) => events.push({ at: performance.now(), event }), abort.signal);
  return { events, ended, close: () => abort.abort() };
}

const cursorOf = (event: StreamEvent) => (JSON.parse(event.data) as { cursor: number }).cursor;

describe('the change stream', () => {
  it('pokes every device of the store within a second of another till’s sale, and no device of another store', async () => {
    const seller = await enrollDevice(server, { storeId: AUSTIN });
    const watcher = await enrollDevice(server, { storeId: AUSTIN });
    const elsewhere = await enrollDevice(server, { storeId: BERLIN });
    const austin = listen(watcher);
    const berlin = listen(elsewhere);
    await expect.poll(() => austin.events.length).toBe(1);
    await expect.poll(() => berlin.events.length).toBe(1);
    expect(austin.events[0]!.event.event).toBe('ready');
    const readyCursor = cursorOf(austin.events[0]!.event);

    const sale = new SaleChain(seller, austinSlice, 11).next();
    const pushedAt = performance.now();
    const answer = await seller.push([sale]);
    expect(answer.status).toBe(200);
    await expect.poll(() => austin.events.length, { timeout: 1_000 }).toBe(2);
    const poke = austin.events[1]!;
    expect(poke.event.event).toBe('changed');
    expect(poke.at - pushedAt).toBeLessThan(1_000);
    expect(cursorOf(poke.event)).toBeGreaterThan(readyCursor);

    // What the poke's cursor names is there to pull: the stock the sale took.
    const pulled = await watcher.get<{ changes: { entity: string; key: string }[] }>(`/api/v1/sync/pull?cursor=${readyCursor}&limit=100`);
    const skus = new Set(sale.type === 'sale.completed' ? sale.payload.lines.map((line) => line.sku) : []);
    expect(pulled.body.changes.filter((change) => change.entity === 'stock').map((change) => change.key).sort()).toEqual([...skus].sort());

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(berlin.events.map((e) => e.event.event)).toEqual(['ready']);
    austin.close();
    berlin.close();
  });

  it('pokes the store’s devices within a second of HQ changing a price there, and the pull brings the new price', async () => {
    const watcher = await enrollDevice(server, { storeId: AUSTIN });
    const austin = listen(watcher);
    await expect.poll(() => austin.events.length).toBe(1);
    const readyCursor = cursorOf(austin.events[0]!.event);
    const { sku, price } = austinSlice.products[3]!;

    const hq = { ...PROTOCOL_HEADERS, authorization: `Bearer ${readCredentials(dataDir).hqToken}`, 'content-type': 'application/json' };
    const changedAt = performance.now();
    const changed = await apiRequest(server.url, '/api/v1/hq/prices', { method: 'POST', headers: hq, body: JSON.stringify({ store: AUSTIN, sku, price: price + 100 }) });
    expect(changed.status).toBe(200);
    await expect.poll(() => austin.events.length, { timeout: 1_000 }).toBe(2);
    expect(austin.events[1]!.at - changedAt).toBeLessThan(1_000);

    const pulled = await watcher.get<PullResponse>(`/api/v1/sync/pull?cursor=${readyCursor}&limit=100`);
    expect(pulled.body.changes).toEqual([expect.objectContaining({ entity: 'product', key: sku, value: expect.objectContaining({ price: price + 100 }) })]);
    austin.close();
  });

  it('answers 401 as JSON for a token it does not know, and closes nothing else', async () => {
    const device = await enrollDevice(server, { storeId: AUSTIN });
    const refused = listen(device, 'x'.repeat(40));
    const failure = await refused.ended;
    expect(failure).toMatchObject({ kind: 'http', status: 401, code: 'unauthorized' });
    expect(refused.events).toEqual([]);
  });
});
