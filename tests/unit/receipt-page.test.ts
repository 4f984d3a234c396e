import { describe, expect, it } from 'vitest';
import type { ReceiptModel } from '../../src/domain/receipt.ts';
import { escapeHtml, receiptNotFoundHtml, receiptPageHtml } from '../../src/server/receipt/receipt-html.ts';

const receipt: ReceiptModel = {
  currency: 'EUR',
  locale: 'de-DE',
  storeName: 'Berlin <Mitte>',
  address: ['Torstraße 1', '10119 Berlin'],
  receiptNumber: 'BER-AB12-000007',
  completedAt: '22.11.2026, 10:30',
  servedBy: 'Sam Rivera',
  customer: 'Ada Lovelace',
  lines: [{ quantity: 2, name: 'Tee "Grün" & Co', unitPrice: 450, lineTotal: 900, serial: null, note: 'Geschenk', discounts: [{ label: '10 % auf Tee', amount: -90 }] }],
  subtotal: 900,
  basketDiscounts: [],
  savings: 90,
  taxIncluded: true,
  taxRows: [{ label: 'incl. MwSt. 7 %', base: 810, amount: 53 }],
  taxExemption: null,
  tax: 53,
  total: 810,
  cashRounding: 0,
  tenders: [{ label: 'Visa •••• 4242 auth A1B2C3', amount: 810 }],
  change: 0,
  digitalReceiptUrl: 'https://till.example.com/r/0123456789abcdef0123456789abcdef',
};

describe('the digital receipt page', () => {
  it('shows the sale’s lines, tax, total and tenders in the store’s format, escaped', () => {
    const html = receiptPageHtml(receipt, []);
    expect(html).toContain('<html lang="de-DE">');
    expect(html).toContain('Berlin &lt;Mitte&gt;');
    expect(html).toContain('2 × Tee &quot;Grün&quot; &amp; Co');
    expect(html).toContain('8,10\u00a0€');
    expect(html).toContain('incl. MwSt. 7 % on 8,10\u00a0€');
    expect(html).toContain('Visa •••• 4242 auth A1B2C3');
    expect(html).not.toContain('Since then');
  });

  it('leaves out who served and the customer’s name: the link can be forwarded', () => {
    const html = receiptPageHtml(receipt, []);
    expect(html).not.toContain('Sam Rivera');
    expect(html).not.toContain('Ada Lovelace');
  });

  it('lists what happened to the sale since, escaped', () => {
    const html = receiptPageHtml(receipt, [{ label: 'Returned <1 item>', at: '23.11.2026, 09:00', amount: -450 }]);
    expect(html).toContain('Since then');
    expect(html).toContain('Returned &lt;1 item&gt;');
    expect(html).toContain('-4,50\u00a0€');
  });

  it('escapes every character HTML treats specially', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(receiptNotFoundHtml()).toContain('Receipt not found');
  });
});
