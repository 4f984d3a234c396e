import { cashTillRule, movesCash, tillSessionRefusal, type CashAction, type TillSessionRefusal } from '../domain/cash-till-rule.ts';
import type { StoresideDb } from './db.ts';
import { readWithin } from './read-within.ts';
import { tillReportFromJournal } from './till-report-projection.ts';

/**
 * Whether this device may move cash now, by its store's cash-till rule
 * (domain/cash-till-rule.ts): the refusal to show, or null. Asked before
 * anything is journaled. Reads the store's rule as last synced (not a record
 * a screen was opened with: HQ may have changed it since), the device's role
 * and whether its till session is open (the report kept with the journal) —
 * one read transaction, and none at all for a payment without cash.
 *
 * A till closed in another tab between this answer and the commit lets one
 * sale through without a session; it is then among the figures outside any
 * session, on the till and in HQ's day report, so it is still reported.
 */
export async function cashTillRefusal(db: StoresideDb, tenders: readonly { kind: string; amount: number }[], action: CashAction): Promise<TillSessionRefusal | null> {
  if (!movesCash(tenders)) return null;
  return readWithin(db, [db.meta, db.stores, db.journal], async () => {
    // Read together: one round trip to the database, and the store's record after it.
    const [enrollment, kept, headSeq] = await Promise.all([db.getMeta('enrollment'), db.getMeta('tillReport'), db.journalHeadSeq()]);
    // Not enrolled: nothing can be sold here anyway; the stricter role's rule stands.
    const store = enrollment ? await db.stores.get(enrollment.storeId) : undefined;
    const rule = cashTillRule(store?.cashTillSession, enrollment?.role ?? 'tablet');
    if (rule === 'optional') return null;
    const report = kept?.throughSeq === headSeq ? kept.report : (await tillReportFromJournal(db)).report;
    return tillSessionRefusal({ rule, sessionOpen: report !== null && report.close === null, tenders, action });
  });
}
