import { describe, expect, it } from 'vitest';
import { withServer } from '../support/server-fixture.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

describe('what the till says of its connection', () => {
  const server = withServer({ label: 'e2e-connection', demoProducts: 100, app: true });
  const chromium = withChromium();

  it('asks the server nothing before the device is enrolled, then says "Connecting…", never "Offline", while it reaches the server again', async () => {
    const answers: { status: number; path: string }[] = [];
    const till = await tillFor(chromium, server, {
      store: AUSTIN,
      // Every answer of the API, from the page's first load on.
      beforeLoad: (page) =>
        page.on('response', (response) => {
          const url = new URL(response.url());
          if (url.pathname.startsWith('/api/')) answers.push({ status: response.status(), path: url.pathname });
        }),
      // The enrollment screen, loaded a second time before the code is typed.
      beforeEnroll: async (tablet) => {
        await tablet.page.reload();
        await tablet.enrollmentField.waitFor();
      },
    });
    const { page } = till;
    const context = page.context();
    // The first answer is the enrollment's: nothing was asked before it, so nothing was refused.
    expect(answers[0]).toEqual({ status: 201, path: '/api/v1/devices/enroll' });
    expect(answers.filter((answer) => answer.status === 401)).toEqual([]);
    await expect.poll(() => till.syncStatus.textContent()).toMatch(/^Online/);
    await till.installed();
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');

    await context.setOffline(true);
    await expect.poll(() => till.syncStatus.textContent()).toMatch(/^Offline/);
    // A sale made offline waits to be sent; the service worker and the page both want to send it when the network is back.
    await till.addFromSearch('SKU-00001');
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
