import type { CartLine } from '../domain/cart-line.ts';
import type { Minor } from '../domain/money.ts';
import type { SaleOverride } from '../domain/sale.ts';
import type { TenderRecord } from '../domain/tender.ts';
import type { StoresideDb } from './db.ts';

/**
 * The sale being rung up, as it stands after the associate's last change:
 * kept on the device so a reload, a crash or a browser restart — online or
 * not — gives the same associate the same cart back, payments taken included.
 * One per staff member on this device. It is never a sale: nothing is
 * journaled until Complete, whose transaction deletes it (commit-sale.ts).
 */
export type CartDraft = {
  staffId: string;
  savedAt: number;
  lines: CartLine[];
  /** serial number and note per line, by SKU */
  lineDetails: [string, { serial?: string; note?: string }][];
  serializedSkus: string[];
  coupons: string[];
  staffPurchase: boolean;
  taxExemptCertificate: string | null;
  managerDiscounts: { sku: string; percent?: number; amount?: Minor; reason: string; approvedBy: { id: string; name: string } }[];
  customer: { id: string; name: string } | null;
  /** payments taken before Complete; a card charged on the terminal is also an open charge (open-charges.ts) */
  tenders: { record: Exclude<TenderRecord, { kind: 'cash' | 'exchange' }>; viaTerminal: boolean }[];
  overrides: SaleOverride[];
};

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
