import type { CustomerRecord } from '../../domain/customer.ts';
import type { StoredValueRecord } from '../../domain/stored-value.ts';
import type { StoreRecord } from '../../protocol/entities.ts';

/**
 * A few gift cards and store credits per demo store, and the customers who
 * hold the credit: fixed, not drawn from the seed, so a demo script can name
 * them. Card numbers are the store's prefix and a counter ("GC-AUS-1001"),
 * never a long digit run. One card holds little, to show a card running dry.
 */
const GIFT_CARD_BALANCES = [5_000, 2_500, 10_000, 300] as const;

export function demoStoredValue(store: StoreRecord): { storedValues: StoredValueRecord[]; customers: CustomerRecord[] } {
  const prefix = store.receiptPrefix;
  const giftCards = GIFT_CARD_BALANCES.map((balance, index): StoredValueRecord => {
    const number = 1001 + index;
    return { id: `GC-${prefix}-${number}`, kind: 'gift_card', last4: String(number).padStart(4, '0'), customerId: null, currency: store.currency, balance };
  });
  const customers: CustomerRecord[] = [
    { id: `cust-${prefix.toLowerCase()}-1`, name: 'Ana Lopez', phone: '+15125550101', email: `ana.lopez@example.com` },
    { id: `cust-${prefix.toLowerCase()}-2`, name: 'Sam Weber', phone: '+4930555010', email: `sam.weber@example.com` },
  ];
  const credits = customers.map((customer, index): StoredValueRecord => ({
    id: `SC-${prefix}-${2001 + index}`,
    kind: 'store_credit',
    last4: null,
    customerId: customer.id,
    currency: store.currency,
    balance: 1_500 * (index + 1),
  }));
  return { storedValues: [...giftCards, ...credits], customers };
}
