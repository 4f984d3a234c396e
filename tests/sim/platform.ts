import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';

/**
 * The browser the tills run in, for one seed: a fresh in-memory IndexedDB, so
 * nothing of one seed's tills leaks into the next, and WebCrypto's SHA-256
 * answered at once. Node computes `crypto.subtle.digest` on libuv's thread pool,
 * the one real asynchrony left in the sim path; the same digest from
 * node:crypto, already resolved, keeps every run's order of events the seed's alone.
 * Returns the undo.
 */
export function installSimPlatform(): () => void {
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const subtle = globalThis.crypto.subtle;
  const shadowed = Object.hasOwn(subtle, 'digest');
  const previous = subtle.digest;
  subtle.digest = (algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> => {
    if (algorithm !== 'SHA-256') return previous.call(subtle, algorithm, data);
    const bytes = ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
    const digest = createHash('sha256').update(bytes).digest();
    return Promise.resolve(digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer);
  };
  return () => {
    if (shadowed) subtle.digest = previous;
    else delete (subtle as Partial<SubtleCrypto>).digest;
  };
}
