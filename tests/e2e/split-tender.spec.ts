import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductRecord } from '../../src/protocol/entities.ts';
import type { StoredValueRecord } from '../../src/domain/stored-value.ts';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { launchChromium } from './support/chromium.ts';

type Credentials = { stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

const AUSTIN = 'store-us-austin';
const DIST_DIR = resolve('dist');

describe('an associate takes a sale in several payments', () => {
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

  const readServer = <T>(question: (db: Database.Database) => T): T => {
    const db = new Database(join(server.dataDir, 'storeside.db'), { readonly: true, fileMustExist: true });
    try {
      return question(db);
    } finally {
      db.close();
    }
  };

  it('gift card, card and cash for one customer: the server books each tender, debits the card and keeps the customer on the sale', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === AUSTIN)!;
    const associate = austin.staff.find((m) => m.role === 'associate')!;
    const product = readServer(
      (db) =>
        (db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'product' ORDER BY key`).all(AUSTIN) as { value: string }[])
          .map((row) => JSON.parse(row.value) as ProductRecord)
          .find((candidate) => candidate.price >= 500 && !candidate.serialized)!,
    );

    const page = await context.newPage();
    const till = new Till(page);
    await page.goto(server.url);
    await till.enroll(austin.enrollmentCodes.tablet[0]!);
    await till.signIn(associate.name, associate.pin);
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets).
    await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await till.scan(product.barcode);
    await till.expectLineCount(1);

    await till.attachCustomer('512 555 0101', 'Ana Lopez');
    await till.takePayment('Gift card', '1', async (dialog) => {
      await dialog.getByLabel('Gift card number').fill('GC-AUS-1001');
      await dialog.getByRole('button', { name: 'Take payment' }).click();
    });
    await till.takePayment('Card', '2', (dialog) => dialog.getByRole('button', { name: 'Charge on terminal' }).click());
    const payments = page.getByRole('list', { name: 'Payments taken' });
    await expect.poll(() => payments.getByRole('listitem').count()).toBe(2);
    // Taken by mistake, and removed before Complete: it is not on the sale.
    await till.takePayment('Other till', '1', async (dialog) => {
      await dialog.getByLabel('Other till’s reference').fill('TILL-2-0042');
      await dialog.getByRole('button', { name: 'Take payment' }).click();
    });
    await payments.getByRole('button', { name: /Remove payment Other till/ }).click();
    await expect.poll(() => payments.getByRole('listitem').count()).toBe(2);

    const { receiptNumber } = await till.completeSale('100');
    await expect.poll(() => till.pendingCount(), { timeout: 30_000 }).toBe(0);

    const booked = readServer((db) => {
      const sale = db.prepare(`SELECT id, total FROM sales WHERE receipt_number = ?`).get(receiptNumber) as { id: string; total: number };
      const tenders = db.prepare(`SELECT kind, amount, tendered, change_given AS change FROM tenders WHERE sale_id = ? ORDER BY tender_no`).all(sale.id);
      const body = (db.prepare(`SELECT body FROM events WHERE type = 'sale.completed'`).get() as { body: string }).body;
      const card = JSON.parse((db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = 'stored_value' AND key = 'GC-AUS-1001'`).get(AUSTIN) as { value: string }).value) as StoredValueRecord;
      return { sale, tenders, customer: (JSON.parse(body) as { payload: { customer: unknown } }).payload.customer, card };
    });
    const cash = booked.sale.total - 300;
    expect(booked.tenders).toEqual([
      { kind: 'gift_card', amount: 100, tendered: 100, change: 0 },
      { kind: 'card', amount: 200, tendered: 200, change: 0 },
      { kind: 'cash', amount: cash, tendered: 10_000, change: 10_000 - cash },
    ]);
    expect(booked.customer).toEqual({ id: 'cust-aus-1', name: 'Ana Lopez' });
    expect(booked.card.balance).toBe(4_900);
  });
});
