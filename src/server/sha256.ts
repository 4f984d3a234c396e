import { createHash } from 'node:crypto';

/** SHA-256 hex of a text with node:crypto: the same digest as the device's, several times faster. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
