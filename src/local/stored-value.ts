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
 * What this till has taken offline that the server does not know of yet: the
 * card total taken offline (the per-device floor limit counts it) and each
 * stored-value account's spend (its synced balance does not show it yet).
 */
export async function unsentTenders(db: StoresideDb): Promise<{ cardOffline: Minor; storedValue: Map<string, Minor> }> {
  let cardOffline = 0;
  const storedValue = new Map<string, Minor>();
  for (const event of await unsentEvents(db)) {
    if (!isSaleEvent(event) || event.v !== 3) continue;
    for (const tender of event.payload.tenders) {
      if (tender.kind === 'card' && tender.offline) cardOffline += tender.amount;
      if (tender.kind === 'gift_card' || tender.kind === 'store_credit') storedValue.set(tender.accountId, (storedValue.get(tender.accountId) ?? 0) + tender.amount);
    }
  }
  return { cardOffline, storedValue };
}

export type SpendableAccount = { account: StoredValueRecord; spendable: Minor };

/** A gift card or credit slip by its number as typed or scanned, with what it can still pay on this till. */
export async function storedValueAccount(db: StoresideDb, number: string): Promise<SpendableAccount | null> {
  const account = await db.storedValues.get(number.trim().toUpperCase());
  if (!account) return null;
  const { storedValue } = await unsentTenders(db);
  return { account, spendable: spendableBalance(account.balance, storedValue.get(account.id) ?? 0) };
}

/** The store credit a customer holds, each account with what it can still pay on this till. */
export async function storeCreditOf(db: StoresideDb, customerId: string): Promise<SpendableAccount[]> {
  const accounts = await db.storedValues.where('customerId').equals(customerId).filter((account) => account.kind === 'store_credit').toArray();
  const { storedValue } = await unsentTenders(db);
  return accounts.map((account) => ({ account, spendable: spendableBalance(account.balance, storedValue.get(account.id) ?? 0) }));
}
