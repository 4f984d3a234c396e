import { GENESIS_HASH, isSaleEvent, type ChainHead, type StoreEvent } from '../domain/events.ts';
import type { StoredValueRecord } from '../domain/stored-value.ts';
import type { Minor } from '../domain/money.ts';
import type { StoresideDb } from './db.ts';
import { readWithin } from './read-within.ts';

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
export type UnsentTenders = { cardOffline: Minor; storedValue: Map<string, Minor>; storedValueCredits: Map<string, Minor>; opened: Map<string, StoredValueRecord> };

/** What one unsent event adds to the totals. */
type Contribution = {
  seq: number;
  cardOffline: Minor;
  spends: readonly (readonly [accountId: string, amount: Minor])[];
  credits: readonly (readonly [accountId: string, amount: Minor])[];
  /** store credit a refund paid onto an account: a new credit slip, unless the account exists */
  issued: readonly { accountId: string; saleId: string | null; currency: string }[];
};

/**
 * The outbox as this page last read it, per database: what each unsent event
 * adds, in seq order, and the chain's head then. The outbox is the journal
 * above `ackedSeq`, and the journal only changes at its head, so each read
 * needs only the events appended since and the acknowledgement:
 *
 *   read: ackedSeq, chainHead and the events above `through` — one request
 *         each, in one read transaction (one round trip)
 *     · events at or below ackedSeq are sent: their contributions go
 *     · new events add theirs, provided they continue the chain read before
 *       (the first one's `prev` is the head's hash then); otherwise the
 *       journal was re-sequenced (a lost journal taken up again,
 *       sync/lost-journal.ts) and the outbox is read whole again, once
 *
 * So it is correct whoever writes: another tab's sale appears as a new event,
 * the service worker's acknowledgement as a higher ackedSeq, and nothing here
 * depends on a writer remembering to update a running total.
 */
type Tally = { through: ChainHead; contributions: Contribution[] };
const tallies = new WeakMap<StoresideDb, Tally>();

export async function unsentTenders(db: StoresideDb): Promise<UnsentTenders> {
  const { issued, ...totals } = totalled(await currentContributions(db));
  return { ...totals, opened: issued.length === 0 ? new Map() : await openedAccounts(db, issued) };
}

/**
 * What the offline limits count of it: the card total taken offline and each
 * account's spend. Reads only meta and the journal, so a sale's commit can
 * check its limits in its own transaction (commit-sale.ts).
 */
export async function unsentSpending(db: StoresideDb): Promise<{ cardOffline: Minor; storedValue: Map<string, Minor> }> {
  const { cardOffline, storedValue } = totalled(await currentContributions(db));
  return { cardOffline, storedValue };
}

function totalled(contributions: readonly Contribution[]) {
  let cardOffline = 0;
  const storedValue = new Map<string, Minor>();
  const storedValueCredits = new Map<string, Minor>();
  const add = (totals: Map<string, Minor>, accountId: string, amount: Minor) => totals.set(accountId, (totals.get(accountId) ?? 0) + amount);
  const issued = new Map<string, Contribution['issued'][number]>();
  for (const contribution of contributions) {
    cardOffline += contribution.cardOffline;
    for (const [accountId, amount] of contribution.spends) add(storedValue, accountId, amount);
    for (const [accountId, amount] of contribution.credits) add(storedValueCredits, accountId, amount);
    for (const slip of contribution.issued) if (!issued.has(slip.accountId)) issued.set(slip.accountId, slip);
  }
  return { cardOffline, storedValue, storedValueCredits, issued: [...issued.values()] };
}

async function currentContributions(db: StoresideDb): Promise<readonly Contribution[]> {
  const tally = tallies.get(db);
  const read = await readWithin(db, [db.meta, db.journal], async () => {
    const [acked, head, appended] = await Promise.all([
      db.getMeta('ackedSeq'),
      db.getMeta('chainHead'),
      tally ? db.journal.where('seq').above(tally.through.seq).toArray() : undefined,
    ]);
    const ackedSeq = acked ?? 0;
    const chain = head ?? { seq: 0, hash: GENESIS_HASH };
    const continues = tally && appended && followsOn(tally.through, chain, appended);
    // First read on this page, or the journal was re-sequenced: the whole outbox, once.
    const events = continues ? appended : await db.journal.where('seq').above(ackedSeq).toArray();
    return { ackedSeq, chain, events, kept: continues ? tally.contributions : [] };
  });
  const contributions = [...read.kept, ...read.events.flatMap(contributionOf)].filter((contribution) => contribution.seq > read.ackedSeq);
  tallies.set(db, { through: read.chain, contributions });
  return contributions;
}

/** Whether the journal read now (`head`, and the events above `through`) is the one read before, grown at its head. */
function followsOn(through: ChainHead, head: ChainHead, appended: readonly StoreEvent[]): boolean {
  if (appended.length === 0) return head.seq === through.seq && head.hash === through.hash;
  return appended[0]!.seq === through.seq + 1 && appended[0]!.prev === through.hash && appended.at(-1)!.seq === head.seq;
}

function contributionOf(event: StoreEvent): Contribution[] {
  if (isSaleEvent(event)) {
    if (event.v !== 3) return [];
    let cardOffline = 0;
    const spends: [string, Minor][] = [];
    for (const tender of event.payload.tenders) {
      if (tender.kind === 'card' && tender.offline) cardOffline += tender.amount;
      if (tender.kind === 'gift_card' || tender.kind === 'store_credit') spends.push([tender.accountId, tender.amount]);
    }
    return [{ seq: event.seq, cardOffline, spends, credits: [], issued: [] }];
  }
  if (event.type !== 'refund.completed' && event.type !== 'sale.voided') return [];
  const credits: [string, Minor][] = [];
  const issued: Contribution['issued'][number][] = [];
  for (const tender of event.payload.tenders) {
    if (tender.kind !== 'gift_card' && tender.kind !== 'store_credit') continue;
    credits.push([tender.accountId, tender.amount]);
    // Only a refund issues a new credit slip; a void pays back the sale's own tenders, whose accounts exist.
    if (event.type === 'refund.completed' && tender.kind === 'store_credit') issued.push({ accountId: tender.accountId, saleId: event.payload.sale?.saleId ?? null, currency: event.payload.currency });
  }
  return [{ seq: event.seq, cardOffline: 0, spends: [], credits, issued }];
}

/** The credit slips unsent refunds issued whose accounts have not synced down yet, as the server will open them. */
async function openedAccounts(db: StoresideDb, issued: readonly Contribution['issued'][number][]): Promise<Map<string, StoredValueRecord>> {
  const synced = await db.storedValues.bulkGet(issued.map((slip) => slip.accountId));
  const opened = new Map<string, StoredValueRecord>();
  for (const [index, slip] of issued.entries()) {
    if (synced[index]) continue;
    // The server opens it for the original sale's customer where the return names a sale with one (ledger/stored-value-debits.ts).
    const customerId = slip.saleId === null ? null : ((await db.saleRecords.get(slip.saleId))?.customer?.id ?? (await db.sales.get(slip.saleId))?.customer?.id ?? null);
    opened.set(slip.accountId, { id: slip.accountId, kind: 'store_credit', last4: null, customerId, currency: slip.currency, balance: 0 });
  }
  return opened;
}
