import * as v from 'valibot';
import type { Table } from 'dexie';
import { canonicalJson } from '../domain/canonical-json.ts';
import { EventSchema, GENESIS_HASH, nextEvent, type NewEvent, type StoreEvent } from '../domain/events.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import { hlcTick, type Hlc } from '../domain/hlc.ts';
import { describeIssues } from '../protocol/describe-issues.ts';
import type { Enrollment, StoresideDb } from './db.ts';
import { webSha256Hex } from './web-sha256.ts';
import { advanceTillReport } from './till-report-projection.ts';
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

/**
 * Appends one event to the journal in ONE strict-durability transaction with
 * the writes it brings (a sale and its stock, a task step). Either both are
 * there and the event will be sent, or nothing happened.
 *
 * The event links to the chain's head by hash, and WebCrypto's digest is
 * asynchronous, which an IndexedDB transaction cannot wait for. So the event is
 * drafted and hashed from the head as it was read, and the write transaction
 * first checks that the head is still that one; if another tab or the service
 * worker extended the chain meanwhile, the event is drafted again on the new head.
 */
export async function appendEvent<T>(db: StoresideDb, env: DeviceEnv, tables: Table[], draft: (at: ChainPosition) => DraftedEvent<T>): Promise<T> {
  const [result] = await appendEvents(db, env, tables, [draft]);
  return result as T;
}

/**
 * Appends events that stand or fall together (an exchange: its return and its
 * new sale) in one transaction, each chained to the one before, as
 * `appendEvent` appends one. Each draft sees the position the previous left.
 */
export async function appendEvents(db: StoresideDb, env: DeviceEnv, tables: Table[], drafts: readonly ((at: ChainPosition) => DraftedEvent<unknown>)[]): Promise<unknown[]> {
  for (;;) {
    const start = await chainPosition(db, env);
    let position = start;
    const drafted: DraftedEvent<unknown>[] = [];
    let lastHlc = start.hlc;
    for (const draft of drafts) {
      const next = draft(position);
      // The server refuses a malformed event for good, and it would block this
      // device's outbox behind it: refuse it here, while the person is still there.
      const checked = v.safeParse(EventSchema, next.event);
      if (!checked.success) {
        console.warn(`the journal refused a ${next.event.type} event: ${describeIssues(checked.issues)}`);
        throw new EventRefused(checked.issues.slice(0, 3).map((issue) => issue.message).join('; '));
      }
      const hash = await webSha256Hex(canonicalJson(next.event));
      drafted.push(next);
      lastHlc = position.hlc;
      position = { ...position, head: { seq: next.event.seq, hash }, hlc: hlcTick(position.hlc, position.now), receiptCounter: next.receiptCounter ?? position.receiptCounter };
    }
    const committed = await db.transaction('rw', [db.meta, db.journal, ...tables], async () => {
      const head = (await db.getMeta('chainHead')) ?? GENESIS_HEAD;
      if (head.seq !== start.head.seq) return false;
      for (const next of drafted) {
        await db.journal.add(next.event);
        await next.write();
        await advanceTillReport(db, next.event);
      }
      await db.meta.bulkPut([
        { key: 'chainHead', value: position.head },
        { key: 'hlc', value: lastHlc },
        ...(position.receiptCounter === start.receiptCounter ? [] : [{ key: 'receiptCounter' as const, value: position.receiptCounter }]),
      ]);
      return true;
    });
    if (committed) return drafted.map((next) => next.result);
  }
}

async function chainPosition(db: StoresideDb, env: DeviceEnv): Promise<ChainPosition> {
  const read = await db.transaction('r', db.meta, async () => {
    const enrollment = await db.getMeta('enrollment');
    if (!enrollment) throw new Error('this device is not enrolled');
    return {
      enrollment,
      head: (await db.getMeta('chainHead')) ?? GENESIS_HEAD,
      lastHlc: (await db.getMeta('hlc')) ?? { wallMs: 0, counter: 0, node: enrollment.deviceId },
      receiptCounter: (await db.getMeta('receiptCounter')) ?? 0,
    };
  });
  const now = env.now();
  return { enrollment: read.enrollment, head: read.head, hlc: hlcTick(read.lastHlc, now), now, receiptCounter: read.receiptCounter };
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
