import type { PricingContext, SaleTotals } from '../domain/pricing/index.ts';
import type { TenderRecord } from '../domain/tender.ts';
import type { Minor } from '../domain/money.ts';
import { nextEvent, type StoreEvent } from '../domain/events.ts';
import { parseHlc } from '../domain/hlc.ts';
import { completedSalePayload, formatReceiptNumber, type SaleOverride } from '../domain/sale.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import type { StoreRecord } from '../protocol/entities.ts';
import type { StoresideDb } from './db.ts';
import type { Table } from 'dexie';
import { appendEvent, appendEventUnless, type AppendRefusal, type ChainPosition, type DeviceEnv, type DraftedEvent } from './journal.ts';
import { redeemedCouponsOf, type LocalSale } from './local-sale.ts';
import { dropKeptCharges } from './open-charges.ts';
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
  /** the digital receipt's token, drawn ahead (`newReceiptToken`) so its QR code is ready when the sale completes; drawn here if absent */
  receiptToken?: string;
};

/**
 * Completes a sale: the sale, its stock decrements and its `sale.completed`
 * journal event are written in one strict transaction (journal.ts). Either the
 * sale exists and will be sent, or nothing happened.
 */
export async function commitSale(db: StoresideDb, draft: SaleDraft, env: DeviceEnv): Promise<{ sale: LocalSale; event: StoreEvent }> {
  return appendEvent(db, env, saleTables(db), saleEvent(db, draft, env));
}

/**
 * `commitSale`, unless `refuse` (the till's last checks: its offline limits,
 * its open till) finds a reason not to, read in the sale's own transaction
 * over `tables` besides the sale's: then nothing is written, and the reason is
 * returned. One transaction for the checks and the sale, so Complete waits for
 * one round of reads, and nothing another tab journals comes between them.
 */
export async function commitSaleUnless<R>(db: StoresideDb, draft: SaleDraft, env: DeviceEnv, tables: Table[], refuse: AppendRefusal<R>): Promise<{ sale: LocalSale; event: StoreEvent } | { refused: R }> {
  const outcome = await appendEventUnless(db, env, [...saleTables(db), ...tables], saleEvent(db, draft, env), refuse);
  return 'refused' in outcome ? outcome : outcome.result;
}

const saleTables = (db: StoresideDb) => [db.sales, db.stock, db.cartDrafts];

function saleEvent(db: StoresideDb, draft: SaleDraft, env: DeviceEnv) {
  return (position: ChainPosition): DraftedEvent<{ sale: LocalSale; event: StoreEvent }> => {
    const { sale, event, counter } = draftSale(position, draft, env);
    return {
      event,
      receiptCounter: counter,
      result: { sale, event },
      // Issued together, not one after another: each is a round trip to the database, and they touch different records.
      write: () =>
        Promise.all([
          db.sales.add(sale),
          // The card payments it took are no longer open charges: in this transaction, so never both or neither.
          dropKeptCharges(db, sale.tenders.flatMap((tender) => (tender.kind === 'card' ? [tender.terminalRef] : []))),
          moveStock(db, sale.lines, -1),
          // The cart in progress is a sale now: a reload after this must not bring it back to be rung up twice.
          db.cartDrafts.delete(draft.staff.id),
        ]),
    };
  };
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
    receiptToken: draft.receiptToken ?? newReceiptToken(env),
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

/**
 * A digital receipt's token: 128 random bits, the capability its link carries
 * (DESIGN.md "Security"). A token drawn ahead goes to one commit attempt only.
 */
export function newReceiptToken(env: DeviceEnv): string {
  return Array.from(env.randomBytes(16), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
