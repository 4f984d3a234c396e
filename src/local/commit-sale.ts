import type { CartTotals } from '../domain/cart.ts';
import type { CashTender } from '../domain/tender.ts';
import * as v from 'valibot';
import { appendToChain, EventSchema, GENESIS_HASH, type StoreEvent } from '../domain/events.ts';
import { hlcTick } from '../domain/hlc.ts';
import { completedSalePayload, formatReceiptNumber } from '../domain/sale.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import { describeIssues } from '../protocol/describe-issues.ts';
import type { StoreRecord } from '../protocol/entities.ts';
import type { StoresideDb } from './db.ts';
import type { LocalSale } from './local-sale.ts';

export type SaleDraft = {
  totals: CartTotals;
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
 * journal event are written in ONE strict-durability transaction, and the event's
 * seq, hash-chain link and HLC are allocated inside it. Either the sale exists
 * and will be sent, or nothing happened.
 */
export async function commitSale(db: StoresideDb, draft: SaleDraft, env: DeviceEnv): Promise<{ sale: LocalSale; event: StoreEvent }> {
  return db.transaction('rw', [db.meta, db.sales, db.stock, db.journal], async () => {
    const enrollment = await db.getMeta('enrollment');
    if (!enrollment) throw new Error('this device is not enrolled');
    const head = (await db.getMeta('chainHead')) ?? { seq: 0, hash: GENESIS_HASH };
    const lastHlc = (await db.getMeta('hlc')) ?? { wallMs: 0, counter: 0, node: enrollment.deviceId };
    const counter = ((await db.getMeta('receiptCounter')) ?? 0) + 1;

    const now = env.now();
    const hlc = hlcTick(lastHlc, now);
    const saleId = uuidv7(now, env.randomBytes(10));
    const { totals, tender, staff, store } = draft;
    const payload = completedSalePayload({
      saleId,
      receiptNumber: formatReceiptNumber(store.receiptPrefix, enrollment.deviceId, counter),
      currency: store.currency,
      taxConfigVersion: store.taxConfig.version,
      totals,
      tenders: [tender],
      completedAt: now,
    });
    const { event, head: newHead } = appendToChain(head, {
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
    const sale: LocalSale = { ...payload, id: saleId, staffId: staff.id, staffName: staff.name, eventSeq: event.seq };

    await db.journal.add(event);
    await db.sales.add(sale);
    for (const line of payload.lines) {
      await db.stock.where('sku').equals(line.sku).modify((level) => void (level.onHand -= line.quantity));
    }
    await db.meta.bulkPut([
      { key: 'chainHead', value: newHead },
      { key: 'hlc', value: hlc },
      { key: 'receiptCounter', value: counter },
    ]);
    return { sale, event };
  });
}

/** Events committed on this device that the server has not acknowledged yet, oldest first. */
export async function pendingEvents(db: StoresideDb, limit: number): Promise<StoreEvent[]> {
  const acked = (await db.getMeta('ackedSeq')) ?? 0;
  return db.journal.where('seq').above(acked).limit(limit).toArray();
}

export async function pendingCount(db: StoresideDb): Promise<number> {
  return db.transaction('r', db.meta, async () => {
    const head = (await db.getMeta('chainHead'))?.seq ?? 0;
    const acked = (await db.getMeta('ackedSeq')) ?? 0;
    return Math.max(0, head - acked);
  });
}

