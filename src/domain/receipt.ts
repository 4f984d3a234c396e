import { formatMoney, type Minor } from './money.ts';
import type { SaleCompletedPayload } from './sale.ts';
import type { TenderRecord } from './tender.ts';

/**
 * A sale's receipt as data: what the till shows, the customer's digital
 * receipt page shows, and a receipt printer prints (`receiptText`). Every
 * amount is the sale's own, never recomputed, so the receipt says what the
 * customer paid. Dates are formatted in the store's time zone and locale,
 * which is why the store comes in; nothing here reads the clock.
 */
export type ReceiptStore = { name: string; currency: string; locale: string; timezone: string; address?: readonly string[] };

export type ReceiptAmount = { label: string; amount: Minor };

export type ReceiptLine = {
  quantity: number;
  name: string;
  unitPrice: Minor;
  /** quantity × unit price, before discounts */
  lineTotal: Minor;
  serial: string | null;
  note: string | null;
  /** this line's share of each item promotion or manager discount on it */
  discounts: ReceiptAmount[];
};

export type ReceiptModel = {
  currency: string;
  locale: string;
  storeName: string;
  address: readonly string[];
  receiptNumber: string;
  /** when the sale completed, in the store's time zone and locale */
  completedAt: string;
  servedBy: string | null;
  customer: string | null;
  lines: ReceiptLine[];
  subtotal: Minor;
  /** discounts on the whole sale or on several lines at once (spend thresholds, staff, a basket coupon, a manager's on the sale), each once */
  basketDiscounts: ReceiptAmount[];
  /** every discount together, as a positive amount: "you saved" */
  savings: Minor;
  taxIncluded: boolean;
  /** one row per authority and rate; the label says "incl." in a store whose prices include tax */
  taxRows: (ReceiptAmount & { base: Minor })[];
  taxExemption: ReceiptAmount | null;
  tax: Minor;
  total: Minor;
  cashRounding: Minor;
  /** what each tender paid; cash shows what was handed over */
  tenders: ReceiptAmount[];
  change: Minor;
  /** the digital receipt: the QR code holds `url`; the receipt number is printed under it for returns */
  digitalReceiptUrl: string;
};

/** Promotion kinds that apply to the whole basket rather than to items (promotion.ts BasketPromotion). */
const BASKET_KINDS = new Set(['tiered_spend', 'staff']);

/** The receipt of a sale. `origin` is where the digital receipt is served ("https://till.example.com"). */
export function receiptModel(sale: SaleCompletedPayload, store: ReceiptStore, people: { servedBy: string | null; origin: string }): ReceiptModel {
  const basketScoped = new Set(sale.pricing.manualDiscounts.filter((discount) => discount.scope === 'basket').map((discount) => discount.id));
  const linesTouched = sale.discounts.map(() => 0);
  for (const line of sale.lines) for (const share of line.discounts) if (share.amount > 0) linesTouched[share.discount] = (linesTouched[share.discount] ?? 0) + 1;
  // Shown once in the totals rather than as a share under each of several lines: "10 % off your basket" read under every line says less.
  const isBasket = sale.discounts.map(
    ({ source }, index) => (source.type === 'promotion' ? BASKET_KINDS.has(source.kind) : basketScoped.has(source.manualId)) || linesTouched[index]! > 1,
  );
  const completedAt = new Intl.DateTimeFormat(store.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: store.timezone }).format(sale.completedAt);
  return {
    currency: sale.currency,
    locale: store.locale,
    storeName: store.name,
    address: store.address ?? [],
    receiptNumber: sale.receiptNumber,
    completedAt,
    servedBy: people.servedBy,
    customer: sale.customer?.name ?? null,
    lines: sale.lines.map((line) => ({
      quantity: line.quantity,
      name: line.name,
      unitPrice: line.unitPrice,
      lineTotal: line.lineTotal,
      serial: line.serial ?? null,
      note: line.note ?? null,
      discounts: line.discounts
        .filter((share) => !isBasket[share.discount] && share.amount > 0)
        .map((share) => ({ label: sale.discounts[share.discount]?.label ?? 'Discount', amount: -share.amount })),
    })),
    subtotal: sale.subtotal,
    basketDiscounts: sale.discounts.filter((_, index) => isBasket[index]).map((discount) => ({ label: discount.label, amount: -discount.amount })),
    savings: sale.discountTotal,
    taxIncluded: sale.taxIncluded,
    taxRows: sale.taxBreakdown.map((row) => ({ label: `${sale.taxIncluded ? 'incl. ' : ''}${row.label}`, base: row.base, amount: row.tax })),
    taxExemption: sale.pricing.taxExemption ? { label: `Tax exempt, certificate ${sale.pricing.taxExemption.certificate}`, amount: -sale.pricing.taxExemption.exemptedTax } : null,
    tax: sale.tax,
    total: sale.total,
    cashRounding: sale.cashRounding,
    tenders: sale.tenders.map((tender) => ({ label: tenderLabel(tender), amount: tender.kind === 'cash' ? tender.tendered : tender.amount })),
    change: sale.tenders.reduce((sum, tender) => sum + (tender.kind === 'cash' ? tender.change : 0), 0),
    digitalReceiptUrl: digitalReceiptUrl(people.origin, sale.receiptToken),
  };
}

/** The digital receipt's link, which the QR code on the paper holds: the server's page for the sale's token. */
export function digitalReceiptUrl(origin: string, receiptToken: string): string {
  return `${origin}/r/${receiptToken}`;
}

/** How a receipt names a tender: never more of a card than its brand and last four digits. */
export function tenderLabel(tender: TenderRecord): string {
  switch (tender.kind) {
    case 'cash':
      return 'Cash';
    case 'card':
      return `${tender.brand} •••• ${tender.last4}${tender.offline ? ' (offline)' : ''} auth ${tender.approvalCode}`;
    case 'gift_card':
      return `Gift card •••• ${tender.last4}`;
    case 'store_credit':
      return 'Store credit';
    case 'other_till':
      return `Paid at another till (${tender.reference})`;
    case 'exchange':
      return 'Exchange credit';
  }
}

/** Receipt paper: 80 mm rolls print 48 columns in the printer's standard font, 58 mm rolls 32. */
export type ReceiptColumns = 48 | 32;

/** Display width in columns: one per code point (receipt printers' code pages have no wide characters). */
const width = (text: string) => [...text].length;

/** Words of `text` in lines of at most `columns`; a word longer than a line is cut. */
function wrapText(text: string, columns: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = [...word];
    while (rest.length > columns) {
      if (current) lines.push(current);
      lines.push(rest.slice(0, columns).join(''));
      rest = rest.slice(columns);
      current = '';
    }
    const piece = rest.join('');
    if (!piece) continue;
    if (!current) current = piece;
    else if (width(current) + 1 + width(piece) <= columns) current += ` ${piece}`;
    else {
      lines.push(current);
      current = piece;
    }
  }
  if (current) lines.push(current);
  return lines.length > 0 ? lines : [''];
}

/**
 * A label on the left and an amount on the right; a long label wraps, its
 * continuation lines indented two more so the next row's start stands out,
 * and the amount ends its last line.
 */
function amountRow(label: string, amount: string, columns: number, indent = 0): string[] {
  const hang = 2;
  const room = Math.max(1, columns - indent - hang - width(amount) - 1);
  const wrapped = wrapText(label, room).map((line, index) => ' '.repeat(index === 0 ? indent : indent + hang) + line);
  const last = wrapped.pop()!;
  // An amount too wide to share the line with any label (none is, at 32 columns) goes on its own line.
  if (width(last) + 1 + width(amount) > columns) return [...wrapped, last, ' '.repeat(Math.max(0, columns - width(amount))) + amount];
  return [...wrapped, last + ' '.repeat(columns - width(last) - width(amount)) + amount];
}

const centre = (text: string, columns: number) => wrapText(text, columns).map((line) => ' '.repeat(Math.floor((columns - width(line)) / 2)) + line);

/**
 * The receipt as plain text lines for a receipt printer of `columns` columns,
 * every line at most that wide. The QR code of `digitalReceiptUrl` is not text:
 * a printer driver prints it (ESC/POS has a command for it) where the line
 * "[QR]" stands, and the receipt number under it.
 */
export function receiptText(model: ReceiptModel, columns: ReceiptColumns): string[] {
  const money = (amount: Minor) => formatMoney(amount, model.currency, model.locale);
  const rule = '-'.repeat(columns);
  const out: string[] = [...centre(model.storeName, columns), ...model.address.flatMap((line) => centre(line, columns)), ''];
  out.push(...wrapText(`Receipt ${model.receiptNumber}`, columns), ...wrapText(model.completedAt, columns));
  if (model.servedBy) out.push(...wrapText(`Served by ${model.servedBy}`, columns));
  if (model.customer) out.push(...wrapText(`Customer: ${model.customer}`, columns));
  out.push(rule);
  for (const line of model.lines) {
    out.push(...amountRow(`${line.quantity} × ${line.name}`, money(line.lineTotal), columns));
    if (line.quantity > 1) out.push(...wrapText(`${line.quantity} @ ${money(line.unitPrice)}`, columns - 2).map((text) => `  ${text}`));
    if (line.serial) out.push(...wrapText(`Serial ${line.serial}`, columns - 2).map((text) => `  ${text}`));
    if (line.note) out.push(...wrapText(`Note: ${line.note}`, columns - 2).map((text) => `  ${text}`));
    for (const discount of line.discounts) out.push(...amountRow(discount.label, money(discount.amount), columns, 2));
  }
  out.push(rule, ...amountRow('Subtotal', money(model.subtotal), columns));
  for (const discount of model.basketDiscounts) out.push(...amountRow(discount.label, money(discount.amount), columns));
  for (const row of model.taxRows) out.push(...amountRow(`${row.label} on ${money(row.base)}`, money(row.amount), columns));
  if (model.taxExemption) out.push(...amountRow(model.taxExemption.label, money(model.taxExemption.amount), columns));
  out.push(...amountRow(model.taxIncluded ? 'Tax included' : 'Tax', money(model.tax), columns));
  out.push(...amountRow('TOTAL', money(model.total), columns));
  if (model.cashRounding !== 0) out.push(...amountRow('Cash rounding', money(model.cashRounding), columns));
  for (const tender of model.tenders) out.push(...amountRow(tender.label, money(tender.amount), columns));
  out.push(...amountRow('Change', money(model.change), columns));
  if (model.savings > 0) out.push('', ...amountRow('You saved', money(model.savings), columns));
  out.push(rule, ...centre('Scan for your digital receipt; bring it or this receipt for returns.', columns), '[QR]', ...centre(model.receiptNumber, columns));
  return out;
}
