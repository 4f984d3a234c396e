import { isSaleEvent, type StoreEvent } from '../domain/events.ts';
import { spendableBalance, type StoredValueRecord } from '../domain/stored-value.ts';
import type { Minor } from '../domain/money.ts';
import type { StoresideDb } from './db.ts';

/** The events this till has committed that the server has not acknowledged, oldest first. */
async function unsentEvents(db: StoresideDb): Promise<StoreEvent[]> {
  const acked = (await db.getMeta('ackedSeq')) ?? 0;
  return db.journal.where('seq').above(acked).toArray();
}

/**
 * What this till has done that the server does not know of yet: the card
 * total taken offline (the per-device floor limit counts it), each
 * stored-value account's spend in sales, and what returns and voids paid back
 * onto each account (its synced balance shows neither yet). Spends and
 * credits are kept apart: the offline limits count what was spent, not the
 * net. `opened` are the store credit accounts an unsent refund issued that
 * the server has not synced down yet, as the server will open them (balance
 * 0 here: the unsent credit is what they hold).
 */
export async function unsentTenders(db: StoresideDb): Promise<{ cardOffline: Minor; storedValue: Map<string, Minor>; storedValueCredits: Map<string, Minor>; opened: Map<string, StoredValueRecord> }> {
  let cardOffline = 0;
  const storedValue = new Map<string, Minor>();
  const storedValueCredits = new Map<string, Minor>();
  const opened = new Map<string, StoredValueRecord>();
  for (const event of await unsentEvents(db)) {
    if (isSaleEvent(event) && event.v === 3) {
      for (const tender of event.payload.tenders) {
        if (tender.kind === 'card' && tender.offline) cardOffline += tender.amount;
        if (tender.kind === 'gift_card' || tender.kind === 'store_credit') storedValue.set(tender.accountId, (storedValue.get(tender.accountId) ?? 0) + tender.amount);
      }
      continue;
    }
    if (event.type !== 'refund.completed' && event.type !== 'sale.voided') continue;
    for (const tender of event.payload.tenders) {
      if (tender.kind !== 'gift_card' && tender.kind !== 'store_credit') continue;
      storedValueCredits.set(tender.accountId, (storedValueCredits.get(tender.accountId) ?? 0) + tender.amount);
      // Only a refund issues a new credit slip; a void pays back the sale's own tenders, whose accounts exist.
      if (event.type !== 'refund.completed' || tender.kind !== 'store_credit' || opened.has(tender.accountId) || (await db.storedValues.get(tender.accountId))) continue;
      // The server opens it for the original sale's customer where the return names a sale with one (ledger/stored-value-debits.ts).
      const saleId = event.payload.sale?.saleId ?? null;
      const customerId = saleId === null ? null : ((await db.saleRecords.get(saleId))?.customer?.id ?? (await db.sales.get(saleId))?.customer?.id ?? null);
      const currency = event.payload.currency;
      opened.set(tender.accountId, { id: tender.accountId, kind: 'store_credit', last4: null, customerId, currency, balance: 0 });
    }
  }
  return { cardOffline, storedValue, storedValueCredits, opened };
}

export type SpendableAccount = { account: StoredValueRecord; spendable: Minor };

type Unsent = Awaited<ReturnType<typeof unsentTenders>>;
const spendableOf = (account: StoredValueRecord, unsent: Unsent): SpendableAccount => ({
  account,
  spendable: spendableBalance(account.balance, unsent.storedValue.get(account.id) ?? 0, unsent.storedValueCredits.get(account.id) ?? 0),
});

/** A gift card or credit slip by its number as typed or scanned, with what it can still pay on this till. */
export async function storedValueAccount(db: StoresideDb, number: string): Promise<SpendableAccount | null> {
  const id = number.trim().toUpperCase();
  const synced = await db.storedValues.get(id);
  const unsent = await unsentTenders(db);
  const account = synced ?? unsent.opened.get(id);
  return account ? spendableOf(account, unsent) : null;
}

/** The store credit a customer holds, each account with what it can still pay on this till. */
export async function storeCreditOf(db: StoresideDb, customerId: string): Promise<SpendableAccount[]> {
  const accounts = await db.storedValues.where('customerId').equals(customerId).filter((account) => account.kind === 'store_credit').toArray();
  const unsent = await unsentTenders(db);
  const opened = [...unsent.opened.values()].filter((account) => account.customerId === customerId);
  return [...accounts, ...opened].map((account) => spendableOf(account, unsent));
}
