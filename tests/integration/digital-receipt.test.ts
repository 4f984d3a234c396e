import { beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/domain/money.ts';
import type { PushResponse } from '../../src/protocol/messages.ts';
import { demoCredentials, withServer } from '../support/server-fixture.ts';
import { salePayload, type DeviceClient, type SaleChain, type SaleOptions } from './helpers/device-client.ts';

/**
 * The customer's digital receipt, GET /r/{token}: served by the server from the
 * sale the till pushed, without sign-in, to any phone that has the link, showing
 * what the customer paid and nothing of the card or the staff.
 */

const AUSTIN = 'store-us-austin';
// Never a 500 either: withServer checks the server logged no unexpected error for anything sent here.
const server = withServer({ label: 'digital-receipt', demoProducts: 40 });
let till: DeviceClient;
let chain: SaleChain;

beforeAll(async () => {
  ({ client: till, chain } = await server.till(AUSTIN, 5));
});

/** Grace Hopper pays the whole sale by card. */
const byCard: SaleOptions = {
  paidWith: (total) => [{ kind: 'card', amount: total, brand: 'Visa', last4: '4242', approvalCode: 'OK7731', terminalRef: 'TERM-4-000912', offline: false }],
  customer: { id: 'cust-77', name: 'Grace Hopper' },
};

const page = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${server.url}${path}`, init);
  return { status: response.status, headers: response.headers, html: await response.text() };
};

async function pushed(...events: ReturnType<SaleChain['next']>[]) {
  const answer = await till.push(events);
  expect(answer.status).toBe(200);
  return (answer.body as PushResponse).results;
}

describe('the digital receipt page', () => {
  it('shows the sale to whoever holds the link: store, items, total and the card by its last four only', async () => {
    const event = chain.next(byCard);
    await pushed(event);
    const sale = salePayload(event);
    const store = (await till.readSnapshot()).store;

    const answer = await page(`/r/${sale.receiptToken}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    expect(answer.headers.get('x-robots-tag')).toMatch(/noindex/);
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.html).toContain(store.name);
    expect(answer.html).toContain(sale.receiptNumber);
    expect(answer.html).toContain(formatMoney(sale.total, store.currency, store.locale));
    for (const line of sale.lines) expect(answer.html).toContain(line.name);
    expect(answer.html).toContain('Visa •••• 4242');
    // Nothing of the card but its brand, last four and approval; nothing of who served or of their PINs.
    expect(answer.html).not.toContain('TERM-4-000912');
    const staff = demoCredentials(server).stores.find((s) => s.id === AUSTIN)!.staff;
    for (const member of staff) expect(answer.html).not.toContain(member.name);
    expect(answer.html).not.toMatch(/pin/i);
    // A forwarded link must not name the customer.
    expect(answer.html).not.toContain('Grace Hopper');
    expect(answer.html).not.toMatch(/<script/i);
  });

  it('escapes what the till sent: a product name cannot inject markup', async () => {
    const event = chain.next({ tamper: (payload) => ({ ...payload, lines: payload.lines.map((line, i) => (i === 0 ? { ...line, name: '<img src=x onerror=alert(1)> & "Co"' } : line)) }) });
    await pushed(event);
    const answer = await page(`/r/${salePayload(event).receiptToken}`);
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;');
    expect(answer.html).not.toContain('<img');
  });

  it('answers 404, never 500, for a token no sale has or that is not a token at all', async () => {
    for (const path of ['/r/0123456789abcdef0123456789abcdef', '/r/0123456789ABCDEF0123456789ABCDEF', '/r/abc', '/r/', '/r/..%2Fapi%2Fv1%2Fhealth', `/r/${'g'.repeat(32)}`, `/r/${'a'.repeat(33)}`, '/r/%00%ff', `/r/${'0'.repeat(32)}/extra`]) {
      const answer = await page(path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(answer.html, path).toContain('Receipt not found');
    }
    const posted = await page('/r/0123456789abcdef0123456789abcdef', { method: 'POST', body: 'x' });
    expect(posted.status).toBe(405);
  });

  it('refuses a sale that reuses another sale’s token, so no customer sees another’s receipt', async () => {
    const first = chain.next();
    await pushed(first);
    const copycat = chain.next({ tamper: (payload) => ({ ...payload, receiptToken: salePayload(first).receiptToken }) });
    const [result] = await pushed(copycat);
    expect(result).toMatchObject({ status: 'rejected', reason: expect.stringContaining('receipt token') });
    const answer = await page(`/r/${salePayload(first).receiptToken}`);
    expect(answer.html).toContain(salePayload(first).receiptNumber);
  });
});
