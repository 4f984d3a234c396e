import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerStore } from '../storage/server-store.ts';
import { authenticate } from './authenticate.ts';

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 20_000;

/**
 * GET /api/v1/sync/stream: Server-Sent Events that poke a device when its
 * store's slice changes. A poke carries only the new cursor; the device pulls
 * the changes itself, so a missed poke costs latency, never data. The first
 * event, `ready`, names the cursor as the stream opens: a device that pulls
 * from its own cursor after seeing it has missed nothing written before.
 *
 *   event: ready     data: {"cursor": 1042}
 *   event: changed   data: {"cursor": 1057}
 *   : heartbeat
 *
 * Authentication failures answer JSON like every route (the caller sends them
 * through `handleApi`'s error path by throwing).
 */
export async function openChangeStream(request: IncomingMessage, response: ServerResponse, store: ServerStore): Promise<void> {
  const device = await authenticate(request, store);
  // Watch before reading the cursor: a commit in between is then poked, not lost.
  let pending: number | null = null;
  let open = false;
  const flush = () => {
    if (pending === null || !open || response.writableEnded) return;
    send('changed', { cursor: pending });
    pending = null;
  };
  const unwatch = store.watchSlice(device.storeId, (cursor) => {
    // Several commits in one tick make one poke: the device pulls them all at once anyway.
    if (pending === null) setImmediate(flush);
    pending = Math.max(pending ?? 0, cursor);
  });
  let cursor: number;
  try {
    cursor = await store.currentCursor(device.storeId);
  } catch (error) {
    unwatch();
    throw error;
  }
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // nginx and friends would otherwise hold the events back in a buffer.
    'x-accel-buffering': 'no',
  });
  const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
  const close = () => {
    clearInterval(heartbeat);
    unwatch();
  };
  request.on('close', close);
  response.on('error', close);
  response.write('retry: 2000\n\n');
  send('ready', { cursor });
  open = true;
  if (pending !== null && pending <= cursor) pending = null; // already covered by `ready`
  flush();
}
