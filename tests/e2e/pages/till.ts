import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/**
 * The till as an associate uses it, through roles and labels. Tests talk to
 * this, not to CSS classes.
 */
export class Till {
  constructor(readonly page: Page) {}

  async enroll(code: string) {
    await this.page.getByLabel('Enrollment code').fill(code);
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

  async totalText(): Promise<string> {
    return (await this.page.getByTestId('total').textContent()) ?? '';
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

  get syncStatus() {
    return this.page.getByRole('status', { name: 'Sync status' });
  }

  async pendingCount(): Promise<number> {
    return Number(await this.syncStatus.getAttribute('data-pending'));
  }

  async expectLineCount(count: number) {
    // Every row of the cart's table but its header row.
    await expect.poll(async () => Math.max(0, (await this.page.getByRole('region', { name: 'Cart' }).getByRole('row').count()) - 1)).toBe(count);
  }
}
