import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb';
import sirv from 'sirv';

/**
 * The peer for the drain: a PouchDB server on 127.0.0.1 — express-pouchdb (the
 * CouchDB HTTP API of pouchdb-server) over PouchDB for Node with its LevelDB
 * adapter, databases on disk under `dataDir`. `pouchdb-server` itself is not
 * used: it pulls in sqlite3@4, whose install script fetches a prebuilt binary
 * from the network. Only the parts PouchDB replication needs are mounted
 * (express-pouchdb's `minimumForPouchDB` mode), so no request logging or
 * config file slows it down.
 *
 * The same origin serves the built benchmark page (`pageDir`), so the page
 * replicates without CORS preflights, as the till talks to its own server.
 */
export type PouchPeer = { url: string; docCount: (database: string) => Promise<number>; close: () => Promise<void> };

export async function startPouchPeer(dataDir: string, pageDir: string): Promise<PouchPeer> {
  const ServerPouch = PouchDB.defaults({ prefix: `${dataDir}/` });
  const couchApi = expressPouchDB(ServerPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true });
  const page = sirv(pageDir, { dev: false });
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/page.html' || path.startsWith('/assets/')) page(request, response);
    else couchApi(request, response);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    docCount: async (database) => (await new ServerPouch(database).info()).doc_count,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        server.closeAllConnections();
      }),
  };
}
