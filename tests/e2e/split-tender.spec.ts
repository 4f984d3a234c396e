import { describe, expect, it } from 'vitest';
import type { StoredValueRecord } from '../../src/domain/stored-value.ts';
import { withServer } from '../support/server-fixture.ts';
import { storeCatalog } from './support/catalog.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

describe('an associate takes a sale in several payments', () => {
  const server = withServer({ label: 'e2e-split-tender', demoProducts: 300, app: true });
  const chromium = withChromium();

  it('gift card, card and cash for one customer: the server books each tender, debits the card and keeps the customer on the sale', async () => {
    const product = storeCatalog(server, AUSTIN).products.find((candidate) => candidate.price >= 500 && !candidate.serialized)!;
    const till = await tillFor(chromium, server, { store: AUSTIN });
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
    const payments = till.page.getByRole('list', { name: 'Payments taken' });
    await expect.poll(() => payments.getByRole('listitem').count()).toBe(2);
    // Taken by mistake, and removed before Complete: it is not on the sale.
    await till.takePayment('Other till', '1', async (dialog) => {
      await dialog.getByLabel('Other till’s reference').fill('TILL-2-0042');
      await dialog.getByRole('button', { name: 'Take payment' }).click();
    });
    await payments.getByRole('button', { name: /Remove payment Other till/ }).click();
    await expect.poll(() => payments.getByRole('listitem').count()).toBe(2);

    const { receiptNumber } = await till.completeSale('100');
    await till.allSent();

    const booked = server.ledger((db) => {
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
    // The demo's gift card held $50.00; $1.00 of it paid.
    expect(booked.card.balance).toBe(4_900);
  });
});
