import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPromotionBook, priceSale, type Promotion } from '../../src/domain/pricing/index.ts';
import { completedSalePayload, type PricingRecord, type SaleCompletedPayload } from '../../src/domain/sale.ts';
import type { TenderRecord } from '../../src/domain/tender.ts';
import { formatMoney } from '../../src/domain/money.ts';
import { receiptModel, receiptText, type ReceiptModel } from '../../src/domain/receipt.ts';
import { generateDemoRetailer } from '../../src/server/demo/demo-retailer.ts';
import type { StoreRecord } from '../../src/protocol/entities.ts';

const retailer = generateDemoRetailer({ seed: 7, productCount: 40 });
const austin = retailer.stores.find((s) => s.store.id === 'store-us-austin')!;
const berlin = retailer.stores.find((s) => s.store.id === 'store-de-berlin')!;
const AT = Date.UTC(2026, 10, 22, 15, 30);
const TOKEN = '0123456789abcdef0123456789abcdef';

const promotion = (fields: Partial<Promotion> & Pick<Promotion, 'id' | 'name'> & Record<string, unknown>): Promotion =>
  ({ revision: 1, validFrom: 0, validTo: null, stores: null, priority: 1, stacking: 'combinable', coupon: null, ...fields }) as Promotion;

/** A sale of the first `count` products (quantities 1, 2, 3, …) in `demo`'s store, priced by the till's engine. */
function sale(
  demo: typeof austin,
  options: { count?: number; promotions?: Promotion[]; manualDiscounts?: PricingRecord['manualDiscounts']; staffPurchase?: boolean; tenders?: (total: number) => TenderRecord[]; names?: string[] } = {},
): SaleCompletedPayload {
  const products = retailer.products.slice(0, options.count ?? 3);
  const lines = products.map((product, index) => ({
    sku: product.sku,
    name: options.names?.[index] ?? product.name,
    quantity: index + 1,
    unitPrice: demo.prices.get(product.sku)!,
    category: product.category,
    taxCategory: product.taxCategory,
    priceVersion: 1,
  }));
  const manualDiscounts = options.manualDiscounts ?? [];
  const totals = priceSale(lines, createPromotionBook(options.promotions ?? [], demo.store.id), demo.store.taxConfig, {
    at: AT,
    staffPurchase: options.staffPurchase ?? false,
    manualDiscounts,
  });
  const tenders = options.tenders?.(totals.total) ?? [{ kind: 'cash', amount: totals.total, tendered: totals.total + 1_000, change: 1_000 }];
  return completedSalePayload({
    saleId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    receiptNumber: 'AUS-8F3A-000042',
    currency: demo.store.currency,
    totals,
    pricing: { at: AT, staffPurchase: options.staffPurchase ?? false, manualDiscounts },
    tenders,
    cashRounding: 0,
    customer: { id: 'cust-1', name: 'Ada Lovelace' },
    receiptToken: TOKEN,
    overrides: [],
    completedAt: AT,
  });
}

const model = (payload: SaleCompletedPayload, store: StoreRecord = austin.store) => receiptModel(payload, store, { servedBy: 'Sam Rivera', origin: 'https://till.example.com' });

describe('receipt model', () => {
  it('heads the receipt with the store, its number, the time in the store’s zone and who served', () => {
    const receipt = model(sale(austin), { ...austin.store, address: ['500 Congress Ave', 'Austin, TX 78701'] });
    expect(receipt).toMatchObject({ storeName: austin.store.name, address: ['500 Congress Ave', 'Austin, TX 78701'], receiptNumber: 'AUS-8F3A-000042', servedBy: 'Sam Rivera', customer: 'Ada Lovelace' });
    // 15:30 UTC is 9:30 in Austin (CST, UTC−6) in November.
    expect(receipt.completedAt).toMatch(/9:30\sAM/);
    expect(model(sale(berlin), berlin.store).completedAt).toMatch(/16:30/);
  });

  it('links the digital receipt by the sale’s token', () => {
    expect(model(sale(austin)).digitalReceiptUrl).toBe(`https://till.example.com/r/${TOKEN}`);
  });

  it('shows item promotions under their line and basket discounts once in the totals, adding up to what the customer saved', () => {
    const first = retailer.products[0]!;
    const payload = sale(austin, {
      promotions: [
        promotion({ id: 'p-item', name: 'Ten off the first', kind: 'percent_off', target: { skus: [first.sku], categories: [] }, percent: 10 }),
        promotion({ id: 'p-staff', name: 'Staff discount', kind: 'staff', target: null, percent: 20 }),
      ],
      staffPurchase: true,
      manualDiscounts: [{ id: 'm1', scope: 'basket', amount: 100, reason: 'Damaged box', approvedBy: 'mgr-1' }],
    });
    const receipt = model(payload);
    expect(receipt.lines[0]!.discounts.map((d) => d.label)).toEqual(['Ten off the first']);
    expect(receipt.lines.slice(1).every((line) => line.discounts.length === 0)).toBe(true);
    expect(receipt.basketDiscounts.map((d) => d.label)).toEqual(expect.arrayContaining(['Staff discount', 'Manager discount: Damaged box']));
    const shown = [...receipt.lines.flatMap((line) => line.discounts), ...receipt.basketDiscounts].reduce((sum, d) => sum + d.amount, 0);
    expect(-shown).toBe(payload.discountTotal);
    expect(receipt.savings).toBe(payload.discountTotal);
  });

  it('names each tax rate; an inclusive store’s rows say "incl."', () => {
    expect(model(sale(austin)).taxRows.map((row) => row.label)).toEqual(['Texas 6.25 %', 'City of Austin 1 %', 'Capital Metro 1 %']);
    expect(model(sale(berlin), berlin.store).taxRows.every((row) => row.label.startsWith('incl. '))).toBe(true);
  });

  it('names a card by brand, last four and approval code, and never more of it', () => {
    const payload = sale(austin, {
      tenders: (total) => [
        { kind: 'card', amount: total - 500, brand: 'Visa', last4: '4242', approvalCode: 'A1B2C3', terminalRef: 'T-77-0001', offline: false },
        { kind: 'gift_card', amount: 300, accountId: 'gc-123', last4: '9876', offline: false },
        { kind: 'store_credit', amount: 200, accountId: 'sc-1', offline: false },
      ],
    });
    const receipt = model(payload);
    expect(receipt.tenders.map((t) => t.label)).toEqual(['Visa •••• 4242 auth A1B2C3', 'Gift card •••• 9876', 'Store credit']);
    expect(receipt.change).toBe(0);
    expect(JSON.stringify(receipt)).not.toContain('T-77-0001');
  });
});

/** Amount on the right of a text line, read back in the store's format. */
const amountOn = (lines: string[], label: string, receipt: ReceiptModel) => {
  const line = lines.find((text) => text.startsWith(label));
  if (!line) throw new Error(`no line "${label}" in\n${lines.join('\n')}`);
  return line.slice(label.length).trim();
};

describe('receipt text', () => {
  for (const columns of [32, 48] as const) {
    it(`fits every line in ${columns} columns, and prints the sale’s own totals`, () => {
      const payload = sale(austin, {
        count: 5,
        names: ['An extraordinarily long product name that runs well past any receipt width whatsoever', 'Supercalifragilisticexpialidocious-brand-espresso-machine-deluxe'],
        manualDiscounts: [{ id: 'm1', scope: 'basket', percent: 5, reason: 'Loyal customer with a long story about the shop', approvedBy: 'mgr-1' }],
      });
      const receipt = model(payload);
      const lines = receiptText(receipt, columns);
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
      const money = (amount: number) => formatMoney(amount, payload.currency, austin.store.locale);
      expect(amountOn(lines, 'TOTAL', receipt)).toBe(money(payload.total));
      expect(amountOn(lines, 'Subtotal', receipt)).toBe(money(payload.subtotal));
      expect(amountOn(lines, 'Tax', receipt)).toBe(money(payload.tax));
      expect(amountOn(lines, 'Change', receipt)).toBe(money(1_000));
      expect(lines).toContain('[QR]');
      expect(lines.at(-1)!.trim()).toBe('AUS-8F3A-000042');
    });
  }

  it('fits any names, notes and serials in both widths', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 3 }), fc.string({ minLength: 1, maxLength: 200 }), fc.constantFrom(32 as const, 48 as const), (names, note, columns) => {
        const payload = sale(austin, { count: names.length, names });
        payload.lines[0] = { ...payload.lines[0]!, note, serial: 'SN-12345/AB' };
        for (const line of receiptText(model(payload), columns)) expect([...line].length).toBeLessThanOrEqual(columns);
      }),
      { numRuns: 60 },
    );
  });
});
