import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * SHA-256 of a text, as hex. Synchronous (WebCrypto's digest is async), so the
 * hash chain can be built inside one IndexedDB transaction without letting it
 * auto-commit while a promise from outside IndexedDB is pending.
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
