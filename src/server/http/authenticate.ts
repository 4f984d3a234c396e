import type { IncomingMessage } from 'node:http';
import { OLDEST_SUPPORTED_PROTOCOL, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../protocol/version.ts';
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

