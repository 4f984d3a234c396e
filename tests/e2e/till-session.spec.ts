import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TillReport } from '../../src/domain/till-session.ts';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { launchChromium } from './support/chromium.ts';

type Credentials = { hqToken: string; stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

describe('a till session', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ demoProducts: 300, env: { DIST_DIR: resolve('dist') } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens with a counted float, takes cash, drops to the safe, closes blind, and HQ’s Z report is the till’s', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === 'store-us-austin')!;
    const associate = austin.staff.find((m) => m.role === 'associate')!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const till = new Till(page);
    await page.goto(server.url);
    await till.enroll(austin.enrollmentCodes.tablet[0]!);
    await till.signIn(associate.name, associate.pin);

    await page.getByRole('button', { name: 'Till', exact: true }).click();
    const panel = page.getByRole('dialog', { name: 'Till' });
    await panel.getByLabel('$20.00 notes').fill('5');
    await panel.getByLabel('$1.00 notes').fill('20');
    await panel.getByRole('button', { name: 'Open the till with $120.00' }).click();
    await panel.getByRole('region', { name: 'X report' }).or(panel.getByLabel('X report')).waitFor();
    await panel.getByRole('button', { name: 'Done' }).click();

    await till.page.keyboard.type('SKU-00001');
    await till.page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().click();
    // The total is read once the cart is priced: before that it shows nothing to pay.
    await expect.poll(() => till.totalText()).not.toMatch(/^\$0\.00$|^$/);
    const total = await till.totalText();
    await till.payCashAndComplete('');

    await page.getByRole('button', { name: 'Till', exact: true }).click();
    await expect.poll(() => panel.getByTestId('till-takings').textContent()).toBe(total);
    await panel.getByLabel('Cash in or out').selectOption('drop');
    await panel.getByLabel('Amount').fill('50');
    await panel.getByLabel('Reason').fill('safe drop');
    await panel.getByRole('button', { name: 'Record' }).click();
    // Closing waits for the till's records to reach the server, so the Z report is HQ's too.
    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);
    await panel.getByRole('button', { name: 'Close the till…' }).click();
    // Blind: the expected amount is not on the screen while counting. The drawer holds $70 and the sale's cash; count $70.
    await expect.poll(() => panel.textContent()).not.toContain('Expected in the drawer');
    await panel.getByLabel('$20.00 notes').fill('3');
    await panel.getByLabel('$10.00 notes').fill('1');
    await panel.getByRole('button', { name: 'Close the till' }).click();
    const variance = await panel.getByTestId('till-variance').textContent();
    expect(variance).toBe(`-${total}`);

    // Synced, HQ's Z report of the session is the till's.
    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);
    const { deviceId, sessionId } = await till.tillSession();
    const answer = await fetch(`${server.url}/api/v1/hq/till-report?device=${deviceId}&session=${sessionId}`, { headers: { 'x-storeside-protocol': '4', authorization: `Bearer ${credentials.hqToken}` } });
    const { report } = (await answer.json()) as { report: TillReport };
    expect(report.sales.count).toBe(1);
    expect(report.float).toBe(12_000);
    expect(report.cash.drops).toBe(5_000);
    expect(report.close).toMatchObject({ counted: 7_000, variance: 7_000 - report.cash.expected });
    await context.close();
  });
});
