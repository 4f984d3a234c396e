import type { Minor } from '../../domain/money.ts';
import { settleTenders } from '../../domain/split-tender.ts';
import type { TenderRecord } from '../../domain/tender.ts';
import { commitSale } from '../../local/commit-sale.ts';
import type { StoresideDb } from '../../local/db.ts';
import type { DeviceEnv } from '../../local/journal.ts';
import type { LocalSale } from '../../local/local-sale.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import type { Cart } from './cart.ts';
import type { Notice } from './notice.ts';
import type { OfflineLimits } from './offline-limits.ts';
import type { PricedSale } from './priced-cart.ts';
import type { Tenders } from './tenders.ts';
import type { StoreWords } from '../words/store-words.ts';
import { tenderProblemText } from '../words/problem-text.ts';
import { exceptionText } from '../words/failure-text.ts';
import { tillGate } from '../till/till-gate.ts';

type Staff = { id: string; name: string };

/**
 * Complete: the last checks on the sale as rung up and paid, then the sale,
 * its stock and its journal event in one transaction (local/commit-sale.ts).
 * Nothing is written unless every check passed; a refusal is a notice that
 * says what to do.
 */
export function createCompletion(deps: {
  db: StoresideDb;
  env: DeviceEnv;
  store: StoreRecord;
  staff: () => Staff;
  customer: () => { id: string; name: string } | null;
  cart: Cart;
  tenders: Tenders;
  limits: OfflineLimits;
  words: StoreWords;
  say: (notice: Notice | null) => void;
}) {
  const { db, env, store, cart, tenders, limits, say } = deps;

  /** Cash handed over for the sale: what was typed, or (none typed) exactly what is left, unless other payments cover it all. */
  function cashFor(total: Minor): Minor | null {
    const typed = tenders.cashTendered.value;
    if (typed !== null) return typed;
    const rest = settleTenders(total, tenders.inputs(null), store.cashCoin);
    return 'problem' in rest || rest.remaining === 0 ? null : rest.cashDue;
  }

  return {
    /** Completes `priced` (the cart as it is, priced) with the payments taken; the sale kept, or null and a notice why not. */
    async complete(priced: PricedSale): Promise<LocalSale | null> {
      const cash = cashFor(priced.totals.total);
      const settlement = settleTenders(priced.totals.total, tenders.inputs(cash), store.cashCoin);
      if ('problem' in settlement) {
        say({ tone: 'error', text: `${tenderProblemText(settlement.problem, deps.words)} Remove a payment.` });
        return null;
      }
      if (!settlement.settled) {
        say({ tone: 'error', text: cash === null ? `${deps.words.money(settlement.remaining)} is still to pay.` : 'The cash taken is less than what is left to pay.' });
        return null;
      }
      const wrongLine = await cart.problem();
      if (wrongLine) {
        say({ tone: 'error', text: wrongLine });
        return null;
      }
      const taken = tenders.records();
      if (await limits.stoppedBy(taken, () => true, 'A manager may override it, or take another payment.')) return null;
      const records: TenderRecord[] = [...taken];
      if (cash !== null && settlement.cashAmount > 0) records.push({ kind: 'cash', amount: settlement.cashAmount, tendered: cash, change: settlement.change });
      // Cash without the open till the store requires: the associate is asked to open it; the cart stays for Complete after.
      if (await tillGate(db).refuses(records, 'sale')) return null;
      try {
        const committing = performance.now();
        const { sale } = await commitSale(
          db,
          {
            totals: priced.totals,
            context: priced.context,
            tenders: records,
            cashRounding: settlement.cashRounding,
            customer: deps.customer(),
            lineDetails: cart.detailsByLine(priced.lines),
            overrides: limits.recorded(),
            staff: deps.staff(),
            store,
          },
          env,
        );
        // User Timing, like pricing's: read by `npm run bench`, visible in DevTools.
        performance.measure('storeside:commit-sale', { start: committing, end: performance.now() });
        return sale;
      } catch (error) {
        say({ tone: 'error', text: exceptionText(error, 'The sale was not saved') });
        return null;
      }
    },
  };
}

export type Completion = ReturnType<typeof createCompletion>;
