import { pendingEvents } from '../local/commit-sale.ts';
import type { StoresideDb } from '../local/db.ts';
import { PushResponseSchema, SeqGapDetailsSchema, type PushResult } from '../protocol/messages.ts';
import * as v from 'valibot';
import type { ApiClient, ApiFailure } from './api-client.ts';

export const PUSH_BATCH_SIZE = 200;

export type PushOutcome = { ok: true; sent: number; rejected: PushResult[] } | { ok: false; failure: ApiFailure };

/**
 * Sends the journal's unacknowledged events, oldest first, in batches, until
 * none are left or a batch fails. An event stays pending until the server's
 * answer acknowledges it; a failed batch is simply sent again later with the
 * same ids and content, which the server answers as `duplicate`.
 */
export async function pushOutbox(db: StoresideDb, api: ApiClient): Promise<PushOutcome> {
  const enrollment = await db.getMeta('enrollment');
  if (!enrollment) return { ok: true, sent: 0, rejected: [] };
  let sent = 0;
  const rejected: PushResult[] = [];
  for (;;) {
    const events = await pendingEvents(db, PUSH_BATCH_SIZE);
    if (events.length === 0) return { ok: true, sent, rejected };
    const result = await api.request('POST', '/api/v1/sync/push', PushResponseSchema, { deviceId: enrollment.deviceId, events });
    if (!result.ok) {
      const gap = seqGap(result.failure);
      if (gap === null) return result;
      const head = (await db.getMeta('chainHead'))?.seq ?? 0;
      if (gap - 1 > head) {
        // The server has more of this device's journal than the device: local data
        // was lost. Never mark unsent events as acknowledged to paper over it.
        return { ok: false, failure: { kind: 'http', status: 409, code: 'seq_gap', message: `the server expects seq ${gap} but this device's journal ends at ${head}; its local data was lost` } };
      }
      // Our ack was lost, or the server was restored from a backup: continue from
      // where it says. The journal keeps every event, so resending is always possible.
      await db.setMeta('ackedSeq', gap - 1);
      continue;
    }
    const { ackedThroughSeq, results } = result.value;
    rejected.push(...results.filter((r) => r.status === 'rejected'));
    await db.transaction('rw', db.meta, async () => {
      const acked = (await db.getMeta('ackedSeq')) ?? 0;
      if (ackedThroughSeq > acked) await db.setMeta('ackedSeq', ackedThroughSeq);
    });
    sent += events.length;
  }
}

function seqGap(failure: ApiFailure): number | null {
  if (failure.kind !== 'http' || failure.code !== 'seq_gap') return null;
  const details = v.safeParse(SeqGapDetailsSchema, failure.details);
  return details.success ? details.output.expectedSeq : null;
}
