import { formatMoney, type Minor } from '../../domain/money.ts';
import type { StoreRecord } from '../../protocol/entities.ts';

export function Money({ amount, store }: { amount: Minor; store: StoreRecord }) {
  return <span class="money">{formatMoney(amount, store.currency, store.locale)}</span>;
}
