import { useEffect, useState } from 'preact/hooks';
import { formatMoney, parseMoneyInput, type Minor } from '../../domain/money.ts';
import { storeCreditOf, type SpendableAccount } from '../../local/stored-value.ts';
import { Money } from '../components/money.tsx';
import type { CheckoutModel } from './checkout-model.ts';

export type PaymentKind = 'card' | 'gift_card' | 'store_credit' | 'other_till';

const TITLES: Record<PaymentKind, string> = { card: 'Card payment', gift_card: 'Gift card', store_credit: 'Store credit', other_till: 'Pay at another till' };

/**
 * One non-cash payment toward the sale: how much (all that is left unless the
 * associate types less) and what identifies it. The dialog closes once the
 * model took the payment; a refusal stays on the sale's notice.
 */
export function PaymentDialog({ model, kind, onClose, onOverride }: { model: CheckoutModel; kind: PaymentKind; onClose: () => void; onOverride: () => void }) {
  const { store } = model;
  const [amountText, setAmountText] = useState('');
  const [busy, setBusy] = useState(false);
  const remaining = model.remainingDue.value;
  const amount = amountText.trim() ? parseMoneyInput(amountText, store.currency) : null;
  const amountWrong = amountText.trim() !== '' && (amount === null || amount <= 0);

  /** Runs a payment and closes when it was taken (one more tender on the sale). */
  const take = async (pay: () => Promise<void>) => {
    const before = model.tenders.value.length;
    setBusy(true);
    try {
      await pay();
    } finally {
      setBusy(false);
    }
    if (model.tenders.value.length > before) onClose();
  };

  return (
    <div class="overlay">
      <section class="receipt payment-dialog" role="dialog" aria-labelledby="payment-title">
        <h2 id="payment-title">{TITLES[kind]}</h2>
        <p class="muted">
          Left to pay <Money amount={remaining} store={store} />
        </p>
        <label>
          Amount
          <input
            inputMode="decimal"
            autoComplete="off"
            value={amountText}
            placeholder={formatMoney(remaining, store.currency, store.locale)}
            onInput={(event) => setAmountText(event.currentTarget.value)}
          />
        </label>
        {amountWrong && <p class="error">Type an amount like 20 or 20.50, or leave it empty for all that is left.</p>}
        {model.notice.value?.tone === 'error' && (
          <p class="notice error" role="alert">
            {model.notice.value.text}
          </p>
        )}
        {model.limitsReached.value.length > 0 && (
          <button type="button" class="warning-button" onClick={onOverride}>
            Manager override…
          </button>
        )}
        {!amountWrong && kind === 'card' && <CardPayment model={model} amount={amount} busy={busy} take={take} />}
        {!amountWrong && kind === 'gift_card' && <NumberedPayment label="Gift card number" placeholder="GC-…" busy={busy} onSubmit={(number) => take(() => model.takeGiftCard(number, amount))} />}
        {!amountWrong && kind === 'other_till' && <NumberedPayment label="Other till’s reference" placeholder="e.g. TILL-2-0042" busy={busy} onSubmit={(reference) => take(() => model.takeOtherTill(reference, amount))} />}
        {!amountWrong && kind === 'store_credit' && <StoreCredit model={model} amount={amount} busy={busy} take={take} />}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </section>
    </div>
  );
}

type PaymentProps = { model: CheckoutModel; amount: Minor | null; busy: boolean; take: (pay: () => Promise<void>) => Promise<void> };

/** The terminal charges the card; if it cannot be reached from the till, the associate keys the slip it printed. */
function CardPayment({ model, amount, busy, take }: PaymentProps) {
  const [keying, setKeying] = useState(false);
  const [slip, setSlip] = useState({ brand: '', last4: '', approvalCode: '', terminalRef: '' });
  const field = (name: keyof typeof slip, label: string, extra: Record<string, string> = {}) => (
    <label>
      {label}
      <input autoComplete="off" value={slip[name]} onInput={(event) => setSlip({ ...slip, [name]: event.currentTarget.value })} {...extra} />
    </label>
  );
  return (
    <>
      {model.offline.value && <p class="muted">Offline: the terminal approves within the store’s floor limit and sends it later.</p>}
      <button type="button" class="primary big" disabled={busy} onClick={() => void take(() => model.takeCard(amount))}>
        {busy ? 'Waiting for the terminal…' : 'Charge on terminal'}
      </button>
      {keying ? (
        <form
          class="slip"
          onSubmit={(event) => {
            event.preventDefault();
            void take(() => model.takeCardSlip({ amount, ...slip }));
          }}
        >
          {field('brand', 'Card brand', { placeholder: 'Visa' })}
          {field('last4', 'Last four digits', { inputMode: 'numeric', maxLength: '4' })}
          {field('approvalCode', 'Approval code')}
          {field('terminalRef', 'Terminal reference')}
          <button type="submit" disabled={busy}>
            Record card payment
          </button>
        </form>
      ) : (
        <button type="button" class="link" onClick={() => setKeying(true)}>
          Key it from the terminal’s slip…
        </button>
      )}
    </>
  );
}

function NumberedPayment({ label, placeholder, busy, onSubmit }: { label: string; placeholder: string; busy: boolean; onSubmit: (value: string) => Promise<void> }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="tender"
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit(value);
      }}
    >
      <label>
        {label}
        <input autoComplete="off" autoCapitalize="characters" value={value} placeholder={placeholder} onInput={(event) => setValue(event.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={busy || !value.trim()}>
        Take payment
      </button>
    </form>
  );
}

/** The attached customer's credit accounts, each with what it can pay on this till now. */
function StoreCredit({ model, amount, busy, take }: PaymentProps) {
  const customer = model.customer.value;
  const [accounts, setAccounts] = useState<SpendableAccount[] | null>(null);
  useEffect(() => {
    if (customer) void storeCreditOf(model.db, customer.id).then(setAccounts);
  }, [customer, model]);
  if (!customer) return <p class="notice error">Attach the customer first: store credit is theirs.</p>;
  if (accounts === null) return <p class="muted">Looking up {customer.name}’s credit…</p>;
  if (accounts.length === 0) return <p class="notice">{customer.name} has no store credit.</p>;
  return (
    <ul class="search-results" aria-label="Store credit">
      {accounts.map(({ account, spendable }) => (
        <li key={account.id}>
          <button type="button" disabled={busy || spendable === 0} onClick={() => void take(() => model.takeStoreCredit(account.id, amount))}>
            <span>
              {account.id}
              <span class="result-detail muted">{model.offline.value ? 'as last synced' : 'available'}</span>
            </span>
            <Money amount={spendable} store={model.store} />
          </button>
        </li>
      ))}
    </ul>
  );
}
