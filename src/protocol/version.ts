/**
 * The sync protocol's version, sent by every device as `X-Storeside-Protocol`.
 *
 * History:
 *   1 — walking skeleton: enroll, snapshot, pull, push of `sale.completed`.
 *   2 — the slice carries promotions, settled conflicts, tasks (claimed and
 *       finished with task.claimed / task.completed events) and allotments of scarce products; pushes may report the
 *       device's queue and clock; sales are payload version 2; the change stream;
 *       the optional journal header (JOURNAL_HEADER), answered `journal_lost` when
 *       the device's data was lost. A version-1 device is sent no promotions (it
 *       could not read them) and may push version-1 sales.
 *
 * The server accepts PROTOCOL_VERSION and PROTOCOL_VERSION - 1 and answers 426
 * below that (DESIGN.md "Sync protocol").
 */
export const PROTOCOL_VERSION = 2;
export const OLDEST_SUPPORTED_PROTOCOL = 1;
export const PROTOCOL_HEADER = 'x-storeside-protocol';
/**
 * The seq of the newest event in the device's journal, sent with push, pull and
 * snapshot (optional: devices from before it was added omit it). A value below
 * what the server has acknowledged means the device lost its local data.
 */
export const JOURNAL_HEADER = 'x-storeside-journal';

/** The slice's entities a device speaking `protocol` can read. */
export function readsEntity(protocol: number, entity: string): boolean {
  return !['promotion', 'conflict', 'task', 'allotment', 'parked_cart'].includes(entity) || protocol >= 2;
}
