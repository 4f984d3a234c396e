import { Component, Fragment } from 'preact';
import { MAX_LINE_QUANTITY, type CartLine } from '../../domain/cart-line.ts';
import { formatMoney, type Minor } from '../../domain/money.ts';
import { Money } from '../components/money.tsx';
import type { CheckoutModel } from './checkout-model.ts';
import { LazyView, preload } from '../components/lazy-view.tsx';
import { ScanField } from './scan-field.tsx';
import { StockLevel } from '../components/stock-level.tsx';
import { ParkedSales } from './parked-sales.tsx';
import { useEffect, useState } from 'preact/hooks';
import type { DiscountTarget } from './discount-dialog.tsx';
import type { PaymentKind } from './payment-dialog.tsx';
import { AttachedCustomer, CustomerPanel } from './customer-panel.tsx';
import type { TakenTender } from './checkout-model.ts';
import { isScannedBarcode } from '../sale/cart.ts';
import { UnconfirmedCharge } from './unconfirmed-charge.tsx';

const loadReceiptView = () => import('./receipt-view.tsx');
/** Runs `work` once the next frame is painted: a task after the frame's requestAnimationFrame. */
const afterNextPaint = (work: () => void) => requestAnimationFrame(() => setTimeout(work, 0));
/** Work for when the till has nothing else to do (Safari has no requestIdleCallback). */
const whenIdle = (work: () => void): number => (typeof requestIdleCallback === 'function' ? requestIdleCallback(work, { timeout: 1_000 }) : window.setTimeout(work, 100));
const cancelIdle = (id: number) => (typeof cancelIdleCallback === 'function' ? cancelIdleCallback(id) : clearTimeout(id));
const loadDiscountDialog = () => import('./discount-dialog.tsx');
const loadPaymentDialog = () => import('./payment-dialog.tsx');
const loadOverrideDialog = () => import('./offline-override-dialog.tsx');

export function CheckoutScreen({ model, deviceId }: { model: CheckoutModel; deviceId: string }) {
  const { store } = model;
  const lines = model.lines.value;
  const totals = model.totals.value;
  const notice = model.notice.value;
  // Which discount a manager is asked to approve, if any.
  const [discounting, setDiscounting] = useState<DiscountTarget | null>(null);
  // Which payment the associate is taking, if any.
  const [paying, setPaying] = useState<PaymentKind | null>(null);
  const [overriding, setOverriding] = useState(false);
  const taken = model.tenders.value;
  // A menu of the sale's actions (customer, staff purchase) opens over the cart's lines on a tablet: a tap anywhere else shuts it, as a menu does.
  // The receipt shows in the frame after Complete: its module is loaded, and the QR code of the next sale's receipt link
  // drawn, while the sale is rung up, not when it completes.
  useEffect(() => {
    preload(loadReceiptView);
    let waiting: number | undefined;
    const unsubscribe = model.nextReceiptToken.subscribe((token) => {
      if (waiting !== undefined) cancelIdle(waiting);
      waiting = whenIdle(() => {
        waiting = undefined;
        void loadReceiptView().then(({ drawReceiptQrAhead }) => drawReceiptQrAhead(token));
      });
    });
    return () => {
      unsubscribe();
      if (waiting !== undefined) cancelIdle(waiting);
    };
  }, [model]);
  useEffect(() => {
    const closeMenus = (event: PointerEvent) => {
      for (const menu of document.querySelectorAll<HTMLDetailsElement>('details.tool-menu[open]')) {
        if (!(event.target instanceof Node && menu.contains(event.target))) menu.open = false;
      }
    };
    document.addEventListener('pointerdown', closeMenus);
    return () => document.removeEventListener('pointerdown', closeMenus);
  }, []);
  return (
    <div class="checkout">
      <h1 class="visually-hidden">Checkout</h1>
      <section class="cart" aria-label="Cart">
        <OfflinePolicyLine model={model} />
        <ScanField onSubmit={(text) => void model.scanOrSearch(text)} />
        {notice && (
          <p class={`notice ${notice.tone}`} role="alert">
            {notice.text}
          </p>
        )}
        {model.searchResults.value.length > 0 && (
          <ul class="search-results" aria-label="Search results">
            {model.searchResults.value.map((product) => (
              <li key={product.sku}>
                <button type="button" onClick={() => void model.addProduct(product)}>
                  <span>
                    {product.name}
                    <span class="result-detail">
                      <span class="muted">{product.sku}</span> <StockLevel db={model.db} sku={product.sku} />
                    </span>
                  </span>
                  <Money amount={product.price} store={store} />
                </button>
              </li>
            ))}
          </ul>
        )}
        {lines.length === 0 ? (
          <p class="empty-cart">Scan an item to start a sale.</p>
        ) : (
          // On a tablet the lines scroll here, inside the cart, and nothing else on the screen moves.
          <div class="cart-lines">
            <table class="lines">
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">Qty</th>
                  <th scope="col" class="num unit-price">
                    Price
                  </th>
                  <th scope="col" class="num">
                    Total
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">Note, discount, remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line, index) => {
                  // Totals may be a moment behind the lines while the worker prices them.
                  const priced = totals?.lines[index]?.sku === line.sku && totals.lines[index]!.quantity === line.quantity ? totals.lines[index]! : null;
                  const shares = (priced?.discounts ?? []).map((share) => ({ label: totals!.discounts[share.discount]!.label, amount: share.amount }));
                  return (
                    <CartRow
                      key={line.sku}
                      line={line}
                      net={priced?.net ?? null}
                      shares={shares}
                      detail={model.lineDetails.value.get(line.sku)}
                      needsSerial={model.needsSerial(line.sku)}
                      model={model}
                      onDiscount={setDiscounting}
                    />
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {/* Under the cart, not under the tender: on a tablet every one of these is on the screen with Complete, however long the sale. */}
      <section class="sale-tools" aria-label="Sale actions">
        <CouponForm model={model} />
        <CustomerPanel model={model} />
        <ManagerDiscounts model={model} onDiscount={setDiscounting} />
        <SaleOptions model={model} />
        <ParkedSales model={model} deviceId={deviceId} />
      </section>

      <aside class="summary" aria-label="Sale summary">
        <AttachedCustomer model={model} />
        <Totals model={model} />

        <form
          class="tender"
          onSubmit={(event) => {
            event.preventDefault();
            void model.completeCashSale().then(() => {
              // Sale done: the cash field lets go, so the next scan lands in the scan field; once the receipt is
              // painted (a focus change makes the browser bring the page's styles up to date at once).
              if (model.receipt.value) afterNextPaint(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
            });
          }}
        >
          {taken.length > 0 && <TakenTenders model={model} taken={taken} />}
          <label>
            Cash received
            <input
              inputMode="decimal"
              autoComplete="off"
              placeholder={totals ? formatMoney(taken.length > 0 ? model.remainingDue.value : totals.total, store.currency, store.locale) : ''}
              value={model.cashText.value}
              onInput={(event) => (model.cashText.value = event.currentTarget.value)}
            />
          </label>
          <p class="change" aria-live="polite">
            {model.changeDue.value !== null ? (
              <>
                Change due <Money amount={model.changeDue.value} store={store} />
              </>
            ) : model.cashText.value && model.cashTendered.value === null ? (
              'Type an amount like 20 or 20.50'
            ) : (
              ' '
            )}
          </p>
          <div class="pay-other" role="group" aria-label="Other payments">
            {(['card', 'gift_card', 'store_credit', 'other_till'] as const).map((kind) => (
              <button
                key={kind}
                type="button"
                disabled={!totals || model.remainingDue.value === 0}
                onClick={() => {
                  // The dialog shows this payment's refusals; one left from before would read as this one's.
                  model.notice.value = null;
                  setPaying(kind);
                }}
              >
                {PAYMENT_LABELS[kind]}
              </button>
            ))}
          </div>
          {model.limitsReached.value.length > 0 && (
            <button type="button" class="warning-button" onClick={() => setOverriding(true)}>
              Manager override of the offline limit…
            </button>
          )}
          <button type="submit" class="primary big" disabled={!totals || model.completing.value}>
            {taken.length > 0 ? 'Complete sale' : 'Complete cash sale'}
          </button>
        </form>
      </aside>
      {paying && (
        <LazyView
          load={loadPaymentDialog}
          render={({ PaymentDialog }) => (
            <PaymentDialog
              model={model}
              kind={paying}
              onClose={() => setPaying(null)}
              onOverride={() => {
                // The override dialog takes the screen; the associate takes the payment again after it.
                setPaying(null);
                setOverriding(true);
              }}
            />
          )}
        />
      )}
      {overriding && <LazyView load={loadOverrideDialog} render={({ OfflineOverrideDialog }) => <OfflineOverrideDialog model={model} onClose={() => setOverriding(false)} />} />}
      {discounting && <LazyView load={loadDiscountDialog} render={({ DiscountDialog }) => <DiscountDialog model={model} target={discounting} onClose={() => setDiscounting(null)} />} />}
      {model.receipt.value && (
        <LazyView load={loadReceiptView} render={({ ReceiptView }) => <ReceiptView sale={model.receipt.value!} store={store} onClose={model.startNewSale} />} />
      )}
    </div>
  );
}

/**
 * Subtotal, the sale's discounts and taxes, and the total. Subtotal and Total
 * always show; the rows between them give up height first (and scroll in
 * their own box) when a sale has many, so Complete stays on a tablet's screen.
 */
function Totals({ model }: { model: CheckoutModel }) {
  const { store } = model;
  const totals = model.totals.value;
  const breakdown = (totals?.discounts.length ?? 0) + (totals?.taxBreakdown.length ?? 0) + (totals?.taxExemption ? 1 : 0);
  return (
    <div class="totals-block">
      <dl class="totals">
        <dt>Subtotal</dt>
        <dd data-testid="subtotal">
          <Money amount={totals?.subtotal ?? 0} store={store} />
        </dd>
      </dl>
      {breakdown > 0 && (
        // Focusable, so a keyboard can scroll it when it holds more than it shows.
        <div class="totals-breakdown" role="group" aria-label="Discounts and taxes" tabIndex={0}>
          <dl class="totals">
            {(totals?.discounts ?? []).map((discount, index) => (
              <Fragment key={index}>
                <dt class="discount">{discount.label}</dt>
                <dd class="discount">
                  <Money amount={-discount.amount} store={store} />
                </dd>
              </Fragment>
            ))}
            {(totals?.taxBreakdown ?? []).map((row) => (
              <Fragment key={`${row.jurisdiction} ${row.rate}`}>
                <dt class="muted">
                  {totals?.taxIncluded ? 'incl. ' : ''}
                  {row.label}
                </dt>
                <dd class="muted">
                  <Money amount={row.tax} store={store} />
                </dd>
              </Fragment>
            ))}
            {totals?.taxExemption && (
              <>
                <dt class="muted">Tax exempt ({totals.taxExemption.certificate})</dt>
                <dd class="muted">
                  <Money amount={-totals.taxExemption.exemptedTax} store={store} />
                </dd>
              </>
            )}
          </dl>
        </div>
      )}
      <dl class="totals">
        <dt>{totals?.taxIncluded ? 'Tax included' : 'Tax'}</dt>
        <dd data-testid="tax">
          <Money amount={totals?.tax ?? 0} store={store} />
        </dd>
        <dt class="grand">Total</dt>
        {/* data-units: the units these totals priced; it changes with every scan even when a promotion leaves the total as it was */}
        <dd class="grand" aria-label="Total due" data-testid="total" data-units={totals ? totals.lines.reduce((units, line) => units + line.quantity, 0) : 0}>
          <Money amount={totals?.total ?? 0} store={store} />
        </dd>
      </dl>
    </div>
  );
}

const PAYMENT_LABELS = { card: 'Card', gift_card: 'Gift card', store_credit: 'Store credit', other_till: 'Other till' } as const;

/** What a taken payment is, in the words the receipt uses. */
function tenderLabel({ record }: TakenTender): string {
  switch (record.kind) {
    case 'card':
      return `${record.brand} •••• ${record.last4}${record.offline ? ' (offline)' : ''}`;
    case 'gift_card':
      return `Gift card •••• ${record.last4}`;
    case 'store_credit':
      return `Store credit ${record.accountId}`;
    case 'other_till':
      return `Other till ${record.reference}`;
  }
}

/** The payments taken so far, each removable before Complete, and what is left for cash. */
function TakenTenders({ model, taken }: { model: CheckoutModel; taken: TakenTender[] }) {
  const { store } = model;
  return (
    <>
      <ul class="tenders" aria-label="Payments taken">
        {taken.map((tender) => (
          <li key={tender.id}>
            <span>{tenderLabel(tender)}</span>
            <Money amount={tender.record.amount} store={store} />
            <button type="button" class="remove" aria-label={`Remove payment ${tenderLabel(tender)}`} onClick={() => void model.removeTender(tender.id)}>
              ✕
            </button>
            <UnconfirmedCharge model={model} tender={tender} />
          </li>
        ))}
      </ul>
      <p class="left-to-pay" data-testid="left-to-pay">
        Left to pay <Money amount={model.remainingDue.value} store={store} />
      </p>
    </>
  );
}

/**
 * Offline, the store's policy in one line, so staff know the limits before
 * they reach one; and a till offline past its hours says so before the sale.
 */
function OfflinePolicyLine({ model }: { model: CheckoutModel }) {
  const offline = model.offline.value;
  if (!offline) return null;
  const { policy, store } = model;
  const money = (amount: Minor) => formatMoney(amount, store.currency, store.locale);
  if (offline.pastLimit) {
    return (
      <p class="notice error" role="alert">
        This till has been offline {offline.hours} h, longer than the {policy.maxOfflineHours} h the store allows. A sale needs a manager’s override until it reaches the server.
      </p>
    );
  }
  return (
    <p class="notice policy">
      Offline{offline.hours > 0 ? ` ${offline.hours} h of ${policy.maxOfflineHours} h` : ''}: cards up to {money(policy.cardPerSale)} a sale and {money(policy.cardPerDevice)} on this till; gift cards and store credit up to {money(policy.storedValuePerCard)} each.
    </p>
  );
}

/** Coupon codes for this sale: typed or scanned, checked against the synced promotions, offline too. */
function CouponForm({ model }: { model: CheckoutModel }) {
  const outcomes = model.totals.value?.coupons ?? [];
  return (
    <>
      <form
        class="coupon"
        onSubmit={(event) => {
          event.preventDefault();
          const input = event.currentTarget.elements.namedItem('coupon') as HTMLInputElement;
          void model.addCoupon(input.value);
          input.value = '';
          // Done with the code: the scan field takes the focus back for the next item.
          input.blur();
        }}
      >
        <label for="coupon-code">Coupon</label>
        <input id="coupon-code" name="coupon" autoComplete="off" autoCapitalize="characters" placeholder="Code" />
        <button type="submit">Apply</button>
      </form>
      {model.coupons.value.length > 0 && (
        <ul class="coupons" aria-label="Coupons entered">
          {model.coupons.value.map((code) => {
            const status = outcomes.find((outcome) => outcome.code === code)?.status;
            return (
              <li key={code} class={status === 'applied' ? 'applied' : 'pending'}>
                {code}
                <span class="muted">{status === 'applied' ? ' applied' : status === 'no_effect' ? ' not used' : status ? ' not valid' : ''}</span>
                <button type="button" class="remove" aria-label={`Remove coupon ${code}`} onClick={() => void model.removeCoupon(code)}>
                  ✕
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

/** The manager's discounts on this sale, each removable; and the way to ask for one on the whole sale. */
function ManagerDiscounts({ model, onDiscount }: { model: CheckoutModel; onDiscount: (target: DiscountTarget) => void }) {
  const discounts = model.managerDiscounts.value;
  const hasCart = model.lines.value.length > 0;
  if (!hasCart && discounts.length === 0) return null;
  return (
    <>
      {hasCart && (
        <button type="button" class="tool" onClick={() => onDiscount('basket')}>
          Discount the sale…
        </button>
      )}
      {discounts.length > 0 && (
        <ul class="coupons" aria-label="Manager discounts">
          {discounts.map((discount) => (
            <li key={discount.id} class="applied">
              {discount.percent !== undefined ? `${discount.percent} %` : <Money amount={discount.amount!} store={model.store} />} off{' '}
              {discount.sku === 'basket' ? 'the sale' : model.lines.value.find((line) => line.sku === discount.sku)?.name}: {discount.reason}
              <span class="muted"> ({discount.approvedBy.name})</span>
              <button type="button" class="remove" aria-label={`Remove discount: ${discount.reason}`} onClick={() => void model.removeManagerDiscount(discount.id)}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * Who is buying, where it changes the price: a member of staff, or a customer
 * exempt from tax. The toggle says which applies, so the panel can stay shut
 * (on a tablet it opens over the cart's lines).
 */
function SaleOptions({ model }: { model: CheckoutModel }) {
  const certificate = model.taxExemptCertificate.value;
  const staff = model.staffPurchase.value;
  const applied = [staff && 'Staff purchase', certificate !== null && 'Tax exempt'].filter(Boolean).join(', ');
  return (
    <details class={applied ? 'tool-menu applied' : 'tool-menu'}>
      <summary>{applied || 'Staff / tax exempt'}</summary>
      <div class="tool-panel">
        <label class="check">
          <input type="checkbox" checked={staff} onChange={(event) => void model.setStaffPurchase(event.currentTarget.checked)} />
          Staff purchase
        </label>
        {certificate === null ? (
          <form
            class="coupon-entry"
            onSubmit={(event) => {
              event.preventDefault();
              const input = event.currentTarget.elements.namedItem('certificate') as HTMLInputElement;
              void model.setTaxExemption(input.value);
              input.blur();
            }}
          >
            <input name="certificate" aria-label="Tax-exemption certificate" autoComplete="off" placeholder="Exemption certificate no." />
            <button type="submit">Exempt</button>
          </form>
        ) : (
          <p class="exemption">
            Tax exempt, certificate <strong>{certificate}</strong>
            <button type="button" class="remove" aria-label="Remove tax exemption" onClick={() => void model.setTaxExemption(null)}>
              ✕
            </button>
          </p>
        )}
      </div>
    </details>
  );
}

type CartRowProps = {
  line: CartLine;
  net: Minor | null;
  shares: { label: string; amount: Minor }[];
  detail: { serial?: string; note?: string } | undefined;
  needsSerial: boolean;
  model: CheckoutModel;
  onDiscount: (target: DiscountTarget) => void;
};

/** What a row keeps for itself: a note being written, and a quantity being typed (null: not typing, the field shows the line's). */
type CartRowState = { noting: boolean; quantityDraft: string | null };

/**
 * One line of the cart. A scan changes one line, but every line's priced
 * figures arrive anew with the totals: a row renders again only when what it
 * shows changed, so a 50-line cart diffs one row per scan, not fifty.
 */
class CartRow extends Component<CartRowProps, CartRowState> {
  override state: CartRowState = { noting: false, quantityDraft: null };

  override shouldComponentUpdate(next: CartRowProps, nextState: CartRowState): boolean {
    if (nextState.noting !== this.state.noting || nextState.quantityDraft !== this.state.quantityDraft) return true;
    const { line, net, shares, detail, needsSerial } = this.props;
    return (
      next.line !== line ||
      next.net !== net ||
      next.detail !== detail ||
      next.needsSerial !== needsSerial ||
      next.shares.length !== shares.length ||
      next.shares.some((share, i) => share.label !== shares[i]!.label || share.amount !== shares[i]!.amount)
    );
  }

  /**
   * The typed quantity goes to the cart (which refuses what it must: a serial
   * product past one, a scarce one past its allotment) and the field shows the
   * line's quantity again. A barcode that landed here — the scanner fired while
   * the field had the focus — is a scan, not a quantity.
   */
  private commitQuantity(text: string) {
    const { line, model } = this.props;
    this.setState({ quantityDraft: null });
    const typed = text.trim();
    if (typed === '' || typed === String(line.quantity)) return;
    if (isScannedBarcode(typed)) {
      void model.scanOrSearch(typed);
      return;
    }
    const quantity = Number(typed);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
      model.notice.value = { tone: 'error', text: `A quantity is a whole number from 1 to ${MAX_LINE_QUANTITY}; ✕ takes ${line.name} off the sale.` };
      return;
    }
    void model.setQuantity(line.sku, quantity);
  }

  override render({ line, net, shares, detail, needsSerial, model, onDiscount }: CartRowProps, { quantityDraft }: CartRowState) {
    const { store } = model;
    const lineTotal = line.unitPrice * line.quantity;
    return (
      <tr>
        <td>
          {line.name}
          <div class="muted">
            {line.sku}
            {/* Where the price column gives way (a narrow tablet, a phone), the unit price shows here. */}
            <span class="unit-price-inline">
              {' '}
              · <Money amount={line.unitPrice} store={store} /> each
            </span>
          </div>
          {shares.length > 0 && (
            <ul class="line-discounts">
              {shares.map((share, i) => (
                <li class="line-discount" key={i}>
                  {share.label} <Money amount={-share.amount} store={store} />
                </li>
              ))}
            </ul>
          )}
          {needsSerial && (
            <input
              class={detail?.serial ? 'line-detail' : 'line-detail missing'}
              aria-label={`Serial number of ${line.name}`}
              autoComplete="off"
              placeholder="Serial number (required)"
              value={detail?.serial ?? ''}
              onChange={(event) => model.setLineDetail(line.sku, { serial: event.currentTarget.value })}
            />
          )}
          {detail?.note !== undefined || this.state.noting ? (
            <input
              class="line-detail"
              aria-label={`Note on ${line.name}`}
              autoComplete="off"
              maxLength={200}
              placeholder="Note"
              value={detail?.note ?? ''}
              onChange={(event) => model.setLineDetail(line.sku, { note: event.currentTarget.value })}
            />
          ) : null}
        </td>
        <td class="qty">
          <span class="stepper">
            <button type="button" aria-label={`One fewer ${line.name}`} disabled={line.quantity <= 1} onClick={() => void model.changeQuantity(line.sku, -1)}>
              −
            </button>
            {/* Typed, it commits on Enter or as the field is left; Escape puts the line's quantity back. Either way the scan field has the focus after. */}
            <input
              class="qty-input"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_LINE_QUANTITY}
              step={1}
              autoComplete="off"
              aria-label={`Quantity of ${line.name}`}
              value={quantityDraft ?? String(line.quantity)}
              onFocus={(event) => event.currentTarget.select()}
              onInput={(event) => this.setState({ quantityDraft: event.currentTarget.value })}
              onBlur={(event) => this.commitQuantity(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') {
                  event.preventDefault();
                  event.currentTarget.blur();
                } else if (event.key === 'Escape') {
                  event.currentTarget.value = String(line.quantity);
                  event.currentTarget.blur();
                }
              }}
            />
            <button type="button" aria-label={`One more ${line.name}`} onClick={() => void model.changeQuantity(line.sku, 1)}>
              +
            </button>
          </span>
        </td>
        <td class="num unit-price">
          <Money amount={line.unitPrice} store={store} />
        </td>
        <td class="num">
          <Money amount={lineTotal} store={store} />
          {net !== null && net !== lineTotal && (
            <div class="line-discount">
              <Money amount={net} store={store} />
            </div>
          )}
        </td>
        <td class="row-actions">
          <button type="button" class="remove neutral" aria-label={`Note on ${line.name}`} title="Note" onClick={() => this.setState({ noting: true })}>
            ✎
          </button>
          <button type="button" class="remove neutral" aria-label={`Discount ${line.name}`} title="Discount or price override (manager)" onClick={() => onDiscount({ sku: line.sku, name: line.name, unitPrice: line.unitPrice, quantity: line.quantity })}>
            %
          </button>
          <button type="button" class="remove" aria-label={`Remove ${line.name}`} onClick={() => void model.removeLine(line.sku)}>
            ✕
          </button>
        </td>
      </tr>
    );
  }
}
