import type { StoresideDb } from '../local/db.ts';
import { PullResponseSchema } from '../protocol/messages.ts';
import type { ApiClient, ApiFailure } from './api-client.ts';
import { applyChanges, readChanges, sliceChangeTables } from './apply-changes.ts';

/** Brings the store's slice up to date from the pull cursor (stock sold on other tills, new prices). */
export async function pullChanges(db: StoresideDb, api: ApiClient): Promise<{ ok: true; received: number } | { ok: false; failure: ApiFailure }> {
  // Until the bootstrap has loaded its last page there is no slice to bring up to date.
  if ((await db.getMeta('cursor')) === undefined) return { ok: true, received: 0 };
  let received = 0;
  for (;;) {
    const cursor = (await db.getMeta('cursor')) ?? 0;
    const result = await api.request('GET', `/api/v1/sync/pull?cursor=${cursor}&limit=1000`, PullResponseSchema);
    if (!result.ok) return result;
    const page = result.value;
    const read = readChanges(page.changes);
    if (!read.ok) return { ok: false, failure: { kind: 'invalid_response', message: read.message } };
    await db.transaction('rw', sliceChangeTables(db), async () => {
      // Another context may have pulled meanwhile; never move the cursor backwards.
      if (((await db.getMeta('cursor')) ?? 0) !== cursor) return;
      await applyChanges(db, read.changes, page.ackedThroughSeq);
      await db.setMeta('cursor', page.cursor);
    });
    received += page.changes.length;
    if (!page.hasMore) return { ok: true, received };
  }
}
