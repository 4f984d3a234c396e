import { spendableBalance, type StoredValueRecord } from '../domain/stored-value.ts';
import type { Minor } from '../domain/money.ts';
import type { StoresideDb } from './db.ts';
import { unsentTenders, type UnsentTenders } from './unsent-tenders.ts';

export type SpendableAccount = { account: StoredValueRecord; spendable: Minor };

const spendableOf = (account: StoredValueRecord, unsent: UnsentTenders): SpendableAccount => ({
  account,
  spendable: spendableBalance(account.balance, unsent.storedValue.get(account.id) ?? 0, unsent.storedValueCredits.get(account.id) ?? 0),
});

/** A gift card or credit slip by its number as typed or scanned, with what it can still pay on this till. */
export async function storedValueAccount(db: StoresideDb, number: string): Promise<SpendableAccount | null> {
  const id = number.trim().toUpperCase();
  const [synced, unsent] = await Promise.all([db.storedValues.get(id), unsentTenders(db)]);
  const account = synced ?? unsent.opened.get(id);
  return account ? spendableOf(account, unsent) : null;
}

/** The store credit a customer holds, each account with what it can still pay on this till. */
export async function storeCreditOf(db: StoresideDb, customerId: string): Promise<SpendableAccount[]> {
  const [accounts, unsent] = await Promise.all([db.storedValues.where('customerId').equals(customerId).filter((account) => account.kind === 'store_credit').toArray(), unsentTenders(db)]);
  const opened = [...unsent.opened.values()].filter((account) => account.customerId === customerId);
  return [...accounts, ...opened].map((account) => spendableOf(account, unsent));
}
