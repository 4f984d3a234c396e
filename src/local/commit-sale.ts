import type { PricingContext, SaleTotals } from '../domain/pricing/index.ts';
import type { CashTender } from '../domain/tender.ts';
import * as v from 'valibot';
import { canonicalJson } from '../domain/canonical-json.ts';
import { EventSchema, GENESIS_HASH, nextEvent, type StoreEvent } from '../domain/events.ts';
import { hlcTick, parseHlc } from '../domain/hlc.ts';
import { completedSalePayload, formatReceiptNumber } from '../domain/sale.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import { describeIssues } from '../protocol/describe-issues.ts';
import type { StoreRecord } from '../protocol/entities.ts';
import type { StoresideDb } from './db.ts';
import { redeemedCouponsOf, type LocalSale } from './local-sale.ts';
import { webSha256Hex } from './web-sha256.ts';

export type SaleDraft = {
  totals: SaleTotals;
  /** what the totals were priced with, recorded so the server can price the sale the same way */
  context: PricingContext;
  tender: CashTender;
  staff: { id: string; name: string };
  store: StoreRecord;
};

/** The device's clock and randomness, passed in so tests can fix them. */
export type DeviceEnv = { now: () => number; randomBytes: (count: number) => Uint8Array };

export const browserEnv: DeviceEnv = {
  now: () => Date.now(),
  randomBytes: (count) => crypto.getRandomValues(new Uint8Array(count)),
};

/**
 * Completes a sale: the sale, its stock decrements and its `sale.completed`
 * journal event are written in ONE strict-durability transaction. Either the
 * sale exists and will be sent, or nothing happened.
 *
 * The event links to the chain's head by hash, and WebCrypto's digest is
 * asynchronous, which an IndexedDB transaction cannot wait for. So the event is
 * built and hashed from the head as it was read, and the write transaction
 * first checks that the head is still that one; if another tab or the service
 * worker extended the chain meanwhile, the event is built again on the new head.
 */
export async function commitSale(db: StoresideDb, draft: SaleDraft, env: DeviceEnv): Promise<{ sale: LocalSale; event: StoreEvent }> {
  for (;;) {
    const { sale, event, counter, hlc } = await draftEvent(db, draft, env);
    const hash = await webSha256Hex(canonicalJson(event));
    const committed = await db.transaction('rw', [db.meta, db.sales, db.stock, db.journal], async () => {
      const head = (await db.getMeta('chainHead')) ?? GENESIS_HEAD;
      if (head.seq !== event.seq - 1) return false;
      await db.journal.add(event);
      await db.sales.add(sale);
      for (const line of sale.lines) {
        await db.stock.where('sku').equals(line.sku).modify((level) => void (level.onHand -= line.quantity));
      }
      await db.meta.bulkPut([
        { key: 'chainHead', value: { seq: event.seq, hash } },
        { key: 'hlc', value: hlc },
        { key: 'receiptCounter', value: counter },
      ]);
      return true;
    });
    if (committed) return { sale, event };
  }
}

const GENESIS_HEAD = { seq: 0, hash: GENESIS_HASH };

/** The sale and its event as they would follow the chain's current head. */
async function draftEvent(db: StoresideDb, draft: SaleDraft, env: DeviceEnv) {
  const { enrollment, head, lastHlc, counter } = await db.transaction('r', db.meta, async () => {
    const enrollment = await db.getMeta('enrollment');
    if (!enrollment) throw new Error('this device is not enrolled');
    return {
      enrollment,
      head: (await db.getMeta('chainHead')) ?? GENESIS_HEAD,
      lastHlc: (await db.getMeta('hlc')) ?? { wallMs: 0, counter: 0, node: enrollment.deviceId },
      counter: ((await db.getMeta('receiptCounter')) ?? 0) + 1,
    };
  });
  const now = env.now();
  const hlc = hlcTick(lastHlc, now);
  const saleId = uuidv7(now, env.randomBytes(10));
  const { totals, context, tender, staff, store } = draft;
  const payload = completedSalePayload({
    saleId,
    receiptNumber: formatReceiptNumber(store.receiptPrefix, enrollment.deviceId, counter),
    currency: store.currency,
    totals,
    pricing: { at: context.at, staffPurchase: context.staffPurchase ?? false, manualDiscounts: [...(context.manualDiscounts ?? [])] },
    tenders: [tender],
    completedAt: now,
  });
  const event = nextEvent(head, {
    id: uuidv7(now, env.randomBytes(10)),
    deviceId: enrollment.deviceId,
    storeId: enrollment.storeId,
    staffId: staff.id,
    hlc,
    type: 'sale.completed',
    payload,
  });
  // The server refuses a malformed event for good, and it would block this
  // device's outbox behind it: refuse it here, while the customer is still at the till.
  const checked = v.safeParse(EventSchema, event);
  if (!checked.success) throw new Error(describeIssues(checked.issues));
  const sale: LocalSale = { ...payload, id: saleId, staffId: staff.id, staffName: staff.name, eventSeq: event.seq, redeemedCoupons: redeemedCouponsOf(payload) };
  return { sale, event, counter, hlc };
}

/** Events committed on this device that the server has not acknowledged yet, oldest first. */
export async function pendingEvents(db: StoresideDb, limit: number): Promise<StoreEvent[]> {
  const acked = (await db.getMeta('ackedSeq')) ?? 0;
  return db.journal.where('seq').above(acked).limit(limit).toArray();
}

export async function pendingCount(db: StoresideDb): Promise<number> {
  return (await outboxState(db)).count;
}

/** How many events wait to be sent, and when the oldest of them was made (device clock), in one read. */
export async function outboxState(db: StoresideDb): Promise<{ count: number; oldestAt: number | null }> {
  return db.transaction('r', db.meta, db.journal, async () => {
    const head = (await db.getMeta('chainHead'))?.seq ?? 0;
    const acked = (await db.getMeta('ackedSeq')) ?? 0;
    const count = Math.max(0, head - acked);
    const oldest = count > 0 ? await db.journal.get(acked + 1) : undefined;
    return { count, oldestAt: oldest ? (parseHlc(oldest.hlc)?.wallMs ?? null) : null };
  });
}

