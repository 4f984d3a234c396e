import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProductRecord, StoreRecord } from '../../src/protocol/entities.ts';
import { demoStaff, withServer, type DemoStaffMember } from '../support/server-fixture.ts';
import { pageOverflow, whyNotOnScreen } from './checks/on-screen.ts';
import type { Till } from './pages/till.ts';
import { storeCatalog } from './support/catalog.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';
/** The device's own clock is set far from the store's (Austin, America/Chicago): times the till shows must be the store's. */
const DEVICE_TIME_ZONE = 'Pacific/Auckland';

/**
 * What a new user hit at the checkout (issue 11): actions below the fold on a
 * tablet, a quantity that only ± could change, a void the kiosk browser
 * swallowed, and a parked list that said too little. One server, one browser,
 * one till; each test starts from an empty cart.
 */
describe('the checkout on the devices it runs on', () => {
  const server = withServer({ label: 'e2e-checkout-layout', demoProducts: 120, app: true });
  const chromium = withChromium({ timezoneId: DEVICE_TIME_ZONE });
  let page: Page;
  let till: Till;
  let associate: DemoStaffMember;
  let store: StoreRecord;
  let products: ProductRecord[];
  /** confirm(), alert() and prompt() the page raised: a locked kiosk browser shows none of them. */
  const nativeDialogs: string[] = [];

  beforeAll(async () => {
    associate = demoStaff(server, AUSTIN, 'associate');
    const catalog = storeCatalog(server, AUSTIN);
    store = catalog.store;
    products = catalog.products.filter((product) => !product.serialized && product.price >= 300 && product.price <= 3_000);
    expect(products.length).toBeGreaterThanOrEqual(10);

    till = await tillFor(chromium, server, {
      store: AUSTIN,
      staff: associate,
      beforeLoad: (tablet) =>
        tablet.on('dialog', (dialog) => {
          nativeDialogs.push(`${dialog.type()}: ${dialog.message()}`);
          void dialog.dismiss();
        }),
    });
    page = till.page;
  });

  /** Ends whatever sale a test left on the till, and puts the tablet back to its usual size. */
  async function emptyTill() {
    await page.setViewportSize({ width: 1280, height: 800 });
    if ((await page.getByRole('button', { name: 'Void sale…' }).count()) > 0) await till.voidSale();
    await till.expectLineCount(0);
  }

  const focusedLabel = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName ?? null);

  it('shows every primary action of a long sale on a tablet without scrolling the page, and fits a phone’s width', async () => {
    await emptyTill();
    const basket = products.slice(0, 8);
    for (const product of basket) await till.scan(product.barcode);
    await till.expectLineCount(8);
    await till.applyCoupon('WELCOME10');
    // A couple of discounts at least: the coupon, and the store's spend-threshold promotion.
    const summary = page.getByRole('complementary', { name: 'Sale summary' });
    await expect.poll(() => summary.getByText('Coupon WELCOME10: 10 % off your basket', { exact: true }).count()).toBe(1);
    await expect.poll(() => summary.getByText(/^Spend 50, save 5/).count()).toBe(1);

    const actions = page.getByRole('region', { name: 'Sale actions' });
    const payments = page.getByRole('group', { name: 'Other payments' });
    const primary: [string, Locator][] = [
      ['scan field', till.scanField],
      ['first cart line', page.getByRole('region', { name: 'Cart' }).getByRole('row').nth(1)],
      ['total', page.getByLabel('Total due')],
      ['cash received', page.getByLabel('Cash received')],
      ['Complete', page.getByRole('button', { name: 'Complete cash sale' })],
      ...(['Card', 'Gift card', 'Store credit', 'Other till'] as const).map((way): [string, Locator] => [way, payments.getByRole('button', { name: way, exact: true })]),
      ['park label', page.getByLabel('Label for the parked sale')],
      ['Park sale', page.getByRole('button', { name: 'Park sale' })],
      ['Void sale', page.getByRole('button', { name: 'Void sale…' })],
      ['Parked sales', page.getByRole('button', { name: /^Parked sales \(/ })],
      ['coupon', page.getByLabel('Coupon', { exact: true })],
      ['Apply', page.getByRole('button', { name: 'Apply' })],
      ['customer', actions.getByText('Customer', { exact: true })],
      ['Discount the sale', page.getByRole('button', { name: 'Discount the sale…' })],
      ['staff purchase or tax exemption', actions.getByText('Staff / tax exempt', { exact: true })],
    ];
    const lastLine = page.getByRole('button', { name: `Remove ${basket.at(-1)!.name}` });

    for (const [width, height] of [[1280, 800], [1024, 768], [1080, 1920]] as const) {
      await page.setViewportSize({ width, height });
      // The cart's list from its top (the size before left it scrolled to its end).
      await page.getByRole('region', { name: 'Cart' }).getByRole('row').nth(1).scrollIntoViewIfNeeded();
      expect(await pageOverflow(page), `${width}×${height}: the page scrolls`).toEqual({ down: 0, sideways: 0 });
      const missing: Record<string, string> = {};
      for (const [name, control] of primary) {
        const why = await whyNotOnScreen(control);
        if (why) missing[name] = why;
      }
      expect(missing, `${width}×${height}: primary actions not on the screen`).toEqual({});
      // The eighth line is reached inside the cart, and nothing else moves.
      await lastLine.scrollIntoViewIfNeeded();
      expect(await whyNotOnScreen(lastLine)).toBeNull();
      expect(await whyNotOnScreen(page.getByRole('button', { name: 'Complete cash sale' }))).toBeNull();
      expect(await page.evaluate(() => scrollY)).toBe(0);
    }

    // The customer menu opens over the cart's lines, its fields on the screen too; a tap elsewhere shuts it.
    await page.setViewportSize({ width: 1024, height: 768 });
    await actions.getByText('Customer', { exact: true }).click();
    expect(await whyNotOnScreen(page.getByLabel('Customer phone or email'))).toBeNull();
    expect(await whyNotOnScreen(page.getByRole('button', { name: 'New customer…' }))).toBeNull();
    await page.getByLabel('Total due').click();
    await page.getByLabel('Customer phone or email').waitFor({ state: 'hidden' });
    expect(await pageOverflow(page)).toEqual({ down: 0, sideways: 0 });

    // A phone: one column that scrolls down, never sideways, each action within its width.
    await page.setViewportSize({ width: 390, height: 844 });
    expect((await pageOverflow(page)).sideways, '390×844: the page scrolls sideways').toBe(0);
    for (const [name, control] of primary) {
      const box = (await control.boundingBox())!;
      expect(box, `${name} on a phone`).not.toBeNull();
      expect(box.x >= 0 && box.x + box.width <= 390, `${name} on a phone is ${Math.round(box.x)}–${Math.round(box.x + box.width)} px across`).toBe(true);
    }
  });

  it('takes a typed quantity on Enter or as the field is left, gives the scan field the focus back, and refuses what the cart refuses', async () => {
    await emptyTill();
    const [first, second, third] = products as [ProductRecord, ProductRecord, ProductRecord];
    await till.scan(first.barcode);
    await till.expectLineCount(1);

    await till.setQuantity(first.name, 3);
    await expect.poll(() => page.getByTestId('total').getAttribute('data-units')).toBe('3');
    expect(await till.quantity(first.name)).toBe(3);
    // The focus is back where a scanner types: the next scan is a new line, not digits in the quantity.
    await expect.poll(focusedLabel).toBe('Scan or search');
    await till.scan(second.barcode);
    await till.expectLineCount(2);

    // Typed, then the associate taps elsewhere: that commits it too.
    await page.getByLabel(`Quantity of ${first.name}`, { exact: true }).fill('5');
    await page.getByText('Subtotal', { exact: true }).click();
    await expect.poll(() => till.quantity(first.name)).toBe(5);
    await expect.poll(focusedLabel).toBe('Scan or search');

    // What the cart refuses, the field does not keep: 0 (✕ removes a line) and more than 9999.
    await till.setQuantity(first.name, 0);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('whole number from 1 to 9999');
    expect(await till.quantity(first.name)).toBe(5);
    await till.setQuantity(first.name, 10_000);
    expect(await till.quantity(first.name)).toBe(5);
    // Escape puts it back.
    await page.getByLabel(`Quantity of ${first.name}`, { exact: true }).fill('7');
    await page.getByLabel(`Quantity of ${first.name}`, { exact: true }).press('Escape');
    expect(await till.quantity(first.name)).toBe(5);
    await expect.poll(() => page.getByTestId('total').getAttribute('data-units')).toBe('6');

    // The scanner fires while the quantity field has the focus: a scan, not a quantity of 13 digits.
    await page.getByLabel(`Quantity of ${first.name}`, { exact: true }).click();
    await till.scan(third.barcode);
    await till.expectLineCount(3);
    expect(await till.quantity(first.name)).toBe(5);

    // ± beside it still count one at a time.
    await page.getByRole('button', { name: `One more ${first.name}` }).click();
    await expect.poll(() => till.quantity(first.name)).toBe(6);
    await page.getByRole('button', { name: `One fewer ${first.name}` }).click();
    await expect.poll(() => till.quantity(first.name)).toBe(5);
  });

  it('asks before voiding in a dialog of its own, never the browser’s confirm(): Escape and Cancel keep the sale, Void sale empties it', async () => {
    await emptyTill();
    const [first, second] = products as [ProductRecord, ProductRecord];
    await till.scan(first.barcode);
    await till.scan(second.barcode);
    await till.expectLineCount(2);
    const voidButton = page.getByRole('button', { name: 'Void sale…' });
    const dialog = page.getByRole('dialog', { name: 'Void this sale?' });
    const focusInDialog = () => page.evaluate(() => document.activeElement?.closest('[role="dialog"]')?.getAttribute('aria-labelledby') ?? null);

    await voidButton.click();
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    // The focus is in the dialog, on Cancel: an Enter out of habit keeps the sale.
    await expect.poll(focusInDialog).toBe('void-title');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await till.expectLineCount(2);
    await expect.poll(focusedLabel).toBe('Scan or search');

    await voidButton.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await till.expectLineCount(2);

    await voidButton.click();
    await dialog.getByRole('button', { name: 'Void sale', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await till.expectLineCount(0);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Sale voided. Nothing was charged.');
    await expect.poll(focusedLabel).toBe('Scan or search');
    expect(nativeDialogs).toEqual([]);
  });

  it('lists each parked sale with its items, who parked it and when in the store’s time, and what it comes to if resumed now', async () => {
    await emptyTill();
    const [first, second] = products as [ProductRecord, ProductRecord];
    await till.scan(first.barcode);
    await till.scan(first.barcode);
    await till.scan(second.barcode);
    await till.expectLineCount(2);
    await till.applyCoupon('WELCOME10');
    await expect.poll(() => page.getByTestId('total').getAttribute('data-units')).toBe('3');
    const rungUp = await till.totalText();
    const before = Date.now();
    await till.parkSale('Mrs Ortega');
    const after = Date.now();

    const parked = await till.openParkedSales();
    const entry = parked.getByRole('listitem').filter({ hasText: 'Mrs Ortega' });
    // Priced in the pricing worker: the same prices, promotions and coupon as when it was rung up.
    await expect.poll(() => entry.textContent()).toContain(`Total now ${rungUp}`);
    const text = (await entry.textContent()) ?? '';
    expect(text).toContain(`3 items: 2 × ${first.name}, 1 × ${second.name}`);
    expect(text).toContain(`Parked by ${associate.name} at `);
    // The store's clock (Austin), not the device's (Auckland): either minute the park fell in.
    const storeTime = new Intl.DateTimeFormat(store.locale, { timeStyle: 'short', timeZone: store.timezone });
    const deviceTime = new Intl.DateTimeFormat(store.locale, { timeStyle: 'short', timeZone: DEVICE_TIME_ZONE });
    const storeMinutes = [...new Set([before, after].map((ms) => storeTime.format(ms)))];
    expect(storeMinutes.some((time) => text.includes(`at ${time}`)), `“${text}” says one of ${storeMinutes.join(', ')}`).toBe(true);
    expect(text).not.toContain(`at ${deviceTime.format(after)}`);

    // Resumed, it rings up at what the list said.
    await entry.getByRole('button', { name: 'Resume' }).click();
    await parked.waitFor({ state: 'detached' });
    await till.expectLineCount(2);
    await expect.poll(() => till.totalText()).toBe(rungUp);
    expect(nativeDialogs).toEqual([]);
  });
});
