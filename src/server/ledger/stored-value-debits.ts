import { credit, debit, type StoredValueRecord } from '../../domain/stored-value.ts';
import type { RefundTender } from '../../domain/sale-return.ts';
import type { SaleCompletedPayload } from '../../domain/sale.ts';
import { formatMoney } from '../../domain/money.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import type { LedgerTx } from './ledger-tx.ts';

/**
 * Debits the gift cards and store credit a booked sale was paid with, and
 * publishes their new balances to the store's tills. The sale already
 * happened: an account the store does not know, or one the sale overdraws
 * (two tills spent it while apart, or a till offline past its last synced
 * balance), or store credit of another customer than the sale's, is an alarm
 * for HQ, never a refusal.
 */
export async function debitStoredValue(tx: LedgerTx, sale: SaleCompletedPayload, store: StoreRecord, origin: { deviceId: string; seq: number }, now: number): Promise<void> {
  const money = (amount: number) => formatMoney(amount, store.currency, store.locale);
  for (const tender of sale.tenders) {
    if (tender.kind !== 'gift_card' && tender.kind !== 'store_credit') continue;
    const account = await tx.sliceRecord(store.id, 'stored_value', tender.accountId);
    const alarm = (kind: string, detail: string) => tx.raiseAlarm({ kind, storeId: store.id, deviceId: origin.deviceId, seq: origin.seq, detail, at: now });
    if (!account || account.kind !== tender.kind) {
      await alarm('stored_value_unknown', `sale ${sale.receiptNumber} spent ${money(tender.amount)} of ${tender.kind.replace('_', ' ')} ${tender.accountId}, which store ${store.id} does not have; nothing was debited`);
      continue;
    }
    // Kept and alarmed, not quarantined: the till refuses another customer's credit at checkout
    // (checkout-model.ts takeStoreCredit), so a sale that gets here was completed by a faulty or
    // tampered till, and a sale committed on a device is never lost (DESIGN.md). The debit still
    // happens, so the balance shows the money really spent; HQ settles it with the customer.
    // An account held by no customer is a bearer credit slip: whoever holds it may spend it.
    if (tender.kind === 'store_credit' && account.customerId !== null && account.customerId !== (sale.customer?.id ?? null)) {
      const buyer = sale.customer ? `customer ${sale.customer.id}` : 'no customer';
      await alarm('stored_value_wrong_customer', `sale ${sale.receiptNumber} for ${buyer} spent ${money(tender.amount)} of store credit ${account.id}, which belongs to customer ${account.customerId}`);
    }
    const after = debit(account.balance, tender.amount);
    await tx.saveSliceRecord(store.id, 'stored_value', account.id, { ...account, balance: after.balance });
    if (after.overdrawnBy > 0) {
      await alarm(
        'stored_value_overdrawn',
        `sale ${sale.receiptNumber} spent ${money(tender.amount)} of ${account.id}${tender.offline ? ' offline' : ''}, ${money(after.overdrawnBy)} more than it held; balance now ${money(after.balance)}`,
      );
    }
  }
}

/**
 * Pays a return's or void's gift card and store credit tenders back onto
 * their accounts, in the push's transaction, and publishes the new balances
 * to the store's tills. A store credit account the refund names that the
 * store does not have yet is the credit slip the till just issued
 * (`refundFallback: 'store_credit'`, or "to store credit" at the returns
 * panel): it is created here, of the store's currency, held by the original
 * sale's customer where the return names a sale with one (else by whoever
 * holds the slip), its balance the credit. A gift card the store does not
 * have, or an account of the other kind, is an alarm for HQ: the money went
 * back at the till and cannot be refused now.
 */
export async function creditStoredValue(
  tx: LedgerTx,
  refund: { what: string; tenders: readonly RefundTender[]; customerId: string | null },
  store: StoreRecord,
  origin: { deviceId: string; seq: number },
  now: number,
): Promise<void> {
  const money = (amount: number) => formatMoney(amount, store.currency, store.locale);
  for (const tender of refund.tenders) {
    if (tender.kind !== 'gift_card' && tender.kind !== 'store_credit') continue;
    const account = await tx.sliceRecord(store.id, 'stored_value', tender.accountId);
    if (!account && tender.kind === 'store_credit') {
      const opened: StoredValueRecord = { id: tender.accountId, kind: 'store_credit', last4: null, customerId: refund.customerId, currency: store.currency, balance: tender.amount };
      await tx.saveSliceRecord(store.id, 'stored_value', opened.id, opened);
      continue;
    }
    if (!account || account.kind !== tender.kind) {
      const detail = `${refund.what} paid ${money(tender.amount)} back to ${tender.kind.replace('_', ' ')} ${tender.accountId}, which store ${store.id} does not have; nothing was credited`;
      await tx.raiseAlarm({ kind: 'stored_value_unknown', storeId: store.id, deviceId: origin.deviceId, seq: origin.seq, detail, at: now });
      continue;
    }
    await tx.saveSliceRecord(store.id, 'stored_value', account.id, { ...account, balance: credit(account.balance, tender.amount) });
  }
}
