import * as v from 'valibot';
import type { StoreEvent } from '../domain/events.ts';
import { pendingEvents } from '../local/outbox.ts';
import type { StoresideDb } from '../local/db.ts';
import { parseHlc } from '../domain/hlc.ts';
import { PushResponseSchema, SeqGapDetailsSchema, type DeviceReport, type PushResult } from '../protocol/messages.ts';
import type { ApiClient, ApiFailure } from './api-client.ts';

export const PUSH_BATCH_EVENTS = 200;
/** Half the server's default body limit: a backlog of long sales still fits a request. */
export const PUSH_BATCH_BYTES = 512 * 1024;

export type PushOutcome = { ok: true; sent: number; rejected: PushResult[] } | { ok: false; failure: ApiFailure };

const journalDiverged = (message: string): PushOutcome => ({ ok: false, failure: { kind: 'journal_diverged', message } });

/**
 * Sends the journal's unacknowledged events, oldest first, in batches, until
 * none are left or a batch fails. An event stays pending until the server's
 * answer acknowledges it; a failed batch is simply sent again later with the
 * same ids and content, which the server answers as `duplicate`.
 *
 * Batches are capped in bytes as well as events, and halved when the server
 * still finds one too large, so one long sale never blocks the queue.
 */
export async function pushOutbox(db: StoresideDb, api: ApiClient, now: () => number = Date.now): Promise<PushOutcome> {
  const enrollment = await db.getMeta('enrollment');
  if (!enrollment) return { ok: true, sent: 0, rejected: [] };
  let sent = 0;
  let byteBudget = PUSH_BATCH_BYTES;
  const rejected: PushResult[] = [];
  for (;;) {
    const events = fitToBytes(await pendingEvents(db, PUSH_BATCH_EVENTS), byteBudget);
    if (events.length === 0) return { ok: true, sent, rejected };
    const headBefore = (await db.getMeta('chainHead'))?.seq ?? 0;
    const report: DeviceReport = { time: now(), headSeq: headBefore, oldestUnsentAt: parseHlc(events[0]!.hlc)?.wallMs ?? null };
    const result = await api.request('POST', '/api/v1/sync/push', PushResponseSchema, { deviceId: enrollment.deviceId, events, report });
    const head = (await db.getMeta('chainHead'))?.seq ?? 0;
    if (!result.ok) {
      if (result.failure.kind === 'http' && result.failure.code === 'payload_too_large' && events.length > 1) {
        byteBudget = Math.floor(byteBudget / 2);
        continue;
      }
      const gap = seqGap(result.failure);
      if (gap === null) return result;
      if (gap - 1 > head) {
        // The server has more of this device's journal than the device: local data
        // was lost. Never mark unsent events as acknowledged to paper over it.
        return journalDiverged(`the server expects seq ${gap} but this device's journal ends at ${head}; its local data was lost`);
      }
      // Our ack was lost, or the server was restored from a backup: continue from
      // where it says. The journal keeps every event, so resending is always possible.
      await db.setMeta('ackedSeq', gap - 1);
      continue;
    }
    const { ackedThroughSeq, results } = result.value;
    if (ackedThroughSeq > head) return journalDiverged(`the server acknowledged seq ${ackedThroughSeq} but this device's journal ends at ${head}`);
    rejected.push(...results.filter((r) => r.status === 'rejected'));
    await db.transaction('rw', db.meta, async () => {
      const acked = (await db.getMeta('ackedSeq')) ?? 0;
      if (ackedThroughSeq > acked) await db.setMeta('ackedSeq', ackedThroughSeq);
    });
    sent += events.length;
  }
}

/** The longest prefix of `events` whose JSON fits `budget` bytes; at least one event. */
function fitToBytes(events: StoreEvent[], budget: number): StoreEvent[] {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    bytes += JSON.stringify(events[i]).length + 1;
    if (bytes > budget && i > 0) return events.slice(0, i);
  }
  return events;
}

function seqGap(failure: ApiFailure): number | null {
  if (failure.kind !== 'http' || failure.code !== 'seq_gap') return null;
  const details = v.safeParse(SeqGapDetailsSchema, failure.details);
  return details.success ? details.output.expectedSeq : null;
}
