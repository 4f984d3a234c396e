import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { formatMoney } from '../../src/domain/money.ts';
import { createPromotionBook, priceSale, shelfSign, type Promotion } from '../../src/domain/pricing/index.ts';
import type { ProductRecord, StoreRecord } from '../../src/protocol/entities.ts';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/protocol/version.ts';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { launchChromium } from './support/chromium.ts';

type Credentials = { hqToken: string; stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

const AUSTIN = 'store-us-austin';

describe('promotions at the till and on the shelf sign, with the network down', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ demoProducts: 300, env: { DIST_DIR: resolve('dist') } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  function readServer<T>(read: (db: Database.Database) => T): T {
    const db = new Database(join(server.dataDir, 'storeside.db'), { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  it('discounts offline with the promotion named, takes a coupon offline, and the sign follows a promotion HQ adds', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === AUSTIN)!;
    const associate = austin.staff.find((m) => m.role === 'associate')!;
    const { store, products, promotions } = readServer((db) => ({
      store: JSON.parse((db.prepare(`SELECT record FROM stores WHERE id = ?`).get(AUSTIN) as { record: string }).record) as StoreRecord,
      products: new Map(
        (db.prepare(`SELECT key, value FROM sync_rows WHERE store_id = ? AND entity = 'product'`).all(AUSTIN) as { key: string; value: string }[]).map((row) => [
          row.key,
          JSON.parse(row.value) as ProductRecord,
        ]),
      ),
      promotions: (db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'promotion'`).all(AUSTIN) as { value: string }[]).map(
        (row) => JSON.parse(row.value) as Promotion,
      ),
    }));
    const money = (amount: number) => formatMoney(amount, store.currency, store.locale);
    const bogoSku = promotions.flatMap((p) =>
      p.kind === 'buy_x_get_y' && p.get.percent === 100 && p.buy.quantity === 1 && p.buy.target.skus.length === 1 && p.get.target.skus[0] === p.buy.target.skus[0] ? [p.buy.target.skus[0]!] : [],
    ).find((sku) => !products.get(sku)?.serialized)!; // two units of a serialized product would each need a serial number
    const bogoProduct = products.get(bogoSku)!;
    // A product no demo promotion touches: the sign shows its shelf price until HQ adds one.
    const book = createPromotionBook(promotions, AUSTIN);
    const plain = [...products.values()].find((p) => p.price > 500 && !p.serialized && shelfSign(p, book, store.taxConfig, Date.now()).offers.length === 0)!;
    expect(bogoProduct && plain, 'a BOGO product and an unpromoted one in the demo store').toBeTruthy();

    const page = await context.newPage();
    const till = new Till(page);
    await page.goto(server.url);
    await till.enroll(austin.enrollmentCodes.tablet[0]!);
    await till.signIn(associate.name, associate.pin);
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets).
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });

    const sign = await context.newPage();
    await sign.goto(`${server.url}/signage?sku=${plain.sku}`);
    const signPrice = sign.getByTestId('sign-price');
    await expect.poll(() => signPrice.textContent()).toBe(money(plain.price));

    await context.setOffline(true);
    await context.route('**/api/**', (route) => route.abort('internetdisconnected'));

    // Two of the BOGO product: one is free, and the cart says which promotion made it so.
    await till.scan(bogoProduct.barcode);
    await till.scan(bogoProduct.barcode);
    await till.scan(plain.barcode);
    const cart = [cartLineFor(bogoProduct, 2), cartLineFor(plain, 1)];
    const before = priceSale(cart, book, store.taxConfig, { at: Date.now() });
    await expect.poll(() => till.totalText()).toBe(money(before.total));
    const summary = page.getByRole('complementary', { name: 'Sale summary' });
    for (const discount of before.discounts) await expect.poll(() => summary.getByText(discount.label, { exact: true }).count()).toBe(1);

    // A coupon typed at the till applies from the synced promotions, offline.
    await page.getByLabel('Coupon', { exact: true }).fill('welcome10');
    await page.getByRole('button', { name: 'Apply' }).click();
    const withCoupon = priceSale(cart, book, store.taxConfig, { at: Date.now(), coupons: ['WELCOME10'] });
    expect(withCoupon.coupons).toEqual([{ code: 'WELCOME10', status: 'applied', promotionName: 'Coupon WELCOME10: 10 % off your basket' }]);
    await expect.poll(() => till.totalText()).toBe(money(withCoupon.total));
    await expect.poll(() => summary.getByText('Coupon WELCOME10: 10 % off your basket', { exact: true }).count()).toBe(1);
    await page.getByLabel('Cash received').fill('500');
    await page.getByRole('button', { name: 'Complete cash sale' }).click();
    const receipt = page.getByRole('dialog', { name: 'Sale complete' });
    await expect.poll(() => receipt.getByTestId('receipt-savings').textContent()).toBe(money(withCoupon.discountTotal));
    await receipt.getByRole('button', { name: 'New sale' }).click();

    // The sign works offline too.
    await sign.reload();
    await expect.poll(() => signPrice.textContent()).toBe(money(plain.price));

    // HQ puts the product on promotion while the store is offline; the sign changes when the network returns.
    const response = await fetch(`${server.url}/api/v1/hq/promotions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credentials.hqToken}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
      body: JSON.stringify({
        id: 'hq-e2e-half',
        name: `Half price ${plain.name}`,
        validFrom: Date.now() - 60_000,
        validTo: null,
        stores: [AUSTIN],
        priority: 90,
        stacking: 'combinable',
        coupon: null,
        kind: 'percent_off',
        target: { skus: [plain.sku], categories: [] },
        percent: 50,
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const added = ((await response.json()) as { promotion: Promotion }).promotion;
    const after = shelfSign(plain, createPromotionBook([...promotions, added], AUSTIN), store.taxConfig, Date.now());
    expect(after.pricePerOne).toBeLessThan(plain.price);

    await context.unroute('**/api/**');
    await context.setOffline(false);
    await expect.poll(() => signPrice.textContent(), { timeout: 20_000 }).toBe(money(after.pricePerOne));
    await expect.poll(() => sign.getByText(`Half price ${plain.name}`).count()).toBe(1);

    // The sale reached the server as the till priced it, and the server's re-pricing agrees.
    await expect.poll(() => till.pendingCount(), { timeout: 30_000 }).toBe(0);
    const booked = readServer((db) => ({
      sale: db.prepare(`SELECT id, discount_total AS discountTotal, total FROM sales`).get() as { id: string; discountTotal: number; total: number },
      discounts: db.prepare(`SELECT promotion_id AS promotionId, coupon, amount FROM sale_discounts ORDER BY discount_no`).all(),
      variances: (db.prepare(`SELECT COUNT(*) AS n FROM sale_variances`).get() as { n: number }).n,
    }));
    expect(booked.sale).toMatchObject({ discountTotal: withCoupon.discountTotal, total: withCoupon.total });
    expect(booked.discounts).toEqual(
      withCoupon.discounts.map((d) => ({
        promotionId: d.source.type === 'promotion' ? d.source.promotionId : null,
        coupon: d.source.type === 'promotion' ? (d.source.coupon ?? null) : null,
        amount: d.amount,
      })),
    );
    expect(booked.variances).toBe(0);
  });
});
