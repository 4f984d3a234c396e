import { describe, expect, it } from 'vitest';
import { withServer } from '../support/server-fixture.ts';
import { storeCatalog } from './support/catalog.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

/** The receipt at the till: printed alone at the roll's width, with the code that takes the customer to it on their phone. */
describe('a sale’s receipt', () => {
  const server = withServer({ label: 'e2e-receipt', demoProducts: 120, app: true });
  const chromium = withChromium();

  it('prints only the paper, at 80 or 58 mm, and its code opens the digital receipt on a phone', async () => {
    const [first, second] = storeCatalog(server, AUSTIN).products.filter((product) => !product.serialized);
    const till = await tillFor(chromium, server, { store: AUSTIN });
    const { page } = till;
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets).
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    for (const product of [first!, second!, second!]) await till.scan(product.barcode);
    await till.expectLineCount(2);
    await page.getByLabel('Cash received').fill('500');
    await page.getByRole('button', { name: 'Complete cash sale' }).click();

    const receipt = page.getByRole('dialog', { name: 'Sale complete' });
    await receipt.waitFor();
    const receiptNumber = (await receipt.getByTestId('receipt-number').textContent())!;
    const qr = receipt.getByRole('img', { name: 'QR code of the digital receipt' });
    // The page is sized as it is printed: the browser fires beforeprint for window.print() and for its own Print menu.
    const pageRule = () => page.evaluate(() => (dispatchEvent(new Event('beforeprint')), [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules]).find((rule) => rule instanceof CSSPageRule)?.cssText ?? ''));
    await expect.poll(pageRule).toMatch(/size: 80mm \d+mm/);

    await page.emulateMedia({ media: 'print' });
    expect(await qr.isVisible()).toBe(true);
    expect(await receipt.getByTestId('receipt-number').isVisible()).toBe(true);
    expect(await receipt.getByRole('button', { name: 'New sale' }).isVisible()).toBe(false);
    expect(await till.scanField.isVisible()).toBe(false);
    expect(await page.getByRole('banner').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    await receipt.getByLabel('58 mm').check();
    await expect.poll(pageRule).toMatch(/size: 58mm \d+mm/);
    expect(await page.evaluate(() => localStorage.getItem('storeside.receiptPaper'))).toBe('58');

    const link = (await receipt.getByRole('link', { name: 'Digital receipt' }).getAttribute('href'))!;
    expect(link).toMatch(new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/r/[0-9a-f]{32}$`));
    await till.allSent(20_000);

    const phone = await chromium.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const customer = await phone.newPage();
    const answer = await customer.goto(link);
    expect(answer?.status()).toBe(200);
    expect(await customer.getByTestId('receipt-number').textContent()).toBe(receiptNumber);
    expect(await customer.getByTestId('total').textContent()).toBe(await receipt.getByTestId('receipt-total').textContent());
    // Fits the phone: nothing wider than its screen.
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();
  });
});
