import type { StoresideDb } from './db.ts';
import type { CartDraft } from './cart-draft-record.ts';

export type { CartDraft } from './cart-draft-record.ts';

export async function cartDraftOf(db: StoresideDb, staffId: string): Promise<CartDraft | undefined> {
  return db.cartDrafts.get(staffId);
}

/** Keeps `draft` as the staff member's cart in progress, or forgets it (null: the sale completed, was voided or parked). */
export async function keepCartDraft(db: StoresideDb, staffId: string, draft: CartDraft | null): Promise<void> {
  if (draft) await db.cartDrafts.put(draft);
  else await db.cartDrafts.delete(staffId);
}

/** Terminal references of card payments on anyone's cart in progress on this device: those charges have a sale to go to. */
export async function chargesOnDrafts(db: StoresideDb): Promise<Set<string>> {
  const drafts = await db.cartDrafts.toArray();
  return new Set(drafts.flatMap((draft) => draft.tenders.flatMap(({ record }) => (record.kind === 'card' ? [record.terminalRef] : []))));
}
