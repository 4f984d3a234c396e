/**
 * The little of PouchDB's API the sync benchmark's peer uses (pouchdb-browser in
 * the page, pouchdb and express-pouchdb in Node). The packages ship no types.
 */
declare module 'pouchdb-browser' {
  export type PouchDoc = { _id: string; [field: string]: unknown };
  export type BulkDocsResult = { ok: true; id: string; rev: string } | { error: string | boolean; id: string; message?: string; status?: number };
  export type ReplicationResult = { ok: boolean; docs_read: number; docs_written: number; errors: unknown[] };
  export type PouchOptions = { fetch?: (url: string | Request, options?: RequestInit) => Promise<Response>; adapter?: string; prefix?: string };

  export default class PouchDB {
    constructor(name: string, options?: PouchOptions);
    info(): Promise<{ doc_count: number; update_seq: number | string }>;
    bulkDocs(docs: PouchDoc[]): Promise<BulkDocsResult[]>;
    destroy(): Promise<unknown>;
    close(): Promise<void>;
    static replicate(source: PouchDB, target: PouchDB, options?: { batch_size?: number; batches_limit?: number }): Promise<ReplicationResult>;
    static fetch(url: string | Request, options?: RequestInit): Promise<Response>;
    static defaults(options: PouchOptions): typeof PouchDB;
  }
}

declare module 'pouchdb' {
  import PouchDB from 'pouchdb-browser';
  export default PouchDB;
}

declare module 'express-pouchdb' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type PouchDB from 'pouchdb-browser';
  /** An Express app: a Node request listener serving CouchDB's HTTP API over `pouch`. */
  export default function expressPouchDB(
    pouch: typeof PouchDB,
    options?: { mode?: 'minimumForPouchDB' | 'fullCouchDB'; inMemoryConfig?: boolean },
  ): (request: IncomingMessage, response: ServerResponse) => void;
}
