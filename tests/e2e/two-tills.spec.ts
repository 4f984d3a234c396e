import { describe, expect, it } from 'vitest';
import type { ProductRecord, StockRecord } from '../../src/protocol/entities.ts';
import { demoStaff, withServer } from '../support/server-fixture.ts';
import { storeCatalog } from './support/catalog.ts';
import { openTablet, tillFor, withChromium } from './support/tills.ts';

const AUSTIN = 'store-us-austin';
/** How long a till's sync engine waits after a round before polling again (createSyncEngine's default `pollMs`). */
const POLL_MS = 30_000;

describe('two tills of one store', () => {
  const server = withServer({ label: 'e2e-two-tills', demoProducts: 300, app: true });
  const chromium = withChromium();

  it('see each other’s sales in the stock they show, without waiting for the poll', async () => {
    const { products, stock } = storeCatalog(server, AUSTIN);
    // "SKU-0000" lists SKU-000001 … SKU-000020 on the till: one of them the store has in stock, sold by the unit.
    const product = products.find(
      (candidate) => /^SKU-0000(0\d|1\d|20)$/.test(candidate.sku) && (stock.get(candidate.sku)?.onHand ?? 0) > 2 && candidate.price > 0 && !candidate.serialized,
    ) as ProductRecord;
    const onHand = stock.get(product.sku)!.onHand;

    const seller = await tillFor(chromium, server, { store: AUSTIN });
    // The store asks for an open till before a cash sale (cashTillSession, the default on tablets).
    await seller.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    const looker = await openTablet(chromium, server, { store: AUSTIN });
    // Where every shift starts, the till says whether the browser may clear its data.
    await expect.poll(() => looker.page.getByRole('status').filter({ hasText: /persistent storage/ }).count()).toBe(1);
    const associate = demoStaff(server, AUSTIN, 'associate', 1);
    await looker.signIn(associate.name, associate.pin);

    await looker.page.keyboard.type('SKU-0000');
    await looker.page.keyboard.press('Enter');
    const level = looker.page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: product.sku }).getByTestId('stock-level');
    await expect.poll(() => level.getAttribute('data-on-hand')).toBe(String(onHand));

    await seller.scan(product.barcode);
    await seller.scan(product.barcode);
    await seller.payCashAndComplete('1000');
    // Long enough for a poll to bring it too: which one did is read from the looker's pulls below.
    await expect.poll(() => level.textContent(), { timeout: POLL_MS + 10_000 }).toContain(`${onHand - 2} in stock`);

    // The looker's engine polls POLL_MS after a round ends, and a round ends after its pull is answered. The
    // pull that brought the sale was sent sooner than that after the pull before it was answered: the change
    // stream started that round, not the timer.
    const pulls = await Promise.all(looker.pulls);
    const bringing = pulls.findIndex((pull) =>
      pull.changes.some((change) => change.op === 'put' && change.entity === 'stock' && change.key === product.sku && (change.value as StockRecord).onHand === onHand - 2),
    );
    expect(bringing, 'a pull of the looker brought the new stock level').toBeGreaterThan(0);
    const before = pulls[bringing - 1]!;
    expect(before.failure).toBeUndefined();
    expect(pulls[bringing]!.sentAt - before.answeredAt!).toBeLessThan(POLL_MS);
    // Room for a poll to come first when the stream is broken, so the test fails on the line that says so.
  }, 2 * POLL_MS + 60_000);

  it('both sell the last units while cut off; back online, a manager sees the later sale charged with the oversell, and why', async () => {
    // Not a serialized product: each till sells every unit on one line.
    const level = server.ledger(
      (db) =>
        db
          .prepare(
            `SELECT s.sku, s.on_hand AS onHand FROM stock s JOIN sync_rows r ON r.store_id = s.store_id AND r.entity = 'product' AND r.key = s.sku
             WHERE s.store_id = ? AND s.on_hand BETWEEN 1 AND 3 AND json_extract(r.value, '$.serialized') IS NULL ORDER BY s.sku LIMIT 1`,
          )
          .get(AUSTIN) as { sku: string; onHand: number },
    );
    const product = storeCatalog(server, AUSTIN).products.find((candidate) => candidate.sku === level.sku)!;
    const associate = demoStaff(server, AUSTIN, 'associate');

    const first = await tillFor(chromium, server, { store: AUSTIN, staff: demoStaff(server, AUSTIN, 'manager') });
    const second = await tillFor(chromium, server, { store: AUSTIN, staff: associate });
    for (const till of [first, second]) await till.openTill({ '$20.00 notes': '5' }, 'Open the till with $100.00');
    for (const till of [first, second]) await till.installed();
    await first.goOffline();
    await second.goOffline();

    // Each till sells every unit it believes is on the shelf, the first till before the second: the
    // second starts scanning only once the first shows its receipt, so its sale is the later on the clock
    // both tablets share.
    const receipts: string[] = [];
    for (const till of [first, second]) {
      for (let unit = 0; unit < level.onHand; unit++) await till.scan(product.barcode);
      await till.expectLineCount(1);
      const { receiptNumber } = await till.payCashAndComplete('9999');
      expect(receiptNumber).toBeTruthy();
      receipts.push(receiptNumber);
    }
    const laterReceipt = receipts[1]!;

    await first.goOnline();
    await second.goOnline();
    await first.allSent();
    await second.allSent();

    const conflicts = first.page.getByRole('button', { name: /^Conflicts \(/ });
    await expect.poll(() => conflicts.textContent()).toBe('Conflicts (1)');
    await conflicts.click();
    const panel = first.page.getByRole('dialog', { name: 'Open conflicts' });
    await expect.poll(() => panel.textContent()).toContain(`Oversold: ${level.onHand} × ${level.sku} on sale ${laterReceipt}`);
    await expect.poll(() => panel.textContent()).toContain('Rule: the sale made first keeps the unit');
    await expect.poll(() => panel.textContent()).toContain('Task open: nobody has claimed it yet.');
    await panel.getByRole('button', { name: 'Close' }).click();

    // The associate whose sale was charged sees the task, and settles it: a substitute was given.
    const tasks = second.page.getByRole('button', { name: /^Tasks \(/ });
    await expect.poll(() => tasks.textContent()).toBe('Tasks (1)');
    await tasks.click();
    const taskPanel = second.page.getByRole('dialog', { name: 'Store tasks' });
    const task = taskPanel.getByRole('listitem').filter({ hasText: laterReceipt });
    await expect.poll(() => task.textContent()).toContain(`${level.onHand} × ${product.name} (${level.sku}) sold on ${laterReceipt} was not in stock`);
    await task.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => task.textContent()).toContain('Claimed by you.');
    await task.getByRole('button', { name: 'Substitute given' }).click();
    await expect.poll(() => taskPanel.textContent()).toContain(`substitute given by ${associate.name}`);
    await second.allSent();

    // The manager's till hears of it through the change stream: no conflict is left open.
    await expect.poll(() => conflicts.textContent()).toBe('Conflicts (0)');
  });
});
