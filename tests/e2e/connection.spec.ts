import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { launchChromium } from './support/chromium.ts';

type Credentials = { stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

describe('what the till says of its connection', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ demoProducts: 100, env: { DIST_DIR: resolve('dist') } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks the server nothing before the device is enrolled, then says "Connecting…", never "Offline", while it reaches the server again', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === 'store-us-austin')!;
    const associate = austin.staff.find((m) => m.role === 'associate')!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const answers: { status: number; path: string }[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith('/api/')) answers.push({ status: response.status(), path: url.pathname });
    });
    const till = new Till(page);
    await page.goto(server.url);
    await page.getByLabel('Enrollment code').waitFor();
    await page.reload();
    await page.getByLabel('Enrollment code').waitFor();
    await till.enroll(austin.enrollmentCodes.tablet[0]!);
    await till.signIn(associate.name, associate.pin);
    // The first answer is the enrollment's: nothing was asked before it, so nothing was refused.
    expect(answers[0]).toEqual({ status: 201, path: '/api/v1/devices/enroll' });
    expect(answers.filter((answer) => answer.status === 401)).toEqual([]);
    await expect.poll(() => till.syncStatus.textContent()).toMatch(/^Online/);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');

    await context.setOffline(true);
    await expect.poll(() => till.syncStatus.textContent()).toMatch(/^Offline/);
    // A sale made offline waits to be sent; the service worker and the page both want to send it when the network is back.
    await till.scanField.fill('SKU-00001');
    await till.scanField.press('Enter');
    await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().click();
    await till.payCashAndComplete('1000');
    await expect.poll(() => till.pendingCount()).toBe(1);
    // Started again while offline (a tablet restarted in a dead zone): its first round failed.
    await page.reload();
    await till.scanField.waitFor();
    await expect.poll(() => till.syncStatus.textContent()).toMatch(/^Offline · 1 waiting/);
    // Every text the indicator shows from now on, with whether the browser had the network then.
    await page.evaluate(() => {
      const shown: { online: boolean; text: string }[] = [];
      (window as unknown as { shown: typeof shown }).shown = shown;
      const indicator = document.querySelector('[aria-label="Sync status"]')!;
      new MutationObserver(() => shown.push({ online: navigator.onLine, text: indicator.textContent ?? '' })).observe(indicator, { subtree: true, childList: true, characterData: true });
    });
    await context.setOffline(false);
    await expect.poll(() => till.syncStatus.textContent()).toMatch(/^Online/);
    const shown = await page.evaluate(() => (window as unknown as { shown: { online: boolean; text: string }[] }).shown);
    expect(shown.filter(({ online, text }) => online && text.startsWith('Offline'))).toEqual([]);
    await expect.poll(() => till.pendingCount()).toBe(0);
    await context.close();
  });
});
