import { carriesEntity } from './entity-registry.ts';

/**
 * The sync protocol's version, sent by every device as `X-Storeside-Protocol`.
 *
 * History:
 *   1 — walking skeleton: enroll, snapshot, pull, push of `sale.completed`.
 *   2 — the slice carries promotions and oversell conflicts; pushes may report
 *       the device's queue and clock; sales are payload version 2; the change stream.
 *   3 — conflicts are a variant by kind (oversell, coupon_reused) naming their
 *       task; the slice carries tasks, allotments of scarce products and parked
 *       carts; task.*, cart.* and till.* events; the optional journal header
 *       (JOURNAL_HEADER), answered `journal_lost`, and the confirmed loss.
 *       A version-2 device is sent none of what it could not read (conflicts
 *       included, whose shape changed) and may still push payload-version-1 sales.
 *   4 — a complete checkout (issue 5): sales are payload version 3; refund.completed,
 *       sale.voided and customer.created events; the slice carries stored-value
 *       accounts, customers and the store's sale records, and return_duplicate
 *       conflicts and tasks. A version-3 device is sent none of those, and may
 *       still push payload-version-2 (and 1) sales.
 *   5 — the till as associates live with it (issue 11): the payment.released event
 *       (a card charge the terminal could not reverse, taken off a sale by a
 *       manager). A version-5 device talking to a version-4 server is told to
 *       update rather than have its outbox refused event by event. The store
 *       record's optional `cashTillSession` (whether cash needs an open till) came
 *       with it: devices parse store records with `v.object`, which drops keys it
 *       does not know, so a version-3 or 4 device reads the record as before and
 *       sells cash without a session; HQ's day report counts those sales.
 *       Nothing a version-4 or 3 device reads changed, so the server still serves
 *       both.
 *
 * The server accepts OLDEST_SUPPORTED_PROTOCOL to PROTOCOL_VERSION — at least
 * the current and the previous one (DESIGN.md "Sync protocol") — and answers 426
 * below that.
 */
export const PROTOCOL_VERSION = 5;
export const OLDEST_SUPPORTED_PROTOCOL = 3;
export const PROTOCOL_HEADER = 'x-storeside-protocol';
/**
 * The seq of the newest event in the device's journal, sent with push, pull and
 * snapshot (optional: devices from before it was added omit it). A value below
 * what the server has acknowledged means the device lost its local data.
 */
export const JOURNAL_HEADER = 'x-storeside-journal';

/** Kinds of conflict and task a version-3 device's schemas refuse: new in 4. */
const KINDS_NEW_IN_4 = new Set(['return_duplicate']);

/**
 * Whether a device speaking `protocol` can read this row of the slice (its
 * stored JSON, null for a delete). A row it could not read would stop its
 * pulls for good, so it is left out; the cursor still moves past it.
 */
export function readsRow(protocol: number, entity: string, value: string | null): boolean {
  if (!carriesEntity(protocol, entity)) return false;
  if (protocol >= 4) return true;
  if ((entity === 'conflict' || entity === 'task') && value !== null) return !KINDS_NEW_IN_4.has((JSON.parse(value) as { kind?: string }).kind ?? '');
  return true;
}
