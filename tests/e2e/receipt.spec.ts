import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductRecord } from '../../src/protocol/entities.ts';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { launchChromium } from './support/chromium.ts';

type Credentials = { stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

/** The receipt at the till: printed alone at the roll's width, with the code that takes the customer to it on their phone. */
describe('a sale’s receipt', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ demoProducts: 120, env: { DIST_DIR: resolve('dist') } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('prints only the paper, at 80 or 58 mm, and its code opens the digital receipt on a phone', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === 'store-us-austin')!;
    const associate = austin.staff.find((m) => m.role === 'associate')!;
    const db = new Database(join(server.dataDir, 'storeside.db'), { readonly: true, fileMustExist: true });
    const products = (db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'product' ORDER BY key LIMIT 3`).all(austin.id) as { value: string }[]).map(
      (row) => JSON.parse(row.value) as ProductRecord,
    );
    db.close();

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const till = new Till(page);
    await page.goto(server.url);
    await till.enroll(austin.enrollmentCodes.tablet[0]!);
    await till.signIn(associate.name, associate.pin);
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets).
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    for (const product of [products[0]!, products[1]!, products[1]!]) await till.scan(product.barcode);
    await till.expectLineCount(2);
    await page.getByLabel('Cash received').fill('500');
    await page.getByRole('button', { name: 'Complete cash sale' }).click();

    const receipt = page.getByRole('dialog', { name: 'Sale complete' });
    await receipt.waitFor();
    const receiptNumber = (await receipt.getByTestId('receipt-number').textContent())!;
    const qr = receipt.getByRole('img', { name: 'QR code of the digital receipt' });
    const pageRule = () => page.evaluate(() => [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules]).find((rule) => rule instanceof CSSPageRule)?.cssText ?? '');
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
    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const customer = await phone.newPage();
    const answer = await customer.goto(link);
    expect(answer?.status()).toBe(200);
    expect(await customer.getByTestId('receipt-number').textContent()).toBe(receiptNumber);
    expect(await customer.getByTestId('total').textContent()).toBe(await receipt.getByTestId('receipt-total').textContent());
    // Fits the phone: nothing wider than its screen.
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();
    await context.close();
  });
});
