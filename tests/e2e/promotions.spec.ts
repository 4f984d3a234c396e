import { describe, expect, it } from 'vitest';
import type { Promotion } from '../../src/domain/pricing/index.ts';
import type { ProductRecord } from '../../src/protocol/entities.ts';
import type { PromotionDefinition } from '../../src/protocol/promotions.ts';
import { withServer } from '../support/server-fixture.ts';
import { productsNoPromotionTouches, storeCatalog } from './support/catalog.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

/** A promotion HQ runs in Austin from a minute ago, open-ended, combinable, without a coupon. */
const inAustin = (promotion: Pick<PromotionDefinition, 'id' | 'name'> & Partial<PromotionDefinition>): PromotionDefinition =>
  ({ validFrom: Date.now() - 60_000, validTo: null, stores: [AUSTIN], priority: 20, stacking: 'combinable', coupon: null, ...promotion }) as PromotionDefinition;

describe('promotions at the till and on the shelf sign, with the network down', () => {
  const server = withServer({ label: 'e2e-promotions', demoProducts: 300, app: true });
  const chromium = withChromium();

  it('discounts offline with the promotion named, takes a coupon offline, and the sign follows a promotion HQ adds', async () => {
    // Two products no demo promotion touches, at prices HQ sets, and a buy-one-get-one-free HQ runs on the
    // first: every total below is worked out by hand from them, not by the pricing engine under test.
    const [socks, shirt] = productsNoPromotionTouches(storeCatalog(server, AUSTIN), { taxCategory: 'standard', basketsUnder: 5_000, count: 2 }) as [ProductRecord, ProductRecord];
    await server.hq.setPrice(AUSTIN, socks.sku, 400);
    await server.hq.setPrice(AUSTIN, shirt.sku, 1_000);
    const bogoName = `Buy one ${socks.name}, get one free`;
    const bogo = await server.hq.post('/api/v1/hq/promotions', inAustin({
      id: 'e2e-bogo',
      name: bogoName,
      kind: 'buy_x_get_y',
      buy: { target: { skus: [socks.sku], categories: [] }, quantity: 1 },
      get: { target: { skus: [socks.sku], categories: [] }, quantity: 1, percent: 100 },
    }));
    expect(bogo.status, JSON.stringify(bogo.body)).toBe(201);

    const till = await tillFor(chromium, server, { store: AUSTIN });
    await till.installed();
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets).
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');

    const sign = await till.page.context().newPage();
    await sign.goto(`${server.url}/signage?sku=${shirt.sku}`);
    const signPrice = sign.getByTestId('sign-price');
    await expect.poll(() => signPrice.textContent()).toBe('$10.00');

    await till.goOffline();

    // Two pairs of socks and a shirt: one pair is free, and the cart says which promotion made it so.
    await till.scan(socks.barcode);
    await till.scan(socks.barcode);
    await till.scan(shirt.barcode);
    // $4.00 × 2 − $4.00 free + $10.00 = $14.00; Texas 6.25 % = 87.5¢ → 88¢, City of Austin and Capital Metro
    // 1 % = 14¢ each, each rounded half-up on the sale: $1.16 tax.
    await expect.poll(() => till.totalText()).toBe('$15.16');
    const summary = till.page.getByRole('complementary', { name: 'Sale summary' });
    await expect.poll(() => summary.getByText(bogoName, { exact: true }).count()).toBe(1);

    // A coupon typed at the till applies from the synced promotions, offline.
    await till.page.getByLabel('Coupon', { exact: true }).fill('welcome10');
    await till.page.getByRole('button', { name: 'Apply' }).click();
    // The basket's 10 % comes off what the items sell for after their own promotions: 10 % of $14.00 = $1.40,
    // leaving $12.60; Texas 78.75¢ → 79¢, Austin and Capital Metro 12.6¢ → 13¢ each: $1.05 tax.
    await expect.poll(() => till.totalText()).toBe('$13.65');
    await expect.poll(() => summary.getByText('Coupon WELCOME10: 10 % off your basket', { exact: true }).count()).toBe(1);
    await till.page.getByLabel('Cash received').fill('500');
    await till.page.getByRole('button', { name: 'Complete cash sale' }).click();
    const receipt = till.page.getByRole('dialog', { name: 'Sale complete' });
    // Saved: the free pair ($4.00) and the coupon ($1.40).
    await expect.poll(() => receipt.getByTestId('receipt-savings').textContent()).toBe('$5.40');
    await receipt.getByRole('button', { name: 'New sale' }).click();

    // The sign works offline too.
    await sign.reload();
    await expect.poll(() => signPrice.textContent()).toBe('$10.00');

    // HQ puts the shirt at half price while the store is offline; the sign changes when the network returns.
    const halfPrice = await server.hq.post<{ promotion: Promotion }>('/api/v1/hq/promotions', inAustin({
      id: 'hq-e2e-half',
      name: `Half price ${shirt.name}`,
      priority: 90,
      kind: 'percent_off',
      target: { skus: [shirt.sku], categories: [] },
      percent: 50,
    }));
    expect(halfPrice.status, JSON.stringify(halfPrice.body)).toBe(201);

    await till.goOnline();
    // Half of $10.00; a sign shows the price before tax, as the shelf does.
    await expect.poll(() => signPrice.textContent(), { timeout: 20_000 }).toBe('$5.00');
    await expect.poll(() => sign.getByText(`Half price ${shirt.name}`).count()).toBe(1);

    // The sale reached the server as the till priced it, and the server's re-pricing agrees.
    await till.allSent();
    const booked = server.ledger((db) => ({
      sale: db.prepare(`SELECT discount_total AS discountTotal, total FROM sales`).get(),
      discounts: db.prepare(`SELECT promotion_id AS promotionId, coupon, amount FROM sale_discounts ORDER BY discount_no`).all(),
      variances: db.prepare(`SELECT COUNT(*) AS n FROM sale_variances`).get(),
    }));
    expect(booked).toEqual({
      sale: { discountTotal: 540, total: 1_365 },
      discounts: [
        { promotionId: 'e2e-bogo', coupon: null, amount: 400 },
        { promotionId: 'all-coupon-welcome10', coupon: 'WELCOME10', amount: 140 },
      ],
      variances: { n: 0 },
    });
  });
});
