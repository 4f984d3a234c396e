import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { TillReport } from '../../../src/domain/till-session.ts';
import type { Change, PullResponse } from '../../../src/protocol/messages.ts';

/**
 * The till as an associate uses it, through roles and labels. Tests talk to
 * this, not to CSS classes.
 */
export class Till {
  /**
   * Every pull this till's page has asked the server for, in the order asked:
   * when it was sent and answered, by the browser's clock, and the changes the
   * answer carried. A round the change stream started and one the poll started
   * look alike on the wire; only their timing tells them apart (two-tills.spec.ts).
   */
  readonly pulls: Promise<Pull>[] = [];

  constructor(readonly page: Page) {
    page.on('request', (request) => {
      if (new URL(request.url()).pathname !== '/api/v1/sync/pull') return;
      const pull = async (): Promise<Pull> => {
        const response = await request.response();
        if (!response?.ok()) return { sentAt: request.timing().startTime, answeredAt: null, changes: [], failure: response ? `HTTP ${response.status()}` : 'no answer' };
        const { changes } = (await response.json()) as PullResponse;
        // Read once the body is in: only then does the timing know when the answer ended.
        const timing = request.timing();
        return { sentAt: timing.startTime, answeredAt: timing.startTime + timing.responseEnd, changes };
      };
      // Kept as a value, never a rejection: nobody may be waiting for it when the page closes mid-pull.
      this.pulls.push(pull().catch((error: unknown) => ({ sentAt: request.timing().startTime, answeredAt: null, changes: [], failure: String(error) })));
    });
  }

  /** Where a new device's enrollment code is typed: the first screen of a tablet not yet enrolled. */
  get enrollmentField() {
    return this.page.getByLabel('Enrollment code');
  }

  async enroll(code: string) {
    await this.enrollmentField.fill(code);
    await this.page.getByRole('button', { name: 'Enroll device' }).click();
  }

  async signIn(staffName: string, pin: string) {
    await this.page.getByRole('button', { name: new RegExp(staffName) }).click();
    await this.page.getByLabel('PIN', { exact: true }).fill(pin);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.scanField.waitFor();
  }

  get scanField() {
    return this.page.getByLabel('Scan or search');
  }

  /** A keyboard-wedge scanner: digits typed fast into the focused field, then Enter. */
  async scan(barcode: string) {
    await this.page.keyboard.type(barcode, { delay: 5 });
    await this.page.keyboard.press('Enter');
  }

  /**
   * A serialized product's unit: its serial number scanned (typed, then Enter)
   * into the serial field of its line, found by SKU (products of one name,
   * e.g. the same earbuds in two brands' catalogues, can share a cart).
   */
  async enterSerial(sku: string, serial: string) {
    const line = this.page.getByRole('region', { name: 'Cart' }).getByRole('row').filter({ hasText: sku });
    const field = line.getByLabel(/^Serial number of /);
    await field.fill(serial);
    await field.press('Enter');
  }

  /** Types `query` into the scan field, presses Enter, and adds the `nth` (from 0) of the search results to the cart. */
  async addFromSearch(query: string, nth = 0) {
    await this.scanField.fill(query);
    await this.scanField.press('Enter');
    await this.page.getByRole('list', { name: 'Search results' }).getByRole('button').nth(nth).click();
  }

  /** What the till's notices say now (why a scan or a sale was refused), one per line; empty when there is none. */
  async noticeText(): Promise<string> {
    return (await this.page.getByRole('alert').allTextContents()).join('\n');
  }

  async totalText(): Promise<string> {
    return (await this.page.getByTestId('total').textContent()) ?? '';
  }

  /** The total once the cart is priced: until then it shows nothing to pay. */
  async pricedTotal(): Promise<string> {
    await expect.poll(() => this.totalText()).not.toMatch(/^\$0\.00$|^$/);
    return this.totalText();
  }

  async payCashAndComplete(cash: string): Promise<{ receiptNumber: string; change: string }> {
    await this.page.getByLabel('Cash received').fill(cash);
    await this.page.getByRole('button', { name: 'Complete cash sale' }).click();
    const receipt = this.page.getByRole('dialog', { name: 'Sale complete' });
    await receipt.waitFor();
    const receiptNumber = (await receipt.getByTestId('receipt-number').textContent()) ?? '';
    const change = (await receipt.getByTestId('change').textContent()) ?? '';
    await receipt.getByRole('button', { name: 'New sale' }).click();
    await receipt.waitFor({ state: 'detached' });
    return { receiptNumber, change };
  }

  /**
   * One payment other than cash from the payment step: `way` is the button
   * ('Card', 'Gift card', 'Store credit', 'Other till'); `finish` fills what
   * identifies it and takes it. Waits for the dialog to close (the payment taken).
   */
  async takePayment(way: 'Card' | 'Gift card' | 'Store credit' | 'Other till', amount: string, finish: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
    await this.page.getByRole('group', { name: 'Other payments' }).getByRole('button', { name: way, exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Amount').fill(amount);
    await finish(dialog);
    await dialog.waitFor({ state: 'detached' });
  }

  /** Finds a customer by phone or email and attaches the one named. */
  async attachCustomer(phoneOrEmail: string, name: string) {
    await this.page.getByText('Customer', { exact: true }).click();
    await this.page.getByLabel('Customer phone or email').fill(phoneOrEmail);
    await this.page.getByRole('button', { name: 'Find' }).click();
    await this.page.getByRole('list', { name: 'Customers found' }).getByRole('button', { name: new RegExp(name) }).click();
  }

  /** Completes a sale with payments taken (the button then says "Complete sale"), cash typed first if any. */
  async completeSale(cash: string): Promise<{ receiptNumber: string }> {
    await this.page.getByLabel('Cash received').fill(cash);
    await this.page.getByRole('button', { name: 'Complete sale', exact: true }).click();
    const receipt = this.page.getByRole('dialog', { name: 'Sale complete' });
    await receipt.waitFor();
    const receiptNumber = (await receipt.getByTestId('receipt-number').textContent()) ?? '';
    await receipt.getByRole('button', { name: 'New sale' }).click();
    await receipt.waitFor({ state: 'detached' });
    return { receiptNumber };
  }

  get syncStatus() {
    return this.page.getByRole('status', { name: 'Sync status' });
  }

  async pendingCount(): Promise<number> {
    return Number(await this.syncStatus.getAttribute('data-pending'));
  }

  /** Waits until the sync indicator says nothing is left to send: the server has acknowledged every event of this till. */
  async allSent(timeout = 30_000) {
    await expect.poll(() => this.pendingCount(), { timeout }).toBe(0);
  }

  /** Waits until the service worker controls the page: the app shell is cached, and the till loads with the network gone. */
  async installed() {
    await this.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  }

  /**
   * Cuts this tablet off the network, page and service worker alike: the
   * browser's offline switch, and every API request refused at the context,
   * whoever makes it.
   */
  async goOffline() {
    await this.page.context().route('**/api/**', (route) => route.abort('internetdisconnected'));
    await this.page.context().setOffline(true);
  }

  /** The network back. */
  async goOnline() {
    await this.page.context().unroute('**/api/**');
    await this.page.context().setOffline(false);
  }

  async expectLineCount(count: number) {
    // Every row of the cart's table but its header row.
    await expect.poll(async () => Math.max(0, (await this.page.getByRole('region', { name: 'Cart' }).getByRole('row').count()) - 1)).toBe(count);
  }

  /** Opens the till's drawer from the Till button: `count` is pieces by the label of their denomination ('$20.00 notes': '5'). */
  async openTill(count: Record<string, string>, button: string) {
    await this.page.getByRole('button', { name: 'Till', exact: true }).click();
    await this.countFloat(count, button);
  }

  /** The question the till asks when cash needs an open till and none is (issue 11). */
  get openTillPrompt() {
    return this.page.getByRole('alertdialog', { name: 'Open the till first' });
  }

  /** Answers the till's question by opening the till there: the Till panel's count of the float, as `openTill`. */
  async openTillWhenAsked(count: Record<string, string>, button: string) {
    await this.openTillPrompt.getByRole('button', { name: 'Open the till…' }).click();
    await this.openTillPrompt.waitFor({ state: 'detached' });
    await this.countFloat(count, button);
  }

  /** In the Till panel: counts the float, opens the session, and closes the panel once the X report shows. */
  private async countFloat(count: Record<string, string>, button: string) {
    const panel = this.page.getByRole('dialog', { name: 'Till' });
    for (const [label, pieces] of Object.entries(count)) await panel.getByLabel(label, { exact: true }).fill(pieces);
    await panel.getByRole('button', { name: button }).click();
    await panel.getByLabel('X report').waitFor();
    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.waitFor({ state: 'detached' });
  }

  /**
   * Completes a sale (payments taken or not, cash typed first if any) and reads
   * the receipt before starting the next: its number, its total and the digital
   * receipt's link (what the QR code on the paper holds).
   */
  async completeSaleWithReceipt(cash: string): Promise<{ receiptNumber: string; digitalReceipt: string; total: string }> {
    await this.page.getByLabel('Cash received').fill(cash);
    await this.page.getByRole('button', { name: /^Complete (cash )?sale$/ }).click();
    const receipt = this.page.getByRole('dialog', { name: 'Sale complete' });
    await receipt.waitFor();
    const receiptNumber = (await receipt.getByTestId('receipt-number').textContent()) ?? '';
    const total = (await receipt.getByTestId('receipt-total').textContent()) ?? '';
    const digitalReceipt = (await receipt.getByRole('link', { name: 'Digital receipt' }).getAttribute('href')) ?? '';
    await receipt.getByRole('button', { name: 'New sale' }).click();
    await receipt.waitFor({ state: 'detached' });
    return { receiptNumber, digitalReceipt, total };
  }

  /** The quantity of the cart's line of `name`, as its field shows it. */
  async quantity(name: string): Promise<number> {
    return Number(await this.page.getByLabel(`Quantity of ${name}`, { exact: true }).inputValue());
  }

  /** Types a quantity into a line's field and presses Enter, as an associate keys one in instead of tapping + ten times. */
  async setQuantity(name: string, quantity: number) {
    const field = this.page.getByLabel(`Quantity of ${name}`, { exact: true });
    await field.fill(String(quantity));
    await field.press('Enter');
  }

  /** A coupon code typed into the sale's coupon field and applied. */
  async applyCoupon(code: string) {
    await this.page.getByLabel('Coupon', { exact: true }).fill(code);
    await this.page.getByRole('button', { name: 'Apply' }).click();
    await this.page.getByRole('list', { name: 'Coupons entered' }).getByText(code).waitFor();
  }

  /** Voids the sale being rung up, confirmed in the till's own dialog; the cart is empty after. */
  async voidSale() {
    await this.page.getByRole('button', { name: 'Void sale…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Void this sale?' });
    await dialog.getByRole('button', { name: 'Void sale', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await this.expectLineCount(0);
  }

  /** Opens the store's parked sales; the dialog. */
  async openParkedSales() {
    await this.page.getByRole('button', { name: /^Parked sales \(/ }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Parked sales' });
    await dialog.waitFor();
    return dialog;
  }

  /** Parks the cart under a label; the till is empty after. */
  async parkSale(label: string) {
    await this.page.getByLabel('Label for the parked sale').fill(label);
    await this.page.getByRole('button', { name: 'Park sale' }).click();
    await this.expectLineCount(0);
  }

  /** Resumes the cart parked under `label` (on any till of the store) once it has reached this till. */
  async resumeParked(label: string, timeout = 20_000) {
    const parked = this.page.getByRole('button', { name: /^Parked sales \(/ });
    await expect.poll(() => parked.textContent(), { timeout }).not.toBe('Parked sales (0)');
    await parked.click();
    const dialog = this.page.getByRole('dialog', { name: 'Parked sales' });
    await dialog.getByRole('listitem').filter({ hasText: label }).getByRole('button', { name: 'Resume' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** Opens "Return / exchange" from the top bar; the dialog it shows. */
  async openReturns() {
    await this.page.getByRole('button', { name: 'Return / exchange' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Return / exchange' });
    await dialog.waitFor();
    return dialog;
  }

  /** The types of the events in the till's journal, oldest first, as its IndexedDB holds them. */
  async journalTypes(): Promise<string[]> {
    return this.page.evaluate(async () => {
      const open = indexedDB.open('storeside');
      const idb = await new Promise<IDBDatabase>((done) => (open.onsuccess = () => done(open.result)));
      const events = await new Promise<{ type: string }[]>((done) => {
        const request = idb.transaction('journal').objectStore('journal').getAll();
        request.onsuccess = () => done(request.result as { type: string }[]);
      });
      idb.close();
      return events.map((event) => event.type);
    });
  }

  /** Every object store of the till's IndexedDB, as plain values: all that is kept on the device. */
  async database(): Promise<Record<string, unknown[]>> {
    return this.page.evaluate(async () => {
      const open = indexedDB.open('storeside');
      const idb = await new Promise<IDBDatabase>((done, fail) => ((open.onsuccess = () => done(open.result)), (open.onerror = () => fail(open.error))));
      const dump: Record<string, unknown[]> = {};
      for (const name of [...idb.objectStoreNames]) {
        dump[name] = await new Promise<unknown[]>((done, fail) => {
          const request = idb.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => done(JSON.parse(JSON.stringify(request.result)) as unknown[]);
          request.onerror = () => fail(request.error);
        });
      }
      idb.close();
      return dump;
    });
  }

  /** The till's newest session as its IndexedDB holds it: the device, the session's id, and the report the till keeps. */
  async tillSession(): Promise<{ deviceId: string; sessionId: string; report: TillReport }> {
    return this.page.evaluate(async () => {
      const open = indexedDB.open('storeside');
      const idb = await new Promise<IDBDatabase>((done) => (open.onsuccess = () => done(open.result)));
      const read = <T,>(store: string) =>
        new Promise<T[]>((done) => {
          const request = idb.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => done(request.result as T[]);
        });
      const journal = await read<{ type: string; deviceId: string; payload: { sessionId?: string } }>('journal');
      const meta = await read<{ key: string; value: { report: unknown } }>('meta');
      idb.close();
      const opened = journal.findLast((event) => event.type === 'till.opened')!;
      return { deviceId: opened.deviceId, sessionId: opened.payload.sessionId!, report: meta.find((row) => row.key === 'tillReport')!.value.report as TillReport };
    });
  }
}

/** One pull of a till, timed by the browser (ms since the epoch); `answeredAt` null and a `failure` when no answer came. */
export type Pull = { sentAt: number; answeredAt: number | null; changes: Change[]; failure?: string };

/** Minor units of an amount as the till shows it in dollars, e.g. "$1,234.56" or "-$3.00" → 123456, -300. */
export function minorOf(text: string): number {
  const match = /(-)?[^\d-]*([\d,]+)(?:\.(\d{2}))?/.exec(text.trim().replace(/\u2212/g, '-'));
  if (!match) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  const minor = Number(match[2]!.replace(/,/g, '')) * 100 + Number(match[3] ?? 0);
  return match[1] ? -minor : minor;
}
