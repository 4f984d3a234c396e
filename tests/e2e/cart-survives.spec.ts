import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
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
    // The lines, their quantities (typed fields, not text) and the total, once the total counts all three units.
    const cartOf = (shown: Page) => async () => ({
      rows: await shown.getByRole('region', { name: 'Cart' }).getByRole('row').allTextContents(),
      quantities: await shown.getByLabel(/^Quantity of /).evaluateAll((fields) => fields.map((field) => (field as HTMLInputElement).value)),
      units: await shown.getByTestId('total').getAttribute('data-units'),
      total: await shown.getByTestId('total').textContent(),
    });
    const cart = cartOf(page);
    await expect.poll(async () => (await cart()).units).toBe('3');
    const before = await cart();
    expect(before.quantities).toEqual(['2', '1']);

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
    await expect.poll(cartOf(again)).toEqual(before);

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

  it('never sticks a card charged before a restart on later sales: the terminal reverses it, or the slip decides and a manager releases it', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const manager = credentials.stores.find((s) => s.id === 'store-us-austin')!.staff.find((m) => m.role === 'manager')!;
    const page = context.pages()[0]!;
    const till = new Till(page);
    const payments = page.getByRole('list', { name: 'Payments taken' });
    const ringUpAndCharge = async () => {
      await till.scanField.fill('SKU-00003');
      await till.scanField.press('Enter');
      await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().click();
      await till.expectLineCount(1);
      await till.takePayment('Card', '1', (dialog) => dialog.getByRole('button', { name: 'Charge on terminal' }).click());
      await expect.poll(() => payments.getByRole('listitem').count()).toBe(1);
    };

    // Charged, then the tablet reloads: the terminal still knows the charge, and ✕ reverses it.
    await ringUpAndCharge();
    await page.reload();
    await till.scanField.waitFor();
    await expect.poll(() => payments.getByRole('listitem').count()).toBe(1);
    await payments.getByRole('button', { name: /^Remove payment / }).click();
    await expect.poll(() => payments.count()).toBe(0);

    // Charged again, and this time the terminal has no record of it after the reload: the slip decides.
    await till.takePayment('Card', '1', (dialog) => dialog.getByRole('button', { name: 'Charge on terminal' }).click());
    await page.evaluate(() => localStorage.removeItem('storeside.simulatedTerminal'));
    await page.reload();
    await till.scanField.waitFor();
    await payments.getByRole('button', { name: /^Remove payment / }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/The terminal could not reverse the card payment \(the terminal has no open charge .*\)\. Check the terminal’s slip/);
    await expect.poll(() => payments.textContent()).toMatch(/Not confirmed: check the terminal’s slip/);
    await payments.getByRole('button', { name: 'Not charged…' }).click();
    const approval = payments.getByRole('form', { name: 'Manager approval' });
    await approval.getByLabel('Manager', { exact: true }).selectOption({ label: manager.name });
    await approval.getByLabel('Manager PIN').fill(manager.pin);
    await approval.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => payments.count()).toBe(0);

    // The next payment of the same amount is charged as any other, and the sale completes.
    await till.takePayment('Card', '1', (dialog) => dialog.getByRole('button', { name: 'Charge on terminal' }).click());
    await expect.poll(() => payments.getByRole('listitem').count()).toBe(1);
    await till.completeSale('');
    const journal = await page.evaluate(async () => {
      const request = indexedDB.open('storeside');
      const idb = await new Promise<IDBDatabase>((done) => (request.onsuccess = () => done(request.result)));
      const events = await new Promise<{ type: string }[]>((done) => {
        const reading = idb.transaction('journal').objectStore('journal').getAll();
        reading.onsuccess = () => done(reading.result as { type: string }[]);
      });
      idb.close();
      return events.map((event) => event.type);
    });
    expect(journal.filter((type) => type === 'payment.released')).toHaveLength(1);
  });
});
