import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { CHROMIUM_PATH, launchChromium } from './support/chromium.ts';

type Credentials = { stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

/**
 * The cart being rung up is the associate's until Complete: a reload, an
 * offline reload and a browser restart give it back as it was.
 */
describe('the cart being rung up', () => {
  let server: ServerProcess;
  let profile: string;
  let context: BrowserContext;
  const open = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });

  beforeAll(async () => {
    server = await startServer({ demoProducts: 300, env: { DIST_DIR: resolve('dist') } });
    // Fails loudly, with the install command, when Chromium is missing.
    await (await launchChromium()).close();
    profile = mkdtempSync(join(tmpdir(), 'storeside-profile-'));
    context = await open();
  });
  afterAll(async () => {
    await context?.close();
    await server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('survives a reload, an offline reload and a browser restart, and is sold once', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === 'store-us-austin')!;
    const associate = austin.staff.find((m) => m.role === 'associate')!;
    const page = context.pages()[0] ?? (await context.newPage());
    const till = new Till(page);
    await page.goto(server.url);
    await till.enroll(austin.enrollmentCodes.tablet[0]!);
    await till.signIn(associate.name, associate.pin);
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });

    await till.scanField.fill('SKU-00001');
    await till.scanField.press('Enter');
    await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().click();
    await till.scanField.fill('SKU-00002');
    await till.scanField.press('Enter');
    await page.getByRole('list', { name: 'Search results' }).getByRole('button').nth(1).click();
    await till.expectLineCount(2);
    await page.getByRole('button', { name: /^One more / }).first().click();
    const cart = async () => ({ rows: await page.getByRole('region', { name: 'Cart' }).getByRole('row').allTextContents(), total: await till.totalText() });
    await expect.poll(async () => (await cart()).rows.join('|')).toMatch(/2/);
    const before = await cart();
    expect(before.total).not.toBe('$0.00');

    await page.reload();
    await till.scanField.waitFor();
    await expect.poll(cart).toEqual(before);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/The sale you were ringing up is back/);

    await context.setOffline(true);
    await page.reload();
    await till.scanField.waitFor();
    await expect.poll(cart).toEqual(before);

    // The browser closes and opens again: the associate signs in again, and the cart is theirs.
    await context.close();
    context = await open();
    await context.setOffline(true);
    const again = context.pages()[0] ?? (await context.newPage());
    const restarted = new Till(again);
    await again.goto(server.url);
    await restarted.signIn(associate.name, associate.pin);
    const restartedCart = async () => ({ rows: await again.getByRole('region', { name: 'Cart' }).getByRole('row').allTextContents(), total: await restarted.totalText() });
    await expect.poll(restartedCart).toEqual(before);

    await restarted.payCashAndComplete('1000');
    await restarted.expectLineCount(0);
    await again.reload();
    await restarted.scanField.waitFor();
    await restarted.expectLineCount(0);
    // One sale on the till, whatever has been sent of it.
    const salesOnTill = await again.evaluate(async () => {
      const request = indexedDB.open('storeside');
      const idb = await new Promise<IDBDatabase>((done) => (request.onsuccess = () => done(request.result)));
      const count = await new Promise<number>((done) => {
        const counting = idb.transaction('sales').objectStore('sales').count();
        counting.onsuccess = () => done(counting.result);
      });
      idb.close();
      return count;
    });
    expect(salesOnTill).toBe(1);
  });
});
