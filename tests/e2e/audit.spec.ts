import { describe, expect, it } from 'vitest';
import { demoStaff, withServer } from '../support/server-fixture.ts';
import { tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';

/** A manager's approval at the till shows in the till's audit list at once, and in HQ's once the till has synced. */
describe('the audit of a manager’s approval', () => {
  const server = withServer({ label: 'e2e-audit', demoProducts: 60, app: true });
  const chromium = withChromium();

  it('lists a no-sale drawer opening by who opened it, who approved it and why', async () => {
    const manager = demoStaff(server, AUSTIN, 'manager');
    const till = await tillFor(chromium, server, { store: AUSTIN, staff: manager });
    const { page } = till;

    await page.getByRole('button', { name: 'Till', exact: true }).click();
    const panel = page.getByRole('dialog', { name: 'Till' });
    await panel.getByLabel('$20.00 notes').fill('5');
    await panel.getByRole('button', { name: 'Open the till with $100.00' }).click();
    await panel.getByRole('button', { name: 'Open the drawer (no sale)…' }).click();
    await panel.getByLabel('Why open the drawer').fill('customer needed change');
    await panel.getByLabel('Manager', { exact: true }).selectOption({ label: manager.name });
    await panel.getByLabel('Manager PIN').fill(manager.pin);
    await panel.getByRole('button', { name: 'Approve' }).click();
    await panel.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Audit' }).click();
    const audit = page.getByRole('dialog', { name: 'Audit: this till' });
    const row = audit.getByRole('row').filter({ hasText: 'No-sale drawer opening' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Drawer opened without a sale: customer needed change');
    expect((await row.getByRole('cell').nth(3).textContent())?.trim()).toBe(manager.name);

    await till.allSent(20_000);
    const answer = await server.hq.audit(AUSTIN);
    expect(answer.body.entries).toEqual([expect.objectContaining({ kind: 'no_sale', approvedByName: manager.name, detail: 'Drawer opened without a sale: customer needed change' })]);
  });
});
