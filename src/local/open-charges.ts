import type { TenderRecord } from '../domain/tender.ts';
import type { StoresideDb } from './db.ts';

/**
 * Card payments the terminal approved for a sale not completed yet. The
 * customer's card is charged the moment the terminal approves, but the sale
 * is only written at Complete: a reload or a crash in between would leave a
 * charge no sale names and nobody knows to reverse. So each approval is kept
 * here at once; Complete drops it in the sale's own transaction (commit-sale.ts),
 * a reversal drops it, and a restarted checkout puts what is left back on the
 * sale being rung up (checkout-model.ts).
 */
export type OpenCharge = Extract<TenderRecord, { kind: 'card' }>;

export async function keepOpenCharge(db: StoresideDb, charge: OpenCharge): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const open = (await db.getMeta('openCharges')) ?? [];
    await db.setMeta('openCharges', [...open.filter((kept) => kept.terminalRef !== charge.terminalRef), charge]);
  });
}

/** Drops charges by terminal reference: reversed, or now paid into a sale. Joins the caller's transaction when there is one (meta in its scope). */
export async function dropOpenCharges(db: StoresideDb, terminalRefs: readonly string[]): Promise<void> {
  if (terminalRefs.length === 0) return;
  await db.transaction('rw', db.meta, () => dropKeptCharges(db, terminalRefs));
}

/**
 * The same, as one of the requests of the caller's write transaction (meta in
 * its scope), e.g. a sale's commit: no sub-transaction, which would hold the
 * caller's other requests back until it finished.
 */
export async function dropKeptCharges(db: StoresideDb, terminalRefs: readonly string[]): Promise<void> {
  if (terminalRefs.length === 0) return;
  const open = (await db.getMeta('openCharges')) ?? [];
  const left = open.filter((kept) => !terminalRefs.includes(kept.terminalRef));
  if (left.length !== open.length) await db.setMeta('openCharges', left);
}

export async function openCharges(db: StoresideDb): Promise<OpenCharge[]> {
  return (await db.getMeta('openCharges')) ?? [];
}
