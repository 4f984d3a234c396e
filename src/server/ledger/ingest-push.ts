import { canonicalEvent, isSaleEvent, type EventOf, type EventType, type StoreEvent } from '../../domain/events.ts';
import type { DeviceReport, PushResult } from '../../protocol/messages.ts';
import { sha256Hex } from '../sha256.ts';
import { settleOversell } from '../conflicts/oversell.ts';
import { applyTaskEvent } from '../conflicts/task-claims.ts';
import { grantAllotments } from '../conflicts/escrow.ts';
import { applyCartEvent } from './parked-carts.ts';
import { applyCustomerEvent } from './customers.ts';
import { applySale, type StockDeltas } from './apply-sale.ts';
import { applyReturn, applyVoid } from './apply-return.ts';
import type { LedgerTx, ReadAhead } from './ledger-tx.ts';
import { currentSale } from '../../domain/sale.ts';
import { alarmUnmanagedApprovals } from './approvals.ts';
import { roleRefusal } from '../auth/device-roles.ts';

export type IngestOutcome =
  | { kind: 'acked'; ackedThroughSeq: number; results: PushResult[] }
  | { kind: 'gap'; expectedSeq: number };

/**
 * Applies one device's batch in seq order, exactly once (DESIGN.md "Sync protocol").
 * Runs inside the transaction that also records the ack, so a crash anywhere
 * leaves either the whole batch applied and acknowledged or none of it.
 *
 *   seq ≤ acked, same hash   → duplicate (a retry; success for the device)
 *   seq ≤ acked, other hash  → rejected and alarmed; the stored event stands
 *   seq = acked + 1          → applied, or rejected into quarantine with a
 *                              reason (one being that the device's role may
 *                              not journal it, auth/device-roles.ts); either
 *                              way the device's seq advances
 *   first new seq > acked+1  → gap: nothing is applied, the device resends
 *
 * `events` must already be sorted by seq without holes (the route checks it).
 */
export async function ingestPush(tx: LedgerTx, deviceId: string, events: readonly StoreEvent[], now: number, report?: DeviceReport): Promise<IngestOutcome> {
  const device = await tx.device(deviceId);
  if (!device) throw new Error(`device ${deviceId} vanished during a push`);
  const store = await tx.storeRecord(device.storeId);
  if (!store) throw new Error(`store ${device.storeId} of device ${deviceId} is missing`);

  const firstNew = events.find((event) => event.seq > device.ackedSeq);
  if (firstNew && firstNew.seq > device.ackedSeq + 1) return { kind: 'gap', expectedSeq: device.ackedSeq + 1 };

  await tx.readAhead(readAheadOf(events.filter((event) => event.seq > device.ackedSeq), device.storeId));

  let ackedSeq = device.ackedSeq;
  let headHash = device.headHash;
  const results: PushResult[] = [];
  const stockDeltas: StockDeltas = new Map();
  for (const event of events) {
    const { text, hash } = canonicalEvent(event, sha256Hex);
    if (event.seq <= ackedSeq) {
      const stored = await tx.eventAt(deviceId, event.seq);
      if (stored?.hash === hash && stored.status === 'applied') {
        results.push({ id: event.id, seq: event.seq, status: 'duplicate' });
      } else if (stored?.hash === hash) {
        // A resend of an event in quarantine: it stays there, and the device hears why again.
        results.push({ id: event.id, seq: event.seq, status: 'rejected', reason: stored.reason ?? 'quarantined' });
      } else {
        const reason = `seq ${event.seq} was already received with different content`;
        await tx.raiseAlarm({ kind: 'conflicting_duplicate', storeId: device.storeId, deviceId, seq: event.seq, detail: `${reason}; event ${event.id} not applied`, body: text, at: now });
        results.push({ id: event.id, seq: event.seq, status: 'rejected', reason });
      }
      continue;
    }

    const row = { deviceId, seq: event.seq, id: event.id, storeId: event.storeId, type: event.type, hlc: event.hlc, hash, body: text, receivedAt: now };
    let reason: string | null = null;
    if (event.prev !== headHash) {
      reason = `event does not follow the device's previous event (hash chain broken at seq ${event.seq})`;
      await tx.raiseAlarm({ kind: 'chain_broken', storeId: device.storeId, deviceId, seq: event.seq, detail: reason, at: now });
      await tx.quarantineEvent(row, reason);
    } else if ((reason = roleRefusal(device.role, event)) !== null) {
      // A kiosk's token journaling what only an associate may: a tampered or misused kiosk. Its queue goes on.
      await tx.raiseAlarm({ kind: 'forbidden_for_role', storeId: device.storeId, deviceId, seq: event.seq, detail: `event ${event.id}: ${reason}`, at: now });
      await tx.quarantineEvent(row, reason);
    } else if (!(await tx.insertAppliedEvent(row))) {
      reason = `event id ${event.id} is already used by another event`;
      await tx.quarantineEvent(row, reason);
    } else {
      // Recorded as applied first (that is what claims its id); moved to quarantine if it cannot be.
      reason = await applyEvent(event, { tx, store, stockDeltas, now });
      if (reason) await tx.markQuarantined(deviceId, event.seq, reason);
    }
    if (reason) republishStock(event, stockDeltas);
    results.push(reason ? { id: event.id, seq: event.seq, status: 'rejected', reason } : { id: event.id, seq: event.seq, status: 'applied' });
    ackedSeq = event.seq;
    headHash = hash;
  }
  if (stockDeltas.size > 0) {
    const { unknown, onHand } = await tx.adjustStock(device.storeId, stockDeltas);
    for (const [sku, level] of onHand) {
      if (level < 0 && (stockDeltas.get(sku) ?? 0) < 0) await settleOversell(tx, device.storeId, sku, level, now);
    }
    for (const sku of unknown) {
      if (stockDeltas.get(sku) === 0) continue; // only republished, nothing sold
      const detail = `sold ${-stockDeltas.get(sku)!} of ${sku}, which store ${device.storeId} does not stock; its count was not changed`;
      await tx.raiseAlarm({ kind: 'unknown_sku', storeId: device.storeId, deviceId, seq: null, detail, at: now });
    }
  }
  if (ackedSeq !== device.ackedSeq) await tx.advanceDevice(deviceId, ackedSeq, headHash, now);
  const sold = new Map([...stockDeltas].filter(([, delta]) => delta < 0).map(([sku, delta]) => [sku, -delta]));
  await grantAllotments(tx, device.storeId, deviceId, ackedSeq, sold, now);
  if (report) {
    // Once this batch is acknowledged, the backlog the device spoke of may be gone.
    const drained = ackedSeq >= report.headSeq;
    await tx.recordDeviceReport(deviceId, { headSeq: report.headSeq, clockOffsetMs: now - report.time, oldestUnsentAt: drained ? null : report.oldestUnsentAt }, now);
  }
  return { kind: 'acked', ackedThroughSeq: ackedSeq, results };
}

/** What applying these events will look up: the ledger reads it for all of them at once. */
function readAheadOf(events: readonly StoreEvent[], storeId: string): ReadAhead {
  const sales = events.filter(isSaleEvent).map((event) => ({ event, sale: currentSale(event) }));
  return {
    eventIds: events.map((event) => event.id),
    saleIds: sales.map(({ sale }) => sale.saleId),
    // Version 1 and 2 sales carry no token of their own (apply-sale.ts).
    receiptTokens: sales.filter(({ event }) => event.v === 3).map(({ sale }) => sale.receiptToken),
    prices: { storeId, lines: sales.flatMap(({ sale }) => sale.lines.map((line) => ({ sku: line.sku, version: line.priceVersion }))) },
  };
}

/**
 * The device took a quarantined sale's units off its own count when it sold
 * them (and put a quarantined return's back). A zero movement republishes the
 * server's level for those SKUs, so the device's next pull puts its count back
 * to the truth.
 */
function republishStock(event: StoreEvent, stockDeltas: StockDeltas): void {
  if (!isSaleEvent(event) && event.type !== 'refund.completed') return;
  for (const line of event.payload.lines) stockDeltas.set(line.sku, stockDeltas.get(line.sku) ?? 0);
}

/** What applying an event needs besides the event: the transaction, the device's store, the batch's stock movements, the time. */
type LedgerContext = { tx: LedgerTx; store: Parameters<typeof applySale>[2]; stockDeltas: StockDeltas; now: number };

/**
 * What applying an event of each type does: null once applied, or why it
 * cannot be (it goes to quarantine). Typed over every event type, so a new type
 * does not compile until it says what the ledger does with it.
 */
const APPLY: { [T in EventType]: (event: EventOf<T>, context: LedgerContext) => Promise<string | null> } = {
  'sale.completed': (event, { tx, store, stockDeltas, now }) => applySale(tx, event, store, stockDeltas, now),
  'task.claimed': (event, { tx }) => applyTaskEvent(tx, event),
  'task.completed': (event, { tx }) => applyTaskEvent(tx, event),
  'cart.parked': (event, { tx }) => applyCartEvent(tx, event),
  'cart.resumed': (event, { tx }) => applyCartEvent(tx, event),
  'customer.created': (event, { tx }) => applyCustomerEvent(tx, event),
  'till.cash_moved': async (event, { tx, now }) => {
    // The drawer was opened already: an approver who is not a manager is HQ's to hear of, not a refusal.
    if (event.payload.kind === 'no_sale') await alarmUnmanagedApprovals(tx, event, [{ what: `no sale (drawer opened: ${event.payload.reason})`, approvedBy: event.payload.approvedBy }], now);
    return null;
  },
  // The journal is the record: a session's report is computed from its events (domain/till-session.ts).
  'till.opened': async () => null,
  'till.closed': async () => null,
  'refund.completed': (event, { tx, store, stockDeltas, now }) => applyReturn(tx, event, store, stockDeltas, now),
  'sale.voided': (event, { tx, store, stockDeltas, now }) => applyVoid(tx, event, store, stockDeltas, now),
  // Whether the card was charged is for the terminal's batch to say: HQ reconciles it, and hears of an approver who is no manager.
  'payment.released': async (event, { tx, now }) => {
    const { charge, reason, approvedBy, terminalAnswer } = event.payload;
    await alarmUnmanagedApprovals(tx, event, [{ what: `releasing card charge ${charge.terminalRef}`, approvedBy }], now);
    await tx.raiseAlarm({
      kind: 'card_charge_released',
      storeId: event.storeId,
      deviceId: event.deviceId,
      seq: event.seq,
      detail: `card charge ${charge.terminalRef} (${charge.brand} •••• ${charge.last4}, ${charge.amount} ${event.payload.currency} minor units) was released from a sale by ${approvedBy} (${reason}); the terminal had answered: ${terminalAnswer}. Check it against the terminal's batch.`,
      at: now,
    });
    return null;
  },
};

function applyEvent(event: StoreEvent, context: LedgerContext): Promise<string | null> {
  // Each entry takes only its own type's events, which TypeScript cannot follow through the lookup.
  const apply = APPLY[event.type] as (event: StoreEvent, context: LedgerContext) => Promise<string | null>;
  return apply(event, context);
}
