import type { Minor } from '../../domain/money.ts';
import { settleTenders } from '../../domain/split-tender.ts';
import type { TenderRecord } from '../../domain/tender.ts';
import { signal } from '@preact/signals';
import { commitSaleUnless, newReceiptToken } from '../../local/commit-sale.ts';
import type { StoresideDb } from '../../local/db.ts';
import type { DeviceEnv } from '../../local/journal.ts';
import type { LocalSale } from '../../local/local-sale.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import type { Cart } from './cart.ts';
import type { Notice } from './notice.ts';
import type { OfflineLimits } from './offline-limits.ts';
import type { LimitReached } from '../../domain/offline-policy.ts';
import type { TillSessionRefusal } from '../../domain/cash-till-rule.ts';
import type { PricedSale } from './priced-cart.ts';
import type { Tenders } from './tenders.ts';
import type { StoreWords } from '../words/store-words.ts';
import { tenderProblemText } from '../words/problem-text.ts';
import { exceptionText } from '../words/failure-text.ts';
import { tillGate } from '../till/till-gate.ts';
import { cashTillRefusal } from '../../local/cash-till-check.ts';

type Staff = { id: string; name: string };

/** Why Complete wrote nothing: offline limits no manager has overridden, or cash without the open till the store requires. */
type Refusal = { limits: LimitReached[] } | { till: TillSessionRefusal };

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
  /**
   * The next sale's digital receipt token, drawn ahead so the receipt's QR
   * code can be drawn before Complete (checkout-screen.tsx), not after it.
   * Each token goes to one commit attempt: a new one is drawn after each.
   */
  const nextReceiptToken = signal(newReceiptToken(env));

  /** Cash handed over for the sale: what was typed, or (none typed) exactly what is left, unless other payments cover it all. */
  function cashFor(total: Minor): Minor | null {
    const typed = tenders.cashTendered.value;
    if (typed !== null) return typed;
    const rest = settleTenders(total, tenders.inputs(null), store.cashCoin);
    return 'problem' in rest || rest.remaining === 0 ? null : rest.cashDue;
  }

  return {
    nextReceiptToken,

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
      const records: TenderRecord[] = [...taken];
      if (cash !== null && settlement.cashAmount > 0) records.push({ kind: 'cash', amount: settlement.cashAmount, tendered: cash, change: settlement.change });
      // The last checks, read in the sale's own transaction: the offline limits (they speak first), and cash without the
      // open till the store requires.
      const refuse = async (): Promise<Refusal | null> => {
        const [reached, tillRefusal] = await Promise.all([limits.unapproved(taken), cashTillRefusal(db, records, 'sale')]);
        if (reached.length > 0) return { limits: reached };
        return tillRefusal === null ? null : { till: tillRefusal };
      };
      const receiptToken = nextReceiptToken.value;
      try {
        const committing = performance.now();
        const outcome = await commitSaleUnless(
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
            receiptToken,
          },
          env,
          [db.stores, db.storedValues],
          refuse,
        );
        // User Timing, like pricing's: read by `npm run bench`, visible in DevTools.
        performance.measure('storeside:commit-sale', { start: committing, end: performance.now() });
        const gate = tillGate(db);
        if (!('refused' in outcome)) {
          gate.answer(null);
          return outcome.sale;
        }
        const { refused } = outcome;
        // A limit: shown for a manager's override. The till: the associate is asked to open it. The cart stays for Complete after.
        if ('limits' in refused) limits.stopAt(refused.limits, 'A manager may override it, or take another payment.');
        else gate.answer(refused.till);
        return null;
      } catch (error) {
        say({ tone: 'error', text: exceptionText(error, 'The sale was not saved') });
        return null;
      } finally {
        nextReceiptToken.value = newReceiptToken(env);
      }
    },
  };
}

export type Completion = ReturnType<typeof createCompletion>;
