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
 *       Issue 5 (unreleased, so still 3): refund.completed and sale.voided
 *       events; the slice's sale records (the store's sales history, for returns
 *       on any till); return_duplicate conflicts and tasks.
 *
 * The server accepts PROTOCOL_VERSION and PROTOCOL_VERSION - 1 and answers 426
 * below that (DESIGN.md "Sync protocol").
 */
export const PROTOCOL_VERSION = 3;
export const OLDEST_SUPPORTED_PROTOCOL = 2;
export const PROTOCOL_HEADER = 'x-storeside-protocol';
/**
 * The seq of the newest event in the device's journal, sent with push, pull and
 * snapshot (optional: devices from before it was added omit it). A value below
 * what the server has acknowledged means the device lost its local data.
 */
export const JOURNAL_HEADER = 'x-storeside-journal';

/** Entities whose records a version-2 device cannot read: new in 3, or changed shape. */
const NEW_IN_3 = new Set(['conflict', 'task', 'allotment', 'parked_cart', 'sale_record']);

/** The slice's entities a device speaking `protocol` can read. */
export function readsEntity(protocol: number, entity: string): boolean {
  return protocol >= 3 || !NEW_IN_3.has(entity);
}
