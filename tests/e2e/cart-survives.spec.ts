import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoStaff, withServer } from '../support/server-fixture.ts';
import { Till } from './pages/till.ts';
import { tillFor, withPersistentChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

/**
 * The cart being rung up is the associate's until Complete: a reload, an
 * offline reload and a browser restart give it back as it was.
 */
describe('the cart being rung up', () => {
  const server = withServer({ label: 'e2e-cart-survives', demoProducts: 300, app: true });
  // On a profile of its own: the browser is closed and opened again on it.
  const chromium = withPersistentChromium();

  it('survives a reload, an offline reload and a browser restart, and is sold once', async () => {
    const associate = demoStaff(server, AUSTIN, 'associate');
    const till = await tillFor(chromium, server, { store: AUSTIN, staff: associate });
    const { page } = till;
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await till.installed();

    await till.addFromSearch('SKU-00001');
    await till.addFromSearch('SKU-00002', 1);
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

    await page.context().setOffline(true);
    await page.reload();
    await till.scanField.waitFor();
    await expect.poll(cart).toEqual(before);

    // The browser closes and opens again: the associate signs in again, and the cart is theirs.
    await chromium.restart();
    await chromium.context.setOffline(true);
    const restarted = new Till(await chromium.tabletPage());
    const again = restarted.page;
    await again.goto(server.url);
    await restarted.signIn(associate.name, associate.pin);
    await expect.poll(cartOf(again)).toEqual(before);

    await restarted.payCashAndComplete('1000');
    await restarted.expectLineCount(0);
    await again.reload();
    await restarted.scanField.waitFor();
    await restarted.expectLineCount(0);
    // One sale on the till, whatever has been sent of it.
    expect((await restarted.database()).sales).toHaveLength(1);
  });

  it('never sticks a card charged before a restart on later sales: the terminal reverses it, or the slip decides and a manager releases it', async () => {
    const manager = demoStaff(server, AUSTIN, 'manager');
    // The tablet as the first test left it: restarted, offline, its associate signed in.
    const till = new Till(await chromium.tabletPage());
    const { page } = till;
    const payments = page.getByRole('list', { name: 'Payments taken' });
    const ringUpAndCharge = async () => {
      await till.addFromSearch('SKU-00003');
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
    const journal = await till.journalTypes();
    expect(journal.filter((type) => type === 'payment.released')).toHaveLength(1);
  });
});
