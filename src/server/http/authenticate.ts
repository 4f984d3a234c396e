import type { IncomingMessage } from 'node:http';
import { JOURNAL_HEADER, OLDEST_SUPPORTED_PROTOCOL, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../protocol/version.ts';
import { hashSecret } from '../auth/secrets.ts';
import type { DeviceState } from '../ledger/ledger-tx.ts';
import type { ServerStore } from '../storage/server-store.ts';
import { ApiError } from './api-error.ts';

/** Who is calling: every route but health and enroll names a device (or HQ) by its bearer token. */

/** The protocol version the request speaks, once it is one this server accepts. */
export function checkProtocol(request: IncomingMessage): number {
  const header = request.headers[PROTOCOL_HEADER];
  if (header === undefined) throw new ApiError('missing_protocol', `send the header X-Storeside-Protocol: ${PROTOCOL_VERSION}`);
  const version = Number(header);
  if (!Number.isInteger(version) || version < OLDEST_SUPPORTED_PROTOCOL || version > PROTOCOL_VERSION) {
    throw new ApiError(
      'unsupported_protocol',
      `protocol ${String(header)} is not supported; this server speaks ${OLDEST_SUPPORTED_PROTOCOL}–${PROTOCOL_VERSION}. Reload the app to update it.`,
      { supported: [OLDEST_SUPPORTED_PROTOCOL, PROTOCOL_VERSION] },
    );
  }
  return version;
}

export async function authenticate(request: IncomingMessage, store: ServerStore): Promise<DeviceState & { protocol: number }> {
  const protocol = checkProtocol(request);
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(request.headers.authorization ?? '');
  if (!match) throw new ApiError('unauthorized', 'send the device token as Authorization: Bearer <token>');
  const device = await store.deviceByTokenHash(hashSecret(match[1]!));
  if (!device) throw new ApiError('unauthorized', 'device token is not recognised; enroll the device again');
  return { ...device, protocol };
}

export async function authenticateHq(request: IncomingMessage, store: ServerStore): Promise<void> {
  checkProtocol(request);
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(request.headers.authorization ?? '');
  if (!match || !(await store.isHqToken(hashSecret(match[1]!)))) throw new ApiError('unauthorized', 'send the HQ token as Authorization: Bearer <token>');
}


/**
 * A device that names its journal's head (JOURNAL_HEADER) behind what the
 * server acknowledged may have lost its local data. It hears `journal_lost`
 * with the server's seq, and nothing changes: a request held up on the
 * network names an old head too, so only the device, checking its journal,
 * can confirm the loss (POST /api/v1/sync/journal-lost).
 */
export function checkJournal(request: IncomingMessage, device: DeviceState): void {
  const header = request.headers[JOURNAL_HEADER];
  if (header === undefined) return;
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) {
    throw new ApiError('invalid_header', `${JOURNAL_HEADER} must be the seq of the newest event in the device's journal, a whole number; got ${JSON.stringify(header)}`);
  }
  if (Number(header) < device.ackedSeq) {
    throw new ApiError(
      'journal_lost',
      `this device's journal ends at seq ${header} but the server holds it up to ${device.ackedSeq}: if its local data was lost, confirm it at POST /api/v1/sync/journal-lost`,
      { ackedSeq: device.ackedSeq },
    );
  }
}
