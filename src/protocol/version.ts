/**
 * The sync protocol's version, sent by every device as `X-Storeside-Protocol`.
 *
 * History:
 *   1 — walking skeleton: enroll, snapshot, pull, push of `sale.completed`.
 *
 * The server accepts PROTOCOL_VERSION and PROTOCOL_VERSION - 1 and answers 426
 * below that (DESIGN.md "Sync protocol").
 */
export const PROTOCOL_VERSION = 1;
export const OLDEST_SUPPORTED_PROTOCOL = 1;
export const PROTOCOL_HEADER = 'x-storeside-protocol';
