import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductRecord, StockRecord } from '../../src/protocol/entities.ts';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { launchChromium } from './support/chromium.ts';

type Credentials = { stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

const AUSTIN = 'store-us-austin';
/** Far below the 30 s poll: a till that sees the sale this soon heard of it through the change stream. */
const POKED_WITHIN_MS = 5_000;

describe('two tills of one store', () => {
  let server: ServerProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const contextOf = new Map<string, BrowserContext>();

  beforeAll(async () => {
    server = await startServer({ demoProducts: 300, env: { DIST_DIR: resolve('dist') } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  async function till(code: string, staff: { name: string; pin: string }) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contextOf.set(code, context);
    contexts.push(context);
    const page = await context.newPage();
    const t = new Till(page);
    await page.goto(server.url);
    await t.enroll(code);
    // Where every shift starts, the till says whether the browser may clear its data.
    await expect.poll(() => page.getByRole('status').filter({ hasText: /persistent storage/ }).count()).toBe(1);
    await t.signIn(staff.name, staff.pin);
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets).
    await t.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    return t;
  }

  it('see each other’s sales in the stock they show, without waiting for the poll', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === AUSTIN)!;
    const [first, second] = austin.staff;
    const db = new Database(join(server.dataDir, 'storeside.db'), { readonly: true, fileMustExist: true });
    const row = (entity: string, key: string) =>
      JSON.parse((db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = ? AND key = ?`).get(AUSTIN, entity, key) as { value: string }).value);
    // "SKU-0000" lists SKU-000001 … SKU-000020 on the till: pick one of them the store has in stock.
    const sku = Array.from({ length: 20 }, (_, i) => `SKU-${String(i + 1).padStart(6, '0')}`).find(
      // Not a serialized product: the test sells several units on one line.
      (candidate) => (row('stock', candidate) as StockRecord).onHand > 2 && (row('product', candidate) as ProductRecord).price > 0 && !(row('product', candidate) as ProductRecord).serialized,
    )!;
    const product = row('product', sku) as ProductRecord;
    const onHand = (row('stock', sku) as StockRecord).onHand;
    db.close();

    const seller = await till(austin.enrollmentCodes.tablet[0]!, first!);
    const looker = await till(austin.enrollmentCodes.tablet[1]!, second!);

    await looker.page.keyboard.type('SKU-0000');
    await looker.page.keyboard.press('Enter');
    const level = looker.page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: sku }).getByTestId('stock-level');
    await expect.poll(() => level.getAttribute('data-on-hand')).toBe(String(onHand));

    await seller.scan(product.barcode);
    await seller.scan(product.barcode);
    await seller.page.getByLabel('Cash received').fill('1000');
    const soldAt = performance.now();
    await seller.page.getByRole('button', { name: 'Complete cash sale' }).click();
    await expect.poll(() => level.getAttribute('data-on-hand'), { timeout: POKED_WITHIN_MS, interval: 10 }).toBe(String(onHand - 2));
    console.log(`the other till showed the new stock ${Math.round(performance.now() - soldAt)} ms after "Complete" was tapped`);
    await seller.page.getByRole('dialog', { name: 'Sale complete' }).waitFor();
    await expect.poll(() => level.textContent()).toContain(`${onHand - 2} in stock`);
  });

  it('both sell the last units while cut off; back online, a manager sees the later sale charged with the oversell, and why', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === AUSTIN)!;
    const manager = austin.staff.find((m) => m.role === 'manager')!;
    const associate = austin.staff.find((m) => m.role === 'associate')!;
    const db = new Database(join(server.dataDir, 'storeside.db'), { readonly: true, fileMustExist: true });
    // Not a serialized product: each till sells every unit on one line.
    const level = db
      .prepare(
        `SELECT s.sku, s.on_hand AS onHand FROM stock s JOIN sync_rows r ON r.store_id = s.store_id AND r.entity = 'product' AND r.key = s.sku
         WHERE s.store_id = ? AND s.on_hand BETWEEN 1 AND 3 AND json_extract(r.value, '$.serialized') IS NULL ORDER BY s.sku LIMIT 1`,
      )
      .get(AUSTIN) as { sku: string; onHand: number };
    const product = JSON.parse((db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'product' AND key = ?`).get(AUSTIN, level.sku) as { value: string }).value) as ProductRecord;
    db.close();

    const first = await till(austin.enrollmentCodes.tablet[2]!, manager);
    const second = await till(austin.enrollmentCodes.tablet[3]!, associate);
    for (const t of [first, second]) await t.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    const cutOff = async (code: string, offline: boolean) => {
      const context = contextOf.get(code)!;
      if (offline) await context.route('**/api/**', (route) => route.abort('internetdisconnected'));
      else await context.unroute('**/api/**');
      await context.setOffline(offline);
    };
    await cutOff(austin.enrollmentCodes.tablet[2]!, true);
    await cutOff(austin.enrollmentCodes.tablet[3]!, true);

    // Each till sells every unit it believes is on the shelf, the first till before the second.
    for (const t of [first, second]) {
      for (let unit = 0; unit < level.onHand; unit++) await t.scan(product.barcode);
      await t.expectLineCount(1);
      const { receiptNumber } = await t.payCashAndComplete('9999');
      expect(receiptNumber).toBeTruthy();
      await t.page.waitForTimeout(50);
    }
    const laterReceipt = await second.page.evaluate(async () => {
      const open = indexedDB.open('storeside');
      const idb = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)));
      const sales = await new Promise<{ receiptNumber: string }[]>((resolve) => {
        const request = idb.transaction('sales').objectStore('sales').getAll();
        request.onsuccess = () => resolve(request.result);
      });
      return sales[0]!.receiptNumber;
    });

    await cutOff(austin.enrollmentCodes.tablet[2]!, false);
    await cutOff(austin.enrollmentCodes.tablet[3]!, false);
    await expect.poll(() => first.pendingCount(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => second.pendingCount(), { timeout: 30_000 }).toBe(0);

    const conflicts = first.page.getByRole('button', { name: /^Conflicts \(/ });
    await expect.poll(() => conflicts.textContent(), { timeout: 10_000 }).toBe('Conflicts (1)');
    await conflicts.click();
    const panel = first.page.getByRole('dialog', { name: 'Open conflicts' });
    await expect.poll(() => panel.textContent()).toContain(`Oversold: ${level.onHand} × ${level.sku} on sale ${laterReceipt}`);
    await expect.poll(() => panel.textContent()).toContain('Rule: the sale made first keeps the unit');
    await expect.poll(() => panel.textContent()).toContain('Task open: nobody has claimed it yet.');
    await panel.getByRole('button', { name: 'Close' }).click();

    // The associate whose sale was charged sees the task, and settles it: a substitute was given.
    const tasks = second.page.getByRole('button', { name: /^Tasks \(/ });
    await expect.poll(() => tasks.textContent(), { timeout: 10_000 }).toBe('Tasks (1)');
    await tasks.click();
    const taskPanel = second.page.getByRole('dialog', { name: 'Store tasks' });
    const task = taskPanel.getByRole('listitem').filter({ hasText: laterReceipt });
    await expect.poll(() => task.textContent()).toContain(`${level.onHand} × ${product.name} (${level.sku}) sold on ${laterReceipt} was not in stock`);
    await task.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => task.textContent(), { timeout: 10_000 }).toContain('Claimed by you.');
    await task.getByRole('button', { name: 'Substitute given' }).click();
    await expect.poll(() => taskPanel.textContent(), { timeout: 10_000 }).toContain(`substitute given by ${associate.name}`);
    await expect.poll(() => second.pendingCount(), { timeout: 30_000 }).toBe(0);

    // The manager's till hears of it through the change stream: no conflict is left open.
    await expect.poll(() => conflicts.textContent(), { timeout: 10_000 }).toBe('Conflicts (0)');
  });
});
