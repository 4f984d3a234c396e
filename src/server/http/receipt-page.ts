import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import type { StoreEvent } from '../../domain/events.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { receiptModel } from '../../domain/receipt.ts';
import { currentSale } from '../../domain/sale.ts';
import { RECEIPT_PATH_PREFIX, ReceiptTokenSchema } from '../../protocol/receipt-link.ts';
import type { ServerStore } from '../storage/server-store.ts';
import { receiptNotFoundHtml, receiptPageHtml, receiptUnavailableHtml, type ReceiptFollowUp } from '../receipt/receipt-html.ts';

/**
 * GET /r/{token}: the customer's digital receipt, without sign-in — the token
 * is 128 random bits, so holding the link is the permission. Never cached or
 * indexed, and the page sends no referrer on, so the link does not leak from it.
 */
const HEADERS = {
  'cache-control': 'private, no-store',
  'x-robots-tag': 'noindex, nofollow',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  // No script, nothing loaded from anywhere: only its own inline styles.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

export async function handleReceiptPage(request: IncomingMessage, response: ServerResponse, store: ServerStore): Promise<void> {
  const send = (status: number, html: string, extra: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...HEADERS, ...extra });
    response.end(request.method === 'HEAD' ? undefined : html);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(405, receiptNotFoundHtml(), { allow: 'GET, HEAD' });
    return;
  }
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const token = v.safeParse(ReceiptTokenSchema, path.slice(RECEIPT_PATH_PREFIX.length));
  if (!token.success) {
    send(404, receiptNotFoundHtml());
    return;
  }
  try {
    const found = await store.digitalReceipt(token.output);
    if (!found || found.sale.type !== 'sale.completed') {
      send(404, receiptNotFoundHtml());
      return;
    }
    // The page does not show its own link, nor who served: origin and servedBy stay empty.
    const receipt = receiptModel(currentSale(found.sale), found.store, { servedBy: null, origin: '' });
    // The map pairs each type with its own event's line; TypeScript cannot follow that pairing through a lookup, hence the cast.
    const followUps = found.followUps.flatMap((event) => followUpLine(event, found.store));
    send(200, receiptPageHtml(receipt, followUps));
  } catch (error) {
    console.error(`unexpected error answering the digital receipt ${token.output.slice(0, 4)}…:`, error);
    send(503, receiptUnavailableHtml(), { 'retry-after': '30' });
  }
}

/**
 * How the receipt page names what happened to the sale after it was made: a
 * return (some lines back) or a manager's post-void, with the money given back.
 */
function followUpLine(event: StoreEvent, store: StoreRecord): ReceiptFollowUp[] {
  const at = (ms: number) => new Intl.DateTimeFormat(store.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: store.timezone }).format(ms);
  if (event.type === 'refund.completed') {
    const units = event.payload.lines.reduce((sum, line) => sum + line.quantity, 0);
    return [{ label: `Returned ${units} item${units === 1 ? '' : 's'} (${event.payload.receiptNumber})`, at: at(event.payload.completedAt), amount: -event.payload.total }];
  }
  if (event.type === 'sale.voided') return [{ label: 'Sale voided', at: at(event.payload.completedAt), amount: -event.payload.total }];
  return [];
}
