import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { createPromotionBook, priceSale, type Promotion } from '../../src/domain/pricing/index.ts';
import type { ProductRecord, StoreRecord } from '../../src/protocol/entities.ts';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { launchChromium } from './support/chromium.ts';

type Credentials = { stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

const DIST_DIR = resolve('dist');

describe('an associate sells with the network down', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ demoProducts: 300, env: { DIST_DIR } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  const serverDb = () => new Database(join(server.dataDir, 'storeside.db'), { readonly: true, fileMustExist: true });
  const salesOnServer = () => {
    const db = serverDb();
    try {
      return db.prepare(`SELECT id, receipt_number AS receiptNumber, subtotal, tax, total FROM sales ORDER BY receipt_number`).all() as {
        receiptNumber: string;
        subtotal: number;
        tax: number;
        total: number;
      }[];
    } finally {
      db.close();
    }
  };

  it('keeps every sale made offline, across a reload, and sends each exactly once when the network returns', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const usStore = credentials.stores.find((s) => s.id === 'store-us-austin')!;
    const associate = usStore.staff.find((m) => m.role === 'associate')!;
    const db = serverDb();
    const store = JSON.parse((db.prepare(`SELECT record FROM stores WHERE id = ?`).get(usStore.id) as { record: string }).record) as StoreRecord;
    const products = (db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'product' ORDER BY key LIMIT 40`).all(usStore.id) as { value: string }[]).map(
      (row) => JSON.parse(row.value) as ProductRecord,
    );
    // The promotions the till synced: the expected totals come from the same engine and the same set.
    const promotions = (db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'promotion'`).all(usStore.id) as { value: string }[]).map(
      (row) => JSON.parse(row.value) as Promotion,
    );
    const book = createPromotionBook(promotions, usStore.id);
    db.close();

    const page = await context.newPage();
    const till = new Till(page);
    await page.goto(server.url);
    await till.enroll(usStore.enrollmentCodes.tablet[0]!);
    await till.signIn(associate.name, associate.pin);
    // The app shell must be in the service worker's cache before the network goes.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets); its
    // opening is sent while online, so what waits below is the offline sales alone.
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);

    // Offline for the page and the service worker alike: the browser's offline
    // switch, and every API request refused at the context, whoever makes it.
    await context.setOffline(true);
    await context.route('**/api/**', (route) => route.abort('internetdisconnected'));

    const expectedTotals: number[] = [];
    const sell = async (basket: ProductRecord[]) => {
      for (const product of basket) await till.scan(product.barcode);
      await till.expectLineCount(new Set(basket.map((p) => p.sku)).size);
      const lines = [...new Map(basket.map((p) => [p.sku, p])).values()].map((p) => cartLineFor(p, basket.filter((b) => b.sku === p.sku).length));
      const expected = priceSale(lines, book, store.taxConfig, { at: Date.now() });
      const shown = new Intl.NumberFormat(store.locale, { style: 'currency', currency: store.currency }).format(expected.total / 100);
      await expect.poll(() => till.totalText()).toBe(shown);
      const { receiptNumber } = await till.payCashAndComplete('500');
      expectedTotals.push(expected.total);
      return receiptNumber;
    };

    const receipts: string[] = [];
    receipts.push(await sell([products[0]!, products[1]!]));
    receipts.push(await sell([products[2]!, products[2]!, products[3]!]));
    receipts.push(await sell([products[4]!]));
    await expect.poll(() => till.pendingCount()).toBe(3);
    await expect(till.syncStatus.textContent()).resolves.toContain('Offline');

    await page.reload();
    await till.scanField.waitFor();
    await expect.poll(() => till.pendingCount()).toBe(3);
    receipts.push(await sell([products[5]!, products[6]!, products[7]!]));
    receipts.push(await sell([products[8]!, products[8]!]));
    await expect.poll(() => till.pendingCount()).toBe(5);

    expect(salesOnServer()).toHaveLength(0);

    await context.unroute('**/api/**');
    await context.setOffline(false);
    await expect.poll(() => till.pendingCount(), { timeout: 30_000 }).toBe(0);
    await expect(till.syncStatus.textContent()).resolves.toContain('all sent');

    const sales = salesOnServer();
    expect(sales.map((s) => s.receiptNumber).sort()).toEqual([...receipts].sort());
    const byReceipt = new Map(sales.map((s) => [s.receiptNumber, s.total]));
    expect(receipts.map((r) => byReceipt.get(r))).toEqual(expectedTotals);
    const variances = serverDb().prepare(`SELECT COUNT(*) AS n FROM sale_variances`).get() as { n: number };
    expect(variances.n).toBe(0);
  });
});
