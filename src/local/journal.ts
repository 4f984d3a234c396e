import * as v from 'valibot';
import type { Table } from 'dexie';
import { canonicalJson } from '../domain/canonical-json.ts';
import { EventSchema, GENESIS_HASH, nextEvent, type ChainHead, type NewEvent, type StoreEvent } from '../domain/events.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import { hlcTick, type Hlc } from '../domain/hlc.ts';
import { describeIssues } from '../protocol/describe-issues.ts';
import type { Enrollment, StoresideDb } from './db.ts';
import { webSha256Hex } from './web-sha256.ts';
import { foldKeptTillReport, tillReportFromJournal } from './till-report-projection.ts';
import { EventRefused } from './event-refused.ts';

export { EventRefused } from './event-refused.ts';

/** The device's clock and randomness, passed in so tests can fix them. */
export type DeviceEnv = { now: () => number; randomBytes: (count: number) => Uint8Array };

export const browserEnv: DeviceEnv = {
  now: () => Date.now(),
  randomBytes: (count) => crypto.getRandomValues(new Uint8Array(count)),
};

/** Where the next event goes: after `head`, stamped `hlc` (already ticked past the last one). */
export type ChainPosition = { enrollment: Enrollment; head: { seq: number; hash: string }; hlc: Hlc; now: number; receiptCounter: number };

/** An event ready to append, with what else the same transaction must write. */
export type DraftedEvent<T> = {
  event: StoreEvent;
  /** writes to `tables` that stand or fall with the event */
  write: () => Promise<unknown>;
  /** the receipt counter after this event, when it used one */
  receiptCounter?: number;
  result: T;
};

const GENESIS_HEAD = { seq: 0, hash: GENESIS_HASH };

/** What an append drafts on: the chain's head and what follows from it, as meta holds them. */
type ChainRead = { enrollment: Enrollment; head: ChainHead; lastHlc: Hlc; receiptCounter: number };

/**
 * The chain as this page's last append left it, per database. The next append
 * drafts on it without a read transaction of its own; its write transaction
 * reads the chain's meta anyway and goes ahead only if it is still this. Any
 * other writer of the chain (another tab's append, a lost journal taken up
 * again) changes the head, and the append drafts again on what it reads.
 */
const lastAppended = new WeakMap<StoresideDb, ChainRead>();

/**
 * Appends one event to the journal in ONE strict-durability transaction with
 * the writes it brings (a sale and its stock, a task step). Either both are
 * there and the event will be sent, or nothing happened.
 *
 * The event links to the chain's head by hash, and WebCrypto's digest is
 * asynchronous, which an IndexedDB transaction cannot wait for. So the event is
 * drafted and hashed from the head as last known (this page's last append, or
 * read), and the write transaction first checks that the chain is still at
 * that head; if another tab or the service worker changed it meanwhile, the
 * event is drafted again on the chain as it is.
 */
export async function appendEvent<T>(db: StoresideDb, env: DeviceEnv, tables: Table[], draft: (at: ChainPosition) => DraftedEvent<T>): Promise<T> {
  const [result] = await appendEvents(db, env, tables, [draft]);
  return result as T;
}

/**
 * Appends events that stand or fall together (an exchange: its return and its
 * new sale) in one transaction, each chained to the one before, as
 * `appendEvent` appends one. Each draft sees the position the previous left.
 *
 * The write transaction costs two round trips to the database whatever the
 * event (each is a hop to the database and back, and the page's thread may
 * be busy when the answer comes): the chain's meta, the kept till report and
 * any checks, read together with the events' own writes (`write` issues its
 * requests together, see commit-sale.ts); then the events and the new chain
 * meta with the folded report.
 */
export async function appendEvents(db: StoresideDb, env: DeviceEnv, tables: Table[], drafts: readonly ((at: ChainPosition) => DraftedEvent<unknown>)[]): Promise<unknown[]> {
  const outcome = await appendUnless(db, env, tables, drafts, null);
  if ('refused' in outcome) throw new Error('an append without a refusal was refused');
  return outcome.results;
}

/**
 * Why the device must not append now, read in the append's own write
 * transaction (e.g. an offline limit a sale reaches, or the till it needs
 * open): null lets it go ahead. Its reads are the transaction's, so they are
 * of the journal the event joins, and no other tab's append can come between
 * the check and the event. It must read only through `tables` (and meta and
 * the journal), without a transaction of its own (local/read-within.ts).
 */
export type AppendRefusal<R> = () => Promise<R | null>;

/** `appendEvent`, unless `refuse` finds a reason not to: then nothing is written, and the reason is returned. */
export async function appendEventUnless<T, R>(db: StoresideDb, env: DeviceEnv, tables: Table[], draft: (at: ChainPosition) => DraftedEvent<T>, refuse: AppendRefusal<R>): Promise<{ result: T } | { refused: R }> {
  const outcome = await appendUnless(db, env, tables, [draft], refuse);
  return 'refused' in outcome ? outcome : { result: outcome.results[0] as T };
}

async function appendUnless<R>(
  db: StoresideDb,
  env: DeviceEnv,
  tables: Table[],
  drafts: readonly ((at: ChainPosition) => DraftedEvent<unknown>)[],
  refuse: AppendRefusal<R> | null,
): Promise<{ results: unknown[] } | { refused: R }> {
  for (;;) {
    const chain = lastAppended.get(db) ?? (await readChain(db));
    const now = env.now();
    const start: ChainPosition = { enrollment: chain.enrollment, head: chain.head, hlc: hlcTick(chain.lastHlc, now), now, receiptCounter: chain.receiptCounter };
    let position = start;
    const drafted: DraftedEvent<unknown>[] = [];
    let lastHlc = start.hlc;
    for (const draft of drafts) {
      const next = draft(position);
      // The digest runs off this thread; the schema check runs meanwhile.
      const hashing = webSha256Hex(canonicalJson(next.event));
      // The server refuses a malformed event for good, and it would block this
      // device's outbox behind it: refuse it here, while the person is still there.
      const checked = v.safeParse(EventSchema, next.event);
      if (!checked.success) {
        hashing.catch(() => undefined); // refused: its digest is not wanted
        console.warn(`the journal refused a ${next.event.type} event: ${describeIssues(checked.issues)}`);
        throw new EventRefused(checked.issues.slice(0, 3).map((issue) => issue.message).join('; '));
      }
      const hash = await hashing;
      drafted.push(next);
      lastHlc = position.hlc;
      position = { ...position, head: { seq: next.event.seq, hash }, hlc: hlcTick(position.hlc, position.now), receiptCounter: next.receiptCounter ?? position.receiptCounter };
    }
    const events = drafted.map((next) => next.event);
    try {
      await db.transaction('rw', [db.meta, db.journal, ...tables], async () => {
        // The checks (the chain is still the one drafted on; nothing refuses) and the events' own writes go out
        // together, a round trip sooner than one after the other; a failed check aborts the transaction, which
        // takes the writes back. The journal's own records wait for the checks: a seq taken meanwhile is not
        // the database's to refuse, but this loop's to draft again.
        const checks = Promise.all([readChainMeta(db), db.getMeta('tillReport'), refuse ? refuse() : null]);
        const writes = (async () => {
          // One event's writes at a time: two events of an exchange may move the same product's stock.
          for (const next of drafted) await next.write();
        })();
        const [checked, written] = await Promise.allSettled([checks, writes]);
        if (checked.status === 'rejected') throw checked.reason;
        const [now, kept, refused] = checked.value;
        if (!sameChain(now, chain)) throw new NotAppended(null);
        if (refused !== null) throw new NotAppended({ refused });
        if (written.status === 'rejected') throw written.reason;
        // The kept report folded in memory, written with the chain's meta.
        const folded = foldKeptTillReport(kept, events);
        await Promise.all([
          db.journal.bulkAdd(events),
          db.meta.bulkPut([
            { key: 'chainHead', value: position.head },
            { key: 'hlc', value: lastHlc },
            ...(position.receiptCounter === start.receiptCounter ? [] : [{ key: 'receiptCounter' as const, value: position.receiptCounter }]),
            ...(folded ? [{ key: 'tillReport' as const, value: folded }] : []),
          ]),
        ]);
        if (!folded) await db.setMeta('tillReport', await tillReportFromJournal(db));
      });
    } catch (error) {
      if (!(error instanceof NotAppended)) throw error;
      if (error.refusal) return error.refusal as { refused: R };
      // The chain moved: draft again on it as it is.
      lastAppended.delete(db);
      continue;
    }
    lastAppended.set(db, { enrollment: chain.enrollment, head: position.head, lastHlc, receiptCounter: position.receiptCounter });
    return { results: drafted.map((next) => next.result) };
  }
}

/** Thrown inside an append's transaction to abort it, writes and all: the chain moved (`refusal` null), or a check refused. */
class NotAppended extends Error {
  constructor(readonly refusal: { refused: unknown } | null) {
    super(refusal ? 'the append was refused' : 'the chain moved while the event was drafted');
  }
}

async function readChain(db: StoresideDb): Promise<ChainRead> {
  const chain = await db.transaction('r', db.meta, () => readChainMeta(db));
  if (!chain.enrollment) throw new Error('this device is not enrolled');
  return chain as ChainRead;
}

/** The chain's meta, read together (one round trip) inside the caller's transaction. */
async function readChainMeta(db: StoresideDb): Promise<Omit<ChainRead, 'enrollment'> & { enrollment: Enrollment | undefined }> {
  const [enrollment, head, lastHlc, receiptCounter] = await Promise.all([db.getMeta('enrollment'), db.getMeta('chainHead'), db.getMeta('hlc'), db.getMeta('receiptCounter')]);
  return {
    enrollment,
    head: head ?? GENESIS_HEAD,
    lastHlc: lastHlc ?? { wallMs: 0, counter: 0, node: enrollment?.deviceId ?? '' },
    receiptCounter: receiptCounter ?? 0,
  };
}

/** Whether the chain's meta as read now is `drafted`'s: an append drafted on it may go ahead. */
function sameChain(now: Awaited<ReturnType<typeof readChainMeta>>, drafted: ChainRead): boolean {
  return (
    now.enrollment?.deviceId === drafted.enrollment.deviceId &&
    now.enrollment.storeId === drafted.enrollment.storeId &&
    now.head.seq === drafted.head.seq &&
    now.head.hash === drafted.head.hash &&
    now.lastHlc.wallMs === drafted.lastHlc.wallMs &&
    now.lastHlc.counter === drafted.lastHlc.counter &&
    now.lastHlc.node === drafted.lastHlc.node &&
    now.receiptCounter === drafted.receiptCounter
  );
}

/** An event's type and payload; `appendStaffEvent` adds the envelope. */
type EventBody<E = NewEvent> = E extends { type: infer T; payload: infer P } ? { type: T; payload: P } : never;

/**
 * Appends an event that changes nothing on the device but the journal (a task
 * step, a parked cart, a till's cash movement), made by `staff` now.
 */
export async function appendStaffEvent(
  db: StoresideDb,
  env: DeviceEnv,
  staff: { id: string },
  body: Exclude<EventBody, { type: 'sale.completed' }>,
  /** what else stands or falls with the event: writes to `tables` (meta and the journal are in every append) */
  also: { tables: Table[]; write: () => Promise<unknown> } = { tables: [], write: async () => {} },
): Promise<void> {
  await appendEvent(db, env, also.tables, ({ enrollment, head, hlc, now }) => ({
    event: nextEvent(head, { id: uuidv7(now, env.randomBytes(10)), deviceId: enrollment.deviceId, storeId: enrollment.storeId, staffId: staff.id, hlc, ...body } as NewEvent),
    result: undefined,
    write: also.write,
  }));
}
