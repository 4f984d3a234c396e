import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createCheckoutModel } from '../../src/app/checkout/checkout-model.ts';
import type { PricingClient } from '../../src/app/pricing-client.ts';
import { withCheckDigit } from '../../src/domain/barcode.ts';
import { createPricingApi } from '../../src/workers/pricing-api.ts';
import { searchWords, StoresideDb } from '../../src/local/db.ts';
import { ownAllotments } from '../../src/local/allotments.ts';
import { cartsWaiting } from '../../src/local/parked-carts.ts';
import type { ProductRecord, StoreRecord } from '../../src/protocol/entities.ts';

const store: StoreRecord = {
  id: 'store-1',
  name: 'Test store',
  currency: 'USD',
  locale: 'en-US',
  timezone: 'America/Chicago',
  receiptPrefix: 'TST',
  cashCoin: 1,
  returnDays: 30,
  refundFallback: 'cash',
  taxConfig: {
    version: 1,
    mode: 'exclusive',
    rounding: 'half-up',
    level: 'line',
    categories: { standard: { label: 'Standard' } },
    jurisdictions: [{ id: 'tx', label: 'Sales tax', rates: { standard: 82_500 } }],
  },
};
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

async function till(name: string, delayMs: number) {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'device-abcd', storeId: store.id, role: 'tablet', token: 'x' });
  const products = [product(1, 199), product(2, 1_050)];
  await db.products.bulkPut(products.map((p) => ({ ...p, words: searchWords(p) })));
  await db.stock.bulkPut(products.map((p) => ({ sku: p.sku, onHand: 10, aisle: 'A1', bin: 'B1' })));
  const model = createCheckoutModel({ db, pricing: slowPricing(delayMs), store, staff: () => ({ id: 'staff-1', name: 'Ana', role: 'associate' }), onSaleCommitted: () => {} });
  return { db, model, products };
}

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
    expect(model.notice.value?.text).toMatch(/cannot be priced: tax category "luxury"/);
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
