import { formatMoney, type Minor } from '../../domain/money.ts';
import type { ReceiptAmount, ReceiptModel } from '../../domain/receipt.ts';

/**
 * The customer's digital receipt as one small HTML page for a phone: no app
 * bundle, no script, styles inline. It shows what the customer needs — store,
 * time, lines, discounts, tax, total, how it was paid, what happened to the sale
 * since — and not who served them or the customer's own name, since a link can
 * be forwarded. Every text from a sale or a store goes through `escapeHtml`.
 */

/** Something that happened to the sale after it was made: a return, a void. */
export type ReceiptFollowUp = { label: string; at: string; amount: Minor | null };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#eef1f4;color:#16202b;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:28rem;margin:0 auto;background:#fff;padding:1.25rem 1rem 2rem;min-height:100vh}
h1{font-size:1.25rem;margin:0 0 .25rem;text-align:center}
.centre{text-align:center;margin:.1rem 0;color:#4b5866}
.number{font-size:1.1rem;color:#16202b;margin-top:.5rem}
table{width:100%;border-collapse:collapse;margin:1rem 0}
td{padding:.35rem 0;vertical-align:top;border-top:1px solid #e2e6ea}
td.amount,dd{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.sub{font-size:.875rem;color:#4b5866}
.saving{color:#1d6b35}
dl{display:grid;grid-template-columns:1fr auto;row-gap:.2rem;margin:0}
dd{padding-left:1rem}
.row{display:flex;justify-content:space-between;gap:.75rem}
dt,dd{margin:0}
.total{font-weight:700;font-size:1.2rem;border-top:2px solid #16202b;padding-top:.35rem;margin-top:.25rem}
h2{font-size:1rem;margin:1.25rem 0 .5rem}
footer{margin-top:1.5rem;font-size:.875rem;color:#4b5866;text-align:center}
`;

function page(title: string, lang: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function receiptPageHtml(receipt: ReceiptModel, followUps: readonly ReceiptFollowUp[]): string {
  const money = (amount: Minor) => escapeHtml(formatMoney(amount, receipt.currency, receipt.locale));
  const row = ({ label, amount }: ReceiptAmount, cls = '') => `<dt${cls ? ` class="${cls}"` : ''}>${escapeHtml(label)}</dt><dd${cls ? ` class="${cls}"` : ''}>${money(amount)}</dd>`;
  const lines = receipt.lines
    .map((line) => {
      const details = [
        line.quantity > 1 ? `${line.quantity} @ ${money(line.unitPrice)}` : '',
        line.serial ? `Serial ${escapeHtml(line.serial)}` : '',
        line.note ? escapeHtml(line.note) : '',
        ...line.discounts.map((discount) => `<span class="saving row"><span>${escapeHtml(discount.label)}</span><span>${money(discount.amount)}</span></span>`),
      ].filter(Boolean);
      return `<tr><td>${line.quantity} × ${escapeHtml(line.name)}${details.map((detail) => `<div class="sub">${detail}</div>`).join('')}</td><td class="amount">${money(line.lineTotal)}</td></tr>`;
    })
    .join('\n');
  const totals = [
    row({ label: 'Subtotal', amount: receipt.subtotal }),
    ...receipt.basketDiscounts.map((discount) => row(discount, 'saving')),
    ...receipt.taxRows.map((tax) => row({ label: `${tax.label} on ${formatMoney(tax.base, receipt.currency, receipt.locale)}`, amount: tax.amount }, 'sub')),
    receipt.taxExemption ? row(receipt.taxExemption, 'sub') : '',
    row({ label: receipt.taxIncluded ? 'Tax included' : 'Tax', amount: receipt.tax }),
    `<dt class="total">Total</dt><dd class="total" data-testid="total">${money(receipt.total)}</dd>`,
    receipt.cashRounding !== 0 ? row({ label: 'Cash rounding', amount: receipt.cashRounding }, 'sub') : '',
    ...receipt.tenders.map((tender) => row(tender)),
    receipt.change > 0 ? row({ label: 'Change', amount: receipt.change }) : '',
    receipt.savings > 0 ? row({ label: 'You saved', amount: receipt.savings }, 'saving') : '',
  ].join('\n');
  const history =
    followUps.length === 0
      ? ''
      : `<h2>Since then</h2><dl>${followUps.map((event) => `<dt>${escapeHtml(event.label)}<div class="sub">${escapeHtml(event.at)}</div></dt><dd>${event.amount === null ? '' : money(event.amount)}</dd>`).join('')}</dl>`;
  const body = `<header>
<h1>${escapeHtml(receipt.storeName)}</h1>
${receipt.address.map((line) => `<p class="centre">${escapeHtml(line)}</p>`).join('')}
<p class="centre">${escapeHtml(receipt.completedAt)}</p>
<p class="centre number">Receipt <strong data-testid="receipt-number">${escapeHtml(receipt.receiptNumber)}</strong></p>
</header>
<table aria-label="Items">
${lines}
</table>
<dl aria-label="Totals">
${totals}
</dl>
${history}
<footer>For a return or exchange, show this page or the receipt number.</footer>`;
  return page(`Receipt ${receipt.receiptNumber} — ${receipt.storeName}`, receipt.locale, body);
}

export function receiptUnavailableHtml(): string {
  return page('Receipt unavailable', 'en', `<h1>Receipt unavailable</h1>\n<p class="centre">The receipt cannot be shown just now. Please try again in a minute.</p>`);
}

export function receiptNotFoundHtml(): string {
  return page(
    'Receipt not found',
    'en',
    `<h1>Receipt not found</h1>
<p class="centre">This link does not lead to a receipt. Check that it was copied whole; a receipt can take a few minutes to appear after a sale made while the store was offline.</p>`,
  );
}
