import { describe, expect, it } from 'vitest';
import type { TillReport } from '../../src/domain/till-session.ts';
import { withServer } from '../support/server-fixture.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

describe('a till session', () => {
  const server = withServer({ label: 'e2e-till-session', demoProducts: 300, app: true });
  const chromium = withChromium();

  it('opens with a counted float, takes cash, drops to the safe, closes blind, and HQ’s Z report is the till’s', async () => {
    const till = await tillFor(chromium, server, { store: AUSTIN });
    const { page } = till;

    await page.getByRole('button', { name: 'Till', exact: true }).click();
    const panel = page.getByRole('dialog', { name: 'Till' });
    await panel.getByLabel('$20.00 notes').fill('5');
    await panel.getByLabel('$1.00 notes').fill('20');
    await panel.getByRole('button', { name: 'Open the till with $120.00' }).click();
    await panel.getByRole('region', { name: 'X report' }).or(panel.getByLabel('X report')).waitFor();
    await panel.getByRole('button', { name: 'Done' }).click();

    await till.addFromSearch('SKU-00001');
    const total = await till.pricedTotal();
    await till.payCashAndComplete('');

    await page.getByRole('button', { name: 'Till', exact: true }).click();
    await expect.poll(() => panel.getByTestId('till-takings').textContent()).toBe(total);
    await panel.getByLabel('Cash in or out').selectOption('drop');
    await panel.getByLabel('Amount').fill('50');
    await panel.getByLabel('Reason').fill('safe drop');
    await panel.getByRole('button', { name: 'Record' }).click();
    // Closing waits for the till's records to reach the server, so the Z report is HQ's too.
    await till.allSent(20_000);
    await panel.getByRole('button', { name: 'Close the till…' }).click();
    // Blind: the expected amount is not on the screen while counting. The drawer holds $70 and the sale's cash; count $70.
    await expect.poll(() => panel.textContent()).not.toContain('Expected in the drawer');
    await panel.getByLabel('$20.00 notes').fill('3');
    await panel.getByLabel('$10.00 notes').fill('1');
    await panel.getByRole('button', { name: 'Close the till' }).click();
    const variance = await panel.getByTestId('till-variance').textContent();
    expect(variance).toBe(`-${total}`);

    // Synced, HQ's Z report of the session is the till's.
    await till.allSent(20_000);
    const { deviceId, sessionId } = await till.tillSession();
    const { report } = (await server.hq.tillReport(deviceId, sessionId)).body as { report: TillReport };
    expect(report.sales.count).toBe(1);
    expect(report.float).toBe(12_000);
    expect(report.cash.drops).toBe(5_000);
    expect(report.close).toMatchObject({ counted: 7_000, variance: 7_000 - report.cash.expected });
  });
});
