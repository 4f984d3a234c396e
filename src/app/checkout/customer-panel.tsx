import { useState } from 'preact/hooks';
import type { CustomerRecord } from '../../domain/customer.ts';
import { findCustomers } from '../../local/customers.ts';
import type { CheckoutModel } from './checkout-model.ts';

/**
 * Who is buying: found by phone or email among the store's synced customers
 * (and this till's unsent new ones), or made here. The sale names them, and
 * their store credit can pay.
 */
export function CustomerPanel({ model }: { model: CheckoutModel }) {
  const attached = model.customer.value;
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<CustomerRecord[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [draft, setDraft] = useState({ name: '', phone: '', email: '' });

  // Once attached, the customer shows in the sale's summary (AttachedCustomer), beside what they pay.
  if (attached) return null;
  const attach = (customer: CustomerRecord) => {
    model.attachCustomer({ id: customer.id, name: customer.name });
    setFound(null);
    setQuery('');
  };
  return (
    <details class="tool-menu" open={creating || found !== null}>
      <summary>Customer</summary>
      <div class="tool-panel">
        <form
          class="coupon-entry"
          onSubmit={(event) => {
            event.preventDefault();
            void findCustomers(model.db, query).then(setFound);
          }}
        >
          <input aria-label="Customer phone or email" autoComplete="off" value={query} placeholder="Phone or email" onInput={(event) => setQuery(event.currentTarget.value)} />
          <button type="submit">Find</button>
        </form>
        {found !== null &&
          (found.length === 0 ? (
            <p class="muted">No customer has that phone or email.</p>
          ) : (
            <ul class="search-results" aria-label="Customers found">
              {found.map((customer) => (
                <li key={customer.id}>
                  <button type="button" onClick={() => attach(customer)}>
                    <span>
                      {customer.name}
                      <span class="result-detail muted">{[customer.phone, customer.email].filter(Boolean).join(' · ')}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ))}
        {creating ? (
          <form
            class="tender"
            onSubmit={(event) => {
              event.preventDefault();
              void model.createCustomer(draft).then((made) => {
                if (!made) return;
                setCreating(false);
                setDraft({ name: '', phone: '', email: '' });
              });
            }}
          >
            <label>
              Name
              <input autoComplete="off" maxLength={120} value={draft.name} onInput={(event) => setDraft({ ...draft, name: event.currentTarget.value })} />
            </label>
            <label>
              Phone
              <input type="tel" autoComplete="off" value={draft.phone} onInput={(event) => setDraft({ ...draft, phone: event.currentTarget.value })} />
            </label>
            <label>
              Email
              <input type="email" autoComplete="off" value={draft.email} onInput={(event) => setDraft({ ...draft, email: event.currentTarget.value })} />
            </label>
            <span class="row">
              <button type="button" onClick={() => setCreating(false)}>
                Cancel
              </button>
              <button type="submit" class="primary">
                Save customer
              </button>
            </span>
          </form>
        ) : (
          <button type="button" class="tool" onClick={() => setCreating(true)}>
            New customer…
          </button>
        )}
      </div>
    </details>
  );
}

/** The customer the sale names, at the head of its summary, where their store credit and receipt are; ✕ takes them off the sale. */
export function AttachedCustomer({ model }: { model: CheckoutModel }) {
  const attached = model.customer.value;
  if (!attached) return null;
  return (
    <p class="customer">
      Customer <strong>{attached.name}</strong>
      <button type="button" class="remove" aria-label={`Remove customer ${attached.name}`} onClick={() => model.attachCustomer(null)}>
        ✕
      </button>
    </p>
  );
}
