import type { PricingContext, SaleTotals } from '../domain/pricing/index.ts';
import type { SaleRecord } from '../domain/sale-record.ts';
import { refundedTenders } from '../domain/sale-record.ts';
import { exchangeTenders, type RefundCompletedPayload, type RefundFallback } from '../domain/sale-return.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import type { Minor } from '../domain/money.ts';
import type { TenderProblem } from '../domain/split-tender.ts';
import type { StoreRecord } from '../protocol/entities.ts';
import { draftSale } from './commit-sale.ts';
import type { StoresideDb } from './db.ts';
import { appendEvents, type DeviceEnv } from './journal.ts';
import type { LocalSale } from './local-sale.ts';
import { draftReturn, type ReturnDraft } from './returns.ts';
import { ownAllotments, unitsLeft } from './allotments.ts';
import { moveStock } from './stock-moves.ts';

export type ExchangeDraft = {
  /** what comes back: the original sale, the units the till knew were returned already, and the return's figures */
  returned: { record: SaleRecord; returnedBefore: number[]; figures: ReturnDraft['figures'] };
  /** what goes out: the new cart as priced, and what it was priced with */
  newSale: { totals: SaleTotals; context: PricingContext };
  /** cash handed over for the balance, when the new goods cost more */
  cashTendered: Minor;
  fallback: RefundFallback;
  /** the manager who approved returning goods past the return window, if it is */
  approvedBy: string | null;
  reason: string;
  staff: { id: string; name: string };
  store: StoreRecord;
};

/**
 * An exchange: the return and the new sale in one transaction with one
 * balance. The new sale comes first in the journal, paid by an `exchange`
 * tender naming the return (and cash for any balance); the return follows,
 * its value carried by an `exchange` tender naming the sale (and any
 * difference refunded to the original tenders). Both or neither are written.
 */
/** Why an exchange cannot be made as it stands: its payments, or a scarce product past this till's allotment. */
export type ExchangeProblem = TenderProblem | { code: 'over_allotment'; name: string };

export async function commitExchange(db: StoresideDb, env: DeviceEnv, draft: ExchangeDraft): Promise<{ sale: LocalSale; refund: RefundCompletedPayload } | { problem: ExchangeProblem }> {
  const now = env.now();
  const returnId = uuidv7(now, env.randomBytes(10));
  const saleId = uuidv7(now, env.randomBytes(10));
  const { record } = draft.returned;
  const settled = exchangeSettlement(draft, { returnId, saleId });
  if ('problem' in settled) return settled;
  // A scarce product goes out only within this till's allotment, as at the checkout (conflicts/escrow.ts).
  const allotments = await ownAllotments(db);
  for (const line of draft.newSale.totals.lines) {
    const allotment = allotments.get(line.sku);
    if (allotment && line.quantity > (await unitsLeft(db, allotment))) return { problem: { code: 'over_allotment', name: line.name } };
  }
  const [sale, refund] = await appendEvents(db, env, [db.sales, db.stock, db.returns], [
    (position) => {
      const drafted = draftSale(
        position,
        { ...draft.newSale, tenders: settled.sale.tenders, cashRounding: settled.sale.cashRounding, customer: record.customer, overrides: [], staff: draft.staff, store: draft.store },
        env,
        saleId,
      );
      return {
        event: drafted.event,
        receiptCounter: drafted.counter,
        result: drafted.sale,
        write: async () => {
          await db.sales.add(drafted.sale);
          await moveStock(db, drafted.sale.lines, -1);
        },
      };
    },
    (position) =>
      draftReturn(
        db,
        env,
        position,
        {
          sale: { record, returnedBefore: draft.returned.returnedBefore },
          figures: draft.returned.figures,
          tenders: settled.refund.tenders,
          cashRounding: settled.refund.cashRounding,
          reason: draft.reason,
          approvedBy: draft.approvedBy,
          staff: draft.staff,
          store: draft.store,
        },
        returnId,
      ),
  ]);
  return { sale: sale as LocalSale, refund: refund as RefundCompletedPayload };
}

/** The tenders of both sides of an exchange, as `commitExchange` writes them; the ids only let each side name the other. */
function exchangeSettlement(draft: ExchangeDraft, ids: { returnId: string; saleId: string }) {
  const { record } = draft.returned;
  return exchangeTenders(
    { returnTotal: draft.returned.figures.total, newSaleTotal: draft.newSale.totals.total, cashTendered: draft.cashTendered, ...ids },
    { paidWith: record.tenders, cashRounding: record.cashRounding, refundedBefore: refundedTenders(record.returns), fallback: draft.fallback },
    draft.store.cashCoin,
  );
}

/**
 * Every tender an exchange would write, both sides: what is asked before it
 * is written, such as whether cash moves (the till gate). None for an
 * exchange `commitExchange` would refuse anyway, with its reason.
 */
export function exchangeTendersOf(draft: ExchangeDraft): { kind: string; amount: Minor }[] {
  const settled = exchangeSettlement(draft, { returnId: '', saleId: '' });
  return 'problem' in settled ? [] : [...settled.sale.tenders, ...settled.refund.tenders];
}
