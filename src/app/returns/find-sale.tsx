import { useState } from 'preact/hooks';
import { parseMoneyInput } from '../../domain/money.ts';
import { isVoided, type SaleRecord } from '../../domain/sale-record.ts';
import { businessDay, isCalendarDay } from '../../domain/business-day.ts';
import type { SaleQuery } from '../../local/find-sale.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { Money } from '../components/money.tsx';
import { focusOnMount } from '../components/focus-on-mount.ts';
import { storeWords } from '../words/store-words.ts';

/** The ways to find a sale: its receipt scanned or its number typed, a day (the store's) and total, or a customer. */
export function FindSale({ store, onSearch }: { store: StoreRecord; onSearch: (query: SaleQuery) => void }) {
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
          // The day as the store counts it, wherever this device's clock is set.
          if (!isCalendarDay(day)) return;
          const { start, end } = businessDay(day, store.timezone);
          const amount = total.trim() === '' ? null : parseMoneyInput(total, store.currency);
          if (total.trim() !== '' && amount === null) return;
          onSearch({ kind: 'day', from: start, to: end, total: amount });
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

export function FoundSales({ sales, store, onChoose }: { sales: SaleRecord[]; store: StoreRecord; onChoose: (sale: SaleRecord) => void }) {
  if (sales.length === 0) return <p class="muted">No sale found on this till or in the store’s history.</p>;
  const words = storeWords(store);
  return (
    <ul class="search-results" aria-label="Sales found">
      {sales.map((sale) => (
        <li key={sale.id}>
          <button type="button" onClick={() => onChoose(sale)}>
            <span>
              {sale.receiptNumber}
              <span class="result-detail muted">
                {' '}
                {words.dateTime(sale.completedAt)}
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
