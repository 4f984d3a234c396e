import { describe, expect, it } from 'vitest';
import type { ProductRecord } from '../../src/protocol/entities.ts';
import { withServer } from '../support/server-fixture.ts';
import { productsNoPromotionTouches, storeCatalog } from './support/catalog.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

describe('an associate sells with the network down', () => {
  const server = withServer({ label: 'e2e-offline', demoProducts: 300, app: true });
  const chromium = withChromium();

  const salesOnServer = () =>
    server.ledger((db) => db.prepare(`SELECT receipt_number AS receiptNumber, total FROM sales ORDER BY receipt_number`).all() as { receiptNumber: string; total: number }[]);

  it('keeps every sale made offline, across a reload, and sends each exactly once when the network returns', async () => {
    // Four products no promotion touches, at prices HQ sets before the till syncs: what each sale
    // costs is then known by hand, not from the pricing engine the till runs.
    const [shirt, socks, soap, comb] = productsNoPromotionTouches(storeCatalog(server, AUSTIN), { taxCategory: 'standard', basketsUnder: 5_000, count: 4 }) as [ProductRecord, ProductRecord, ProductRecord, ProductRecord];
    await server.hq.setPrice(AUSTIN, shirt.sku, 1_000);
    await server.hq.setPrice(AUSTIN, socks.sku, 250);
    await server.hq.setPrice(AUSTIN, soap.sku, 499);
    await server.hq.setPrice(AUSTIN, comb.sku, 99);

    const till = await tillFor(chromium, server, { store: AUSTIN });
    // The app shell must be in the service worker's cache before the network goes.
    await till.installed();
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets); its
    // opening is sent while online, so what waits below is the offline sales alone.
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);
    await till.goOffline();

    /**
     * Austin adds Texas 6.25 %, City of Austin 1 % and Capital Metro 1 % to the shelf price, each
     * authority's tax rounded half-up on the sale's total. `total` is what the till must show.
     */
    const sell = async (basket: ProductRecord[], total: string) => {
      for (const product of basket) await till.scan(product.barcode);
      await till.expectLineCount(new Set(basket.map((product) => product.sku)).size);
      await expect.poll(() => till.totalText()).toBe(total);
      return (await till.payCashAndComplete('500')).receiptNumber;
    };

    const receipts: string[] = [];
    // $10.00 + $2.50 = $12.50: Texas 78.125¢ → 78¢, Austin 12.5¢ → 13¢, Capital Metro 12.5¢ → 13¢; tax $1.04.
    receipts.push(await sell([shirt, socks], '$13.54'));
    // $4.99 × 2 + $0.99 = $10.97: Texas 68.56¢ → 69¢, Austin and Capital Metro 10.97¢ → 11¢ each; tax 91¢.
    receipts.push(await sell([soap, soap, comb], '$11.88'));
    // $10.00: Texas 62.5¢ → 63¢, Austin and Capital Metro 10¢ each; tax 83¢.
    receipts.push(await sell([shirt], '$10.83'));
    await expect.poll(() => till.pendingCount()).toBe(3);
    await expect(till.syncStatus.textContent()).resolves.toContain('Offline');

    await till.page.reload();
    await till.scanField.waitFor();
    await expect.poll(() => till.pendingCount()).toBe(3);
    // $2.50 + $4.99 + $0.99 = $8.48: Texas 53¢ exactly, Austin and Capital Metro 8.48¢ → 8¢ each; tax 69¢.
    receipts.push(await sell([socks, soap, comb], '$9.17'));
    // $0.99 × 2 = $1.98: Texas 12.375¢ → 12¢, Austin and Capital Metro 1.98¢ → 2¢ each; tax 16¢.
    receipts.push(await sell([comb, comb], '$2.14'));
    await expect.poll(() => till.pendingCount()).toBe(5);

    expect(salesOnServer()).toHaveLength(0);

    await till.goOnline();
    await till.allSent();
    await expect(till.syncStatus.textContent()).resolves.toContain('all sent');

    const sales = salesOnServer();
    expect(sales.map((sale) => sale.receiptNumber).sort()).toEqual([...receipts].sort());
    const byReceipt = new Map(sales.map((sale) => [sale.receiptNumber, sale.total]));
    expect(receipts.map((receipt) => byReceipt.get(receipt))).toEqual([1_354, 1_188, 1_083, 917, 214]);
    // The server re-priced every sale with its own copy of the engine and found nothing to flag.
    expect(server.ledger((db) => db.prepare(`SELECT COUNT(*) AS n FROM sale_variances`).get())).toEqual({ n: 0 });
  });
});
