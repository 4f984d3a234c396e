import * as v from 'valibot';
import type { StoreEvent } from '../../../src/domain/events.ts';
import { PushResponseSchema } from '../../../src/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.ts';

/**
 * Pushes `eventBatches` over HTTP, one a call (by index), as a device sends
 * them: the bodies are text before the clock starts. Each call resolves to the
 * milliseconds from sending to the answer read, and throws unless the server
 * applied the whole batch.
 */
export function httpIngester(url: string, token: string, deviceId: string, eventBatches: readonly StoreEvent[][]) {
  const bodies = eventBatches.map((events) => JSON.stringify({ deviceId, events })); // a device sends text; not timed
  return async (batch: readonly StoreEvent[], index: number) => {
    const start = performance.now();
    const response = await fetch(`${url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { 'x-storeside-protocol': String(PROTOCOL_VERSION), authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: bodies[index]!,
    });
    const answer = await response.json();
    const ms = performance.now() - start;
    if (response.status !== 200) throw new Error(`push of batch ${index} answered ${response.status}: ${JSON.stringify(answer)}`);
    expectAllApplied(v.parse(PushResponseSchema, answer), batch, 'HTTP');
    return ms;
  };
}

/** A bench that does not check what it timed can lie: every event of the batch applied, and acknowledged through its last. */
export function expectAllApplied(answer: { ackedThroughSeq: number; results: { status: string; reason?: string | undefined }[] }, batch: readonly StoreEvent[], label: string) {
  const notApplied = answer.results.filter((r) => r.status !== 'applied');
  if (answer.ackedThroughSeq !== batch.at(-1)!.seq || notApplied.length > 0) {
    throw new Error(`${label} ingest acked ${answer.ackedThroughSeq} of ${batch.at(-1)!.seq}; not applied: ${JSON.stringify(notApplied.slice(0, 3))}`);
  }
}
