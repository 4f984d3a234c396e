import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TillReport } from '../../src/domain/till-session.ts';
import type { ProductRecord } from '../../src/protocol/entities.ts';
import { cardNumbersInValue } from '../support/card-numbers.ts';
import { demoStaff, withServer } from '../support/server-fixture.ts';
import { minorOf } from './pages/till.ts';
import { storeCatalog } from './support/catalog.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';
const FLOAT = 12_000;

/** The amount on the row of a receipt's totals labelled `label` (a <dt> and its <dd>), or 0 when there is no such row. */
async function rowAmount(receipt: ReturnType<Page['getByLabel']>, label: string): Promise<number> {
  const term = receipt.getByText(label, { exact: true });
  if ((await term.count()) === 0) return 0;
  return minorOf((await term.locator('xpath=following-sibling::dd[1]').textContent()) ?? '');
}

/**
 * Issue 5's whole shift on one till, with a second till of the store for a
 * parked cart: open with a float, sell with split tender, park and resume on
 * the other device, go offline, return a line by scanning the receipt's code,
 * post-void with a manager's PIN, close blind; online again, HQ's Z report is
 * the till's. And no card number is kept anywhere, on the device or the server.
 */
describe('a whole shift at the till', () => {
  const server = withServer({ label: 'e2e-whole-shift', demoProducts: 120, app: true });
  const chromium = withChromium();

  it('float, split tender, a cart parked on one till and sold on another, offline return and void, blind close: HQ’s Z is the till’s, and no card number is kept', async () => {
    const started = performance.now();
    const manager = demoStaff(server, AUSTIN, 'manager');
    // Products a till sells several units of on one line, at a few dollars at least.
    const products = storeCatalog(server, AUSTIN).products.filter((product) => product.price >= 1_000 && product.price <= 10_000 && !product.serialized);
    expect(products.length).toBeGreaterThanOrEqual(4);
    const [first, second, third, fourth] = products as [ProductRecord, ProductRecord, ProductRecord, ProductRecord];

    // Tablet A: enrolled, an associate signs in and opens the till with a counted float of $120.
    const a = await tillFor(chromium, server, { store: AUSTIN, staff: demoStaff(server, AUSTIN, 'associate', 0) });
    await a.openTill({ '$20.00 notes': '5', '$1.00 notes': '20' }, 'Open the till with $120.00');

    // Sale 1: three units on two lines, $5 charged on the card terminal, the rest in cash ($200 handed over).
    await a.scan(first.barcode);
    await a.scan(first.barcode);
    await a.scan(second.barcode);
    await a.expectLineCount(2);
    await a.takePayment('Card', '5', (dialog) => dialog.getByRole('button', { name: 'Charge on terminal' }).click());
    const sale1 = await a.completeSaleWithReceipt('200');
    expect(sale1.digitalReceipt).toMatch(new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/r/[0-9a-f]{32}$`));
    const sale1Cash = minorOf(sale1.total) - 500;

    // Sale 2: one unit, $3 by card keyed from the terminal's slip (the terminal not connected), the rest in cash.
    await a.scan(third.barcode);
    await a.expectLineCount(1);
    await a.takePayment('Card', '3', async (dialog) => {
      await dialog.getByRole('button', { name: 'Key it from the terminal’s slip…' }).click();
      await dialog.getByLabel('Card brand').fill('Visa');
      await dialog.getByLabel('Last four digits').fill('4242');
      await dialog.getByLabel('Approval code').fill('A12345');
      await dialog.getByLabel('Terminal reference').fill('T-7781');
      await dialog.getByRole('button', { name: 'Record card payment' }).click();
    });
    const sale2 = await a.completeSaleWithReceipt('');
    const sale2Cash = minorOf(sale2.total) - 300;

    // A cart parked on A under the customer's name…
    await a.scan(fourth.barcode);
    await a.scan(fourth.barcode);
    await a.expectLineCount(1);
    await a.parkSale('Mrs Ortega');

    // …is resumed on tablet B of the same store once it has synced, and sold there for cash.
    const b = await tillFor(chromium, server, { store: AUSTIN, staff: demoStaff(server, AUSTIN, 'associate', 1) });
    // B takes cash too, so its drawer's session is opened first (cashTillSession: required on tablets).
    await b.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    await b.resumeParked('Mrs Ortega', 30_000);
    await b.expectLineCount(1);
    await expect.poll(() => b.page.getByRole('region', { name: 'Cart' }).textContent()).toContain(fourth.name);
    const parkedSale = await b.completeSaleWithReceipt('');
    expect(parkedSale.receiptNumber).toBeTruthy();
    // A sees the cart gone from the parked sales.
    await expect.poll(() => a.page.getByRole('button', { name: /^Parked sales \(/ }).textContent(), { timeout: 20_000 }).toBe('Parked sales (0)');

    // A goes offline, its app served by its service worker.
    await a.installed();
    await a.allSent(20_000);
    await a.goOffline();

    // A return: the customer's receipt code scanned into the lookup (a scanner types it and presses Enter), one unit of the first line back.
    // The lookup has the focus as the dialog opens: the scan goes there, not into the sale's scan field behind it.
    let returns = await a.openReturns();
    await a.scan(sale1.digitalReceipt);
    await expect.poll(() => returns.textContent()).toContain(`Sale ${sale1.receiptNumber}`);
    await returns.getByRole('button', { name: `One more ${first.name} to return` }).click();
    expect(await returns.getByLabel(`${first.name} to return`, { exact: true }).textContent()).toBe('1');
    await returns.getByLabel('Reason', { exact: true }).fill('wrong size');
    await returns.getByRole('button', { name: 'Refund', exact: true }).click();
    const refundReceipt = returns.getByLabel('Refund receipt');
    await refundReceipt.waitFor();
    expect(await refundReceipt.textContent()).toContain(`for sale ${sale1.receiptNumber}`);
    const refunded = minorOf((await refundReceipt.getByTestId('refunded').textContent()) ?? '');
    expect(refunded).toBeGreaterThan(0);
    const refundCash = await rowAmount(refundReceipt, 'Cash');
    await returns.getByRole('button', { name: 'Done' }).click();
    await returns.waitFor({ state: 'detached' });

    // A post-void of sale 2, found by its receipt number, approved by a manager's PIN.
    returns = await a.openReturns();
    await returns.getByLabel('Scan the receipt, or type its number').fill(sale2.receiptNumber);
    await returns.getByLabel('Scan the receipt, or type its number').press('Enter');
    await expect.poll(() => returns.textContent()).toContain(`Sale ${sale2.receiptNumber}`);
    await returns.getByLabel('Reason', { exact: true }).fill('rung up by mistake');
    await returns.getByRole('button', { name: 'Void sale…' }).click();
    const approval = returns.getByRole('form', { name: 'Manager approval' });
    await approval.getByLabel('Manager', { exact: true }).selectOption({ label: manager.name });
    await approval.getByLabel('Manager PIN').fill(manager.pin);
    await approval.getByRole('button', { name: 'Approve' }).click();
    const voidReceipt = returns.getByLabel('Void receipt');
    await voidReceipt.waitFor();
    expect(await voidReceipt.textContent()).toContain(`Sale ${sale2.receiptNumber} voided`);
    expect(await voidReceipt.textContent()).toContain('Visa •••• 4242');
    const voidCash = await rowAmount(voidReceipt, 'Cash');
    expect(voidCash).toBe(sale2Cash);
    await returns.getByRole('button', { name: 'Done' }).click();
    await returns.waitFor({ state: 'detached' });
    expect(await a.pendingCount()).toBeGreaterThan(0);

    // Online again: the till's events reach the server.
    await a.goOnline();
    await a.allSent();

    // Close with a blind count of exactly what should be in the drawer: float + cash sales − cash paid back.
    const expectedCash = FLOAT + sale1Cash + sale2Cash - refundCash - voidCash;
    await a.page.getByRole('button', { name: 'Till', exact: true }).click();
    const panel = a.page.getByRole('dialog', { name: 'Till' });
    await panel.getByRole('button', { name: 'Close the till…' }).click();
    await expect.poll(() => panel.textContent()).toContain('Count the drawer');
    expect(await panel.textContent()).not.toContain('Expected in the drawer');
    await panel.getByLabel('$20.00 notes', { exact: true }).fill(String(Math.floor(expectedCash / 2_000)));
    await panel.getByLabel('$1.00 notes', { exact: true }).fill(String(Math.floor((expectedCash % 2_000) / 100)));
    await panel.getByLabel('$0.01 coins', { exact: true }).fill(String(expectedCash % 100));
    await panel.getByRole('button', { name: 'Close the till', exact: true }).click();

    // The device's Z report, as shown.
    const z = panel.getByLabel('Last Z report');
    await z.waitFor();
    const zText = (await z.textContent()) ?? '';
    // One of each, in words that fit one ("1 return", not "1 returns").
    expect(zText).toMatch(/1 return(?!s)/);
    expect(zText).toMatch(/1 void(?!s)/);
    expect(zText).toContain('2 sales');
    expect(minorOf((await z.getByTestId('till-returns').textContent()) ?? '')).toBe(-refunded);
    expect(minorOf((await z.getByTestId('till-voids').textContent()) ?? '')).toBe(-minorOf(sale2.total));
    expect(await rowAmount(z, 'Expected in the drawer')).toBe(expectedCash);
    expect(minorOf((await z.getByTestId('till-variance').textContent()) ?? '')).toBe(0);
    await panel.getByRole('button', { name: 'Done' }).click();

    // Synced, HQ's Z report of the session is the till's own, figure for figure.
    await a.allSent();
    const { deviceId, sessionId, report: own } = await a.tillSession();
    const answer = await server.hq.tillReport(deviceId, sessionId);
    expect(answer.status).toBe(200);
    const { report } = answer.body as { report: TillReport };
    expect(report).toEqual(own);
    expect(report.float).toBe(FLOAT);
    expect(report.sales.count).toBe(2);
    expect(report.byTender.card).toBe(800);
    expect(report.returns.count).toBe(1);
    expect(report.voids.count).toBe(1);
    expect(report.cash.refunds).toBe(refundCash + voidCash);
    expect(report.cash.expected).toBe(expectedCash);
    expect(report.close).toMatchObject({ counted: expectedCash, variance: 0 });

    // The payment rule: nothing that looks like a card number, on either till or in the server's events.
    // The catalogue's EAN-13 barcodes are products, not cards: one starting with 4 (GS1 Germany) passes
    // Luhn one time in ten and reads as a Visa number to the scan, so a finding that is exactly a
    // product's barcode is left out, and only that.
    const barcodes = new Set(server.ledger((db) => db.prepare(`SELECT json_extract(value, '$.barcode') AS barcode FROM sync_rows WHERE entity = 'product'`).all() as { barcode: string | null }[]).map((row) => row.barcode));
    const cardNumbers = (value: unknown) => cardNumbersInValue(value).filter((finding) => !barcodes.has(finding.found.replace(/[ -]/g, '')));
    expect(cardNumbers({ planted: 'paid with 4111 1111 1111 1111', barcode: [...barcodes].find((code) => code && cardNumbersInValue(code).length > 0) })).toHaveLength(1);
    const tillData = { a: await a.database(), b: await b.database() };
    expect(tillData.a.journal?.length).toBeGreaterThan(0);
    expect(tillData.a.sales?.length).toBeGreaterThan(0);
    expect(cardNumbers(tillData)).toEqual([]);
    const events = server.ledger((db) => db.prepare(`SELECT type, body FROM events`).all() as { type: string; body: string }[]);
    expect(events.filter((event) => event.type === 'sale.completed' && event.body.includes('"card"'))).toHaveLength(2);
    expect(cardNumbers(events)).toEqual([]);
    console.log(`the whole shift took ${Math.round((performance.now() - started) / 1000)} s; refund ${refunded} (cash ${refundCash}), void cash ${voidCash}, drawer ${expectedCash}`);
  }, 120_000);
});
