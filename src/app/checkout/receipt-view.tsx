import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LocalSale } from '../../local/local-sale.ts';
import { digitalReceiptUrl, receiptModel, type ReceiptAmount, type ReceiptModel } from '../../domain/receipt.ts';
import { encodeQr, qrSvgPath } from '../../domain/qr-code.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { Money } from '../components/money.tsx';

/** Receipt paper this device prints on: a device setting, since the printer is the device's. */
export type PaperWidth = 80 | 58;
const PAPER_KEY = 'storeside.receiptPaper';
const readPaperWidth = (): PaperWidth => (localStorage.getItem(PAPER_KEY) === '58' ? 58 : 80);
/** CSS pixels per millimetre (CSS fixes 96 px to the inch). */
const PX_PER_MM = 96 / 25.4;

/**
 * The receipt of the sale just completed: the paper as it prints, beside what
 * the associate needs (change, print, the digital receipt). Not modal, and it
 * does not take the focus: the scan field keeps it, so the next customer's
 * first scan closes the receipt and starts their sale instead of being lost.
 */
export function ReceiptView({ sale, store, onClose }: { sale: LocalSale; store: StoreRecord; onClose: () => void }) {
  const receipt = useMemo(() => receiptModel(sale, store, { servedBy: sale.staffName, origin: location.origin }), [sale, store]);
  const [paper, setPaper] = useState<PaperWidth>(readPaperWidth);
  const paperRef = useRef<HTMLElement>(null);
  const pageStyle = useRef<HTMLStyleElement>(null);
  // A roll has no page length: the page is as long as this receipt, so the printer cuts after it instead of feeding a blank A4.
  // Measured as it is printed (window.print() and the browser's own Print fire beforeprint), not as it is shown: measuring
  // forces a layout, and the receipt is to show in the frame after Complete.
  useEffect(() => {
    const sizePage = () => {
      if (!paperRef.current || !pageStyle.current) return;
      const lengthMm = Math.ceil(paperRef.current.getBoundingClientRect().height / PX_PER_MM) + 2;
      pageStyle.current.textContent = `@page { size: ${paper}mm ${lengthMm}mm; margin: 0; }`;
    };
    addEventListener('beforeprint', sizePage);
    return () => removeEventListener('beforeprint', sizePage);
  }, [paper]);
  const choosePaper = (width: PaperWidth) => {
    localStorage.setItem(PAPER_KEY, String(width));
    setPaper(width);
  };
  return (
    <div class="overlay">
      <style ref={pageStyle} />
      <div class="receipt sale-receipt" role="dialog" aria-labelledby="receipt-title">
        <div class="receipt-actions">
          <h2 id="receipt-title">Sale complete</h2>
          <p class="receipt-change">
            Change <Money amount={receipt.change} store={store} />
          </p>
          <button type="button" class="primary big" onClick={onClose}>
            New sale
          </button>
          <button type="button" onClick={() => window.print()}>
            Print receipt
          </button>
          <fieldset class="paper-width">
            <legend>Receipt paper</legend>
            {([80, 58] as const).map((width) => (
              <label key={width} class="check">
                <input type="radio" name="receipt-paper" checked={paper === width} onChange={() => choosePaper(width)} /> {width} mm
              </label>
            ))}
          </fieldset>
          <p>
            <a href={receipt.digitalReceiptUrl} target="_blank" rel="noreferrer">
              Digital receipt
            </a>
            <span class="muted"> — the customer scans the code on the receipt to keep it on their phone.</span>
          </p>
        </div>
        <ReceiptPaper receipt={receipt} store={store} width={paper} paperRef={paperRef} />
      </div>
    </div>
  );
}

/** The receipt as it prints: the only thing on the page in print (styles.css @media print). */
function ReceiptPaper({ receipt, store, width, paperRef }: { receipt: ReceiptModel; store: StoreRecord; width: PaperWidth; paperRef: { current: HTMLElement | null } }) {
  const row = ({ label, amount }: ReceiptAmount, cls?: string, testId?: string) => (
    <Fragment key={label}>
      <dt class={cls}>{label}</dt>
      <dd class={cls} data-testid={testId}>
        <Money amount={amount} store={store} />
      </dd>
    </Fragment>
  );
  return (
    <section class={`receipt-paper paper-${width}`} ref={paperRef} aria-label="Receipt">
      <header class="paper-head">
        <strong class="paper-store">{receipt.storeName}</strong>
        {receipt.address.map((line) => (
          <span key={line}>{line}</span>
        ))}
        <span>
          Receipt <strong data-testid="receipt-number">{receipt.receiptNumber}</strong>
        </span>
        <span>{receipt.completedAt}</span>
        {receipt.servedBy && <span>Served by {receipt.servedBy}</span>}
        {receipt.customer && <span>Customer: {receipt.customer}</span>}
      </header>
      <ul class="paper-lines">
        {receipt.lines.map((line, index) => (
          <li key={index}>
            <div class="paper-row">
              <span>
                {line.quantity} × {line.name}
              </span>
              <Money amount={line.lineTotal} store={store} />
            </div>
            {line.quantity > 1 && (
              <div class="paper-detail">
                {line.quantity} @ <Money amount={line.unitPrice} store={store} />
              </div>
            )}
            {line.serial && <div class="paper-detail">Serial {line.serial}</div>}
            {line.note && <div class="paper-detail">Note: {line.note}</div>}
            {line.discounts.map((discount, i) => (
              <div class="paper-row paper-detail line-discount" key={i}>
                <span>{discount.label}</span>
                <Money amount={discount.amount} store={store} />
              </div>
            ))}
          </li>
        ))}
      </ul>
      <dl class="paper-totals">
        {row({ label: 'Subtotal', amount: receipt.subtotal })}
        {receipt.basketDiscounts.map((discount) => row(discount, 'discount'))}
        {receipt.taxRows.map((tax) => (
          <Fragment key={tax.label}>
            <dt class="muted">
              {tax.label} on <Money amount={tax.base} store={store} />
            </dt>
            <dd class="muted">
              <Money amount={tax.amount} store={store} />
            </dd>
          </Fragment>
        ))}
        {receipt.taxExemption && row(receipt.taxExemption, 'muted')}
        {row({ label: receipt.taxIncluded ? 'Tax included' : 'Tax', amount: receipt.tax })}
        {row({ label: 'Total', amount: receipt.total }, 'grand', 'receipt-total')}
        {receipt.cashRounding !== 0 && row({ label: 'Cash rounding', amount: receipt.cashRounding }, 'muted')}
        {receipt.tenders.map((tender, index) => (
          <Fragment key={index}>{row(tender)}</Fragment>
        ))}
        {row({ label: 'Change', amount: receipt.change }, undefined, 'change')}
        {receipt.savings > 0 && row({ label: 'You saved', amount: receipt.savings }, 'discount', 'receipt-savings')}
      </dl>
      <footer class="paper-foot">
        <span>Scan for your digital receipt; bring it or this receipt for returns.</span>
        <QrCode text={receipt.digitalReceiptUrl} />
        <strong>{receipt.receiptNumber}</strong>
      </footer>
    </section>
  );
}

/**
 * QR codes drawn ahead, by the text they hold: the next sale's receipt link
 * (its token is drawn before the sale completes, complete-sale.ts), so the
 * receipt shows without drawing one. Choosing a QR code's mask scores all
 * eight: a few milliseconds, which the frame after Complete has no room for.
 */
const drawnAhead = new Map<string, ReturnType<typeof encodeQr>>();
const DRAWN_AHEAD_KEPT = 4;

/** Draws the QR code of the receipt link of `receiptToken` now (the checkout calls it while idle), for the receipt to show without drawing it. */
export function drawReceiptQrAhead(receiptToken: string): void {
  const text = digitalReceiptUrl(location.origin, receiptToken);
  if (drawnAhead.has(text)) return;
  drawnAhead.set(text, encodeQr(text));
  for (const old of drawnAhead.keys()) if (drawnAhead.size > DRAWN_AHEAD_KEPT) drawnAhead.delete(old);
}

/** A QR code as SVG; nothing when the text is too long for one (the receipt number below still serves returns). */
export function QrCode({ text }: { text: string }) {
  const matrix = useMemo(() => drawnAhead.get(text) ?? encodeQr(text), [text]);
  if ('error' in matrix) return null;
  const side = matrix.size + 8;
  return (
    <svg class="qr" viewBox={`0 0 ${side} ${side}`} role="img" aria-label="QR code of the digital receipt" shape-rendering="crispEdges">
      <rect width={side} height={side} fill="#fff" />
      <path d={qrSvgPath(matrix)} fill="#000" />
    </svg>
  );
}
