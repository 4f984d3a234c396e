/**
 * The few globals outside the ECMAScript library that src/domain and src/protocol
 * may use: pure computations every runtime they run in has — the page, the
 * workers, the service worker (HTML spec) and the server (Node ≥ 17 has both as
 * globals). Only src/domain/tsconfig.json includes this file; every other
 * environment gets the same names, with the same signatures, from the DOM,
 * WebWorker or Node types. Anything that does IO (clock, ids, storage) is not
 * declared here: it comes in as a parameter.
 */

/** HTML "structuredClone" (https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone). */
declare function structuredClone<T>(value: T): T;

/** Encoding Standard "TextEncoder" (https://encoding.spec.whatwg.org/#interface-textencoder): always UTF-8. */
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
