import { nextEvent } from '../domain/events.ts';
import { sumMinor, type Minor } from '../domain/money.ts';
import { formatReceiptNumber } from '../domain/sale.ts';
import { saleRecordOf, type ReturnClaim, type SaleRecord } from '../domain/sale-record.ts';
import type { RefundCompletedPayload, RefundTender } from '../domain/sale-return.ts';
import { voidTenders, type SaleVoidedPayload } from '../domain/sale-void.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import type { StoreRecord } from '../protocol/entities.ts';
import type { StoresideDb } from './db.ts';
import { appendEvent, type ChainPosition, type DeviceEnv, type DraftedEvent } from './journal.ts';
import type { LocalReturn } from './local-return.ts';
import type { LocalSale } from './local-sale.ts';
import { moveStock } from './stock-moves.ts';

/** A sale of this till as the store's history records it, until the server's record arrives. */
export function ownSaleRecord(sale: LocalSale, deviceId: string): SaleRecord {
  return saleRecordOf(sale, { deviceId, hlc: '' });
}

/**
 * The sale as this till knows it now: the server's record (or this till's own
 * sale, not yet synced back), with the returns and voids made here that the
 * server's record does not show yet. What is left to return follows from it.
 */
export function withOwnReturns(record: SaleRecord, own: readonly LocalReturn[]): SaleRecord {
  const known = new Set(record.returns.map((claim) => claim.id));
  const unsent: ReturnClaim[] = own
    .filter((mine) => mine.saleId === record.id && !known.has(mine.id))
    .map((mine) => ({
      id: mine.id,
      kind: mine.kind,
      receiptNumber: mine.receiptNumber,
      deviceId: '',
      hlc: '',
      lines: mine.lines.flatMap((line) => (line.line === null ? [] : [{ line: line.line, quantity: line.quantity, amount: line.amount }])),
      tenders: mine.tenders,
      charged: [],
    }));
  return unsent.length === 0 ? record : { ...record, returns: [...record.returns, ...unsent] };
}

export type ReturnDraft = {
  sale: { record: SaleRecord; returnedBefore: number[] } | null;
  figures: Pick<RefundCompletedPayload, 'lines' | 'taxBreakdown' | 'tax' | 'total'>;
  tenders: RefundTender[];
  cashRounding: Minor;
  reason: string;
  approvedBy: string | null;
  staff: { id: string };
  store: StoreRecord;
};

/**
 * Completes a return: its `refund.completed` event, the units back on this
 * till's stock count and its record of the return, in one strict transaction.
 * The refund gets the till's next receipt number.
 */
export async function commitReturn(db: StoresideDb, env: DeviceEnv, draft: ReturnDraft): Promise<RefundCompletedPayload> {
  return appendEvent(db, env, [db.returns, db.stock], (position) => draftReturn(db, env, position, draft, uuidv7(position.now, env.randomBytes(10))));
}

/** A return's event as it would follow the chain at `position`, with its writes: its record here, its units back on the shelf count. */
export function draftReturn(db: StoresideDb, env: DeviceEnv, { enrollment, head, hlc, now, receiptCounter }: ChainPosition, draft: ReturnDraft, returnId: string): DraftedEvent<RefundCompletedPayload> {
  const counter = receiptCounter + 1;
  const payload: RefundCompletedPayload = {
    returnId,
    receiptNumber: formatReceiptNumber(draft.store.receiptPrefix, enrollment.deviceId, counter),
    currency: draft.store.currency,
    sale: draft.sale ? { saleId: draft.sale.record.id, receiptNumber: draft.sale.record.receiptNumber, returnedBefore: draft.sale.returnedBefore } : null,
    ...draft.figures,
    tenders: draft.tenders,
    cashRounding: draft.cashRounding,
    reason: draft.reason,
    approvedBy: draft.approvedBy,
    completedAt: now,
  };
  const event = nextEvent(head, { id: uuidv7(now, env.randomBytes(10)), deviceId: enrollment.deviceId, storeId: enrollment.storeId, staffId: draft.staff.id, hlc, type: 'refund.completed', payload });
  const mine: LocalReturn = {
    id: payload.returnId,
    saleId: payload.sale?.saleId ?? null,
    kind: 'return',
    receiptNumber: payload.receiptNumber,
    lines: payload.lines.map(({ line, sku, quantity, amount }) => ({ line, sku, quantity, amount })),
    tenders: payload.tenders,
    total: payload.total,
    completedAt: now,
  };
  return {
    event,
    receiptCounter: counter,
    result: payload,
    write: async () => {
      await db.returns.add(mine);
      await moveStock(db, payload.lines, 1);
    },
  };
}

/** Why a sale cannot be voided, as a value the till puts in words: what is left of it is returned instead. */
export type VoidProblem = { code: 'returned_already'; receiptNumber: string } | { code: 'paid_by_exchange' };

/**
 * Post-voids a sale with a manager's approval: a `sale.voided` event paying
 * back each of the sale's tenders, its units back on this till's stock count.
 * Refused (as a value) for a sale this till knows was returned or voided in
 * part or whole: what is left of it is returned instead.
 */
export async function commitVoid(
  db: StoresideDb,
  env: DeviceEnv,
  draft: { record: SaleRecord; reason: string; approvedBy: string; staff: { id: string } },
): Promise<SaleVoidedPayload | { problem: VoidProblem }> {
  const { record } = draft;
  if (record.returns.length > 0) return { problem: { code: 'returned_already', receiptNumber: record.receiptNumber } };
  const tenders = voidTenders(record.tenders);
  if ('error' in tenders) return { problem: { code: 'paid_by_exchange' } };
  return appendEvent(db, env, [db.returns, db.stock], ({ enrollment, head, hlc, now }) => {
    const payload: SaleVoidedPayload = {
      voidId: uuidv7(now, env.randomBytes(10)),
      sale: { saleId: record.id, receiptNumber: record.receiptNumber },
      tenders,
      total: sumMinor(tenders.map((tender) => tender.amount)),
      reason: draft.reason,
      approvedBy: draft.approvedBy,
      completedAt: now,
    };
    const event = nextEvent(head, { id: uuidv7(now, env.randomBytes(10)), deviceId: enrollment.deviceId, storeId: enrollment.storeId, staffId: draft.staff.id, hlc, type: 'sale.voided', payload });
    const mine: LocalReturn = {
      id: payload.voidId,
      saleId: record.id,
      kind: 'void',
      receiptNumber: record.receiptNumber,
      lines: record.lines.map((line, index) => ({ line: index, sku: line.sku, quantity: line.quantity, amount: line.paid })),
      tenders,
      total: payload.total,
      completedAt: now,
    };
    return {
      event,
      result: payload,
      write: async () => {
        await db.returns.add(mine);
        await moveStock(db, record.lines, 1);
      },
    };
  });
}
