import { describe, expect, it } from 'vitest';
import { calendarDayAt } from '../../src/domain/business-day.ts';
import type { DayReport, TillSessionsPage } from '../../src/protocol/till-reports.ts';
import { withServer } from '../support/server-fixture.ts';
import { minorOf, type Till } from './pages/till.ts';
import { tillFor, withChromium } from './support/tills.ts';

/**
 * Cash and the till's session (issue 11). Where the store requires an open
 * till (the default on tablets), a cash sale with none open is refused before
 * anything is journaled and the associate is asked to open the till right
 * there; the cart waits. Where the store lets cash move without one, the sale
 * goes through and the till shows it among the figures outside any session,
 * as HQ's day report does.
 */

const AUSTIN = 'store-us-austin';

describe('cash and the till’s session', () => {
  const server = withServer({ label: 'e2e-till-required', demoProducts: 300, app: true });
  const chromium = withChromium();

  /** Rings up the first product a search finds and reads the total once it is priced. */
  async function ringUp(till: Till): Promise<string> {
    await till.addFromSearch('SKU-00001');
    return till.pricedTotal();
  }

  it('asks the associate to open the till when a cash sale finds it closed, and completes the same cart once it is open', async () => {
    const till = await tillFor(chromium, server, { store: AUSTIN });
    const total = await ringUp(till);

    await till.page.getByLabel('Cash received').fill('100');
    await till.page.getByRole('button', { name: 'Complete cash sale' }).click();
    await till.openTillPrompt.waitFor();
    await expect.poll(() => till.openTillPrompt.textContent()).toMatch(/A cash sale needs an open till at this store/);
    // Refused before anything was journaled; the cart and the cash typed wait.
    expect(await till.journalTypes()).toEqual([]);
    expect(await till.page.getByRole('dialog', { name: 'Sale complete' }).count()).toBe(0);
    await till.expectLineCount(1);

    await till.openTillWhenAsked({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await till.expectLineCount(1);
    expect(await till.page.getByLabel('Cash received').inputValue()).toBe('100');
    await till.page.getByRole('button', { name: 'Complete cash sale' }).click();
    const receipt = till.page.getByRole('dialog', { name: 'Sale complete' });
    await receipt.waitFor();
    expect(await receipt.getByTestId('receipt-total').textContent()).toBe(total);
    await receipt.getByRole('button', { name: 'New sale' }).click();
    expect(await till.journalTypes()).toEqual(['till.opened', 'sale.completed']);

    // The session's X report counts it, in words that fit one sale.
    await till.page.getByRole('button', { name: 'Till', exact: true }).click();
    const panel = till.page.getByRole('dialog', { name: 'Till' });
    await expect.poll(() => panel.getByTestId('till-takings').textContent()).toBe(total);
    expect(await panel.getByLabel('X report').getByText('1 sale', { exact: true }).count()).toBe(1);
    expect(await panel.getByLabel('Outside any session').count()).toBe(0);
    await panel.getByRole('button', { name: 'Done' }).click();

    // HQ lists the session, with the sale in it.
    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);
    const { sessionId } = await till.tillSession();
    const listed = (await server.hq.tillSessions(AUSTIN)).body as TillSessionsPage;
    expect(listed.sessions.map((session) => [session.sessionId, session.status, session.float])).toEqual([[sessionId, 'open', 10_000]]);
    expect(listed.sessions[0]!.expected).toBe(10_000 + minorOf(total));
    await till.page.context().close();
  });

  it('asks to open the till when a cash refund finds it closed; the return waits over it and completes once it is open', async () => {
    const till = await tillFor(chromium, server, { store: AUSTIN });
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await ringUp(till);
    const sale = await till.completeSaleWithReceipt('');
    // The shift ends: the till is closed once its records are sent.
    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);
    await till.page.getByRole('button', { name: 'Till', exact: true }).click();
    const panel = till.page.getByRole('dialog', { name: 'Till' });
    await panel.getByRole('button', { name: 'Close the till…' }).click();
    await panel.getByLabel('$20.00 notes', { exact: true }).fill('5');
    await panel.getByRole('button', { name: 'Close the till' }).click();
    await panel.getByLabel('Last Z report').waitFor();
    await panel.getByRole('button', { name: 'Done' }).click();

    // The customer brings it back: the cash refund asks for the till first, and nothing is journaled.
    const returns = await till.openReturns();
    await till.scan(sale.digitalReceipt);
    await expect.poll(() => returns.textContent()).toContain(`Sale ${sale.receiptNumber}`);
    await returns.getByRole('button', { name: /^One more .* to return$/ }).first().click();
    await returns.getByRole('button', { name: 'Refund', exact: true }).click();
    await till.openTillPrompt.waitFor();
    await expect.poll(() => till.openTillPrompt.textContent()).toMatch(/A cash refund needs an open till/);
    expect(await till.journalTypes()).toEqual(['till.opened', 'sale.completed', 'till.closed']);

    // Opened from the question, over the returns screen, which still holds the return.
    await till.openTillWhenAsked({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await returns.getByRole('button', { name: 'Refund', exact: true }).click();
    await returns.getByLabel('Refund receipt').waitFor();
    expect(await till.journalTypes()).toEqual(['till.opened', 'sale.completed', 'till.closed', 'till.opened', 'refund.completed']);
    await till.page.context().close();
  });

  it('sells for cash with no till open where the store allows it, and shows the sale among the figures outside any session', async () => {
    const { version } = (await server.hq.get<{ version: number }>(`/api/v1/hq/store?store=${AUSTIN}`)).body;
    const saved = (await server.hq.post<{ store: { cashTillSession?: unknown } }>('/api/v1/hq/store', { store: AUSTIN, version, cashTillSession: { tablet: 'optional' } })).body;
    expect(saved.store.cashTillSession).toEqual({ tablet: 'optional' });
    const till = await tillFor(chromium, server, { store: AUSTIN });
    const total = await ringUp(till);
    const { receiptNumber } = await till.payCashAndComplete('');
    expect(await till.openTillPrompt.count()).toBe(0);

    await till.page.getByRole('button', { name: 'Till', exact: true }).click();
    const panel = till.page.getByRole('dialog', { name: 'Till' });
    const outside = panel.getByLabel('Outside any session');
    await expect.poll(() => outside.getByTestId('outside-takings').textContent()).toBe(total);
    expect(await outside.getByText('1 sale', { exact: true }).count()).toBe(1);
    expect(await outside.getByTestId('outside-cash').textContent()).toBe(total);
    // No session is open: the panel offers to open one.
    await panel.getByRole('button', { name: /^Open the till/ }).waitFor();
    await panel.getByRole('button', { name: 'Done' }).click();

    // And HQ's day report has it outside any session, counted in the day's totals.
    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);
    const day = (await server.hq.dayReport(AUSTIN, calendarDayAt(Date.now(), 'America/Chicago'))).body as DayReport;
    const listed = day.outside.events.find((event) => event.receiptNumber === receiptNumber);
    expect(listed).toMatchObject({ type: 'sale.completed', total: minorOf(total), cash: minorOf(total), status: 'applied' });
    expect(day.totals.sales.count).toBe(day.sessions.reduce((sum, session) => sum + session.report.sales.count, 0) + day.outside.figures.sales.count);
    await till.page.context().close();
  });
});
