import { computed, signal } from '@preact/signals';
import { refundedTenders, returnableSale, returnedUnits, type SaleRecord } from '../../domain/sale-record.ts';
import { refundTenders, returnFigures, withinReturnWindow, type RefundFallback } from '../../domain/sale-return.ts';
import { commitReturn, commitVoid } from '../../local/returns.ts';
import type { Approval } from '../approval/manager-approval.tsx';
import { newCreditAccount, type ReturnDone, type ReturnsContext } from './returns-model.ts';
import { exceptionText } from '../words/failure-text.ts';
import { tillGate } from '../till/till-gate.ts';
import { returnsProblemText } from '../words/problem-text.ts';

/** The returned units' figures, when they can be returned: what an exchange carries over. */
export type ReturnFigures = Exclude<ReturnType<typeof returnFigures>, { error: string }>;

/**
 * Units of one sale coming back: which and how many, why, and where the money
 * goes — the sale's own tenders (the engine's allocation: discounts and tax
 * included), the rest to cash or a new credit slip as the store says. Past the
 * return window a manager approves; a void always needs one.
 */
export function createSaleReturn(context: ReturnsContext, record: SaleRecord, outcome: { done: (done: ReturnDone) => void; fail: (message: string | null) => void }) {
  const { db, store, staff, env } = context;
  const returned = returnedUnits(record, record.returns);
  const quantities = signal<number[]>(record.lines.map(() => 0));
  const reason = signal('');
  const toCredit = signal(store.refundFallback === 'store_credit');
  const busy = signal(false);
  // One slip number per return: the one shown before the refund is the one the receipt and the server get.
  const creditAccount = newCreditAccount(env);
  const inWindow = withinReturnWindow(record.completedAt, env.now(), store.returnDays);
  const figures = computed(() => {
    const requests = quantities.value.flatMap((quantity, line) => (quantity > 0 ? [{ line, quantity }] : []));
    return requests.length > 0 ? returnFigures(returnableSale(record), returned, requests) : null;
  });
  const fallback = computed((): RefundFallback => (toCredit.value ? { kind: 'store_credit', accountId: creditAccount } : { kind: 'cash' }));
  const plan = computed(() => {
    const figured = figures.value;
    return figured && !('error' in figured) ? refundTenders(figured.total, record.tenders, refundedTenders(record.returns), fallback.value, store.cashCoin, record.cashRounding) : null;
  });

  /** Runs a step that journals, saying why it failed if it did (storage full, a reason the journal refuses). */
  async function journaling(what: string, step: () => Promise<ReturnDone | { error: string }>) {
    busy.value = true;
    try {
      const done = await step();
      if ('error' in done) outcome.fail(done.error);
      else outcome.done(done);
    } catch (error) {
      outcome.fail(exceptionText(error, what));
    } finally {
      busy.value = false;
    }
  }

  return {
    record,
    returned,
    quantities,
    reason,
    toCredit,
    busy,
    inWindow,
    figures,
    fallback,
    plan,
    /** Units left to return of each line. */
    left: (line: number) => record.lines[line]!.quantity - (returned[line] ?? 0),
    setQuantity(line: number, quantity: number) {
      const left = record.lines[line]!.quantity - (returned[line] ?? 0);
      quantities.value = quantities.value.map((q, i) => (i === line ? Math.max(0, Math.min(left, quantity)) : q));
    },
    async refund(approval: Approval | null) {
      const figured = figures.value;
      const planned = plan.value;
      if (!figured || 'error' in figured || !planned) return;
      // Cash paid back without the open till the store requires: the associate opens it, and the return stays.
      if (await tillGate(db).refuses(planned.tenders, 'refund')) return;
      return journaling('The refund was not saved', async () => ({
        kind: 'return',
        refund: await commitReturn(db, env, {
          sale: { record, returnedBefore: returned },
          figures: figured,
          tenders: planned.tenders,
          cashRounding: planned.cashRounding,
          reason: reason.value.trim() || 'returned',
          approvedBy: approval?.id ?? null,
          staff,
          store,
        }),
      }));
    },
    /** Whether a void may move cash now: asked before the manager's PIN, so it is not typed twice. */
    voidRefused: () => tillGate(db).refuses(record.tenders, 'void'),
    async voidSale(approval: Approval) {
      if (await tillGate(db).refuses(record.tenders, 'void')) return;
      return journaling('The void was not saved', async () => {
        const voided = await commitVoid(db, env, { record, reason: reason.value.trim() || 'voided', approvedBy: approval.id, staff });
        return 'problem' in voided ? { error: returnsProblemText(voided.problem) } : { kind: 'void', voided, record };
      });
    },
  };
}

export type SaleReturnModel = ReturnType<typeof createSaleReturn>;
