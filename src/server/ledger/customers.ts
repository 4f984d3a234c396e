import type { StoreEvent } from '../../domain/events.ts';
import type { LedgerTx } from './ledger-tx.ts';

type CustomerEvent = Extract<StoreEvent, { type: 'customer.created' }>;

/** A customer made at a till becomes a record of the store's slice, for every till to find. Returns why it cannot apply, or null. */
export async function applyCustomerEvent(tx: LedgerTx, event: CustomerEvent): Promise<string | null> {
  const { customerId, name, phone, email } = event.payload;
  if (await tx.sliceRecord(event.storeId, 'customer', customerId)) return `customer ${customerId} exists already`;
  await tx.saveSliceRecord(event.storeId, 'customer', customerId, { id: customerId, name, phone, email });
  return null;
}
