import type { PricingContext, SaleTotals } from '../domain/pricing/index.ts';
import type { TenderRecord } from '../domain/tender.ts';
import type { Minor } from '../domain/money.ts';
import { nextEvent, type StoreEvent } from '../domain/events.ts';
import { parseHlc } from '../domain/hlc.ts';
import { completedSalePayload, formatReceiptNumber, type SaleOverride } from '../domain/sale.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import type { StoreRecord } from '../protocol/entities.ts';
import type { StoresideDb } from './db.ts';
import { appendEvent, type ChainPosition, type DeviceEnv } from './journal.ts';
import { redeemedCouponsOf, type LocalSale } from './local-sale.ts';
import { dropOpenCharges } from './open-charges.ts';
import { moveStock } from './stock-moves.ts';

export type SaleDraft = {
  totals: SaleTotals;
  /** what the totals were priced with, recorded so the server can price the sale the same way */
  context: PricingContext;
  /** how it was paid; Σ amount = total + cashRounding (split-tender.ts) */
  tenders: TenderRecord[];
  cashRounding: Minor;
  customer: { id: string; name: string } | null;
  /** serial numbers and notes, by line index */
  lineDetails?: ReadonlyMap<number, { serial?: string; note?: string }>;
  overrides: SaleOverride[];
  staff: { id: string; name: string };
  store: StoreRecord;
};

/**
 * Completes a sale: the sale, its stock decrements and its `sale.completed`
 * journal event are written in one strict transaction (journal.ts). Either the
 * sale exists and will be sent, or nothing happened.
 */
export async function commitSale(db: StoresideDb, draft: SaleDraft, env: DeviceEnv): Promise<{ sale: LocalSale; event: StoreEvent }> {
  return appendEvent(db, env, [db.sales, db.stock, db.cartDrafts], (position) => {
    const { sale, event, counter } = draftSale(position, draft, env);
    return {
      event,
      receiptCounter: counter,
      result: { sale, event },
      write: async () => {
        await db.sales.add(sale);
        // The card payments it took are no longer open charges: in this transaction, so never both or neither.
        await dropOpenCharges(db, sale.tenders.flatMap((tender) => (tender.kind === 'card' ? [tender.terminalRef] : [])));
        await moveStock(db, sale.lines, -1);
        // The cart in progress is a sale now: a reload after this must not bring it back to be rung up twice.
        await db.cartDrafts.delete(draft.staff.id);
      },
    };
  });
}

/** The sale and its event as they would follow the chain at `position`; an exchange names the sale's id before it is drafted. */
export function draftSale({ enrollment, head, hlc, now, receiptCounter }: ChainPosition, draft: SaleDraft, env: DeviceEnv, saleId = uuidv7(now, env.randomBytes(10))) {
  const counter = receiptCounter + 1;
  const { totals, context, staff, store } = draft;
  const payload = completedSalePayload({
    saleId,
    receiptNumber: formatReceiptNumber(store.receiptPrefix, enrollment.deviceId, counter),
    currency: store.currency,
    totals,
    pricing: { at: context.at, staffPurchase: context.staffPurchase ?? false, manualDiscounts: [...(context.manualDiscounts ?? [])] },
    tenders: draft.tenders,
    cashRounding: draft.cashRounding,
    customer: draft.customer,
    ...(draft.lineDetails ? { lineDetails: draft.lineDetails } : {}),
    receiptToken: hex(env.randomBytes(16)),
    overrides: draft.overrides,
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
  const sale: LocalSale = { ...payload, id: saleId, staffId: staff.id, staffName: staff.name, eventSeq: event.seq, redeemedCoupons: redeemedCouponsOf(payload) };
  return { sale, event, counter };
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
