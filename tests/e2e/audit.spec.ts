import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLogPage } from '../../src/protocol/audit.ts';
import { PROTOCOL_HEADERS } from '../integration/helpers/device-client.ts';
import { startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { Till } from './pages/till.ts';
import { launchChromium } from './support/chromium.ts';

type Credentials = { hqToken: string; stores: { id: string; enrollmentCodes: { tablet: string[] }; staff: { name: string; role: string; pin: string }[] }[] };

/** A manager's approval at the till shows in the till's audit list at once, and in HQ's once the till has synced. */
describe('the audit of a manager’s approval', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ demoProducts: 60, env: { DIST_DIR: resolve('dist') } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists a no-sale drawer opening by who opened it, who approved it and why', async () => {
    const credentials = JSON.parse(readFileSync(join(server.dataDir, 'demo-credentials.json'), 'utf8')) as Credentials;
    const austin = credentials.stores.find((s) => s.id === 'store-us-austin')!;
    const manager = austin.staff.find((m) => m.role === 'manager')!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const till = new Till(page);
    await page.goto(server.url);
    await till.enroll(austin.enrollmentCodes.tablet[0]!);
    await till.signIn(manager.name, manager.pin);

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

    await expect.poll(() => till.pendingCount(), { timeout: 20_000 }).toBe(0);
    const answer = await fetch(`${server.url}/api/v1/hq/audit?store=${austin.id}`, { headers: { ...PROTOCOL_HEADERS, authorization: `Bearer ${credentials.hqToken}` } });
    const log = (await answer.json()) as AuditLogPage;
    expect(log.entries).toEqual([expect.objectContaining({ kind: 'no_sale', approvedByName: manager.name, detail: 'Drawer opened without a sale: customer needed change' })]);
    await context.close();
  });
});
