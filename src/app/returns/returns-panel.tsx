import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { cartLineFor } from '../../domain/cart-line.ts';
import { parseMoneyInput, type Minor } from '../../domain/money.ts';
import { createPromotionBook, priceSale, type Promotion } from '../../domain/pricing/index.ts';
import { isVoided, returnableSale, returnedUnits, refundedTenders, type SaleRecord } from '../../domain/sale-record.ts';
import { NOTHING_REFUNDED, refundTenders, returnFigures, withinReturnWindow, type RefundCompletedPayload, type RefundFallback } from '../../domain/sale-return.ts';
import type { SaleVoidedPayload } from '../../domain/sale-void.ts';
import type { StoresideDb } from '../../local/db.ts';
import { findSales, noReceiptPrice, type SaleQuery } from '../../local/find-sale.ts';
import { searchProducts } from '../../local/catalog.ts';
import { browserEnv } from '../../local/journal.ts';
import { commitReturn, commitVoid } from '../../local/returns.ts';
import { commitExchange, exchangeTendersOf, type ExchangeDraft } from '../../local/exchange.ts';
import { tillGate } from '../till/till-gate.ts';
import type { LocalSale } from '../../local/local-sale.ts';
import { exchangeBalance } from '../../domain/sale-return.ts';
import type { CartLine } from '../../domain/cart-line.ts';
import type { ProductRecord, StoreRecord } from '../../protocol/entities.ts';
import { ManagerApproval, type Approval } from '../approval/manager-approval.tsx';
import { Money } from '../components/money.tsx';
import { focusOnMount } from '../components/focus-on-mount.ts';

type Props = { db: StoresideDb; store: StoreRecord; staff: { id: string; name: string }; deviceId: string; onEvent: () => void; onClose: () => void };

type Done =
  | { kind: 'return'; refund: RefundCompletedPayload }
  | { kind: 'void'; voided: SaleVoidedPayload; record: SaleRecord }
  | { kind: 'exchange'; sale: LocalSale; refund: RefundCompletedPayload };

/**
 * Returns and post-voids at the till (issue 5): find the original sale
 * (scanned receipt code, receipt number, day and total, or customer — offline
 * too), pick the lines and units coming back, and refund to the sale's own
 * tenders by the pricing engine's allocation. A return without a receipt or
 * past the return window, and a void, need a manager's PIN.
 */
export function ReturnsPanel({ db, store, staff, deviceId, onEvent, onClose }: Props) {
  const [found, setFound] = useState<SaleRecord[] | null>(null);
  const [chosen, setChosen] = useState<SaleRecord | 'no-receipt' | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async (query: SaleQuery) => {
    const result = await findSales(db, deviceId, query);
    if ('error' in result) return setError(result.error);
    setError(null);
    setFound(result);
    if (result.length === 1 && query.kind === 'reference') setChosen(result[0]!);
  };
  const finished = (outcome: Done) => {
    setDone(outcome);
    onEvent();
  };
  return (
    <div class="overlay">
      <section class="receipt returns-panel" role="dialog" aria-labelledby="returns-title">
        <h2 id="returns-title">Return / exchange</h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {done ? (
          <RefundReceipt done={done} store={store} />
        ) : chosen === 'no-receipt' ? (
          <NoReceiptReturn db={db} store={store} staff={staff} onDone={(refund) => finished({ kind: 'return', refund })} onError={setError} />
        ) : chosen ? (
          <SaleReturn db={db} store={store} staff={staff} record={chosen} onDone={finished} onError={setError} onBack={() => setChosen(null)} />
        ) : (
          <>
            <FindSale currency={store.currency} onSearch={(query) => void search(query)} />
            {found && <FoundSales sales={found} store={store} onChoose={setChosen} />}
            <button type="button" class="link" onClick={() => setChosen('no-receipt')}>
              No receipt…
            </button>
          </>
        )}
        <button type="button" class={done ? 'primary big' : ''} onClick={onClose}>
          {done ? 'Done' : 'Close'}
        </button>
      </section>
    </div>
  );
}

function FindSale({ currency, onSearch }: { currency: string; onSearch: (query: SaleQuery) => void }) {
  const [reference, setReference] = useState('');
  const [day, setDay] = useState('');
  const [total, setTotal] = useState('');
  const [customer, setCustomer] = useState('');
  return (
    <div class="find-sale">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSearch({ kind: 'reference', text: reference });
        }}
      >
        <label for="receipt-lookup">Scan the receipt, or type its number</label>
        {/* A scanner types the code and presses Enter. */}
        <input id="receipt-lookup" class="scan-field" ref={focusOnMount} autoComplete="off" value={reference} onInput={(event) => setReference(event.currentTarget.value)} />
      </form>
      <form
        class="find-row"
        onSubmit={(event) => {
          event.preventDefault();
          const [y, m, d] = day.split('-').map(Number);
          if (!y || !m || !d) return;
          const amount = total.trim() === '' ? null : parseMoneyInput(total, currency);
          if (total.trim() !== '' && amount === null) return;
          onSearch({ kind: 'day', from: new Date(y, m - 1, d).getTime(), to: new Date(y, m - 1, d + 1).getTime(), total: amount });
        }}
      >
        <label>
          Day <input type="date" value={day} onInput={(event) => setDay(event.currentTarget.value)} />
        </label>
        <label>
          Total <input inputMode="decimal" value={total} onInput={(event) => setTotal(event.currentTarget.value)} />
        </label>
        <button type="submit">Find</button>
      </form>
      <form
        class="find-row"
        onSubmit={(event) => {
          event.preventDefault();
          onSearch({ kind: 'customer', text: customer });
        }}
      >
        <label>
          Customer <input value={customer} onInput={(event) => setCustomer(event.currentTarget.value)} />
        </label>
        <button type="submit">Find</button>
      </form>
    </div>
  );
}

function FoundSales({ sales, store, onChoose }: { sales: SaleRecord[]; store: StoreRecord; onChoose: (sale: SaleRecord) => void }) {
  if (sales.length === 0) return <p class="muted">No sale found on this till or in the store’s history.</p>;
  return (
    <ul class="search-results" aria-label="Sales found">
      {sales.map((sale) => (
        <li key={sale.id}>
          <button type="button" onClick={() => onChoose(sale)}>
            <span>
              {sale.receiptNumber}
              <span class="result-detail muted">
                {' '}
                {new Date(sale.completedAt).toLocaleString(store.locale)}
                {sale.customer ? ` · ${sale.customer.name}` : ''}
                {isVoided(sale) ? ' · voided' : ''}
              </span>
            </span>
            <Money amount={sale.total} store={store} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Letters only: a store credit account can never look like a card number. */
function newCreditAccount(): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `SC-${Array.from(browserEnv.randomBytes(12), (byte) => letters[byte % letters.length]).join('')}`;
}

function SaleReturn({
  db,
  store,
  staff,
  record,
  onDone,
  onError,
  onBack,
}: {
  db: StoresideDb;
  store: StoreRecord;
  staff: { id: string; name: string };
  record: SaleRecord;
  onDone: (done: Done) => void;
  onError: (error: string | null) => void;
  onBack: () => void;
}) {
  const returned = returnedUnits(record, record.returns);
  const [quantities, setQuantities] = useState<number[]>(record.lines.map(() => 0));
  const [reason, setReason] = useState('');
  const [toCredit, setToCredit] = useState(store.refundFallback === 'store_credit');
  const [approving, setApproving] = useState<'return' | 'void' | 'exchange' | null>(null);
  const [exchanging, setExchanging] = useState<Approval | null | false>(false);
  const [busy, setBusy] = useState(false);
  // One slip number per return: the one shown before the refund is the one the receipt and the server get.
  const [creditAccount] = useState(newCreditAccount);
  const inWindow = withinReturnWindow(record.completedAt, Date.now(), store.returnDays);
  const requests = quantities.flatMap((quantity, line) => (quantity > 0 ? [{ line, quantity }] : []));
  const figures = requests.length > 0 ? returnFigures(returnableSale(record), returned, requests) : null;
  const fallback: RefundFallback = toCredit ? { kind: 'store_credit', accountId: creditAccount } : { kind: 'cash' };
  const plan = figures && !('error' in figures) ? refundTenders(figures.total, record.tenders, refundedTenders(record.returns), fallback, store.cashCoin, record.cashRounding) : null;

  const refund = async (approval: Approval | null) => {
    if (!figures || 'error' in figures || !plan) return;
    if (await tillGate(db).refuses(plan.tenders, 'refund')) return;
    setBusy(true);
    try {
      const payload = await commitReturn(db, browserEnv, {
        sale: { record, returnedBefore: returned },
        figures,
        tenders: plan.tenders,
        cashRounding: plan.cashRounding,
        reason: reason.trim() || 'returned',
        approvedBy: approval?.id ?? null,
        staff,
        store,
      });
      onError(null);
      onDone({ kind: 'return', refund: payload });
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  const voidSale = async (approval: Approval) => {
    if (await tillGate(db).refuses(record.tenders, 'void')) return;
    setBusy(true);
    try {
      const outcome = await commitVoid(db, browserEnv, { record, reason: reason.trim() || 'voided', approvedBy: approval.id, staff });
      if ('error' in outcome) return onError(outcome.error);
      onError(null);
      onDone({ kind: 'void', voided: outcome, record });
    } catch (error) {
      // Not saved (storage full, a reason the journal refuses): say so, as a refund does.
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="sale-return">
      <p class="receipt-number">
        Sale {record.receiptNumber} · {new Date(record.completedAt).toLocaleString(store.locale)} · <Money amount={record.total} store={store} />
      </p>
      {!inWindow && <p class="notice">Past the {store.returnDays}-day return window: a manager must approve.</p>}
      {isVoided(record) && <p class="notice">This sale was voided.</p>}
      <table class="lines" aria-label="Lines to return">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Return</th>
            <th scope="col" class="num">Paid</th>
          </tr>
        </thead>
        <tbody>
          {record.lines.map((line, index) => {
            const left = line.quantity - (returned[index] ?? 0);
            const set = (quantity: number) => setQuantities(quantities.map((q, i) => (i === index ? Math.max(0, Math.min(left, quantity)) : q)));
            return (
              <tr key={index}>
                <td>
                  {line.name}
                  <div class="muted">
                    {line.sku} · {left} of {line.quantity} left to return
                  </div>
                </td>
                <td class="qty">
                  <button type="button" aria-label={`One fewer ${line.name} to return`} disabled={quantities[index] === 0} onClick={() => set(quantities[index]! - 1)}>
                    −
                  </button>
                  <span aria-label={`${line.name} to return`}>{quantities[index]}</span>
                  <button type="button" aria-label={`One more ${line.name} to return`} disabled={quantities[index]! >= left} onClick={() => set(quantities[index]! + 1)}>
                    +
                  </button>
                </td>
                <td class="num">
                  <Money amount={line.paid} store={store} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <label for="return-reason">Reason</label>
      <input id="return-reason" maxLength={200} value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
      {figures && 'error' in figures && <p class="error">{figures.error}</p>}
      {exchanging === false && plan && figures && !('error' in figures) && (
        <dl class="totals" aria-label="Refund">
          {plan.tenders.map((tender, index) => (
            <RefundRow key={index} tender={tender} store={store} />
          ))}
          <dt class="grand">Refund</dt>
          <dd class="grand" data-testid="refund-total">
            <Money amount={figures.total + plan.cashRounding} store={store} />
          </dd>
        </dl>
      )}
      <label class="checkbox">
        <input type="checkbox" checked={toCredit} onChange={(event) => setToCredit(event.currentTarget.checked)} /> What the sale’s own tenders cannot take back goes to store credit
      </label>
      {exchanging !== false && figures && !('error' in figures) ? (
        <ExchangeCart
          db={db}
          store={store}
          staff={staff}
          returned={{ record, returnedBefore: returned, figures }}
          fallback={fallback}
          approvedBy={exchanging?.id ?? null}
          reason={reason.trim() || 'exchange'}
          onDone={(sale, refund) => onDone({ kind: 'exchange', sale, refund })}
          onError={onError}
          onCancel={() => setExchanging(false)}
        />
      ) : approving ? (
        <ManagerApproval
          db={db}
          action={approving === 'void' ? `void sale ${record.receiptNumber}` : `${approving} from sale ${record.receiptNumber} past the return window`}
          onApproved={(approval) => {
            setApproving(null);
            if (approving === 'exchange') setExchanging(approval);
            else void (approving === 'void' ? voidSale(approval) : refund(approval));
          }}
          onCancel={() => setApproving(null)}
        />
      ) : (
        <span class="approval-actions">
          <button type="button" class="primary" disabled={!plan || busy} onClick={() => (inWindow ? void refund(null) : setApproving('return'))}>
            Refund
          </button>
          <button type="button" disabled={!plan || busy} onClick={() => (inWindow ? setExchanging(null) : setApproving('exchange'))}>
            Exchange…
          </button>
          <button type="button" disabled={busy || record.returns.length > 0} title={record.returns.length > 0 ? 'Lines were returned already: return the rest' : undefined} onClick={() => void tillGate(db).refuses(record.tenders, 'void').then((refused) => refused || setApproving('void'))}>
            Void sale…
          </button>
          <button type="button" class="link" onClick={onBack}>
            Back
          </button>
        </span>
      )}
    </div>
  );
}

function RefundRow({ tender, store }: { tender: RefundCompletedPayload['tenders'][number]; store: StoreRecord }) {
  const label =
    tender.kind === 'card' ? `${tender.brand} •••• ${tender.last4}` : tender.kind === 'gift_card' ? `Gift card •••• ${tender.last4}` : tender.kind === 'store_credit' ? `Store credit ${tender.accountId}` : tender.kind === 'exchange' ? 'Exchange' : 'Cash';
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Money amount={tender.amount} store={store} />
      </dd>
    </>
  );
}

/**
 * A return without a receipt: a manager approves, and each unit is refunded at
 * the product's lowest recent price (the lowest it sold for in the store over
 * the return window, never above today's), tax as the store charges it.
 */
function NoReceiptReturn({ db, store, staff, onDone, onError }: { db: StoresideDb; store: StoreRecord; staff: { id: string }; onDone: (refund: RefundCompletedPayload) => void; onError: (error: string | null) => void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ProductRecord[]>([]);
  const [item, setItem] = useState<{ product: ProductRecord; price: Minor } | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [reason, setReason] = useState('');
  const [toCredit, setToCredit] = useState(store.refundFallback === 'store_credit');
  const [approving, setApproving] = useState(false);
  const [creditAccount] = useState(newCreditAccount);

  const figuresFor = (chosen: { product: ProductRecord; price: Minor }) => {
    const totals = priceSale([cartLineFor({ ...chosen.product, price: chosen.price }, quantity)], createPromotionBook([], store.id), store.taxConfig, { at: Date.now() });
    const line = totals.lines[0]!;
    const figures = returnFigures({ lines: [{ sku: line.sku, name: line.name, quantity, paid: line.paid, taxParts: line.taxParts }], taxBreakdown: totals.taxBreakdown }, [0], [{ line: 0, quantity }]);
    return 'error' in figures ? figures : { ...figures, lines: figures.lines.map((returned) => ({ ...returned, line: null })) };
  };
  const figures = item ? figuresFor(item) : null;
  const plan = figures && !('error' in figures) ? refundTenders(figures.total, [], NOTHING_REFUNDED, toCredit ? { kind: 'store_credit', accountId: creditAccount } : { kind: 'cash' }, store.cashCoin) : null;

  const refund = async (approval: Approval) => {
    if (!figures || 'error' in figures || !plan) return;
    if (await tillGate(db).refuses(plan.tenders, 'refund')) return;
    try {
      onDone(await commitReturn(db, browserEnv, { sale: null, figures, tenders: plan.tenders, cashRounding: plan.cashRounding, reason: reason.trim() || 'no receipt', approvedBy: approval.id, staff, store }));
      onError(null);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div class="sale-return">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void searchProducts(db, query).then(setResults);
        }}
      >
        <label for="no-receipt-item">Item coming back (scan or type)</label>
        <input id="no-receipt-item" class="scan-field" ref={focusOnMount} autoComplete="off" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
      </form>
      {!item && results.length > 0 && (
        <ul class="search-results" aria-label="Items found">
          {results.map((product) => (
            <li key={product.sku}>
              <button
                type="button"
                onClick={() =>
                  void noReceiptPrice(db, product.sku, Date.now(), store.returnDays).then((price) => (price === null ? onError(`${product.sku} is not in this store’s catalogue`) : setItem({ product, price })))
                }
              >
                <span>{product.name}</span>
                <Money amount={product.price} store={store} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {item && (
        <>
          <p>
            {item.product.name}: refunded at <Money amount={item.price} store={store} /> each, its lowest price in the last {store.returnDays} days
          </p>
          <span class="qty">
            <button type="button" aria-label="One fewer" disabled={quantity <= 1} onClick={() => setQuantity(quantity - 1)}>
              −
            </button>
            <span>{quantity}</span>
            <button type="button" aria-label="One more" onClick={() => setQuantity(quantity + 1)}>
              +
            </button>
          </span>
          <label for="no-receipt-reason">Reason</label>
          <input id="no-receipt-reason" maxLength={200} value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
          <label class="checkbox">
            <input type="checkbox" checked={toCredit} onChange={(event) => setToCredit(event.currentTarget.checked)} /> Refund as store credit
          </label>
          {plan && figures && !('error' in figures) && (
            <dl class="totals" aria-label="Refund">
              {plan.tenders.map((tender, index) => (
                <RefundRow key={index} tender={tender} store={store} />
              ))}
            </dl>
          )}
          {approving ? (
            <ManagerApproval db={db} action="a return without a receipt" onApproved={(approval) => void refund(approval)} onCancel={() => setApproving(false)} />
          ) : (
            <button type="button" class="primary" disabled={!plan} onClick={() => void tillGate(db).refuses(plan!.tenders, 'refund').then((refused) => refused || setApproving(true))}>
              Refund (manager)…
            </button>
          )}
        </>
      )}
    </div>
  );
}

/** The customer spends a refund's store credit by its slip number, at any till of the store: the receipt says so. */
function CreditSlipNote({ tenders }: { tenders: readonly RefundCompletedPayload['tenders'][number][] }) {
  const slips = tenders.flatMap((tender) => (tender.kind === 'store_credit' ? [tender.accountId] : []));
  if (slips.length === 0) return null;
  return (
    <p class="notice" data-testid="credit-slip">
      Store credit slip {slips.join(', ')}: give this number at checkout to spend the credit.
    </p>
  );
}

function RefundReceipt({ done, store }: { done: Done; store: StoreRecord }) {
  if (done.kind === 'void') {
    return (
      <div aria-label="Void receipt">
        <p class="receipt-number">Sale {done.record.receiptNumber} voided</p>
        <dl class="totals">
          {done.voided.tenders.map((tender, index) => (
            <RefundRow key={index} tender={tender} store={store} />
          ))}
          <dt class="grand">Paid back</dt>
          <dd class="grand">
            <Money amount={done.voided.total} store={store} />
          </dd>
        </dl>
      </div>
    );
  }
  if (done.kind === 'exchange') {
    const { sale, refund } = done;
    const cash = sale.tenders.find((tender) => tender.kind === 'cash');
    return (
      <div aria-label="Exchange receipt">
        <p class="receipt-number">
          Exchange: refund {refund.receiptNumber}, sale {sale.receiptNumber}
        </p>
        <table class="receipt-lines">
          <tbody>
            {refund.lines.map((line, index) => (
              <tr key={`r${index}`}>
                <td>
                  {line.quantity} × {line.name} returned
                </td>
                <td class="num">
                  <Money amount={-line.amount} store={store} />
                </td>
              </tr>
            ))}
            {sale.lines.map((line, index) => (
              <tr key={`s${index}`}>
                <td>
                  {line.quantity} × {line.name}
                </td>
                <td class="num">
                  <Money amount={line.paid} store={store} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl class="totals">
          {refund.tenders
            .filter((tender) => tender.kind !== 'exchange')
            .map((tender, index) => (
              <RefundRow key={index} tender={tender} store={store} />
            ))}
          {cash && cash.kind === 'cash' && (
            <>
              <dt>Cash paid</dt>
              <dd>
                <Money amount={cash.amount} store={store} />
              </dd>
              <dt>Change</dt>
              <dd data-testid="exchange-change">
                <Money amount={cash.change} store={store} />
              </dd>
            </>
          )}
        </dl>
        <CreditSlipNote tenders={refund.tenders} />
      </div>
    );
  }
  const { refund } = done;
  return (
    <div aria-label="Refund receipt">
      <p class="receipt-number">
        Refund {refund.receiptNumber}
        {refund.sale ? ` for sale ${refund.sale.receiptNumber}` : ' (no receipt)'}
      </p>
      <table class="receipt-lines">
        <tbody>
          {refund.lines.map((line, index) => (
            <tr key={index}>
              <td>
                {line.quantity} × {line.name}
              </td>
              <td class="num">
                <Money amount={-line.amount} store={store} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl class="totals">
        <dt class="muted">Tax refunded</dt>
        <dd class="muted">
          <Money amount={refund.tax} store={store} />
        </dd>
        {refund.tenders.map((tender, index) => (
          <RefundRow key={index} tender={tender} store={store} />
        ))}
        <dt class="grand">Refunded</dt>
        <dd class="grand" data-testid="refunded">
          <Money amount={refund.total + refund.cashRounding} store={store} />
        </dd>
      </dl>
      <CreditSlipNote tenders={refund.tenders} />
    </div>
  );
}

/**
 * The new side of an exchange: the goods going out, priced by the same engine
 * as the checkout with the store's promotions, and the one balance the
 * associate settles — the customer pays it in cash, or gets it back on the
 * original sale's tenders.
 */
function ExchangeCart({
  db,
  store,
  staff,
  returned,
  fallback,
  approvedBy,
  reason,
  onDone,
  onError,
  onCancel,
}: {
  db: StoresideDb;
  store: StoreRecord;
  staff: { id: string; name: string };
  returned: { record: SaleRecord; returnedBefore: number[]; figures: Exclude<ReturnType<typeof returnFigures>, { error: string }> };
  fallback: RefundFallback;
  approvedBy: string | null;
  reason: string;
  onDone: (sale: LocalSale, refund: RefundCompletedPayload) => void;
  onError: (error: string | null) => void;
  onCancel: () => void;
}) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ProductRecord[]>([]);
  const [cart, setCart] = useState<CartLine[]>([]);
  const [cash, setCash] = useState('');
  const [busy, setBusy] = useState(false);
  const [promotions, setPromotions] = useState<Promotion[] | null>(null);
  useEffect(() => void db.promotions.toArray().then(setPromotions), [db]);
  const at = Date.now();
  const totals = cart.length > 0 && promotions ? priceSale(cart, createPromotionBook(promotions, store.id), store.taxConfig, { at }) : null;
  const balance = totals ? exchangeBalance(returned.figures.total, totals.total) : null;
  const add = (product: ProductRecord) => {
    const known = cart.find((line) => line.sku === product.sku);
    setCart(known ? cart.map((line) => (line === known ? { ...line, quantity: line.quantity + 1 } : line)) : [...cart, cartLineFor(product, 1)]);
    setResults([]);
    setQuery('');
  };
  const complete = async () => {
    if (!totals || !balance) return;
    const tendered = balance.customerPays > 0 ? parseMoneyInput(cash, store.currency) : 0;
    if (tendered === null) return onError('Type the cash handed over.');
    setBusy(true);
    try {
      const draft: ExchangeDraft = {
        returned,
        newSale: { totals, context: { at } },
        cashTendered: tendered,
        fallback,
        approvedBy,
        reason,
        staff,
        store,
      };
      if (await tillGate(db).refuses(exchangeTendersOf(draft), 'exchange')) return;
      const done = await commitExchange(db, browserEnv, draft);
      if ('error' in done) return onError(done.error);
      onError(null);
      onDone(done.sale, done.refund);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="sale-return" aria-label="Exchange">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void searchProducts(db, query).then((found) => (found.length === 1 ? add(found[0]!) : setResults(found)));
        }}
      >
        <label for="exchange-item">New item (scan or type)</label>
        <input id="exchange-item" class="scan-field" ref={focusOnMount} autoComplete="off" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
      </form>
      {results.length > 0 && (
        <ul class="search-results" aria-label="Items found">
          {results.map((product) => (
            <li key={product.sku}>
              <button type="button" onClick={() => add(product)}>
                <span>{product.name}</span>
                <Money amount={product.price} store={store} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <dl class="totals" aria-label="Exchange balance">
        <dt>Returned goods</dt>
        <dd>
          <Money amount={-returned.figures.total} store={store} />
        </dd>
        {totals?.lines.map((line) => (
          <Fragment key={line.sku}>
            <dt>
              {line.quantity} × {line.name}
            </dt>
            <dd>
              <Money amount={line.paid} store={store} />
            </dd>
          </Fragment>
        ))}
        {balance && (
          <>
            <dt class="grand">{balance.customerPays > 0 ? 'Customer pays' : 'Customer gets back'}</dt>
            <dd class="grand" data-testid="exchange-balance">
              <Money amount={balance.customerPays > 0 ? balance.customerPays : balance.customerGets} store={store} />
            </dd>
          </>
        )}
      </dl>
      {balance && balance.customerPays > 0 && (
        <>
          <label for="exchange-cash">Cash received</label>
          <input id="exchange-cash" inputMode="decimal" value={cash} onInput={(event) => setCash(event.currentTarget.value)} />
        </>
      )}
      <span class="approval-actions">
        <button type="button" class="primary" disabled={!balance || busy} onClick={() => void complete()}>
          Complete exchange
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </span>
    </div>
  );
}
