import type { StoreEvent } from '../../domain/events.ts';
import { sumMinor } from '../../domain/money.ts';
import { returnableSale, type ReturnClaim, type SaleRecord } from '../../domain/sale-record.ts';
import { returnProblem, withinReturnWindow } from '../../domain/sale-return.ts';
import { voidProblem } from '../../domain/sale-void.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { createPromotionBook, priceSale } from '../../domain/pricing/index.ts';
import { refundTenderProblem } from '../../domain/refund-check.ts';
import { settleReturnClaim } from '../conflicts/return-claims.ts';
import type { StockDeltas } from './apply-sale.ts';
import type { LedgerTx } from './ledger-tx.ts';
import { creditStoredValue } from './stored-value-debits.ts';
import { approverProblem } from './approvals.ts';

type RefundEvent = Extract<StoreEvent, { type: 'refund.completed' }>;
type VoidEvent = Extract<StoreEvent, { type: 'sale.voided' }>;

/**
 * Books a return: checked against the original sale as the store's history has
 * it (the sale exists in this store; the till's figures are the engine's
 * allocation for the units it knew were left; within the return window or
 * approved by a manager), or, without a receipt, against today's price. Units
 * another till took back meanwhile make a conflict, not a rejection
 * (conflicts/return-claims.ts). Returned units go back into stock, and money
 * refunded to a gift card or store credit back onto it (a new credit slip's
 * account is opened). Returns a rejection reason, or null.
 */
export async function applyReturn(tx: LedgerTx, event: RefundEvent, store: StoreRecord, stockDeltas: StockDeltas, now: number): Promise<string | null> {
  const reason = await bookReturn(tx, event, store, stockDeltas, now);
  const carried = event.payload.tenders.find((tender) => tender.kind === 'exchange');
  if (reason && carried) {
    // The exchange's new sale is booked already, paid by this return's value: its goods left the store unpaid.
    const detail = `return ${event.payload.returnId} was refused (${reason}), so exchange sale ${carried.saleId} is paid ${carried.amount} by a return that is not booked`;
    await tx.raiseAlarm({ kind: 'exchange_unbacked', storeId: store.id, deviceId: event.deviceId, seq: event.seq, detail, at: now });
  }
  return reason;
}

async function bookReturn(tx: LedgerTx, event: RefundEvent, store: StoreRecord, stockDeltas: StockDeltas, now: number): Promise<string | null> {
  const refund = event.payload;
  if (refund.currency !== store.currency) return `return is in ${refund.currency} but store ${store.id} sells in ${store.currency}`;
  if (refund.approvedBy !== null) {
    const notManager = await approverProblem(tx, store.id, refund.approvedBy);
    if (notManager) return notManager;
  }
  let claim: { record: SaleRecord; claim: ReturnClaim } | null = null;
  if (refund.sale) {
    const record = await tx.sliceRecord(store.id, 'sale_record', refund.sale.saleId);
    if (!record) return `store ${store.id} has no sale ${refund.sale.saleId} to return`;
    if (record.receiptNumber !== refund.sale.receiptNumber) return `sale ${record.id} is receipt ${record.receiptNumber}, not ${refund.sale.receiptNumber}`;
    const problem = returnProblem(refund, returnableSale(record));
    if (problem) return problem;
    if (!withinReturnWindow(record.completedAt, refund.completedAt, store.returnDays) && refund.approvedBy === null) {
      return `sale ${record.receiptNumber} is past the store's ${store.returnDays}-day return window and no manager approved the return`;
    }
    const lines = refund.lines.map((line) => ({ line: line.line!, quantity: line.quantity, amount: line.amount }));
    claim = { record, claim: { id: refund.returnId, kind: 'return', receiptNumber: refund.receiptNumber, deviceId: event.deviceId, hlc: event.hlc, lines, tenders: refund.tenders, charged: [] } };
  } else {
    for (const [index, line] of refund.lines.entries()) {
      const product = await tx.currentPrice(store.id, line.sku);
      if (product === null) return `return line ${index + 1}: store ${store.id} has no product ${line.sku}`;
      // Without a receipt a unit is refunded at most what it costs today, tax included, priced by the
      // store's own rules: the till's split into amount and tax is not taken on trust.
      const today = priceSale([{ sku: line.sku, name: line.name, quantity: line.quantity, unitPrice: product.price, priceVersion: product.version, category: product.category, taxCategory: product.taxCategory }], createPromotionBook([], store.id), store.taxConfig, { at: refund.completedAt });
      const paid = today.lines[0]!.paid;
      if (line.amount > paid) return `return line ${index + 1} refunds ${line.amount} for ${line.quantity} × ${line.sku}, more than the ${paid} they cost today`;
      if (line.tax < 0 || line.tax > line.amount) return `return line ${index + 1} gives back ${line.tax} tax on a refund of ${line.amount}`;
    }
  }
  const tendersWrong = refundTenderProblem(refund.tenders, refund.cashRounding, claim ? claim.record : null, store.cashCoin);
  if (tendersWrong) return tendersWrong;
  // Store credit the sale was not paid with is the store's fallback: always a new slip, never money moved
  // onto an account someone already holds.
  const paidAccounts = new Set((claim?.record.tenders ?? []).flatMap((tender) => (tender.kind === 'store_credit' ? [tender.accountId] : [])));
  for (const tender of refund.tenders) {
    if (tender.kind !== 'store_credit' || paidAccounts.has(tender.accountId)) continue;
    if (await tx.sliceRecord(store.id, 'stored_value', tender.accountId)) return `the refund's new store credit names account ${tender.accountId}, which exists already`;
  }
  for (const tender of refund.tenders) {
    if (tender.kind !== 'exchange') continue;
    // The exchange's new sale comes first in the till's journal and names this return for the same value.
    const sale = await tx.sliceRecord(store.id, 'sale_record', tender.saleId);
    const paid = sale?.tenders.find((paidWith) => paidWith.kind === 'exchange' && paidWith.returnId === refund.returnId);
    if (!paid) return `the exchange's new sale ${tender.saleId} is not booked in store ${store.id} with this return's value`;
    if (paid.amount !== tender.amount) return `the exchange carries ${tender.amount} into sale ${tender.saleId}, which took ${paid.amount} from it`;
  }
  const booked = await tx.insertReturn(
    {
      id: refund.returnId,
      eventId: event.id,
      kind: 'return',
      storeId: store.id,
      deviceId: event.deviceId,
      staffId: event.staffId,
      approvedBy: refund.approvedBy,
      saleId: refund.sale?.saleId ?? null,
      receiptNumber: refund.receiptNumber,
      total: refund.total,
      tax: refund.tax,
      reason: refund.reason,
      completedAt: refund.completedAt,
      hlc: event.hlc,
    },
    refund.tenders,
  );
  if (!booked) return `return ${refund.returnId} is already booked by another event`;
  if (claim) await settleReturnClaim(tx, store.id, claim.record, claim.claim, now);
  const credited = { what: `return ${refund.receiptNumber}`, tenders: refund.tenders, customerId: claim?.record.customer?.id ?? null };
  await creditStoredValue(tx, credited, store, { deviceId: event.deviceId, seq: event.seq }, now);
  for (const line of refund.lines) stockDeltas.set(line.sku, (stockDeltas.get(line.sku) ?? 0) + line.quantity);
  return null;
}

/**
 * Books a post-void: a manager took back a whole sale of this store, paying
 * back each of its tenders. Never deletes the sale: the void is booked beside
 * it, every unit goes back into stock, and the sale's record says it was
 * voided; gift card and store credit it was paid with are credited back. Units another till returned meanwhile are settled by HLC like two
 * returns of one line. Returns a rejection reason, or null.
 */
export async function applyVoid(tx: LedgerTx, event: VoidEvent, store: StoreRecord, stockDeltas: StockDeltas, now: number): Promise<string | null> {
  const voided = event.payload;
  const record = await tx.sliceRecord(store.id, 'sale_record', voided.sale.saleId);
  if (!record) return `store ${store.id} has no sale ${voided.sale.saleId} to void`;
  if (record.receiptNumber !== voided.sale.receiptNumber) return `sale ${voided.sale.saleId} is receipt ${record.receiptNumber}, not ${voided.sale.receiptNumber}`;
  const notManager = await approverProblem(tx, store.id, voided.approvedBy);
  if (notManager) return notManager;
  const problem = voidProblem(voided, record.tenders);
  if (problem) return problem;
  const booked = await tx.insertReturn(
    {
      id: voided.voidId,
      eventId: event.id,
      kind: 'void',
      storeId: store.id,
      deviceId: event.deviceId,
      staffId: event.staffId,
      approvedBy: voided.approvedBy,
      saleId: record.id,
      receiptNumber: record.receiptNumber,
      total: voided.total,
      tax: sumMinor(record.lines.flatMap((line) => line.taxParts)),
      reason: voided.reason,
      completedAt: voided.completedAt,
      hlc: event.hlc,
    },
    voided.tenders,
  );
  if (!booked) return `void ${voided.voidId} is already booked by another event`;
  const lines = record.lines.map((line, index) => ({ line: index, quantity: line.quantity, amount: line.paid }));
  await settleReturnClaim(tx, store.id, record, { id: voided.voidId, kind: 'void', receiptNumber: record.receiptNumber, deviceId: event.deviceId, hlc: event.hlc, lines, tenders: voided.tenders, charged: [] }, now);
  const credited = { what: `void of sale ${record.receiptNumber}`, tenders: voided.tenders, customerId: record.customer?.id ?? null };
  await creditStoredValue(tx, credited, store, { deviceId: event.deviceId, seq: event.seq }, now);
  for (const line of record.lines) stockDeltas.set(line.sku, (stockDeltas.get(line.sku) ?? 0) + line.quantity);
  return null;
}
