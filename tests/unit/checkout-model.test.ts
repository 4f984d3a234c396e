import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { signal } from '@preact/signals';
import { createCheckoutModel } from '../../src/app/checkout/checkout-model.ts';
import { simulatedTerminal, type PaymentTerminal } from '../../src/devices/payment-terminal.ts';
import { openCharges } from '../../src/local/open-charges.ts';
import type { StoredValueRecord } from '../../src/domain/stored-value.ts';
import { PRICE_OVERRIDE, priceOverrideAmount } from '../../src/domain/price-override.ts';
import type { PricingClient } from '../../src/app/pricing-client.ts';
import { withCheckDigit } from '../../src/domain/barcode.ts';
import { createPricingApi } from '../../src/workers/pricing-api.ts';
import { searchWords, StoresideDb } from '../../src/local/db.ts';
import { browserEnv } from '../../src/local/journal.ts';
import { ownAllotments } from '../../src/local/allotments.ts';
import { cartsWaiting } from '../../src/local/parked-carts.ts';
import type { ProductRecord, StoreRecord } from '../../src/protocol/entities.ts';
import { testStore } from '../support/test-store.ts';

const store = testStore();
const product = (n: number, price: number): ProductRecord => ({
  sku: `SKU-${n}`,
  name: `Product ${n}`,
  barcode: withCheckDigit(`400000000${String(n).padStart(3, '0')}`),
  category: 'general',
  taxCategory: 'standard',
  price,
  priceVersion: 1,
});

/** Prices like the worker does, but each answer takes `delayMs`: a busy worker. */
const slowPricing = (delayMs: number): PricingClient => {
  const api = createPricingApi();
  return {
    setPromotions: async (promotions, storeId) => api.setPromotions(promotions, storeId),
    shelfSigns: async (products, taxConfig, at) => api.shelfSigns(products, taxConfig, at),
    priceSale: (lines, taxConfig, context) =>
      new Promise((resolve, reject) =>
        setTimeout(() => {
          try {
            resolve(api.priceSale(lines, taxConfig, context));
          } catch (error) {
            reject(error as Error);
          }
        }, delayMs),
      ),
  };
};

async function till(name: string, delayMs: number, options: { online?: boolean; lastSyncAt?: number | null; store?: StoreRecord; declineAbove?: number; terminal?: PaymentTerminal } = {}) {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'device-abcd', storeId: store.id, role: 'tablet', token: 'x' });
  // These tests are of the cart: cash moves without a till session here (the rule has its own, tests/unit/cash-till-gate.test.ts).
  await db.stores.put({ ...(options.store ?? store), cashTillSession: { tablet: 'optional' } });
  const products = [product(1, 199), product(2, 1_050), { ...product(3, 4_999), name: 'Earbuds', serialized: true }];
  await db.products.bulkPut(products.map((p) => ({ ...p, words: searchWords(p) })));
  await db.stock.bulkPut(products.map((p) => ({ sku: p.sku, onHand: 10, aisle: 'A1', bin: 'B1' })));
  const connectivity = { online: signal(options.online ?? true), lastSyncAt: signal(options.lastSyncAt ?? null), now: signal(NOW) };
  const model = createCheckoutModel({
    db,
    pricing: slowPricing(delayMs),
    store: options.store ?? store,
    staff: () => ({ id: 'staff-1', name: 'Ana', role: 'associate' }),
    onSaleCommitted: () => {},
    terminal: options.terminal ?? simulatedTerminal(options.declineAbove === undefined ? {} : { declineAbove: options.declineAbove }),
    connectivity,
    env: browserEnv,
  });
  return { db, model, products, connectivity };
}

/** The same till's checkout after a reload or a browser restart: a new model on the device's database. */
function restart(db: StoresideDb, staff: { id: string; name: string } = { id: 'staff-1', name: 'Ana' }, terminal: PaymentTerminal = simulatedTerminal()) {
  return createCheckoutModel({
    db,
    pricing: slowPricing(0),
    store,
    staff: () => ({ ...staff, role: 'associate' }),
    onSaleCommitted: () => {},
    terminal,
    connectivity: { online: signal(true), lastSyncAt: signal(null), now: signal(NOW) },
    env: browserEnv,
  });
}

const NOW = Date.UTC(2026, 10, 22, 12);
const HOUR = 3_600_000;

describe('the checkout cart', () => {
  it('charges the cart as it is when Complete is tapped right after a scan, not the totals of a moment ago', async () => {
    const { db, model, products } = await till('checkout-race', 50);
    await model.scanOrSearch(products[0]!.barcode);
    // The second scan's totals are still being computed when the associate taps Complete.
    const scanning = model.scanOrSearch(products[1]!.barcode);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await model.completeCashSale();
    await scanning;

    const [sale] = await db.sales.toArray();
    expect(sale?.lines.map((line) => line.sku)).toEqual(['SKU-1', 'SKU-2']);
    expect(sale?.total).toBe(199 + 1_050 + 16 + 87);
  });

  it('warns at the scan when the till counts none left (or fewer than the cart holds), and sells it all the same', async () => {
    const { db, model, products } = await till('checkout-out-of-stock', 0);
    await db.stock.bulkPut([
      { sku: products[0]!.sku, onHand: 0, aisle: 'A1', bin: 'B1' },
      { sku: products[1]!.sku, onHand: 1, aisle: 'A1', bin: 'B2' },
    ]);
    await model.scanOrSearch(products[0]!.barcode);
    expect(model.notice.value).toEqual({ tone: 'warning', text: expect.stringMatching(/^0 in stock at this store: Product 1/) });
    await model.scanOrSearch(products[1]!.barcode);
    expect(model.notice.value?.tone).not.toBe('warning');
    await model.scanOrSearch(products[1]!.barcode);
    expect(model.notice.value).toEqual({ tone: 'warning', text: expect.stringMatching(/^Only 1 in stock at this store: Product 2/) });
    expect(model.lines.value.map((line) => line.quantity)).toEqual([1, 2]);
    await model.completeCashSale();
    expect(await db.sales.count()).toBe(1);
  });

  it('adds one more of a product each time its barcode is scanned, and says when a check digit is wrong', async () => {
    const { model, products } = await till('checkout-scan', 0);
    await model.scanOrSearch(products[0]!.barcode);
    await model.scanOrSearch(products[0]!.barcode);
    expect(model.lines.value).toEqual([{ sku: 'SKU-1', name: 'Product 1', quantity: 2, unitPrice: 199, taxCategory: 'standard', category: 'general', priceVersion: 1 }]);
    await model.scanOrSearch('4000000000000');
    expect(model.notice.value?.text).toMatch(/not a valid barcode/);
  });

  it('puts an item scanned while a sale is being saved into the next sale, and closes the receipt', async () => {
    const { db, model, products } = await till('checkout-scan-during-commit', 20);
    await model.scanOrSearch(products[0]!.barcode);
    const completing = model.completeCashSale();
    const scannedMeanwhile = model.scanOrSearch(products[1]!.barcode);
    await completing;
    await scannedMeanwhile;

    const [sale] = await db.sales.toArray();
    expect(sale?.lines.map((line) => line.sku)).toEqual(['SKU-1']);
    expect(model.lines.value.map((line) => line.sku)).toEqual(['SKU-2']);
    expect(model.totals.value?.total).toBe(1_050 + 87);
    expect(model.receipt.value).toBeNull();
  });

  it('never loses a scan whose lookup is still running when Complete is tapped: it is in the sale', async () => {
    const { db, model, products } = await till('checkout-scan-in-flight', 20);
    await model.scanOrSearch(products[0]!.barcode);
    const scanning = model.scanOrSearch(products[1]!.barcode); // its barcode lookup has not answered yet
    const completing = model.completeCashSale();
    await Promise.all([scanning, completing]);

    const [sale] = await db.sales.toArray();
    expect(sale?.lines.map((line) => line.sku)).toEqual(['SKU-1', 'SKU-2']);
    expect(model.lines.value).toEqual([]);
  });

  it('charges the cart with its item when new promotions arrive while Complete waits on its pricing', async () => {
    const { db, model, products } = await till('checkout-promotions-during-complete', 30);
    await model.scanOrSearch(products[0]!.barcode);
    const scanning = model.scanOrSearch(products[1]!.barcode);
    const synced = model.promotionsChanged([]);
    const completing = model.completeCashSale();
    await Promise.all([scanning, synced, completing]);

    const [sale] = await db.sales.toArray();
    expect(sale?.lines.map((line) => line.sku)).toEqual(['SKU-1', 'SKU-2']);
    expect(sale?.total).toBe(199 + 1_050 + 16 + 87);
  });

  it('counts two quick taps on + as two more, whatever the screen showed between them', async () => {
    const { model, products } = await till('checkout-quantity-taps', 40);
    await model.scanOrSearch(products[0]!.barcode);
    await Promise.all([model.changeQuantity('SKU-1', 1), model.changeQuantity('SKU-1', 1)]);
    expect(model.lines.value.map((line) => line.quantity)).toEqual([3]);
    await model.changeQuantity('SKU-1', -5);
    expect(model.lines.value.map((line) => line.quantity)).toEqual([3]);
  });

  it('treats a barcode that landed in the cash field as a scan, and refuses cash it cannot read', async () => {
    const { db, model, products } = await till('checkout-cash-field', 0);
    await model.scanOrSearch(products[0]!.barcode);
    model.cashText.value = products[1]!.barcode;
    await model.completeCashSale();
    expect(model.lines.value.map((line) => line.sku)).toEqual(['SKU-1', 'SKU-2']);
    expect(await db.sales.count()).toBe(0);

    model.cashText.value = '20.505';
    await model.completeCashSale();
    expect(model.notice.value?.text).toMatch(/not an amount of cash/);
    expect(await db.sales.count()).toBe(0);
  });

  it('says so when a cart cannot be priced, and will not complete it', async () => {
    const { db, model } = await till('checkout-unpriceable', 0);
    const oddProduct = { ...product(3, 500), taxCategory: 'luxury' };
    await db.products.put({ ...oddProduct, words: searchWords(oddProduct) });
    await model.scanOrSearch(oddProduct.barcode);
    expect(model.notice.value?.text).toMatch(/cannot be priced: tax category “luxury” of an item is not set up/);
    await model.completeCashSale();
    expect(await db.sales.count()).toBe(0);
  });

  it('sells a scarce product only up to this till’s allotment, counting its earlier sales, and says why', async () => {
    const { db, model, products } = await till('checkout-scarce', 0);
    const allotment = { id: 'device-abcd/SKU-1', deviceId: 'device-abcd', sku: 'SKU-1', units: 2, asOfSeq: 0, grantedAt: 0 };
    await db.allotments.put(allotment);
    // Another till's allotment is not this one's.
    await db.allotments.put({ ...allotment, id: 'device-other/SKU-2', deviceId: 'device-other', sku: 'SKU-2', units: 0 });
    model.allotmentsChanged(await ownAllotments(db));

    await model.scanOrSearch(products[0]!.barcode);
    await model.scanOrSearch(products[0]!.barcode);
    await model.completeCashSale();
    expect(await db.sales.count()).toBe(1);

    await model.scanOrSearch(products[0]!.barcode);
    expect(model.notice.value?.text).toBe('Product 1 is scarce, and this till has sold all it was allotted. Sell it on a till that is online, or once this one has reached the server.');
    expect(model.lines.value).toEqual([]);
    await model.scanOrSearch(products[1]!.barcode);
    expect(model.lines.value.map((line) => line.sku)).toEqual(['SKU-2']);

    // A new grant from the server, as of the journal's head, gives it more.
    model.allotmentsChanged(new Map([['SKU-1', { ...allotment, units: 2, asOfSeq: 1 }]]));
    await model.scanOrSearch(products[0]!.barcode);
    await model.changeQuantity('SKU-1', 1);
    expect(model.lines.value.map((line) => line.quantity)).toEqual([1, 2]);
    await model.changeQuantity('SKU-1', 1);
    expect(model.notice.value?.text).toMatch(/^Only 2 × Product 1 can be sold on this till until it reaches the server/);
  });

  it('parks a cart with its coupons and options, and resumes it at the prices of the moment', async () => {
    const { db, model, products } = await till('checkout-park', 0);
    await model.scanOrSearch(products[0]!.barcode);
    await model.scanOrSearch(products[0]!.barcode);
    await model.scanOrSearch(products[1]!.barcode);
    await model.setStaffPurchase(true);
    await model.addManagerDiscount({ sku: 'SKU-2', percent: 10, reason: 'dented tin', approvedBy: { id: 'staff-9', name: 'Mo' } });
    await model.park('  ');
    expect(model.notice.value?.text).toMatch(/label/);
    await model.park('Mrs Okafor');
    expect(model.lines.value).toEqual([]);
    expect(model.staffPurchase.value).toBe(false);
    expect(model.notice.value?.text).toBe('Parked “Mrs Okafor”. Any till of this store can resume it.');
    const [parked] = await cartsWaiting(db);
    expect(parked).toMatchObject({ label: 'Mrs Okafor', lines: [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }], staffPurchase: true });

    // A sale of its own on the till: resuming waits until that one is done.
    await model.scanOrSearch(products[1]!.barcode);
    await model.resume(parked!.id);
    expect(model.notice.value?.text).toMatch(/Finish or park the sale on the till/);
    await model.removeLine('SKU-2');

    // The price changed while it was parked: the resumed cart charges today's.
    await db.products.update('SKU-1', { price: 249, priceVersion: 2 });
    await model.resume(parked!.id);
    expect(model.lines.value.map((line) => [line.sku, line.quantity, line.unitPrice])).toEqual([
      ['SKU-1', 2, 249],
      ['SKU-2', 1, 1_050],
    ]);
    expect(model.staffPurchase.value).toBe(true);
    // The manager's discount came back with the cart: the customer pays what they were promised.
    expect(model.managerDiscounts.value).toEqual([expect.objectContaining({ sku: 'SKU-2', percent: 10, reason: 'dented tin', approvedBy: { id: 'staff-9', name: 'Mo' } })]);
    expect(model.totals.value?.discounts).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'Manager discount: dented tin' })]));
    expect(await cartsWaiting(db)).toEqual([]);
    await model.resume(parked!.id);
    expect(model.notice.value?.text).toMatch(/Finish or park/);
  });

  it('takes a manager’s discount on a line or the sale, records who approved it on the sale, and drops a line’s with the line', async () => {
    const { db, model, products } = await till('checkout-manager-discount', 0);
    const manager = { id: 'staff-9', name: 'Mo' };
    await model.scanOrSearch(products[0]!.barcode);
    await model.scanOrSearch(products[1]!.barcode);
    await model.addManagerDiscount({ sku: 'SKU-2', percent: 0, reason: 'damaged box', approvedBy: manager });
    expect(model.notice.value?.text).toMatch(/more than 0 and at most 100/);
    await model.addManagerDiscount({ sku: 'SKU-2', percent: 20, reason: '  ', approvedBy: manager });
    expect(model.notice.value?.text).toMatch(/Say why/);
    await model.addManagerDiscount({ sku: 'SKU-2', percent: 20, reason: 'paid with 4111 1111 1111 1111', approvedBy: manager });
    expect(model.notice.value?.text).toMatch(/The reason could hold a card number/);
    expect(model.managerDiscounts.value).toEqual([]);
    await model.addManagerDiscount({ sku: 'SKU-2', percent: 20, reason: 'damaged box', approvedBy: manager });
    expect(model.totals.value?.discounts).toEqual([expect.objectContaining({ label: 'Manager discount: damaged box', amount: 210 })]);

    // Removed with its line; scanning the product again does not bring it back.
    await model.removeLine('SKU-2');
    await model.scanOrSearch(products[1]!.barcode);
    expect(model.totals.value?.discountTotal).toBe(0);

    await model.addManagerDiscount({ sku: 'basket', amount: 100, reason: 'loyal customer', approvedBy: manager });
    await model.completeCashSale();
    const [sale] = await db.sales.toArray();
    expect(sale?.discountTotal).toBe(100);
    expect(sale?.pricing.manualDiscounts).toEqual([expect.objectContaining({ scope: 'basket', amount: 100, reason: 'loyal customer', approvedBy: 'staff-9' })]);
    expect(model.managerDiscounts.value).toEqual([]);
  });
});

describe('split tender at the till', () => {
  const giftCard: StoredValueRecord = { id: 'GC-TST-1001', kind: 'gift_card', last4: '1001', customerId: null, currency: 'USD', balance: 500 };
  const credit: StoredValueRecord = { id: 'SC-TST-2001', kind: 'store_credit', last4: null, customerId: 'cust-1', currency: 'USD', balance: 10_000 };

  it('pays one sale by gift card, card from the terminal and cash with change, each recorded, the cash settling the rest', async () => {
    const { db, model, products } = await till('split-mix', 0);
    await db.storedValues.bulkPut([giftCard]);
    await model.scanOrSearch(products[1]!.barcode); // 10.50 + 0.87 tax = 11.37
    await model.takeGiftCard('gc-tst-1001', null); // all it holds: 5.00
    expect(model.remainingDue.value).toBe(637);
    await model.takeCard(400);
    expect(model.remainingDue.value).toBe(237);
    model.cashText.value = '5';
    expect(model.changeDue.value).toBe(263);
    await model.completeCashSale();

    const [sale] = await db.sales.toArray();
    expect(sale?.tenders).toEqual([
      { kind: 'gift_card', amount: 500, accountId: 'GC-TST-1001', last4: '1001', offline: false },
      { kind: 'card', amount: 400, brand: 'Visa', last4: expect.stringMatching(/^\d{4}$/), approvalCode: expect.any(String), terminalRef: expect.any(String), offline: false },
      { kind: 'cash', amount: 237, tendered: 500, change: 263 },
    ]);
    expect(model.tenders.value).toEqual([]);
  });

  it('completes without cash when card covers the whole total, and a removed tender is not on the sale', async () => {
    const { db, model, products } = await till('split-card-only', 0);
    await model.scanOrSearch(products[0]!.barcode);
    await model.takeOtherTill('TILL-2-0042', 100);
    await model.removeTender(model.tenders.value[0]!.id);
    await model.takeCard(null);
    await model.completeCashSale();
    const [sale] = await db.sales.toArray();
    expect(sale?.tenders.map((tender) => tender.kind)).toEqual(['card']);
    expect(sale?.tenders[0]?.amount).toBe(sale?.total);
  });

  it('refuses a payment of more than is left, a declined card, and a gift card beyond its balance', async () => {
    const { db, model, products } = await till('split-refusals', 0, { declineAbove: 1_000 });
    await db.storedValues.bulkPut([giftCard]);
    await model.scanOrSearch(products[1]!.barcode); // 11.37
    await model.takeOtherTill('TILL-2', 2_000);
    // In the store's currency, not minor units ("… is 863 more than …").
    expect(model.notice.value?.text).toBe('The other till payment is $8.63 more than is left to pay; only cash gives change.');
    await model.takeCard(null);
    expect(model.notice.value?.text).toMatch(/declined/);
    await model.takeGiftCard('GC-TST-1001', 600);
    expect(model.notice.value?.text).toMatch(/holds only \$5\.00/);
    expect(model.tenders.value).toEqual([]);
  });

  it('charges the terminal only for what the sale can take, reverses a charge whose payment is removed, and will not park a sale with payments on it', async () => {
    const calls: string[] = [];
    const twin = simulatedTerminal();
    const spy: PaymentTerminal = {
      charge: (amount, currency) => (calls.push(`charge ${amount}`), twin.charge(amount, currency)),
      reverse: (terminalRef) => (calls.push('reverse'), twin.reverse(terminalRef)),
    };
    const { model, products } = await till('split-terminal', 0, { terminal: spy });
    await model.scanOrSearch(products[0]!.barcode); // 2.15
    await model.takeCard(5_000);
    expect(model.notice.value?.text).toMatch(/more than is left to pay/);
    await model.takeCard(100);
    await model.park('Ana');
    expect(model.notice.value?.text).toMatch(/remove them before parking/);
    await model.removeTender(model.tenders.value[0]!.id);
    expect(calls).toEqual(['charge 100', 'reverse']);
    expect(model.tenders.value).toEqual([]);
  });

  it('keeps a card charged before a restart on the sale when the app stopped before its cart was kept, and Complete or a reversal closes it', async () => {
    const first = await till('open-charges', 0);
    await first.model.scanOrSearch(first.products[1]!.barcode); // 11.37
    await first.model.takeCard(500);
    const [charged] = first.model.tenders.value;
    expect(await openCharges(first.db)).toEqual([charged!.record]);
    await first.model.kept();
    // The app stopped between the charge and keeping the cart: the terminal's approval is all there is.
    await first.db.cartDrafts.clear();

    const restarted = restart(first.db);
    await restarted.kept();
    expect(restarted.tenders.value.map((tender) => tender.record)).toEqual([charged!.record]);
    expect(restarted.notice.value?.text).toMatch(/A card payment charged before the app restarted is on this sale/);
    await restarted.voidSale();
    expect(restarted.notice.value?.text).toMatch(/remove that payment first/);
    await restarted.scanOrSearch(first.products[1]!.barcode);
    await restarted.completeCashSale();
    const [sale] = await first.db.sales.toArray();
    expect(sale?.tenders[0]).toEqual(charged!.record);
    expect(await openCharges(first.db)).toEqual([]);
  });

  it('marks a charge the terminal cannot reverse as unconfirmed, never drops it; the slip decides: kept on the sale, or released by a manager and journaled', async () => {
    const first = await till('unconfirmed-charge', 0);
    await first.model.scanOrSearch(first.products[1]!.barcode); // 11.37
    await first.model.takeCard(500);
    const [charged] = first.model.tenders.value;
    await first.model.kept();

    // After a restart the terminal has no record of the charge (it settled its batch, or lost its memory).
    const forgetful = restart(first.db, undefined, simulatedTerminal());
    await forgetful.kept();
    await forgetful.removeTender(forgetful.tenders.value[0]!.id);
    expect(forgetful.tenders.value.map((tender) => tender.unconfirmed)).toEqual([`the terminal has no open charge ${charged!.record.kind === 'card' ? charged!.record.terminalRef : ''}`]);
    expect(forgetful.notice.value?.text).toMatch(/Check the terminal’s slip/);
    // Unconfirmed, it survives another reload as it is.
    await forgetful.kept();
    const again = restart(first.db, undefined, simulatedTerminal());
    await again.kept();
    expect(again.tenders.value[0]?.unconfirmed).toMatch(/no open charge/);

    // The slip shows no charge: a manager releases it; the event names the charge and the manager, and the sale goes on without it.
    await again.releaseCharge(again.tenders.value[0]!.id, { id: 'manager-1', name: 'Max' });
    expect(again.tenders.value).toEqual([]);
    expect(await openCharges(first.db)).toEqual([]);
    const [released] = await first.db.journal.toArray();
    expect(released).toMatchObject({ type: 'payment.released', staffId: 'staff-1', payload: { charge: charged!.record, reason: 'no_charge_on_slip', approvedBy: 'manager-1', currency: 'USD' } });
    // A card of the same amount is charged again, and the sale completes with it alone.
    await again.takeCard(500);
    expect(again.tenders.value).toHaveLength(1);
    await again.completeCashSale();
    expect((await first.db.sales.toArray())[0]?.tenders.filter((tender) => tender.kind === 'card')).toHaveLength(1);
  });

  it('keeps a charge the slip shows on the sale once confirmed, and completes with it', async () => {
    const { db, model, products } = await till('confirmed-charge', 0, { terminal: { charge: simulatedTerminal().charge, reverse: async () => ({ reversed: false, reason: 'the terminal did not answer' }) } });
    await model.scanOrSearch(products[1]!.barcode); // 11.37
    await model.takeCard(500);
    await model.removeTender(model.tenders.value[0]!.id);
    expect(model.tenders.value[0]?.unconfirmed).toBe('the terminal did not answer');
    await model.confirmCharge(model.tenders.value[0]!.id);
    expect(model.tenders.value[0]).toMatchObject({ confirmed: true });
    expect(model.tenders.value[0]?.unconfirmed).toBeUndefined();
    // Confirmed, ✕ no longer asks the terminal: it says who can take it off.
    await model.removeTender(model.tenders.value[0]!.id);
    expect(model.notice.value?.text).toMatch(/have a manager release it/);
    await model.completeCashSale();
    expect((await db.sales.toArray())[0]?.tenders[0]).toMatchObject({ kind: 'card', amount: 500 });
  });

  it('voids the sale being rung up: the cart and its payments go, and nothing is journaled', async () => {
    const { db, model, products } = await till('void-before-complete', 0);
    await model.scanOrSearch(products[0]!.barcode);
    await model.takeOtherTill('TILL-2-0001', 100);
    await model.voidSale();
    expect(model.lines.value).toEqual([]);
    expect(model.tenders.value).toEqual([]);
    expect(model.notice.value?.text).toBe('Sale voided. Nothing was charged.');
    expect(await db.journal.count()).toBe(0);
  });

  it('keys a card from the terminal slip, and refuses a card number in any field of it', async () => {
    const { db, model, products } = await till('split-slip', 0);
    await model.scanOrSearch(products[0]!.barcode);
    await model.takeCardSlip({ amount: null, brand: 'Visa', last4: '4242', approvalCode: '4111111111111111', terminalRef: 'T1' });
    expect(model.notice.value?.text).toMatch(/card number/);
    await model.takeCardSlip({ amount: null, brand: 'Visa', last4: '4242', approvalCode: 'A12345', terminalRef: 'T1-889' });
    await model.completeCashSale();
    expect((await db.sales.toArray())[0]?.tenders).toEqual([{ kind: 'card', amount: 215, brand: 'Visa', last4: '4242', approvalCode: 'A12345', terminalRef: 'T1-889', offline: false }]);
  });

  it('rounds the cash part to the store’s smallest coin', async () => {
    const { db, model, products } = await till('split-coin', 0, { store: { ...store, cashCoin: 5 } });
    await model.scanOrSearch(products[0]!.barcode); // 2.15
    await model.takeCard(100); // 1.15 left, cash pays 1.15 exactly
    await model.scanOrSearch(products[0]!.barcode); // 4.31, 3.31 left: cash pays 3.30
    await model.completeCashSale();
    const [sale] = await db.sales.toArray();
    expect(sale?.total).toBe(431);
    expect(sale?.cashRounding).toBe(-1);
    expect(sale?.tenders.at(-1)).toEqual({ kind: 'cash', amount: 330, tendered: 330, change: 0 });
  });

  it('pays from a credit slip held by no customer (a refund without one) whoever the sale is for: the slip is the bearer’s', async () => {
    const { db, model, products } = await till('split-bearer-slip', 0);
    await db.storedValues.bulkPut([{ ...credit, id: 'SC-BEARERSLIP', customerId: null }]);
    await model.scanOrSearch(products[0]!.barcode);
    await model.takeStoreCredit('SC-BEARERSLIP', 100);
    expect(model.tenders.value.map(({ record }) => [record.kind, record.amount])).toEqual([['store_credit', 100]]);
  });

  it('pays from the attached customer’s store credit, names the customer, and takes the credit off when the customer changes', async () => {
    const { db, model, products } = await till('split-credit', 0);
    await db.storedValues.bulkPut([credit]);
    await model.scanOrSearch(products[0]!.barcode);
    await model.takeStoreCredit('SC-TST-2001', null);
    expect(model.notice.value?.text).toMatch(/Attach the customer/);
    model.attachCustomer({ id: 'cust-1', name: 'Ana Lopez' });
    await model.takeStoreCredit('SC-TST-2001', 100);
    model.attachCustomer({ id: 'cust-2', name: 'Sam Weber' });
    expect(model.tenders.value).toEqual([]);
    model.attachCustomer({ id: 'cust-1', name: 'Ana Lopez' });
    await model.takeStoreCredit('SC-TST-2001', 100);
    await model.completeCashSale();
    const [sale] = await db.sales.toArray();
    expect(sale?.customer).toEqual({ id: 'cust-1', name: 'Ana Lopez' });
    expect(sale?.tenders.map((tender) => [tender.kind, tender.amount])).toEqual([
      ['store_credit', 100],
      ['cash', 115],
    ]);
  });

  it('needs the serial number of a serialized product, one unit per line, and records serials and notes on the lines', async () => {
    const { db, model, products } = await till('line-serials', 0);
    await model.scanOrSearch(products[2]!.barcode);
    await model.scanOrSearch(products[2]!.barcode);
    expect(model.notice.value?.text).toMatch(/one per sale/);
    await model.scanOrSearch(products[0]!.barcode);
    await model.completeCashSale();
    expect(model.notice.value?.text).toMatch(/serial number of Earbuds/);
    expect(await db.sales.count()).toBe(0);
    model.setLineDetail('SKU-3', { serial: 'SN-77A-0042' });
    model.setLineDetail('SKU-1', { note: 'gift wrap' });
    await model.completeCashSale();
    const [sale] = await db.sales.toArray();
    expect(sale?.lines.map(({ sku, serial, note }) => ({ sku, serial, note }))).toEqual([
      { sku: 'SKU-3', serial: 'SN-77A-0042', note: undefined },
      { sku: 'SKU-1', serial: undefined, note: 'gift wrap' },
    ]);
  });
});

describe('a price override', () => {
  it('is a manager’s amount off the line, the difference to the new price on every unit, named as a price override on the sale', async () => {
    const { db, model, products } = await till('price-override', 0);
    await model.scanOrSearch(products[1]!.barcode);
    await model.changeQuantity('SKU-2', 1); // 2 × 10.50
    const amount = priceOverrideAmount({ unitPrice: 1_050, quantity: 2 }, 900);
    expect(amount).toBe(300);
    expect(priceOverrideAmount({ unitPrice: 1_050, quantity: 2 }, 1_100)).toBeNull();
    await model.addManagerDiscount({ sku: 'SKU-2', amount: amount!, reason: `${PRICE_OVERRIDE}matches the flyer`, approvedBy: { id: 'mgr-1', name: 'Maria' } });
    await model.completeCashSale();
    const [sale] = await db.sales.toArray();
    expect(sale?.discounts).toEqual([{ source: { type: 'manual', manualId: expect.any(String), reason: 'Price override: matches the flyer', approvedBy: 'mgr-1' }, label: 'Price override: matches the flyer', amount: 300 }]);
    expect(sale?.subtotal).toBe(2_100);
  });
});

describe('the offline policy at the till', () => {
  const policy = { maxOfflineHours: 24, cardPerSale: 1_000, cardPerDevice: 1_500, tendersOffline: ['cash', 'card', 'gift_card'] as ('cash' | 'card' | 'gift_card')[], storedValuePerCard: 300 };
  const offlineStore: StoreRecord = { ...store, offlinePolicy: policy };

  it('takes a card offline as store-and-forward within the floor limit, and will not charge one over it', async () => {
    const { db, model, products } = await till('offline-card', 0, { online: false, lastSyncAt: NOW - HOUR, store: offlineStore });
    await model.scanOrSearch(products[0]!.barcode); // 2.15
    await model.takeCard(null);
    await model.completeCashSale();
    expect((await db.sales.toArray())[0]?.tenders[0]).toMatchObject({ kind: 'card', offline: true, amount: 215 });

    await model.scanOrSearch(products[1]!.barcode); // 11.37: over the 10.00 per sale
    await model.takeCard(null);
    expect(model.tenders.value).toEqual([]);
    expect(model.notice.value?.text).toMatch(/^Offline limit reached: card offline \$11\.37 of \$10\.00 per sale\. Take less by card, or ask a manager/);
    await model.takeCard(1_000);
    await model.completeCashSale();
    expect((await db.sales.toArray())[1]?.tenders.map((tender) => [tender.kind, tender.amount])).toEqual([
      ['card', 1_000],
      ['cash', 137],
    ]);
  });

  it('counts the card this till took offline and has not sent toward its per-device limit; an override lets the card be charged and names the manager on the sale', async () => {
    const { db, model, products } = await till('offline-device', 0, { online: false, lastSyncAt: NOW - HOUR, store: { ...store, offlinePolicy: { ...policy, cardPerSale: 2_000, cardPerDevice: 2_000 } } });
    await model.scanOrSearch(products[1]!.barcode); // 11.37
    await model.takeCard(null);
    await model.completeCashSale();
    await model.scanOrSearch(products[1]!.barcode);
    await model.takeCard(null);
    expect(await db.sales.count()).toBe(1);
    expect(model.tenders.value).toEqual([]);
    expect(model.limitsReached.value).toEqual([{ key: 'card_device', limit: 'card offline on this till $22.74 of $20.00' }]);
    model.overrideLimits({ id: 'mgr-1', name: 'Maria' });
    await model.takeCard(null);
    await model.completeCashSale();
    const sales = await db.sales.toArray();
    expect(sales).toHaveLength(2);
    expect(sales[1]?.overrides).toEqual([{ kind: 'offline_limit', limit: 'card offline on this till $22.74 of $20.00', approvedBy: 'mgr-1' }]);
  });

  it('asks again when more is charged past a limit than the manager approved', async () => {
    const { db, model, products } = await till('offline-override-amount', 0, { online: false, lastSyncAt: NOW - HOUR, store: offlineStore });
    await model.scanOrSearch(products[1]!.barcode); // 11.37
    await model.takeCard(1_100);
    model.overrideLimits({ id: 'mgr-1', name: 'Maria' });
    await model.takeCard(1_137);
    expect(model.limitsReached.value).toEqual([{ key: 'card_sale', limit: 'card offline $11.37 of $10.00 per sale' }]);
    await model.takeCard(1_100);
    await model.completeCashSale();
    expect((await db.sales.toArray())[0]?.overrides).toEqual([{ kind: 'offline_limit', limit: 'card offline $11.00 of $10.00 per sale', approvedBy: 'mgr-1' }]);
  });

  it('spends a gift card offline only up to its offline limit, and refuses a tender the store does not take offline', async () => {
    const { db, model, products } = await till('offline-stored-value', 0, { online: false, lastSyncAt: NOW - HOUR, store: offlineStore });
    await db.storedValues.bulkPut([{ id: 'GC-TST-1001', kind: 'gift_card', last4: '1001', customerId: null, currency: 'USD', balance: 5_000 }]);
    await model.scanOrSearch(products[1]!.barcode); // 11.37
    await model.takeGiftCard('GC-TST-1001', 400);
    expect(model.notice.value?.text).toMatch(/^Offline limit reached: GC-TST-1001 offline \$4\.00 of \$3\.00\. Take less/);
    expect(model.tenders.value).toEqual([]);
    // All that is left, offline, is what the card may still spend offline.
    await model.takeGiftCard('GC-TST-1001', null);
    expect(model.tenders.value.map(({ record }) => record.amount)).toEqual([300]);
    await model.takeOtherTill('TILL-2', 100);
    await model.completeCashSale();
    expect(await db.sales.count()).toBe(0);
    expect(model.limitsReached.value).toEqual([{ key: 'tender:other_till', limit: 'other till is not taken offline at this store' }]);
  });

  it('says a till offline past the policy’s hours before the sale, and a manager’s override is recorded on it', async () => {
    const { db, model, products } = await till('offline-hours', 0, { online: false, lastSyncAt: NOW - 30 * HOUR, store: offlineStore });
    expect(model.offline.value).toEqual({ hours: 30, pastLimit: true });
    await model.scanOrSearch(products[0]!.barcode);
    await model.completeCashSale();
    expect(model.notice.value?.text).toMatch(/offline 30 h, longer than the 24 h allowed/);
    model.overrideLimits({ id: 'mgr-1', name: 'Maria' });
    await model.completeCashSale();
    expect((await db.sales.toArray())[0]?.overrides).toEqual([{ kind: 'offline_limit', limit: 'offline 30 h, longer than the 24 h allowed', approvedBy: 'mgr-1' }]);
  });

  it('applies no offline limit while online', async () => {
    const { db, model, products } = await till('online-no-limits', 0, { online: true, lastSyncAt: NOW - 30 * HOUR, store: offlineStore });
    await model.scanOrSearch(products[1]!.barcode);
    await model.takeCard(null);
    await model.completeCashSale();
    expect((await db.sales.toArray())[0]?.tenders[0]).toMatchObject({ kind: 'card', offline: false, amount: 1_137 });
  });
});

describe('the cart in progress', () => {
  const giftCard: StoredValueRecord = { id: 'GC-TST-2002', kind: 'gift_card', last4: '2002', customerId: null, currency: 'USD', balance: 300 };

  it('comes back after a reload for the same associate as it was: lines, quantities, notes, coupons, customer, discounts and payments taken', async () => {
    const { db, model, products } = await till('draft-reload', 0);
    await db.storedValues.bulkPut([giftCard]);
    await model.scanOrSearch(products[0]!.barcode);
    await model.scanOrSearch(products[1]!.barcode);
    await model.changeQuantity(products[0]!.sku, 2);
    model.setLineDetail(products[1]!.sku, { note: 'gift wrap' });
    await model.addCoupon('NOSUCHCODE');
    model.attachCustomer({ id: 'customer-1', name: 'Ines' });
    await model.addManagerDiscount({ sku: products[1]!.sku, percent: 10, reason: 'scuffed box', approvedBy: { id: 'manager-1', name: 'Max' } });
    await model.setStaffPurchase(true);
    await model.takeGiftCard('GC-TST-2002', 200);
    await model.takeOtherTill('TILL-2-0009', 100);
    const before = { lines: model.lines.value, total: model.totals.value?.total, tenders: model.tenders.value.map((tender) => tender.record) };
    await model.kept();

    const reloaded = restart(db);
    await reloaded.kept();
    expect(reloaded.lines.value).toEqual(before.lines);
    expect(reloaded.lines.value.map((line) => line.quantity)).toEqual([3, 1]);
    expect(reloaded.totals.value?.total).toBe(before.total);
    expect(reloaded.lineDetails.value.get(products[1]!.sku)).toEqual({ note: 'gift wrap' });
    expect(reloaded.coupons.value).toEqual(['NOSUCHCODE']);
    expect(reloaded.customer.value).toEqual({ id: 'customer-1', name: 'Ines' });
    expect(reloaded.staffPurchase.value).toBe(true);
    expect(reloaded.managerDiscounts.value.map(({ id: _id, ...discount }) => discount)).toEqual([{ sku: products[1]!.sku, percent: 10, reason: 'scuffed box', approvedBy: { id: 'manager-1', name: 'Max' } }]);
    expect(reloaded.tenders.value.map((tender) => tender.record)).toEqual(before.tenders);
    expect(reloaded.notice.value?.text).toMatch(/The sale you were ringing up is back/);
    // Nothing of it is a sale until Complete.
    expect(await db.journal.count()).toBe(0);
    await reloaded.completeCashSale();
    expect((await db.sales.toArray()).map((sale) => sale.total)).toEqual([before.total]);
  });

  it('belongs to the associate who rang it up: another signing in on the same till starts empty, and the first gets theirs back', async () => {
    const { db, model, products } = await till('draft-per-staff', 0);
    await model.scanOrSearch(products[0]!.barcode);
    await model.kept();

    const other = restart(db, { id: 'staff-2', name: 'Bo' });
    await other.kept();
    expect(other.lines.value).toEqual([]);
    await other.scanOrSearch(products[1]!.barcode);
    await other.kept();

    const back = restart(db);
    await back.kept();
    expect(back.lines.value.map((line) => line.sku)).toEqual([products[0]!.sku]);
  });

  it('is gone once the sale is completed, voided or parked, even when Complete is tapped while the last scan is still being kept', async () => {
    const { db, model, products } = await till('draft-gone', 0);
    await model.scanOrSearch(products[0]!.barcode);
    void model.scanOrSearch(products[1]!.barcode);
    await model.completeCashSale();
    await model.kept();
    expect(await db.sales.count()).toBe(1);
    expect(await db.cartDrafts.count()).toBe(0);
    const afterSale = restart(db);
    await afterSale.kept();
    expect(afterSale.lines.value).toEqual([]);

    await model.scanOrSearch(products[0]!.barcode);
    await model.voidSale();
    await model.kept();
    expect(await db.cartDrafts.count()).toBe(0);

    await model.scanOrSearch(products[1]!.barcode);
    await model.park('Mrs Lee');
    await model.kept();
    expect(await db.cartDrafts.count()).toBe(0);
    const reloaded = restart(db);
    await reloaded.kept();
    expect(reloaded.lines.value).toEqual([]);
  });
});
