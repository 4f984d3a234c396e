import { existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import sirv from 'sirv';
import { handleApi, type ApiOptions } from './http/api.ts';
import { handleReceiptPage } from './http/receipt-page.ts';
import { RECEIPT_PATH_PREFIX } from '../protocol/receipt-link.ts';

export type AppOptions = ApiOptions & { distDir: string };

/**
 * One port serves the built PWA and the API. The app shell is cached by the
 * service worker, so index.html and sw.js are always revalidated; hashed assets
 * are immutable.
 */
export function createStoresideServer(options: AppOptions): Server {
  const notFound = (response: ServerResponse) => response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  const serveApp = !existsSync(options.distDir) ? (_request: unknown, response: ServerResponse) => notFound(response) : sirv(options.distDir, {
    single: true,
    etag: true,
    gzip: false,
    setHeaders(response, pathname) {
      const immutable = pathname.startsWith('/assets/');
      response.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return createServer((request, response) => {
    if (request.url?.startsWith('/api/')) {
      void handleApi(request, response, options);
      return;
    }
    if (request.url?.startsWith(RECEIPT_PATH_PREFIX)) {
      void handleReceiptPage(request, response, options.store);
      return;
    }
    serveApp(request, response, () => void notFound(response));
  });
}
